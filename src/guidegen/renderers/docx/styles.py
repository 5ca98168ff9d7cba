"""Word styles from the theme: ``templates/word-styles.yaml`` applied to a reference document.

The built-in reference document is python-docx's default template with the styles of
``word-styles.yaml`` applied, their fonts, sizes and colours taken from the theme.
A ``reference.docx`` in a templates folder replaces it, and its styles are used as
they are (like pandoc's ``--reference-doc``); it must define every style the writer
uses, and :func:`reference_document` names the first one missing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from ...errors import Location, Problem, TemplateError, display_name
from ...theme import Templates
from ...theme.reference import find_reference
from ...theme.theme import Theme
from ...theme.word_styles import (
    CharacterStyle,
    ListLevel,
    ParagraphStyle,
    TableStyle,
    WordStyles,
)
from .oxml import save_reproducibly

_KINDS = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "character": WD_STYLE_TYPE.CHARACTER,
          "table": WD_STYLE_TYPE.TABLE}


def reference_document(templates: Templates, language: str = "en") -> docx.document.Document:
    """Return a fresh reference document: the user's ``reference.docx`` or the themed default.

    The themed default's fonts are those of ``language``: its East Asian text takes the
    theme's font for its script.
    """
    theme, styles = templates.theme, templates.word_styles
    data = templates.reference  # read and checked (:mod:`guidegen.theme.reference`)
    path = find_reference(templates.folders)
    if data is not None and path is not None:
        document = _open(data, path)
        _require_styles(document, styles, path)
        document.element.body.clear_content()  # its styles count, not its text
        return document
    key = (theme.model_dump_json(), styles.model_dump_json(), language)
    return docx.Document(io.BytesIO(_themed_reference(*key)))


def reference_sample(templates: Templates) -> bytes:
    """Return the built-in reference document, one sample paragraph per style, as bytes.

    Restyle it in Word or LibreOffice and save it as ``reference.docx`` in a templates
    folder: the Word writer then takes every style from it.
    """
    theme, styles = templates.theme, templates.word_styles
    document = docx.Document(io.BytesIO(_themed_reference(theme.model_dump_json(),
                                                          styles.model_dump_json())))
    for name in styles.paragraph:
        document.add_paragraph(f"{name}: paragraph style used by guidegen", name)
    sample = document.add_paragraph("Character styles: ")
    for name in styles.character:
        sample.add_run(name, name)
        sample.add_run(" ")
    for name in styles.table:
        table = document.add_table(rows=3, cols=3)
        table.style = document.styles[name]
        for row in table.rows:
            for cell in row.cells:
                cell.text = name
    return save_reproducibly(document, None)


def _open(data: bytes, path: Path) -> docx.document.Document:
    try:
        return docx.Document(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # python-docx raises several kinds for a bad package
        raise TemplateError.collect([Problem(Location(display_name(path)),
                                             f"not a usable .docx: {exc}")]) from None


def _require_styles(document: Any, styles: WordStyles, path: Path) -> None:
    have = {(s.name, s.type) for s in document.styles}
    for name, kind in styles.names():
        if (name, _KINDS[kind]) not in have:
            raise TemplateError.collect([Problem(
                Location(display_name(path)),
                f"the reference document has no {kind} style {name!r}, "
                "which guidegen needs (start from `guidegen reference-doc`)")])


@lru_cache(maxsize=8)
def _themed_reference(theme_json: str, styles_json: str, language: str = "en") -> bytes:
    """Return the built-in reference document for a theme and styles (as JSON) as bytes."""
    document = docx.Document()
    apply_styles(document, Theme.model_validate_json(theme_json),
                 WordStyles.model_validate_json(styles_json), language)
    document.element.body.clear_content()
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def apply_styles(document: Any, theme: Theme, styles: WordStyles, language: str = "en") -> None:
    """Create or restyle every style of ``styles`` in ``document`` from ``theme``."""
    resolve = _Resolver(theme, language, styles)
    _set_defaults(document, resolve)
    for name, spec in styles.paragraph.items():
        style = _style(document, name, WD_STYLE_TYPE.PARAGRAPH)
        _reset(style.element)
        if spec.base:
            style.base_style = document.styles[spec.base]
        _apply_font(style.font, spec, resolve)
        _apply_paragraph(style, name, spec, resolve)
    for name, character in styles.character.items():
        style = _style(document, name, WD_STYLE_TYPE.CHARACTER)
        _apply_font(style.font, character, resolve)
    for levels in styles.lists.values():
        _apply_list(document, levels)
    for name, table in styles.table.items():
        _apply_table(_style(document, name, WD_STYLE_TYPE.TABLE), table, resolve)


def _apply_list(document: Any, levels: list[ListLevel]) -> None:
    """Define one multi-level Word list and tie each level's paragraph style to it."""
    numbering = document.part.numbering_part.element
    abstract_id = 1 + max((int(a.get(qn("w:abstractNumId")))
                           for a in numbering.findall(qn("w:abstractNum"))), default=-1)
    abstract = _attrs(OxmlElement("w:abstractNum"), abstractNumId=str(abstract_id))
    abstract.append(_attrs(OxmlElement("w:multiLevelType"), val="multilevel"))
    for ilvl, level in enumerate(levels):
        hanging = str(round(min(level.indent, 14) * 20))
        abstract.append(_xml("w:lvl", [
            _attrs(OxmlElement("w:start"), val="1"),
            _attrs(OxmlElement("w:numFmt"), val=level.format),
            _attrs(OxmlElement("w:lvlText"), val=level.text),
            _attrs(OxmlElement("w:lvlJc"), val="left"),
            _xml("w:pPr", [_attrs(OxmlElement("w:ind"), left=str(round(level.indent * 20)),
                                  hanging=hanging)]),
        ]))
        abstract[-1].set(qn("w:ilvl"), str(ilvl))
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    num_id = numbering.add_num(abstract_id).numId
    for ilvl, level in enumerate(levels):
        num_pr = document.styles[level.style].element.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_numId().val = num_id
        num_pr.get_or_add_ilvl().val = ilvl


class _Resolver:
    """Turn theme references in a style (``body``, ``heading1``, ``accent``) into values.

    :mod:`guidegen.theme.word_styles` has checked that every reference is a theme key.
    """

    def __init__(self, theme: Theme, language: str = "en",
                 styles: WordStyles | None = None) -> None:
        self.theme = theme
        self.east_asian = theme.east_asian_font(language).word  # w:eastAsia
        self.complex = theme.scripts.arabic.word  # w:cs: Arabic, Hebrew
        self.styles = styles.paragraph if styles is not None else {}

    def font(self, key: str) -> str:
        return getattr(self.theme.fonts, key).word

    def size(self, key: str | float) -> float:
        return key if isinstance(key, float) else getattr(self.theme.sizes, key)

    def color(self, key: str) -> RGBColor:
        return RGBColor.from_string(self.hex(key))

    def hex(self, key: str) -> str:
        return getattr(self.theme.colors, key)[1:].upper()

    def spacing(self, points: float) -> float:
        """Return ``points`` of space between paragraphs, times the theme's spacing."""
        return points * self.theme.sizes.spacing

    def line_pitch(self, name: str) -> float:
        """Return the distance from line to line of paragraph style ``name``, in points.

        Like CSS's unitless ``line-height``, a style's ``line_spacing`` multiplies its
        own type size, and a style without one takes its base style's multiple (Normal's
        is the theme's line height); Word gets the result as an exact line pitch, so it
        sets the lines as the PDF does.
        """
        size = multiple = None
        seen: set[str] = set()
        while name in self.styles and name not in seen:
            seen.add(name)
            spec = self.styles[name]
            size = size if size is not None or spec.size is None else self.size(spec.size)
            if multiple is None and spec.line_spacing is not None:
                multiple = self.size(spec.line_spacing)
            name = spec.base or ("Normal" if name != "Normal" else "")
        sizes = self.theme.sizes
        return round((size or sizes.body) * (multiple or sizes.line_height), 2)


def _style(document: Any, name: str, kind: WD_STYLE_TYPE) -> Any:
    styles = document.styles
    try:  # python-docx finds it by name with one XPath query
        existing = styles[name]
    except KeyError:
        existing = None
    if existing is not None and existing.type == kind:
        return existing
    style = styles.add_style(name, kind)
    style.quick_style = kind != WD_STYLE_TYPE.TABLE
    return style


def _reset(element: Any) -> None:
    """Remove the template's rules, tab stops, letter spacing and contextual spacing.

    The spec says them all; contextual spacing (no space between paragraphs of one
    style, in python-docx's list styles) would set list items closer than the PDF does.
    """
    for path in ("w:pPr/w:pBdr", "w:pPr/w:tabs", "w:rPr/w:spacing",
                 "w:pPr/w:contextualSpacing"):
        for child in element.findall(qn(path.split("/")[0]) + "/" + qn(path.split("/")[1])):
            child.getparent().remove(child)


def _set_defaults(document: Any, resolve: _Resolver) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for properties in (rpr, document.styles["Normal"].element.get_or_add_rPr()):
        _fonts(properties, resolve.font("body"), resolve)


def _fonts(rpr: Any, name: str, resolve: _Resolver) -> None:
    """Name ``name`` for Latin text, and the script fonts for East Asian and complex text."""
    fonts = rpr.get_or_add_rFonts()
    for attribute, value in (("w:ascii", name), ("w:hAnsi", name),
                             ("w:eastAsia", resolve.east_asian), ("w:cs", resolve.complex)):
        fonts.set(qn(attribute), value)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def _apply_font(font: Any, spec: CharacterStyle, resolve: _Resolver) -> None:
    if spec.font:
        _fonts(font.element.get_or_add_rPr(), resolve.font(spec.font), resolve)
    if spec.size is not None:
        font.size = Pt(resolve.size(spec.size))
    if spec.color:
        font.color.rgb = resolve.color(spec.color)
    for ours, words in (("bold", "bold"), ("italic", "italic"), ("caps", "all_caps"),
                        ("underline", "underline")):
        if getattr(spec, ours) is not None:
            setattr(font, words, getattr(spec, ours))


# what follows w:suppressAutoHyphens in a paragraph's properties, in the schema's order
_AFTER_SUPPRESS_HYPHENS = ("w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                           "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                           "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                           "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                           "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                           "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _apply_paragraph(style: Any, name: str, spec: ParagraphStyle, resolve: _Resolver) -> None:
    fmt = style.paragraph_format
    if spec.space_before is not None:
        fmt.space_before = Pt(resolve.spacing(spec.space_before))
    if spec.space_after is not None:
        fmt.space_after = Pt(resolve.spacing(spec.space_after))
    # exact, as the PDF's line pitch; single (growing with a picture) where asked
    fmt.line_spacing = Pt(resolve.line_pitch(name)) if spec.exact else 1.0
    if spec.keep_with_next is not None:
        fmt.keep_with_next = spec.keep_with_next
    if spec.keep_together is not None:
        fmt.keep_together = spec.keep_together
    if spec.align:
        fmt.alignment = _ALIGN[spec.align]
    if spec.hyphenate is False:
        suppress = OxmlElement("w:suppressAutoHyphens")
        style.element.get_or_add_pPr().insert_element_before(
            suppress, *_AFTER_SUPPRESS_HYPHENS)
    if spec.border_bottom:
        ppr = style.element.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        borders.append(_border("w:bottom", resolve.hex(spec.border_bottom), 6, space=3))
        ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens",
                                  "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")


def _border(tag: str, color: str, eighths: int, space: int = 0) -> Any:
    element = OxmlElement(tag)
    for key, value in (("w:val", "single"), ("w:sz", str(eighths)), ("w:space", str(space)),
                       ("w:color", color)):
        element.set(qn(key), value)
    return element


def _apply_table(style: Any, spec: TableStyle, resolve: _Resolver) -> None:
    _fonts(style.element.get_or_add_rPr(), resolve.font(spec.font), resolve)
    style.font.size = Pt(resolve.size(spec.size))
    style.paragraph_format.space_after = Pt(0)
    element = style.element
    for old in element.findall(qn("w:tblPr")) + element.findall(qn("w:tblStylePr")):
        element.remove(old)
    padding = str(round(resolve.size(spec.cell_padding) * 20))
    sides = ("top", "bottom", "insideH") if spec.rule_above else ("bottom", "insideH")
    borders = [_border(f"w:{side}", resolve.hex(spec.rule), 4)
               for side in sides] if spec.rule else []
    element.append(_xml("w:tblPr", [
        _xml("w:tblBorders", borders),
        _xml("w:tblCellMar", [_width(f"w:{side}", padding) for side in ("top", "left",
                                                                         "bottom", "right")]),
    ]))
    if spec.header_rule or spec.header_fill:
        element.append(_conditional("firstRow", _header_parts(spec, resolve)))
    if spec.stripe_fill:
        element.append(_conditional("band2Horz", [_xml("w:tblPr"), _xml("w:tcPr", [
            _shading(resolve.hex(spec.stripe_fill))])]))


def _header_parts(spec: TableStyle, resolve: _Resolver) -> list[Any]:
    run = [_xml("w:b")]
    cell = []
    if spec.header_rule:
        run.append(_attrs(OxmlElement("w:color"), val=resolve.hex(spec.header_rule)))
        cell.append(_xml("w:tcBorders", [_border("w:bottom", resolve.hex(spec.header_rule),
                                                  10)]))
    if spec.header_fill:
        cell.append(_shading(resolve.hex(spec.header_fill)))
    return [_xml("w:rPr", run), _xml("w:tblPr"), _xml("w:tcPr", cell)]


def _conditional(kind: str, parts: list[Any]) -> Any:
    element = _xml("w:tblStylePr", parts)
    element.set(qn("w:type"), kind)
    return element


def _shading(fill: str) -> Any:
    return _attrs(OxmlElement("w:shd"), val="clear", color="auto", fill=fill)


def _xml(tag: str, children: Sequence[Any] = ()) -> Any:
    element = OxmlElement(tag)
    for child in children:
        element.append(child)
    return element


def _attrs(element: Any, **values: str) -> Any:
    for key, value in values.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _width(tag: str, twips: str) -> Any:
    return _attrs(OxmlElement(tag), w=twips, type="dxa")
