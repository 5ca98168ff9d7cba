"""``guidegen translations``: keeping translations in step.

:func:`states` says of every translation whether it is current, lags its source, or
differs from it in structure; :func:`confirm` records that a translation matches its
source as it is now (the source's hash in ``translation_of.confirmed``, and a copy of the
source in ``confirmed/``, from which later warnings name the lines that changed). The
starting file of a translation is :mod:`.starter`'s; the checks themselves are
:mod:`guidegen.content.translations`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..builder.outputs import write_files
from ..common.yamlsource import digest_of, read_source
from ..content.translations import changed_lines, confirmed_copy, source_of, source_path
from ..errors import ContentError, UsageError, display_name, set_aside_warnings
from ..files import named_root, reference_root


@dataclass(frozen=True)
class State:
    """Where one translation stands, with the details.

    ``state`` is ``current``, ``not confirmed``, ``source changed`` or ``structure differs``.
    """

    path: Path
    source: Path
    language: str
    state: str
    detail: str = ""

    def __str__(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return (f"{display_name(self.path)}  {self.language or '?'}  of "
                f"{display_name(self.source)}  {self.state}{detail}")


def states(paths: Sequence[Path], root: Path) -> list[State]:
    """Return the state of every translation among the guide files ``paths``.

    ``root`` is the project: no file outside it is read but those the user named.
    """
    found = []
    for path in paths:
        source = source_of(path, _read(path, named_root(path, root)))
        if source is not None:
            found.append(state_of(path, source, root))
    return found


def state_of(path: Path, source: Path, root: Path) -> State:
    """Return the state of the translation at ``path`` of ``source``, in project ``root``."""
    from ..content.loader import load

    try:
        with set_aside_warnings():
            guide = load(path, root)
    except ContentError as exc:
        ours = [p for p in exc.problems if p.location.file == display_name(path)]
        first = (ours or list(exc.problems))[0]
        return State(path, source, "", "structure differs",
                     f"{len(exc.problems)} problem{'s' * (len(exc.problems) > 1)}, "
                     f"first: {first}")
    language = guide.guide.language or ""
    confirmed = guide.translation_of.confirmed if guide.translation_of else None
    if confirmed is None:
        return State(path, source, language, "not confirmed")
    inside = reference_root(source, path, root) or root  # load() refused it otherwise
    current = read_source(source, inside)
    if digest_of(current) != confirmed:
        return State(path, source, language, "source changed",
                     changed_lines(path, source, confirmed, current, inside))
    return State(path, source, language, "current")


def confirm(path: Path, root: Path) -> str:
    """Record that the translation at ``path`` matches its source now; return the hash.

    Refuses (with the loader's located errors) a translation whose structure differs,
    or whose source lies outside the project ``root``; the confirmed copy is written
    only inside it (a ``confirmed/`` that leads out is refused).
    """
    from ..content.loader import load

    with set_aside_warnings():
        guide = load(path, root)
    named = guide.translation_of
    if named is None:
        raise UsageError(f"{display_name(path)} is not a translation (it has no "
                         "translation_of)")
    source = source_path(path, named.source)
    inside = reference_root(source, path, root) or root  # load() refused it otherwise
    data = read_source(source, inside)
    confirmed = digest_of(data)
    home = named_root(path, root)
    text = read_source(path, home).decode("utf-8-sig")
    write_files({path: with_translation_of(text, display_name(path), named.source,
                                           confirmed).encode(),
                 confirmed_copy(path, source, confirmed): data}, root=home or path.parent)
    return confirmed


def with_translation_of(text: str, file: str, source: str, confirmed: str | None,
                        why: str = "") -> str:
    """Return the translation ``text`` with its ``translation_of`` saying ``confirmed``.

    Only that value changes, in the style it was written in (a block, or a flow mapping
    when the file is written in flow style); an anchor on the source's name stays on it,
    so aliases elsewhere keep their text. The result is read back: if anything but
    ``translation_of`` would read differently (an anchor inside it used elsewhere), the
    file is left as it is and the error says what to write by hand. ``confirmed`` None
    withdraws a confirmation (the source alone, with a comment saying ``why``).
    """
    events = list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    key, value, end, anchor = _translation_of_events(events)
    if isinstance(end, yaml.MappingEndEvent) and not value.flow_style:
        end = events[events.index(end) - 1]  # a block ends where the next key begins
    shown = (f"&{anchor} " if anchor else "") + _scalar(source)
    recorded: str | dict[str, str] = source
    if confirmed is not None:
        recorded = {"source": source, "confirmed": confirmed}
    if getattr(events[2], "flow_style", False):  # one flow mapping: the value too
        written = shown if confirmed is None else f"{{source: {shown}, confirmed: {confirmed}}}"
        new = f"{text[:value.start_mark.index]}{written}{text[end.end_mark.index:]}"
    else:
        first = text.rfind("\n", 0, key.start_mark.index) + 1
        last = text.find("\n", end.end_mark.index)
        block = (f"translation_of: {shown}  # {why}\n" if confirmed is None else
                 "translation_of:  # confirmed: written by `guidegen translations "
                 f"--confirm`\n  source: {shown}\n  confirmed: {confirmed}\n")
        new = text[:first] + block + (text[last + 1:] if last >= 0 else "")
    if not _reads_the_same(text, new, file, recorded):
        raise UsageError(f"{file}: cannot record the confirmation in translation_of without "
                         "changing the rest of the file (an anchor in it is used elsewhere); "
                         f"write it by hand: translation_of: {{source: {_scalar(source)}, "
                         f"confirmed: {confirmed}}}")
    return new


def _translation_of_events(events: list[Any]) -> tuple[Any, Any, Any, str | None]:
    """Return the top-level ``translation_of``'s events: key, value's first and last.

    And the anchor on the source's name, if any.
    """
    n = 3  # after the stream, the document and the top mapping's start
    while n < len(events) and not isinstance(events[n], yaml.MappingEndEvent):
        value = _node_end(events, n) + 1
        last = _node_end(events, value)
        key = events[n]
        if isinstance(key, yaml.ScalarEvent) and key.value == "translation_of":
            return key, events[value], events[last], _source_anchor(events, value, last)
        n = last + 1
    raise UsageError("translation_of not found")  # load() found it: not reached


def _node_end(events: list[Any], n: int) -> int:
    """Return the index of the last event of the node whose first event is ``n``."""
    depth = 0
    for m in range(n, len(events)):
        if isinstance(events[m], yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
        elif isinstance(events[m], yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        if depth == 0:
            return m
    return len(events) - 1


def _source_anchor(events: list[Any], first: int, last: int) -> str | None:
    """Return the anchor on the source's name in the value at ``first`` to ``last``."""
    if first == last:
        return getattr(events[first], "anchor", None)
    return next((getattr(value, "anchor", None) for key, value in itertools.pairwise(
        events[first + 1:last]) if isinstance(key, yaml.ScalarEvent) and key.value == "source"),
        None)


def _reads_the_same(old: str, new: str, file: str, recorded: str | dict[str, str]) -> bool:
    """Return whether ``new`` reads as ``old`` but for ``translation_of``, ``recorded``."""
    from ..common.yamlsource import parse_yaml

    try:
        before, _ = parse_yaml(old, file)
        after, _ = parse_yaml(new, file)
    except ContentError:
        return False
    return isinstance(after, dict) and after.pop("translation_of", None) == recorded and \
        {k: v for k, v in before.items() if k != "translation_of"} == after


def _scalar(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).removesuffix("\n...\n").strip()


def _read(path: Path, root: Path | None) -> bytes:
    try:
        return read_source(path, root)
    except ContentError:
        return b""
