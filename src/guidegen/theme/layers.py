"""A file of the templates read from every templates folder, each layer over the last.

``theme.yaml`` and ``styles.yaml`` are read this way: the built-in file first, then the
user's, whose keys override it key by key (mappings merge, anything else replaces).
Errors point into whichever file said the value.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..common.yamlsource import SourceMap, load_yaml
from ..errors import ContentError, Problem, ResourceError, ThemeError


def load_layers(folders: Sequence[Path], name: str, what: str
                ) -> tuple[dict[str, Any], SourceMap]:
    """Return the file ``name`` of ``folders`` merged (the first folder wins), and its places.

    ``what`` says what the file's mapping holds, for the error when it holds something else.
    """
    data: dict[str, Any] = {}
    merged: SourceMap | None = None
    for folder in reversed(folders):  # lowest priority first, each layer over the last
        path = folder / name
        if not os.path.lexists(path):
            continue
        layer, source = read_layer(path, folder, what)
        data = merge(data, layer)
        merged = source if merged is None else merge_sources(merged, source)
    if merged is None:
        raise ResourceError(f"no {name} in {', '.join(map(str, folders))}")
    return data, merged


def read_layer(path: Path, folder: Path, what: str) -> tuple[dict[str, Any], SourceMap]:
    """Return one layer (a mapping) and its places; a located error if it is none."""
    try:
        layer, source = load_yaml(path, root=folder)
    except ContentError as exc:
        raise ThemeError.collect(exc.problems) from None
    if not isinstance(layer, dict):
        raise ThemeError.collect([Problem(source.locate(()), f"{path.name} must be a "
                                          f"mapping of {what}")])
    return layer, source


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``override`` over it: mappings merge, anything else replaces."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def merge_sources(base: SourceMap, override: SourceMap) -> SourceMap:
    """Return the places of a merged file: each value where the layer that won said it."""
    merged = SourceMap(override.file)
    merged.values = {**base.values, **override.values}
    merged.keys = {**base.keys, **override.keys}
    merged.problems = [*base.problems, *override.problems]
    return merged
