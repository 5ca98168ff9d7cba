"""A Word document divided into parts by its headings, and which part is what.

The top headings divide the document into parts and the next level into sub-parts
(:func:`split`). :func:`plan` says which parts are the intro, the subjects, the
comparisons and the closing sections: in a guidegen DOCX its bookmarks say so
(``subject_qa``, ``comparisons``, ``section_1``); in any other document, the parts from
the first that compares (its heading says so, in any of the languages, or it holds a
table) to the last that holds a table are the comparisons, the parts after them the
closing sections, and before them, leading parts called "Introduction", "Overview", …
join the intro and the others are the subjects. With no comparisons, trailing parts
called "Conclusion", "Summary", … are the closing sections.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..theme.locales import catalogue_tags, load_catalogue
from .docx.model import Block, Paragraph, Table
from .draft import plain
from .marks import FoundMark, read_mark

INTRO_WORDS = ("introduction", "overview", "background", "purpose", "scope", "about this",
               "einleitung", "einführung", "überblick", "hintergrund", "zweck", "ziel",
               "introducción", "introduzione", "inleiding", "wprowadzenie", "introdução",
               "inledning", "indledning", "aperçu", "はじめに", "概要", "简介", "引言")
CLOSING_WORDS = ("conclusion", "summary", "further reading", "references", "next steps",
                 "key takeaways", "takeaways", "contacts", "glossary", "resources",
                 "fazit", "zusammenfassung", "weiterführend", "literatur", "schluss",
                 "ansprechpartner", "résumé", "conclusión", "resumen", "conclusione",
                 "riepilogo", "conclusie", "samenvatting", "podsumowanie", "wnioski",
                 "conclusão", "resumo", "slutsats", "sammanfattning", "konklusion",
                 "opsummering", "まとめ", "結論", "总结", "结论")
COMPARISON_WORDS = ("compar", "versus", " vs", "vergleich", "gegenüberstellung", "confronto",
                    "vergelijking", "porównanie", "jämförelse", "sammenligning", "比較",
                    "比较", "対比")

@dataclass
class Part:
    """A heading and what follows it up to the next heading of its level or above."""

    heading: Paragraph
    blocks: list[Block] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Return the heading's text."""
        return plain([self.heading])

    def bookmark(self, prefix: str) -> str | None:
        """Return the rest of the heading's first bookmark that starts with ``prefix``."""
        return next((b[len(prefix):] for b in self.heading.bookmarks if b.startswith(prefix)),
                    None)

    def tables(self) -> Iterator[Table]:
        """Return the tables of the part and of its sub-parts."""
        yield from (b for b in self.blocks if isinstance(b, Table))
        for part in self.parts:
            yield from part.tables()

    def flattened(self) -> list[Block]:
        """Return every block of the part after its heading, sub-headings included."""
        found = list(self.blocks)
        for part in self.parts:
            found += [part.heading, *part.flattened()]
        return found


def split(blocks: Sequence[Block], level: int, depth: int = 2) -> tuple[list[Block], list[Part]]:
    """Return the blocks before the first heading of ``level``, and the parts it starts."""
    preface: list[Block] = []
    parts: list[Part] = []
    for block in blocks:
        if isinstance(block, Paragraph) and block.heading == level:
            parts.append(Part(block))
        elif parts:
            parts[-1].blocks.append(block)
        else:
            preface.append(block)
    if depth > 1:
        for part in parts:
            part.blocks, part.parts = split(part.blocks, level + 1, depth - 1)
    return preface, parts


def _has(title: str, words: Sequence[str]) -> bool:
    lowered = f" {title.lower()}"
    return any(word in lowered for word in words)


@dataclass
class Plan:
    """Which parts of a document are the intro, the subjects, the comparisons, the closing."""

    intro: list[Part] = field(default_factory=list)
    subjects: list[Part] = field(default_factory=list)
    comparisons: list[Part] = field(default_factory=list)
    closing: list[Part] = field(default_factory=list)


CONTROL_BOOKMARK = "document_control"  # the anchor document-control, as Word names it


def plan(parts: list[Part], ours: bool) -> Plan:
    """Return which parts are the intro, the subjects, the comparisons, the closing."""
    plan = Plan()
    if ours:
        for part in parts:
            if CONTROL_BOOKMARK in part.heading.bookmarks:
                continue  # the document block's control part, printed from its properties
            if part.bookmark("subject_") is not None:
                plan.subjects.append(part)
            elif "comparisons" in part.heading.bookmarks:
                plan.comparisons.append(part)
            elif part.bookmark("section_") is not None or plan.subjects:
                plan.closing.append(part)
            else:
                plan.intro.append(part)
        return plan
    comparing = [n for n, part in enumerate(parts) if compares(part)]
    tables = [n for n, part in enumerate(parts) if any(True for _ in part.tables())]
    if comparing:
        first = comparing[0]
        last = max([first, *(n for n in tables if n >= first)])
        before = parts[:first]
        plan.comparisons = parts[first:last + 1]
        plan.closing = parts[last + 1:]
    else:
        end = len(parts)
        while end > 0 and _has(parts[end - 1].title, CLOSING_WORDS):
            end -= 1
        before, plan.closing = parts[:end], parts[end:]
    lead = 0
    while lead < len(before) and _has(before[lead].title, INTRO_WORDS):
        lead += 1
    plan.intro, plan.subjects = before[:lead], before[lead:]
    return plan


def compares(part: Part) -> bool:
    """Return whether ``part`` compares: its heading says so, or it holds a comparing table."""
    if _has(part.title, COMPARISON_WORDS) or _comparing_label(part.title):
        return True
    return any(len(t.rows[0]) >= 3 or table_marks(t) for t in part.tables() if t.rows)


def table_marks(table: Table) -> list[FoundMark]:
    """Return the marks in the cells of ``table`` below its header and beside its first column."""
    found = []
    for row in table.rows[1:]:
        for cell in row[1:]:
            mark = read_mark(plain(cell.paragraphs[:1])) if cell.paragraphs else None
            if mark is not None:
                found.append(mark)
    return found


def _comparing_label(title: str) -> bool:
    """Return whether ``title`` reads like a language's default comparisons heading."""
    for tag in catalogue_tags().values():
        before, _, after = load_catalogue(tag).labels.comparing.partition("{subjects}")
        if (before.strip() and title.startswith(before.strip())) or (
                after.strip() and title.endswith(after.strip())):
            return True
    return False


__all__ = ["Part", "Plan", "plan", "split", "table_marks"]
