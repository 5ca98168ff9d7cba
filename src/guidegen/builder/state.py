"""What produced each output: the state file, and the hashes of a build's inputs.

:class:`BuildState` records, next to the outputs, a hash of everything that went into
each file, so an unchanged guide is not rendered again, and which build made it (its
*owner*: a guide file, a packet file, a packet file with a roster), so that no build
replaces another's file without saying so (:meth:`BuildState.taken`). A folder may hold
several state files (each shard of a roster keeps its own); owners are read from all of
them. The state file is an optimisation: one that cannot be read (too large, nested too
deeply, not JSON, not a regular file) is ignored with a warning, and every output is
rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Location, Problem, TemplateError, display_name, warn
from ..files import MAX_TEMPLATE_FILE, MIB, inside, read_file
from ..version import __version__

STATE_FILE = ".guidegen-state.json"
MAX_STATE = 8 * MIB  # thousands of outputs' records
MAX_OUTPUT = 512 * MIB  # an output larger than this is never taken as up to date
MAX_FOLDER_FILES = 2000  # files in one templates folder
MAX_FOLDER_BYTES = 64 * MIB  # bytes of all the files of one templates folder
MAX_FOLDER_DEPTH = 32  # folders inside each other in one templates folder


def input_bytes(path: Path, root: Path | None = None) -> bytes:
    """Return the bytes of guide or packet file ``path`` for a hash; empty if unreadable.

    Read like every input (:func:`~guidegen.files.read_file`, inside ``root``): the
    loader then says what is wrong with the file, with its name.
    """
    from ..common.yamlsource import MAX_BYTES

    try:
        return read_file(path, MAX_BYTES, root=root)
    except InputError:
        return b""


def digest(parts: Iterable[bytes | str]) -> str:
    """Return the SHA-256 of ``parts``, each length-prefixed so boundaries count."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def folder_digest(folders: Iterable[Path]) -> str:
    """Return a hash of every file (name and bytes) in the template folders.

    Every file is read by :func:`~guidegen.files.read_file`, so a templates folder may
    hold no FIFO, device or symlink out, no file over 16 MB, and at most
    :data:`MAX_FOLDER_FILES` files of :data:`MAX_FOLDER_BYTES` together.
    """
    parts: list[bytes | str] = [__version__]
    for folder in folders:
        total, files = 0, folder_files(folder)
        for path in files:
            data = read_file(path, MAX_TEMPLATE_FILE, root=folder, error=TemplateError)
            total += len(data)
            if total > MAX_FOLDER_BYTES:
                raise TemplateError(f"the files in {display_name(folder)} hold more than "
                                    f"{MAX_FOLDER_BYTES // MIB} MB together; a templates "
                                    "folder holds only templates, a theme and small images")
            parts += [str(path.relative_to(folder)), data]
    return digest(parts)


def folder_files(folder: Path) -> list[Path]:
    """Return every file under ``folder`` (symlinks to folders inside it are not followed).

    Walked without recursion, at most :data:`MAX_FOLDER_DEPTH` folders deep and over at
    most :data:`MAX_FOLDER_FILES` entries: a folder a thousand folders deep is refused,
    named, not a crash.
    """
    found: list[Path] = []
    entries = 0
    pending = [(folder, 0)]
    while pending:
        top, depth = pending.pop()
        try:
            with os.scandir(top) as listing:
                children = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            raise TemplateError.collect([Problem(Location(display_name(top)),
                                                 exc.strerror or str(exc))]) from None
        entries += len(children)
        if entries > MAX_FOLDER_FILES:
            raise TemplateError(f"{display_name(folder)} holds more than "
                                f"{MAX_FOLDER_FILES:,} files and folders; is it the right "
                                "templates folder?")
        for entry in children:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False):
                if depth + 1 > MAX_FOLDER_DEPTH:
                    raise TemplateError.collect([Problem(Location(display_name(path)), (
                        f"folders nested more than {MAX_FOLDER_DEPTH} deep in a templates "
                        "folder"))])
                pending.append((path, depth + 1))
            elif not entry.is_symlink() or not os.path.isdir(path) or not inside(path, folder):
                found.append(path)  # a file; read_file names a symlink out
    return sorted(found)


@dataclass(frozen=True)
class Record:
    """What the state file remembers about one output file."""

    key: str
    sha256: str
    pages: int | None
    owner: str = ""  # the build that made it ("": one from before owners were recorded)


class BuildState:
    """The inputs hash and output hash of every file written into one output folder."""

    def __init__(self, folder: Path, name: str = STATE_FILE) -> None:
        self.path = folder / name
        self.records: dict[str, Record] = {}
        self.new: dict[str, Record] = {}  # what this build remembered
        self.forgotten: set[str] = set()  # outputs this build removes (--clean)
        self._others: list[dict[str, Record]] | None = None  # the folder's other state files
        if os.path.lexists(self.path):
            self.records = self._read()

    def merge_latest(self) -> None:
        """Take the state file's records as they are now, with this build's over them.

        Builds into one folder run side by side and take turns to write (the caller
        holds the folder's lock): none loses what another wrote meanwhile.
        """
        latest = self._read() if os.path.lexists(self.path) else {}
        self.records = {name: record for name, record in {**latest, **self.new}.items()
                        if name not in self.forgotten}

    def forget(self, name: str) -> None:
        """Drop the record of output ``name``: this build removes the file (``--clean``)."""
        self.records.pop(name, None)
        self.forgotten.add(name)

    @property
    def emptied(self) -> bool:
        """Return whether this build removes every output the state recorded (``--clean``)."""
        return bool(self.forgotten) and not self.records

    def taken(self, target: Path, owner: str) -> str | None:
        """Return the build that made ``target``, if it exists and another build made it.

        The records of every state file in the folder count (each shard keeps its own).
        """
        if not os.path.lexists(target):
            return None
        records = [self.records, *(_parse_quietly(other) for other in
                                   state_files(self.path.parent) if other != self.path)]
        made_by = next((found.owner for found in (r.get(target.name) for r in records)
                        if found is not None and found.owner), "")
        return made_by if made_by and made_by != owner else None

    def _read(self) -> dict[str, Record]:
        """Return the records of the state file, or none (with a warning) if unreadable."""
        try:
            raw = _parse(read_file(self.path, MAX_STATE, root=self.path.parent, current=True))
        except InputError as exc:
            problem = exc.problems[0].message if exc.problems else exc.message
        except (ValueError, TypeError, RecursionError) as exc:
            problem = f"not a state file guidegen wrote ({type(exc).__name__})"
        else:
            return raw
        warn(Location(display_name(self.path)), f"{problem}; ignored, so every output is "
             "rendered again")
        return {}

    def fresh(self, target: Path, key: str) -> Record | None:
        """Return the record of ``target`` if it was built from ``key`` and is unmodified."""
        record = self.records.get(target.name)
        if record is None or record.key != key:
            return None
        return record if _unmodified(target, record) else None

    def reuse(self, targets: Iterable[Path], key: str, owner: str) -> bool:
        """Return whether the folder's other state files keep every one of ``targets``.

        Each built from ``key`` by ``owner``, unmodified; this state then keeps them too.

        The shards of a roster and the roster built whole are one build (one owner) with a
        state file each: a recipient's files one of them wrote are up to date for the others.
        """
        if self._others is None:
            self._others = [_parse_quietly(other) for other in state_files(self.path.parent)
                            if other != self.path]
        kept = {}
        for target in targets:
            record = next((record for record in (others.get(target.name) for others in
                                                 self._others)
                           if record is not None and record.key == key
                           and record.owner == owner and _unmodified(target, record)), None)
            if record is None:
                return False
            kept[target.name] = record
        self.records |= kept
        self.new |= kept
        return True

    def remember(self, target: Path, key: str, data: bytes, pages: int | None,
                 owner: str) -> None:
        """Record that ``target`` now holds ``data``, built from ``key`` by ``owner``."""
        record = Record(key, hashlib.sha256(data).hexdigest(), pages, owner)
        self.records[target.name] = self.new[target.name] = record

    def serialized(self) -> bytes:
        """Return the state as JSON bytes, stable for identical states."""
        raw = {name: vars(record) for name, record in sorted(self.records.items())}
        return (json.dumps(raw, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _unmodified(target: Path, record: Record) -> bool:
    """Return whether ``target`` holds the bytes ``record`` says (by their SHA-256)."""
    try:
        data = read_file(target, MAX_OUTPUT, root=target.parent, current=True)
    except InputError:
        return False
    return hashlib.sha256(data).hexdigest() == record.sha256


def state_files(folder: Path) -> list[Path]:
    """Return the state files of output folder ``folder`` (each shard of a roster keeps one)."""
    return sorted(folder.glob(f"{STATE_FILE.removesuffix('.json')}*.json"))


def _parse(data: bytes) -> dict[str, Record]:
    """Return the records of state file ``data``; raise ValueError if it is not one."""
    raw: Any = json.loads(data.decode("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("not a mapping")
    records = {}
    for name, entry in raw.items():
        if not isinstance(entry, dict) or set(entry) - {"owner"} != {"key", "sha256", "pages"} \
                or not all(isinstance(entry.get(k, ""), str) for k in ("key", "sha256", "owner")) \
                or not isinstance(entry["pages"], int | None):
            raise ValueError(f"bad record {name!r}")
        records[name] = Record(**entry)
    return records


def _parse_quietly(path: Path) -> dict[str, Record]:
    """Return the records of the state file at ``path``, or none if it cannot be read."""
    try:
        return _parse(read_file(path, MAX_STATE, root=path.parent, current=True))
    except (InputError, ValueError, TypeError, RecursionError):
        return {}
