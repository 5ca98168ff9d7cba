"""Where renders run: in this process, beside a PDF helper process, or in a worker pool.

This module is the whole of guidegen's speed machinery for rendering, behind one
interface, :class:`Scheduler`:

* **PDF helper.** With a second core, a forked helper process lays out the PDF while
  this process builds the DOCX and the HTML. :meth:`Scheduler.warm_up` forks it as
  soon as the build knows something must render, before the content loads, so its
  WeasyPrint import (about half of a cold build) overlaps loading; an up-to-date
  build forks nothing. The DOCX waits only for the PDF's page count (the cached value of
  its NUMPAGES field). The helper stays for later builds in the same program (a watch
  loop) and dies with it.
* **Pool.** Several documents with ``jobs`` of 2 or more render in forked worker
  processes, whole documents each.
* **Time limit.** Every render runs under :func:`limited_time` (the pipeline puts
  loading and writing under it too).
* **Memory limit.** Helper and worker processes may take ``memory_limit`` megabytes
  on top of what they held after their imports (:func:`guidegen.native.limit_memory`);
  a render past it stops with a :class:`RenderError`, or its process dies and this one
  says so. This process sets no limit: C libraries (GLib) abort instead of failing.
* **Ctrl-C** stops the pool's renders under way at once.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import GuidegenError, RenderError, rewarn
from ..renderers import Finisher, PageMap, RenderContext, Rendered, get_preparer
from .options import option_fields

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from ..layout.tree import Document
    from ..renderers.pdf import Layout
    from .fitting import Fit, Layer

Results = dict[str, tuple[Rendered, float]]
HELPED = "pdf"  # the format the helper process renders
_DEFAULT_MEMORY: int = option_fields()["memory_limit"].default  # type: ignore[assignment]
PAGED = "docx"  # the format that takes the PDF's page count, and its tightness
_SLACK = 10.0  # seconds the helper may overrun its own time limit before it is killed
_language = "en"  # the language the next documents most likely use (see expect_language)


def expect_language(language: str) -> None:
    """Say which language the documents of this build most likely use.

    Helper and worker processes forked afterwards load its hyphenation patterns while
    they wait for their first document, instead of during its layout (50 ms).
    """
    global _language  # read by the processes forked from this one
    _language = language


@dataclass(frozen=True)
class Task:
    """One document to render to ``formats``, each within ``time_limit`` seconds.

    With ``fit``, the document may be laid out again, tighter, to fit its pages
    (:mod:`.fitting`); the PDF and the DOCX then both take the tightened theme.
    """

    document: Document
    context: RenderContext
    formats: tuple[str, ...]
    time_limit: float | None = None
    fit: Fit | None = None

    def what(self, name: str) -> str:
        """Return how messages name rendering this document as ``name``."""
        return f"rendering {self.document.meta.title!r} as {name}"


class Scheduler:
    """Runs the renders of a build; use it as a context manager."""

    def __init__(self, formats: Sequence[str], processes: int, memory_limit: int) -> None:
        self.formats = tuple(formats)
        self.processes = processes
        self.memory_limit = memory_limit
        self.helper: PdfHelper | None = None
        self.pool: Any = None

    def warm_up(self) -> Scheduler:
        """Start the PDF helper now if a build like this one may use it; return self."""
        if may_use_helper(self.formats, self.processes):
            self.helper = PdfHelper.get(self.memory_limit)
        return self

    def start(self, documents: int) -> None:
        """Settle how ``documents`` documents will render, and start what they need.

        Several documents with several processes go to a pool of workers, forked now
        (their imports overlap loading the content); one document may use the helper.
        """
        if self.processes > 1 and documents > 1:
            if self.helper is not None:  # warmed up for one document; the pool takes over
                self.helper.stop()
                self.helper = None
            self.pool = start_pool(min(self.processes, documents), self.memory_limit)
        elif may_use_helper(self.formats, self.processes):
            self.helper = PdfHelper.get(self.memory_limit)
        else:
            self.helper = None

    def run(self, tasks: Sequence[Task]) -> list[Results]:
        """Return the rendered outputs of every task, in order; record their warnings here."""
        if self.pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                results = list(self.pool.map(render_task, tasks))
            except BrokenProcessPool:
                raise RenderError("a worker process stopped unexpectedly; "
                                  f"{_memory_hint(self.memory_limit)}") from None
        else:
            results = [render_formats(task, self.helper) for task in tasks]
        for result in results:
            for rendered, _ in result.values():
                rewarn(rendered.warnings)
        return results

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pool is not None:
            if exc is not None:  # Ctrl-C or a failure: stop the renders under way now
                for process in list(getattr(self.pool, "_processes", None) or {}):
                    with suppress(OSError):
                        os.kill(process, signal.SIGKILL)
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def render_formats(task: Task, helper: PdfHelper | None = None) -> Results:
    """Return every format of ``task`` rendered, each with the seconds it took."""
    started = time.perf_counter()
    if helper is not None and HELPED in task.formats:
        from ..renderers.pdf import prepare_layout

        with limited_time(task.time_limit, task.what(HELPED)):
            layout = prepare_layout(task.document, task.context)
        helper.submit(layout, task.time_limit)
    else:
        helper = None
    try:
        return _render(task, helper, started)
    except BaseException:
        if helper is not None and helper.pending:
            helper.stop()  # its answer would be read by the next build otherwise
        raise


def _render(task: Task, helper: PdfHelper | None, started: float) -> Results:
    finishers = _prepare(task, helper, task.formats)  # all but a PDF the helper lays out
    results: Results = {}
    if HELPED in task.formats or (task.fit is not None and PAGED in task.formats):
        if helper is not None:
            pdf = helper.result(task.time_limit)
        else:
            finish = finishers.pop(HELPED)[0] if HELPED in finishers \
                else _preparer(task, HELPED)
            with limited_time(task.time_limit, task.what(HELPED)):
                pdf = finish(None)
        if task.fit is not None:
            from .fitting import fit_task

            level, pdf, fitted = fit_task(task, task.fit, pdf, _layer(task, helper))
            if level:  # the paged formats again, with the tightened theme
                finishers |= _prepare(fitted, None, tuple(n for n in finishers if n == PAGED))
        if HELPED in task.formats:
            results[HELPED] = (pdf, time.perf_counter() - started)
        task = replace(task, context=replace(task.context, pages_hint=pdf.pages,
                                             page_map=pdf.page_map))
    context = task.context
    for name in task.formats:
        if name in results:
            continue
        finish, seconds = finishers[name]
        began = time.perf_counter()
        with limited_time(task.time_limit, task.what(name)):
            result = finish(context.page_map or PageMap(context.pages_hint))
        results[name] = (result, seconds + time.perf_counter() - began)  # not the wait
    return {name: results[name] for name in task.formats}


def _prepare(task: Task, helper: PdfHelper | None,
             formats: tuple[str, ...]) -> dict[str, tuple[Finisher, float]]:
    """Return the finishers of ``formats``, each with the seconds preparing it took."""
    finishers = {}
    for name in formats:
        if helper is not None and name == HELPED:
            continue
        began = time.perf_counter()
        with limited_time(task.time_limit, task.what(name)):
            finish = _preparer(task, name)
        finishers[name] = (finish, time.perf_counter() - began)
    return finishers


def _preparer(task: Task, name: str) -> Finisher:
    return get_preparer(name)(task.document, task.context)


def _layer(task: Task, helper: PdfHelper | None) -> Layer:
    """Return what lays a document of ``task`` out as a PDF: the helper, else this process."""
    from ..renderers.pdf import prepare_layout

    def lay(document: Document, context: RenderContext) -> Rendered:
        with limited_time(task.time_limit, task.what(HELPED)):
            if helper is None:
                return get_preparer(HELPED)(document, context)(None)
            helper.submit(prepare_layout(document, context), task.time_limit)
        return helper.result(task.time_limit)

    return lay


def may_use_helper(formats: Sequence[str], processes: int) -> bool:
    """Return whether a PDF helper process can share the work of rendering ``formats``."""
    import multiprocessing

    return (processes > 1 and HELPED in formats and len(formats) > 1 and hasattr(os, "fork")
            # one caller at a time: the helper answers in order, and timers need it
            and threading.current_thread() is threading.main_thread()
            and multiprocessing.parent_process() is None)  # not inside a worker


class PdfHelper:
    """A forked process that lays out PDFs, one document at a time, for this process."""

    _running: PdfHelper | None = None

    def __init__(self, process: Any, connection: Connection, memory_limit: int) -> None:
        self.process = process
        self.connection = connection
        self.memory_limit = memory_limit
        self.pending = False
        self.owner = os.getpid()

    @classmethod
    def get(cls, memory_limit: int | None = None) -> PdfHelper:
        """Return the running helper, starting one (which imports WeasyPrint) if needed.

        The helper may take ``memory_limit`` megabytes (default: the option's default)
        on top of what it held after its imports; one started with another is replaced.
        """
        memory_limit = memory_limit or _DEFAULT_MEMORY
        helper = cls._running
        if helper is not None and (helper.owner != os.getpid()  # a parent's, through a fork
                                   or helper.memory_limit != memory_limit):
            if helper.owner == os.getpid():
                helper.stop()
            helper = None
        if helper is None or not helper.process.is_alive():
            import multiprocessing

            fork = multiprocessing.get_context("fork")
            ours, theirs = fork.Pipe()
            process = fork.Process(target=_serve, args=(theirs, os.getpid(), memory_limit),
                                   daemon=True, name="guidegen-pdf")
            process.start()
            theirs.close()
            helper = cls._running = cls(process, ours, memory_limit)
        return helper

    def submit(self, layout: Layout, time_limit: float | None) -> None:
        """Start laying out ``layout`` (see :mod:`guidegen.renderers.pdf`)."""
        try:
            self.connection.send((os.getcwd(), layout, time_limit))
        except OSError:
            self._lost()
        self.pending = True

    def result(self, time_limit: float | None) -> Rendered:
        """Return the PDF of the document last submitted, or raise its error."""
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
        self.stop()
        code = self.process.exitcode
        how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
               and -code in signal.valid_signals() else f"exit status {code}")
        raise RenderError(f"the PDF helper process stopped unexpectedly ({how}); "
                          f"{_memory_hint(self.memory_limit)}")

    def stop(self) -> None:
        """End the helper now."""
        with suppress(OSError):
            self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        if PdfHelper._running is self:
            PdfHelper._running = None


def _serve(connection: Connection, parent: int, memory_limit: int) -> None:
    """Run in the helper: import WeasyPrint, then lay out each document that arrives."""
    from ..native import die_with_parent, limit_memory  # ctypes: in the forked helper only
    from ..renderers.pdf import lay_out
    from ..renderers.pdf.weasy import import_weasyprint, warm_hyphenation

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to report
    with suppress(Exception):
        import_weasyprint()  # while the caller loads the content; errors show when used
        warm_hyphenation(_language)
    limit_memory(memory_limit)
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
        except MemoryError:
            reply = ("error", RenderError(f"laying out the PDF ran out of memory; "
                                          f"{_memory_hint(memory_limit)}"))
        except Exception as exc:
            reply = ("error", RenderError(f"{HELPED} renderer failed: {exc}"))
        try:
            connection.send(reply)
        except (OSError, ValueError):
            return


def start_pool(processes: int, memory_limit: int) -> Any:
    """Return a pool of forked worker processes that render whole documents, started now.

    Each worker imports WeasyPrint and the renderers as it starts, while this process
    loads and validates the content, then may take ``memory_limit`` megabytes more.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(), memory_limit))
    pool.submit(int)  # with fork, the first task starts every worker
    return pool


_WORKER_MEMORY: list[int] = []  # the memory limit of this worker process, once set


def _start_worker(parent: int, memory_limit: int) -> None:
    from ..native import die_with_parent, limit_memory  # ctypes: in the forked worker only

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to report
    with suppress(Exception):  # errors show when the renderers are used
        from ..renderers import docx, html, pdf  # noqa: F401 - imported ahead of the first task
        from ..renderers.pdf.weasy import import_weasyprint, warm_hyphenation

        import_weasyprint()
        warm_hyphenation(_language)
    limit_memory(memory_limit)
    _WORKER_MEMORY.append(memory_limit)


def render_task(task: Task) -> Results:
    """Return :func:`render_formats` of one task (a picklable target for worker processes)."""
    try:
        return render_formats(task)
    except MemoryError:
        raise RenderError(f"rendering {task.document.meta.title!r} ran out of memory; "
                          f"{_memory_hint(_WORKER_MEMORY[-1] if _WORKER_MEMORY else 0)}"
                          ) from None


def _memory_hint(megabytes: int) -> str:
    return (f"it may have needed more than the {megabytes} MB of memory that --memory-limit "
            "gives each helper and worker process")


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
