"""One writer per folder: :func:`locked`, held by every writer on the folder it writes into.

Two builds into one folder take turns instead of deleting each other's temporary files
and state (:mod:`.outputs` writes them). The lock is ``flock`` on the folder itself on
Linux and macOS; on the portable paths (:mod:`guidegen.system`) it is ``filelock``'s
lock on a file in it, :data:`LOCK_FILE`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from .. import system
from ..errors import OutputError

LOCK_FILE = ".guidegen-lock"  # what the portable paths lock in a folder, while they write
_HELD: dict[str, int] = {}  # folder -> the descriptor holding its lock in this process
_GUARD = threading.Lock()
_FOLDER_LOCKS: dict[str, threading.RLock] = {}


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the lock of ``folder`` (made if missing) inside: one writer at a time.

    Other processes wait for it (saying so on the ``guidegen`` logger); threads of this
    process take turns; a thread that holds it may take it again. Forked children do
    not keep it (see :func:`_forget_in_child`). A folder made here and still empty at
    the end is removed again, so a failed first build leaves nothing behind.
    """
    key = os.path.realpath(folder)
    with _GUARD:
        turn = _FOLDER_LOCKS.setdefault(key, threading.RLock())
    with turn:
        if key in _HELD:  # this thread holds it already
            yield
            return
        made, descriptor, lock_file = _acquire(folder)
        _HELD[key] = descriptor
        try:
            yield
        finally:
            del _HELD[key]
            _release(folder if made else None, descriptor, lock_file)


def _release(made: Path | None, descriptor: int, lock_file: Path | None) -> None:
    """Release the lock held by ``descriptor``, removing its lock file if it has one.

    The folder ``made`` for the lock goes too if it is empty. Waiters find what they
    waited on gone, and start over (:func:`_acquire`). Windows removes no file another
    process holds open: there the lock file goes after the lock, if no one waits on it.
    """
    on_windows = os.name == "nt"
    try:
        with contextlib.suppress(OSError):
            if lock_file is not None and not on_windows:
                lock_file.unlink()
            if made is not None and not on_windows:
                made.rmdir()  # only if still empty
    finally:
        os.close(descriptor)  # releases the lock
    if on_windows:
        with contextlib.suppress(OSError):
            if lock_file is not None:
                lock_file.unlink()
            if made is not None:
                made.rmdir()


def _acquire(folder: Path) -> tuple[bool, int, Path | None]:
    """Return whether ``folder`` was made, a descriptor holding its lock, and its lock file.

    The lock file is None where the folder itself is locked (``flock``).
    """
    said = False
    on_folder = system.has_folder_flock()
    lock_file = None if on_folder else folder / LOCK_FILE
    while True:
        made = not folder.exists()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            descriptor = (os.open(folder, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                          if lock_file is None else _open_lock_file(lock_file))
        except OSError as exc:
            raise OutputError(f"cannot write into {folder}: {exc.strerror or exc}") from None
        try:
            said = (_flock if lock_file is None else _filelock)(descriptor, folder, said)
            locked_one, now = os.fstat(descriptor), os.stat(lock_file or folder)
        except FileNotFoundError:  # removed by the build this one waited for
            os.close(descriptor)
            continue
        except BaseException:
            os.close(descriptor)
            raise
        if (locked_one.st_dev, locked_one.st_ino) == (now.st_dev, now.st_ino):
            return made, descriptor, lock_file
        os.close(descriptor)


def _open_lock_file(path: Path) -> int:
    """Return a descriptor of the lock file ``path`` (made if missing; never a symlink)."""
    flags = (os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
             | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    descriptor = os.open(path, flags, 0o644)
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise OSError(f"{path.name} is not a regular file")
    return descriptor


def _filelock(descriptor: int, folder: Path, said: bool) -> bool:
    """Lock ``descriptor`` with ``filelock``, as :func:`_flock` does with ``flock``."""
    from filelock import lock_descriptor

    if lock_descriptor(descriptor, blocking=False):
        return said
    if not said:
        _say_waiting(folder)
    lock_descriptor(descriptor, poll_interval=0.1)
    return True


def _say_waiting(folder: Path) -> None:
    logging.getLogger("guidegen").info(
        "waiting for another guidegen writing into %s to finish", folder)


def _flock(descriptor: int, folder: Path, said: bool) -> bool:
    """Lock ``descriptor``, waiting (and saying so once) if need be; return if it was said."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: builds do not take turns
        return said
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if not said:
            _say_waiting(folder)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        return True
    return said


def _forget_in_child() -> None:
    """Close, in a forked child, the locked folders' descriptors it inherited.

    A lock belongs to the open file, which a child shares: a helper process forked
    during a build would otherwise keep the folder locked after the build ends.
    """
    for descriptor in _HELD.values():
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _HELD.clear()
    _FOLDER_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
