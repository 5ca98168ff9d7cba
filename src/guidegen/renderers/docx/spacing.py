"""The space around lists, tables and sections, which Word gives only to paragraphs.

In the PDF a list, a table or a section has margins of its own (and a section may have
a rule under it), which collapse with those of the paragraphs around it: the space
between two blocks is the largest of the margins that meet there. Word collapses a
paragraph's space after with the next one's space before the same way, but has no
space around a table or a run of paragraphs. So each block's space is given to the
paragraphs that meet it, as direct formatting once everything is written: its space
before to the paragraph before it (or, first in the document, to its own first), its
space after to its own last paragraph (or, when it ends in a table, to the next one,
unless a section break's new page comes between), and a section's rule to its last
paragraph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from docx.shared import Pt

from ...theme.resolve import Rule, Styles
from . import oxml

# a block's space before and after, and its rule, as a style sheet (at some level) gives them
Asking = Callable[[Styles], tuple[float, float, "Rule | None"]]


@dataclass
class _Space:
    elements: list[Any]  # the block's body elements (paragraphs and tables)
    before: float
    after: float
    rule: Rule | None
    keep_intro: bool
    asking: Asking | None = None  # where the space came from, to ask another level's


class BlockSpacing:
    """Collects the space blocks ask for while they are written; gives it out at the end."""

    def __init__(self, document: Any, styles: Styles, variants: Sequence[Styles] = ()) -> None:
        self.document = document
        self.looks = {look.word: look for look in styles.paragraphs.values()}
        for variant in variants:  # a fitted part's styles (see BlockWriter)
            self.looks |= {look.word: look for look in variant.paragraphs.values()}
        self.asked: list[_Space] = []

    def relevel(self, styles: Styles) -> None:
        """Give every block the space ``styles`` (the same sheet at another level) ask for."""
        self.looks = {look.word: look for look in styles.paragraphs.values()}
        for space in self.asked:
            if space.asking is not None:
                space.before, space.after, space.rule = space.asking(styles)

    def start(self) -> int:
        """Return where the next block starts in the body (:func:`.oxml.body_end`)."""
        return oxml.body_end(self.document)

    def written(self, start: int) -> list[Any]:
        """Return the paragraphs and tables written since ``start``."""
        return oxml.blocks(self.document, start)

    def ask(self, start: int, asking: Asking, styles: Styles, keep_intro: bool = False) -> None:
        """Record the space around the block written since ``start``, and its rule.

        ``asking`` says them as ``styles`` give them (:meth:`relevel`: as another level's).
        ``keep_intro``: the paragraph before it stays on the page where it starts.
        """
        before, after, rule = asking(styles)
        if before or after or rule is not None or keep_intro:
            self.asked.append(_Space(self.written(start), before, after, rule, keep_intro,
                                     asking))

    def keep_together(self, start: int) -> None:
        """Keep the block written since ``start`` on one page, as the PDF's CSS does.

        Each of its paragraphs, a table's cells' too, keeps with the next, but its last.
        """
        paragraphs = [p for element in self.written(start)
                      for p in oxml.paragraphs_in(self.document, element)]
        for paragraph in paragraphs[:-1]:
            paragraph.paragraph_format.keep_with_next = True

    def break_before(self, start: int) -> None:
        """Start the block written since ``start`` on a new page.

        Its first paragraph breaks the page; a block that starts with a table gets an
        empty paragraph before it that does.
        """
        written = self.written(start)
        if written and oxml.is_paragraph(written[0]):
            oxml.paragraph(self.document, written[0]).paragraph_format \
                .page_break_before = True
            return
        holder = self.document.add_paragraph()
        holder.paragraph_format.page_break_before = True
        if written:
            oxml.move_before(holder, written[0])

    def finish(self) -> None:
        """Give every block's space to the paragraphs around it."""
        content = self._content()
        where = {id(element): n for n, element in enumerate(content)}
        for space in self.asked:
            elements = [e for e in space.elements if id(e) in where]
            if not elements:
                continue
            first, last = where[id(elements[0])], where[id(elements[-1])]
            if space.before:
                self._before(content, first, space.before)
            if space.keep_intro and first and oxml.is_paragraph(content[first - 1]):
                oxml.paragraph(self.document, content[first - 1]).paragraph_format \
                    .keep_with_next = True
            if space.rule is not None:
                oxml.rule_under(content[last], _border(space.rule))
            if space.after:
                self._after(content, last, space.after)

    def _before(self, content: list[Any], first: int, points: float) -> None:
        previous = content[first - 1] if first else None
        if previous is not None and oxml.is_paragraph(previous):
            self._widen(previous, "space_after", points)
        elif previous is None and oxml.is_paragraph(content[first]):
            self._widen(content[first], "space_before", points)

    def _after(self, content: list[Any], last: int, points: float) -> None:
        if oxml.is_paragraph(content[last]):
            self._widen(content[last], "space_after", points)
        elif last + 1 < len(content) and oxml.is_paragraph(content[last + 1]) and \
                not oxml.ends_section(content[last]):
            # not over a section break (a packet's next guide): the PDF drops a margin
            # at the page break, as after a guide ending in its control block's table
            self._widen(content[last + 1], "space_before", points)

    def _widen(self, element: Any, side: str, points: float) -> None:
        """Make a paragraph's space on ``side`` at least ``points``."""
        paragraph = oxml.paragraph(self.document, element)
        own = getattr(paragraph.paragraph_format, side)
        if own is None:
            look = self.looks.get(paragraph.style.name if paragraph.style else "")
            own = Pt(getattr(look, side) if look is not None else 0)
        if own.pt < points:
            setattr(paragraph.paragraph_format, side, Pt(points))

    def _content(self) -> list[Any]:
        """Return the body's paragraphs and tables, section breaks left out."""
        return oxml.blocks(self.document)


def _border(rule: Rule) -> oxml.Border:
    """Return the style sheet's ``rule`` as a Word border, its padding the space above it."""
    return oxml.Border(rule.width, rule.padding, rule.color)
