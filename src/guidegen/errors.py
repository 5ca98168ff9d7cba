"""The one error hierarchy of guidegen, and its warnings.

Every failure a user can cause or meet is a :class:`GuidegenError`. Each class
carries the process exit status the CLI returns for it, and every error knows
how to print itself, located where possible (``file:line:col: error: ...``).
The CLI prints them in one place; library callers catch :class:`GuidegenError`.

A warning is a :class:`Problem` of severity ``warning``: something that builds but a
reader should look at (a layout that squeezes a column, a translation that lags its
source). :func:`warn` records it in the warnings being collected
(:func:`collect_warnings`); the CLI prints them, and ``--strict`` makes them errors.
"""

from __future__ import annotations

import contextvars
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar, Literal, Self


def display_name(path: Path) -> str:
    """Return ``path`` as messages show it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; ``line`` and ``column`` count from 1."""

    file: str
    line: int | None = None
    column: int | None = None
    #: whether ``line`` is a line of the file's text (an error may show it), not a row or
    #: a paragraph of a spreadsheet or Word document
    in_text: ClassVar[bool] = True

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Problem:
    """One located message: where, what, the dotted path inside the file, how bad."""

    location: Location
    message: str
    path: str = ""
    severity: Literal["error", "warning", "hint"] = "error"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.location}: {self.severity}: {where}{self.message}"

    def as_error(self) -> Problem:
        """Return this problem as an error (``--strict``)."""
        return replace(self, severity="error")


_WARNINGS: contextvars.ContextVar[list[Problem] | None] = contextvars.ContextVar(
    "guidegen_warnings", default=None)


def warn(location: Location, message: str, path: str = "") -> None:
    """Record a warning at ``location`` in the warnings being collected (else drop it)."""
    _record(Problem(location, message, path, "warning"))


def hint(location: Location, message: str, path: str = "") -> None:
    """Record a hint at ``location``: said like a warning, never an error (``--strict``)."""
    _record(Problem(location, message, path, "hint"))


def _record(problem: Problem) -> None:
    found = _WARNINGS.get()
    if found is not None and problem not in found:
        found.append(problem)


def rewarn(problems: Iterable[Problem]) -> None:
    """Record ``problems`` (warnings made elsewhere, such as in a worker process)."""
    for problem in problems:
        _record(problem)


@contextmanager
def collect_warnings() -> Iterator[list[Problem]]:
    """Collect the warnings recorded inside; a collector inside another shares its list."""
    outer = _WARNINGS.get()
    if outer is not None:
        yield outer
        return
    with set_aside_warnings() as found:
        yield found


@contextmanager
def set_aside_warnings() -> Iterator[list[Problem]]:
    """Collect the warnings recorded inside apart, away from any collector outside."""
    found: list[Problem] = []
    token = _WARNINGS.set(found)
    try:
        yield found
    finally:
        _WARNINGS.reset(token)


def warnings_so_far() -> list[Problem]:
    """Return the warnings collected so far (empty outside a collector); hints are not."""
    return [problem for problem in _WARNINGS.get() or [] if problem.severity == "warning"]


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
    from .files import read_file

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


class GuidegenError(Exception):
    """Base class of every error guidegen reports; ``exit_code`` is the CLI status."""

    exit_code = 1

    def __init__(self, message: str = "", problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)

    def __reduce__(self) -> tuple[type, tuple[str, tuple[Problem, ...]]]:
        """Return how to pickle this error, problems included (for worker processes)."""
        return (type(self), (self.message, self.problems))

    @classmethod
    def collect(cls, problems: Iterable[Problem]) -> Self:
        """Return one error holding ``problems`` sorted by place, with a summary line."""
        ordered = sorted(set(problems), key=lambda p: (
            p.location.file, p.location.line or 0, p.location.column or 0, p.path, p.message))
        files = {p.location.file for p in ordered}
        noun = "error" if len(ordered) == 1 else "errors"
        where = "file" if len(files) == 1 else "files"
        return cls(f"{len(ordered)} {noun} in {len(files)} {where}", ordered)

    def summary(self) -> str | None:
        """Return the line said after the problems ("2 errors in 1 file"), if any."""
        if not self.message:
            return None
        return self.message if self.problems else f"error: {self.message}"


class InputError(GuidegenError):
    """The user's content, theme or templates are wrong (exit status 1)."""

    exit_code = 1


class StrictError(InputError):
    """``--strict`` was asked for and there were warnings: they are errors now."""

    @classmethod
    def of(cls, warnings: Sequence[Problem]) -> StrictError:
        """Return the error that the ``warnings`` make under ``--strict``."""
        error = cls.collect(problem.as_error() for problem in warnings)
        error.message += " (warnings are errors with --strict)"
        return error


class ContentError(InputError):
    """A guide's YAML is malformed or does not match the schema."""


class ThemeError(InputError):
    """The theme file is malformed or does not match its schema."""


class ProjectError(InputError):
    """The project file ``guidegen.yaml`` is malformed or does not match its schema."""


class TemplateError(InputError):
    """A Jinja template failed to load or render, or reached outside the project."""


class PartialBuildError(GuidegenError):
    """Some guides or packets of a ``--keep-going`` build failed; the others were built.

    Its problems are theirs; its exit status that of the first that failed.
    """

    def __init__(self, message: str = "", problems: Sequence[Problem] = (),
                 exit_code: int = 1) -> None:
        super().__init__(message, problems)
        self.exit_code = exit_code

    def __reduce__(self) -> tuple[type, tuple[str, tuple[Problem, ...], int]]:  # type: ignore[override]
        """Return how to pickle this error, its status included."""
        return (type(self), (self.message, self.problems, self.exit_code))


class UsageError(GuidegenError):
    """The command line asked for something impossible (exit status 2)."""

    exit_code = 2


class RenderError(GuidegenError):
    """Rendering a document failed: time or memory limit, renderer fault (exit status 3)."""

    exit_code = 3


class ResourceError(GuidegenError):
    """Something guidegen needs is missing: a font, a template, a folder (exit status 5)."""

    exit_code = 5


class OutputError(GuidegenError):
    """An output file could not be written: permissions, disk full (exit status 4)."""

    exit_code = 4


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, raised once the work it waited for was done; ``message`` says what holds."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


EXIT_CODES = {
    "ok": 0,
    "input": InputError.exit_code,
    "usage": UsageError.exit_code,
    "render": RenderError.exit_code,
    "output": OutputError.exit_code,
    "resource": ResourceError.exit_code,
    "internal": 70,
    "interrupted": 130,
}
