"""The document tree: the one vocabulary every reader writes and every renderer reads.

It sits at the ground floor of the import order (tree → content → theme → layout →
renderers → builder): the Markdown reader emits its nodes, the layout builds whole
documents of them, and each renderer walks them. Like pandoc's AST: inline nodes
(:mod:`.inlines`), blocks (:mod:`.blocks`), a document with its metadata
(:mod:`.document`), and the closed set of roles a node may have (:mod:`.roles`). It
imports nothing of guidegen beyond :mod:`guidegen.errors` (a block's source location)
and :mod:`guidegen.common.language` (a document's language).
"""

from .blocks import (
    Block,
    Cell,
    Contents,
    ContentsEntry,
    Fields,
    Heading,
    Image,
    ListBlock,
    Orientation,
    Paragraph,
    Running,
    Section,
    Table,
    walk,
)
from .document import Document, Metadata, parts
from .inlines import Code, Emph, Inline, LineBreak, Link, Span, Strong, Text, plain_text
from .roles import ROLES, Role

__all__ = ["ROLES", "Block", "Cell", "Code", "Contents", "ContentsEntry",
           "Document", "Emph", "Fields", "Heading", "Image", "Inline", "LineBreak", "Link",
           "ListBlock", "Metadata", "Orientation", "Paragraph", "Role", "Running",
           "Section", "Span", "Strong", "Table", "Text", "parts", "plain_text", "walk"]
