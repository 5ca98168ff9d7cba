"""Rendering one guide to every requested format, in memory, within a time limit.

With a second core, PDFs are laid out by a helper process while this one builds the
DOCX and the HTML. The helper is forked before the content is even loaded, so its
WeasyPrint import overlaps loading and validation; it stays for later builds in the
same program (a watch loop), and ends with it. The DOCX waits only for the PDF's
page count (the cached value of its NUMPAGES field) to finish. Nothing here writes.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .errors import GuidegenError, RenderError
from .writers import RenderContext, Rendered, prepare_writer

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

Results = dict[str, tuple[Rendered, float]]
HELPED = "pdf"  # the format the helper process renders
_SLACK = 10.0  # seconds the helper may overrun its own time limit before it is killed


def render_formats(guide: Any, context: RenderContext, names: list[str],
                   helper: PdfHelper | None = None) -> Results:
    """Return every format in ``names`` rendered, each with the seconds it took."""
    started = time.perf_counter()
    if helper is not None and HELPED in names:
        from .writers.pdf import prepare_layout

        with limited_time(context.time_limit, _what(guide, HELPED)):
            layout = prepare_layout(guide, context)
        helper.submit(layout, context.time_limit)
    else:
        helper = None
    try:
        return _render(guide, context, names, helper, started)
    except BaseException:
        if helper is not None and helper.pending:
            helper.stop()  # its answer would be read by the next build otherwise
        raise


def _render(guide: Any, context: RenderContext, names: list[str], helper: PdfHelper | None,
            started: float) -> Results:
    finishers, results = {}, {}
    for name in names:  # everything that does not wait for the PDF's page count
        if helper is not None and name == HELPED:
            continue
        began = time.perf_counter()
        with limited_time(context.time_limit, _what(guide, name)):
            finish = prepare_writer(name)(guide, context)
        finishers[name] = (finish, time.perf_counter() - began)
    for name in names:
        if helper is not None and name == HELPED:
            result = helper.result(context.time_limit)
            seconds = time.perf_counter() - started
        else:
            finish, seconds = finishers[name]
            began = time.perf_counter()
            with limited_time(context.time_limit, _what(guide, name)):
                result = finish(context.pages_hint)
            seconds += time.perf_counter() - began  # its own work, not the wait
        if result.pages is not None:
            context = replace(context, pages_hint=result.pages)
        results[name] = (result, seconds)
    return results


def _what(guide: Any, name: str) -> str:
    return f"rendering {guide.guide.title!r} as {name}"


def may_use_helper(names: list[str], jobs: int) -> bool:
    """Return whether a PDF helper process can share this build's work."""
    import multiprocessing

    return (jobs > 1 and HELPED in names and len(names) > 1 and hasattr(os, "fork")
            # one caller at a time: the helper answers in order, and timers need it
            and threading.current_thread() is threading.main_thread()
            and multiprocessing.parent_process() is None)  # not inside a worker


class PdfHelper:
    """A forked process that lays out PDFs, one guide at a time, for this process."""

    _running: PdfHelper | None = None

    def __init__(self, process: Any, connection: Connection) -> None:
        self.process = process
        self.connection = connection
        self.pending = False
        self.owner = os.getpid()

    @classmethod
    def get(cls) -> PdfHelper:
        """Return the running helper, starting one (which imports WeasyPrint) if needed."""
        helper = cls._running
        if helper is not None and helper.owner != os.getpid():
            helper = None  # inherited through a fork: it belongs to the parent
        if helper is None or not helper.process.is_alive():
            import multiprocessing

            fork = multiprocessing.get_context("fork")
            ours, theirs = fork.Pipe()
            process = fork.Process(target=_serve, args=(theirs, os.getpid()), daemon=True,
                                   name="guidegen-pdf")
            process.start()
            theirs.close()
            helper = cls._running = cls(process, ours)
        return helper

    def submit(self, layout: Any, time_limit: float | None) -> None:
        """Start laying out ``layout`` (a :class:`~guidegen.writers.pdf.Layout`)."""
        try:
            self.connection.send((os.getcwd(), layout, time_limit))
        except OSError:
            self._lost()
        self.pending = True

    def result(self, time_limit: float | None) -> Rendered:
        """Return the PDF of the guide last submitted, or raise its error."""
        wait = None if time_limit is None else time_limit + _SLACK
        try:
            if not self.connection.poll(wait):
                self.stop()
                raise RenderError(f"the PDF helper did not answer within {wait:g} s and "
                                  "was stopped (see --time-limit)")
            outcome, value = self.connection.recv()
        except (EOFError, OSError):
            self._lost()
        self.pending = False
        if outcome == "error":
            raise value
        return value

    def _lost(self) -> None:
        code = self.process.exitcode
        self.stop()
        raise RenderError(f"the PDF helper process stopped unexpectedly (exit status {code})")

    def stop(self) -> None:
        """End the helper now."""
        with suppress(OSError):
            self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        if PdfHelper._running is self:
            PdfHelper._running = None


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when its parent does, even by SIGKILL (Linux)."""
    with suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _serve(connection: Connection, parent: int) -> None:
    """Run in the helper: import WeasyPrint, then lay out each guide that arrives."""
    from .weasy import import_weasyprint
    from .writers.pdf import lay_out

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to report
    with suppress(Exception):
        import_weasyprint()  # while the caller loads the content; errors show when used
    while True:
        try:
            cwd, layout, time_limit = connection.recv()
        except (EOFError, OSError):
            return
        try:
            os.chdir(cwd)  # error messages name files relative to the caller's folder
            with limited_time(time_limit, "laying out the PDF"):
                reply: tuple[str, Any] = ("ok", lay_out(layout))
        except GuidegenError as exc:
            reply = ("error", exc)
        except Exception as exc:
            reply = ("error", RenderError(f"{HELPED} writer failed: {exc}"))
        try:
            connection.send(reply)
        except (OSError, ValueError):
            return


def start_pool(processes: int) -> Any:
    """Return a pool of forked worker processes that render whole guides, started now.

    Each worker imports WeasyPrint and the writers as it starts, while this process
    loads and validates the content.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(),))
    pool.submit(int)  # with fork, the first task starts every worker
    return pool


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to report
    with suppress(Exception):  # errors show when the writers are used
        from .weasy import import_weasyprint
        from .writers import docx, html, pdf  # noqa: F401 - imported ahead of the first guide

        import_weasyprint()


def render_task(task: tuple[Any, RenderContext, list[str]]) -> Results:
    """Return :func:`render_formats` of one task (a picklable target for worker processes)."""
    return render_formats(*task)


class _Expired(BaseException):
    """Raised by the timer; a BaseException, so no ``except Exception`` in a library eats it."""


@contextmanager
def limited_time(seconds: float | None, what: str) -> Iterator[None]:
    """Stop the work inside with a :class:`RenderError` once ``seconds`` have passed."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    except _Expired:
        raise RenderError(f"{what} took longer than {seconds:g} s and was stopped "
                          "(see --time-limit)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
