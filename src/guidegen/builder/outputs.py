"""Writing outputs: atomically, all or nothing, and remembering what produced them.

:func:`write_files` writes every file to a temporary name in its own folder first,
then renames them into place, so a failure leaves existing files untouched and a
crash leaves no half-written output. :class:`BuildState` records, next to the
outputs, a hash of everything that went into each file, so an unchanged guide is not
rendered again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError, ResourceError
from ..version import __version__

STATE_FILE = ".guidegen-state.json"
TEMP_PREFIX = ".guidegen-"


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file atomically; on any failure leave all existing files untouched."""
    temporary: dict[Path, Path] = {}
    mode = 0o666 & ~_umask()
    target = Path()
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.",
                                            suffix=".tmp", dir=target.parent)
            temporary[target] = Path(name)
            os.fchmod(handle, mode)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for target, temp in temporary.items():
            os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for temp in temporary.values():
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)


def remove_stale_temporaries(folder: Path, names: Iterable[str] = ("",)) -> None:
    """Delete temporary files a killed build may have left in ``folder``.

    With ``names``, only those of these output files (builds sharing a folder, like
    roster shards, each clean up their own).
    """
    if folder.is_dir():
        for stale in (s for name in names for s in folder.glob(f"{TEMP_PREFIX}{name}*.tmp")):
            with contextlib.suppress(OSError):
                stale.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def digest(parts: Iterable[bytes | str]) -> str:
    """Return the SHA-256 of ``parts``, each length-prefixed so boundaries count."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def folder_digest(folders: Iterable[Path]) -> str:
    """Return a hash of every file (name and bytes) in the template folders."""
    parts: list[bytes | str] = [__version__]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            try:
                parts += [str(path.relative_to(folder)), path.read_bytes()]
            except OSError as exc:
                raise ResourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    return digest(parts)


@dataclass(frozen=True)
class Record:
    """What the state file remembers about one output file."""

    key: str
    sha256: str
    pages: int | None


class BuildState:
    """The inputs hash and output hash of every file written into one output folder."""

    def __init__(self, folder: Path, name: str = STATE_FILE) -> None:
        self.path = folder / name
        self.records: dict[str, Record] = {}
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            self.records = {name: Record(**entry) for name, entry in raw.items()}

    def fresh(self, target: Path, key: str) -> Record | None:
        """Return the record of ``target`` if it was built from ``key`` and is unmodified."""
        record = self.records.get(target.name)
        if record is None or record.key != key:
            return None
        try:
            data = target.read_bytes()
        except OSError:
            return None
        return record if hashlib.sha256(data).hexdigest() == record.sha256 else None

    def remember(self, target: Path, key: str, data: bytes, pages: int | None) -> None:
        """Record that ``target`` now holds ``data``, built from ``key``."""
        self.records[target.name] = Record(key, hashlib.sha256(data).hexdigest(), pages)

    def serialized(self) -> bytes:
        """Return the state as JSON bytes, stable for identical states."""
        raw = {name: vars(record) for name, record in sorted(self.records.items())}
        return (json.dumps(raw, indent=1, sort_keys=True) + "\n").encode("utf-8")
