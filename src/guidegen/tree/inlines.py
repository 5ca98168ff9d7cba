"""Inline content: text and the marks on it, as the Markdown reader and the layout make it.

These are pandoc's inlines as far as a guide needs them: literal text, inline code,
hard line breaks, strong emphasis, emphasis, links, and :class:`Span`, inline content
with a role (a label, a mark and its symbol). Every node is a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass

from .roles import SpanRole


@dataclass(frozen=True)
class Text:
    """Literal text."""

    text: str


@dataclass(frozen=True)
class Code:
    """Inline code, set in a monospace font."""

    text: str


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True)
class Strong:
    """Strong emphasis (bold)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Emph:
    """Emphasis (italic)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    """A hyperlink to an absolute ``http``, ``https`` or ``mailto`` address."""

    href: str
    children: tuple[Inline, ...]

    @property
    def shows_address(self) -> bool:
        """Return whether the link's text is its address ("https://…", "qa@example.org").

        Such text prints as it is: never hyphenated, broken only after a ``/`` of its path.
        """
        return len(self.children) == 1 and isinstance(self.children[0], Text) and \
            self.children[0].text in (self.href, self.href.removeprefix("mailto:"))


@dataclass(frozen=True)
class Span:
    """Inline content with a role (``label``, ``who``, ``mark-yes``, ``symbol``)."""

    role: SpanRole
    children: tuple[Inline, ...]


Inline = Text | Code | LineBreak | Strong | Emph | Link | Span


def plain_text(inlines: tuple[Inline, ...], line_break: str = " ") -> str:
    """Return the text of ``inlines`` without markup (a line break becomes ``line_break``)."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(line_break)
        else:
            parts.append(plain_text(node.children, line_break))
    return "".join(parts)
