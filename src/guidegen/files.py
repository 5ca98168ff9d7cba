"""Reading the files guidegen is given: one function, the same rules for every input.

Guides, ``guidegen.yaml``, ``theme.yaml``, ``word-styles.yaml``, templates (through the
Jinja loader), ``reference.docx``, the logo, files the PDF fetches, the state file and
the hash of the template folders are all read by :func:`read_file`, which

* reads only regular files: a folder, a FIFO, a socket or a device (``/dev/zero``) is
  refused without being read, and opening never blocks;
* refuses a file outside its ``root`` (a templates folder, the project, the output
  folder), whether named so (``../x``) or led there by a symlink;
* reads at most ``limit`` bytes, counted while reading (a file's reported size is not
  trusted: it may grow, or be a pseudo-file that reports 0);
* raises errors located at the file, of the class its caller names.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from .errors import InputError, Location, Problem, display_name

MIB = 1 << 20
#: the most any file in a templates folder may hold (the logo, reference.docx, images)
MAX_TEMPLATE_FILE = 16 * MIB
_CHUNK = MIB
_OPEN_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0))
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class FileRefusedError(InputError):
    """A file was not read: not a regular file, a symlink out of its folder, too large."""


def read_file(path: Path, limit: int, *, root: Path | None = None,
              error: type[InputError] = FileRefusedError, display: str | None = None) -> bytes:
    """Return the bytes of the regular file ``path``, refusing what the module names.

    ``root`` is the folder the file belongs to; ``error`` the class raised (located at
    ``display``, else the path as messages show it).
    """
    where = Location(display or display_name(path))

    def refuse(message: str) -> InputError:
        return error.collect([Problem(where, message)])

    try:
        real = outside_root(path, root)
        if real is not None:
            how = f"is a symlink to {real}, " if named_inside(path, root or path) else "is "
            raise refuse(f"{how}outside {_folder(root or path)}; guidegen reads no file "
                         "outside the folder it belongs to")
        descriptor = os.open(path, _OPEN_FLAGS)
        try:
            opened = _opened(descriptor)  # what was opened, were a link swapped meanwhile
            if root is not None and opened is not None and not opened.is_relative_to(
                    os.path.realpath(root)):
                raise refuse(f"leads to {opened}, outside {_folder(root)}")
            return _read(descriptor, limit, refuse)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise refuse(exc.strerror or str(exc)) from None


def _folder(root: Path) -> str:
    name = display_name(root)
    return "the working folder" if name == "." else name


def _opened(descriptor: int) -> Path | None:
    """Return the path of the file open at ``descriptor``, where the system says (Linux)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{descriptor}"))
    except OSError:
        return None


def _read(descriptor: int, limit: int, refuse: Callable[[str], InputError]) -> bytes:
    info = os.fstat(descriptor)
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise refuse(f"is {kind}, not a regular file")
    if info.st_size > limit:
        raise refuse(f"file is {info.st_size:,} bytes; the limit is {limit:,}")
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
