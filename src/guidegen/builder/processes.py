"""The processes renders may run in: the PDF helper, and a pool of workers.

:class:`~guidegen.builder.scheduler.Scheduler` decides which to use; this module starts
and talks to them. Both are forked on Linux (so they start with what this process has
imported) and spawned elsewhere (:func:`guidegen.system.start_method`); they make
themselves die with their parent before anything else, ignore Ctrl-C (the caller
reports it), import WeasyPrint and load the hyphenation patterns while the caller loads
the content, and then take at most ``memory_limit`` megabytes more (where the system
can limit it: :func:`guidegen.system.limits_memory`).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .. import system
from ..errors import GuidegenError, RenderError
from ..renderers import RENDERERS, Rendered, helped
from .limits import limited_time, memory_hint, ready
from .options import option_fields

if TYPE_CHECKING:
    from collections.abc import Sequence
    from multiprocessing.connection import Connection

    from ..common.language import Language

_DEFAULT_MEMORY: int = option_fields()["memory_limit"].default
_SPAWN_SLACK = 16  # megabytes: see _spawn_slack
_SLACK = 10.0  # seconds the helper may overrun its own time limit before it is killed
_language: Language | None = None  # what the next documents most likely use (expect_language)
WORKER_MEMORY: list[int] = []  # the memory limit of this worker process, once started
_LIMITED: list[bool] = []  # whether limit_worker_memory has run in this worker


def expect_language(language: Language) -> None:
    """Say which language the documents of this build most likely use.

    Helper and worker processes started afterwards load its hyphenation patterns while
    they wait for their first document, instead of during its layout (50 ms).
    """
    global _language  # handed to the processes started from this one
    _language = language


def may_use_helper(formats: Sequence[str], processes: int) -> bool:
    """Return whether a helper process can share the work of rendering ``formats``.

    It may when one of them ``runs_in_helper`` (the PDF) and there is another to render
    meanwhile.
    """
    import multiprocessing

    return (processes > 1 and helped(formats) is not None and len(formats) > 1
            # one caller at a time: the helper answers in order, and timers need it
            and threading.current_thread() is threading.main_thread()
            and multiprocessing.parent_process() is None)  # not inside a worker


class HelperCrashError(RuntimeError):
    """An unexpected exception in the helper, raised again here: an internal error (70).

    It keeps the exception's type and message, and the helper's traceback as a note, so
    ``--debug`` shows where it happened.
    """

    @classmethod
    def of(cls, exc: Exception) -> HelperCrashError:
        """Return ``exc``, raised in the helper, as an exception this process can raise."""
        import traceback

        crash = cls(f"{type(exc).__name__}: {exc} (in the PDF helper process)")
        crash.add_note("".join(traceback.format_exception(exc)))
        return crash


class PdfHelper:
    """A process (forked or spawned) that lays out documents, one at a time, for this process.

    It lays out the format that ``runs_in_helper`` (the PDF: see
    :data:`~guidegen.renderers.RENDERERS`), from what its ``prepare_layout`` made here.
    """

    _running: PdfHelper | None = None

    def __init__(self, process: Any, connection: Connection, memory_limit: int) -> None:
        self.process = process
        self.connection = connection
        self.memory_limit = memory_limit
        self.pending = False
        self.owner = os.getpid()
        self._answer: tuple[str, Any] | None = None  # received in place of the laid-out pages
        self._wait: float | None = None  # seconds the last submit's answers may take
        self._deadline = 0.0  # when they are late (time.monotonic)

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

            start: Any = multiprocessing.get_context(system.start_method())
            ours, theirs = start.Pipe()
            process = start.Process(target=_serve, daemon=True, name="guidegen-pdf",
                                    args=(theirs, os.getpid(), memory_limit, _language))
            process.start()
            theirs.close()
            helper = cls._running = cls(process, ours, memory_limit)
        return helper

    def submit(self, layout: object, time_limit: float | None, early: bool = False) -> None:
        """Start laying out ``layout``, what the renderer's ``prepare_layout`` returned.

        With ``early``, the helper also says where the pages fell before it writes the
        PDF (:meth:`laid_out`).
        """
        try:
            self.connection.send((os.getcwd(), layout, time_limit, early))
        except OSError:
            self._lost()
        self.pending = True
        self._answer = None
        self._wait = None if time_limit is None else time_limit + _SLACK
        self._deadline = time.monotonic() + (self._wait or 0.0)

    def laid_out(self) -> Rendered | None:
        """Return the PDF of the document last submitted ``early``, without its bytes.

        It comes as soon as the pages are laid out: its page count, page map and
        pagination; the helper writes the PDF meanwhile. None if the helper answered with
        an error instead (:meth:`result` raises it).
        """
        kind, value = self._receive()
        if kind == "pages":
            laid: Rendered = value
            return laid
        self._answer = (kind, value)
        return None

    def result(self) -> Rendered:
        """Return the PDF of the document last submitted, or raise its error."""
        outcome, value = self._answer or self._receive()
        if outcome == "pages":  # sent early, not asked for: the PDF follows
            outcome, value = self._receive()
        self.pending = False
        self._answer = None
        if outcome in ("error", "crash"):
            raise value
        rendered: Rendered = value
        return rendered

    def _receive(self) -> tuple[str, Any]:
        """Return the helper's next message, waiting until the submit's time limit is out.

        All of a document's answers come within its time limit (and ``_SLACK``) of its
        submit; the helper keeps to the limit itself.
        """
        try:
            if not self.connection.poll(None if self._wait is None
                                        else max(0.0, self._deadline - time.monotonic())):
                self.stop()
                raise RenderError(f"the PDF helper did not answer within {self._wait:g} s "
                                  "and was stopped (see --time-limit)")
            message: tuple[str, Any] = self.connection.recv()
        except (EOFError, OSError):
            self._lost()
        return message

    def _lost(self) -> None:
        self.stop()
        code = self.process.exitcode
        how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
               and -code in signal.valid_signals() else f"exit status {code}")
        raise RenderError(f"the PDF helper process stopped unexpectedly ({how}); "
                          f"{memory_hint(self.memory_limit)}")

    def stop(self) -> None:
        """End the helper now."""
        with suppress(OSError):
            self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        if PdfHelper._running is self:
            PdfHelper._running = None


def _spawn_slack() -> int:
    """Return the megabytes a spawned process is given on top of its memory limit.

    A forked process starts with its parent's heap, free blocks and all; a spawned one
    with only what its imports took, so that the first data it unpickles (a task: a
    document tree) needs new arenas of the allocator. This much more makes the two
    alike: the limit is then reached by rendering, as on Linux, not by unpickling.
    """
    return 0 if system.start_method() == "fork" else _SPAWN_SLACK


def _become_child(parent: int) -> None:
    """Make this helper or worker die with ``parent`` and leave Ctrl-C to it, first thing."""
    from ..native import die_with_parent  # ctypes: in helper and worker processes only

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to report


def _serve(connection: Connection, parent: int, memory_limit: int,
           language: Language | None) -> None:
    """Run in the helper: warm its renderer up, then lay out each document that arrives."""
    _become_child(parent)
    from ..native import limit_memory

    renderer = next(r for r in RENDERERS.values() if r.runs_in_helper)
    lay_out = renderer.module().lay_out
    with suppress(Exception):  # while the caller loads the content; errors show when used
        renderer.warm_up(language)
    ready()  # the watchdog's thread, if any: before the memory limit
    limit_memory(memory_limit + _spawn_slack())
    while True:
        try:
            cwd, layout, time_limit, early = connection.recv()
        except (EOFError, OSError):
            return
        try:
            os.chdir(cwd)  # error messages name files relative to the caller's folder
            with limited_time(time_limit, f"laying out the {renderer.name.upper()}"):
                reply: tuple[str, Any] = ("ok", lay_out(layout, (
                    lambda laid: connection.send(("pages", laid))) if early else None))
        except GuidegenError as exc:
            reply = ("error", exc)
        except MemoryError:
            reply = ("error", RenderError(f"laying out the {renderer.name.upper()} ran out "
                                          "of memory; "
                                          f"{memory_hint(memory_limit)}"))
        except Exception as exc:  # a bug: the caller reports it as in its own process
            reply = ("crash", HelperCrashError.of(exc))
        try:
            connection.send(reply)
        except (OSError, ValueError):
            return


def start_pool(processes: int, memory_limit: int) -> Any:
    """Return a pool of worker processes that render whole documents, started now.

    Each worker (forked or spawned: :func:`guidegen.system.start_method`) imports
    WeasyPrint and the renderers as it starts, while this process
    loads and validates the content, then may take ``memory_limit`` megabytes more.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    start = multiprocessing.get_context(system.start_method())
    imported = tuple(sorted(name for name in sys.modules if name.startswith("guidegen.")))
    pool = ProcessPoolExecutor(processes, mp_context=start, initializer=_start_worker,
                               initargs=(os.getpid(), memory_limit, _language, imported))
    pool.submit(int)  # forked, this starts every worker; spawned, more start as tasks come
    return pool


def _start_worker(parent: int, memory_limit: int, language: Language | None,
                  imported: Sequence[str]) -> None:
    _become_child(parent)
    for renderer in RENDERERS.values():  # imported ahead of the first task
        with suppress(Exception):  # errors show when the renderers are used
            renderer.warm_up(language)
    import importlib

    # what unpickling a task imports, not under the memory limit: the tree and the model
    # (not loaded yet where the pool starts), and in a spawned worker what this one had
    for name in ("guidegen.tree", "guidegen.content.model", *imported):
        with suppress(Exception):
            importlib.import_module(name)
    ready()
    WORKER_MEMORY.append(memory_limit)


def limit_worker_memory() -> None:
    """Set this worker's memory limit (``--memory-limit``) once, as its first render starts.

    Not as the worker starts: the task it takes first is unpickled (a document tree) by
    :mod:`concurrent.futures`, outside guidegen's code, where running out under a tight
    limit printed multiprocessing's traceback instead of guidegen's located error.
    """
    if WORKER_MEMORY and not _LIMITED:
        from ..native import limit_memory

        _LIMITED.append(limit_memory(WORKER_MEMORY[-1] + _spawn_slack()))


