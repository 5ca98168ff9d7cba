"""The schema of ``templates/word-styles.yaml``: Word styles written in terms of the theme.

Kept apart from :mod:`guidegen.renderers.docx.styles` so that ``guidegen check`` validates the
file, theme references included, without importing python-docx.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from ..content.loader import validate_data
from ..content.model import Model
from ..content.yamlsource import SourceMap, load_yaml
from ..errors import ContentError, Problem, ThemeError
from .theme import Theme

STYLES_FILE = "word-styles.yaml"
# Spacing and indents in points, within what Word accepts (at most 1584 pt).
Points = Annotated[float, Field(ge=0, le=1584)]
# A font size in points (Word: 1 to 1638), or the name of a theme entry ("body").
SizeRef = Annotated[Annotated[float, Field(ge=1, le=1638)] | str,
                    Field(union_mode="left_to_right")]
# Cell padding in points (Word: at most 1584), or the name of a theme entry ("cell_padding").
PaddingRef = Annotated[Annotated[float, Field(ge=0, le=1584)] | str,
                       Field(union_mode="left_to_right")]
# Line spacing as a multiple of the font size (Word: at most 132), or a theme entry name.
SpacingRef = Annotated[Annotated[float, Field(gt=0, le=132)] | str,
                       Field(union_mode="left_to_right")]


class CharacterStyle(Model):
    """A Word character style in terms of the theme (and the run part of a paragraph's)."""

    font: str | None = None
    size: SizeRef | None = None
    color: str | None = None
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    underline: bool | None = None


class ParagraphStyle(CharacterStyle):
    """A Word paragraph style in terms of the theme."""

    base: str | None = None
    space_before: Points | None = None
    space_after: Points | None = None
    line_spacing: SpacingRef | None = None
    exact: bool = Field(True, description="false: the line grows with what it holds (a "
                        "picture) instead of the exact line pitch the PDF has.")
    keep_with_next: bool | None = None
    keep_together: bool | None = None
    hyphenate: bool | None = Field(None, description="false: never hyphenate this style's "
                                   "lines (the document hyphenates the rest).")
    border_bottom: str | None = Field(None, description="Colour key of a rule below.")
    align: Literal["left", "center", "right", "justify"] | None = None


class TableStyle(Model):
    """A Word table style: rules, header row shading, banded rows (each optional)."""

    font: str
    size: SizeRef
    rule: str | None = None
    header_fill: str | None = None
    header_rule: str | None = None
    stripe_fill: str | None = None
    cell_padding: PaddingRef = 4
    rule_above: bool = Field(True, description="false: no rule above the first row (rows "
                             "of lines to write on).")


class ListLevel(Model):
    """One level of a Word list: its paragraph style, number format, text and indent."""

    style: str
    format: Literal["bullet", "decimal", "lowerLetter", "lowerRoman", "upperLetter"]
    text: str
    indent: Points = Field(description="Left indent of the text, in points.")


class CellRoles(Model):
    """The paragraph styles of table cells and their notes."""

    head: str
    corner: str
    row_head: str
    body: str
    row_note: str
    cell_note: str


class FieldRoles(Model):
    """The paragraph styles of a fields block's labels and values."""

    label: str
    value: str


class FieldRows(FieldRoles):
    """A fields block written as rows: each label beside a line as wide as the page."""

    label_width: Points = Field(85, description="Width of the labels' column, in points.")
    height: Points = Field(20, description="Least height of a row, in points (room to "
                           "write); label and value sit at its foot.")


class Roles(Model):
    """Which style each part of the document tree takes in Word."""

    headings: list[str] = Field(min_length=1, description="Paragraph style of heading "
                                "levels 1, 2, 3, ...")
    paragraphs: dict[str, str] = Field(description="Paragraph style by paragraph role.")
    spans: dict[str, str] = Field(description="Character style by inline role.")
    tables: dict[str, str] = Field(description="Table style by table or fields role.")
    cells: CellRoles
    fields: FieldRoles
    field_rows: dict[str, FieldRows] = Field(
        default_factory=dict, description="Fields blocks written as rows instead of side "
        "by side, by role (the cover's recipient, the signature lines).")
    header: str
    footer: str

    def paragraph_styles(self) -> list[tuple[str, str]]:
        """Return (where, style) of every paragraph style named here."""
        named = [(f"headings[{n}]", name) for n, name in enumerate(self.headings)]
        named += [(f"paragraphs.{role}", name) for role, name in self.paragraphs.items()]
        named += [(f"cells.{key}", name) for key, name in self.cells.model_dump().items()]
        named += [(f"fields.{key}", name) for key, name in self.fields.model_dump().items()]
        named += [(f"field_rows.{role}.{key}", getattr(rows, key)) for role, rows in
                  self.field_rows.items() for key in ("label", "value")]
        return [*named, ("header", self.header), ("footer", self.footer)]


class WordStyles(Model):
    """Every style the Word writer uses, by Word style name, and which part takes which."""

    paragraph: dict[str, ParagraphStyle]
    character: dict[str, CharacterStyle]
    lists: dict[str, list[ListLevel]]
    table: dict[str, TableStyle]
    roles: Roles

    def names(self) -> list[tuple[str, str]]:
        """Return the name and kind (paragraph, character, table) of every style."""
        return [(name, kind) for kind in ("paragraph", "character", "table")
                for name in getattr(self, kind)]


def load_word_styles(folders: Sequence[Path], theme: Theme) -> WordStyles:
    """Return the Word styles of the first templates folder that has ``word-styles.yaml``.

    Every font, size and colour a style names must be a key of ``theme``; every
    problem is reported with its place in the file.
    """
    for folder in folders:
        path = folder / STYLES_FILE
        if os.path.lexists(path):
            try:
                data, source = load_yaml(path, root=folder)
            except ContentError as exc:
                raise ThemeError.collect(exc.problems) from None
            styles = validate_data(data, source, WordStyles, ThemeError)
            problems = list(_unknown_references(styles, theme, source))
            if problems:
                raise ThemeError.collect(problems)
            return styles
    raise ThemeError(f"no {STYLES_FILE} in the template folders")


# which theme group each style field names an entry of
_REFERENCES = {"font": "fonts", "size": "sizes", "line_spacing": "sizes", "color": "colors",
               "cell_padding": "sizes",
               "border_bottom": "colors", "rule": "colors", "header_fill": "colors",
               "header_rule": "colors", "stripe_fill": "colors"}


def _unknown_references(styles: WordStyles, theme: Theme,
                        source: SourceMap) -> list[Problem]:
    problems = []
    for kind in ("paragraph", "character", "table"):
        for name, spec in getattr(styles, kind).items():
            for field_name, group in _REFERENCES.items():
                value = getattr(spec, field_name, None)
                known = type(getattr(theme, group)).model_fields
                if isinstance(value, str) and value not in known:
                    path = (kind, name, field_name)
                    problems.append(Problem(
                        source.locate(path), f"{value!r} is not in the theme's {group} "
                        f"(known: {', '.join(known)})", ".".join(path)))
    problems += _unknown_bases(styles, source)
    for kind, levels in styles.lists.items():
        for i, level in enumerate(levels):
            if level.style not in styles.paragraph:
                problems.append(Problem(source.locate(("lists", kind, i, "style")),
                                        f"{level.style!r} is not a "
                                        "paragraph style of this file", f"lists.{kind}[{i}].style"))
    return problems + _unknown_roles(styles, source)


def _unknown_bases(styles: WordStyles, source: SourceMap) -> list[Problem]:
    """Return the problems of paragraph styles with an unknown or circular ``base``.

    A base must be a paragraph style of this file, not based on the style itself
    through others: python-docx and Word resolve neither.
    """
    problems, paragraph = [], styles.paragraph
    for name, spec in paragraph.items():
        chain, base = [name], spec.base
        while base in paragraph and base not in chain:
            chain.append(base)
            base = paragraph[base].base
        path = ("paragraph", name, "base")
        if spec.base is not None and spec.base not in paragraph:
            message = f"{spec.base!r} is not a paragraph style of this file"
        elif base == name:
            message = f"styles based on each other: {' -> '.join([*chain, name])}"
        else:
            continue
        problems.append(Problem(source.locate(path), message, ".".join(path)))
    return problems


def _unknown_roles(styles: WordStyles, source: SourceMap) -> list[Problem]:
    roles = styles.roles
    named = [(where, name, "paragraph") for where, name in roles.paragraph_styles()]
    named += [(f"spans.{role}", name, "character") for role, name in roles.spans.items()]
    named += [(f"tables.{role}", name, "table") for role, name in roles.tables.items()]
    problems = []
    for where, name, kind in named:
        if name not in getattr(styles, kind):
            path = ("roles", *(int(p) if p.isdigit() else p
                               for p in where.replace("[", ".").rstrip("]").split(".")))
            problems.append(Problem(source.locate(path), f"{name!r} is not a {kind} style "
                                    "of this file", f"roles.{where}"))
    return problems


