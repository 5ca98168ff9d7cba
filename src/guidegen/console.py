"""The terminal: everything guidegen prints, in one place, and how.

Standard output holds the results: a line per file written or found up to date, the
``ok`` lines of ``check``. Standard error holds what is said along the way: located
problems (``file:line:col: severity: message`` first on the line, which editors and CI
parse, and on a terminal the source line with a caret under the column), progress, notes,
the closing summary and what an interruption left. Every line is flushed as it is
written, whatever the output is, so a log file of a killed run holds what was said
before it was killed.

On a terminal the console uses rich: colour (none with ``NO_COLOR``), and a progress
line that updates in place for a batch taking more than a second (``[37/200]
2026-12-08-Doe-Jane … 1:12 left``). Piped or redirected, nothing is coloured or redrawn:
progress is that line once per item done, for every batch of several items (whatever
its time). rich is imported only on a terminal. ``quiet`` leaves only the problems on
standard error (the results stay on standard output); ``verbose`` shows the progress of
every batch, a single item's or one shorter than a second too.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import Problem
from .excerpts import source_excerpt

if TYPE_CHECKING:
    from .builder.jobs import Output

QUIET, NORMAL, VERBOSE = -1, 0, 1
DELAY = 1.0  # seconds a batch runs before its progress shows (at once when verbose)
_COLOURS = {"error": "red", "warning": "yellow", "hint": "cyan"}


def colour_wanted(stream: Any) -> bool:
    """Return whether text written to ``stream`` may be coloured: a terminal, no NO_COLOR."""
    return _is_terminal(stream) and not os.environ.get("NO_COLOR")


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or a fake stream
        return False


def left(seconds: float) -> str:
    """Return ``seconds`` as a time left reads: ``1:12``, ``1:02:03``."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Console:
    """What one command prints (see the module's docstring); also a build's reporter."""

    def __init__(self, verbosity: int = NORMAL) -> None:
        self.verbosity = verbosity
        self.terminal = _is_terminal(sys.stderr)
        self.colour = self.terminal and not os.environ.get("NO_COLOR")
        self.said: Counter[str] = Counter()  # problems said, by severity
        self.shown: set[Path] = set()  # outputs said as they were written (a roster's)
        self._rich: Any = None
        self._batch: _Batch | None = None
        self._lock = threading.RLock()

    # -- plain lines -----------------------------------------------------------------------

    def result(self, line: str) -> None:
        """Print ``line`` on standard output (a result: quiet or not, the command's output)."""
        self._out(line)

    def say(self, line: str, *, level: int = NORMAL) -> None:
        """Print ``line`` on standard error if the verbosity is at least ``level``."""
        if self.verbosity >= level:
            self._err(line)

    def tell(self, line: str) -> None:
        """Print ``line`` on standard error whatever the verbosity (an error, an interruption)."""
        self._err(line)

    def _out(self, line: str) -> None:
        with self._lock:
            click.echo(line)  # flushed

    def _err(self, text: Any) -> None:
        """Print ``text`` (a string, or rich text on a terminal) on standard error."""
        with self._lock:
            if (self.terminal and not isinstance(text, str)) or self._live() is not None:
                self.rich().print(text)
            else:
                click.echo(str(text), err=True)

    def rich(self) -> Any:
        """Return the rich console writing to standard error (made, and imported, once)."""
        if self._rich is None:
            from rich.console import Console as RichConsole

            self._rich = RichConsole(
                stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True,
                color_system="auto" if self.colour else None)
        return self._rich

    # -- problems ----------------------------------------------------------------------------

    def problems(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        """Print ``problems``, each ``file:line:col: severity: message``, counting them.

        On a terminal each is followed by its source line with a caret under the column
        (coloured unless ``NO_COLOR``). A list of collected warnings is emptied, so that
        each is printed once.
        """
        files: dict[str, list[str] | None] = {}
        for problem in problems:
            self.said[problem.severity] += 1
            if not self.terminal:
                self._err(str(problem))
                continue
            self._err(self._styled(problem))
            for line in source_excerpt(problem.location, files):
                self._err(self._caret(line, problem.severity))
        if isinstance(problems, list):
            problems.clear()

    def _styled(self, problem: Problem) -> Any:
        from rich.text import Text

        head = f"{problem.location}: "
        return Text.assemble(head, (problem.severity, f"bold {_COLOURS[problem.severity]}"),
                             str(problem)[len(head) + len(problem.severity):])

    def _caret(self, line: str, severity: str) -> Any:
        from rich.text import Text

        if not line.endswith("^"):
            return Text(line)
        return Text.assemble(line[:-1], ("^", f"bold {_COLOURS[severity]}"))

    def traceback(self, exc: BaseException) -> None:
        """Print the traceback of ``exc`` (``--debug``), notes included."""
        self._err("".join(traceback.format_exception(exc)).rstrip("\n"))

    # -- progress (a build's reporter: guidegen.builder.progress) ---------------------------

    def begin(self, what: str, total: int) -> None:
        """Start counting a batch of ``total`` ``what``; show it once it takes a second."""
        self.end()
        if self.verbosity <= QUIET or total < 1:
            return
        self._batch = _Batch(self, what, total)

    def done(self, name: str) -> None:
        """Count ``name`` done in the batch under way."""
        if self._batch is not None:
            self._batch.advance(name)

    def wrote(self, outputs: Sequence[Output]) -> None:
        """Print the lines of ``outputs`` written now (a roster's batch), once each."""
        for output in outputs:
            if output.path not in self.shown:
                self.shown.add(output.path)
                self.result(str(output))

    def end(self) -> None:
        """Stop showing the batch under way."""
        if self._batch is not None:
            self._batch.close()
            self._batch = None

    def _live(self) -> Any:
        batch = self._batch
        return None if batch is None else batch.live

    # -- the end -----------------------------------------------------------------------------

    def outputs(self, outputs: Iterable[Output]) -> None:
        """Print the line of each output not printed yet."""
        self.wrote(list(outputs))

    def summary(self, outputs: Sequence[Output], seconds: float) -> None:
        """Print the closing line of a build (``built 3 guides and 1 packet: ...``)."""
        if self.verbosity <= QUIET:
            return
        self.say(summary_line(outputs, seconds, self.said["warning"]))


def summary_line(outputs: Sequence[Output], seconds: float, warnings: int) -> str:
    """Return what a build made, in one line.

    ``built 3 guides and 1 packet (200 recipients): 408 files (8 unchanged), 12.3 s,
    0 warnings``.
    """
    guides = {o.source for o in outputs if o.kind == "guide"}
    packets: dict[Path | None, set[str]] = {}
    for output in outputs:
        if output.kind == "packet":
            packets.setdefault(output.source, set()).add(output.path.stem)
    if not outputs:
        return f"built nothing, {seconds:.1f} s, {_count(warnings, 'warning')}"
    made = [_count(len(guides), "guide")] if guides or not packets else []
    if packets:
        recipients = sum(len(stems) for stems in packets.values())
        made.append(_count(len(packets), "packet") + (
            f" ({_count(recipients, 'recipient')})" if recipients > len(packets) else ""))
    unchanged = sum(1 for output in outputs if output.skipped)
    files = _count(len(outputs), "file") + (f" ({unchanged} unchanged)" if unchanged else "")
    return (f"built {' and '.join(made)}: {files}, {seconds:.1f} s, "
            f"{_count(warnings, 'warning')}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class _Batch:
    """A batch under way: counted, and shown once it takes longer than :data:`DELAY`."""

    def __init__(self, console: Console, what: str, total: int) -> None:
        self.console, self.what, self.total = console, what, total
        self.count, self.last = 0, ""
        self.started = time.monotonic()
        self.live: Any = None  # rich's progress display, on a terminal
        self.task: Any = None
        self.closed = False
        self.timer: threading.Timer | None = None
        if not console.terminal:
            return
        if console.verbosity >= VERBOSE:  # at once, before the first item can advance it
            self.show()
            return
        self.timer = threading.Timer(DELAY, self.show)
        self.timer.daemon = True
        self.timer.start()

    def line(self) -> str:
        """Return the progress line: ``[37/200] 2026-12-08-Doe-Jane … 1:12 left``."""
        text = f"[{self.count}/{self.total}] {self.last or self.what}"
        if 0 < self.count < self.total:
            elapsed = time.monotonic() - self.started
            text += f" … {left(elapsed / self.count * (self.total - self.count))} left"
        elif self.count < self.total:
            text += " …"
        return text

    def advance(self, name: str) -> None:
        self.count += 1
        self.last = name
        console = self.console
        if not console.terminal:  # a log: every item of a batch of several, whenever
            if self.total > 1 or console.verbosity >= VERBOSE:
                console.say(self.line())
            return
        with console._lock:
            if self.live is not None:
                self.live.update(self.task, completed=self.count)

    def show(self) -> None:
        """Start the progress display on the terminal (verbose: at once; else from the timer)."""
        console = self.console
        with console._lock:
            if self.closed:
                return
            from rich.progress import BarColumn, Progress, ProgressColumn
            from rich.text import Text

            batch = self

            class Line(ProgressColumn):
                def render(self, task: Any) -> Text:
                    return Text(batch.line())

            self.live = Progress(
                Line(), BarColumn(bar_width=24),
                console=console.rich(), transient=True,
                redirect_stdout=_is_terminal(sys.stdout), redirect_stderr=False,
                refresh_per_second=4)
            self.task = self.live.add_task(self.what, total=self.total, completed=self.count)
            self.live.start()

    def close(self) -> None:
        console = self.console
        with console._lock:
            self.closed = True
            if self.timer is not None:
                self.timer.cancel()
            if self.live is not None:
                self.live.stop()
                self.live = None
