"""Word styles generated from the style sheet (``templates/styles.yaml``).

The built-in reference document is python-docx's default template with one Word style
per role of the resolved style sheet (:class:`~guidegen.theme.resolve.Styles`): a
paragraph role's style says every property (as its CSS rule does), a span role's only
what it sets, a table or fields role's its rules, fills and padding; the header row's
type is its head cell role's. A ``reference.docx`` in a templates folder replaces it,
and its styles are used as they are (like pandoc's ``--reference-doc``); it must define
every style the writer uses, and :func:`reference_document` names the first one missing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from ...common.language import Language
from ...errors import Location, Problem, TemplateError, display_name
from ...theme import Templates
from ...theme.reference import find_reference
from ...theme.resolve import FieldsLook, LevelLook, ParagraphLook, Rule, SpanLook, Styles, TableLook
from .oxml import save_reproducibly

_KINDS = {"paragraph": WD_STYLE_TYPE.PARAGRAPH, "character": WD_STYLE_TYPE.CHARACTER,
          "table": WD_STYLE_TYPE.TABLE}
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def reference_document(templates: Templates, language: Language) -> docx.document.Document:
    """Return a fresh reference document: the user's ``reference.docx`` or the generated one.

    The generated one's fonts are those of ``language``: its East Asian text takes the
    theme's font for its script.
    """
    styles = templates.styles
    data = templates.reference  # read and checked (:mod:`guidegen.theme.reference`)
    path = find_reference(templates.folders)
    if data is not None and path is not None:
        document = _open(data, path)
        _require_styles(document, styles, path)
        document.element.body.clear_content()  # its styles count, not its text
        return document
    return docx.Document(io.BytesIO(_generated_reference(styles.key, styles, language)))


def reference_sample(templates: Templates, language: Language) -> bytes:
    """Return the generated reference document, one sample paragraph per style, as bytes.

    Restyle it in Word or LibreOffice and save it as ``reference.docx`` in a templates
    folder: the Word writer then takes every style from it.
    """
    styles = templates.styles
    document = docx.Document(io.BytesIO(_generated_reference(styles.key, styles, language)))
    for name, kind in styles.word_names():
        if kind == "paragraph":
            document.add_paragraph(f"{name}: paragraph style used by guidegen", name)
    sample = document.add_paragraph("Character styles: ")
    for name, kind in styles.word_names():
        if kind == "character":
            sample.add_run(name, name)
            sample.add_run(" ")
    for name, kind in styles.word_names():
        if kind == "table":
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


def _require_styles(document: Any, styles: Styles, path: Path) -> None:
    have = {(s.name, s.type) for s in document.styles}
    for name, kind in styles.word_names():
        if (name, _KINDS[kind]) not in have:
            raise TemplateError.collect([Problem(
                Location(display_name(path)),
                f"the reference document has no {kind} style {name!r}, "
                "which guidegen needs (start from `guidegen reference-doc`)")])


_MADE: dict[tuple[str, Language], bytes] = {}
_KEEP = 8  # style sheets, themes and languages whose reference documents are kept


def _generated_reference(key: str, styles: Styles, language: Language) -> bytes:
    """Return the generated reference document of ``styles`` (whose digest is ``key``).

    Made once per style sheet, theme and language (``key``: equal keys, equal styles),
    whichever build, page fitting level or worker asks.
    """
    found = _MADE.get((key, language))
    if found is None:
        document = docx.Document()
        apply_styles(document, styles, language)
        document.element.body.clear_content()
        stream = io.BytesIO()
        document.save(stream)
        if len(_MADE) >= _KEEP:
            _MADE.pop(next(iter(_MADE)))
        found = _MADE[(key, language)] = stream.getvalue()
    return found


def apply_styles(document: Any, styles: Styles, language: Language) -> None:
    """Create or restyle in ``document`` the Word style of every role of ``styles``."""
    fonts = _Fonts(styles, language)
    _set_defaults(document, fonts)
    made = {look.word: _style(document, look.word, WD_STYLE_TYPE.PARAGRAPH)
            for look in styles.paragraphs.values()}  # first all, so that bases are there
    for look in styles.paragraphs.values():
        style = made[look.word]
        _reset(style.element)
        base = None if look.base is None else styles.paragraph(look.base)
        if base is not None:
            style.base_style = made[base.word]
        _apply_paragraph(style, look, base, fonts)
    for span in styles.spans.values():
        _apply_span(_style(document, span.word, WD_STYLE_TYPE.CHARACTER), span, fonts)
    for levels in styles.lists.values():
        _apply_list(document, levels, styles)
    for table in styles.tables.values():
        _apply_table(_style(document, table.word, WD_STYLE_TYPE.TABLE), table, styles, fonts)
    for fields in styles.fields.values():
        _apply_fields(_style(document, fields.word, WD_STYLE_TYPE.TABLE), fields, styles,
                      fonts)


class _Fonts:
    """The Word fonts of the theme's font keys, with the script fonts of a language."""

    def __init__(self, styles: Styles, language: Language) -> None:
        theme = styles.theme
        self.theme = theme
        self.east_asian = theme.east_asian_font(language).word  # w:eastAsia
        self.complex = theme.scripts.arabic.word  # w:cs: Arabic, Hebrew

    def name(self, key: str) -> str:
        return str(getattr(self.theme.fonts, key).word)

    def set(self, rpr: Any, key: str) -> None:
        """Name font ``key`` for Latin text, the script fonts for East Asian and complex."""
        fonts = rpr.get_or_add_rFonts()
        name = self.name(key)
        for attribute, value in (("w:ascii", name), ("w:hAnsi", name),
                                 ("w:eastAsia", self.east_asian), ("w:cs", self.complex)):
            fonts.set(qn(attribute), value)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attribute), None)


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

    The style sheet says them all; contextual spacing (no space between paragraphs of
    one style, in python-docx's list styles) would set list items closer than the PDF.
    """
    for path in ("w:pPr/w:pBdr", "w:pPr/w:tabs", "w:rPr/w:spacing",
                 "w:pPr/w:contextualSpacing", "w:pPr/w:suppressAutoHyphens"):
        for child in element.findall(qn(path.split("/")[0]) + "/" + qn(path.split("/")[1])):
            child.getparent().remove(child)


def _set_defaults(document: Any, fonts: _Fonts) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for properties in (rpr, document.styles["Normal"].element.get_or_add_rPr()):
        fonts.set(properties, "body")


def _apply_text(style: Any, look: ParagraphLook | SpanLook, fonts: _Fonts) -> None:
    """Set what ``look`` says of the text: font, size, weight, slant, colour, caps, spacing."""
    font = style.font
    if look.font is not None:
        fonts.set(font.element.get_or_add_rPr(), look.font)
    if look.size is not None:  # Word holds half points; python-docx would cut, not round
        font.size = Pt(round(look.size * 2) / 2)
    if look.color is not None:
        font.color.rgb = RGBColor.from_string(look.color[1:].upper())
    for ours, words in (("bold", "bold"), ("italic", "italic"), ("caps", "all_caps"),
                        ("underline", "underline")):
        if getattr(look, ours) is not None:
            setattr(font, words, getattr(look, ours))
    if look.letter_spacing is not None:
        rpr = font.element.get_or_add_rPr()
        for old in rpr.findall(qn("w:spacing")):
            rpr.remove(old)
        spacing = _attrs(OxmlElement("w:spacing"), val=str(round(look.letter_spacing * 20)))
        rpr.insert_element_before(spacing, *_AFTER_SPACING)


def _apply_span(style: Any, look: SpanLook, fonts: _Fonts) -> None:
    _apply_text(style, look, fonts)


# what follows a w:spacing in run properties, and w:suppressAutoHyphens in paragraph
# properties, in the schema's order
_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                  "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                  "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_SUPPRESS_HYPHENS = ("w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                           "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                           "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                           "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                           "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                           "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _apply_paragraph(style: Any, look: ParagraphLook, base: ParagraphLook | None,
                     fonts: _Fonts) -> None:
    """Set every property of a paragraph role on its Word style (``base``: its base's)."""
    _apply_text(style, look, fonts)
    fmt = style.paragraph_format
    fmt.space_before = Pt(look.space_before)
    fmt.space_after = Pt(look.space_after)
    pitch = look.line_pitch  # exact, as the PDF's; single (the font's, growing with a picture)
    if pitch is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = Pt(pitch)
    fmt.keep_with_next = look.keep_with_next
    fmt.keep_together = look.keep_together
    fmt.alignment = _ALIGN[look.align]
    if look.indent:
        fmt.left_indent = Pt(look.indent)
    if not look.hyphenate or (base is not None and not base.hyphenate):
        suppress = OxmlElement("w:suppressAutoHyphens")  # on, or off again below a base's
        if look.hyphenate:
            suppress.set(qn("w:val"), "0")
        style.element.get_or_add_pPr().insert_element_before(suppress,
                                                             *_AFTER_SUPPRESS_HYPHENS)
    if look.border_after is not None:
        borders = _xml("w:pBdr", [_border("w:bottom", look.border_after)])
        style.element.get_or_add_pPr().insert_element_before(
            borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc",
            "w:outlineLvl", "w:rPr")


def _apply_list(document: Any, levels: Sequence[LevelLook], styles: Styles) -> None:
    """Define one multi-level Word list and tie each level's paragraph style to it."""
    numbering = document.part.numbering_part.element
    abstract_id = 1 + max((int(a.get(qn("w:abstractNumId")))
                           for a in numbering.findall(qn("w:abstractNum"))), default=-1)
    abstract = _attrs(OxmlElement("w:abstractNum"), abstractNumId=str(abstract_id))
    abstract.append(_attrs(OxmlElement("w:multiLevelType"), val="multilevel"))
    for ilvl, level in enumerate(levels):
        hanging = str(round(min(level.indent, 14) * 20))
        parts = [
            _attrs(OxmlElement("w:start"), val="1"),
            _attrs(OxmlElement("w:numFmt"), val=level.format),
            _attrs(OxmlElement("w:lvlText"), val=level.marker),
            _attrs(OxmlElement("w:lvlJc"), val="left"),
            _xml("w:pPr", [_attrs(OxmlElement("w:ind"), left=str(round(level.indent * 20)),
                                  hanging=hanging)]),
        ]
        if level.color is not None:
            parts.append(_xml("w:rPr", [_attrs(OxmlElement("w:color"),
                                               val=level.color[1:].upper())]))
        abstract.append(_xml("w:lvl", parts))
        abstract[-1].set(qn("w:ilvl"), str(ilvl))
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    num_id = numbering.add_num(abstract_id).numId
    for ilvl, level in enumerate(levels):
        style = document.styles[styles.paragraph(level.role).word]
        num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_numId().val = num_id
        num_pr.get_or_add_ilvl().val = ilvl


def _border(tag: str, rule: Rule, space: float | None = None) -> Any:
    """Return a border element of ``rule`` (its width in eighths of a point)."""
    element = OxmlElement(tag)
    padding = rule.padding if space is None else space
    for key, value in (("w:val", "single"), ("w:sz", str(round(rule.width * 8))),
                       ("w:space", str(round(padding))), ("w:color", rule.color[1:].upper())):
        element.set(qn(key), value)
    return element


def _table_base(style: Any, cell: ParagraphLook, padding: tuple[float, float],
                borders: list[Any], fonts: _Fonts) -> Any:
    """Give a table style its cells' font, its padding and rules; return its element."""
    fonts.set(style.element.get_or_add_rPr(), cell.font)
    style.font.size = Pt(round(cell.size * 2) / 2)
    style.paragraph_format.space_after = Pt(0)
    element = style.element
    for old in element.findall(qn("w:tblPr")) + element.findall(qn("w:tblStylePr")):
        element.remove(old)
    vertical, horizontal = (str(round(value * 20)) for value in padding)
    element.append(_xml("w:tblPr", [
        _xml("w:tblBorders", borders),
        _xml("w:tblCellMar", [_width("w:top", vertical), _width("w:left", horizontal),
                              _width("w:bottom", vertical), _width("w:right", horizontal)]),
    ]))
    return element


def _apply_table(style: Any, table: TableLook, styles: Styles, fonts: _Fonts) -> None:
    """Set a table role's rules, header row and stripes on its Word table style."""
    sides = ("top", "bottom", "insideH") if table.rule_above else ("bottom", "insideH")
    borders = [_border(f"w:{side}", table.rule, 0) for side in sides] if table.rule else []
    element = _table_base(style, styles.paragraph(table.cells.body),
                          (table.padding_vertical, table.padding_horizontal), borders, fonts)
    head = styles.paragraph(table.cells.head)
    run = [_xml("w:b")] if head.bold else []
    run.append(_attrs(OxmlElement("w:color"), val=head.color[1:].upper()))
    cell = []
    if table.header_rule is not None:
        cell.append(_xml("w:tcBorders", [_border("w:bottom", table.header_rule, 0)]))
    if table.header_fill is not None:
        cell.append(_shading(table.header_fill))
    element.append(_conditional("firstRow", [_xml("w:rPr", run), _xml("w:tblPr"),
                                             _xml("w:tcPr", cell)]))
    if table.stripes is not None:
        element.append(_conditional("band2Horz", [_xml("w:tblPr"), _xml("w:tcPr", [
            _shading(table.stripes)])]))


def _apply_fields(style: Any, fields: FieldsLook, styles: Styles, fonts: _Fonts) -> None:
    """Set a fields role's rules (rows: under each) and padding on its Word table style."""
    borders = [_border(f"w:{side}", fields.rule, 0) for side in ("bottom", "insideH")] \
        if fields.rule is not None and fields.layout == "rows" else []
    _table_base(style, styles.paragraph(fields.value), (fields.padding, fields.padding),
                borders, fonts)


def _conditional(kind: str, parts: list[Any]) -> Any:
    element = _xml("w:tblStylePr", parts)
    element.set(qn("w:type"), kind)
    return element


def _shading(fill: str) -> Any:
    return _attrs(OxmlElement("w:shd"), val="clear", color="auto", fill=fill[1:].upper())


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
