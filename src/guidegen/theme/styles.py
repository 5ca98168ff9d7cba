"""The schema of ``templates/styles.yaml``: how each role of the document tree looks.

One style sheet for every writer: the HTML and the PDF get CSS rules generated from it
(:mod:`guidegen.renderers.html.css`), the DOCX gets Word styles
(:mod:`guidegen.renderers.docx.styles`), and the layout measures text in the faces it
names (:mod:`guidegen.layout.widths`). Its values name theme entries (``fonts``,
``sizes``, ``colors``) or are points; :mod:`.resolve` turns them into numbers for one
theme. A ``styles.yaml`` in a user's templates folder overrides the built-in one role
by role, key by key; it may restyle the roles the built-in sheet has, never add one.

Kept free of renderer imports, so ``guidegen check`` validates the file (theme
references included) without loading python-docx or WeasyPrint.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..common.models import Model, matching

STYLES_FILE = "styles.yaml"
# the file the Word styles were declared in before the style sheet; a user's is ignored
OLD_WORD_STYLES = "word-styles.yaml"

Points = Annotated[float, Field(ge=0, le=1584)]  # spacing, indents: as far as Word goes
# a font size: points (Word: 1 to 1638), a theme size ("body"), or one plus or minus points
SIZE_PATTERN = r"^([a-z][a-z0-9_]*)\s*(?:([+-])\s*(\d+(?:\.\d+)?))?$"
KEY_PATTERN = r"^[a-z][a-z0-9_]*$"


def _checker(low: float, high: float, pattern: str, words: str) -> Any:
    """Return a check taking points from ``low`` to ``high`` or text matching ``pattern``.

    One message names both when neither fits: ``words`` says what the text may be.
    """
    def check(value: Any) -> Any:
        number = _number(value)
        if number is not None:
            if low <= number <= high:
                return number
        elif isinstance(value, str) and re.match(pattern, value.strip()):
            return value.strip()
        raise PydanticCustomError("style_value", "expected points from {low} to {high}, or "
                                  "{words}, got {got}",
                                  {"low": f"{low:g}", "high": f"{high:g}", "words": words,
                                   "got": repr(value)})

    return check


def _either_schema(low: float, high: float, pattern: str) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [{"type": "number", "minimum": low, "maximum": high},
                                     {"type": "string", "pattern": pattern}]})


def _number(value: Any) -> float | None:
    """Return ``value`` as a number if it is one (the YAML reader gives text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*",
                                               value):
        return float(value)
    return None


_SIZE_WORDS = "a theme size like small, or one plus or minus points like 'small + 0.5'"
SizeRef = Annotated[float | str, PlainValidator(_checker(1, 1638, SIZE_PATTERN, _SIZE_WORDS)),
                    _either_schema(1, 1638, SIZE_PATTERN)]
# a line height: a multiple of the size, a theme size ("line_height"), or "normal" (the font's)
LineHeight = Annotated[float | str, PlainValidator(_checker(
    0.1, 10, KEY_PATTERN, "a theme size like line_height, or normal")),
    _either_schema(0.1, 10, KEY_PATTERN)]
# cell padding: points, or a theme size ("cell_padding")
PaddingRef = Annotated[float | str, PlainValidator(_checker(
    0, 1584, KEY_PATTERN, "a theme size like cell_padding")),
    _either_schema(0, 1584, KEY_PATTERN)]
Key = Annotated[str, StringConstraints(min_length=1)]
# a CSS selector: no braces, semicolons, at-signs, backslashes, slashes or "<", so a value
# can only ever select (it is written into a <style> element)
Selector = Annotated[str, matching(r"^[A-Za-z0-9\s.#>+~:_,()*\[\]=|^$\"'-]+$",
                                   "a CSS selector like 'p.legend' or 'table.matrix td'")]
WordName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=100)]


class Border(Model):
    """A rule: its width and colour, and the space between it and the text (points)."""

    width: Annotated[float, Field(ge=0, le=6, description="Points; 0: no rule.")]
    color: Key = Field(description="A colour of the theme.")
    padding: Annotated[float, Field(ge=0, le=31)] = Field(
        0.0, description="Points between the text and the rule.")


class SpanStyle(Model):
    """How text of one role inside a paragraph looks; a key left out keeps the paragraph's."""

    html: Selector | None = Field(None, description="The CSS selector of its elements.")
    word: WordName = Field(description="The Word style it becomes.")
    font: Key | None = Field(None, description="A font of the theme (body, heading, mono, "
                             "symbols).")
    size: SizeRef | None = Field(None, description="Points, a theme size, or one plus or "
                                 "minus points ('small + 0.5').")
    weight: Literal["normal", "bold"] | None = None
    style: Literal["normal", "italic"] | None = None
    color: Key | None = Field(None, description="A colour of the theme.")
    caps: bool | None = Field(None, description="Set in capitals.")
    letter_spacing: Annotated[float, Field(ge=-5, le=20)] | None = Field(
        None, description="Points between letters.")
    underline: bool | None = None


class ParagraphStyle(SpanStyle):
    """How a paragraph of one role looks; a key left out is its ``base`` role's."""

    base: Key | None = Field(None, description="The paragraph role whose keys this one "
                             "takes where it says nothing (default: body).")
    align: Literal["left", "center", "right", "justify"] | None = None
    line_height: LineHeight | None = Field(
        None, description="A multiple of the size, a theme size (line_height), or "
        "'normal' (the font's own, which grows with a picture).")
    space_before: Points | None = Field(None, description="Points, times the theme's "
                                        "sizes.spacing.")
    space_after: Points | None = Field(None, description="Points, times the theme's "
                                       "sizes.spacing.")
    indent: Points | None = Field(None, description="Points of left indent.")
    keep_with_next: bool | None = Field(None, description="Never the last on a page.")
    keep_together: bool | None = Field(None, description="Never split across pages.")
    hyphenate: bool | None = Field(None, description="false: lines break between whole "
                                   "words only.")
    border_after: Border | None = Field(None, description="A rule below.")


class CellRoles(Model):
    """The paragraph roles of a table's cells and of the notes under their text."""

    head: Key = Field(description="A cell of the header row.")
    corner: Key = Field(description="The header row's first cell.")
    row_head: Key = Field(description="A row's first cell, which heads it.")
    body: Key = Field(description="Any other cell.")
    row_note: Key = Field(description="A note under a row's first cell.")
    cell_note: Key = Field(description="A note under any other cell.")


class Padding(Model):
    """The space inside a table cell, around its text: points or a theme size."""

    vertical: PaddingRef
    horizontal: PaddingRef


class TableStyle(Model):
    """A table role's cells, rules, fills and spacing."""

    word: WordName = Field(description="The Word table style it becomes.")
    cells: CellRoles
    rule: Border | None = Field(None, description="A rule under every row.")
    rule_above: bool = Field(True, description="false: no rule above the first row.")
    header_fill: Key | None = Field(None, description="The header row's background colour.")
    header_rule: Border | None = Field(None, description="The rule under the header row.")
    stripes: Key | None = Field(None, description="The background of every second body row.")
    padding: Padding
    columns: list[Annotated[float, Field(gt=0, le=100)]] | None = Field(
        None, description="Per cent of the width each column takes (a table whose columns "
        "the layout does not measure).")
    space_before: Points = Field(0.0, description="Points, times sizes.spacing.")
    space_after: Points = Field(0.0, description="Points, times sizes.spacing.")
    keep_intro: bool = Field(False, description="Keep the paragraph before the table on the "
                             "page where the table starts.")


class FieldsStyle(Model):
    """How a block of labelled values is laid out: columns (labels above) or rows."""

    word: WordName = Field(description="The Word table style it becomes.")
    label: Key = Field(description="The paragraph role of the labels.")
    value: Key = Field(description="The paragraph role of the values.")
    layout: Literal["columns", "rows"] = Field(
        description="columns: side by side, each label above its value; rows: each label "
        "beside a line as wide as the page.")
    gap: Points = Field(0.0, description="columns: points between columns.")
    row_gap: Points = Field(0.0, description="columns: points between rows of columns that "
                            "wrap, times sizes.spacing.")
    label_width: Points = Field(85.0, description="rows: the labels' column, in points.")
    row_height: Points = Field(20.0, description="rows, in Word: the least height of a row "
                               "(room to write), in points.")
    rule: Border | None = Field(None, description="rows: the line under each row.")
    padding: PaddingRef = Field(0.0, description="Word: points around the text in a cell.")
    space_before: Points = Field(0.0, description="Points, times sizes.spacing.")
    space_after: Points = Field(0.0, description="Points, times sizes.spacing.")


class SectionStyle(Model):
    """The space around a section of one role, and a rule under it."""

    html: Selector | None = Field(None, description="The CSS selector of its elements.")
    space_before: Points = Field(0.0, description="Points, times sizes.spacing.")
    space_after: Points = Field(0.0, description="Points, times sizes.spacing.")
    border_after: Border | None = Field(None, description="A rule under its last line "
                                        "(its padding times sizes.spacing).")
    keep_together: bool = Field(False, description="Never split across pages (a short "
                                "block, such as a document's control block).")


class ListLevel(Model):
    """One level of a list: its items' paragraph role, marker and indent."""

    role: Key = Field(description="The paragraph role of its items.")
    format: Literal["bullet", "decimal", "lowerLetter", "lowerRoman", "upperLetter",
                    "upperRoman"]
    marker: Annotated[str, StringConstraints(min_length=1, max_length=8)] = Field(
        description="A bullet's character; for numbers, Word's pattern ('%1.').")
    indent: Points = Field(description="Points from the text's left edge to the items' text.")
    color: Key | None = Field(None, description="The marker's colour (default: the text's).")
    space_before: Points = Field(0.0, description="Points before the list, times "
                                 "sizes.spacing.")
    space_after: Points = Field(0.0, description="Points after the list, times sizes.spacing.")
    keep_intro: bool = Field(False, description="Keep the paragraph before the list on the "
                             "page where the list starts.")


class Lists(Model):
    """The levels of bullet and numbered lists, outermost first."""

    bullet: list[ListLevel] = Field(min_length=1)
    number: list[ListLevel] = Field(min_length=1)


class Page(Model):
    """The space between the running header or footer and the text."""

    header_gap: Annotated[float, Field(ge=0, le=100)] = Field(description="Millimetres.")
    footer_gap: Annotated[float, Field(ge=0, le=100)] = Field(description="Millimetres.")


class StyleSheet(Model):
    """How every role of the document tree looks, for every writer."""

    paragraphs: dict[str, ParagraphStyle] = Field(
        description="Paragraph roles: body text, headings, list items, table cells, "
        "labels and values, the running header and footer.")
    spans: dict[str, SpanStyle] = Field(description="Roles of text inside a paragraph.")
    tables: dict[str, TableStyle] = Field(description="Table roles.")
    fields: dict[str, FieldsStyle] = Field(description="Roles of labelled values.")
    sections: dict[str, SectionStyle] = Field(default_factory=dict,
                                              description="Section roles.")
    lists: Lists
    page: Page


# which kind of theme entry each style key names


def base_chain(sheet: StyleSheet, role: str) -> list[str]:
    """Return ``role`` and its bases in order, ending in body (or where a circle closes)."""
    chain = [role]
    while chain[-1] in sheet.paragraphs and chain[-1] != "body":
        base = sheet.paragraphs[chain[-1]].base or "body"
        chain.append(base)
        if base in chain[:-1]:
            break
    return chain
