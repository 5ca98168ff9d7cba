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
import sys
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

    Its problems are theirs; its ``reasons`` the error lines of those that failed without
    a problem (a render stopped at the time limit: ``error: rendering ...``), said before
    its message; its exit status that of the first that failed.
    """

    def __init__(self, message: str = "", problems: Sequence[Problem] = (),
                 exit_code: int = 1, reasons: Sequence[str] = ()) -> None:
        super().__init__(message, problems)
        self.exit_code = exit_code
        self.reasons = tuple(reasons)

    def __reduce__(self) -> tuple[type, tuple[str, tuple[Problem, ...], int,  # type: ignore[override]
                                              tuple[str, ...]]]:
        """Return how to pickle this error, its status and reasons included."""
        return (type(self), (self.message, self.problems, self.exit_code, self.reasons))

    def summary(self) -> str | None:
        """Return the reasons, then the message naming what was not built."""
        if not self.reasons:
            return super().summary()
        return "\n".join([*self.reasons, self.message])


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


@contextmanager
def in_working_folder() -> Iterator[None]:
    """Run the block; where it fails as the working folder was deleted, say so.

    A build or load in a folder deleted meanwhile (another shell's ``rm -r``, a test's
    temporary folder) fails on the first path it resolves, with a FileNotFoundError and
    no file named: a :class:`ResourceError` (exit status 5) says what is wrong instead.
    """
    try:
        yield
    except FileNotFoundError as exc:
        try:
            os.getcwd()
        except FileNotFoundError:
            raise ResourceError("the working folder no longer exists (it was deleted): "
                                "change to a folder that does and run it again") from exc
        raise


OUT_OF_MEMORY: tuple[type[Exception], ...] = (MemoryError, SystemError)
"""What a helper or worker under ``--memory-limit`` raises when an allocation fails.

Python code gets a ``MemoryError``; C code whose allocation fails without setting one
surfaces as ``SystemError`` ("returned NULL without setting an exception", "error
return without exception set"), seen in workers of builds with ``--memory-limit 1``. Both
are reported naming the limit (:func:`guidegen.builder.limits.memory_hint`); code that
turns a library's failures into located errors lets them through (:func:`out_of_memory`).
"""
_XML_ERR_NO_MEMORY = 2  # libxml2's xmlParserErrors code of a failed allocation
_XML_XPATH_MEMORY_ERROR = 1215  # the same in an XPath evaluation, as libxml2 says it there


def out_of_memory(exc: BaseException) -> bool:
    """Return whether ``exc`` says an allocation failed (``--memory-limit``).

    :data:`OUT_OF_MEMORY`, or libxml2's ``XML_ERR_NO_MEMORY``, which lxml raises as an
    ``XMLSyntaxError`` "unknown error" (python-docx parses the DOCX's parts with it: seen
    in workers of builds with ``--memory-limit 1`` and 5, 4 builds in 40, exit 70), or in
    an XPath query as an ``XPathEvalError``.
    """
    if isinstance(exc, OUT_OF_MEMORY):
        return True
    etree = sys.modules.get("lxml.etree")  # an lxml error comes only once it is imported
    if etree is None:
        return False
    if isinstance(exc, etree.ParseError):
        return bool(exc.code == _XML_ERR_NO_MEMORY)
    # an XPath query's failed allocation: lxml's XPathEvalError "unknown error", whose log
    # holds the code (a worker's python-docx at --memory-limit 4, 1 build in 60, exit 70)
    return isinstance(exc, etree.XPathError) and any(
        entry.type in (_XML_ERR_NO_MEMORY, _XML_XPATH_MEMORY_ERROR) for entry in exc.error_log)


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
