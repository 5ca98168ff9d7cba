"""A speed trick owned here: what pydantic validated, kept in the cache folder and loaded.

Every model class is built lazily (``defer_build`` in :class:`~.models.Model`): pydantic
makes a class's schema, validator and serializer when it first validates or dumps one,
not when the class is declared. Making them is most of what validating costs a new
process: the guide's, the theme's, the style sheet's, a catalogue's and the labels'
(41 ms of the main process's CPU before a build hands the PDF helper its HTML). So what
a model validated is kept (:mod:`.remember`) and the next process that validates the
same data with the same code loads it instead: no schema is made, and the rest of the
build dumps models with :func:`plain`, which needs none either.

Keyed by the model, the data as read (its pickle: types and values) and the code
(:func:`.remember.code`, with pydantic's and pydantic-core's versions). Only data that
validated is kept: data that does not is validated every time, so every error is found,
located and worded as before.
"""

from __future__ import annotations

import pickle
from typing import Any, TypeVar

from pydantic import BaseModel

from .remember import code, digest, file_of, recall, remember

M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any, name: str) -> M:
    """Return ``model.model_validate(data)``, kept for the next process that asks the same.

    ``name`` (where the data comes from: a file) names the kept file; it is not part of
    the key. Raises what validating raises; nothing is kept then.
    """
    path = file_of("validated", f"{model.__qualname__} {name}")
    if path is None:  # no project to keep it in (guidegen.caches.project_cache)
        return model.model_validate(data)
    try:
        key = _key(model, data)
    except Exception:  # data pickle cannot write (none YAML gives): validated as usual
        return model.model_validate(data)
    found = recall(path, key)
    if type(found) is model:
        return found
    result = model.model_validate(data)
    remember(path, key, result)
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


def _key(model: type[BaseModel], data: Any) -> str:
    """Return the key of ``model`` validating ``data``: everything that makes the result."""
    import pydantic
    import pydantic_core

    return digest(f"{model.__module__}.{model.__qualname__}", code(), pydantic.VERSION,
                  pydantic_core.__version__, pickle.dumps(data, protocol=5))
