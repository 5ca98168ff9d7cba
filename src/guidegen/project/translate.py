"""``guidegen translations``: keeping translations in step.

:func:`states` says of every translation whether it is current, lags its source, or
differs from it in structure; :func:`confirm` records that a translation matches its
source as it is now (the source's hash in ``translation_of.confirmed``, and a copy of the
source in ``confirmed/``, from which later warnings name the lines that changed). The
starting file of a translation is :mod:`.starter`'s; the checks themselves are
:mod:`guidegen.content.translations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..builder.outputs import write_files
from ..content.translations import (
    changed_lines,
    confirmed_copy,
    digest_of,
    source_of,
    source_path,
)
from ..content.yamlsource import load_yaml, read_source
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
    confirmed = guide.translation_of.confirmed
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
    _, where = load_yaml(path, root=home)
    line = where.keys[("translation_of",)].line or 1
    write_files({path: _with_translation_of(text, line, named.source, confirmed).encode(),
                 confirmed_copy(path, source, confirmed): data}, root=home or path.parent)
    return confirmed


def _with_translation_of(text: str, line: int, source: str, confirmed: str) -> str:
    """Return ``text`` with the top-level ``translation_of`` at ``line`` replaced."""
    lines = text.splitlines(keepends=True)
    end = line  # the key's line, then its indented value
    while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
        end += 1
    while end > line and (not lines[end - 1].strip()
                          or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    block = ("translation_of:  # confirmed: written by `guidegen translations --confirm`\n"
             f"  source: {_scalar(source)}\n  confirmed: {confirmed}\n")
    return "".join([*lines[:line - 1], block, *lines[end:]])


def _scalar(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=1000).removesuffix("\n...\n").strip()


def _read(path: Path, root: Path | None) -> bytes:
    try:
        return read_source(path, root)
    except ContentError:
        return b""
