"""What runs in the PDF helper process (and its twin): its loop over the caller's messages.

:class:`~.processes.PdfHelper` starts the helper and speaks to it; here the helper warms
its renderer up, then answers each message: ``lay`` (a document's pages first, its PDF
written when asked: ``write``, or written ahead: :func:`_write_ahead`), and ``twin``
(fork a second helper, :meth:`PdfHelper.twin`).
"""

from __future__ import annotations

import gc
import os
import signal
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any, NoReturn, TypeAlias

from .. import system, testhook
from ..caches import tell
from ..errors import GuidegenError, RenderError, out_of_memory
from ..native import lifting, set_memory_ceiling
from ..renderers import RENDERERS, Rendered
from . import heldstderr
from .limits import limited_time, memory_hint, ready

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection
    from pathlib import Path

    from ..common.language import Language
    from ..renderers import Renderer

_SPAWN_SLACK = 16  # megabytes: see _spawn_slack
# in the helper, by token: what writes the PDF of pages it sent, and the seconds it may take
Held: TypeAlias = "dict[int, tuple[Callable[[], Rendered], float | None]]"


class HelperCrashError(RuntimeError):
    """An unexpected exception in the helper, raised again here: an internal error (70).

    It keeps the exception's type and message, and the helper's traceback as a note, so
    ``--debug`` shows where it happened; it pickles, as the exception may not (an lxml
    error's log).
    """

    WHERE = "the PDF helper process"

    @classmethod
    def of(cls, exc: Exception) -> HelperCrashError:
        """Return ``exc``, raised in the helper, as an exception this process can raise."""
        import traceback

        crash = cls(f"{type(exc).__name__}: {exc} (in {cls.WHERE})")
        crash.add_note("".join(traceback.format_exception(exc)))
        return crash


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


def _out_of_memory() -> NoReturn:
    """End this helper at once, quietly: out of memory where it cannot answer so.

    Reading a message, sending the answer, making the answer of a failure (its
    traceback), writing ahead or forking the twin. The caller then says the helper
    stopped, naming ``--memory-limit``; without this, multiprocessing would print the
    MemoryError's traceback over that message.
    """
    os._exit(1)


def _serve(connection: Connection, parent: int, memory_limit: int,
           language: Language | None, spare: Connection | None = None,
           told: list[tuple[str, Path]] | None = None, held: str | None = None) -> None:
    """Run in the helper: warm its renderer up, then lay out each document that arrives.

    ``told``: the caller's project cache (:func:`guidegen.caches.told`), which a spawned
    helper does not inherit; ``held``: the file to hold its standard error in, which the
    caller reads if it crashes (:func:`.heldstderr.reserve`).
    """
    # passed on with each answer, unless it ran out of memory; held first, as holding
    # unlinks the caller's file: a helper whose caller died meanwhile leaves none in /tmp
    heldstderr.hold(held)
    _become_child(parent)
    if told is not None:
        tell(told)
    from ..native import limit_memory

    renderer = next(r for r in RENDERERS.values() if r.runs_in_helper)
    with suppress(Exception):  # while the caller loads the content; errors show when used
        renderer.warm_up(language)
        renderer.idle(_waiting(connection))  # until the first message
    ready()  # the watchdog's thread, if any: before the memory limit
    ceiling = limit_memory(memory_limit + _spawn_slack())
    try:
        _loop(renderer, connection, (memory_limit, ceiling), spare)
    except Exception as exc:
        if out_of_memory(exc):  # outside the answers' own handling, or in it
            _out_of_memory()
        heldstderr.release()  # multiprocessing's traceback of it goes out
        raise


def _loop(renderer: Renderer, connection: Connection, memory: tuple[int, int | None],
          spare: Connection | None) -> None:
    """Answer the caller's messages until its pipe closes (:func:`_serve`).

    ``memory``: ``--memory-limit``, and the ceiling it set (set again for the idle work
    after each answer and for each message: a layout that fails lifts it,
    :func:`guidegen.native.lift_memory_ceiling`).
    """
    memory_limit, ceiling = memory
    held: Held = {}  # by token: what writes the pages sent, and the time it may take
    while True:
        if ceiling is not None:
            set_memory_ceiling(ceiling)
        try:
            cwd, kind, layout, time_limit, (token, keep, ahead) = connection.recv()
        except (EOFError, OSError):
            heldstderr.passed_on()
            return
        heldstderr.begin()
        if kind == "twin":
            connection, spare = _forked(connection, spare, held)
            _idle(renderer, connection, False)  # each, until its next message
            continue
        try:
            os.chdir(cwd)  # error messages name files relative to the caller's folder
            reply = _answer(renderer, kind, layout, time_limit, (token, keep), held)
        except GuidegenError as exc:
            reply = ("error", exc)
        except Exception as exc:  # out of memory, else a bug: reported as in the caller
            if out_of_memory(exc):  # what it printed as it failed: not the user's
                heldstderr.dropped(quiet=True)
                reply = ("error", RenderError(f"laying out the {renderer.name.upper()} ran "
                                              f"out of memory; {memory_hint(memory_limit)}"))
            else:
                reply = ("crash", HelperCrashError.of(exc))
        heldstderr.passed_on()  # before the answer: where the caller printed it before
        try:
            connection.send(reply)
        except (OSError, ValueError):
            return
        sent = reply[0]
        del reply  # an error's traceback holds what failed made (its frames): not kept
        if sent in ("error", "crash"):  # until the next answer; and it is held in cycles
            gc.collect()  # too: freed before the ceiling is set again
        if ahead and sent == "pages":
            _write_ahead(connection, held, token, f"laying out the {renderer.name.upper()}")
        if ceiling is not None:  # lifted where the answer or the writing ahead failed
            set_memory_ceiling(ceiling)
        _idle(renderer, connection, sent == "pages")


def _idle(renderer: Renderer, connection: Connection, laid: bool) -> None:
    """Make what the next documents may need until a message waits, under the ceiling.

    ``laid``: pages were just sent, whose style rules are saved first. Speed tricks: a
    failure is never an error; one out of memory is handled above the ceiling, and what
    it printed is dropped (:mod:`.heldstderr`).
    """
    try:
        if laid:  # saved before the PDF is sent: the build ends after
            lifting(renderer.keep_for_next)()
        lifting(renderer.idle)(_waiting(connection))  # until the next message
    except Exception as exc:
        if out_of_memory(exc):
            heldstderr.dropped(quiet=True)


def _forked(connection: Connection, spare: Connection | None, held: Held
            ) -> tuple[Connection, None]:
    """Fork this helper's twin; return the pipe each serves then, and none spare.

    The twin holds no pages: its documents are numbered on their own.
    """
    if spare is None:
        return connection, None
    helper = os.getpid()
    if os.fork():  # the helper
        spare.close()
        return connection, None
    _become_child(helper)  # the twin: ends with the helper
    heldstderr.hold()  # a file of its own
    connection.close()
    held.clear()
    return spare, None


def _waiting(connection: Connection) -> Callable[[], bool]:
    """Return what says whether a message waits on ``connection``."""
    return lambda: bool(connection.poll(0))


def _write_ahead(connection: Connection, held: Held, token: int, what: str) -> None:
    """Write the PDF of the pages ``token`` holds now, unless a message waits; hold it.

    A speed trick (:mod:`guidegen.renderers.speed`): the caller marks the pages it will
    most likely keep (the fitter's one try, the least level predicted to fit) when it
    has work of its own meanwhile (the DOCX at that level), and the helper, idle until
    asked, writes their PDF then; ``write`` answers with it at once. The outcome is held
    as it came, the PDF or the exception it raised (raised again when asked), within the
    time the layout left. A message already waiting is answered first, unwritten.
    """
    if token not in held or connection.poll(0):
        return
    write, left = held[token]
    began = time.monotonic()
    try:
        with limited_time(left if left is None else max(left, 0.001), what):
            written = lifting(write)()
    except Exception as exc:  # raised when asked, as the write would have
        failed = exc

        def written_ahead() -> Rendered:
            raise failed
    else:
        def written_ahead() -> Rendered:
            return written
    held[token] = written_ahead, None if left is None else left - (time.monotonic() - began)


def _answer(renderer: Renderer, kind: str, layout: Any, time_limit: float | None,
            tokens: tuple[int, int], held: Held) -> tuple[str, Any]:
    """Return the helper's reply to a message; keep in ``held`` what it may write next.

    ``lay`` lays ``layout`` out: with a token (the first of ``tokens``), the reply is its
    pages, and what writes its PDF is held by the token, beside what the second token
    held (the others are dropped); without, the reply is the PDF. ``write`` writes the
    pages the token holds, within the time their layout left of its limit, and drops all.
    """
    token, keep = tokens
    what = f"laying out the {renderer.name.upper()}"
    if kind == "lay":
        testhook.reached("lay")
    if kind == "write":
        write, left = held.pop(token, (None, None))
        held.clear()
        if write is None:
            raise RenderError("the PDF helper was asked to write a PDF it no longer holds")
        with limited_time(left if left is None else max(left, 0.001), what):
            return ("ok", lifting(write)())
    if not token:
        held.clear()
        with limited_time(time_limit, what):
            return ("ok", lifting(renderer.module().lay_out)(layout))
    began = time.monotonic()
    with limited_time(time_limit, what):  # each: out of memory, handled above the ceiling
        pages, write = lifting(renderer.module().laid_pages)(layout)
    for old in [old for old in held if old != keep]:
        del held[old]
    held[token] = write, None if time_limit is None \
        else time_limit - (time.monotonic() - began)  # what its writing may take
    return ("pages", pages)
