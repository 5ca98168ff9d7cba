"""A speed trick owned here: what pydantic validated, kept in the cache folder and loaded.

Every model class is built lazily (``defer_build`` in :class:`~.models.Model`): pydantic
makes a class's schema, validator and serializer when it first validates or dumps one,
not when the class is declared. Making them is most of what validating costs a new
process: the guide's, the theme's, the style sheet's, a catalogue's and the labels'
(41 ms of the main process's CPU before a build hands the PDF helper its HTML). So what
a model validated is kept (pickled) here, and the next process that validates the same
data with the same code loads it instead: no schema is made, and the rest of the build
dumps models with :func:`plain`, which needs none either.

Keyed by everything that makes the result (:func:`_key`): the model, the data as read
(its pickle: types and values), this format, Python's version, pydantic's and
pydantic-core's versions, and the files (size, time) of guidegen's modules and of the
libraries validators call (pydantic, pydantic-core, markdown-it, linkify-it): a changed
value, a guidegen edited or another library reads another key, never a stale result.
Only data that validated is kept: data that does not is validated every time, so every
error is found, located and worded as before. The file (one per model and source file,
holding its key) is read only where a build wrote it (:func:`guidegen.caches.kept`), up
to :data:`_MAX` bytes, if it begins with the SHA-256 of the rest, and it names no class
but :mod:`datetime`'s and those a result holds (guidegen's models, enums and dataclasses
of the content, theme and document tree); anything else is validated the usual way.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import importlib.util
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from ..caches import cache_folder, keep, kept

M = TypeVar("M", bound=BaseModel)
_FORMAT = 1  # of what is kept; raised when it changes
_MAX = 4 << 20  # bytes read at most (the default guide's: ~20 kB)
_PACKAGE = Path(__file__).resolve().parent.parent  # guidegen's modules
_LIBRARIES = ("pydantic", "pydantic_core", "markdown_it", "linkify_it")


def validated(model: type[M], data: Any, name: str) -> M:
    """Return ``model.model_validate(data)``, kept for the next process that asks the same.

    ``name`` (where the data comes from: a file) names the kept file; it is not part of
    the key. Raises what validating raises; nothing is kept then.
    """
    try:
        key = _key(model, data)
    except Exception:  # data pickle cannot write (none YAML gives): validated as usual
        return model.model_validate(data)
    path = cache_folder() / f"validated-{_digest(model.__qualname__, name)[:24]}.pickle"
    found = _read(path, key, model)
    if found is not None:
        return found
    result = model.model_validate(data)
    _write(path, key, result)
    return result


def plain(value: Any, exclude_none: bool = False) -> Any:
    """Return ``value`` as pydantic's ``model_dump()`` gives a model of plain values.

    Each model as a mapping of its fields in their order (those declared ``exclude``
    left out; with ``exclude_none``, those that are None), tuples, lists and mappings
    walked, anything else as it is. Without a serializer, so a model never dumped by
    pydantic need not be built (see the module's comment); a test holds it equal to
    ``model_dump()`` for every theme, style sheet and catalogue.
    """
    if isinstance(value, BaseModel):
        out = {}
        for field, info in type(value).model_fields.items():
            if info.exclude:
                continue
            item = plain(getattr(value, field), exclude_none)
            if item is not None or not exclude_none:
                out[field] = item
        return out
    if isinstance(value, tuple):
        return tuple(plain(item, exclude_none) for item in value)
    if isinstance(value, list):
        return [plain(item, exclude_none) for item in value]
    if isinstance(value, dict):
        return {key: plain(item, exclude_none) for key, item in value.items()}
    return value


def _digest(*parts: str | bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        sha.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        sha.update(b"\0")
    return sha.hexdigest()


def _key(model: type[BaseModel], data: Any) -> str:
    """Return the key of ``model`` validating ``data``: everything that makes the result."""
    return _digest(f"{model.__module__}.{model.__qualname__}", _code(),
                   pickle.dumps(data, protocol=5))


@cache
def _code() -> str:
    """Return the digest of the code validating: versions, and files with size and time."""
    import pydantic
    import pydantic_core

    stats = [f"{_FORMAT} {sys.version} {pydantic.VERSION} {pydantic_core.__version__}"]
    for folder, _, files in sorted(os.walk(_PACKAGE)):
        stats += [_stat(os.path.join(folder, name)) for name in sorted(files)
                  if name.endswith(".py")]
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)  # found, not imported
        origin = spec.origin if spec is not None else None
        stats.append(f"{library} {_stat(origin) if origin else 'absent'}")
    return _digest(*stats)


def _stat(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path} gone"
    return f"{path} {info.st_size} {info.st_mtime_ns}"


def _read(path: Path, key: str, model: type[M]) -> M | None:
    """Return the result kept at ``path`` under ``key``, if it is one to load."""
    blob = kept(path, _MAX)
    if blob is None or len(blob) < 64 or blob[:64] != hashlib.sha256(blob[64:]).hexdigest() \
            .encode("ascii"):
        return None
    try:
        stored, result = _Unpickler(blob[64:]).load()
    except Exception:  # damaged, or names what is not kept here: validated as usual
        return None
    return result if stored == key and type(result) is model else None


def _write(path: Path, key: str, result: BaseModel) -> None:
    try:
        body = pickle.dumps((key, result), protocol=5)
    except Exception:  # something in it pickle cannot write: not kept
        return
    keep(path, hashlib.sha256(body).hexdigest().encode("ascii") + body)


_DATETIME = {"date": datetime.date, "datetime": datetime.datetime, "time": datetime.time,
             "timedelta": datetime.timedelta, "timezone": datetime.timezone}


# the packages whose classes a result holds (models, enums, document-tree nodes); any
# other class of guidegen may run something when made or used (a module's stand-in in
# renderers.speed imports whatever module it names), so it is never made from a file
_HELD = ("guidegen.common.", "guidegen.content.", "guidegen.theme.", "guidegen.tree.")


def _held(found: Any) -> bool:
    """Return whether ``found`` is a class a result may hold: a model, enum or dataclass."""
    return isinstance(found, type) and (issubclass(found, (BaseModel, enum.Enum))
                                        or dataclasses.is_dataclass(found))


class _Unpickler(pickle.Unpickler):
    """Loads nothing but the classes results hold (models, enums, tree nodes) and dates."""

    def __init__(self, blob: bytes) -> None:
        import io

        super().__init__(io.BytesIO(blob))

    def find_class(self, module: str, name: str) -> Any:
        if module == "datetime" and name in _DATETIME:
            return _DATETIME[name]
        found = getattr(sys.modules.get(module), name, None)
        if module.startswith(_HELD) and _held(found) and found.__module__ == module:
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not kept here")
