"""A guide being imported: its data, the comments for its YAML, the files beside it.

Both importers (Word, Excel) fill a :class:`Draft`; :mod:`guidegen.readers` writes it.
This module also holds what they share: subject ids made from names, and Word blocks
turned into Markdown (:meth:`Draft.prose`), where pictures are saved beside the guide and
what Markdown cannot hold is warned about at its paragraph.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .. import tree
from ..common.characters import wide
from ..content.markup import Block as TextBlock
from ..content.markup import parse_inlines
from ..errors import Location, warn
from .docx.inlines import Changes, inlines
from .docx.model import Block, ListPlace, Paragraph, Picture, Table
from .markdown import block_markdown, inline_markdown
from .yamltext import Path_, Prose

MAX_ID = 40


@dataclass
class Draft:
    """The data of the guide being imported, in the order it is written, and what goes with it.

    ``notes`` are comment lines for the YAML, by the path of the key they stand before;
    ``files`` are written beside the guide (its pictures), by their path relative to it.
    """

    file: str
    pictures: str = "images"  # the folder beside the guide its pictures go to
    changes: Changes = "accept"
    data: dict[str, Any] = field(default_factory=dict)
    notes: dict[Path_, list[str]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    #: headings whose place was warned about already (by paragraph number)
    explained: set[int | None] = field(default_factory=set)
    _saved: dict[str, str] = field(default_factory=dict)

    def note(self, path: Path_, line: str) -> None:
        """Add a comment line before the key at ``path``."""
        lines = self.notes.setdefault(path, [])
        if line not in lines:
            lines.append(line)

    # -- Word blocks → Markdown ---------------------------------------------------------

    def prose(self, blocks: Sequence[Block], path: Path_) -> Prose:
        """Return Word ``blocks`` as the Markdown of the field at ``path``.

        Headings become bold paragraphs and tables their rows as a list, each with a
        warning; pictures are saved beside the guide and named in a comment.
        """
        nodes = self.blocks_of(blocks, path)
        written = block_markdown(nodes)
        if not written.exact:
            first = next((b.location for b in blocks), Location(self.file))
            warn(first, "formatting that Markdown cannot hold here was left out; the text is "
                 "kept")
        return Prose(written.text)

    def inline(self, paragraphs: Sequence[Paragraph], path: Path_) -> str:
        """Return ``paragraphs`` as one line of Markdown (their texts joined by spaces)."""
        nodes: list[tree.Inline] = []
        for paragraph in paragraphs:
            self.save_pictures(paragraph, path)
            found = inlines(paragraph.runs, self.changes)
            if found:
                nodes += [*([tree.Text(" ")] if nodes else []), *found]
        written = inline_markdown(_merged(nodes))
        if not written.exact and paragraphs:
            warn(paragraphs[0].location, "formatting that Markdown cannot hold here was left "
                 "out; the text is kept")
        return written.text

    def blocks_of(self, blocks: Sequence[Block], path: Path_) -> list[TextBlock]:
        """Return Word ``blocks`` as Markdown's block nodes (lists nested as in Word)."""
        built = _Blocks()
        for block in blocks:
            if isinstance(block, Table):
                built.add(self.table_as_text(block, path))
                continue
            self.save_pictures(block, path)
            content = inlines(block.runs, self.changes)
            if block.heading:
                content = (tree.Strong(content),) if content else ()
                if block.location.line not in self.explained:
                    warn(block.location, "a heading inside a part, kept as a bold paragraph")
            if block.list is not None and not block.heading:
                built.item(block.list, content)
            elif content:
                built.add([tree.Paragraph(content)])
        return built.done()

    def table_as_text(self, table: Table, path: Path_, why: str = "") -> list[TextBlock]:
        """Return ``table`` as a bold header line and a list of its rows, with a warning."""
        rows = [[self.inline(cell.paragraphs, path) for cell in row] for row in table.rows]
        texts = [" · ".join(text for text in row if text) for row in rows]
        texts = [text for text in texts if text]
        why = why or ("a table with merged cells" if table.merged else
                      "a table inside a table" if table.nested else "a table")
        warn(table.location, f"{why}, kept as text")
        if not texts:
            return []
        head = parse_inlines(texts[0]) if texts else ()
        blocks: list[TextBlock] = [tree.Paragraph((tree.Strong(head),))]
        if texts[1:]:
            blocks.append(tree.ListBlock(tuple(
                (tree.Paragraph(parse_inlines(text)),) for text in texts[1:])))
        return blocks

    def save_pictures(self, block: Block, path: Path_) -> None:
        """Save the pictures of ``block`` beside the guide; name each in a comment at ``path``."""
        if not isinstance(block, Paragraph):
            return
        for picture in block.pictures:
            name = self._picture_name(picture)
            self.note(path, f"picture {name} was here ({self.file}, paragraph "
                      f"{block.location.line})")
            warn(block.location, f"a picture, saved as {name} beside the guide; a guide "
                 "holds no pictures, so a comment in the YAML names it")

    def _picture_name(self, picture: Picture) -> str:
        if picture.part in self._saved:
            return self._saved[picture.part]
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", posixpath.basename(picture.part)) or "picture"
        name = f"{self.pictures}/{base}"
        stem, dot, suffix = base.rpartition(".")
        n = 2
        while name in self.files:
            name = f"{self.pictures}/{stem or base}-{n}{dot}{suffix}"
            n += 1
        self.files[name] = picture.data
        self._saved[picture.part] = name
        return name


def _merged(nodes: list[tree.Inline]) -> tuple[tree.Inline, ...]:
    merged: list[tree.Inline] = []
    for node in nodes:
        if isinstance(node, tree.Text) and merged and isinstance(merged[-1], tree.Text):
            merged[-1] = tree.Text(merged[-1].text + node.text)
        else:
            merged.append(node)
    return tuple(merged)


@dataclass
class _List:
    """A list being built from Word's list paragraphs: its items grow as they are read."""

    level: int
    list_id: str
    ordered: bool
    start: int
    items: list[list[TextBlock | _List]] = field(default_factory=list)

    def done(self) -> TextBlock:
        items = tuple(tuple(_done(item)) for item in self.items)
        return tree.ListBlock(items, ordered=self.ordered, start=self.start if self.ordered
                              else 1)


def _done(blocks: Sequence[TextBlock | _List]) -> list[TextBlock]:
    return [block.done() if isinstance(block, _List) else block for block in blocks]


@dataclass
class _Blocks:
    """Markdown blocks being built; list paragraphs go into the lists open at their level."""

    found: list[TextBlock | _List] = field(default_factory=list)
    open: list[_List] = field(default_factory=list)

    def add(self, blocks: Sequence[TextBlock]) -> None:
        self.open.clear()
        self.found += blocks

    def item(self, place: ListPlace, content: tuple[tree.Inline, ...]) -> None:
        while self.open and (self.open[-1].level > place.level or (
                self.open[-1].level == place.level and
                (self.open[-1].list_id, self.open[-1].ordered) != (place.list_id,
                                                                    place.ordered))):
            self.open.pop()
        item: list[TextBlock | _List] = [tree.Paragraph(content)] if content else []
        if self.open and self.open[-1].level == place.level:
            self.open[-1].items.append(item)
            return
        new = _List(place.level, place.list_id, place.ordered, place.number, [item])
        if self.open and self.open[-1].items:
            self.open[-1].items[-1].append(new)
        else:
            self.found.append(new)
        self.open.append(new)

    def done(self) -> list[TextBlock]:
        return _done(self.found)


# -- subject ids -------------------------------------------------------------------------------

def make_id(text: str, taken: Iterable[str] = (), fallback: str = "subject") -> str:
    """Return a subject id made from ``text`` (``Quality Assurance`` → ``quality-assurance``).

    Lower-case ASCII letters, digits and ``-``, starting with a letter, at most 40
    characters, and none of ``taken`` (a number is added).
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        slug = fallback
    elif not slug[0].isalpha():
        slug = f"{fallback}-{slug}"
    slug = slug[:MAX_ID].rstrip("-")
    taken = set(taken)
    candidate, n = slug, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate = slug[:MAX_ID - len(suffix)].rstrip("-") + suffix
        n += 1
    return candidate


def plain(paragraphs: Sequence[Paragraph], changes: Changes = "accept") -> str:
    """Return the plain text of ``paragraphs`` on one line (formatting dropped)."""
    return " ".join(one_line(tree.plain_text(tuple(inlines(p.runs, changes)), "\n"))
                    for p in paragraphs if p.runs).strip()


def one_line(text: str) -> str:
    """Return ``text`` on one line, its spaces collapsed.

    A line break right next to a Chinese, Japanese or Korean character (a balanced
    title's, see :mod:`guidegen.layout.balance`) joins its sides without a space, as
    those languages are written.
    """
    text = re.sub(r"(\S)\n(?=(\S))", lambda found: found[1] + (
        "" if wide(found[1] + found[2]) else " "), text)
    return " ".join(text.split())


__all__ = ["Draft", "make_id", "plain"]
