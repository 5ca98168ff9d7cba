"""The source line under an error: the line of its file, with a caret under its column.

Errors know where they are (:class:`~guidegen.errors.Location`); showing the line itself reads
the file again, by the rules of :func:`guidegen.files.read_file`, so it lives above both.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .errors import GuidegenError, Location
from .files import read_file

_EXCERPT_BYTES = 4 << 20  # the largest file whose line an error shows
_EXCERPT_WIDTH = 100  # columns of a source line shown; a longer one is cut around the caret
_UNSHOWN = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # shown as U+FFFD: they would garble the terminal


def source_excerpt(location: Location, lines: dict[str, list[str] | None] | None = None
                   ) -> list[str]:
    """Return the source line of ``location`` and a caret under its column (as rustc does).

    ``["  14 | values: {cmo: yes}", "     |         ^"]``; only the line without a column;
    nothing when the file cannot be read (it is read by the rules of
    :func:`guidegen.files.read_file`). ``lines`` caches files read by earlier calls.
    """
    if location.line is None or not location.in_text:
        return []
    cache = {} if lines is None else lines
    if location.file not in cache:
        cache[location.file] = _lines_of(location.file)
    text = cache[location.file]
    if text is None or not 0 < location.line <= len(text):
        return []
    shown, caret = _display(text[location.line - 1], location.column)
    number = str(location.line)
    gutter = " " * len(number)
    excerpt = [f"  {number} | {shown}".rstrip()]
    if caret is not None:
        excerpt.append(f"  {gutter} | {' ' * caret}^")
    return excerpt


def _lines_of(file: str) -> list[str] | None:
    try:  # in its own folder only: never through a symlink that leads elsewhere
        data = read_file(Path(file), _EXCERPT_BYTES, root=Path(file).parent)
    except (GuidegenError, OSError, ValueError):
        return None
    return re.split(r"\r\n|\r|\n", data.decode("utf-8-sig", errors="replace"))


def _display(line: str, column: int | None) -> tuple[str, int | None]:
    """Return ``line`` as a terminal shows it, and where (from 0) ``column``'s caret goes.

    Tabs become spaces, control and format characters U+FFFD, and wide (East Asian) characters take
    two columns. A line longer than the excerpt is cut to a window around the caret.
    """
    cells: list[tuple[str, int]] = []  # what each character shows, and its columns
    at = 0
    for char in line:
        if char == "\t":
            shown = " " * (4 - at % 4)
        elif unicodedata.category(char) in _UNSHOWN:
            shown = "\ufffd"
        else:
            shown = char
        width = sum(0 if unicodedata.combining(c) else
                    2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in shown)
        cells.append((shown, width))
        at += width
    caret = None
    if column is not None:
        before = cells[:column - 1]
        caret = sum(width for _, width in before) + max(0, column - 1 - len(cells))
    first = 0 if caret is None or caret < _EXCERPT_WIDTH else caret - _EXCERPT_WIDTH // 2
    kept: list[str] = []
    used = skipped = 0
    for shown, width in cells:
        if skipped < first:
            skipped += width
            continue
        if used + width > _EXCERPT_WIDTH:
            kept.append("…")
            break
        kept.append(shown)
        used += width
    if first:
        kept.insert(0, "…")
        caret = None if caret is None else caret - skipped + 1
    return "".join(kept), caret
