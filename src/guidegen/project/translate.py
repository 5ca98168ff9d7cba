"""``guidegen translations`` and ``guidegen new --translate``: keeping translations in step.

:func:`states` says of every translation whether it is current, lags its source, or
differs from it in structure; :func:`confirm` records that a translation matches its
source as it is now (the source's hash in ``translation_of.confirmed``, and a copy of the
source in ``confirmed/``, from which later warnings name the lines that changed);
:func:`new_translation` writes a starting file with the source's structure and marks, its
texts marked to translate. The checks themselves are :mod:`guidegen.content.translations`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..builder.outputs import write_files
from ..content.translations import (
    TO_TRANSLATE,
    changed_lines,
    confirmed_copy,
    digest_of,
    source_of,
    source_path,
)
from ..content.yamlsource import Flag, load_yaml, read_source
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


# -- guidegen new --translate ----------------------------------------------------------------

KEEP = {"id", "kind", "language", "date", "number", "version", "effective"}


def new_translation(source: Path, language: str) -> Path:
    """Write the starting translation of ``source`` into ``language``; return its path."""
    from ..builder.options import BuildOptions
    from ..content.loader import load

    BuildOptions(language=language)  # a language tag, or a usage error
    with set_aside_warnings():
        guide = load(source)
    if guide.translation_of is not None:
        raise UsageError(f"{display_name(source)} is itself a translation; translate the "
                         "original")
    target = source.with_name(f"{source.stem}.{language}{source.suffix}")
    if target.exists():
        raise UsageError(f"{display_name(target)} exists already")
    data, _ = load_yaml(source)
    data.pop("labels", None)  # labels are the language's; the translation has its own
    data["guide"]["language"] = language
    body = _mark(data, ())
    text = HEADER.format(language=language, source=source.name, mark=TO_TRANSLATE.strip(),
                         target=display_name(target))
    text += yaml.dump({"translation_of": source.name, **body}, Dumper=_Dumper,
                      allow_unicode=True, sort_keys=False, width=88)
    write_files({target: text.encode("utf-8")})
    return target


HEADER = """\
# yaml-language-server: $schema=../schema/guide.schema.json
# The {language} translation of {source}, started by `guidegen new --translate`.
# Translate every text that starts with {mark!r} and remove the mark. Keep the
# ids, the marks (yes, no, partial), the rows, the number of list items, and the document
# number and version: `guidegen check` compares them with {source}. Once it is reviewed,
# `guidegen translations --confirm {target}` records it as current.
"""


def _mark(value: Any, path: tuple[str | int, ...]) -> Any:
    """Return ``value`` with every text to translate marked; marks and ids kept."""
    if isinstance(value, dict):
        return {key: _mark(item, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark(item, (*path, n)) for n, item in enumerate(value)]
    if not isinstance(value, str):
        return value
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    in_values = "values" in path and "rows" in path and key != "note"
    if key in KEEP or isinstance(value, Flag) or (
            in_values and value.strip().lower() in ("yes", "no", "partial", "true", "false")):
        return str(value)
    return TO_TRANSLATE + value


class _Dumper(yaml.SafeDumper):
    """Writes text with line breaks as literal blocks, so Markdown stays as it was."""


def _text(dumper: yaml.SafeDumper, text: str) -> Any:
    style = "|" if "\n" in text.rstrip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _text)


def _read(path: Path, root: Path | None) -> bytes:
    try:
        return read_source(path, root)
    except ContentError:
        return b""
