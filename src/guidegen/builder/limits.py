"""Limits every render runs under: a time limit, and the memory hint of its messages."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import RenderError


def memory_hint(megabytes: int) -> str:
    """Return what a message says of a process that may have run out of memory."""
    return (f"it may have needed more than the {megabytes} MB of memory that --memory-limit "
            "gives each helper and worker process")


class _Expired(BaseException):
    """Raised by the timer; a BaseException, so no ``except Exception`` in a library eats it."""


# the limits in force, innermost last: (deadline on the monotonic clock, what, seconds)
_LIMITS: list[tuple[float, str, float]] = []


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

    def expire(signum: int, frame: object) -> None:
        raise _Expired

    limit = (time.monotonic() + seconds, what, seconds)
    _LIMITS.append(limit)
    previous = signal.signal(signal.SIGALRM, expire)
    try:
        _arm()
        yield
    except _Expired:
        if limit is not _earliest():
            raise  # a limit around this one ran out: it says so
        raise RenderError(f"{what} took longer than {seconds:g} s and was stopped "
                          "(see --time-limit)") from None
    finally:
        _LIMITS.remove(limit)
        signal.signal(signal.SIGALRM, previous)
        if _LIMITS:
            _arm()
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)


# After the deadline the timer rings again every _AGAIN seconds until the limit is left:
# an alarm that lands in a finalizer (a ``__del__`` run by the garbage collector, such as
# WeasyPrint's font configuration's) is swallowed there, and the work would run on.
_AGAIN = 1.0


def _arm() -> None:
    """Set the timer to the earliest deadline of the limits in force, then every _AGAIN s."""
    left = min(deadline for deadline, _, _ in _LIMITS) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), _AGAIN)


def _earliest() -> tuple[float, str, float] | None:
    """Return the limit in force whose deadline comes first: the one the timer is for."""
    return min(_LIMITS, key=lambda limit: limit[0], default=None)
