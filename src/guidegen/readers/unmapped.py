"""What a Word document holds that a guide has no place for: a warning at each.

Unmapped content a paragraph carries (a text box, a footnote, a field...), tracked
changes (read as if accepted) and comments (not imported); :mod:`.wordguide` maps the
rest onto a guide.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ..errors import Location, warn
from .docx.model import Block, Paragraph, WordDocument


def report(document: WordDocument) -> None:
    """Warn about everything the document holds that a guide has no place for."""
    for paragraph in paragraphs(document.blocks):
        where = paragraph.location
        for unmapped in paragraph.unmapped:
            said = f' ("{_short(unmapped.text)}")' if unmapped.text else ""
            warn(where, f"{unmapped.what}{said}")
        authors = sorted({r.change.author or "?" for r in paragraph.runs if r.change} |
                         ({paragraph.change.author or "?"} if paragraph.change else set()))
        if authors:
            warn(where, f"tracked changes by {', '.join(authors)}: read as if accepted")
    for comment in document.comments:
        when = f" on {comment.date[:10]}" if comment.date else ""
        warn(comment.location or Location(document.file), f"a comment by "
             f'{comment.author or "?"}{when}: "{_short(comment.text)}"; comments are not '
             "imported")


def _short(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[:size - 1] + "…"


def paragraphs(blocks: Sequence[Block]) -> Iterator[Paragraph]:
    """Return the paragraphs of ``blocks`` in order, those in table cells included."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield block
        else:
            for row in block.rows:
                for cell in row:
                    yield from paragraphs(cell.blocks)
