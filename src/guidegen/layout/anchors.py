"""A packet's anchors: each guide's own, and every anchor inside a guide namespaced by it.

Two guides of one packet may both have a "Conclusion" heading; prefixed by their guide's
anchor (``g2-section-1``) they stay two link targets.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..tree import Block, Contents, Section


def guide_anchor(index: int) -> str:
    """Return the anchor of the ``index``-th guide (from 0) of a packet."""
    return f"g{index + 1}"


def namespaced(found: tuple[Block, ...], prefix: str) -> tuple[Block, ...]:
    """Return ``found`` with every anchor inside prefixed by ``prefix-``."""
    return tuple(_namespaced(block, prefix) for block in found)


def _namespaced(block: Any, prefix: str) -> Any:
    changes: dict[str, Any] = {}
    if getattr(block, "anchor", ""):
        changes["anchor"] = f"{prefix}-{block.anchor}"
    if isinstance(block, Section):
        changes["children"] = namespaced(block.children, prefix)
    elif isinstance(block, Contents):
        changes["entries"] = tuple(dataclasses.replace(e, anchor=f"{prefix}-{e.anchor}")
                                   for e in block.entries)
    return dataclasses.replace(block, **changes) if changes else block


__all__ = ["guide_anchor", "namespaced"]
