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

The PDF helper holds it in a file its caller made (:func:`reserve`) and reads after a
crash that is not one of memory (:data:`CRASHES`: a C library's ``abort()`` or a bad
pointer): what the file took and was not passed on, its last lines (:func:`last_words`),
which a library prints just before, go with the caller's error. The file's first
:data:`HEAD` bytes say how much of it was passed on or dropped.
"""

from __future__ import annotations

import atexit
import faulthandler
import os
import select
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import suppress

from .. import testhook

CHUNK = 1 << 16  # bytes read from the file at a time
PIPE_BUF = getattr(select, "PIPE_BUF", 512)  # bytes a pipe takes in one write, uncut
HEAD = 8  # the held file's first bytes: where what is neither passed on nor dropped begins
# the signals of a crash whose last words the caller says: not SIGKILL (the kernel's
# out-of-memory killer; the caller's own kill) nor SIGTRAP (GLib's abort when it cannot
# allocate), whose words the memory hint stands for
CRASHES = frozenset(getattr(signal, name) for name in ("SIGABRT", "SIGSEGV", "SIGBUS",
                                                        "SIGILL", "SIGFPE")
                    if hasattr(signal, name))
WORDS = 12, 2048  # the last lines said of a crash, and at most these bytes of them

_REAL: list[int] = []  # the real standard error, a descriptor of its own, once held
_FILE: list[int] = []  # a descriptor of the file standard error goes to, once held
_SENT: list[int] = [0]  # how much of the file is passed on or dropped
_QUIET: list[bool] = [False]  # ran out of memory: drop what comes until the next work
_RESERVED: dict[str, int] = {}  # files reserve made and unreserve did not end: path, by pid


def hold(path: str | None = None) -> None:
    """Send this process's standard error into a file of its own from now on.

    ``path``: the file :func:`reserve` made for it in its caller, which it unlinks (if it
    cannot open it, a file of its own). Called again in a process forked from a holding
    one (the helper's twin): it then takes a file of its own, as nothing its parent held
    is its to pass on.
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
        file = _opened(path)
        os.pwrite(file, HEAD.to_bytes(HEAD, "little"), 0)
        os.lseek(file, HEAD, os.SEEK_SET)  # (shared with descriptor 2, dup2'd)
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
    _SENT[0], _QUIET[0] = HEAD, False


def _opened(path: str | None) -> int:
    """Return a descriptor of the file at ``path`` (unlinked then), or of a new one."""
    if path is not None:
        try:
            file = os.open(path, os.O_RDWR)
        except OSError:
            pass
        else:
            with suppress(OSError):
                os.unlink(path)
            return file
    with tempfile.TemporaryFile() as held:  # unlinked: gone with the process
        return os.dup(held.fileno())


def _sent(upto: int) -> None:
    """Note that what the file took up to ``upto`` is passed on or dropped (its head too)."""
    _SENT[0] = upto
    with suppress(OSError):
        os.pwrite(_FILE[0], upto.to_bytes(HEAD, "little"), 0)


def reserve() -> tuple[int, str] | None:
    """Return a new file (its descriptor and path) for a child's :func:`hold`, if any.

    Only where :func:`hold` holds; the caller reads it with :func:`last_words`, and
    closes it (the child unlinks it; :func:`unreserve` too, if the child never did; and
    this process as it exits, if it never unreserved it: a child ended before it held,
    by the caller's exit, leaves no file in the temporary folder).
    """
    if not hasattr(os, "pread"):
        return None
    try:
        reserved = tempfile.mkstemp(prefix="guidegen-stderr-")
    except OSError:
        return None
    if not _RESERVED:
        atexit.register(_unlink_reserved)  # (unregistered once none is left)
    _RESERVED[reserved[1]] = os.getpid()
    return reserved


def unreserve(reserved: tuple[int, str]) -> None:
    """Close the file :func:`reserve` made; unlink it if the child did not."""
    with suppress(OSError):
        os.close(reserved[0])
    with suppress(OSError):
        os.unlink(reserved[1])
    if _RESERVED.pop(reserved[1], None) is not None and not _RESERVED:
        atexit.unregister(_unlink_reserved)


def _unlink_reserved() -> None:
    """Unlink the files this process reserved and never unreserved (as it exits)."""
    for path, owner in list(_RESERVED.items()):
        if owner == os.getpid():  # (not a forked child's: its parent's)
            with suppress(OSError):
                os.unlink(path)


def last_words(file: int) -> list[str]:
    """Return the last lines the child held in ``file`` and neither passed on nor dropped.

    At most :data:`WORDS` lines and bytes (the first line cut by that dropped); blank
    lines left out; an empty list if it held none (or never held).
    """
    lines, most = WORDS
    try:
        start = max(HEAD, int.from_bytes(os.pread(file, HEAD, 0), "little"))
        end = os.fstat(file).st_size
        data = os.pread(file, max(0, min(end - start, most)), max(start, end - most))
    except OSError:
        return []
    text = data.decode("utf-8", "replace").splitlines()
    if end - start > most:
        text = text[1:]
    return [line.rstrip() for line in text if line.strip()][-lines:]


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
            _sent(_SENT[0] + len(chunk))


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
        _sent(os.fstat(_FILE[0]).st_size)
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
