"""A paragraph's runs → the inline nodes of a guide's text (:mod:`guidegen.tree`).

Word keeps formatting flat: each run is bold or not, italic or not, in a link or not.
Markdown nests it. Each format opens where it starts and spans as many runs as keep it,
the one spanning more runs outside; on a tie a link goes outside emphasis, and italic
outside bold (as CommonMark reads ``***both***``). Spaces at the edges of bold or
italic text move outside it, where Markdown wants them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from ...tree import Code, Emph, Inline, LineBreak, Link, Strong, Text
from .model import Run

Changes = Literal["accept", "reject"]
_Format = tuple[str, ...]  # ("link", href, group) | ("emph",) | ("strong",)
_ORDER = {"link": 0, "emph": 1, "strong": 2}


def shown_runs(runs: Sequence[Run], changes: Changes = "accept") -> list[Run]:
    """Return the runs a reader sees with tracked changes accepted (or rejected)."""
    dropped = "delete" if changes == "accept" else "insert"
    return [run if changes == "accept" or run.restyled is None else
            replace(run, bold=run.was[0], italic=run.was[1], restyled=None)
            for run in runs if run.change is None or run.change.kind != dropped]


def inlines(runs: Sequence[Run], changes: Changes = "accept") -> tuple[Inline, ...]:
    """Return ``runs`` as inline nodes, trimmed as a paragraph of Markdown would be."""
    pieces: list[tuple[Run, frozenset[_Format]]] = []
    for run in shown_runs(runs, changes):
        for n, part in enumerate(run.text.replace("\t", " ").split("\n")):
            if n:
                pieces.append((replace(run, text="\n", code=False), frozenset()))
            if part:
                pieces.append((replace(run, text=part), _formats(run, part)))
    return trim(_nest(pieces, frozenset()))


def _formats(run: Run, text: str) -> frozenset[_Format]:
    found: set[_Format] = set()
    if run.link:
        found.add(("link", run.link, str(run.group)))
    if text.strip() or run.code:  # spaces are neither bold nor italic
        if run.bold:
            found.add(("strong",))
        if run.italic:
            found.add(("emph",))
    return frozenset(found)


def _nest(pieces: list[tuple[Run, frozenset[_Format]]],
          active: frozenset[_Format]) -> list[Inline]:
    result: list[Inline] = []
    index = 0
    while index < len(pieces):
        run, formats = pieces[index]
        new = formats - active
        if not new:
            result.append(_leaf(run))
            index += 1
            continue

        def extent(fmt: _Format, start: int = index) -> int:
            end = start
            while end < len(pieces) and (fmt in pieces[end][1] or _neutral(pieces[end])):
                end += 1
            while end > start + 1 and _neutral(pieces[end - 1]):  # not a trailing space
                end -= 1
            return end - start

        chosen = max(new, key=lambda fmt: (extent(fmt), -_ORDER[fmt[0]]))
        end = index + extent(chosen)
        inner = _nest(pieces[index:end], active | {chosen})
        result.append(_wrap(chosen, inner))
        index = end
    return _merged(result)


def _neutral(piece: tuple[Run, frozenset[_Format]]) -> bool:
    """Return whether a piece is spaces only, which bold and italic may span or not."""
    run, _ = piece
    return not run.text.strip() and run.text != "\n" and not run.code and not run.link


def _leaf(run: Run) -> Inline:
    if run.text == "\n":
        return LineBreak()
    return Code(run.text) if run.code else Text(run.text)


def _wrap(fmt: _Format, children: list[Inline]) -> Inline:
    if fmt[0] == "link":
        return Link(fmt[1], tuple(children))
    return (Strong if fmt[0] == "strong" else Emph)(tuple(children))


def _merged(nodes: list[Inline]) -> list[Inline]:
    """Return ``nodes`` with neighbouring texts joined (as the Markdown parser joins them)."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            merged.append(node)
    return merged


def trim(nodes: Sequence[Inline]) -> tuple[Inline, ...]:
    """Return ``nodes`` as a Markdown paragraph holds them.

    No spaces or line breaks at either end, one line break at most in a row, and the
    spaces at the edges of bold and italic text outside it.
    """
    hoisted = _merged(_hoist(list(nodes)))
    collapsed: list[Inline] = []
    for node in hoisted:
        if isinstance(node, LineBreak) and (not collapsed or isinstance(collapsed[-1],
                                                                         LineBreak)):
            continue
        if isinstance(node, LineBreak) and isinstance(collapsed[-1], Text):
            collapsed[-1] = Text(collapsed[-1].text.rstrip(" "))
        if isinstance(node, Text) and collapsed and isinstance(collapsed[-1], LineBreak):
            node = Text(node.text.lstrip(" "))
        collapsed.append(node)
    while collapsed and isinstance(collapsed[-1], LineBreak):
        collapsed.pop()
    if collapsed and isinstance(collapsed[0], Text):
        collapsed[0] = Text(collapsed[0].text.lstrip())
    if collapsed and isinstance(collapsed[-1], Text):
        collapsed[-1] = Text(collapsed[-1].text.rstrip())
    return tuple(_merged(collapsed))


def _hoist(nodes: list[Inline]) -> list[Inline]:
    """Return ``nodes`` with the edge spaces of bold and italic text moved outside."""
    result: list[Inline] = []
    for node in nodes:
        if isinstance(node, Strong | Emph):
            children = _merged(_hoist(list(node.children)))
            before = after = ""
            if children and isinstance(children[0], Text):
                text = children[0].text
                before, children[0] = text[:len(text) - len(text.lstrip())], Text(text.lstrip())
            if children and isinstance(children[-1], Text):
                text = children[-1].text
                after, children[-1] = text[len(text.rstrip()):], Text(text.rstrip())
            children = _merged(children)
            result += [Text(before), type(node)(tuple(children)) if children else Text(""),
                       Text(after)]
        elif isinstance(node, Link):
            result.append(Link(node.href, tuple(_merged(_hoist(list(node.children))))))
        else:
            result.append(node)
    return result


__all__ = ["Changes", "inlines", "shown_runs", "trim"]
