"""Limits every render runs under: a time limit, and the memory hint of its messages."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import RenderError


def memory_hint(megabytes: int) -> str:
    """Return what a message says of a process that may have run out of memory."""
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
