"""The document layer: a validated guide becomes one tree that every renderer walks.

``layout_guide`` decides what a guide says and in what order (:mod:`.guide`); the tree's
node types are in :mod:`.tree`.
"""

from .guide import layout_guide
from .tree import Document

__all__ = ["Document", "layout_guide"]
