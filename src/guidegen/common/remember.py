"""What a build worked out from its inputs, kept in the cache folder for the next one.

The store of two speed tricks (what pydantic validated: :mod:`.validated`; what a YAML
file parses to: :func:`.yamlsource.parse_yaml`): a result is pickled under a key that
holds everything that made it, and loaded by the next process that asks with the same
key. Every key holds :func:`code`: this format, Python's version and the files (size,
time) of guidegen's modules and of the libraries the results depend on (PyYAML,
pydantic, pydantic-core, markdown-it, linkify-it), so a guidegen edited or another
library asks another key, never a stale result. A kept file (one per kind and name,
holding its key) is read only where a build wrote it (:func:`guidegen.caches.kept`), up
to :data:`_MAX` bytes, if it begins with the SHA-256 of the rest, and it names no class
but guidegen's and :mod:`datetime`'s; anything else is worked out the usual way. Of each
kind the last :data:`_KEEP` written are kept, at most :data:`_BYTES` of them (dropped now
and then: :data:`_EVERY`). Nothing
here imports pydantic (the project file is parsed before it is imported).
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import importlib.util
import io
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Any

from ..caches import drop_oldest, keep, kept, project_cache

_FORMAT = 1  # of what is kept; raised when it changes
_MAX = 4 << 20  # bytes read at most (the default guide's: ~20 kB)
# kept of each kind, the last written (a file per source: a build of this checkout's
# guides and packets writes 12 parses and 14 models, 220 kB, and they were never dropped:
# every guide ever checked, every test's folder); and at most this many bytes of them
_KEEP, _BYTES = 512, 32 << 20
# dropped when a process keeps its first new file of a kind and after each _EVERY more
# (so the bound is _KEEP and _EVERY - 1 a process; a file written again, as a guide
# edited is, adds none): dropping lists the folder and reads each file's time, 7-15 ms
# of CPU with 1024 kept (load 1.5-7), more than the default build's 26 writes take
_EVERY = 64
_WRITTEN: dict[str, int] = {}  # new files this process kept, by kind
_PACKAGE = Path(__file__).resolve().parent.parent  # guidegen's modules
_LIBRARIES = ("yaml", "pydantic", "pydantic_core", "markdown_it", "linkify_it")


def digest(*parts: str | bytes) -> str:
    """Return the SHA-256 (hex) of ``parts``, each ended apart."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        sha.update(b"\0")
    return sha.hexdigest()


@cache
def code() -> str:
    """Return the digest of the code that works results out: files with size and time."""
    stats = [f"{_FORMAT} {sys.version}"]
    for folder, _, files in sorted(os.walk(_PACKAGE)):
        stats += [_stat(os.path.join(folder, name)) for name in sorted(files)
                  if name.endswith(".py")]
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)  # found, not imported
        origin = spec.origin if spec is not None else None
        stats.append(f"{library} {_stat(origin) if origin else 'absent'}")
    return digest(*stats)


def _stat(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} gone"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


def file_of(kind: str, name: str) -> Path | None:
    """Return the cache file that keeps the result of ``kind`` for ``name`` (a source).

    None where no project is named (:func:`guidegen.caches.project_cache`): nothing kept.
    """
    folder = project_cache()
    return None if folder is None else folder / f"{kind}-{digest(kind, name)[:24]}.pickle"


def recall(path: Path | None, key: str, limit: int | None = None,
           held: tuple[str, ...] = ()) -> Any | None:
    """Return the result kept at ``path`` under ``key``, if there is one to load.

    At most ``limit`` bytes are read (None: :data:`_MAX`); ``held`` names more modules
    whose dataclasses and enums a result may hold.
    """
    blob = None if path is None else kept(path, _MAX if limit is None else limit)
    if blob is None or len(blob) < 64 \
            or blob[:64] != hashlib.sha256(blob[64:]).hexdigest().encode("ascii"):
        return None
    try:
        stored, result = _Unpickler(io.BytesIO(blob[64:]), held).load()
    except Exception:  # damaged, or names what is not kept here: worked out as usual
        return None
    return result if stored == key else None


Bound = tuple[int, int, int]  # files of a kind kept, their bytes, dropped after how many new


def remember(path: Path | None, key: str, result: Any, limit: int | None = None,
             bound: Bound | None = None) -> bool:
    """Keep ``result`` at ``path`` under ``key``; drop the oldest of its kind past ``bound``.

    Return whether it was kept: not if pickle cannot write it, nor if it is larger than
    :func:`recall` reads (``limit``: it would be written at every build and never read).
    ``bound``: the last files of the kind kept and at most their bytes, dropped when this
    process keeps its first new file of the kind and after each so many more (None:
    :data:`_KEEP`, :data:`_BYTES`, :data:`_EVERY`).
    """
    if path is None:
        return False
    try:
        body = pickle.dumps((key, result), protocol=5)
    except Exception:
        return False
    if 64 + len(body) > (_MAX if limit is None else limit):
        return False
    new = not os.path.lexists(path)  # (a file written again adds none: nothing dropped)
    if not keep(path, hashlib.sha256(body).hexdigest().encode("ascii") + body):
        return False
    kind = path.name.rpartition("-")[0]  # (file_of's name)
    written = _WRITTEN[kind] = _WRITTEN.get(kind, 0) + new
    count, size, every = bound or (_KEEP, _BYTES, _EVERY)
    if new and (written % every == 1 or every == 1):
        drop_oldest(path.parent, f"{kind}-*.pickle", count, size)
    return True


_DATETIME = {"date": datetime.date, "datetime": datetime.datetime, "time": datetime.time,
             "timedelta": datetime.timedelta, "timezone": datetime.timezone}


# the packages whose classes a result holds (models, enums, document-tree nodes, a YAML
# file's places and problems); any other class of guidegen may run something when made
# or used (a module's stand-in in renderers.speed imports whatever module it names), so
# it is never made from a file
_HELD = ("guidegen.common.", "guidegen.content.", "guidegen.theme.", "guidegen.tree.",
         "guidegen.errors")


def _held(found: Any) -> bool:
    """Return whether ``found`` is a class a result may hold: a model, enum or dataclass.

    Or text (a YAML flag is ``str`` kept as written); pydantic's models only where
    pydantic is imported (a model's class is, when its module is).
    """
    if not isinstance(found, type):
        return False
    pydantic = sys.modules.get("pydantic")
    model = getattr(pydantic, "BaseModel", None) if pydantic is not None else None
    return (issubclass(found, (enum.Enum, str)) or dataclasses.is_dataclass(found)
            or (model is not None and issubclass(found, model)))


class _Unpickler(pickle.Unpickler):
    """Loads nothing but the classes results hold (models, enums, tree nodes) and dates."""

    def __init__(self, file: io.BytesIO, held: tuple[str, ...] = ()) -> None:
        super().__init__(file)
        self._also = held  # modules named exactly whose dataclasses and enums are loaded too

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _DATETIME:
            return _DATETIME[name]
        found = getattr(sys.modules.get(module), name, None)
        if (module == "guidegen.errors" or module.startswith(_HELD) or module in self._also) \
                and _held(found) \
                and found.__module__ == module:
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not kept here")
