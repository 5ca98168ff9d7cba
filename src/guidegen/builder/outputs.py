"""Writing outputs: only over regular files, one writer per folder, all or nothing.

:func:`write_files` writes every file to a temporary name in its own folder first
(``.guidegen-*.tmp``), then moves them into place. With several files, it first
records the moves in a journal (``.guidegen-commit.json``) in each folder written
into, naming that folder's files only, so that a process killed while moving leaves
journals that the next write into each folder (every build begins with one) finishes:
the folder holds either the old set of files or the new set, once guidegen has run
there again. The finisher trusts a journal no more than any input (it may have been
planted, or committed to a repository): it moves only a temporary file of guidegen's
name onto a plain name directly in its folder, over a regular file or nothing. Ctrl-C
while files are moved waits for the moves and then says so
(:class:`~guidegen.errors.Interrupted`).

Every writer holds :func:`~guidegen.builder.folderlock.locked` on the folder it writes
into (:mod:`.folderlock`, whose names this module re-exports).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, Interrupted, OutputError
from ..files import MIB, read_file
from .folderlock import LOCK_FILE, locked
from .limits import paused

TEMP_PREFIX = ".guidegen-"
JOURNAL = ".guidegen-commit.json"


def write_files(files: dict[Path, bytes], root: Path | None = None) -> None:
    """Write every file, all or nothing; leave all existing files untouched on failure.

    A target that exists must be a regular file: a device, a FIFO, a folder or a
    symlink is refused, never replaced. With ``root``, every target's folder must lie
    inside it, symlinks followed (:func:`refuse_outside`).
    """
    if not files:
        return
    for target in files:
        _refuse_irregular(target)
        if root is not None:
            refuse_outside(target.parent, root)
    folders = sorted({Path(os.path.abspath(t.parent)) for t in files}, key=lambda f: f.parts)
    with contextlib.ExitStack() as stack:
        for folder in folders:  # parents first, as every writer takes them
            stack.enter_context(locked(folder))
            finish_interrupted_write(folder)
        temporary = _write_temporaries(files)
        try:
            _commit(folders, temporary)
        finally:
            for temp in temporary.values():
                if not (temp.parent / JOURNAL).exists():  # else the next write finishes it
                    with contextlib.suppress(OSError):
                        temp.unlink(missing_ok=True)


def refuse_outside(folder: Path, root: Path) -> None:
    """Raise an :class:`OutputError` if ``folder`` is, or leads, outside ``root``.

    A folder that does not exist yet counts where it would be made.
    """
    from ..files import outside_root

    try:
        real = outside_root(folder, root)
    except (OSError, ValueError):  # a name the file system cannot hold
        real = folder
    if real is not None:
        how = "leads to" if os.path.abspath(real) != os.path.abspath(folder) else "is"
        raise OutputError(f"cannot write into {folder}: it {how} {real}, outside {root}; "
                          "guidegen writes only inside the folder it was given")


def _mkstemp(prefix: str, suffix: str, folder: Path) -> tuple[int, str]:
    """Return :func:`tempfile.mkstemp` in ``folder``, imported only when a build writes."""
    import tempfile

    return tempfile.mkstemp(suffix, prefix, folder)


def _refuse_irregular(target: Path) -> None:
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(mode):
        kind = "a symlink" if stat.S_ISLNK(mode) else "a folder" if stat.S_ISDIR(mode) \
            else "a device, FIFO or socket"
        raise OutputError(f"cannot write {target}: it is {kind}, and guidegen replaces only "
                          "regular files")


def _write_temporaries(files: dict[Path, bytes]) -> dict[Path, Path]:
    """Return the temporary file written (and synced) for each target."""
    temporary: dict[Path, Path] = {}
    mode = 0o666 & ~_umask()
    target = Path()
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = _mkstemp(f"{TEMP_PREFIX}{target.name}.", ".tmp", target.parent)
            temporary[target] = Path(name)
            os.fchmod(handle, mode)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException as exc:
        for temp in temporary.values():
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        raise
    return temporary


def _commit(folders: list[Path], temporary: dict[Path, Path]) -> None:
    """Move the temporary files into place, through journals when there are several.

    Each folder's journal names only that folder's files, by their plain names.
    """
    moves: dict[Path, list[tuple[str, str]]] = {folder: [] for folder in folders}
    for target, temp in temporary.items():
        moves[Path(os.path.abspath(target.parent))].append((temp.name, target.name))
    folder = folders[0]
    with interrupts_deferred("interrupted after the outputs were written"):
        try:
            if len(temporary) > 1:
                for folder, pairs in moves.items():
                    _write_journal(folder / JOURNAL, pairs)
            for folder, pairs in moves.items():
                _move(folder, pairs)
            for folder in moves:
                (folder / JOURNAL).unlink(missing_ok=True)
                _sync_folder(folder)
        except OSError as exc:
            raise OutputError(f"cannot move the outputs into place in {folder}: "
                              f"{exc.strerror or exc} (the next build into it finishes the "
                              "move)") from None


def _write_journal(journal: Path, moves: list[tuple[str, str]]) -> None:
    handle, name = _mkstemp(TEMP_PREFIX, ".tmp", journal.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(moves, stream)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(name, journal)
    _sync_folder(journal.parent)


def _move(folder: Path, moves: list[tuple[str, str]]) -> None:
    for temp, target in moves:
        if (folder / temp).exists():
            os.replace(folder / temp, folder / target)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system syncs folders
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def finish_interrupted_write(folder: Path) -> bool:
    """Finish the moves a killed write into ``folder`` recorded; return whether it did.

    The caller holds :func:`locked` on ``folder``. A journal that cannot be read is
    dropped (its temporary files are then stale, and removed by the next build).
    """
    journal = folder / JOURNAL
    if not os.path.lexists(journal):
        return False
    try:
        moves = json.loads(read_file(journal, MIB, root=folder, current=True))
        pairs = [(str(temp), str(target)) for temp, target in moves]
    except (InputError, ValueError, TypeError, RecursionError):
        pairs = []
    pairs = [(temp, target) for temp, target in pairs if _may_move(folder, temp, target)]
    with interrupts_deferred("interrupted after finishing the write an earlier, killed "
                             "build began"):
        try:
            _move(folder, pairs)
            journal.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot finish the write an earlier build began in {folder}: "
                              f"{exc.strerror or exc}") from None
    return bool(pairs)


def plain_name(name: str) -> bool:
    """Return whether ``name`` names a file directly in a folder: no separator, no ``..``."""
    return name not in ("", ".", "..") and not any(c in name for c in ("/", "\\", "\0"))


def _may_move(folder: Path, temp: str, target: str) -> bool:
    """Return whether a journal's move of ``temp`` onto ``target`` is one guidegen makes.

    That is: plain names in ``folder``, a temporary file of guidegen's name that is a
    regular file, and a target that is a regular file or absent.
    """
    if not (plain_name(temp) and plain_name(target) and temp.startswith(TEMP_PREFIX)
            and temp.endswith(".tmp")):
        return False
    try:
        if not stat.S_ISREG(os.lstat(folder / temp).st_mode):
            return False
        return stat.S_ISREG(os.lstat(folder / target).st_mode)
    except FileNotFoundError:
        return True  # the target is absent (or the move was made: _move skips it)
    except (OSError, ValueError):
        return False


def remove_stale_temporaries(folder: Path) -> None:
    """Delete the temporary files a killed write left in ``folder`` (whose lock is held).

    Outputs', state files', manifests' and journals' alike: under the lock every
    temporary file is stale (they exist only while their writer holds it).
    """
    if folder.is_dir():
        for stale in folder.glob(f"{TEMP_PREFIX}*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def interrupts_deferred(message: str) -> Iterator[None]:
    """Run the block whole: Ctrl-C waits until it is done, and the time limit pauses.

    A Ctrl-C that came meanwhile raises :class:`Interrupted` with ``message`` (what is
    true once the block has run) after it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    deferring = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if deferring:
        signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        with paused():
            yield
    finally:
        if deferring:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise Interrupted(message)


__all__ = ["JOURNAL", "LOCK_FILE", "TEMP_PREFIX", "finish_interrupted_write", "interrupts_deferred",
           "locked", "plain_name", "refuse_outside", "remove_stale_temporaries", "write_files"]
