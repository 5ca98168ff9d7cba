"""Read YAML into plain Python data plus a map from data paths to source locations.

PyYAML's safe composer builds the node graph (with marks); we construct values
ourselves so that nothing surprises the schema:

* every scalar stays the text the author wrote (``1.10`` is ``"1.10"``, ``12:30`` is
  ``"12:30"``); the schema decides what it means. Plain ``yes``/``no``/``on``/``off``
  become :class:`Flag` strings so fields can tell a YAML 1.1 boolean from quoted text;
* plain ``null``, ``~`` and empty values are ``None``;
* duplicate keys, non-string keys, explicit tags other than the standard ones, and
  characters that cannot go into XML are located errors;
* the size a document expands to through its aliases is counted on the composed node
  graph first, once per node, so an alias bomb is refused before any value is built.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import (
    ContentError,
    Location,
    Problem,
    display_name,
    rewarn,
    set_aside_warnings,
    warn,
)
from ..files import read_file
from .characters import BAD_CHARACTERS, UNREADABLE, describe, hidden_problem, printed
from .slips import scalar_slips
from .yamlpath import Path_ as Path_
from .yamlpath import format_path as format_path

MAX_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_CHARACTERS = 4_000_000  # of text after aliases: four times the largest file
MAX_DEPTH = 64

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
try:  # the C parser is several times faster; both produce the same nodes and marks
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


class Flag(str):
    """A plain (unquoted) scalar that YAML 1.1 reads as a boolean, kept as its text."""


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a YAML file was written."""

    file: str
    values: dict[Path_, Location] = field(default_factory=dict)
    keys: dict[Path_, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: for literal block scalars (``|``): the file line and column of each text line
    literal_lines: dict[Path_, list[tuple[int, int]]] = field(default_factory=dict)
    #: the values written in quotes or as a block: text as written, never a mark
    quoted: set[Path_] = field(default_factory=set)
    #: the file's bytes as read (a PDF/A-3 embeds them: what made it)
    raw: bytes = field(default=b"", repr=False)
    #: the file's hash (:func:`digest_of` of its bytes): the revision a build was made from
    digest: str = ""
    #: where each printed character above U+00FF was first written (``check`` asks the
    #: fonts for them, as the PDF's layout does)
    characters: dict[str, Location] = field(default_factory=dict)

    def locate(self, path: Path_, *, key: bool = False) -> Location:
        """Return the location of ``path``, or of its nearest located ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Location(self.file, 1, 1)


# what a reader does with each literal block (``|``): its text, the file's line and column
# of each of its lines, the file's name, its path (the content checks its Markdown)
LiteralCheck = Callable[[str, list[tuple[int, int]], str, "Path_"], None]


@dataclass
class _Builder:
    source: SourceMap
    lines: list[str]
    literal: LiteralCheck | None = None

    def at(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.source.file, mark.line + 1, mark.column + 1)

    def fail(self, node: yaml.Node, path: Path_, message: str) -> None:
        self.source.problems.append(Problem(self.at(node), message, format_path(path)))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        if len(path) > MAX_DEPTH:
            self.fail(node, path, f"nested more than {MAX_DEPTH} levels deep")
            return None
        self.source.values.setdefault(path, self.at(node))
        if node.tag not in _STANDARD_TAGS:
            self.fail(node, path, f"tag {node.tag!r} is not allowed (only plain YAML data)")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the composer makes only these three
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node, path, "merge keys ('<<') are not supported")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _NULL:
                self.fail(key_node, path, "keys must be plain text")
                continue
            key = key_node.value
            if key in result:
                first = self.source.keys[(*path, key)]
                self.fail(key_node, (*path, key),
                          f"duplicate key {key!r} (first defined at {first})")
                continue
            self.source.keys[(*path, key)] = self.at(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> str | None:
        text: str = node.value
        if not node.style and node.tag == _NULL:
            return None
        bad = BAD_CHARACTERS.search(text)
        if bad:
            self.fail(node, path, f"character U+{ord(bad.group()):04X} is not allowed in text")
        if not node.style and node.tag == _BOOL:
            return Flag(text)
        if node.style:
            self.source.quoted.add(path)
        scalar_slips(node, self.lines, self.source.file, path)
        if node.style == "|":
            lines = self.source.literal_lines[path] = _literal_lines(node, self.lines)
            if self.literal is not None:
                self.literal(text, lines, self.source.file, path)
        hidden = hidden_problem(text)
        if hidden is not None:
            warn(self.where_in(node, path, hidden[0]), hidden[1], format_path(path))
        if not text.isascii():
            self._note_characters(node, path, text)
        return text

    def _note_characters(self, node: yaml.ScalarNode, path: Path_, text: str) -> None:
        seen = self.source.characters
        for index, char in enumerate(text):
            if char not in seen and ord(char) > 0xFF and printed(char):
                seen[char] = self.where_in(node, path, index)

    def where_in(self, node: yaml.ScalarNode, path: Path_, index: int) -> Location:
        """Return where character ``index`` of a scalar's text is (its line, in a block)."""
        lines = self.source.literal_lines.get(path)
        line = node.value.count("\n", 0, index)
        if not lines or line >= len(lines):
            return self.at(node)
        number, column = lines[line]
        return Location(self.source.file, number,
                        column + index - (node.value.rfind("\n", 0, index) + 1))


def _literal_lines(node: yaml.ScalarNode, lines: list[str]) -> list[tuple[int, int]]:
    """Return (line, column) in the file of each line of a literal block's text."""
    found = []
    for number in range(node.start_mark.line + 1, min(node.end_mark.line + 1, len(lines))):
        text = lines[number]
        found.append((number + 1, len(text) - len(text.lstrip(" ")) + 1))
    return found


# What PyYAML's messages usually mean for someone writing a guide, and what to do.
_HINTS = {
    "mapping values are not allowed": "a colon followed by a space starts a key: put "
    "text that holds ': ' in quotes, or line this key up with the ones above it",
    "tab character": "indent with spaces, not tabs",
    "found character '\\t'": "indent with spaces, not tabs",
    "did not find expected '-' indicator": "the items of one list, and the keys of one "
    "mapping, start in the same column: check this line's indentation",
    "did not find expected key": "the keys of one mapping start in the same column: "
    "check this line's indentation",
    "could not find expected ':'": "a key needs ': ' after it; text that starts with a "
    "special character ([ { * & ! | > % @ `) goes in quotes",
    "found undefined alias": "a '*' starts an alias: put text that starts with '*' in "
    "quotes",
}


def _hint(problem: str) -> str:
    """Return what PyYAML's ``problem`` usually means for a guide's author, as "; ..."."""
    found = next((hint for key, hint in _HINTS.items() if key in problem), "")
    return f"; {found}" if found else ""


def decode(data: bytes, file: str) -> str:
    """Return ``data`` as text, or raise a located error naming the wrong encoding."""
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            raise ContentError.collect([Problem(
                Location(file, 1, 1), f"file is encoded as {name}; save it as UTF-8")])
    if data.count(0) > len(data) // 4:  # ASCII text in UTF-16 or UTF-32: every other byte 0
        raise ContentError.collect([Problem(
            Location(file, 1, 1), "file is not UTF-8 (it looks like UTF-16 or UTF-32 "
            "without a byte-order mark); save it as UTF-8")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError.collect([Problem(
            Location(file, line, column),
            f"byte 0x{data[exc.start]:02X} is not valid UTF-8; save the file as UTF-8 "
            "(it looks like Latin-1 or Windows-1252)")]) from None


def read_source(path: Path, root: Path | None = None, display: str | None = None) -> bytes:
    """Return the bytes of the source file at ``path`` (YAML, CSV): at most 1 MB.

    Read by :func:`guidegen.files.read_file` (a regular file, not a symlink out of
    ``root``); what is wrong is a located :class:`ContentError`.
    """
    return read_file(path, MAX_BYTES, root=root, error=ContentError, display=display)


def load_yaml(path: Path, display: str | None = None, root: Path | None = None,
              literal: LiteralCheck | None = None) -> tuple[Any, SourceMap]:
    """Return the data of the YAML file at ``path`` and its :class:`SourceMap`.

    The file is read by :func:`guidegen.files.read_file` (a regular file of at most
    :data:`MAX_BYTES`, not a symlink out of ``root``). Unreadable files and YAML syntax
    errors raise :class:`ContentError`. Problems in well-formed YAML (duplicate keys,
    forbidden tags and characters) are collected in ``SourceMap.problems`` so that
    schema errors can be reported alongside them. ``literal`` is called on each literal
    block as it is read (the content's Markdown checks).
    """
    file = display or display_name(path)
    data = read_source(path, root, file)
    found, source = parse_yaml(decode(data, file), file, literal)
    source.digest = digest_of(data)
    source.raw = data
    return found, source


def digest_of(data: bytes) -> str:
    """Return the content hash recorded for a file's bytes: ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def parse_yaml(text: str, file: str,
               literal: LiteralCheck | None = None) -> tuple[Any, SourceMap]:
    """Return the data of YAML ``text`` (named ``file`` in errors) and its :class:`SourceMap`.

    Problems are reported as :func:`load_yaml` describes. What a text parsed to, with
    the warnings said meanwhile, is kept for the next process that parses the same text
    under the same name (a speed trick: :mod:`.remember`; the theme's, the style sheet's,
    the catalogue's and the guide's files, 13 ms of CPU before a build's hand-off); text
    that does not parse is parsed every time.
    """
    from . import remember

    check = literal and f"{literal.__module__}.{literal.__qualname__}"
    path = remember.file_of("parsed", file)  # (None: no project to keep it in)
    if path is None or (check and "<" in check):  # a lambda or a closure: not in the key
        return _parse_yaml(text, file, literal)
    key = remember.digest("yaml", remember.code(), file, str(check), text)
    found = remember.recall(path, key)
    if isinstance(found, tuple) and len(found) == 3 and isinstance(found[1], SourceMap):
        rewarn(found[2])
        return found[0], found[1]
    said: list[Problem] = []
    try:
        with set_aside_warnings() as said:
            data, source = _parse_yaml(text, file, literal)
    finally:
        rewarn(said)  # to the collector outside, as they would have been said
    remember.remember(path, key, (data, source, said))
    return data, source


def _parse_yaml(text: str, file: str,
                literal: LiteralCheck | None = None) -> tuple[Any, SourceMap]:
    source = SourceMap(file, digest=digest_of(text.encode("utf-8")))
    unreadable = [Problem(_text_location(text, found.start(), file),
                          f"character {describe(found.group())} is not allowed in a YAML "
                          "file (write it as an escape in double quotes, if it is meant)")
                  for found, _ in zip(UNREADABLE.finditer(text), range(10), strict=False)]
    if unreadable:
        raise ContentError.collect(unreadable)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        raise ContentError.collect([Problem(
            where, f"invalid YAML: {exc.problem}{_hint(exc.problem or '')}")]) from None
    except yaml.YAMLError as exc:
        raise ContentError.collect([Problem(Location(file), f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise ContentError.collect(
            [Problem(Location(file), "invalid YAML: nested too deeply")]) from None
    if node is None:
        return None, source
    too_big = oversized_node(node, MAX_NODES, MAX_CHARACTERS)
    if too_big is not None:
        mark = too_big[0].start_mark
        raise ContentError.collect([Problem(
            Location(file, mark.line + 1, mark.column + 1),
            f"document expands to more than {too_big[1]} "
            "(aliases repeated too often?)")])
    data = _Builder(source, text.splitlines(), literal).build(node, ())
    return data, source


def _text_location(text: str, index: int, file: str) -> Location:
    """Return the line and column of character ``index`` of ``text``."""
    return Location(file, text.count("\n", 0, index) + 1,
                    index - (text.rfind("\n", 0, index) + 1) + 1)


def oversized_node(root: yaml.Node, values: int,
                   characters: int) -> tuple[yaml.Node, str] | None:
    """Return the first node whose expansion passes a budget, and which; else ``None``.

    The budgets are ``values`` (nodes) and ``characters`` (of text, keys included).
    Aliases make several places share one node; each node's size is computed once (in
    post-order, without recursion), so this costs one visit per node as written, not per
    value the document would expand to. A node that contains itself is too big.
    """
    counts: dict[int, int] = {}  # -1 while the node's children are pending
    lengths: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            count, length = 1, 0
            for child in _children(node):
                count, length = count + counts[id(child)], length + lengths[id(child)]
            counts[key], lengths[key] = count, length
        else:
            seen = counts.get(key)
            if seen is not None:
                if seen < 0:  # reached again while its children are pending
                    return node, f"{values:,} values"
                continue  # done: shared through an alias
            if not isinstance(node, yaml.ScalarNode):
                counts[key] = -1
                stack.append((node, True))
                stack.extend((child, False) for child in _children(node)
                             if counts.get(id(child), -1) < 0)
                continue
            counts[key], lengths[key] = 1, len(node.value)
        if counts[key] > values:
            return node, f"{values:,} values"
        if lengths[key] > characters:
            return node, f"{characters:,} characters of text"
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
