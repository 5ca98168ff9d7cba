"""The edits a reviewed DOCX makes to a guide, written into its YAML text.

Each :class:`Edit` sets a value, deletes one, or inserts a list item, at a path of the
guide; where it came from in the DOCX goes with it, for messages. Two edits that set one
value differently (a subject's short name changed one way in its heading, another in a
matrix) are reported and neither is written. A value the file does not have yet (a row's
note, a comparisons heading that was the default) is added where the guide's model puts
that key among its neighbours, the README's order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from ...common.yamlsource import format_path
from ...content import model
from ...errors import Location, warn
from ..yamltext import Path_
from .yamledit import YamlEdits

Action = Literal["set", "delete", "insert"]


@dataclass(frozen=True)
class Edit:
    """An edit of the guide at ``path``, and ``where`` in the DOCX it was made.

    ``set`` it to ``value``, ``delete`` it, or ``insert`` ``value`` into the list at
    ``path`` before its old item ``index``.
    """

    action: Action
    path: Path_
    value: Any = None
    index: int = 0
    where: Location | None = None



def write(edits: Sequence[Edit], yaml: YamlEdits, file: str) -> int:
    """Put ``edits`` into ``yaml``; return how many were put (conflicting ones are not)."""
    sets: dict[Path_, list[Edit]] = {}
    for edit in edits:
        if edit.action == "set":
            sets.setdefault(edit.path, []).append(edit)
    count = 0
    for path, found in sets.items():
        values = {repr(edit.value): edit for edit in found}
        if len(values) > 1:
            said = " or ".join(repr(str(edit.value)) for edit in values.values())
            for edit in found:
                warn(edit.where or Location(file), f"{format_path(path)} would become {said}: "
                     "the places it is shown were edited differently, so it is left as it "
                     "was", format_path(path))
            continue
        _set(yaml, path, found[0].value)
        count += 1
    for edit in edits:
        if edit.action == "delete" and yaml.has(edit.path):
            yaml.delete(edit.path)
            count += 1
        elif edit.action == "insert":
            yaml.insert(edit.path, edit.index, edit.value)
            count += 1
    return count


def _set(yaml: YamlEdits, path: Path_, value: Any) -> None:
    if yaml.has(path):
        yaml.put(path, value)
        return
    parent = path[:-1]
    if not yaml.has(parent):
        raise KeyError(format_path(parent))
    yaml.add(parent, str(path[-1]), value, after=keys_before(parent, str(path[-1])))


def keys_before(path: Path_, key: str) -> tuple[str, ...]:
    """Return the keys the guide's model puts before ``key`` in the mapping at ``path``."""
    found = _model_at(path)
    if found is None:
        return ()
    names = list(found.model_fields)
    return tuple(names[:names.index(key)]) if key in names else tuple(names)


def _model_at(path: Path_) -> type[BaseModel] | None:
    """Return the model of the mapping at ``path`` of a guide (a matrix for a comparison)."""
    shape: tuple[str | type, ...] = tuple(type(p) if isinstance(p, int) else p for p in path)
    known: dict[tuple[str | type, ...], type[BaseModel]] = {
        (): model.Guide, ("guide",): model.GuideInfo,
        ("guide", "document"): model.ControlledDocument, ("subjects", int): model.Subject,
        ("subjects", int, "groups", int): model.Group, ("comparisons", int): model.Matrix,
        ("comparisons", int, "rows", int): model.MatrixRow, ("sections", int): model.Section}
    return known.get(shape)


__all__ = ["Action", "Edit", "keys_before", "write"]
