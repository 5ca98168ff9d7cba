"""A whole document: what it says about itself, its running header and footer, its blocks."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .blocks import Block, Running, Section, walk

# The writing system of a document's language where it is not Latin, Greek or Cyrillic
# (which the body fonts draw): the theme's ``scripts:`` entries.
Script = Literal["japanese", "korean", "chinese_simplified", "chinese_traditional",
                 "arabic", "hebrew"]
EAST_ASIAN: frozenset[Script] = frozenset({"japanese", "korean", "chinese_simplified",
                                           "chinese_traditional"})


@dataclass(frozen=True)
class Metadata:
    """What the files say about themselves: PDF metadata, DOCX core and custom properties.

    ``language`` is a BCP 47 tag; ``script`` the writing system it is written in,
    decided once by the layout (None: Latin, Greek or Cyrillic), so that no renderer
    needs to know languages.
    """

    title: str
    language: str
    script: Script | None = None
    subtitle: str = ""
    author: str = ""
    keywords: tuple[str, ...] = ()
    audience: str = ""
    version: str = ""
    status: str = ""
    date: datetime.datetime | None = None
    custom: tuple[tuple[str, str], ...] = ()


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
