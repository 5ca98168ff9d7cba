"""A helper's or worker's standard error, held in a file and passed on when its work ends.

Under ``--memory-limit`` a helper or worker may fail where a C library cannot allocate:
GLib aborts the process ("GLib-ERROR **: creating thread '[pango] FcFontSetSort': Error
creating thread", SIGTRAP), or CPython prints "Exception ignored in: ... MemoryError"
while a failed layout unwinds. The caller then says so in its one error line naming
``--memory-limit``; what the process printed came on top of it (21 of 90 builds at
``--memory-limit`` 1, 2 and 4, fork, fit hint, load 8-10).

So such a process writes its standard error (file descriptor 2, C libraries' too) into
an unlinked file of its own (:func:`hold`). It passes what the file took on to the real
standard error where a piece of work ends (:func:`passed_on`: a helper before it sends
its answer, a worker as its render returns), so that a warning reaches the user where
it did before; where the work ran out of memory, it drops it instead (:func:`dropped`),
and what it prints until its next piece of work begins (:func:`begin`). A process that
dies never passes it on (but where Python's faulthandler is on, ``-X faulthandler``,
its traceback of the crash goes to the real standard error). Where ``os.pread`` is
missing (Windows), nothing is held.
"""

from __future__ import annotations

import faulthandler
import os
import select
import sys
import tempfile
from collections.abc import Iterator
from contextlib import suppress

from .. import testhook

CHUNK = 1 << 16  # bytes read from the file at a time
PIPE_BUF = getattr(select, "PIPE_BUF", 512)  # bytes a pipe takes in one write, uncut

_REAL: list[int] = []  # the real standard error, a descriptor of its own, once held
_FILE: list[int] = []  # a descriptor of the file standard error goes to, once held
_SENT: list[int] = [0]  # how much of the file is passed on or dropped
_QUIET: list[bool] = [False]  # ran out of memory: drop what comes until the next work


def hold() -> None:
    """Send this process's standard error into a file of its own from now on.

    Called again in a process forked from a holding one (the helper's twin): it then
    takes a file of its own, as nothing its parent held is its to pass on.
    """
    if not hasattr(os, "pread"):
        return
    with suppress(Exception):
        sys.stderr.flush()
    try:
        if not _REAL:
            _REAL.append(os.dup(2))
            testhook.speak_to(_REAL[0])  # a test hook's pause line goes out at once
            if faulthandler.is_enabled():  # -X faulthandler: a crash's traceback goes out
                faulthandler.enable(_REAL[0])
        with tempfile.TemporaryFile() as held:  # unlinked: gone with the process
            file = os.dup(held.fileno())
        os.dup2(file, 2)
    except OSError:  # standard error closed, no temporary folder: not held, as before
        with suppress(OSError):
            if _REAL:
                os.dup2(_REAL[0], 2)
            if _FILE:  # a parent's, in its twin
                os.close(_FILE.pop())
        return
    if _FILE:
        os.close(_FILE.pop())
    _FILE.append(file)
    _SENT[0], _QUIET[0] = 0, False


def passed_on() -> None:
    """Write what standard error took since the last call to the real one (none: drop it).

    Never raises: a failure leaves the rest for the next call.
    """
    if not _FILE:
        return
    if _QUIET[0]:
        dropped()
        return
    with suppress(Exception):
        sys.stderr.flush()
        while chunk := os.pread(_FILE[0], CHUNK, _SENT[0]):
            if len(chunk) == CHUNK and b"\n" in chunk:  # the rest of its last line: next
                chunk = chunk[:chunk.rindex(b"\n") + 1]
            for piece in pieces(chunk):
                view = memoryview(piece)
                while view:
                    view = view[os.write(_REAL[0], view):]
            _SENT[0] += len(chunk)


def pieces(data: bytes) -> Iterator[bytes]:
    """Return ``data`` in pieces of whole lines, at most :data:`PIPE_BUF` bytes each.

    A single longer line is a piece of its own; the last may be unfinished.

    A write of up to PIPE_BUF bytes to a pipe is never cut by another process's: a
    helper's and its twin's (or two workers') lines passed on at once are not torn apart
    (they were with 64 KiB writes: two helpers' 5.5 MB each, a line cut mid-way), as
    their lines were not when written one by one.
    """
    start = 0
    while start < len(data):
        end = data.rfind(b"\n", start, start + PIPE_BUF) + 1
        if end <= start:  # a longer line, or what is left unfinished
            end = data.find(b"\n", start) + 1 or len(data)
        yield data[start:end]
        start = end


def dropped(quiet: bool = False) -> None:
    """Drop what standard error took since it was last passed on.

    With ``quiet`` (the work ran out of memory), what comes until :func:`begin` too:
    the dumps of what the failed work left, as it is freed.
    """
    if not _FILE:
        return
    with suppress(Exception):
        sys.stderr.flush()
    with suppress(OSError):
        _SENT[0] = os.fstat(_FILE[0]).st_size
    _QUIET[0] = _QUIET[0] or quiet


def begin() -> None:
    """Say that a piece of work begins: what came since a failure out of memory is dropped."""
    if _QUIET[0]:
        dropped()
        _QUIET[0] = False


def release() -> None:
    """Pass on what standard error took, and send it to the real one again from now on.

    For an unexpected end of the process: what the standard library prints about it
    goes out.
    """
    if not _FILE:
        return
    passed_on()
    with suppress(Exception):
        sys.stderr.flush()
    with suppress(OSError):
        os.dup2(_REAL[0], 2)
        os.close(_FILE.pop())
