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
from typing import Annotated, Any, Literal

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from pydantic import Field

from .errors import Location, Problem, TemplateError, ThemeError
from .loader import display_name, validate_data
from .model import Model
from .theme import Theme
from .yamlsource import load_yaml

STYLES_FILE = "word-styles.yaml"
REFERENCE_FILE = "reference.docx"
Points = float
# A number of points, or the name of a theme entry ("body", "line_height").
SizeRef = Annotated[float | str, Field(union_mode="left_to_right")]


class ParagraphStyle(Model):
    """A Word paragraph style in terms of the theme."""

    base: str | None = None
    font: str | None = None
    size: SizeRef | None = None
    color: str | None = None
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    space_before: Points | None = None
    space_after: Points | None = None
    line_spacing: SizeRef | None = None
    keep_with_next: bool | None = None
    keep_together: bool | None = None
    border_bottom: str | None = Field(None, description="Colour key of a rule below.")
    align: Literal["left", "center", "right", "justify"] | None = None


class CharacterStyle(Model):
    """A Word character style in terms of the theme."""

    font: str | None = None
    size: SizeRef | None = None
    color: str | None = None
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None


class TableStyle(Model):
    """A Word table style: rules, header row shading, banded rows."""

    font: str
    size: SizeRef
    rule: str
    header_fill: str
    header_rule: str
    stripe_fill: str
    cell_padding: Points = 4


class ListLevel(Model):
    """One level of a Word list: its paragraph style, number format, text and indent."""

    style: str
    format: Literal["bullet", "decimal", "lowerLetter", "lowerRoman", "upperLetter"]
    text: str
    indent: Points = Field(description="Left indent of the text, in points.")


class WordStyles(Model):
    """Every style the Word writer uses, by Word style name."""

    paragraph: dict[str, ParagraphStyle]
    character: dict[str, CharacterStyle]
    lists: dict[str, list[ListLevel]]
    table: dict[str, TableStyle]

    def names(self) -> list[tuple[str, WD_STYLE_TYPE]]:
        """Return the name and type of every style declared."""
        return ([(n, WD_STYLE_TYPE.PARAGRAPH) for n in self.paragraph]
                + [(n, WD_STYLE_TYPE.CHARACTER) for n in self.character]
                + [(n, WD_STYLE_TYPE.TABLE) for n in self.table])


def load_word_styles(folders: Sequence[Path]) -> WordStyles:
    """Return the Word styles of the first templates folder that has ``word-styles.yaml``."""
    for folder in folders:
        path = folder / STYLES_FILE
        if path.is_file():
            data, source = load_yaml(path, display_name(path))
            return validate_data(data, source, WordStyles, ThemeError)
    raise ThemeError(f"no {STYLES_FILE} in the template folders")


def reference_document(theme: Theme, folders: Sequence[Path]) -> docx.document.Document:
    """Return a fresh reference document: the user's ``reference.docx`` or the themed default."""
    styles = load_word_styles(folders)
    for folder in folders:
        path = folder / REFERENCE_FILE
        if path.is_file():
            document = _open(path)
            _require_styles(document, styles, path)
            document.element.body.clear_content()  # its styles count, not its text
            return document
    key = (theme.model_dump_json(), styles.model_dump_json())
    return docx.Document(io.BytesIO(_themed_reference(*key)))


def reference_sample(theme: Theme, folders: Sequence[Path]) -> bytes:
    """Return the built-in reference document, one sample paragraph per style, as bytes.

    Restyle it in Word or LibreOffice and save it as ``reference.docx`` in a templates
    folder: the Word writer then takes every style from it.
    """
    styles = load_word_styles(folders)
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
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def _open(path: Path) -> docx.document.Document:
    try:
        return docx.Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a bad package
        raise TemplateError.collect([Problem(Location(display_name(path)),
                                             f"not a usable .docx: {exc}")]) from None


def _require_styles(document: Any, styles: WordStyles, path: Path) -> None:
    have = {(s.name, s.type) for s in document.styles}
    for name, kind in styles.names():
        if (name, kind) not in have:
            raise TemplateError.collect([Problem(
                Location(display_name(path)),
                f"the reference document has no {kind.name.lower()} style {name!r}, "
                "which guidegen needs (start from `guidegen reference-doc`)")])


@lru_cache(maxsize=8)
def _themed_reference(theme_json: str, styles_json: str) -> bytes:
    """Return the built-in reference document for a theme and styles (as JSON) as bytes."""
    document = docx.Document()
    apply_styles(document, Theme.model_validate_json(theme_json),
                 WordStyles.model_validate_json(styles_json))
    document.element.body.clear_content()
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def apply_styles(document: Any, theme: Theme, styles: WordStyles) -> None:
    """Create or restyle every style of ``styles`` in ``document`` from ``theme``."""
    resolve = _Resolver(theme)
    _set_defaults(document, theme)
    for name, spec in styles.paragraph.items():
        style = _style(document, name, WD_STYLE_TYPE.PARAGRAPH)
        _reset(style.element)
        if spec.base:
            style.base_style = document.styles[spec.base]
        _apply_font(style.font, spec, resolve)
        _apply_paragraph(style, spec, resolve)
    for name, spec in styles.character.items():
        style = _style(document, name, WD_STYLE_TYPE.CHARACTER)
        _apply_font(style.font, spec, resolve)
        if spec.underline is not None:
            style.font.underline = spec.underline
    for levels in styles.lists.values():
        _apply_list(document, levels)
    for name, spec in styles.table.items():
        _apply_table(_style(document, name, WD_STYLE_TYPE.TABLE), spec, resolve)


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
    """Turn theme references in a style (``body``, ``heading1``, ``accent``) into values."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def font(self, key: str) -> str:
        return self._get(self.theme.fonts, key, "fonts").word

    def size(self, key: str | float) -> float:
        return key if isinstance(key, float) else self._get(self.theme.sizes, key, "sizes")

    def color(self, key: str) -> RGBColor:
        return RGBColor.from_string(self._get(self.theme.colors, key, "colors")[1:])

    def hex(self, key: str) -> str:
        return self._get(self.theme.colors, key, "colors")[1:].upper()

    @staticmethod
    def _get(group: Model, key: str, where: str) -> Any:
        if key not in type(group).model_fields:
            raise ThemeError(f"{STYLES_FILE}: {key!r} is not in the theme's {where} "
                             f"(known: {', '.join(type(group).model_fields)})")
        return getattr(group, key)


def _style(document: Any, name: str, kind: WD_STYLE_TYPE) -> Any:
    styles = document.styles
    existing = next((s for s in styles if s.name == name), None)
    if existing is not None and existing.type == kind:
        return existing
    style = styles.add_style(name, kind)
    style.quick_style = kind != WD_STYLE_TYPE.TABLE
    return style


def _reset(element: Any) -> None:
    """Remove the template's rules, tab stops and letter spacing: the spec says them all."""
    for path in ("w:pPr/w:pBdr", "w:pPr/w:tabs", "w:rPr/w:spacing"):
        for child in element.findall(qn(path.split("/")[0]) + "/" + qn(path.split("/")[1])):
            child.getparent().remove(child)


def _set_defaults(document: Any, theme: Theme) -> None:
    body = document.styles["Normal"]
    _fonts(body.element.get_or_add_rPr(), theme.fonts.body.word)


def _fonts(rpr: Any, name: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def _apply_font(font: Any, spec: ParagraphStyle | CharacterStyle, resolve: _Resolver) -> None:
    if spec.font:
        _fonts(font.element.get_or_add_rPr(), resolve.font(spec.font))
    if spec.size is not None:
        font.size = Pt(resolve.size(spec.size))
    if spec.color:
        font.color.rgb = resolve.color(spec.color)
    for attribute in ("bold", "italic"):
        if getattr(spec, attribute) is not None:
            setattr(font, attribute, getattr(spec, attribute))
    if getattr(spec, "caps", None) is not None:
        font.all_caps = spec.caps


_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _apply_paragraph(style: Any, spec: ParagraphStyle, resolve: _Resolver) -> None:
    fmt = style.paragraph_format
    if spec.space_before is not None:
        fmt.space_before = Pt(spec.space_before)
    if spec.space_after is not None:
        fmt.space_after = Pt(spec.space_after)
    if spec.line_spacing is not None:
        fmt.line_spacing = resolve.size(spec.line_spacing)
    if spec.keep_with_next is not None:
        fmt.keep_with_next = spec.keep_with_next
    if spec.keep_together is not None:
        fmt.keep_together = spec.keep_together
    if spec.align:
        fmt.alignment = _ALIGN[spec.align]
    if spec.border_bottom:
        ppr = style.element.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        borders.append(_border("w:bottom", resolve.hex(spec.border_bottom), 6, space=3))
        ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc",
                                  "w:outlineLvl", "w:rPr")


def _border(tag: str, color: str, eighths: int, space: int = 0) -> Any:
    element = OxmlElement(tag)
    for key, value in (("w:val", "single"), ("w:sz", str(eighths)), ("w:space", str(space)),
                       ("w:color", color)):
        element.set(qn(key), value)
    return element


def _apply_table(style: Any, spec: TableStyle, resolve: _Resolver) -> None:
    _fonts(style.element.get_or_add_rPr(), resolve.font(spec.font))
    style.font.size = Pt(resolve.size(spec.size))
    style.paragraph_format.space_after = Pt(0)
    element = style.element
    for old in element.findall(qn("w:tblPr")) + element.findall(qn("w:tblStylePr")):
        element.remove(old)
    rule = resolve.hex(spec.rule)
    padding = str(round(spec.cell_padding * 20))
    element.append(_xml("w:tblPr", [
        _xml("w:tblBorders", [_border(f"w:{side}", rule, 4) for side in ("top", "bottom",
                                                                          "insideH")]),
        _xml("w:tblCellMar", [_width(f"w:{side}", padding) for side in ("top", "left",
                                                                         "bottom", "right")]),
    ]))
    header = _xml("w:tblStylePr", [
        _xml("w:rPr", [_xml("w:b"), _attrs(OxmlElement("w:color"), val=resolve.hex(
            spec.header_rule))]),
        _xml("w:tblPr"),
        _xml("w:tcPr", [
            _xml("w:tcBorders", [_border("w:bottom", resolve.hex(spec.header_rule), 10)]),
            _attrs(OxmlElement("w:shd"), val="clear", color="auto",
                   fill=resolve.hex(spec.header_fill)),
        ]),
    ])
    header.set(qn("w:type"), "firstRow")
    stripe = _xml("w:tblStylePr", [_xml("w:tblPr"), _xml("w:tcPr", [_attrs(
        OxmlElement("w:shd"), val="clear", color="auto", fill=resolve.hex(spec.stripe_fill))])])
    stripe.set(qn("w:type"), "band2Horz")
    element.append(header)
    element.append(stripe)


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
