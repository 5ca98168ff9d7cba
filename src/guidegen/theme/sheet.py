"""Loading ``styles.yaml``: the built-in style sheet with a user's over it, checked.

:func:`load_styles` reads the file from every templates folder, layer over layer (a
user's keys over the built-in ones, role by role, key by key), validates it against
:mod:`.styles`, and checks what a schema cannot: that every theme entry and role it
names exists, that no role is based on another in a circle, that body text says every
key, and that a user's file restyles the built-in roles and adds none. Every problem is
reported at the place in the file that said it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from ..common.models import validate_data
from ..common.validated import plain
from ..common.yamlsource import SourceMap
from ..errors import Location, Problem, ThemeError, display_name, warn
from .folders import builtin_templates
from .layers import load_layers, read_layer
from .styles import (
    OLD_WORD_STYLES,
    SIZE_PATTERN,
    STYLES_FILE,
    ParagraphStyle,
    StyleSheet,
    base_chain,
)
from .theme import Theme

_THEME_KEYS = {"font": "fonts", "color": "colors", "size": "sizes", "line_height": "sizes",
               "header_fill": "colors", "stripes": "colors", "vertical": "sizes",
               "horizontal": "sizes", "padding": "sizes"}
_GROUPS = ("paragraphs", "spans", "tables", "fields", "sections")


def load_styles(folders: Sequence[Path], theme: Theme) -> StyleSheet:
    """Return the style sheet of ``folders`` (the first folder's keys win), checked.

    Every theme entry it names must exist, every role it names must be one of the
    built-in sheet's, and paragraph roles may not be based on each other in a circle;
    every problem is reported with its place in the file that said it.
    """
    data, source = load_layers(folders, STYLES_FILE, "style roles")
    problems = list(_unknown_roles(folders, data, source))
    if problems:
        raise ThemeError.collect(problems)
    sheet: StyleSheet = validate_data(data, source, StyleSheet, ThemeError)
    problems = [*_theme_problems(sheet, theme, source), *_role_problems(sheet, source)]
    if problems:
        raise ThemeError.collect(problems)
    return sheet


def style_sheet_schema() -> dict[str, Any]:
    """Return the JSON Schema of a ``styles.yaml``: the roles are the built-in sheet's.

    Any key may be left out: a user's file says only what it changes.
    """
    schema: dict[str, Any] = _optional(StyleSheet.model_json_schema())
    for group, roles in _builtin_roles().items():
        schema["properties"][group]["propertyNames"] = {"enum": roles}
    return schema


def _optional(schema: Any) -> Any:
    """Return ``schema`` without a ``required`` list anywhere in it."""
    if isinstance(schema, dict):
        return {key: _optional(value) for key, value in schema.items() if key != "required"}
    if isinstance(schema, list):
        return [_optional(value) for value in schema]
    return schema


def warn_old_word_styles(folders: Sequence[Path]) -> None:
    """Warn of a user folder's ``word-styles.yaml``: guidegen no longer reads it."""
    for folder in folders[:-1]:
        if os.path.lexists(folder / OLD_WORD_STYLES):
            warn(Location(display_name(folder / OLD_WORD_STYLES)),
                 f"not read: the Word styles are made from {STYLES_FILE} now, as the PDF's "
                 f"are; restyle a role there (see README, Restyling)")


def _unknown_roles(folders: Sequence[Path], data: dict[str, Any],
                   source: SourceMap) -> Iterator[Problem]:
    """Return a problem for each role a user's sheet names that the built-in one lacks."""
    builtin = builtin_templates()
    if builtin not in folders or folders[0] == builtin:
        return
    known = _builtin_roles()
    for group in _GROUPS:
        roles = data.get(group)
        if not isinstance(roles, dict):
            continue
        for role in roles:
            if role not in known[group]:
                allowed = known[group]
                hint = difflib.get_close_matches(str(role), allowed, n=1)
                yield Problem(source.locate((group, role), key=True),
                              f"unknown role {role!r}" + (f" (did you mean {hint[0]!r}?)"
                                                          if hint else
                                                          f" (known: {', '.join(allowed)})"),
                              group)


@cache
def _builtin_roles() -> dict[str, list[str]]:
    """Return the roles of the built-in style sheet, by group: the only roles there are."""
    builtin = builtin_templates()
    data, _ = read_layer(builtin / STYLES_FILE, builtin, "style roles")
    return {group: list(data.get(group) or ()) for group in _GROUPS}


def _theme_problems(sheet: StyleSheet, theme: Theme, source: SourceMap) -> Iterator[Problem]:
    """Return a problem for each theme entry the sheet names that the theme lacks."""
    for path, key, value in _references(plain(sheet)):
        if not isinstance(value, str) or key not in _THEME_KEYS:
            continue
        group = _THEME_KEYS[key]
        name = value
        if group == "sizes":
            found = re.match(SIZE_PATTERN, value)
            if key == "line_height" and value == "normal":
                continue
            name = found.group(1) if found else value
            if key != "size" and found and found.group(2):
                yield Problem(source.locate(path), f"{value!r}: only a font size may add "
                              "or take points", _dotted(path))
                continue
        known = type(getattr(theme, group)).model_fields
        if name not in known:
            yield Problem(source.locate(path), f"{name!r} is not in the theme's {group} "
                          f"(known: {', '.join(known)})", _dotted(path))


def _references(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...],
                                                                       str, Any]]:
    """Return (path, key, value) of every value in ``data``, however deep."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                yield from _references(value, (*path, key))
            else:
                yield (*path, key), key, value
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _references(value, (*path, index))


def _role_problems(sheet: StyleSheet, source: SourceMap) -> Iterator[Problem]:
    """Return a problem for each role named that is no paragraph role, or a circle of bases."""
    paragraphs = sheet.paragraphs
    named: list[tuple[tuple[Any, ...], str]] = [
        (("paragraphs", role, "base"), spec.base) for role, spec in paragraphs.items()
        if spec.base is not None]
    named += [(("tables", role, "cells", part), name) for role, table in sheet.tables.items()
              for part, name in plain(table.cells).items()]
    named += [(("fields", role, part), getattr(fields, part))
              for role, fields in sheet.fields.items() for part in ("label", "value")]
    named += [(("lists", kind, n, "role"), level.role) for kind in ("bullet", "number")
              for n, level in enumerate(getattr(sheet.lists, kind))]
    for path, name in named:
        if name not in paragraphs:
            yield Problem(source.locate(path), f"{name!r} is not a paragraph role "
                          f"(known: {', '.join(paragraphs)})", _dotted(path))
    said: set[frozenset[str]] = set()
    for role in sorted(paragraphs, key=lambda r: source.locate(("paragraphs", r, "base"))
                       .file != source.file):  # the user's file first: they wrote it
        chain = base_chain(sheet, role)
        circle = frozenset(chain)
        if chain[-1] in chain[:-1] and circle not in said:
            said.add(circle)
            path = ("paragraphs", role, "base")
            yield Problem(source.locate(path), "roles based on each other: "
                          + " -> ".join(chain), _dotted(path))
    gaps = _body_gaps(paragraphs.get("body"))
    if gaps:
        yield Problem(source.locate(("paragraphs", "body")), "body text must say every key "
                      f"(missing: {', '.join(gaps)})", "paragraphs.body")


_OPTIONAL = frozenset({"html", "base", "border_after", "underline"})


def _body_gaps(body: ParagraphStyle | None) -> list[str]:
    """Return the keys body text leaves out that every paragraph needs."""
    if body is None:
        return ["everything"]
    return [key for key, value in plain(body).items()
            if value is None and key not in _OPTIONAL]


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path).replace(".[", "[")
