"""How :mod:`.yamledit` writes a value.

A scalar on one line (plain where YAML reads it back the same, else double-quoted), in
a flow collection, or a block scalar's lines broken where the old ones were.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..yamltext import INDENT, Plain, Quoted, double_quoted, plain_ok

WIDTH = 88  # of a folded block's lines, indentation included
FLOW_UNSAFE = set(",[]{}#")


def one_line(value: Any) -> str:
    """Return ``value`` as one line of a block mapping or list: plain if it can be."""
    text = str(value)
    if isinstance(value, Plain) or (plain_ok(text) and not isinstance(value, Quoted)):
        return text
    return double_quoted(text)


def flow_scalar(value: Any) -> str:
    """Return ``value`` as a scalar inside ``[...]`` or ``{...}``: plain if it can be."""
    text = str(value)
    if isinstance(value, Plain):
        return text
    if plain_ok(text) and not (FLOW_UNSAFE & set(text)) and not isinstance(value, Quoted):
        return text
    return double_quoted(text)


def flow_mapping(value: dict[str, Any]) -> str:
    """Return ``value`` as a flow mapping on one line: ``{qa: yes, qc: no}``."""
    return "{" + ", ".join(f"{key}: {flow_scalar(item)}" for key, item in value.items()) + "}"


def content_indent(text: str, start: int, end: int) -> int:
    """Return the indentation of a block scalar's first line of text."""
    for line in text[start:end].split("\n")[1:]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return INDENT


def keep_breaks(old: Sequence[str], text: str, width: int) -> str:
    """Return one line ``text`` broken into lines where the ``old`` lines broke the same words.

    So that an edited paragraph's unchanged lines stay as they were; a line longer than
    ``width`` is broken again at its last space that fits (the first, if none).
    """
    old_words = [word for line in old for word in line.split(" ") if word]
    breaks: set[int] = set()
    count = 0
    for line in old:
        count += len([word for word in line.split(" ") if word])
        breaks.add(count - 1)
    words = text.split(" ")
    after: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old_words, words, autojunk=False)
    for old_at, new_at, size in matcher.get_matching_blocks():
        after |= {new_at + k for k in range(size) if old_at + k in breaks}
    lines: list[list[str]] = [[]]
    for n, word in enumerate(words):
        if lines[-1] and len(" ".join([*lines[-1], word])) > max(width, 20):
            lines.append([])
        lines[-1].append(word)
        if n in after and n < len(words) - 1:
            lines.append([])
    return "\n".join(" ".join(line) for line in lines if line)


def one_paragraph(text: str) -> bool:
    """Return whether Markdown ``text`` is one paragraph of plain lines (folding keeps it)."""
    lines = text.strip("\n").split("\n")
    return all(line.strip() and line == line.strip() and not line.endswith("\\")
               and not re.match(r"([-+*>#]|[0-9]+[.)])(\s|$)", line) for line in lines)


def source_lines(text: str, node: yaml.ScalarNode) -> list[str]:
    """Return the lines of text of a block scalar as the file has them, unindented."""
    lines = text[node.start_mark.index:node.end_mark.index].split("\n")[1:]
    return [line.strip() for line in lines if line.strip()]


__all__ = ["WIDTH", "content_indent", "flow_mapping", "flow_scalar", "keep_breaks", "one_line",
           "one_paragraph", "source_lines"]
