"""How :mod:`.yamledit` checks its result.

The edited file, read back, must read as the old data with the edits applied: each
scalar's text, and whether it is written plain (``yes`` is a mark, ``"yes"`` a text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..yamltext import Plain, plain_ok


@dataclass(frozen=True)
class Scalar:
    """A scalar as compared after editing: its text, and whether it is written plain.

    ``plain`` None: a text just written, which may be plain or quoted (its trailing
    line break, which a block scalar adds, does not count).
    """

    value: str | None
    plain: bool | None


def tagged(node: yaml.Node | None) -> Any:
    """Return the data of ``node`` with each scalar a :class:`Scalar` (its text, plain?)."""
    if isinstance(node, yaml.MappingNode):
        return {key.value: tagged(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [tagged(item) for item in node.value]
    if isinstance(node, yaml.ScalarNode):
        return Scalar(node.value, not node.style)
    return None


def written(value: Any) -> Any:
    """Return a value being written as :func:`tagged` should read it back."""
    if isinstance(value, dict):
        return {key: written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [written(item) for item in value]
    return Scalar(str(value), True if isinstance(value, Plain) else None)


def same(after: Any, expected: Any) -> bool:
    """Return whether ``after`` reads as ``expected`` (see :class:`Scalar`)."""
    if isinstance(expected, dict):
        return isinstance(after, dict) and list(after) == list(expected) and all(
            same(after[key], value) for key, value in expected.items())
    if isinstance(expected, list):
        return isinstance(after, list) and len(after) == len(expected) and all(
            same(a, e) for a, e in zip(after, expected, strict=True))
    if isinstance(expected, Scalar) and isinstance(after, Scalar):
        if expected.plain is None:  # a text: never a plain word YAML reads as something else
            return (after.value or "").rstrip("\n") == (expected.value or "").rstrip("\n") \
                and not (after.plain and not plain_ok(after.value or ""))
        return after == expected
    return bool(after == expected)


__all__ = ["Scalar", "same", "tagged", "written"]
