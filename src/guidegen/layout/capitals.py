"""Text its style sets in capitals keeps mixed-case words as written: "eQMS", never "EQMS".

A paragraph role whose style says ``caps: true`` (the control status line) is set in
capitals by every renderer (CSS ``text-transform``, Word's all caps): the label's text,
but also a name inside it written with a capital after a small letter ("eQMS",
"iPad", "McKinsey"), which then reads as another name. The layout wraps each such word
in an ``as-written`` span, whose style says ``caps: false``.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence

from ..theme.resolve import Styles
from ..tree import Block, Emph, Inline, Link, ListBlock, Paragraph, Section, Span, Strong, Text

_WORD = re.compile(r"([^\W_]+)")


def mixed_case(word: str) -> bool:
    """Return whether ``word`` has a capital right after a small letter (``eQMS``)."""
    return any(a.islower() and b.isupper() for a, b in itertools.pairwise(word))


def keep_mixed_case(blocks: Sequence[Block], styles: Styles) -> tuple[Block, ...]:
    """Return ``blocks`` with the mixed-case words of text set in capitals kept as written."""
    return tuple(_block(block, styles) for block in blocks)


def _block(block: Block, styles: Styles) -> Block:
    if isinstance(block, Section):
        return dataclasses.replace(block, children=keep_mixed_case(block.children, styles))
    if isinstance(block, ListBlock):
        return dataclasses.replace(block, items=tuple(keep_mixed_case(item, styles)
                                                      for item in block.items))
    if isinstance(block, Paragraph) and styles.paragraph(block.role or "body").caps:
        return dataclasses.replace(block, inlines=_inlines(block.inlines))
    return block


def _inlines(inlines: Sequence[Inline]) -> tuple[Inline, ...]:
    found: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            found += _text(node.text)
        elif isinstance(node, Span | Strong | Emph | Link):
            found.append(dataclasses.replace(node, children=_inlines(node.children)))
        else:
            found.append(node)
    return tuple(found)


def _text(text: str) -> list[Inline]:
    """Return ``text`` as Text nodes, each mixed-case word in an ``as-written`` span."""
    if not any(mixed_case(word) for word in _WORD.findall(text)):
        return [Text(text)]
    found: list[Inline] = []
    plain = ""
    for n, part in enumerate(_WORD.split(text)):
        if n % 2 and mixed_case(part):
            found += [Text(plain)] if plain else []
            found.append(Span("as-written", (Text(part),)))
            plain = ""
        else:
            plain += part
    return found + ([Text(plain)] if plain else [])
