"""The processes renders may run in: the PDF helper and its twin (the pool: :mod:`.pool`).

:class:`~guidegen.builder.scheduler.Scheduler` decides which to use; this module starts
and talks to them (what runs inside the helper is :mod:`.serving`). Both are forked on
Linux (so they start with what this process has imported) and spawned elsewhere
(:func:`guidegen.system.start_method`); they make themselves die with their parent
before anything else, ignore Ctrl-C (the caller reports it), import WeasyPrint and load
the hyphenation patterns while the caller loads the content, and then take at most
``memory_limit`` megabytes more (where the system can limit it:
:func:`guidegen.system.limits_memory`). The helper's twin is forked from it once it is
warm, where a fitted guide's tries may be laid out side by side (:mod:`.trials`).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .. import system
from ..caches import told
from ..errors import RenderError
from ..renderers import Rendered, helped
from . import heldstderr
from .limits import memory_hint
from .options import option_fields
from .serving import _serve

if TYPE_CHECKING:
    from collections.abc import Sequence
    from multiprocessing.connection import Connection

    from ..common.language import Language

_DEFAULT_MEMORY: int = option_fields()["memory_limit"].default
_SLACK = 10.0  # seconds the helper may overrun its own time limit before it is killed
_language: Language | None = None  # what the next documents most likely use (expect_language)
_first: PdfHelper | None = None  # forked before the options were read (fork_helper_first)


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


class PdfHelper:
    """A process (forked or spawned) that lays out documents, one at a time, for this process.

    It lays out the format that ``runs_in_helper`` (the PDF: see
    :data:`~guidegen.renderers.RENDERERS`), from what its ``prepare_layout`` made here.
    """

    _running: PdfHelper | None = None

    def __init__(self, process: Any, connection: Connection, memory_limit: int,
                 held: tuple[int, str] | None = None) -> None:
        self.process = process
        self.held = held  # the file its standard error is held in (heldstderr.reserve)
        self.last_words: list[str] = []  # what it held when it crashed (stop)
        self.connection = connection
        self.memory_limit = memory_limit
        self.pending = False
        self.owner = os.getpid()
        self._answer: tuple[str, Any] | None = None  # received in place of the laid-out pages
        self._early = self._laid = self._asked = False  # pages asked for, sent; PDF asked for
        self.token = 0  # the last document submitted early, by number (what write names)
        self._limit: float | None = None  # the time limit of the last submit
        self._spare: Connection | None = None  # a pipe to a twin not forked yet (twin)
        self._twin: PdfHelper | None = None
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
        if helper is not None and not helper.process.is_alive():
            helper.stop()  # died between builds: its held file closed (heldstderr.reserve)
        if helper is None or not helper.process.is_alive():
            import multiprocessing

            start: Any = multiprocessing.get_context(system.start_method())
            ours, theirs = start.Pipe()
            spare = start.Pipe() if _may_twin() else None  # the twin's, if it is forked
            held = heldstderr.reserve()
            process = start.Process(target=_serve, daemon=True, name="guidegen-pdf",
                                    args=(theirs, os.getpid(), memory_limit, _language,
                                          spare and spare[1], told(), held and held[1]))
            try:
                process.start()
            except BaseException:  # no process (fork's EAGAIN): no file left behind
                if held is not None:
                    heldstderr.unreserve(held)
                raise
            theirs.close()
            helper = cls._running = cls(process, ours, memory_limit, held)
            if spare is not None:
                spare[1].close()
                helper._spare = spare[0]
        return helper

    @property
    def busy(self) -> bool:
        """Return whether an answer of this helper or its twin is still to be read."""
        return self.pending or (self._twin is not None and self._twin.pending)

    @property
    def may_twin(self) -> bool:
        """Return whether :meth:`twin` returns a twin."""
        return self._spare is not None or (self._twin is not None
                                           and not self._twin.connection.closed)

    def twin(self) -> PdfHelper | None:
        """Return a second helper, forked from this one as it is now (None if it cannot be).

        The twin lays out beside this helper (the fitter's tries side by side: its fonts,
        style rules and hyphenation already warm); it ends with this helper. Forked once,
        on the first call, where processes are forked and time limits use ``SIGALRM``.
        """
        if self._twin is None and self._spare is not None:
            try:
                self.connection.send((os.getcwd(), "twin", None, None, (0, 0, 0)))
            except OSError:
                self._lost()
            self._twin = PdfHelper(_Twin(self.process), self._spare, self.memory_limit)
            self._spare = None
        return None if self._twin is None or self._twin.connection.closed else self._twin

    def submit(self, layout: object, time_limit: float | None, early: bool = False,
               keep: int = 0, ahead: bool = False) -> None:
        """Start laying out ``layout``, what the renderer's ``prepare_layout`` returned.

        With ``early``, the helper first says where the pages fell (:meth:`laid_out`) and
        writes the PDF only when asked (:meth:`write`, or :meth:`result`); it holds these
        pages (by :attr:`token`), and those of ``keep`` (a token) if it still held them.
        With ``ahead`` too (pages this process will most likely keep), it writes their
        PDF as soon as it has sent them, if no message waits (:func:`.serving._write_ahead`).
        """
        self.token += early
        self._send(("lay", layout, time_limit,
                    (self.token, keep, int(ahead)) if early else (0, 0, 0)), time_limit)
        self._answer = None
        self._laid = self._asked = False

    def laid_out(self) -> Rendered | None:
        """Return the PDF of the document last submitted ``early``, without its bytes.

        It comes as soon as the pages are laid out: its page count, page map and
        pagination. None if the helper answered with an error instead (:meth:`result`
        raises it).
        """
        kind, value = self._receive()
        if kind == "pages":
            self._laid, self.pending = True, False  # no answer due until write
            laid: Rendered = value
            return laid
        self._answer = (kind, value)
        return None

    def write(self, token: int = 0) -> None:
        """Ask the helper to write the PDF whose pages :meth:`laid_out` returned.

        ``token`` names one laid out before it (:attr:`token` as it was submitted), which
        the helper holds if it was kept since (:meth:`submit`). It writes while this
        process goes on; :meth:`result` returns it, and the helper drops the other pages.
        """
        if self._laid and not self._asked:
            self._send(("write", None, self._limit, (token or self.token, 0, 0)), self._limit)
            self._asked = True

    def result(self) -> Rendered:
        """Return the PDF of the document last submitted, or raise its error."""
        if self._answer is None and self._early and not self._laid:
            self.laid_out()  # the pages, or the error in their place
        if self._answer is None:
            self.write()  # if they were sent early
            self._answer = self._receive()
        outcome, value = self._answer
        self.pending = False
        self._answer = None
        self._laid = False
        if outcome in ("error", "crash"):
            raise value
        rendered: Rendered = value
        return rendered

    def _send(self, message: tuple[str, object, float | None, tuple[int, int, int]],
              time_limit: float | None) -> None:
        """Send the helper ``message``; its answers may take ``time_limit`` (and _SLACK)."""
        try:
            self.connection.send((os.getcwd(), *message))
        except OSError:
            self._lost()
        self.pending = True
        self._early = message[0] == "lay" and bool(message[3][0])
        self._limit = time_limit
        self._wait = None if time_limit is None else time_limit + _SLACK
        self._deadline = time.monotonic() + (self._wait or 0.0)

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
        said = "".join(f"\n  {line}" for line in self.last_words)  # a crash's (stop)
        raise RenderError(f"the PDF helper process stopped unexpectedly ({how}); "
                          f"{memory_hint(self.memory_limit)}"
                          + (f"\nwhat it printed last:{said}" if said else ""))

    def stop(self) -> None:
        """End the helper now (and its twin, which ends with it)."""
        for connection in (self.connection, self._spare,
                           self._twin and self._twin.connection):
            with suppress(OSError, AttributeError):
                connection.close()  # type: ignore[union-attr]
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        if self.held is not None:  # a crash's last words (not memory's: see CRASHES)
            code = self.process.exitcode
            if code is not None and -code in heldstderr.CRASHES:
                self.last_words = heldstderr.last_words(self.held[0])
            heldstderr.unreserve(self.held)
            self.held = None
        if PdfHelper._running is self:
            PdfHelper._running = None


def fork_helper_first() -> None:
    """Fork the PDF helper now, before the command line is read, for a build that renders.

    The command line (:mod:`guidegen.cli.start`) calls this when its arguments ask for a forced
    build, or one into an output folder with no state file yet (its guess, from the words
    and one ``lstat``), before it imports click and reads the
    project file: the helper then starts about 28 ms of CPU sooner and spends them making
    what its first layout needs while it waits (:func:`.serving._serve`): with
    ``bench/critical.py --runs 5`` against main before (load 2.3), forked at 60 ms instead
    of 88, its first layout 180 ms instead of 224, the critical path 669 instead of 712
    (medians 726 and 756), the main process's hand-off 6 ms later (the fork). Only where
    processes are forked and a build with the default formats and jobs would take a
    helper; :func:`~.scheduler.start_helper_early` keeps it if the options read then
    want one with the same memory limit, and stops it otherwise. The garbage collector's
    setting and the compiled code the build command starts with are set up first
    (:func:`~guidegen.renderers.speed.fast_start`), so that the helper has them too.
    """
    from ..native import read_fonts_aside
    from ..renderers.speed import fast_start
    from .options import cpu_count

    global _first  # settled once the options are read
    formats = option_fields()["formats"].default
    if system.start_method() == "fork" and may_use_helper(formats, cpu_count()):
        fast_start()
        _first = PdfHelper.get()
        read_fonts_aside()  # the helper forked: fontconfig read beside the command line


def forked_first() -> bool:
    """Return whether :func:`fork_helper_first` forked a helper not settled yet."""
    return _first is not None


def settle_first_helper(wanted: bool) -> None:
    """Keep the helper :func:`fork_helper_first` forked if ``wanted``, else stop it.

    Only that one: a helper an earlier build in this process started stays for later
    builds, as before.
    """
    global _first
    first, _first = _first, None
    if first is not None and not wanted and first is PdfHelper._running:
        first.stop()


def _may_twin() -> bool:
    """Return whether a helper may fork a twin here (:meth:`PdfHelper.twin`)."""
    return (system.start_method() == "fork" and system.has_alarm()
            and system.has_death_signal() and (os.cpu_count() or 1) > 1)


class _Twin:
    """Stands in for the twin's process: it is the helper's child and ends with it."""

    def __init__(self, helper: Any) -> None:
        self.helper = helper

    @property
    def exitcode(self) -> int | None:
        """Return the helper's exit code (the twin's is its parent's to know)."""
        code: int | None = self.helper.exitcode
        return code

    def is_alive(self) -> bool:
        """Return whether the helper lives (the twin ends with it)."""
        alive: bool = self.helper.is_alive()
        return alive

    def kill(self) -> None:
        """Leave the twin to end with the helper (its pipe is closed: it ends then too)."""

    def join(self) -> None:
        """Return at once: the helper waits for its twin."""
