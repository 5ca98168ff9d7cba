"""The kinds of value a guide's fields hold, validated as they are read.

Markdown fields hold the document tree's nodes (:mod:`guidegen.tree`, parsed by
:mod:`guidegen.content.markup`), never raw Markdown; a matrix cell is a mark or text with
a note (:class:`Cell`), a per-subject entry a line or a list of lines (:class:`Entry`),
a date an ISO date of four-digit year. Each kind gives its JSON Schema beside it, and
its errors in plain words (pydantic's custom errors, located by :mod:`.loader`).
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema

from ..common.models import kind_of
from ..common.yamlsource import Flag
from ..tree.inlines import Inline
from . import markup

MIN_YEAR = 1000  # Word's document properties need four-digit years


def _expect_text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "expected text, got {got}",
                                  {"got": kind_of(value)})
    return value


def _markup(parse: Any, value: Any) -> Any:
    try:
        return parse(_expect_text(value))
    except markup.MarkupError as exc:
        where = f" (line {exc.line} of the text)" if exc.line and exc.line > 1 else ""
        raise PydanticCustomError("markdown", "{problem}{where}",
                                  {"problem": str(exc), "where": where,
                                   "line": exc.line or 0}) from None


@dataclass(frozen=True)
class _Plain:
    """Pydantic's ``PlainValidator``, without building the schema of the type it makes.

    Those types hold document-tree nodes (:mod:`guidegen.tree`), plain dataclasses that
    pydantic would otherwise describe field by field each time this module is imported,
    only to serialize them, which nothing does. Their JSON Schema is given beside.
    """

    validate: Callable[[Any], Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler
                                     ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)


Markdown = Annotated[
    tuple[markup.Block, ...],
    _Plain(functools.partial(_markup, markup.parse_blocks)),
    WithJsonSchema({"type": "string", "description": "Markdown: paragraphs, lists, "
                    "**bold**, *italic*, `code`, [links](https://example.org)."}),
]
InlineText = Annotated[
    tuple[Inline, ...],
    _Plain(functools.partial(_markup, markup.parse_inlines)),
    WithJsonSchema({"type": "string", "description": "One line of Markdown: **bold**, "
                    "*italic*, `code`, [links](https://example.org)."}),
]
def _iso_date(value: Any) -> Any:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise PydanticCustomError("date_format", "expected a date like 2026-01-31, got {got}",
                                  {"got": repr(value) if isinstance(value, str)
                                   else kind_of(value)})
    if int(value.strip()[:4]) < MIN_YEAR:
        raise PydanticCustomError("date_range", "dates start in the year {first}, got {got}",
                                  {"first": MIN_YEAR, "got": repr(value.strip())})
    return value.strip()


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


class Mark(enum.Enum):
    """A yes / no / partial verdict in a matrix cell."""

    YES = "yes"
    NO = "no"
    PARTIAL = "partial"


_MARK_WORDS = {"yes": Mark.YES, "true": Mark.YES, "no": Mark.NO, "false": Mark.NO,
               "partial": Mark.PARTIAL}


@dataclass(frozen=True)
class Cell:
    """A matrix cell: a :class:`Mark` or free text, and an optional note."""

    mark: Mark | None = None
    text: tuple[Inline, ...] = ()
    note: tuple[Inline, ...] = ()


def _cell(value: Any) -> Cell:
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"value", "note"})
        if unknown or "value" not in value:
            raise PydanticCustomError(
                "cell_keys", "a cell mapping takes 'value' (required) and 'note'; got {keys}",
                {"keys": ", ".join(repr(k) for k in value) or "nothing"})
        cell = _cell(value["value"])
        note = value.get("note")
        return Cell(cell.mark, cell.text, _markup(markup.parse_inlines, note) if note else ())
    text = _expect_text(value).strip()
    mark = _MARK_WORDS.get(text.lower())
    if isinstance(value, Flag) and mark is None:
        raise PydanticCustomError(
            "yaml_boolean", "YAML reads unquoted {text} as a boolean; write yes, no or "
            "partial, or put text in quotes", {"text": repr(text)})
    if mark is not None:
        return Cell(mark)
    if not text:
        raise PydanticCustomError("empty_cell", "empty cell; write yes, no, partial or text")
    return Cell(text=_markup(markup.parse_inlines, text))


_CELL_SCHEMA = {"type": "string", "description": "yes, no, partial, or short text "
                "(unquoted yes/no/true/false are accepted as marks)"}
MatrixCell = Annotated[Cell, _Plain(_cell), WithJsonSchema({"anyOf": [
    _CELL_SCHEMA, {"type": "boolean"},
    {"type": "object", "additionalProperties": False, "required": ["value"],
     "properties": {"value": {"anyOf": [_CELL_SCHEMA, {"type": "boolean"}]},
                    "note": {"type": "string"}}}]})]


@dataclass(frozen=True)
class Entry:
    """What a per-subject dimension says of one subject: one line, or a list of lines."""

    lines: tuple[tuple[Inline, ...], ...]
    is_list: bool = False


def _entry(value: Any) -> Entry:
    if isinstance(value, list):
        if not value:
            raise PydanticCustomError("empty_list", "expected at least one item")
        lines = []
        for number, item in enumerate(value, 1):
            try:
                lines.append(_markup(markup.parse_inlines, item))
            except PydanticCustomError as exc:
                raise PydanticCustomError("list_item", "item {number}: {problem}",
                                          {"number": number, "problem": exc.message()}) from None
        return Entry(tuple(lines), is_list=True)
    return Entry((_markup(markup.parse_inlines, value),))


PerSubjectEntry = Annotated[Entry, _Plain(_entry), WithJsonSchema({"anyOf": [
    {"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
    "description": "A line of Markdown, or a list of lines."})]


# a name, a number or a reference that a translation keeps as it is (not a text to translate)
KeptText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1),
                     WithJsonSchema({"type": "string", "minLength": 1})]


__all__ = ["MIN_YEAR", "Cell", "Entry", "InlineText", "IsoDate", "KeptText", "Mark", "Markdown",
           "MatrixCell", "PerSubjectEntry"]
