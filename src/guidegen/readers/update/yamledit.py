"""A guide's YAML text edited in place: only what changes is rewritten, byte for byte.

``guidegen import --update`` must keep everything a person wrote around the values a
reviewer changed: comments, key order, quoting, block scalars, blank lines, the width
of lines. A round trip through a YAML library writes the whole file again (guessing its
indentation and reflowing what it cannot keep); here the file is parsed once for the
place of every node (PyYAML's composer, whose marks give each node's first and last
character: :mod:`.yamlplaces`), and each edit replaces only the characters of its node:

* :meth:`YamlEdits.put` rewrites a value in the style it was written in: a block
  scalar stays a block (``|`` or ``>``, its indicators and indentation kept), quoted
  text keeps its quotes, plain text stays plain where YAML reads it back unchanged;
* :meth:`YamlEdits.delete` removes a list item or a key with its lines;
* :meth:`YamlEdits.insert` adds a list item, written as ``guidegen import`` writes one,
  and :meth:`YamlEdits.add` a key to a mapping; a list or mapping written in flow
  style (``[a, b]``) is written again whole, its other items as they were.

The result is parsed again and compared with the old data with the edits applied,
value by value and with whether each value is written plain (``yes`` is a mark,
``"yes"`` a text); anything else is refused (:class:`EditError`), never written.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ...common.yamlsource import format_path
from ..yamltext import INDENT, Path_, Plain, Prose, Quoted, double_quoted, item_lines, plain_ok
from ..yamltext import entry_lines as _entry_lines
from .yamlcheck import same, tagged, written
from .yamlplaces import EditError, Loader, Place, Places
from .yamlscalars import (
    WIDTH,
    content_indent,
    flow_mapping,
    flow_scalar,
    keep_breaks,
    one_line,
    one_paragraph,
    source_lines,
)


@dataclass(frozen=True)
class _Splice:
    start: int
    end: int
    text: str


@dataclass
class YamlEdits:
    """Edits to one YAML file's text, applied all at once by :meth:`result`."""

    text: str
    _where: Places = field(init=False)
    _places: dict[Path_, Place] = field(init=False)
    _sets: dict[Path_, Any] = field(default_factory=dict)
    _deletes: set[Path_] = field(default_factory=set)
    _inserts: dict[Path_, list[tuple[int, Any]]] = field(default_factory=dict)
    _adds: dict[Path_, list[tuple[str, Any, tuple[str, ...]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._where = Places(self.text)  # raises EditError if it is no YAML mapping
        self._places = self._where.nodes

    # -- what the file holds -----------------------------------------------------------------

    def has(self, path: Path_) -> bool:
        """Return whether the file has a value at ``path``."""
        return path in self._places

    def length(self, path: Path_) -> int:
        """Return the number of items of the list (or keys of the mapping) at ``path``."""
        place = self._places.get(path)
        node = place.node if place else None
        return len(node.value) if isinstance(node, yaml.SequenceNode | yaml.MappingNode) else 0

    def is_mapping(self, path: Path_) -> bool:
        """Return whether the value at ``path`` is a mapping."""
        place = self._places.get(path)
        return place is not None and isinstance(place.node, yaml.MappingNode)

    # -- edits -------------------------------------------------------------------------------

    def put(self, path: Path_, value: Any) -> None:
        """Write ``value`` at ``path``: text, or a mapping of texts (a cell with its note).

        Text is a ``str``, or one of :mod:`..yamltext`'s: ``Prose`` (Markdown), ``Plain``
        (a mark, written unquoted) or ``Quoted`` (always in quotes). Markdown of one
        paragraph where a folded block (``>``) was is written as one line (its soft line
        breaks are spaces), which the block folds again.
        """
        node = self._known(path).node
        if isinstance(value, Prose) and isinstance(node, yaml.ScalarNode) and \
                node.style == ">" and one_paragraph(value):
            value = Prose(" ".join(value.split("\n")))
        self._sets[path] = value

    def delete(self, path: Path_) -> None:
        """Remove the list item or the key at ``path``, with its lines."""
        self._known(path)
        if not path:
            raise EditError("the whole file cannot be removed")
        self._deletes.add(path)

    def insert(self, path: Path_, index: int, value: Any) -> None:
        """Add ``value`` before the old item ``index`` of the list at ``path`` (at its end)."""
        place = self._known(path)
        if not isinstance(place.node, yaml.SequenceNode) or not place.node.value:
            raise EditError(f"{format_path(path)}: not a list with items to write a new one like")
        self._inserts.setdefault(path, []).append((index, value))

    def add(self, path: Path_, key: str, value: Any, after: Sequence[str] = ()) -> None:
        """Add ``key: value`` to the mapping at ``path``, after the last key of ``after`` it has."""
        place = self._known(path)
        if not isinstance(place.node, yaml.MappingNode):
            raise EditError(f"{format_path(path)}: not a mapping")
        if (*path, key) in self._places:
            raise EditError(f"{format_path((*path, key))}: exists already")
        self._adds.setdefault(path, []).append((key, value, tuple(after)))

    def _known(self, path: Path_) -> Place:
        place = self._places.get(path)
        if place is None:
            raise EditError(f"{format_path(path)}: no such value")
        return place

    # -- writing -----------------------------------------------------------------------------

    def result(self) -> str:
        """Return the edited text, checked to read as the old data with the edits applied."""
        text = self.text
        for splice in sorted(self._splices(), key=lambda s: (s.start, s.end), reverse=True):
            text = text[:splice.start] + splice.text + text[splice.end:]
        self._check(text)
        return text

    def _splices(self) -> list[_Splice]:
        rewritten = self._flow_rewrites()
        found = [_Splice(*self._where.span(path), self._flow_text(path)) for path in rewritten]

        def covered(path: Path_, strictly: bool = False) -> bool:
            return any(path[:n] in self._deletes or path[:n] in rewritten
                       for n in range(len(path) + (0 if strictly else 1)))

        for path, value in self._sets.items():
            if not covered(path):
                found.append(self._set_splice(path, value))
        for path in self._deletes:
            if not covered(path, strictly=True):
                found.append(self._delete_splice(path))
        for path, items in self._inserts.items():
            if not covered(path):
                found += self._insert_splices(path, items)
        for path, keys in self._adds.items():
            if not covered(path):
                found += [self._add_splice(path, key, value, after) for key, value, after in keys]
        joined: dict[int, _Splice] = {}  # new lines at one place, in the order they came
        for splice in [s for s in found if s.start == s.end]:
            earlier = joined.get(splice.start)
            joined[splice.start] = splice if earlier is None else _Splice(
                splice.start, splice.start, earlier.text + splice.text)
        found = [s for s in found if s.start != s.end] + list(joined.values())
        ordered = sorted(found, key=lambda s: (s.start, s.end))
        for before, after in itertools.pairwise(ordered):
            if after.start < before.end:
                raise EditError("two edits touch the same lines")
        return found

    # -- set -------------------------------------------------------------------------------

    def _set_splice(self, path: Path_, value: Any) -> _Splice:
        place = self._places[path]
        node = place.node
        if isinstance(value, dict):
            written = flow_mapping(value)
        elif isinstance(node, yaml.ScalarNode):
            written = self._scalar(value, node, place.flow)
        else:
            written = flow_scalar(value) if place.flow else one_line(value)
        start, end = self._where.span(path)
        if not isinstance(node, yaml.ScalarNode) and not place.flow and place.key is not None:
            start = place.key.end_mark.index + 1  # right after the key's colon
            written = " " + written
        return _Splice(start, end, written)

    def _scalar(self, value: Any, node: yaml.ScalarNode, flow: bool) -> str:
        """Return ``value`` written in the style of the scalar ``node``, where it can be."""
        text = str(value)
        if flow:
            return flow_scalar(value)
        if node.style in ("|", ">") or "\n" in text.strip("\n"):
            return self._block(text, node)
        if isinstance(value, Plain):
            return text
        if node.style == "'" and not isinstance(value, Quoted):
            return "'" + text.replace("'", "''") + "'"
        if not node.style and plain_ok(text) and not isinstance(value, Quoted):
            return text
        return double_quoted(text)

    def _block(self, text: str, node: yaml.ScalarNode) -> str:
        """Return ``text`` as a block scalar where ``node`` was, in its header and indentation."""
        start = node.start_mark.index
        if node.style in ("|", ">"):
            header = self.text[start:self.text.index("\n", start)]
            indent = content_indent(self.text, start, node.end_mark.index)
        else:
            header, indent = "|", self._where.indent_of(node) + INDENT
        text = text.strip("\n")
        if header.startswith(">") and ("\n" in text or text != text.strip() or "  " in text):
            header = "|" + header[1:]  # folding would join these lines
        lines = text.split("\n")
        if header.startswith(">"):
            old = node.value.strip("\n") if node.style == ">" else ""
            lines = keep_breaks(source_lines(self.text, node) if old else [], text,
                                WIDTH - indent).split("\n")
        pad = " " * indent
        return header + "".join("\n" + (pad + line if line else "") for line in lines)

    # -- delete ----------------------------------------------------------------------------

    def _delete_splice(self, path: Path_) -> _Splice:
        place = self._places[path]
        parent = place.parent
        if isinstance(parent, yaml.SequenceNode):
            index, items = int(path[-1]), parent.value
            if len(items) > 1 and index == len(items) - 1:  # the last: the gap before it too
                start = self._where.line_end(self._where.end(items[index - 1])) + 1
            else:
                start = self._where.item_start(place.node)
            end = (self._where.item_start(items[index + 1]) if index + 1 < len(items)
                   else self._where.line_end(self._where.end(place.node)) + 1)
            return _Splice(start, min(end, len(self.text)), "")
        assert place.key is not None
        start = self._where.line_start(place.key.start_mark.index)
        if self.text[start:place.key.start_mark.index].strip():
            raise EditError(f"{format_path(path)}: shares its line with another key")
        end = self._where.line_end(self._where.end(place.node)) + 1
        return _Splice(start, min(end, len(self.text)), "")

    # -- insert ----------------------------------------------------------------------------

    def _insert_splices(self, path: Path_, items: list[tuple[int, Any]]) -> list[_Splice]:
        node = self._places[path].node
        assert isinstance(node, yaml.SequenceNode)
        old = node.value
        indent = self._where.dash(old[0]) - self._where.line_start(self._where.dash(old[0]))
        spaced = len(old) > 1 and "\n\n" in self.text[
            self._where.line_end(self._where.end(old[0])):self._where.item_start(old[1]) + 1]
        gap = "\n" if spaced else ""
        found: list[_Splice] = []
        for index, value in sorted(items, key=lambda item: item[0]):
            lines = "\n".join(item_lines(value, (*path, index), indent)) + "\n"
            if index < len(old):
                at = self._where.item_start(old[index])
                found.append(_Splice(at, at, lines + gap))
            else:
                at = min(self._where.line_end(self._where.end(old[-1])) + 1, len(self.text))
                prefix = "" if self.text[at - 1:at] == "\n" else "\n"
                found.append(_Splice(at, at, prefix + gap + lines))
                prefix = ""
        return found

    # -- add ---------------------------------------------------------------------------------

    def _add_splice(self, path: Path_, key: str, value: Any, after: tuple[str, ...]) -> _Splice:
        node = self._places[path].node
        assert isinstance(node, yaml.MappingNode)
        first = node.value[0][0]
        indent = first.start_mark.column
        lines = "\n".join(_entry_lines(key, value, (*path, key), indent)) + "\n"
        before = [n for n, (k, _) in enumerate(node.value) if k.value in after]
        if before:
            last = self._where.end(node.value[max(before)][1])
            at = min(self._where.line_end(last) + 1, len(self.text))
            return _Splice(at, at, ("" if self.text[at - 1:at] == "\n" else "\n") + lines)
        at = self._where.line_start(first.start_mark.index)
        if self.text[at:first.start_mark.index].strip():  # the first key follows a dash
            raise EditError(f"{format_path(path)}: no line for {key!r} before its first key")
        return _Splice(at, at, lines)

    # -- flow collections, written again whole --------------------------------------------------

    def _flow_rewrites(self) -> set[Path_]:
        """Return the outermost flow collections that lose, gain or change items."""
        touched = {path for path in self._inserts} | set(self._adds) | {
            path[:-1] for path in self._deletes}
        flows = {path for path in touched if self._places[path].flow}
        return {path for path in flows if not any(path[:n] in flows for n in range(len(path)))}

    def _flow_text(self, path: Path_) -> str:
        """Return the node at ``path`` written in flow style, with the edits inside it."""
        if path in self._sets:
            value = self._sets[path]
            return flow_mapping(value) if isinstance(value, dict) else flow_scalar(value)
        node = self._places[path].node
        if isinstance(node, yaml.SequenceNode):
            parts = [self._flow_text((*path, n)) for n in range(len(node.value))
                     if (*path, n) not in self._deletes]
            for offset, (index, value) in enumerate(sorted(self._inserts.get(path, []),
                                                            key=lambda item: item[0])):
                kept = sum(1 for n in range(index) if (*path, n) not in self._deletes)
                parts.insert(kept + offset, flow_scalar(value))
            return "[" + ", ".join(parts) + "]"
        if isinstance(node, yaml.MappingNode):
            parts = [f"{self.text[k.start_mark.index:k.end_mark.index]}: "
                     f"{self._flow_text((*path, k.value))}" for k, _ in node.value
                     if (*path, k.value) not in self._deletes]
            parts += [f"{key}: {flow_scalar(value)}" for key, value, _ in
                      self._adds.get(path, [])]
            return "{" + ", ".join(parts) + "}"
        return self.text[slice(*self._where.span(path))]

    # -- checking ------------------------------------------------------------------------------

    def _check(self, text: str) -> None:
        """Raise :class:`EditError` unless ``text`` reads as the old data with the edits."""
        try:
            after = tagged(yaml.compose(text, Loader=Loader))
        except yaml.YAMLError as exc:
            raise EditError(f"the edited file would not be YAML ({exc})") from None
        expected = self._expected(tagged(yaml.compose(self.text, Loader=Loader)), ())
        if not same(after, expected):
            raise EditError("the edited file would read differently than intended")

    def _expected(self, data: Any, path: Path_) -> Any:
        """Return the old ``data`` at ``path`` with the edits applied, as it should read."""
        if path in self._sets:
            return written(self._sets[path])
        if isinstance(data, list):
            kept = [(n, self._expected(item, (*path, n))) for n, item in enumerate(data)
                    if (*path, n) not in self._deletes]
            new = [(index - 0.5, written(value)) for index, value in self._inserts.get(path, [])]
            return [value for _, value in sorted([*kept, *new], key=lambda item: item[0])]
        if isinstance(data, dict):
            items = [(key, self._expected(value, (*path, key))) for key, value in data.items()]
            for key, value, after in self._adds.get(path, []):
                at = max((n + 1 for n, (k, _) in enumerate(items) if k in after), default=0)
                items.insert(at, (key, written(value)))
            return {key: value for key, value in items if (*path, key) not in self._deletes}
        return data


__all__ = ["EditError", "YamlEdits"]
