"""Limits every render runs under: a time limit, and the memory hint of its messages.

A time limit raises :class:`_Expired` in the main thread once its deadline passes, at
the thread's next safe point (between two bytecodes, as a signal handler runs), and
:func:`limited_time` turns it into a :class:`RenderError` naming the limit. Two clocks
ring it (see :mod:`guidegen.system`): ``SIGALRM`` where the system has it, else a
watchdog thread (:class:`_Watchdog`) that raises it in the main thread; a helper or
worker process whose work reaches no safe point within :data:`GRACE` seconds after
that is ended by the watchdog (its caller reports the process's end).

It is never raised inside a finaliser (a ``__del__``, a garbage collector's callback, a
``weakref.finalize``), where Python would only print it and the work would run on: a
clock that finds the main thread in one rings again :data:`_SOON` after
(:func:`_in_finaliser`).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .. import system
from ..errors import RenderError


def memory_hint(megabytes: int) -> str:
    """Return what a message says of a process that may have run out of memory."""
    return (f"it may have needed more than the {megabytes} MB of memory that --memory-limit "
            "gives each helper and worker process")


class _Expired(BaseException):
    """Raised by the timer; a BaseException, so no ``except Exception`` in a library eats it."""


@dataclass(eq=False)
class _Limit:
    """A time limit in force: its deadline, what it limits, how long, and its clock.

    ``deadline`` is on the monotonic clock; ``alarm``: ``SIGALRM`` rings it, else the watchdog.
    """

    deadline: float
    what: str
    seconds: float
    alarm: bool


_LIMITS: list[_Limit] = []  # the limits in force, innermost last
_GUARD = threading.Lock()  # _LIMITS and _PAUSED, between the watchdog and the main thread
_PAUSED: list[bool] = [False]  # whether the clocks are stopped (:func:`paused`)
# After the deadline the limit rings again every _AGAIN seconds until it is left: an
# alarm swallowed where no ring looks (code that catches BaseException, or a finaliser
# entered between the watchdog's look and its raise) would let the work run on.
_AGAIN = 1.0
_SOON = 0.01  # seconds after which a ring that found a finaliser running rings again
GRACE = 30.0  # seconds a helper or worker may run past a deadline before it is ended
EXPIRED_EXIT = 124  # a helper or worker ended by the watchdog exits so (as timeout(1))


@contextmanager
def limited_time(seconds: float | None, what: str) -> Iterator[None]:
    """Stop the work inside with a :class:`RenderError` once ``seconds`` have passed.

    Limits nest: the work inside one limit also stays within every limit around it (a
    document's whole render within its time limit, whatever format it is at), and the
    message names the limit that ran out.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return
    alarm = system.has_alarm()
    limit = _Limit(time.monotonic() + seconds, what, seconds, alarm)
    previous = signal.signal(signal.SIGALRM, _ring) if alarm else None  # first: it may fail
    with _GUARD:
        _LIMITS.append(limit)
    try:
        _arm(alarm)
        yield
    except _Expired:
        if not _hush(limit, alarm):
            raise  # a limit around this one ran out: it says so
        raise RenderError(f"{what} took longer than {seconds:g} s and was stopped "
                          "(see --time-limit)") from None
    finally:
        _leave(limit, alarm, previous)


def ready() -> None:
    """Start now what time limits need in this process (the watchdog, if it has one).

    A helper or worker process calls it before its memory is limited: a thread's stack
    is memory it might not be given afterwards.
    """
    if not system.has_alarm():
        _Watchdog.get()


def _hush(limit: _Limit, alarm: bool) -> bool:
    """Return whether ``limit`` is the one that ran out; take it out of force, clock stopped.

    So that it rings no more while its error is made: it rings again every _AGAIN s, and
    under load the error was not made in time (test_docx_alone_stops_at_the_time_limit
    failed with a second _Expired raised in RenderError's __init__). :func:`_leave` arms
    the clock again for the limits around it.
    """
    ours: bool | None = None
    while True:
        try:
            if ours is None:
                ours = limit is _earliest()
            _out_of_force(limit, alarm)
            return ours
        except _Expired:
            continue


def _out_of_force(limit: _Limit, alarm: bool) -> None:
    """Take ``limit`` out of force and stop the clock (a ring meanwhile: the caller's)."""
    with _GUARD:  # first: whatever fails below, the limit is out of force
        if limit in _LIMITS:
            _LIMITS.remove(limit)
        if not alarm:
            _withdraw()
    if alarm:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _leave(limit: _Limit, alarm: bool, previous: object) -> None:
    """Take ``limit`` out of force, whatever rings meanwhile; arm the clock for the rest.

    A ring that lands here is dropped: one for a limit around this one rings again.
    """
    while True:
        try:
            _out_of_force(limit, alarm)
            if alarm:
                signal.signal(signal.SIGALRM, previous)  # type: ignore[arg-type]
            _arm(alarm)
            return
        except _Expired:
            continue


@contextmanager
def paused() -> Iterator[None]:
    """Stop the clock of every limit in force inside (files being moved into place).

    The time spent inside does not count: the deadlines move on by it.
    """
    if (threading.current_thread() is not threading.main_thread() or not _LIMITS
            or _PAUSED[0]):  # stopped already, by a pause around this one
        yield
        return
    alarm = system.has_alarm()
    began = time.monotonic()
    _pause(True, alarm)
    try:
        yield
    finally:
        spent = time.monotonic() - began
        with _GUARD:
            for limit in _LIMITS:
                limit.deadline += spent
        _pause(False, alarm)


def _pause(stopped: bool, alarm: bool) -> None:
    """Stop the clocks (withdrawing a ring the main thread has not seen), or start them."""
    with _GUARD:
        _PAUSED[0] = stopped
        if stopped and not alarm:
            _withdraw()
    if alarm and stopped:
        signal.setitimer(signal.ITIMER_REAL, 0)
    else:
        _arm(alarm)


def _ring(signum: int, frame: types.FrameType | None) -> None:
    if _in_finaliser(frame):  # raised there, it would be printed and the work run on
        signal.setitimer(signal.ITIMER_REAL, _SOON, _AGAIN)
        return
    raise _Expired


def _in_finaliser(frame: types.FrameType | None) -> bool:
    """Return whether ``frame`` or a frame that called it is a finaliser's.

    A ``__del__`` method, a garbage collector's callback (``gc.callbacks``, such as
    hypothesis's) or a ``weakref.finalize``: an exception raised in them does not reach
    the code they interrupted.
    """
    import gc
    import weakref

    codes = {getattr(getattr(callback, "__func__", callback), "__code__", None)
             for callback in gc.callbacks} | {weakref.finalize.__call__.__code__}
    while frame is not None:
        if frame.f_code.co_name == "__del__" or frame.f_code in codes:
            return True
        frame = frame.f_back
    return False


def _withdraw() -> None:
    """Withdraw a ring the watchdog raised in the main thread and it has not seen yet."""
    from ..native import raise_in

    raise_in(threading.main_thread().ident or 0, None)


def _arm(alarm: bool) -> None:
    """Set the clock to the earliest deadline of the limits in force, then every _AGAIN s."""
    earliest = None if _PAUSED[0] else _earliest(alarm)
    if not alarm:
        if earliest is not None or _Watchdog.running is not None:
            _Watchdog.get().wake()
    elif earliest is None:
        signal.setitimer(signal.ITIMER_REAL, 0)
    else:
        signal.setitimer(signal.ITIMER_REAL,
                         max(earliest.deadline - time.monotonic(), 0.001), _AGAIN)


def _earliest(alarm: bool | None = None) -> _Limit | None:
    """Return the limit in force whose deadline comes first: the one the clock is for.

    ``alarm``: of the limits that clock rings only (a process whose tests switch clocks
    keeps its watchdog thread, which must not ring a limit ``SIGALRM`` rings as well).
    """
    with _GUARD:
        return min((limit for limit in _LIMITS if alarm in (None, limit.alarm)),
                   key=lambda limit: limit.deadline, default=None)


class _Watchdog:
    """The thread that rings the limits where there is no ``SIGALRM``: one per process."""

    running: _Watchdog | None = None

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.main = threading.main_thread().ident or 0
        self.thread = threading.Thread(target=self._watch, name="guidegen-time-limits",
                                       daemon=True)
        self.thread.start()

    @classmethod
    def get(cls) -> _Watchdog:
        """Return this process's watchdog, started if need be (again after a fork)."""
        watchdog = cls.running
        if watchdog is None or not watchdog.thread.is_alive():
            watchdog = cls.running = cls()
        return watchdog

    def wake(self) -> None:
        """Have the watchdog look at the limits again (one was entered or left)."""
        with self.changed:
            self.changed.notify()

    def _watch(self) -> None:
        rung: float | None = None  # when the limit in force was first rung
        while True:
            with self.changed:
                earliest = None if _PAUSED[0] else _earliest(False)
                left = None if earliest is None else earliest.deadline - time.monotonic()
                if left is None or left > 0:
                    rung = None
                    self.changed.wait(left)
                    continue
            rung = time.monotonic() if rung is None else rung
            if time.monotonic() - rung > GRACE and _in_helper():
                os._exit(EXPIRED_EXIT)  # the work reached no safe point: end this process
            again = _AGAIN if self._ring() else _SOON
            with self.changed:
                self.changed.wait(again)

    def _ring(self) -> bool:
        """Raise :class:`_Expired` in the main thread if a limit in force has run out.

        Return False if the main thread was in a finaliser, so nothing was raised.
        """
        from ..native import raise_in

        with _GUARD:  # the main thread takes a limit out of force under it
            expired = min((limit.deadline for limit in _LIMITS if not limit.alarm),
                          default=None)
            if not _PAUSED[0] and expired is not None and expired <= time.monotonic():
                if _in_finaliser(sys._current_frames().get(self.main)):
                    return False
                raise_in(self.main, _Expired)
        return True


def _in_helper() -> bool:
    """Return whether this is a helper or worker process (one its caller can replace)."""
    import multiprocessing

    return multiprocessing.parent_process() is not None
