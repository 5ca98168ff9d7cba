"""Reading the files guidegen is given: one function, the same rules for every input.

Guides, ``guidegen.yaml``, ``theme.yaml``, ``styles.yaml``, templates (through the
Jinja loader), ``reference.docx``, the logo, files the PDF fetches, the state file and
the hash of the template folders are all read by :func:`read_file`, which

* reads only regular files: a folder, a FIFO, a socket or a device (``/dev/zero``) is
  refused without being read, and opening never blocks (``O_NONBLOCK``; where the
  system lacks it, on the portable paths of :mod:`guidegen.system`, what the path
  names is refused before it is opened, and what was opened is checked again);
* refuses a file outside its ``root`` (a templates folder, the project, the output
  folder), whether named so (``../x``) or led there by a symlink;
* decides that root by one rule for every input (:func:`named_root`,
  :func:`reference_root`): what the user names inside the project stays inside it, what
  they name outside it is read where it is, and a file named by another file (a
  packet's guides, a translation's source) must lie inside the project (or beside a file
  the user named outside it);
* reads at most ``limit`` bytes, counted while reading (a file's reported size is not
  trusted: it may grow, or be a pseudo-file that reports 0);
* raises errors located at the file, of the class its caller names;
* inside :func:`reading_once` (a build), reads each input from disk once: a later read
  of the same file returns the same bytes, after the same checks of where it leads and
  how large it may be. The hash that says whether an output is up to date and the
  content it is built from are then one reading of the file. What a build writes and
  reads back (its state files, its outputs, a journal) is read ``current``: from disk.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path

from . import system
from .errors import InputError, Location, Problem, display_name

MIB = 1 << 20
#: the most any file in a templates folder may hold (the logo, reference.docx, images)
MAX_TEMPLATE_FILE = 16 * MIB
_CHUNK = MIB
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class FileRefusedError(InputError):
    """A file was not read: not a regular file, a symlink out of its folder, too large."""


class ReadOnce:
    """The input files of one build, each read from disk once (see :func:`reading_once`).

    ``files`` holds each file's bytes and where the system said it led, by absolute
    path; ``reads`` counts the reads from disk, by the same path.
    """

    def __init__(self) -> None:
        self.owner = os.getpid()  # a forked process reads for itself
        self.files: dict[str, tuple[bytes, Path | None]] = {}
        self.reads: Counter[str] = Counter()


_READING: ContextVar[ReadOnce | None] = ContextVar("guidegen_reading", default=None)


@contextlib.contextmanager
def reading_once(reads: ReadOnce | None = None) -> Iterator[ReadOnce]:
    """Inside, read each input file from disk once; yield the :class:`ReadOnce` doing it."""
    once = reads or ReadOnce()
    token = _READING.set(once)
    try:
        yield once
    finally:
        _READING.reset(token)


def read_file(path: Path, limit: int, *, root: Path | None = None,
              error: type[InputError] = FileRefusedError, display: str | None = None,
              current: bool = False) -> bytes:
    """Return the bytes of the regular file ``path``, refusing what the module names.

    ``root`` is the folder the file belongs to; ``error`` the class raised (located at
    ``display``, else the path as messages show it). ``current``: read it from disk even
    inside :func:`reading_once` (a file the build itself writes).
    """
    where = Location(display or display_name(path))

    def refuse(message: str) -> InputError:
        return error.collect([Problem(where, message)])

    once = None if current else _READING.get()
    if once is not None and once.owner != os.getpid():
        once = None
    try:
        real = outside_root(path, root)
        if real is not None:
            how = f"is a symlink to {real}, " if named_inside(path, root or path) else "is "
            raise refuse(f"{how}outside {folder_name(root or path)}; guidegen reads no file "
                         "outside the folder it belongs to")
        key = os.path.abspath(path)
        if once is not None and key in once.files:
            data, opened = once.files[key]
            _check_opened(opened, root, refuse)
            if len(data) > limit:
                raise refuse(f"file is {len(data):,} bytes; the limit is {limit:,}")
            return data
        nonblocking = system.nonblocking()
        if not nonblocking:  # opening a FIFO would wait for a writer: refuse it first
            _refuse_kind(os.stat(path), refuse)
        descriptor = os.open(path, _OPEN_FLAGS | nonblocking)
        try:
            opened = _opened(descriptor)  # what was opened, were a link swapped meanwhile
            _check_opened(opened, root, refuse)
            data = _read(descriptor, limit, refuse, bool(nonblocking))
        finally:
            os.close(descriptor)
        if once is not None:
            once.files[key] = data, opened
            once.reads[key] += 1
        return data
    except OSError as exc:
        raise refuse(exc.strerror or str(exc)) from None
    except UnicodeEncodeError:
        raise refuse(unencodable()) from None


def unencodable() -> str:
    """Return what a message says of a name the file system's encoding cannot hold."""
    import sys

    return (f"the name cannot be written in this system's file-name encoding "
            f"({sys.getfilesystemencoding()}); run guidegen in a UTF-8 locale "
            "(LC_ALL=C.UTF-8)")


def named_root(path: Path, project: Path) -> Path | None:
    """Return the folder a file the user named must stay inside: the project, or None.

    A file named inside the project may not lead out of it (through a symlink); one
    named outside it is read where it is: the user chose it.
    """
    return project if named_inside(path, project) else None


def reference_root(path: Path, referrer: Path, project: Path,
                   *given: Path) -> Path | None:
    """Return the folder a file named by the file ``referrer`` must stay inside.

    That is the project (``path`` named inside it), one of the folders ``given`` by the
    user or the project file (the content folder, where a packet's guides are looked up
    by name), or, for a ``referrer`` the user named outside the project, that file's
    own folder. None: ``path`` lies outside them all, and is never read (a packet's
    guide ``../../x.yaml``, a translation's source ``/etc/x``).
    """
    roots = [project, *given]
    if not named_inside(referrer, project):
        roots.append(referrer.parent)
    return next((root for root in roots if named_inside(path, root)), None)


def outside_message(path: Path, project: Path) -> str:
    """Return what a message says of a file named outside the project by another file."""
    folder = folder_name(project)
    return (f"{display_name(path)} is outside the project ({folder}); a file named by "
            "another file must be inside the project")


def folder_name(root: Path) -> str:
    """Return how messages name the folder ``root`` ("the working folder" for ``.``)."""
    name = display_name(Path(os.path.normpath(root)))
    return "the working folder" if name == "." else name


def _check_opened(opened: Path | None, root: Path | None,
                  refuse: Callable[[str], InputError]) -> None:
    """Refuse the file that was opened, ``opened``, if it lies outside ``root``."""
    if root is not None and opened is not None and not opened.is_relative_to(
            os.path.realpath(root)):
        raise refuse(f"leads to {opened}, outside {folder_name(root)}")


def _opened(descriptor: int) -> Path | None:
    """Return the path of the file open at ``descriptor``, where the system says (Linux)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{descriptor}"))
    except OSError:
        return None


def _refuse_kind(info: os.stat_result, refuse: Callable[[str], InputError]) -> None:
    """Refuse what ``info`` describes unless it is a regular file."""
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise refuse(f"is {kind}, not a regular file")


def _read(descriptor: int, limit: int, refuse: Callable[[str], InputError],
          nonblocking: bool) -> bytes:
    info = os.fstat(descriptor)
    _refuse_kind(info, refuse)
    if info.st_size > limit:
        raise refuse(f"file is {info.st_size:,} bytes; the limit is {limit:,}")
    if nonblocking:  # opened so: reads wait for the disk again
        os.set_blocking(descriptor, True)
    chunks, size = [], 0
    while chunk := os.read(descriptor, min(_CHUNK, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise refuse(f"file is more than {limit:,} bytes (the limit)")
    return b"".join(chunks)


def outside_root(path: Path, root: Path | None) -> Path | None:
    """Return where ``path`` really leads if that is outside ``root``, else None.

    Both ``..`` and symlinks count; a path inside ``root`` through a symlinked
    ``root`` itself stays inside.
    """
    if root is None:
        return None
    real = Path(os.path.realpath(path))
    if named_inside(path, root) and real.is_relative_to(os.path.realpath(root)):
        return None
    return real


def inside(path: Path, root: Path) -> bool:
    """Return whether ``path`` lies inside ``root`` and stays there, symlinks followed."""
    return outside_root(path, root) is None


def named_inside(path: Path, root: Path) -> bool:
    """Return whether ``path`` as named (``..`` resolved, symlinks not) lies in ``root``."""
    named = Path(os.path.abspath(path))
    return named.is_relative_to(os.path.abspath(root)) or named.is_relative_to(
        os.path.realpath(root))
