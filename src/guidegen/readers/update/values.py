"""A reviewed value's paragraphs → the value to write into the guide file.

What a value is decides how its paragraphs are read (the same readers ``guidegen
import`` uses): Markdown text (paragraphs and lists, with ``**bold**``, ``*italic*``,
links), one line of Markdown (a list item, a note, a per-subject line), plain text (a
title, a name), a matrix cell (a mark, or text). A Markdown value keeps the text of
each of its paragraphs the reviewer left alone exactly as the file had it (its line
breaks, its choice of ``*`` or ``_``); only the paragraphs that changed are written anew.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ...content.markup import MarkupError, parse_blocks
from ..comparisons import text_cell
from ..docx.inlines import Changes, shown_runs
from ..docx.model import Paragraph, Run
from ..draft import Draft, plain
from ..markdown import WIDTH
from ..marks import read_mark
from ..yamltext import Path_, Plain, Prose
from .expected import lines_of
from .found import FoundPara
from .lines import Line
from .yamlscalars import keep_breaks


class NotAppliedError(Exception):
    """A reviewed value that cannot be written back without guessing: why."""


def strip_caption(paragraph: FoundPara, caption: str, changes: Changes) -> Paragraph:
    """Return the Word paragraph without its caption (``For: ``), which is no edit of the value.

    Raise :class:`NotAppliedError` if the paragraph no longer starts with it.
    """
    word = paragraph.paragraph
    if not caption:
        return word
    text = "".join(run.text for run in shown_runs(word.runs, changes))
    head = caption.strip()
    if not text.lstrip().startswith(head):
        raise NotAppliedError(f"its caption {head!r} was changed; captions are printed from "
                        "the guide's labels")
    count = len(text) - len(text.lstrip()) + len(head)
    runs: list[Run] = []
    for run in shown_runs(word.runs, changes):
        if count >= len(run.text):
            count -= len(run.text)
            continue
        runs.append(replace(run, text=run.text[count:]))
        count = 0
    return replace(word, runs=tuple(runs))


class Values:
    """Writes the values of one guide from reviewed paragraphs."""

    def __init__(self, draft: Draft, changes: Changes) -> None:
        self.draft = draft
        self.changes = changes

    def markdown(self, path: Path_, old: str, paragraphs: Sequence[Paragraph],
                 lines: Sequence[Line]) -> Prose:
        """Return Markdown for ``paragraphs``, each unchanged block as ``old`` wrote it."""
        fresh = self.draft.prose(_pictureless(paragraphs), path)
        chunks = [chunk for chunk in re.split(r"\n[ \t]*\n", old.strip("\n")) if chunk.strip()]
        chunk_lines = [_markdown_lines(chunk) for chunk in chunks]
        written: list[str] = []
        used = 0
        for group in _groups(list(zip(paragraphs, lines, strict=True))):
            said = [line for _, line in group]
            match = next((n for n in range(used, len(chunks)) if chunk_lines[n] == said), None)
            if match is not None:
                written.append(chunks[match])
                used = match + 1
                continue
            text: str = self.draft.prose(_pictureless([p for p, _ in group]), path)
            if used < len(chunks) and said[0].place is None and len(said) == 1 and \
                    _plain_lines(text) and _plain_lines(chunks[used]):
                text = keep_breaks(chunks[used].split("\n"), " ".join(text.split("\n")),
                                   WIDTH)  # where the old paragraph broke its lines
                used += 1
            written.append(text)
        joined = "\n\n".join(written)
        if _markdown_lines(joined) == list(lines):
            return Prose(joined)
        return fresh

    def inline(self, path: Path_, paragraph: Paragraph) -> str:
        """Return one line of Markdown for ``paragraph`` (a list item, a note)."""
        return self.draft.inline(_pictureless([paragraph]), path)

    def plain(self, paragraph: Paragraph) -> str:
        """Return the plain text of ``paragraph`` (a title, a name)."""
        return plain([paragraph], self.changes)

    def cell(self, path: Path_, paragraph: Paragraph) -> tuple[Any, str]:
        """Return a matrix cell's value (a mark, or text) and the note its line says.

        A mark as guidegen prints it (``✓ Yes``), a mark word or symbol alone, or one with
        a note (``Partial (vendor dependent)``), is a mark; other text is text.
        """
        text = self.plain(paragraph)
        found = read_mark(text)
        if found is not None:
            return Plain(found.mark.value), found.note
        if not text:
            raise NotAppliedError("the cell is empty: write yes, no, partial or text in it")
        return text_cell(self.inline(path, paragraph)), ""


def _pictureless(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    return [replace(p, pictures=()) for p in paragraphs]


def _plain_lines(text: str) -> bool:
    """Return whether ``text`` is one paragraph whose lines may break anywhere between words."""
    return "\n\n" not in text and not any(line.endswith("\\") or not line.strip()
                                          for line in text.split("\n"))


def _groups(pairs: list[tuple[Paragraph, Line]]) -> list[list[tuple[Paragraph, Line]]]:
    """Return the paragraphs in Markdown's blocks: a paragraph alone, a list's items together."""
    groups: list[list[tuple[Paragraph, Line]]] = []
    for pair in pairs:
        if groups and pair[1].place is not None and groups[-1][-1][1].place is not None:
            groups[-1].append(pair)
        else:
            groups.append([pair])
    return groups


def _markdown_lines(text: str) -> list[Line]:
    """Return the Word paragraphs Markdown ``text`` makes (None: it is not Markdown)."""
    try:
        return lines_of(parse_blocks(text))
    except MarkupError:
        return []


__all__ = ["NotAppliedError", "Values", "strip_caption"]
