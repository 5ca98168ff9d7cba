"""Where each value of a YAML file's text is: the node, and the lines around it.

The file is parsed once (PyYAML's composer, whose marks give each node's first and last
character); :class:`Places` keeps each value's node by its path, with its parent
collection and its key node, and answers where a value's lines start and end: what
:mod:`.yamledit` replaces, removes or writes new lines beside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from ..yamltext import Path_

try:  # the C parser is several times faster; both give the same nodes and marks
    Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    Loader = yaml.SafeLoader


class EditError(Exception):
    """An edit that cannot be written without changing more than it should."""


@dataclass(frozen=True)
class Place:
    """A node of the file: itself, its parent collection, and its key node in a mapping."""

    node: yaml.Node
    parent: yaml.Node | None
    key: yaml.Node | None
    flow: bool  # a flow collection, or inside one


@dataclass
class Places:
    """The nodes of one YAML file's text (a mapping), by path, and where their lines are."""

    text: str
    nodes: dict[Path_, Place] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            root = yaml.compose(self.text, Loader=Loader)
        except yaml.YAMLError as exc:
            raise EditError(f"not YAML ({exc})") from None
        if not isinstance(root, yaml.MappingNode):
            raise EditError("the file holds no mapping")
        self._walk(root, (), None, None, False)

    def _walk(self, node: yaml.Node, path: Path_, parent: yaml.Node | None,
              key: yaml.Node | None, flow: bool) -> None:
        flow = flow or bool(getattr(node, "flow_style", False))
        self.nodes[path] = Place(node, parent, key, flow)
        if isinstance(node, yaml.MappingNode):
            for key_node, value in node.value:
                self._walk(value, (*path, key_node.value), node, key_node, flow)
        elif isinstance(node, yaml.SequenceNode):
            for n, item in enumerate(node.value):
                self._walk(item, (*path, n), node, None, flow)

    def span(self, path: Path_) -> tuple[int, int]:
        """Return where the value at ``path`` starts and its content ends."""
        node = self.nodes[path].node
        return node.start_mark.index, self.end(node)

    def end(self, node: yaml.Node) -> int:
        """Return where ``node``'s last character of content ends (a block's last line)."""
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):
                span = self.text[node.start_mark.index:node.end_mark.index].split("\n")
                while len(span) > 1 and not span[-1].strip():
                    span.pop()
                return int(node.start_mark.index) + len("\n".join(span))
            return int(node.end_mark.index)
        if getattr(node, "flow_style", False) or not node.value:
            return int(node.end_mark.index)
        last = node.value[-1]
        return self.end(last[1] if isinstance(node, yaml.MappingNode) else last)

    def line_start(self, index: int) -> int:
        """Return the index of the first character of the line of ``index``."""
        return self.text.rfind("\n", 0, index) + 1

    def line_end(self, index: int) -> int:
        """Return the index of the line break ending the line of ``index`` (or the text's end)."""
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found

    def dash(self, node: yaml.Node) -> int:
        """Return the index of the ``-`` that starts the list item ``node``."""
        at = node.start_mark.index - 1
        while at >= 0 and self.text[at] in " \n":
            at -= 1
        if at < 0 or self.text[at] != "-":
            raise EditError("a list item without its dash")
        return int(at)

    def item_start(self, node: yaml.Node) -> int:
        """Return where list item ``node``'s lines begin: the comments above its dash's line."""
        dash = self.dash(node)
        start = self.line_start(dash)
        if self.text[start:dash].strip():
            raise EditError("a list item that shares its line with another")
        while start > 0:
            previous = self.line_start(start - 1)
            if not self.text[previous:start].strip().startswith("#"):
                break
            start = previous
        return start

    def indent_of(self, node: yaml.Node) -> int:
        """Return the indentation of the line ``node`` starts on (its key's, or its dash's)."""
        start = self.line_start(node.start_mark.index)
        line = self.text[start:node.start_mark.index]
        return len(line) - len(line.lstrip(" "))


__all__ = ["EditError", "Loader", "Place", "Places"]
