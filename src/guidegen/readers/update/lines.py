"""A Word paragraph as ``import --update`` compares it: its list place and its formatted text.

The guide's side (the document tree, :mod:`.expected`) and the reviewed DOCX's side
(:mod:`.found`) are both brought to :class:`Line` s, one per Word paragraph: whether it
is a list item (numbered or not, how deep) and its text in pieces of one formatting
each (bold, italic, code, a link's address). Nesting is left out, so ``***both***``
compares equal however each side nests it; the roles of spans (a label's or a mark's
look) are left out too, as they are the style sheet's and no reviewer's edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...tree import Code, Inline, LineBreak, Link, Span, Strong, Text, plain_text

Piece = tuple[str, frozenset[str]]
Place = tuple[bool, int]  # a list item: numbered?, how deep (0: outermost)


@dataclass(frozen=True)
class Line:
    """One Word paragraph: its place in a list (None: not in one) and its pieces of text."""

    place: Place | None
    pieces: tuple[Piece, ...]

    @property
    def text(self) -> str:
        """Return the paragraph's text without formatting (a line break as a newline)."""
        return "".join(text for text, _ in self.pieces)

    def same_text(self, other: Line) -> bool:
        """Return whether ``other`` says the same words, whatever their formatting.

        Where a word may break (the layout's soft hyphens, which Word's reader drops) is
        formatting too.
        """
        return _words(self.text) == _words(other.text)


def _words(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def pieces(nodes: Sequence[Inline]) -> tuple[Piece, ...]:
    """Return inline ``nodes`` as pieces of text, each with its formatting, neighbours joined."""
    found: list[Piece] = []
    _flatten(nodes, frozenset(), found)
    joined: list[Piece] = []
    for text, formats in found:
        if joined and joined[-1][1] == formats:
            joined[-1] = (joined[-1][0] + text, formats)
        elif text:
            joined.append((text, formats))
    return tuple(joined)


def _flatten(nodes: Sequence[Inline], formats: frozenset[str], found: list[Piece]) -> None:
    for node in nodes:
        if isinstance(node, Text):
            found.append((node.text, formats if node.text.strip() else _spaces(formats)))
        elif isinstance(node, Code):
            found.append((node.text, formats | {"code"}))
        elif isinstance(node, LineBreak):
            found.append(("\n", frozenset()))
        elif isinstance(node, Link):
            _flatten(node.children, formats | {f"link {node.href}"}, found)
        elif isinstance(node, Span):
            _flatten(node.children, formats, found)
        else:
            _flatten(node.children, formats | {"strong" if isinstance(node, Strong)
                                               else "emph"}, found)


def _spaces(formats: frozenset[str]) -> frozenset[str]:
    """Return the formatting spaces keep: a link's (bold and italic spaces are not seen)."""
    return frozenset(f for f in formats if f.startswith("link "))


def text_of(nodes: Sequence[Inline]) -> str:
    """Return the plain text of inline ``nodes``."""
    return plain_text(tuple(nodes))


__all__ = ["Line", "Piece", "Place", "pieces", "text_of"]
