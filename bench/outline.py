"""The reading order of guidegen's document tree, shared by the Markdown and Typst exporters.

Both exporters walk the tree guidegen's own renderers walk (``guidegen.layout``), so
their words and order are guidegen's: :func:`parts` gives the blocks in reading order,
:func:`list_lines` writes a list (the same syntax in Markdown and Typst).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from guidegen.tree import Block, Document, ListBlock, Paragraph, Section


def load_document(path: str | os.PathLike[str]) -> tuple[Document, Any]:
    """Return the document tree of the guide at ``path`` as ``guidegen build`` lays it out,
    and the theme it was laid out with."""
    from guidegen.builder.options import BuildOptions
    from guidegen.builder.session import Session
    from guidegen.content.loader import load

    with Session(BuildOptions()) as session, session.building():
        return session.document(load(path)), session.templates.theme


def parts(document: Document) -> Iterator[tuple[str, list[Block]]]:
    """Yield (section role, blocks): the blocks in reading order, in runs that share their
    innermost section (``title-block``, ``intro``, ``subject``, ``dimension matrix``...).
    Sections are opened; lists and tables stay whole."""
    def visit(blocks: tuple[Block, ...], role: str) -> Iterator[tuple[str, list[Block]]]:
        run: list[Block] = []
        for block in blocks:
            if isinstance(block, Section):
                if run:
                    yield role, run
                    run = []
                yield from visit(block.children, block.role)
            else:
                run.append(block)
        if run:
            yield role, run

    return visit(document.blocks, "")


def list_lines(block: ListBlock, write: Callable[[Block, str], list[str]],
               indent: str = "") -> list[str]:
    """Return a tight list: ``- `` or ``N. `` markers, an item's further blocks indented
    under its first line, a blank line only before an item's further paragraphs.
    ``write(block, indent)`` returns the lines of one block of an item."""
    lines: list[str] = []
    for number, item in enumerate(block.items, block.start):
        marker = f"{number}. " if block.ordered else "- "
        inner = indent + " " * len(marker)
        body: list[str] = []
        for child in item:
            if body and isinstance(child, Paragraph):
                body.append("")
            body += write(child, inner)
        lines.append((indent + marker + (body[0][len(inner):] if body else "")).rstrip())
        lines += body[1:]
    return lines
