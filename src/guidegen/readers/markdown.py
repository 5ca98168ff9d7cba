"""Paragraphs, lists and inlines of the tree (:mod:`guidegen.tree`) → Markdown a person writes.

The inverse of the guide's Markdown parser, and checked against it: every text written
is parsed back and must give the nodes it was written from. Text is escaped only where
Markdown would read something into it (a ``*`` or ``[``, a ``-`` or ``1.`` at the start
of a line), so it reads as typed; if that is not enough, everything that could be
punctuation is escaped; if even that is not, the words are kept as plain text and the
caller is told (:attr:`Written.exact` is false).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..content.markup import Block as TextBlock
from ..content.markup import MarkupError, parse_blocks
from ..tree import (
    Block,
    Code,
    Emph,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Strong,
    Text,
    plain_text,
)

WIDTH = 88  # characters of a wrapped line, indentation included
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|[0-9]{1,9}[.)](?=\s|$)|=+\s*$|"
                         r"-+\s*$|```|~~~)")
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_BARE = re.compile(r"^(https?://|mailto:)")


@dataclass(frozen=True)
class Written:
    """Markdown text, and whether it parses back to exactly the nodes it was written from."""

    text: str
    exact: bool = True


# -- inlines -----------------------------------------------------------------------------------

class _Inlines:
    """Writes inline nodes as pieces: text that may break at its spaces, or whole atoms."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict

    def pieces(self, nodes: Sequence[Inline]) -> list[tuple[str, bool]]:
        """Return ``nodes`` as (markdown, breakable) pieces."""
        found: list[tuple[str, bool]] = []
        for n, node in enumerate(nodes):
            if isinstance(node, Text):
                found.append((self.text(node.text), True))
            elif isinstance(node, Code):
                found.append((_code(node.text), False))
            elif isinstance(node, LineBreak):
                found.append(("\\\n", False))
            elif isinstance(node, Link):
                found += self.link(node)
            else:
                inner = self.pieces(node.children)
                mark = "**" if isinstance(node, Strong) else self._emphasis(node, nodes, n)
                found += [(mark, False), *inner, (mark, False)]
        return found

    def _emphasis(self, node: Inline, siblings: Sequence[Inline], index: int) -> str:
        """Return ``*``, or ``_`` where a ``*`` would touch another ``*`` and misread."""
        assert isinstance(node, Emph)
        first, last = node.children[:1], node.children[-1:]
        touching = any(isinstance(child, Strong | Emph) for child in (*first, *last))
        return "_" if touching and not self.strict else "*"

    def text(self, text: str) -> str:
        if self.strict:
            return _PUNCTUATION.sub(r"\\\1", text)
        text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*")
        text = text.replace("[", "\\[").replace("]", "\\]")
        text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
        text = re.sub(r"<(?=\S)", r"\\<", text)
        return _ENTITY.sub(lambda m: "\\" + m.group(0), text)

    def link(self, node: Link) -> list[tuple[str, bool]]:
        label = markup_text(node.children)
        bare = node.href if not node.href.startswith("mailto:") else node.href[len("mailto:"):]
        if not self.strict and node.children == (Text(bare),) and \
                (_BARE.match(bare) or "@" in bare):
            return [(bare, False)]
        href = f"<{node.href}>" if re.search(r"[\s()<>]", node.href) else node.href
        inner = self.pieces(node.children) if label else [("", False)]
        return [("[", False), *inner, (f"]({href})", False)]


def markup_text(nodes: Sequence[Inline]) -> str:
    """Return the plain text of inline ``nodes`` (a line break as a space)."""
    return plain_text(tuple(nodes))


def _code(text: str) -> str:
    ticks = max((len(m) for m in re.findall(r"`+", text)), default=0) + 1
    pad = " " if text.startswith("`") or text.endswith("`") or (
        text.startswith(" ") and text.endswith(" ") and text.strip()) else ""
    return f"{'`' * ticks}{pad}{text}{pad}{'`' * ticks}"


def _lines(pieces: list[tuple[str, bool]], width: int | None) -> list[str]:
    """Return the pieces joined into lines of at most ``width`` characters where possible.

    A line breaks only at a single space of breakable text, and never before what would
    start a block at the start of a line (a ``-``, ``#``, ``1.``).
    """
    words: list[str] = [""]  # the text between the places a line may break
    for text, breakable in pieces:
        if not breakable:
            parts = text.split("\n")
            words[-1] += parts[0]
            for part in parts[1:]:
                words.append("\n" + part)
            continue
        for n, part in enumerate(re.split(r"(?<! ) (?! )", text)):
            if n:
                words.append(part)
            else:
                words[-1] += part
    lines = [""]
    for n, word in enumerate(words):
        if word.startswith("\n"):
            lines.append(word[1:])
        elif n == 0:
            lines[-1] = word
        elif width is None or len(lines[-1]) + 1 + len(word) <= width or \
                _LINE_START.match(word) or not lines[-1]:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return [_safe_start(line) if i == 0 else line for i, line in enumerate(lines)]


def _safe_start(line: str) -> str:
    """Return ``line`` with a backslash where it would start a block (a ``-``, ``1.``)."""
    matched = _LINE_START.match(line)
    if not matched:
        return line
    token = matched.group(0)
    if token[0].isdigit():
        digits = len(token) - 1
        return f"{line[:digits]}\\{line[digits:]}"
    return "\\" + line


def inline_markdown(nodes: Sequence[Inline]) -> Written:
    """Return one line of Markdown for ``nodes`` (a list item, a cell, a note)."""
    for strict in (False, True):
        text = "\n".join(_lines(_Inlines(strict).pieces(nodes), None))
        if "\n" not in text and _parses_to(text, (Paragraph(tuple(nodes)),) if nodes else ()):
            return Written(text)
    plain = " ".join(markup_text(nodes).split())
    return Written(_safe_start(_Inlines(True).text(plain)), exact=False)


# -- blocks ------------------------------------------------------------------------------------

def block_markdown(blocks: Sequence[TextBlock], width: int = WIDTH) -> Written:
    """Return Markdown for ``blocks`` (paragraphs and lists), lines wrapped at ``width``."""
    for strict in (False, True):
        text = _blocks(blocks, _Inlines(strict), width if not strict else None)
        if _parses_to(text, tuple(blocks)):
            return Written(text)
    text = _blocks(_plain(blocks), _Inlines(True), None)
    return Written(text, exact=False)


def _blocks(blocks: Sequence[Block], writer: _Inlines, width: int | None,
            indent: int = 0, tight: bool = False) -> str:
    """Return ``blocks`` as Markdown; in a ``tight`` list item a list follows its line."""
    text = ""
    previous: Block | None = None
    marker_turn = 0
    for block in blocks:
        if isinstance(block, Paragraph):
            room = None if width is None else max(width - indent, 20)
            chunk = "\n".join(_lines(writer.pieces(block.inlines), room))
        elif isinstance(block, ListBlock):
            if isinstance(previous, ListBlock) and previous.ordered == block.ordered:
                marker_turn += 1  # a second list right after the first: another marker
            chunk = _list(block, writer, width, indent, marker_turn % 2)
        else:
            continue  # Markdown text holds paragraphs and lists only
        joined = tight and isinstance(previous, Paragraph) and isinstance(block, ListBlock) \
            and (not block.ordered or block.start == 1)
        text += ("\n" if joined else "\n\n" if previous is not None else "") + chunk
        previous = block
    return text


def _list(block: ListBlock, writer: _Inlines, width: int | None, indent: int,
          turn: int) -> str:
    items = []
    loose = any(sum(isinstance(b, Paragraph) for b in item) > 1 for item in block.items)
    for n, item in enumerate(block.items):
        marker = f"{block.start + n}{'.)'[turn]} " if block.ordered else f"{'-*'[turn]} "
        body = _blocks(item, writer, width, indent + len(marker), tight=not loose)
        lines = body.split("\n")
        items.append("\n".join([marker + lines[0], *(
            " " * len(marker) + line if line else "" for line in lines[1:])]))
    return ("\n\n" if loose else "\n").join(items)


def _plain(blocks: Sequence[Block]) -> list[TextBlock]:
    """Return ``blocks`` with their inline content reduced to plain text."""
    found: list[TextBlock] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            found.append(Paragraph((Text(" ".join(markup_text(block.inlines).split())),)))
        elif isinstance(block, ListBlock):
            found.append(ListBlock(tuple(tuple(_plain(item)) for item in block.items),
                                   ordered=block.ordered, start=block.start))
    return found


def _parses_to(text: str, blocks: tuple[Block, ...]) -> bool:
    try:
        return parse_blocks(text) == blocks
    except MarkupError:
        return False


__all__ = ["WIDTH", "Written", "block_markdown", "inline_markdown", "markup_text"]
