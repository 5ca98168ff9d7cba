"""Inline runs written into a python-docx paragraph, styled by their nesting.

The character style of each span and link comes from the style sheet (``styles.yaml``);
what the spans around a run set and its own style does not is written on the run, as CSS
would inherit it. Part of :class:`~guidegen.renderers.docx.blocks.BlockWriter`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from docx.shared import RGBColor

from ...common.characters import wide
from ...theme.resolve import SpanLook, Styles
from ...tree import Code, Emph, Inline, LineBreak, Link, Span, Strong, Text, plain_text
from ...tree.keys import key_bookmark_name
from . import oxml

_INLINE_ROLES = {Strong: "strong", Emph: "emph", Code: "code", Link: "link"}


class InlineWriter:
    """Adds tree inlines to the paragraphs of a python-docx document, run by run."""

    document: Any
    styles: Styles
    bookmarks: int

    def add_key(self, paragraph: Any, key: str) -> None:
        """Keep ``key``, the guide's value ``paragraph`` shows, in a bookmark around it."""
        if key:
            self.bookmarks += 1
            oxml.add_bookmark(paragraph, key, self.bookmarks,
                              key_bookmark_name(key, self.bookmarks))

    def style(self, role: str | None) -> str:
        """Return the Word style of paragraph role ``role`` (body text's if it has none)."""
        return self.styles.paragraph(role or "body").word

    def add_inlines(self, paragraph: Any, inlines: Sequence[Inline],
                    spans: tuple[SpanLook, ...] = (), link: Any = None) -> None:
        """Append ``inlines`` to ``paragraph`` as runs, styled by their nesting."""
        for node in inlines:
            if isinstance(node, Text):
                self._run(paragraph, node.text, spans, link)
            elif isinstance(node, LineBreak):
                self._run(paragraph, "", spans, link).add_break()
            elif isinstance(node, Code):
                self._run(paragraph, node.text, self._styled(spans, "code"), link)
            elif isinstance(node, Link):
                target = link if link is not None else oxml.add_hyperlink(paragraph, node.href)
                if node.shows_address:  # its hyphens are the address's: no line ends there
                    self._run(paragraph, plain_text(node.children), self._styled(spans, "link"),
                              target, address=True)
                else:
                    self.add_inlines(paragraph, node.children, self._styled(spans, "link"),
                                     target)
            elif isinstance(node, Span) and node.role == "last-line":
                self._last_line(paragraph, plain_text(node.children), spans, link)
            elif isinstance(node, Span):
                self.add_inlines(paragraph, node.children, self._styled(spans, node.role), link)
            else:
                self.add_inlines(paragraph, node.children,
                                 self._styled(spans, _INLINE_ROLES[type(node)]), link)

    def _last_line(self, paragraph: Any, text: str, spans: tuple[SpanLook, ...],
                   link: Any) -> None:
        """Add a balanced last line (:mod:`guidegen.layout.balance`): on a line of its own.

        Its words are joined by no-break spaces; Chinese, Japanese or Korean text, which
        LibreOffice breaks anywhere (even at a word joiner), starts after a line break.
        """
        if wide(text):
            self._run(paragraph, "", spans, link).add_break()
            self._run(paragraph, text, spans, link)
        else:
            self._run(paragraph, text.replace(" ", "\u00a0"), spans, link)

    def _styled(self, spans: tuple[SpanLook, ...], role: str) -> tuple[SpanLook, ...]:
        look = self.styles.spans.get(role)
        return (*spans, look) if look is not None else spans

    def _run(self, paragraph: Any, text: str, spans: tuple[SpanLook, ...], link: Any,
             address: bool = False) -> Any:
        """Add a run in the innermost span's character style.

        A run takes one character style; what the spans around it set and it does not
        (a bold mark around a symbol) is written on the run, as CSS would inherit it.
        ``address``: the text is a web or e-mail address (see :func:`oxml.add_text`).
        """
        run = paragraph.add_run(None, spans[-1].word if spans else None)
        oxml.add_text(run, text, address)
        if len(spans) > 1:
            font = run.font
            for name, value in _inherited(spans):
                if name == "color":
                    font.color.rgb = RGBColor.from_string(value[1:].upper())
                else:
                    setattr(font, name, value)
        if link is not None:
            oxml.add_to_link(link, run)
        return run


@functools.cache
def _inherited(spans: tuple[SpanLook, ...]) -> tuple[tuple[str, Any], ...]:
    """Return what the outer ``spans`` set and the innermost does not.

    As (python-docx font property, value) pairs, each the nearest span's.
    """
    found: dict[str, Any] = {}
    for outer in spans[-2::-1]:
        for ours, words in (("bold", "bold"), ("italic", "italic"), ("caps", "all_caps"),
                            ("underline", "underline"), ("color", "color")):
            value = getattr(outer, ours)
            if value is not None and getattr(spans[-1], ours) is None:
                found.setdefault(words, value)
    return tuple(found.items())
