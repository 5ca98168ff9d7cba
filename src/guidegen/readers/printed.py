"""What guidegen printed only for paper, left out when its own Word file is read back.

A guide's DOCX prints where each link goes (the theme's ``print_link_addresses``,
:mod:`guidegen.layout.links`): the address after a link's text, between runs in the
character style Link Address (" (" and ")") and itself a link; a note's number
(Link Reference); and the notes at a section's end (paragraph style Link Note). None of
it is the guide's text: the link itself carries its address.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from .docx.model import Block, Cell, Paragraph, Run, Table, WordDocument

# the Word styles of the printed addresses (styles.yaml: link-address, link-ref, link-note)
ADDRESS, REFERENCE = "link address", "link reference"
NOTE = "link note"


def without_printed(document: WordDocument) -> WordDocument:
    """Return ``document`` without the link addresses and notes printed for paper."""
    return dataclasses.replace(document, blocks=_blocks(document.blocks))


def _blocks(blocks: Sequence[Block]) -> tuple[Block, ...]:
    found: list[Block] = []
    for block in blocks:
        if isinstance(block, Table):
            found.append(dataclasses.replace(block, rows=tuple(
                tuple(_cell(cell) for cell in row) for row in block.rows)))
        elif block.style.lower() != NOTE:
            found.append(_paragraph(block))
    return tuple(found)


def _cell(cell: Cell) -> Cell:
    return dataclasses.replace(cell, blocks=_blocks(cell.blocks))


def _paragraph(paragraph: Paragraph) -> Paragraph:
    runs = paragraph.runs
    printed = {n for n, run in enumerate(runs) if run.style.lower() in (ADDRESS, REFERENCE)}
    for n in [n for n in printed if runs[n].style.lower() == ADDRESS]:
        printed |= _address_link(runs, n)
    if not printed:
        return paragraph
    return dataclasses.replace(paragraph, runs=tuple(
        run for n, run in enumerate(runs) if n not in printed))


def _address_link(runs: Sequence[Run], opening: int) -> set[int]:
    """Return the runs of the printed address after the Link Address run ``opening``.

    That is the link right after it, if a Link Address run closes it; else none.
    """
    group = runs[opening + 1].group if opening + 1 < len(runs) and \
        runs[opening + 1].link else None
    if group is None:
        return set()
    end = opening + 1
    while end < len(runs) and runs[end].link and runs[end].group == group:
        end += 1
    closed = end < len(runs) and runs[end].style.lower() == ADDRESS
    return set(range(opening + 1, end)) if closed else set()
