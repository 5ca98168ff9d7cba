"""A guide's data → the YAML text a person would write for it.

Keys in the order the data gives them (the README's example order, as the importers
build it); paragraphs of Markdown (:class:`Prose`) as block scalars (``>`` for one
paragraph, ``|`` for more, or for lists), or on the key's line when short; short lists
and a matrix row's cells on one line (``values: {qa: yes, qc: no}``) when they fit;
text plain where YAML reads it back as the same text, else in double quotes (never
single quotes, which people misread around apostrophes); a blank line between the top
level's parts and between subjects; and comment lines where the importer has
something to point out (``notes``, by the path of the key they stand before).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

WIDTH = 88
INDENT = 2
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/guide.schema.json"
_FLOW_UNSAFE = set(",[]{}")
_BREAKS = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_SPACED_LISTS = ("subjects", "comparisons", "sections")  # a blank line between their items
_FLOW_LISTS = ("authors", "keywords")  # lists of a few words, on the key's line
_TIGHT_AFTER = {"comparisons_intro": "comparisons_title"}

Path_ = tuple[str | int, ...]


class Prose(str):
    """Markdown of paragraphs and lists: written as a block scalar unless one short line."""

    __slots__ = ()


class Plain(str):
    """A word written unquoted whatever YAML makes of it: a mark (``yes``), a date."""

    __slots__ = ()


class Quoted(str):
    """Text always in double quotes: a matrix cell of one word is then text (``"Nope"``)."""

    __slots__ = ()


def guide_text(data: Mapping[str, Any], notes: Mapping[Path_, Sequence[str]] | None = None,
               header: Sequence[str] = ()) -> str:
    """Return ``data`` as the text of a guide file, starting with the schema comment line."""
    lines = [SCHEMA_LINE, *(f"# {line}" if line else "#" for line in header)]
    writer = _Writer(notes or {})
    previous = ""
    for key, value in data.items():
        if _TIGHT_AFTER.get(key) != previous:
            lines.append("")
        lines += writer.entry(key, value, (key,), 0)
        previous = key
    return "\n".join(lines) + "\n"


def entry_lines(key: str, value: Any, path: Path_, indent: int) -> list[str]:
    """Return the lines of ``key: value`` at ``indent``, as :func:`guide_text` writes them.

    ``path`` is the key's place in the guide, which decides what goes on one line (a
    matrix row's cells do).
    """
    return _Writer({}).entry(key, value, path, indent)


def item_lines(value: Any, path: Path_, indent: int) -> list[str]:
    """Return the lines of the list item ``value`` at ``indent``, as :func:`guide_text` does."""
    return _Writer({}).item(value, path, indent)


class _Writer:
    def __init__(self, notes: Mapping[Path_, Sequence[str]]) -> None:
        self.notes = notes

    def comments(self, path: Path_, indent: int) -> list[str]:
        return [" " * indent + (f"# {line}" if line else "#") for line in self.notes.get(path, ())]

    def entry(self, key: str, value: Any, path: Path_, indent: int) -> list[str]:
        """Return the lines of ``key: value`` at ``indent``, comments first."""
        pad = " " * indent
        lines = self.comments(path, indent)
        head = f"{pad}{key}:"
        if isinstance(value, Prose):
            return lines + self.prose(head, value, indent)
        if isinstance(value, str):
            return [*lines, f"{head} {scalar(value)}"]
        if isinstance(value, bool | int):
            return [*lines, f"{head} {str(value).lower()}"]
        if isinstance(value, Mapping):
            flow = self.flow(head, value, path)
            if flow is not None:
                return [*lines, flow]
            lines.append(head)
            for child, item in value.items():
                lines += self.entry(str(child), item, (*path, child), indent + INDENT)
            return lines
        flow = self.flow(head, value, path)
        if flow is not None:
            return [*lines, flow]
        lines.append(head)
        spaced = len(path) == 1 and path[0] in _SPACED_LISTS
        for n, item in enumerate(value):
            if spaced and n:
                lines.append("")
            lines += self.item(item, (*path, n), indent + INDENT)
        return lines

    def item(self, value: Any, path: Path_, indent: int) -> list[str]:
        """Return the lines of one list item (``- ...``) at ``indent``."""
        pad = " " * indent
        lines = self.comments(path, indent)
        if isinstance(value, Mapping):
            body: list[str] = []
            for child, item in value.items():
                body += self.entry(str(child), item, (*path, child), indent + INDENT)
            first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
            body[first] = f"{pad}- {body[first][indent + INDENT:]}"
            return lines + body
        if isinstance(value, Prose) and "\n" in value:
            return lines + self.prose(f"{pad}-", value, indent)
        return [*lines, f"{pad}- {scalar(str(value))}"]

    def prose(self, head: str, text: str, indent: int) -> list[str]:
        """Return Markdown ``text`` after ``head``: on its line if short, else a block."""
        text = text.strip("\n")
        if "\n" not in text and len(head) + 1 + len(quoted := scalar(text)) <= WIDTH:
            return [f"{head} {quoted}"]
        if any(character in text for character in _BREAKS):  # line breaks to YAML 1.1
            return [f"{head} {double_quoted(text)}"]
        paragraphs = text.split("\n\n")
        folded = len(paragraphs) == 1 and not any(
            line.endswith("\\") or line[:1] in "-*+>#0123456789" for line in text.split("\n"))
        pad = " " * (indent + INDENT)
        return [f"{head} {'>' if folded else '|'}",
                *(pad + line if line else "" for line in text.split("\n"))]

    def flow(self, head: str, value: Any, path: Path_) -> str | None:
        """Return ``head`` and ``value`` on one flow line if it fits and reads well, else None."""
        if any(p in self.notes for p in self.notes if p[:len(path)] == path and p != path):
            return None
        if isinstance(value, Mapping) and ("rows" not in path or "values" not in path[-2:]):
            return None  # only a matrix row's cells, and a cell with a note, on one line
        if not isinstance(value, Mapping) and path[-1] not in _FLOW_LISTS:
            return None  # responsibilities and items: one per line, as people write them
        written = _flow(value)
        if written is None or len(head) + 1 + len(written) > WIDTH:
            return None
        return f"{head} {written}"


def _flow(value: Any) -> str | None:
    """Return ``value`` as a flow collection (``[a, b]``, ``{a: yes}``) of scalars, or None."""
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            written = _flow_scalar(item)
            if written is None:
                return None
            parts.append(f"{key}: {written}")
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = [_flow_scalar(item) for item in value]
        if any(item is None for item in items) or not items:
            return None
        return "[" + ", ".join(str(item) for item in items) + "]"
    return None


def _flow_scalar(value: Any) -> str | None:
    if not isinstance(value, str) or (isinstance(value, Prose) and "\n" in value):
        return None
    if isinstance(value, Plain):
        return str(value)
    if plain_ok(value) and not (_FLOW_UNSAFE & set(value)) and not isinstance(value, Quoted):
        return value
    return None if len(value) > 40 else double_quoted(value)


def scalar(text: str) -> str:
    """Return ``text`` as a scalar on one line: plain if YAML reads it back unchanged."""
    if isinstance(text, Plain) or (plain_ok(text) and not isinstance(text, Quoted)):
        return str(text)
    return double_quoted(text)


def plain_ok(text: str) -> bool:
    """Return whether ``text`` written plain is read back as the same text (YAML 1.1)."""
    if not text or "\n" in text or text != text.strip():
        return False
    dumped = yaml.safe_dump(str(text), allow_unicode=True, width=10**9)
    return not dumped.startswith(("'", '"', "|", ">")) and dumped.split("\n", 1)[0] == text


def double_quoted(text: str) -> str:
    """Return ``text`` in YAML double quotes (JSON's escapes, and YAML's for line breaks)."""
    written = json.dumps(text, ensure_ascii=False)
    for character, escape in _BREAKS.items():
        written = written.replace(character, escape)
    return written


__all__ = ["SCHEMA_LINE", "Plain", "Prose", "Quoted", "double_quoted", "entry_lines",
           "guide_text", "item_lines", "plain_ok", "scalar"]
