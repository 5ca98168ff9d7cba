"""Links on paper: a printed page says where each of its links goes.

The theme's ``print_link_addresses`` chooses how:

* ``after``: the address follows the link's text, in the ``link-address`` role (smaller),
  but in a table cell, which is too narrow for it, a link gets a note as below;
* ``endnotes``: a number follows the link's text (``link-ref``), and the section ends
  with its links' addresses by number (``link-note`` paragraphs);
* ``auto`` (the default): ``after``, or ``endnotes`` in a section holding at least
  ``link_endnotes_from`` such links (a "Further reading" list) or an address that would
  take more than a line of its own;
* ``none``: links print their text only (each is said as a hint, located).

A link whose text is its address and a link inside the document (``#anchor``) print as
they are. The printed address is itself a link whose text is its address, so it breaks
only after a ``/`` of its path and is never hyphenated (the DOCX importer leaves it
out: :mod:`guidegen.readers.printed`). The PDF and the DOCX print it; the HTML shows it
only when printed (``document.css.j2``: ``@media screen``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..common.language import Language
from ..errors import Location, hint
from ..theme.resolve import Styles
from ..theme.theme import LinkAddresses
from ..tree import (
    Block,
    Cell,
    Emph,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Section,
    Span,
    Strong,
    Table,
    Text,
    plain_text,
)
from .metrics import Face, Measure
from .widths import text_widths


def printed_address(link: Link) -> str | None:
    """Return the address ``link`` should print, or None if its text already says it."""
    if link.href.startswith("#") or link.shows_address:
        return None
    return link.href.removeprefix("mailto:")


def print_addresses(blocks: Sequence[Block], styles: Styles, language: Language,
                    where: Location | None = None) -> tuple[Block, ...]:
    """Return ``blocks`` with each link's address printed as the theme says.

    With ``none``, each link whose address is not printed is said as a hint, at its
    block's source (else ``where``; a tree made in code, with neither, is not said).
    """
    return _Section(_Rules(styles, language), blocks, where).blocks()


class _Rules:
    """How a theme prints link addresses: its mode, and when ``auto`` takes notes."""

    def __init__(self, styles: Styles, language: Language) -> None:
        theme = styles.theme
        self.mode: LinkAddresses = theme.print_link_addresses
        self.endnotes_from = theme.link_endnotes_from
        self.line = text_widths(theme)[0]  # points: a line of body text
        self.face = Face.of(styles.paragraph("body")).within(styles.spans["link-address"])
        self.measure = Measure(theme, language)

    def endnotes(self, blocks: Sequence[Block]) -> bool:
        """Return whether a section of ``blocks`` prints its links' addresses as notes."""
        if self.mode != "auto":
            return self.mode == "endnotes"
        links = links_to_print(blocks, subsections=False)
        return len(links) >= self.endnotes_from or any(
            self.measure.width(f" ({printed_address(link)})", self.face) > self.line
            for link in links)


class _Section:
    """The links of one section's own blocks (not of its subsections) and their notes."""

    def __init__(self, rules: _Rules, children: Sequence[Block],
                 where: Location | None) -> None:
        self.rules, self.mode = rules, rules.mode
        self.children, self.where = children, where
        self.endnotes = rules.endnotes(children)
        self.notes: list[Link] = []

    def blocks(self) -> tuple[Block, ...]:
        """Return the section's blocks with addresses printed, its notes last."""
        found = tuple(self.block(block) for block in self.children)
        notes = tuple(Paragraph((Span("link-ref", (Text(f"[{n}]"),)), Text(" "),
                                 Link(link.href, (Text(link.href.removeprefix("mailto:")),))),
                                "link-note")
                      for n, link in enumerate(self.notes, 1))
        return found + notes

    def block(self, block: Block, where: Location | None = None) -> Block:
        """Return one block with its links' addresses printed (``where``: its source)."""
        where = getattr(block, "source", None) or where or self.where
        if isinstance(block, Section):
            inner = _Section(self.rules, block.children, where)
            return dataclasses.replace(block, children=inner.blocks())
        if isinstance(block, Paragraph):
            return dataclasses.replace(block, inlines=self.inlines(block.inlines, self.endnotes,
                                                                   where))
        if isinstance(block, ListBlock):
            return dataclasses.replace(block, items=tuple(
                tuple(self.block(child, where) for child in item) for item in block.items))
        if isinstance(block, Table):
            return dataclasses.replace(
                block, head=tuple(self.cell(cell, where) for cell in block.head),
                rows=tuple(tuple(self.cell(cell, where) for cell in row) for row in block.rows))
        return block

    def cell(self, cell: Cell, where: Location | None) -> Cell:
        """Return one table cell with its links' note numbers (a column is too narrow)."""
        where = cell.source or where
        return dataclasses.replace(cell, inlines=self.inlines(cell.inlines, True, where),
                                   note=self.inlines(cell.note, True, where))

    def inlines(self, inlines: Sequence[Inline], endnotes: bool,
                where: Location | None) -> tuple[Inline, ...]:
        """Return ``inlines``, each link followed by its address or its note's number."""
        found: list[Inline] = []
        for node in inlines:
            if isinstance(node, Link):
                found.append(node)
                address = printed_address(node)
                if address is None:
                    continue
                if self.mode == "none":
                    if where is not None:
                        hint(where, f"the address of the link “{plain_text(node.children)}” is "
                             "not printed: a reader of the PDF or DOCX cannot follow it "
                             "(theme: print_link_addresses: none)")
                elif endnotes:
                    found.append(Span("link-ref", (Text(f"\u00a0[{self.number(node)}]"),)))
                else:
                    found.append(Span("link-address", (
                        Text("\u00a0("), Link(node.href, (Text(address),)), Text(")"))))
            elif isinstance(node, Span | Strong | Emph):
                found.append(dataclasses.replace(node, children=self.inlines(
                    node.children, endnotes, where)))
            else:
                found.append(node)
        return tuple(found)

    def number(self, link: Link) -> int:
        """Return the number of ``link``'s note (one per address in a section)."""
        for n, noted in enumerate(self.notes, 1):
            if noted.href == link.href:
                return n
        self.notes.append(link)
        return len(self.notes)


def links_to_print(blocks: Sequence[Block], subsections: bool = True) -> list[Link]:
    """Return the links of ``blocks`` whose address their text does not say."""
    found: list[Link] = []

    def inlines(nodes: Sequence[Inline]) -> None:
        for node in nodes:
            if isinstance(node, Link):
                if printed_address(node) is not None:
                    found.append(node)
            elif isinstance(node, Span | Strong | Emph):
                inlines(node.children)

    def block(node: Block) -> None:
        if isinstance(node, Section):
            if subsections:
                for child in node.children:
                    block(child)
        elif isinstance(node, Paragraph):
            inlines(node.inlines)
        elif isinstance(node, ListBlock):
            for item in node.items:
                for child in item:
                    block(child)
        elif isinstance(node, Table):
            for cell in (*node.head, *(cell for row in node.rows for cell in row)):
                inlines(cell.inlines + cell.note)

    for child in blocks:
        block(child)
    return found
