"""The style sheet resolved for one theme: every role's look in numbers, ready to write.

:class:`Styles` is what the writers and the layout read: fonts as theme keys (each
writer picks its own family from the theme), sizes, spaces and rules in points (spaces
already times the theme's ``sizes.spacing``), colours as ``#rrggbb``. A paragraph role
has every property (its base roles filled in); a span role only those it sets.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal, TypeVar

from ..common.characters import wide
from ..common.validated import plain
from .styles import (
    SIZE_PATTERN,
    Border,
    CellRoles,
    ParagraphStyle,
    SpanStyle,
    StyleSheet,
    base_chain,
)
from .theme import Theme

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Rule:
    """A rule: width (points), colour, and the space between it and the text (points)."""

    width: float
    color: str
    padding: float = 0.0


@dataclass(frozen=True)
class SpanLook:
    """What a span role sets; None: the surrounding paragraph's."""

    role: str
    html: str | None
    word: str
    font: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    color: str | None = None
    caps: bool | None = None
    letter_spacing: float | None = None
    underline: bool | None = None


@dataclass(frozen=True)
class ParagraphLook:
    """Everything about a paragraph role, for one theme."""

    role: str
    html: str | None
    word: str
    base: str | None  # the role whose Word style this one's is based on (None: body's own)
    font: str
    size: float
    bold: bool
    italic: bool
    color: str
    caps: bool
    letter_spacing: float
    underline: bool
    align: Align
    line_height: float | None  # a multiple of the size; None: the font's own ("normal")
    space_before: float
    space_after: float
    indent: float
    keep_with_next: bool
    keep_together: bool
    hyphenate: bool
    border_after: Rule | None

    @property
    def line_pitch(self) -> float | None:
        """Return the distance from line to line in points (None: the font's own)."""
        return None if self.line_height is None else round(self.size * self.line_height, 2)


@dataclass(frozen=True)
class TableLook:
    """A table role's cell roles, rules, fills, padding and spacing (points)."""

    role: str
    word: str
    cells: CellRoles
    rule: Rule | None
    rule_above: bool
    header_fill: str | None
    header_rule: Rule | None
    stripes: str | None
    padding_vertical: float
    padding_horizontal: float
    columns: tuple[float, ...] | None
    space_before: float
    space_after: float
    keep_intro: bool
    keep_rows: int = 1  # rows kept together at each end of a table split across pages


@dataclass(frozen=True)
class FieldsLook:
    """A fields role's label and value roles and its layout (points)."""

    role: str
    word: str
    label: str
    value: str
    layout: Literal["columns", "rows"]
    gap: float
    row_gap: float
    label_width: float
    row_height: float
    rule: Rule | None
    padding: float
    space_before: float
    space_after: float


@dataclass(frozen=True)
class SectionLook:
    """A section role's space around it and rule under it (points)."""

    role: str
    html: str | None
    space_before: float
    space_after: float
    border_after: Rule | None
    keep_together: bool = False


@dataclass(frozen=True)
class LevelLook:
    """One level of a list."""

    role: str
    format: str
    marker: str
    indent: float
    color: str | None
    space_before: float
    space_after: float
    keep_intro: bool


# a look with a Word style's name
_Named = TypeVar("_Named", ParagraphLook, SpanLook, TableLook, FieldsLook)


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity
class Styles:
    """The style sheet resolved for one theme: what every writer reads."""

    paragraphs: dict[str, ParagraphLook]
    spans: dict[str, SpanLook]
    tables: dict[str, TableLook]
    fields: dict[str, FieldsLook]
    sections: dict[str, SectionLook]
    lists: dict[str, tuple[LevelLook, ...]]
    header_gap: float  # millimetres
    footer_gap: float
    sheet: StyleSheet = field(repr=False)
    theme: Theme = field(repr=False)  # the theme it is resolved for

    @cached_property
    def key(self) -> str:
        """Return a digest of the style sheet and theme: equal keys, equal styles."""
        # dumped without pydantic's serializer, which a kept sheet and theme never build
        text = repr(plain(self.sheet)) + repr(plain(self.theme))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def paragraph(self, role: str) -> ParagraphLook:
        """Return the look of paragraph role ``role`` (body text's if it has none)."""
        return self.paragraphs.get(role) or self.paragraphs["body"]

    def list_level(self, ordered: bool, depth: int) -> LevelLook:
        """Return the level of a list ``depth`` deep (0: outermost), the deepest if deeper."""
        levels = self.lists["number" if ordered else "bullet"]
        return levels[min(depth, len(levels) - 1)]

    def renamed(self, suffix: str) -> Styles:
        """Return these styles with ``suffix`` after every Word style's name (a variant).

        A part of a document laid out at a level of its own (a packet's guide, fitted to
        its pages) takes its Word styles under such names, beside the document's own.
        """
        def named(looks: dict[str, _Named]) -> dict[str, _Named]:
            return {role: replace(look, word=f"{look.word}{suffix}")
                    for role, look in looks.items()}

        return replace(self, paragraphs=named(self.paragraphs), spans=named(self.spans),
                       tables=named(self.tables), fields=named(self.fields))

    def watermark_size(self, text: str) -> float:
        """Return the points of ``text`` set as the watermark, corner to corner of a page.

        The watermark role's size, or less: as much as lets ``text`` run at 45 degrees
        across most of the paper's narrower side, through its middle (capitals of a
        bold face average about two thirds of their size across, a Chinese or Japanese
        character its whole size). The PDF and the DOCX draw it alike from this.
        """
        across = min(self.theme.page_size_mm) * math.sqrt(2) * 0.85 * 72 / 25.4
        fits = across / max(sum(1.0 if wide(char) else 0.66 for char in text), 0.66)
        return round(min(self.paragraph("watermark").size, fits), 1)

    def word_names(self) -> list[tuple[str, str]]:
        """Return the Word style name and kind (paragraph, character, table) of every role."""
        names = [(look.word, "paragraph") for look in self.paragraphs.values()]
        names += [(look.word, "character") for look in self.spans.values()]
        names += [(look.word, "table") for look in self.tables.values()]
        names += [(look.word, "table") for look in self.fields.values()]
        return list(dict.fromkeys(names))


def resolve(sheet: StyleSheet, theme: Theme) -> Styles:
    """Return ``sheet`` resolved for ``theme`` (:mod:`.styles` checked every reference)."""
    values = _Values(theme)
    paragraphs = {role: _paragraph(sheet, role, values) for role in sheet.paragraphs}
    spans = {role: _span(role, spec, values) for role, spec in sheet.spans.items()}
    tables = {role: TableLook(
        role, spec.word, spec.cells, values.rule(spec.rule), spec.rule_above,
        values.color(spec.header_fill), values.rule(spec.header_rule),
        values.color(spec.stripes), values.points(spec.padding.vertical),
        values.points(spec.padding.horizontal),
        tuple(c / sum(spec.columns) for c in spec.columns) if spec.columns else None,
        values.space(spec.space_before), values.space(spec.space_after), spec.keep_intro,
        theme.table_min_rows) for role, spec in sheet.tables.items()}
    fields = {role: FieldsLook(
        role, spec.word, spec.label, spec.value, spec.layout, spec.gap,
        values.space(spec.row_gap), spec.label_width, spec.row_height,
        values.rule(spec.rule), values.points(spec.padding), values.space(spec.space_before),
        values.space(spec.space_after)) for role, spec in sheet.fields.items()}
    sections = {role: SectionLook(role, spec.html, values.space(spec.space_before),
                                  values.space(spec.space_after),
                                  values.rule(spec.border_after, spaced=True),
                                  spec.keep_together)
                for role, spec in sheet.sections.items()}
    lists = {kind: tuple(LevelLook(level.role, level.format, level.marker, level.indent,
                                   values.color(level.color), values.space(level.space_before),
                                   values.space(level.space_after), level.keep_intro)
                         for level in getattr(sheet.lists, kind))
             for kind in ("bullet", "number")}
    return Styles(paragraphs, spans, tables, fields, sections, lists, sheet.page.header_gap,
                  sheet.page.footer_gap, sheet, theme)


class _Values:
    """Turns theme references into numbers and colours."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme

    def size(self, value: float | str) -> float:
        if not isinstance(value, str):
            return round(value, 2)
        found = re.match(SIZE_PATTERN, value)
        assert found is not None  # checked by the schema
        name, sign, points = found.groups()
        size: float = getattr(self.theme.sizes, name)
        if sign:
            size += float(points) if sign == "+" else -float(points)
        return round(max(size, 1.0), 2)

    def points(self, value: float | str) -> float:
        return round(value if not isinstance(value, str) else
                     getattr(self.theme.sizes, value), 3)

    def line_height(self, value: float | str) -> float | None:
        if value == "normal":
            return None
        return round(value if not isinstance(value, str) else
                     getattr(self.theme.sizes, value), 3)

    def space(self, points: float) -> float:
        """Return ``points`` of space between blocks, times the theme's spacing."""
        return round(points * self.theme.sizes.spacing, 3)

    def color(self, key: str | None) -> str | None:
        return None if key is None else str(getattr(self.theme.colors, key)).lower()

    def rule(self, border: Border | None, spaced: bool = False) -> Rule | None:
        """Return ``border`` resolved; ``spaced``: its padding times the theme's spacing."""
        if border is None or border.width == 0:
            return None
        padding = self.space(border.padding) if spaced else border.padding
        return Rule(border.width, str(self.color(border.color)), padding)


def _paragraph(sheet: StyleSheet, role: str, values: _Values) -> ParagraphLook:
    """Return ``role``'s look: each key from the first of it and its bases that says it."""
    chain = [sheet.paragraphs[name] for name in base_chain(sheet, role)]

    def say(key: str) -> object:
        return next((v for spec in chain if (v := getattr(spec, key)) is not None), None)

    spec: ParagraphStyle = chain[0]
    base = None if role == "body" else (spec.base or "body")
    return ParagraphLook(
        role=role, html=spec.html, word=spec.word, base=base,
        font=str(say("font")), size=values.size(say("size")),  # type: ignore[arg-type]
        bold=say("weight") == "bold", italic=say("style") == "italic",
        color=str(values.color(say("color"))),  # type: ignore[arg-type]
        caps=bool(say("caps")), letter_spacing=float(say("letter_spacing")),  # type: ignore[arg-type]
        underline=bool(say("underline")), align=say("align"),  # type: ignore[arg-type]
        line_height=values.line_height(say("line_height")),  # type: ignore[arg-type]
        space_before=values.space(say("space_before")),  # type: ignore[arg-type]
        space_after=values.space(say("space_after")),  # type: ignore[arg-type]
        indent=float(say("indent")),  # type: ignore[arg-type]
        keep_with_next=bool(say("keep_with_next")), keep_together=bool(say("keep_together")),
        hyphenate=bool(say("hyphenate")),
        border_after=values.rule(say("border_after")))  # type: ignore[arg-type]


def _span(role: str, spec: SpanStyle, values: _Values) -> SpanLook:
    return SpanLook(
        role, spec.html, spec.word, spec.font,
        None if spec.size is None else values.size(spec.size),
        None if spec.weight is None else spec.weight == "bold",
        None if spec.style is None else spec.style == "italic",
        values.color(spec.color), spec.caps, spec.letter_spacing, spec.underline)
