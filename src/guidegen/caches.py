"""Where a build keeps its caches: the ``.guidegen-cache/`` folder of the project it uses.

The ground floor, so that loading the project file (:mod:`guidegen.project.config`) can
say which project this is and the speed tricks (:mod:`guidegen.renderers.speed`) can ask,
neither importing the other. ``GUIDEGEN_CACHE_DIR`` names another folder.
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import suppress
from pathlib import Path

CACHE_NAME = ".guidegen-cache"  # a project's cache folder (cache_folder)
_TOLD: list[tuple[str, Path]] = []  # the working folder and its project's cache (use_project)


def use_project(folder: Path) -> None:
    """Have :func:`cache_folder` give the cache of the project in ``folder`` from now on.

    :func:`guidegen.project.config.load_project` tells it (a project file named with
    ``-c`` may be elsewhere); only while the working folder is the one it was told in.
    A process forked afterwards (the PDF helper) has it too.
    """
    with suppress(OSError):
        _TOLD[:] = [(os.getcwd(), folder / CACHE_NAME)]


def told() -> list[tuple[str, Path]]:
    """Return what :func:`use_project` told this process, for a process spawned from it.

    A spawned helper or worker (the portable paths) starts without it: :func:`tell` it
    there, or its caches go in the working folder (``-c`` naming a project elsewhere).
    """
    return list(_TOLD)


def tell(what: list[tuple[str, Path]]) -> None:
    """Have :func:`cache_folder` answer as in the process :func:`told` ``what``."""
    _TOLD[:] = what


def cache_folder() -> Path:
    """Return the folder the caches are kept in: ``GUIDEGEN_CACHE_DIR``, or the project's.

    The project is the one loaded last from this working folder (:func:`use_project`),
    else the nearest folder from here up with a ``guidegen.yaml``, else this one (as
    :func:`guidegen.project.config.load_project` decides without ``-c``); its cache is
    ``.guidegen-cache/``, so a build writes nothing outside the project.
    """
    return project_cache() or Path.cwd() / CACHE_NAME


def project_cache() -> Path | None:
    """Return :func:`cache_folder` if there is a project to keep it in, else None.

    That is, unless nothing named a project: no ``GUIDEGEN_CACHE_DIR``, none loaded
    from this working folder (a command, :func:`guidegen.check`, :func:`guidegen.build`
    and :func:`guidegen.project_options` load one: without a project file, this folder),
    and no ``guidegen.yaml`` from here up. :func:`guidegen.load` of a file, in a folder
    of no project, then keeps nothing in the cache (nothing read, nothing written): the
    caller named a file, not a folder to write in.
    """
    named = os.environ.get("GUIDEGEN_CACHE_DIR")
    if named:
        return Path(named)
    if _TOLD and _TOLD[0][0] == os.getcwd():
        return _TOLD[0][1]
    here = Path.cwd()
    for folder in (here, *here.parents):
        if os.path.lexists(folder / "guidegen.yaml"):
            return folder / CACHE_NAME
    return None


def trusted(path: Path, kind: int = stat.S_IFREG, private: bool = False) -> bool:
    """Return whether ``path`` is a file (or ``kind``) only this user could have written.

    A file (or a ``private`` folder) must also be one only this user can read, as the
    caches write theirs (``mkstemp``: 0600; their folders 0700): a cloned or unpacked
    project's files are this user's too, and one shipped in its ``.guidegen-cache/``
    (compiled code, the cffi module) would otherwise run (checked out 0644, 0755).
    Never where files have no owner to compare (Windows has no ``os.getuid``): there the
    caches that need this (fit hints, kept reference documents) are neither read nor
    written, and a build takes its slower way to the same bytes.
    """
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    others = stat.S_IRWXG | stat.S_IRWXO if private or kind == stat.S_IFREG \
        else stat.S_IWGRP | stat.S_IWOTH
    return (stat.S_IFMT(info.st_mode) == kind and info.st_uid == getuid()
            and not info.st_mode & others)


def kept(path: Path, limit: int) -> bytes | None:
    """Return the bytes of the cache file ``path``, if it is one to read.

    None unless only this user could have written it (:func:`trusted`), a build wrote it
    here (:func:`sealed`: its seal matches the file opened), it can be read and it holds
    at most ``limit`` bytes.
    """
    if not trusted(path):
        return None
    try:
        with path.open("rb") as file:
            info = os.fstat(file.fileno())
            if _seal_of(info) != _seal(path) or info.st_size > limit:
                return None
            # read(n) allocates n bytes first: the file's size (+1, to see it grew), not
            # the limit (64 MB for a font's subset: over a --memory-limit 64 helper's ceiling)
            data = file.read(info.st_size + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def sealed(path: Path) -> bool:
    """Return whether the cache file ``path`` is one a build wrote here (:func:`keep`).

    It must be :func:`trusted` and its seal (``<name>.seal`` beside it) must match it:
    the device, inode, change time and size it had when written. A clone, a copy or an
    unpacked archive makes new inodes and change times, which no one shipping the
    project can know, so a cache file it ships (even 0600, as under ``umask 077``) and
    the seal shipped with it never match, and what the file holds is made again, not run.
    """
    if not trusted(path):
        return False
    try:
        return _seal_of(path.lstat()) == _seal(path)
    except OSError:
        return False


_SEAL = ".seal"  # the seal's suffix (sealed)


def _seal_of(info: os.stat_result) -> bytes:
    """Return the seal of a file whose status is ``info``."""
    return f"{info.st_dev} {info.st_ino} {info.st_ctime_ns} {info.st_size}".encode()


def _seal(path: Path) -> bytes | None:
    """Return the seal kept for ``path``, if there is one to read."""
    seal = path.with_name(path.name + _SEAL)
    if not trusted(seal):
        return None
    try:
        with seal.open("rb") as file:
            return file.read(100)
    except OSError:
        return None


def keep(path: Path, data: bytes) -> bool:
    """Write ``data`` to the cache file ``path`` whole or not at all; return whether it was.

    Its folder is made for this user alone, and written only if only this user can. The
    file is sealed (:func:`sealed`) as it is once in place: sealed again while another
    process replaced it meanwhile, so the last seal written is the last file's.
    """
    folder = path.parent
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not trusted(folder, stat.S_IFDIR):
            return False
        _replace(path, data)
        seal = path.with_name(path.name + _SEAL)
        sealing = _seal_of(path.lstat())
        for _ in range(8):
            _replace(seal, sealing)
            now = _seal_of(path.lstat())
            if now == sealing:
                return True
            sealing = now
    return False


def drop_oldest(folder: Path, pattern: str, count: int, size: int | None = None) -> None:
    """Remove the files ``pattern`` matches in ``folder`` (and seals) but the last ``count``.

    ``pattern`` is ``BEGINNING*END``: the names that begin and end so. With ``size``,
    also those older than the last ones that hold ``size`` bytes together (the last one
    always stays): what a cache holds stays bounded however big its files.
    """
    # names compared, not globbed: a glob compiles a regular expression (one more for
    # each new process: speed/kept.py's save_compiled drops after it saved them) and
    # makes a Path of every name in the folder
    beginning, _, end = pattern.partition("*")
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries
                     if entry.name.startswith(beginning) and entry.name.endswith(end)
                     and len(entry.name) >= len(beginning) + len(end)]
    except OSError:
        return
    newest = sorted(((_written(folder / name), folder / name) for name in names),
                    reverse=True)
    last, held = 0, 0
    for last, (info, _) in enumerate(newest[:count], 1):
        held += info[1]
        if size is not None and held > size and last > 1:
            last -= 1
            break
    for _, old in newest[last:]:
        for path in (old, old.with_name(old.name + _SEAL)):
            with suppress(OSError):
                path.unlink()


def _written(path: Path) -> tuple[int, int]:
    """Return when ``path`` was last written and its size (0, 0 if it is gone)."""
    try:
        info = path.stat()
    except OSError:
        return 0, 0
    return info.st_mtime_ns, info.st_size


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (0600, as ``mkstemp`` makes its files)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    finally:
        with suppress(OSError):
            os.unlink(temporary)
