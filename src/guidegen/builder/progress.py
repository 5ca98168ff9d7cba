"""What a build says while it works: a batch begun, each item done, files written.

The builder reports to the :class:`Reporter` that :func:`reporting` installs (the command
line's console, :mod:`guidegen.console`); outside one, to nobody. A batch is the
documents one build renders of one kind (the guides to render, a packet's recipients):
:meth:`Reporter.begin` says how many, :meth:`Reporter.done` names each as it is
rendered, and :meth:`Reporter.wrote` lists the files of a roster's batch as soon as they
are written, so that whoever reads along (a log file) knows what is on disk when the
build is killed. The library's return value still lists every output.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .jobs import Output


class Reporter(Protocol):
    """Who hears what a build does (see the module's docstring)."""

    def begin(self, what: str, total: int) -> None:
        """Say that ``total`` items (``what``: "guides", "packets") are about to render."""

    def done(self, name: str) -> None:
        """Say that the item ``name`` (a file name without suffix) has rendered."""

    def wrote(self, outputs: Sequence[Output]) -> None:
        """Say that ``outputs`` are settled before the build's end (a roster's).

        Written now, or found up to date (``skipped``).
        """

    def end(self) -> None:
        """Say that the batch begun last is over (rendered, failed or interrupted)."""


class Silent:
    """A reporter that says nothing (the library's, outside :func:`reporting`)."""

    def begin(self, what: str, total: int) -> None:
        """Say nothing."""

    def done(self, name: str) -> None:
        """Say nothing."""

    def wrote(self, outputs: Sequence[Output]) -> None:
        """Say nothing."""

    def end(self) -> None:
        """Say nothing."""


_SILENT = Silent()
_REPORTER: ContextVar[Reporter | None] = ContextVar("guidegen_reporter", default=None)


@contextlib.contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Inside, builds report to ``reporter``."""
    token = _REPORTER.set(reporter)
    try:
        yield reporter
    finally:
        _REPORTER.reset(token)


def reporter() -> Reporter:
    """Return the reporter builds report to now."""
    return _REPORTER.get() or _SILENT


@contextlib.contextmanager
def batch(what: str, total: int) -> Iterator[Reporter]:
    """Inside, ``total`` items of ``what`` render; yield the reporter to name each one."""
    said = reporter()
    said.begin(what, total)
    try:
        yield said
    finally:
        said.end()
