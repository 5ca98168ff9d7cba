"""The reviewed DOCX's body matched with the guide's, paragraph by paragraph.

A paragraph that carries a key is that value's (if the reviewer split it, both halves
are). A paragraph without one (typed by the reviewer, or retyped whole, which removes
a bookmark in Word) is placed only where that is unambiguous, between the paragraphs
that do carry keys around it:

* where the guide shows paragraphs of its own (a matrix's key), one with their text is
  theirs;
* where a value's paragraphs are missing, the paragraphs in their place replace them:
  one value, or as many values as there are paragraphs, one each;
* where nothing is missing, new paragraphs join the value before them when it is
  Markdown text, become new items of the list they are in (a responsibility), or, after
  the closing sections and headed like them, new closing sections;
* anything else is reported, never guessed, as is a value moved before another.

A value with no paragraph left, and nothing in its place, was deleted.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..yamltext import Path_
from .expected import Expected, Para, TableSlot
from .found import Found, FoundPara, FoundTable
from .lines import Line

MARKDOWN = ("intro", "summary", "body", "comparisons_intro")


def parse_key(key: str) -> Path_:
    """Return the path a key names: ``rows[2].note`` → ``("rows", 2, "note")``."""
    path: list[str | int] = []
    for part in key.split("."):
        name, *indices = part.replace("]", "").split("[")
        if name:
            path.append(name)
        path += [int(index) for index in indices]
    return tuple(path)


def is_markdown(key: str) -> bool:
    """Return whether the value at ``key`` is Markdown text (paragraphs and lists)."""
    path = parse_key(key)
    return bool(path) and path[-1] in MARKDOWN


def is_item(key: str) -> bool:
    """Return whether ``key`` is an item of a list of lines (a responsibility)."""
    path = parse_key(key)
    return bool(path) and isinstance(path[-1], int)


@dataclass(frozen=True)
class Insert:
    """New items of the list at ``path``, before its old item ``index``, one per paragraph."""

    path: Path_
    index: int
    paragraphs: tuple[FoundPara, ...]


@dataclass(frozen=True)
class NewSection:
    """A new closing section before the old section ``index``: its heading and its text."""

    index: int
    heading: FoundPara
    paragraphs: tuple[FoundPara, ...]


@dataclass
class Matched:
    """What the reviewed body says of the guide's values.

    ``assigned``: each key's paragraphs; ``deleted``: keys with nothing left in their
    place; ``kept``: keys found nowhere whose place holds what could not be matched
    (left as they were); ``unplaced``: paragraphs with no place, and why.
    """

    assigned: dict[str, list[FoundPara]] = field(default_factory=dict)
    inserts: list[Insert] = field(default_factory=list)
    sections: list[NewSection] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    unplaced: list[tuple[FoundPara, str]] = field(default_factory=list)
    moved: list[FoundPara] = field(default_factory=list)
    tables: dict[str, FoundTable] = field(default_factory=dict)
    strangers: list[FoundTable] = field(default_factory=list)


def match_body(guide: Expected, found: Found) -> Matched:
    """Return how the paragraphs of ``found`` match the guide's body ``guide``."""
    return _Matcher(guide, found).run()


class _Matcher:
    def __init__(self, guide: Expected, found: Found) -> None:
        self.expected = guide.body
        self.found = found
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        for n, item in enumerate(self.expected):
            name = item.key if isinstance(item, Para) else f"table {item.owner}"
            if name and name != "table ":
                self.first.setdefault(name, n)
                self.last[name] = n
        self.present = {key for item in found.body if isinstance(item, FoundPara)
                        for key in item.keys}
        self.result = Matched()
        self.section_styles = {item.paragraph.style for item in found.body
                               if isinstance(item, FoundPara) and item.heading and
                               item.key.startswith(("sections[", "subjects["))
                               and item.key.endswith((".title", ".name"))}

    def run(self) -> Matched:
        anchors: list[tuple[int, int, str]] = []  # (found index, expected index, name)
        for n, item in enumerate(self.found.body):
            name = self._name(item)
            if name is None:
                continue
            if isinstance(item, FoundPara):
                self.result.assigned.setdefault(name, []).append(item)
            if anchors and self.first[name] < self.first[anchors[-1][2]] and \
                    name != anchors[-1][2]:
                if isinstance(item, FoundPara):
                    self.result.moved.append(item)
                continue
            anchors.append((n, self.first[name], name))
        bounds = [(-1, -1, ""), *anchors, (len(self.found.body), len(self.expected), "")]
        for (start, _, before), (end, _, after) in itertools.pairwise(bounds):
            gap = [item for item in self.found.body[start + 1:end]
                   if self._name(item) is None]
            self._gap(before, after, gap)
        return self.result

    def _name(self, item: FoundPara | FoundTable) -> str | None:
        """Return the key (or ``table owner``) an item of the found body anchors at."""
        if isinstance(item, FoundTable):
            name = f"table {item.owner}"
            if item.owner and name in self.first:
                self.result.tables.setdefault(item.owner, item)
                return name
            return None
        if len(item.keys) > 1:  # two values' paragraphs joined: neither is guessed
            return None
        return item.key if item.key in self.first else None

    # -- a gap between anchors -------------------------------------------------------------

    def _gap(self, before: str, after: str, gap: list[FoundPara | FoundTable]) -> None:
        low = self.last[before] + 1 if before else 0
        high = self.first[after] if after else len(self.expected)
        between = self.expected[low:high]
        paragraphs: list[FoundPara] = []
        for item in gap:
            if isinstance(item, FoundTable):
                self.result.strangers.append(item)
            elif len(item.keys) > 1:
                self.result.unplaced.append((item, "holds the text of several values of the "
                                             f"guide ({', '.join(item.keys)}), joined"))
            else:
                paragraphs.append(item)
        paragraphs = self._without_fixed(between, paragraphs)
        missing = list(dict.fromkeys(
            item.key for item in between if isinstance(item, Para) and item.key
            and item.key not in self.present))
        if missing and not paragraphs:
            self.result.deleted += missing
        elif missing:
            self._replace(missing, paragraphs)
        elif paragraphs:
            self._add(before, after, paragraphs)

    def _without_fixed(self, between: Sequence[Para | TableSlot],
                       paragraphs: list[FoundPara]) -> list[FoundPara]:
        """Return ``paragraphs`` without those showing what the layout adds (a matrix's key)."""
        left = list(paragraphs)
        for item in between:
            if isinstance(item, Para) and not item.key:
                same = next((p for p in left if p.line.same_text(item.line)), None)
                if same is not None:
                    left.remove(same)
        return left

    def _replace(self, missing: list[str], paragraphs: list[FoundPara]) -> None:
        """Give the paragraphs in the place of missing values to them, if that is clear."""
        sizes = [sum(1 for item in self.expected if isinstance(item, Para) and item.key == key)
                 for key in missing]
        if len(missing) == 1 and (is_markdown(missing[0]) or len(paragraphs) == 1):
            if self._fits(missing[0], paragraphs):
                self.result.assigned[missing[0]] = paragraphs
                return
        elif len(paragraphs) == sum(sizes):
            at = 0
            chunks = []
            for key, size in zip(missing, sizes, strict=True):
                chunks.append((key, paragraphs[at:at + size]))
                at += size
            if all(self._fits(key, chunk) for key, chunk in chunks):
                for key, chunk in chunks:
                    self.result.assigned[key] = chunk
                return
        self.result.kept += missing
        self.result.unplaced += [(p, "is where the guide has " + ", ".join(missing) +
                                  ", but cannot be matched with them one by one")
                                 for p in paragraphs]

    def _fits(self, key: str, paragraphs: Sequence[FoundPara]) -> bool:
        """Return whether ``paragraphs`` can show ``key``: headings for a heading, and so on."""
        first = self.expected[self.first[key]]
        heading = isinstance(first, Para) and first.heading
        return all(p.heading == heading for p in paragraphs) and (
            is_markdown(key) or all((p.line.place is None) == (line.place is None)
                                    for p, line in zip(paragraphs, self._lines(key),
                                                       strict=False)))

    def _lines(self, key: str) -> list[Line]:
        return [item.line for item in self.expected if isinstance(item, Para) and item.key == key]

    def _add(self, before: str, after: str, paragraphs: list[FoundPara]) -> None:
        """Place paragraphs where the guide had nothing: see the module."""
        listed = all(p.line.place is not None and not p.heading for p in paragraphs)
        body = not any(p.heading for p in paragraphs)
        if before and before == after:
            self.result.assigned[before].extend(paragraphs)  # reassembled in order later
        elif listed and is_item(before):
            self._insert(before, 1, paragraphs)
        elif listed and is_item(after):
            self._insert(after, 0, paragraphs)
        elif body and is_markdown(before):
            self.result.assigned[before].extend(paragraphs)
        elif body and is_markdown(after) and not is_markdown(before):
            self.result.assigned[after][:0] = paragraphs
        elif paragraphs[0].heading and paragraphs[0].paragraph.style in self.section_styles \
                and (before.startswith("sections[") or after.startswith("sections[")):
            self._sections(before, after, paragraphs)
        else:
            near = before or after or "the start"
            self.result.unplaced += [(p, f"is new near {near}, and has no place there in the "
                                      "guide") for p in paragraphs]

    def _insert(self, key: str, offset: int, paragraphs: list[FoundPara]) -> None:
        path = parse_key(key)
        assert isinstance(path[-1], int)
        self.result.inserts.append(Insert(path[:-1], path[-1] + offset, tuple(paragraphs)))

    def _sections(self, before: str, after: str, paragraphs: list[FoundPara]) -> None:
        """Add new closing sections: each heading and the paragraphs after it."""
        index = (int(parse_key(before)[1]) + 1 if before.startswith("sections[")
                 else int(parse_key(after)[1]))
        heading: FoundPara | None = None
        text: list[FoundPara] = []
        for paragraph in [*paragraphs, None]:
            if paragraph is None or paragraph.heading:
                if heading is not None and text:
                    self.result.sections.append(NewSection(index, heading, tuple(text)))
                elif heading is not None:
                    self.result.unplaced.append((heading, "heads a new section without text"))
                heading, text = paragraph, []
            else:
                text.append(paragraph)


__all__ = ["Insert", "Matched", "NewSection", "is_item", "is_markdown", "match_body",
           "parse_key"]
