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
from docx.shared import Pt, RGBColor

from ...common.language import Language
from ...errors import Location, Problem, TemplateError, display_name, out_of_memory
from ...theme import Templates
from ...theme.reference import find_reference
from ...theme.resolve import FieldsLook, LevelLook, ParagraphLook, Rule, SpanLook, Styles, TableLook
from . import oxml

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
        oxml.clear_body(document)  # its styles count, not its text
        return document
    return docx.Document(io.BytesIO(generated_reference(styles.key, styles, language)))


def reference_sample(templates: Templates, language: Language) -> bytes:
    """Return the generated reference document, one sample paragraph per style, as bytes.

    Restyle it in Word or LibreOffice and save it as ``reference.docx`` in a templates
    folder: the Word writer then takes every style from it.
    """
    styles = templates.styles
    document = docx.Document(io.BytesIO(generated_reference(styles.key, styles, language)))
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
    return oxml.save_reproducibly(document, None)


def _open(data: bytes, path: Path) -> docx.document.Document:
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a bad package
        if out_of_memory(exc):  # the process's memory limit (libxml2's too): the scheduler
            raise  # says so
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


def generated_reference(key: str, styles: Styles, language: Language) -> bytes:
    """Return the generated reference document of ``styles`` (whose digest is ``key``).

    Made once per style sheet, theme and language (``key``: equal keys, equal styles),
    whichever build, page fitting level or worker asks, and kept in the cache folder for
    the next process (:mod:`guidegen.renderers.speed.references`).
    """
    found = _MADE.get((key, language))
    if found is None:
        from ..speed.references import kept_reference

        def make() -> bytes:
            document = docx.Document()
            apply_styles(document, styles, language)
            oxml.clear_body(document)
            stream = io.BytesIO()
            document.save(stream)
            return stream.getvalue()

        if len(_MADE) >= _KEEP:
            _MADE.pop(next(iter(_MADE)))
        found = _MADE[(key, language)] = kept_reference((key, repr(language)), make)
    return found


def apply_styles(document: Any, styles: Styles, language: Language,
                 variant_of: Styles | None = None) -> None:
    """Create or restyle in ``document`` the Word style of every role of ``styles``.

    With ``variant_of``, ``styles`` are a variant of those (:meth:`Styles.renamed`, at
    another level): each paragraph style is based on the same role's, the document's
    defaults are left alone.
    """
    fonts = _Fonts(styles, language)
    if variant_of is None:
        _set_defaults(document, fonts)
    made = {look.word: _style(document, look.word, WD_STYLE_TYPE.PARAGRAPH)
            for look in styles.paragraphs.values()}  # first all, so that bases are there
    for role, look in styles.paragraphs.items():
        style = made[look.word]
        oxml.reset_style(style)
        if variant_of is not None:
            base: ParagraphLook | None = variant_of.paragraph(role)
            style.base_style = document.styles[variant_of.paragraph(role).word]
        else:
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
        self.language = language

    def of(self, key: str) -> oxml.Fonts:
        """Return font ``key`` for Latin text, with the script fonts for East Asian and complex.

        Latin text's font is :meth:`Theme.word_font`'s (the script's in Chinese, Japanese
        and Korean body and heading text, as in the PDF).
        """
        return oxml.Fonts(self.theme.word_font(key, self.language), self.east_asian,
                          self.complex)


def _style(document: Any, name: str, kind: WD_STYLE_TYPE) -> Any:
    styles = document.styles
    try:  # python-docx finds it by name with one XPath query
        existing = styles[name]
    except KeyError:
        existing = None
    if existing is not None and existing.type == kind:
        return existing
    style = oxml.add_style(document, name, kind) if existing is None \
        else styles.add_style(name, kind)  # of another kind: python-docx says so
    style.quick_style = kind != WD_STYLE_TYPE.TABLE
    return style


def _set_defaults(document: Any, fonts: _Fonts) -> None:
    oxml.set_default_fonts(document, fonts.of("body"))


def _apply_text(style: Any, look: ParagraphLook | SpanLook, fonts: _Fonts) -> None:
    """Set what ``look`` says of the text: font, size, weight, slant, colour, caps, spacing."""
    font = style.font
    if look.font is not None:
        oxml.set_fonts(style, fonts.of(look.font))
    if look.size is not None:  # Word holds half points; python-docx would cut, not round
        font.size = Pt(round(look.size * 2) / 2)
    if look.color is not None:
        font.color.rgb = RGBColor.from_string(look.color[1:].upper())
    for ours, words in (("bold", "bold"), ("italic", "italic"), ("caps", "all_caps"),
                        ("underline", "underline")):
        if getattr(look, ours) is not None:
            setattr(font, words, getattr(look, ours))
    if look.letter_spacing is not None:
        oxml.set_letter_spacing(style, look.letter_spacing)


def _apply_span(style: Any, look: SpanLook, fonts: _Fonts) -> None:
    _apply_text(style, look, fonts)


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
        oxml.suppress_hyphens(style, not look.hyphenate)  # or not again, below a base's
    if look.border_after is not None:
        oxml.set_rule_under(style, _border(look.border_after))


def _apply_list(document: Any, levels: Sequence[LevelLook], styles: Styles) -> None:
    """Define one multi-level Word list and tie each level's paragraph style to it."""
    num_id = oxml.define_list(document, [
        oxml.ListLevel(level.format, level.marker, level.indent, min(level.indent, 14),
                       level.color) for level in levels])
    for ilvl, level in enumerate(levels):
        oxml.use_list(document.styles[styles.paragraph(level.role).word], num_id, ilvl)


def _border(rule: Rule, space: float | None = None) -> oxml.Border:
    """Return ``rule`` as a Word border, ``space`` points from the text (else its padding)."""
    return oxml.Border(rule.width, rule.padding if space is None else space, rule.color)


def _table_base(style: Any, cell: ParagraphLook, padding: tuple[float, float],
                borders: dict[str, oxml.Border], fonts: _Fonts) -> None:
    """Give a table style its cells' font, its padding and rules."""
    oxml.set_fonts(style, fonts.of(cell.font))
    style.font.size = Pt(round(cell.size * 2) / 2)
    style.paragraph_format.space_after = Pt(0)
    oxml.set_table_frame(style, borders, padding)


def _apply_table(style: Any, table: TableLook, styles: Styles, fonts: _Fonts) -> None:
    """Set a table role's rules, header row and stripes on its Word table style."""
    sides = ("top", "bottom", "insideH") if table.rule_above else ("bottom", "insideH")
    borders = {side: _border(table.rule, 0) for side in sides} if table.rule else {}
    _table_base(style, styles.paragraph(table.cells.body),
                (table.padding_vertical, table.padding_horizontal), borders, fonts)
    head = styles.paragraph(table.cells.head)
    rule = None if table.header_rule is None else _border(table.header_rule, 0)
    oxml.set_header_row(style, bool(head.bold), head.color, rule, table.header_fill)
    if table.stripes is not None:
        oxml.set_stripes(style, table.stripes)


def _apply_fields(style: Any, fields: FieldsLook, styles: Styles, fonts: _Fonts) -> None:
    """Set a fields role's rules (rows: under each) and padding on its Word table style."""
    borders = {side: _border(fields.rule, 0) for side in ("bottom", "insideH")} \
        if fields.rule is not None and fields.layout == "rows" else {}
    _table_base(style, styles.paragraph(fields.value), (fields.padding, fields.padding),
                borders, fonts)
