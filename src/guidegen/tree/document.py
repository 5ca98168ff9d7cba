"""A whole document: what it says about itself, its running header and footer, its blocks."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..common.language import Language
from .blocks import Block, Running, Section, walk


@dataclass(frozen=True)
class Metadata:
    """What the files say about themselves: PDF metadata, DOCX core and custom properties.

    ``language`` is resolved once by the layout: its tag, and the writing system it is
    written in (``language.script``; None: Latin, Greek or Cyrillic), so that no
    renderer needs to know languages. ``revision`` is the hash of the guide file the
    document was built from (``sha256:…``; empty for a packet), which the DOCX keeps so
    that ``guidegen import --update`` knows which revision a reviewer's copy shows.
    """

    title: str
    language: Language
    subtitle: str = ""
    author: str = ""
    keywords: tuple[str, ...] = ()
    audience: str = ""
    version: str = ""
    status: str = ""
    date: datetime.datetime | None = None
    custom: tuple[tuple[str, str], ...] = ()
    #: the custom properties that are dates (YYYY-MM-DD in ``custom``), as printed: name,
    #: the printed date and the pattern it is written in (CLDR's: "d. MMMM y")
    dates: tuple[tuple[str, str, str], ...] = ()
    #: the files the document was made from (name, bytes), in order: its own YAML
    #: source first; an archival PDF (PDF/A-3) embeds them as its sources
    sources: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)
    revision: str = ""


@dataclass(frozen=True)
class Document:
    """A whole document: metadata, running header and footer, and its blocks in order."""

    meta: Metadata
    running: Running
    blocks: tuple[Block, ...]

    def walk(self) -> Iterator[Block]:
        """Return every block in reading order, sections before what they hold."""
        return walk(self.blocks)


def parts(document: Document) -> list[Section]:
    """Return the sections of ``document`` that have running headers of their own."""
    return [b for b in document.blocks if isinstance(b, Section) and b.running is not None]
