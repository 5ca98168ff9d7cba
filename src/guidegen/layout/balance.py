"""Titles and headings that wrap end on a full line: never one word alone on the last.

WeasyPrint has no ``text-wrap: balance``, and Word and LibreOffice have nothing like
it. So the layout balances the title, the subtitle and every heading itself, once, for
all renderers: it measures the text in the face its style sets (:mod:`.metrics`), finds
the narrowest width that still takes as few lines as the text's full width does, and
marks the last of those balanced lines (a heading's ``last_line``, a ``last-line`` span
in the subtitle). Every renderer starts a line with it and keeps it on that line
("…Research Organisations: / A Practical Guide", not "…A Practical / Guide";
"…開発業務 / 受託機関との付き合い方", never "…付き合い / 方"): the PDF and printed HTML
with CSS ``white-space: nowrap``, the DOCX with no-break spaces (Chinese, Japanese and
Korean: a line break before it, as LibreOffice breaks such text anywhere). On a screen
the HTML wraps as the window is wide.

A text on one line is left as it is. A balanced last line is never wider than the
text's width, so it always fits; the measure (no kerning) only errs wide.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence

from ..common.language import Language
from ..theme.resolve import Styles
from ..tree import Block, Heading, Paragraph, Section, Span, Text
from .metrics import Face, Measure
from .widths import text_widths

SOFT_HYPHEN = "\u00ad"
BALANCED_PARAGRAPHS = frozenset({"subtitle"})
STEPS = 12  # halvings of the width searched: to within 1/4096 of it
# East Asian punctuation no line starts with (and small kana), and none ends with
_NO_START = set("、。，．・：；！？）」』】〕］｝〉》ーゝゞ々〜…‥,.:;!?)]}%"
                "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
_NO_END = set("（「『【〔［｛〈《([{")


@dataclasses.dataclass
class _Piece:
    """What a line may not break inside, and the space after it ("" or " ")."""

    text: str
    start: int  # where it starts in the text
    gap: str = ""


def balance_blocks(blocks: Sequence[Block], styles: Styles,
                   language: Language) -> tuple[Block, ...]:
    """Return ``blocks`` with their title, subtitle and headings balanced (see above)."""
    return _Balance(styles, language).blocks(blocks, False)


class _Balance:
    def __init__(self, styles: Styles, language: Language) -> None:
        self.styles = styles
        self.measure = Measure(styles.theme, language)
        self.upright, self.turned = text_widths(styles.theme)
        self.east_asian = language.east_asian

    def blocks(self, blocks: Sequence[Block], turned: bool) -> tuple[Block, ...]:
        return tuple(self.block(block, turned) for block in blocks)

    def block(self, block: Block, turned: bool) -> Block:
        width = self.turned if turned else self.upright
        if isinstance(block, Section):
            if block.role == "guide":  # a guide in a packet: laid out in its own language
                return block
            return dataclasses.replace(block, children=self.blocks(
                block.children, turned or block.orientation == "landscape"))
        if isinstance(block, Heading):
            cut = self.last_line(block.text, block.style, width)
            return dataclasses.replace(block, last_line=len(block.text) - cut if cut else 0)
        if isinstance(block, Paragraph) and block.role in BALANCED_PARAGRAPHS and all(
                isinstance(node, Text) for node in block.inlines):
            text = "".join(node.text for node in block.inlines if isinstance(node, Text))
            cut = self.last_line(text, block.role, width)
            if cut:
                last = Span("last-line", (Text(text[cut:].replace(SOFT_HYPHEN, "")),))
                return dataclasses.replace(block, inlines=(Text(text[:cut]), last))
        return block

    def last_line(self, text: str, role: str, width: float) -> int:
        """Return where the balanced last line of ``text`` (in role ``role``) starts; 0: none."""
        look = self.styles.paragraph(role)
        face = Face.of(look)
        room = width - look.indent
        pieces = self.pieces(text)
        lines = len(self.wrap(pieces, room, face))
        if lines < 2:
            return 0
        low, high = 0.0, room
        for _ in range(STEPS):
            middle = (low + high) / 2
            if len(self.wrap(pieces, middle, face)) > lines:
                low = middle
            else:
                high = middle
        return pieces[self.wrap(pieces, high, face)[-1]].start

    def pieces(self, text: str) -> list[_Piece]:
        """Return the pieces of ``text`` between the places a line may end."""
        if not self.east_asian:
            return [_Piece(word.group(), word.start(), " ")
                    for word in re.finditer("[^ ]+", text)]
        found: list[_Piece] = []
        for at, char in enumerate(text):
            if char == " ":
                if found:
                    found[-1].gap = " "
                continue
            last = found[-1] if found and not found[-1].gap else None
            if last is not None and (char in _NO_START or last.text[-1] in _NO_END or (
                    _narrow(char) and _narrow(last.text[-1]))):
                last.text += char
            else:
                found.append(_Piece(char, at))
        return found

    def wrap(self, pieces: Sequence[_Piece], width: float, face: Face) -> list[int]:
        """Return the index of the first piece of each line, ``pieces`` filled into ``width``."""
        starts = [0]
        for end in range(1, len(pieces)):
            if self.measure.width(_line(pieces[starts[-1]:end + 1]), face) > width:
                starts.append(end)
        return starts


def _line(pieces: Sequence[_Piece]) -> str:
    text = "".join(piece.text + piece.gap for piece in pieces[:-1]) + pieces[-1].text
    return text.replace(SOFT_HYPHEN, "")


def _narrow(char: str) -> bool:
    return unicodedata.east_asian_width(char) not in ("W", "F")
