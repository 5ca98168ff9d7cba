"""Slips YAML makes in any file: text changed without a word, found and said as it is read.

* **A list item joined to the one above.** A line starting ``- `` that YAML folds into
  the text above (a list item indented one space too far continues the previous item;
  a list in a folded ``>`` block is one paragraph): a located warning at the line.
* **A comment that was text.** In an unquoted value, `` #`` starts a YAML comment:
  ``criterion: Supplier audits #1 priority`` prints "Supplier audits". A ``#`` right
  before a letter or digit is text that was meant; a located warning names what was
  dropped and says to quote the value.

:mod:`.yamlsource` calls :func:`scalar_slips` on every scalar; the content's own slips
(Markdown, marks) are :mod:`guidegen.content.slips`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import Location, warn
from .yamlpath import Path_, format_path

if TYPE_CHECKING:
    import yaml

MARKER = re.compile(r"[-*+](?: |$)")  # a bullet list item's marker, at a line's start
_DROPPED = re.compile(r"\s+#(?=[^\s#])")  # a comment glued to a word: "#1", "#tag"


def scalar_slips(node: yaml.ScalarNode, lines: list[str], file: str, path: Path_) -> None:
    """Warn of list items joined to the text above, and of text dropped as a comment."""
    style = node.style or None  # plain: None from PyYAML, "" from libyaml
    if node.start_mark.line != node.end_mark.line and style in (None, "'", '"', ">"):
        for number, column in _folded_items(node, lines):
            warn(Location(file, number + 1, column + 1), _joined_message(lines[number],
                 style, path), format_at(path))
    if style is None and node.value:
        _dropped_comment(node, lines, file, path)


def _folded_items(node: yaml.ScalarNode, lines: list[str]) -> Iterator[tuple[int, int]]:
    """Yield (line, column), from 0, of each list marker YAML joins to the line above."""
    first, last = node.start_mark.line, min(node.end_mark.line, len(lines) - 1)
    if node.style == ">":  # the text starts on the line after the indicator
        block = [n for n in range(first + 1, last + 1) if lines[n].strip()]
        if not block:
            return
        indent = _indent(lines[block[0]])
        for number in range(block[0] + 1, last + 1):
            above = lines[number - 1]
            if _indent(lines[number]) == indent and above.strip() and \
                    _indent(above) == indent and MARKER.match(lines[number][indent:]):
                yield number, indent
        return
    for number in range(first + 1, last + 1):
        text = lines[number].lstrip(" ")
        if MARKER.match(text) and lines[number - 1].strip():
            yield number, len(lines[number]) - len(text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _joined_message(line: str, style: str | None, path: Path_) -> str:
    shown = shorten(line.strip())
    if style == ">":
        return (f"{shown!r} is not a list item: a folded block (>) joins this line to the "
                "one above, so it prints inside that paragraph; write a list in a literal "
                "block (|)")
    if path and isinstance(path[-1], int):
        return (f"{shown!r} is not a list item: YAML joins this line to the item above, so "
                "it prints inside it; start its '-' in the same column as the items above")
    return (f"{shown!r} is not a list item: YAML joins this line to the text above, so it "
            "prints inside it; write a list in a literal block (|), or indent this line "
            "as its own item")


def _dropped_comment(node: yaml.ScalarNode, lines: list[str], file: str, path: Path_) -> None:
    end = node.end_mark
    if end.line >= len(lines) or lines[end.line].find("#", end.column) < 0:
        return
    rest = lines[end.line][end.column:]
    found = _DROPPED.match(rest)
    if found is None:
        return
    dropped = rest[found.end() - 1:].rstrip()
    warn(Location(file, end.line + 1, end.column + found.end()),
         f"YAML reads {dropped!r} as a comment and drops it, so the value is "
         f"{shorten(node.value)!r}; quote the value to keep the text "
         f"(\"{shorten(node.value)} {shorten(dropped)}\")", format_at(path))


def shorten(text: str, most: int = 40) -> str:
    """Return ``text`` cut to ``most`` characters, with an ellipsis if cut."""
    return text if len(text) <= most else text[:most - 1] + "…"


def format_at(path: Path_) -> str:
    """Return ``path`` as messages write it (``comparisons[0].rows[2]``)."""
    return format_path(path)
