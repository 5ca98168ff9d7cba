"""Rendering one guide to every requested format, in memory, within a time limit.

When both the PDF and the DOCX are asked for and a second core is free, the DOCX is
built in a forked helper process while this one lays out the PDF; the helper waits
for the PDF's page count (the cached value of the DOCX's NUMPAGES field) before it
finishes. Nothing here writes files.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

from .errors import GuidegenError, RenderError
from .writers import RenderContext, Rendered, get_writer, prepare_writer

Results = dict[str, tuple[Rendered, float]]


def render_formats(guide: Any, context: RenderContext, names: list[str]) -> Results:
    """Return every format in ``names`` rendered, each with the seconds it took."""
    helper = _Helper.start(guide, context, "docx") if _parallel(names) else None
    results: Results = {}
    try:
        for name in names:
            started = time.perf_counter()
            if helper is not None and name == helper.name:
                result = helper.finish(context.pages_hint)
            else:
                with limited_time(context.time_limit, _what(guide, name)):
                    result = get_writer(name)(guide, context)
            if result.pages is not None:
                context = replace(context, pages_hint=result.pages)
            results[name] = (result, time.perf_counter() - started)
    finally:
        if helper is not None:
            helper.stop()
    return results


def _what(guide: Any, name: str) -> str:
    return f"rendering {guide.guide.title!r} as {name}"


def _parallel(names: list[str]) -> bool:
    """Return whether the DOCX should be built beside the PDF, in a helper process."""
    return ({"pdf", "docx"} <= set(names) and (os.cpu_count() or 1) > 1
            and not multiprocessing.current_process().daemon  # pool workers cannot fork one
            and hasattr(os, "fork"))


class _Helper:
    """A forked process that prepares one format, then finishes it given a page count."""

    def __init__(self, name: str, process: Any, connection: Connection) -> None:
        self.name = name
        self.process = process
        self.connection = connection

    @classmethod
    def start(cls, guide: Any, context: RenderContext, name: str) -> _Helper:
        """Return a running helper that prepares format ``name`` of ``guide``."""
        fork = multiprocessing.get_context("fork")
        ours, theirs = fork.Pipe()
        process = fork.Process(target=_help, args=(guide, context, name, theirs), daemon=True)
        process.start()
        theirs.close()
        return cls(name, process, ours)

    def finish(self, pages: int | None) -> Rendered:
        """Send the page count, and return the finished output (or raise its error)."""
        with contextlib.suppress(OSError):  # it may have stopped early, with an error to read
            self.connection.send(pages)
        try:
            outcome, value = self.connection.recv()
        except (EOFError, OSError):
            raise RenderError(f"the {self.name} helper process stopped unexpectedly "
                              f"(exit status {self.process.exitcode})") from None
        if outcome == "error":
            raise value
        return value

    def stop(self) -> None:
        """End the helper, whether it finished or not."""
        self.connection.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def _help(guide: Any, context: RenderContext, name: str, connection: Connection) -> None:
    """Run in the helper: prepare, wait for the page count, finish, send the result."""
    try:
        with limited_time(context.time_limit, _what(guide, name)):
            finish: Callable[[int | None], Rendered] = prepare_writer(name)(guide, context)
        pages = connection.recv()
        with limited_time(context.time_limit, _what(guide, name)):
            connection.send(("ok", finish(pages)))
    except GuidegenError as exc:
        connection.send(("error", exc))
    except EOFError:
        pass  # the parent gave up
    except Exception as exc:
        connection.send(("error", RenderError(f"{name} writer failed: {exc}")))


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
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise RenderError(f"{what} took longer than {seconds:g} s and was stopped "
                          "(see --time-limit)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
