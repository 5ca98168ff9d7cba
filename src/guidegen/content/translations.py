"""Translations that cannot drift from their source.

A translation is a complete guide whose top-level ``translation_of`` names its source
(relative to the translation). :func:`translation_problems` compares the two as the
loader checks every guide: the same subjects (ids, in order), the same comparisons in the
same order, the same matrix rows with the same marks, the same number of list items, the
same document number and version, and the same versions in its revision history; each
difference is a located error in the translation. When the translation was confirmed
(``guidegen translations --confirm``), ``translation_of.confirmed`` holds the source's
SHA-256 then, and a copy of that source is kept in ``confirmed/`` beside the
translation; once the source moves on, a warning names the source lines that changed
since.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common.yamlsource import Path_, digest_of, format_path, parse_yaml, read_source
from ..errors import ContentError, Location, Problem, display_name, warn
from ..files import outside_message, reference_root
from ..tree.blocks import Block, ListBlock

if TYPE_CHECKING:
    from .model import Guide

CONFIRMED_FOLDER = "confirmed"
TO_TRANSLATE = "TODO(translate): "  # what `guidegen new --translate` puts before each text
TO_TRANSLATE_COMMENT = "# TODO(translate)"  # and on the line above a text it cannot mark
_MARKED = re.compile(re.escape(TO_TRANSLATE) + "|" + re.escape(TO_TRANSLATE_COMMENT) + r"\s*$")


def source_path(translation: Path, source: str) -> Path:
    """Return the path of ``source`` as named in ``translation``'s ``translation_of``."""
    return translation.parent / source


def confirmed_copy(translation: Path, source: Path, confirmed: str) -> Path:
    """Return where the copy of ``source`` as confirmed (``sha256:…``) is kept."""
    return translation.parent / CONFIRMED_FOLDER / f"{source.stem}.{confirmed[7:23]}.yaml"


def source_of(path: Path, data: bytes) -> Path | None:
    """Return the source a guide file (its bytes ``data``) translates, or None; fast.

    For the build's up-to-date check: only files that mention ``translation_of`` are
    parsed, and a file that does not parse is left to the loader to report.
    """
    if b"translation_of" not in data:
        return None
    try:
        parsed, _ = parse_yaml(data.decode("utf-8-sig"), str(path))
    except (ContentError, UnicodeDecodeError):
        return None
    named = parsed.get("translation_of") if isinstance(parsed, dict) else None
    if isinstance(named, dict):
        named = named.get("source")
    return source_path(path, named) if isinstance(named, str) and named.strip() else None


def translation_problems(guide: Guide, path: Path, project: Path,
                         load: Callable[[Path], Guide]) -> list[Problem]:
    """Return the located errors of translation ``guide`` (at ``path``) against its source.

    ``load`` loads the source guide (the loader's own, without this check), which must
    be inside the ``project`` (:func:`~guidegen.files.reference_root`). Also warns
    (:func:`~guidegen.errors.warn`) when the translation was never confirmed, when its
    source changed since it was confirmed, and when texts are still marked to translate.
    """
    named = guide.translation_of
    if named is None:
        return []
    here = guide.locate("translation_of") or Location(display_name(path))
    source_file = source_path(path, named.source)
    root = reference_root(source_file, path, project)
    if root is None:
        return [Problem(here, outside_message(source_file, project), "translation_of")]
    if not source_file.is_file():
        return [Problem(here, f"source {named.source!r} not found (looked for "
                        f"{display_name(source_file)})", "translation_of")]
    try:
        source = load(source_file)
    except ContentError as exc:
        return [Problem(here, f"the source {display_name(source_file)} has errors; "
                        "fix them first", "translation_of"), *exc.problems]
    if source.translation_of is not None:
        return [Problem(here, f"{display_name(source_file)} is itself a translation; name "
                        "the original", "translation_of")]
    problems = list(structure_problems(guide, source))
    if not guide.guide.language:
        problems.append(Problem(guide.locate("guide") or here, "a translation names its "
                                "language (guide.language)", "guide"))
    if not problems:
        _warn_if_stale(path, source_file, named.confirmed, here, root)
        _warn_if_untranslated(path)
    return problems


def _warn_if_stale(path: Path, source_file: Path, confirmed: str | None,
                   here: Location, root: Path) -> None:
    current = read_source(source_file, root)
    name = display_name(source_file)
    if confirmed is None:
        warn(here, f"not confirmed against {name} yet; once it is reviewed, run "
             f"`guidegen translations --confirm {display_name(path)}`", "translation_of")
    elif digest_of(current) != confirmed:
        warn(here, f"{name} changed since this translation was confirmed: "
             f"{changed_lines(path, source_file, confirmed, current, root)}; update the "
             f"translation, then run `guidegen translations --confirm {display_name(path)}`",
             "translation_of")


def changed_lines(path: Path, source_file: Path, confirmed: str, current: bytes,
                  root: Path) -> str:
    """Return which lines of the source changed since ``confirmed``, as a phrase.

    The confirmed copy is read only inside ``root`` (the translation's project).
    """
    copy = confirmed_copy(path, source_file, confirmed)
    try:
        old = read_source(copy, root)
    except ContentError:
        return (f"which lines cannot be said, as its confirmed copy {display_name(copy)} "
                "is missing")
    if digest_of(old) != confirmed:
        return f"which lines cannot be said, as {display_name(copy)} was edited"
    return describe_changes(old.decode("utf-8-sig").splitlines(),
                            current.decode("utf-8-sig").splitlines())


def describe_changes(old: Sequence[str], new: Sequence[str]) -> str:
    """Return the lines of ``new`` that differ from ``old``: "lines 23-25, 78"."""
    import difflib

    spans: list[str] = []
    for kind, _, _, first, end in difflib.SequenceMatcher(None, old, new,
                                                           autojunk=False).get_opcodes():
        if kind == "equal":
            continue
        if first == end:
            spans.append(f"removed after line {first}" if first else "removed at the start")
        else:
            spans.append(str(first + 1) if end == first + 1 else f"{first + 1}-{end}")
    lines = [s for s in spans if not s.startswith("removed")]
    words = ([("line " if len(lines) == 1 and "-" not in lines[0] else "lines ")
              + ", ".join(lines)] if lines else [])
    return "; ".join(words + [s for s in spans if s.startswith("removed")]) or "no lines"


def _warn_if_untranslated(path: Path) -> None:
    try:
        lines = read_source(path).decode("utf-8-sig").splitlines()
    except (ContentError, UnicodeDecodeError):
        return
    marked = [(n, found.start()) for n, line in enumerate(lines, 1)
              if (found := _MARKED.search(line))]
    if marked:
        warn(Location(display_name(path), marked[0][0], marked[0][1] + 1),
             f"{len(marked)} text{'s' if len(marked) > 1 else ''} still marked "
             f"{TO_TRANSLATE.strip()!r} (the first here)")


# -- the structure a translation keeps -------------------------------------------------------

def structure_problems(guide: Guide, source: Guide) -> Iterator[Problem]:
    """Return every way ``guide`` differs in structure from its ``source``, located in it."""
    compare = _Compare(guide, source)
    yield from compare.document()
    yield from compare.subjects()
    yield from compare.comparisons()
    yield from compare.count(("sections",), guide.sections, source.sections, "sections")
    for n, (mine, theirs) in enumerate(zip(guide.sections, source.sections, strict=False)):
        yield from compare.markdown(("sections", n, "body"), mine.body, theirs.body)
    for field in ("intro", "comparisons_intro"):
        yield from compare.markdown((field,), getattr(guide, field), getattr(source, field))


class _Compare:
    def __init__(self, guide: Guide, source: Guide) -> None:
        self.guide, self.source = guide, source

    def problem(self, path: Path_, message: str) -> Problem:
        where = self.guide.locate(*path) or Location("guide")
        return Problem(where, message, format_path(path))

    def there(self, path: Path_) -> str:
        return f" ({self.source.locate(*path)})" if self.source.locate(*path) else ""

    def count(self, path: Path_, ours: Sequence[Any], theirs: Sequence[Any],
              what: str) -> Iterator[Problem]:
        if len(ours) != len(theirs):
            yield self.problem(path, f"has {len(ours)} {what}; the source has {len(theirs)}"
                               f"{self.there(path)}")

    def markdown(self, path: Path_, ours: Any, theirs: Any) -> Iterator[Problem]:
        mine, source = _list_items(ours or ()), _list_items(theirs or ())
        if mine != source:
            yield self.problem(path, f"has {mine} list items; the source has {source}"
                               f"{self.there(path)}")

    def document(self) -> Iterator[Problem]:
        ours, theirs = self.guide.guide.document, self.source.guide.document
        if (ours is None) != (theirs is None):
            yield self.problem(("guide", "document") if ours else ("guide",),
                               "the source has " + ("no" if ours else "a") + " document block"
                               + self.there(("guide", "document")))
        elif ours is not None and theirs is not None:
            for key in ("number", "version"):
                if getattr(ours, key) != getattr(theirs, key):
                    yield self.problem(("guide", "document", key),
                                       f"{key} {getattr(ours, key)!r} differs from the "
                                       f"source's {getattr(theirs, key)!r}"
                                       f"{self.there(('guide', 'document', key))}")
            yield from self.history(ours.history, theirs.history)

    def history(self, ours: Sequence[Any], theirs: Sequence[Any]) -> Iterator[Problem]:
        at = ("guide", "document", "history")
        yield from self.count(at, ours, theirs, "revisions")
        for n, (mine, source) in enumerate(zip(ours, theirs, strict=False)):
            if mine.version != source.version:
                yield self.problem((*at, n, "version"), f"version {mine.version!r} differs "
                                   f"from the source's {source.version!r}"
                                   f"{self.there((*at, n, 'version'))}")

    def subjects(self) -> Iterator[Problem]:
        ours = [s.id for s in self.guide.subjects]
        theirs = [s.id for s in self.source.subjects]
        for n, sid in enumerate(ours):
            if sid not in theirs:
                yield self.problem(("subjects", n, "id"), f"subject {sid!r} is not in the "
                                   f"source (its subjects: {', '.join(theirs)})")
        missing = [sid for sid in theirs if sid not in ours]
        if missing:
            yield self.problem(("subjects",), "the source's subject "
                               f"{', '.join(map(repr, missing))} is missing"
                               f"{self.there(('subjects', theirs.index(missing[0])))}")
        elif ours != theirs and not set(ours) - set(theirs):
            yield self.problem(("subjects",), f"subjects in the order {', '.join(ours)}; the "
                               f"source has {', '.join(theirs)}")
        if ours == theirs:
            for n, (mine, source) in enumerate(zip(self.guide.subjects, self.source.subjects,
                                                   strict=True)):
                yield from self.subject(n, mine, source)

    def subject(self, n: int, mine: Any, source: Any) -> Iterator[Problem]:
        at = ("subjects", n)
        yield from self.markdown((*at, "summary"), mine.summary, source.summary)
        yield from self.count((*at, "responsibilities"), mine.responsibilities,
                              source.responsibilities, "responsibilities")
        yield from self.count((*at, "groups"), mine.groups, source.groups, "groups")
        for g, (ours, theirs) in enumerate(zip(mine.groups, source.groups, strict=False)):
            yield from self.count((*at, "groups", g, "items"), ours.items, theirs.items,
                                  "items")
            yield from self.markdown((*at, "groups", g, "intro"), ours.intro, theirs.intro)

    def comparisons(self) -> Iterator[Problem]:
        ours, theirs = self.guide.comparisons, self.source.comparisons
        yield from self.count(("comparisons",), ours, theirs, "comparisons")
        for n, (mine, source) in enumerate(zip(ours, theirs, strict=False)):
            if mine.kind != source.kind:
                yield self.problem(("comparisons", n, "kind"), f"is a {mine.kind}; the "
                                   f"source's comparison {n + 1} is a {source.kind}"
                                   f"{self.there(('comparisons', n, 'kind'))}")
                continue
            yield from self.markdown(("comparisons", n, "intro"), mine.intro, source.intro)
            if mine.kind == "matrix":
                yield from self.matrix(n, mine, source)
            else:
                yield from self.per_subject(n, mine, source)

    def matrix(self, n: int, mine: Any, source: Any) -> Iterator[Problem]:
        at = ("comparisons", n, "rows")
        for r in range(len(source.rows), len(mine.rows)):
            yield self.problem((*at, r), f"row {r + 1} is not in the source, which has "
                               f"{len(source.rows)} rows{self.there(at)}")
        if len(mine.rows) < len(source.rows):
            yield self.problem(at, f"has {len(mine.rows)} rows; the source has "
                               f"{len(source.rows)}{self.there(at)}")
        for r, (ours, theirs) in enumerate(zip(mine.rows, source.rows, strict=False)):
            for sid, cell in ours.values.items():
                other = theirs.values.get(sid)
                if other is None or cell.mark == other.mark:
                    continue
                path = (*at, r, "values", sid)
                said = f"the mark {cell.mark.value!r}" if cell.mark else "text"
                should = (f"the mark {other.mark.value!r}" if other.mark else "text")
                yield self.problem(path, f"{said} where the source has {should}"
                                   f"{self.there(path)}: a translation keeps every mark")

    def per_subject(self, n: int, mine: Any, source: Any) -> Iterator[Problem]:
        for sid, entry in mine.values.items():
            other = source.values.get(sid)
            if other is None:
                continue
            path = ("comparisons", n, "values", sid)
            if entry.is_list != other.is_list or len(entry.lines) != len(other.lines):
                shape = (f"a list of {len(other.lines)} items" if other.is_list
                         else "one line")
                yield self.problem(path, f"the source has {shape} here{self.there(path)}")


def _list_items(blocks: Sequence[Block]) -> int:
    """Return how many list items the Markdown ``blocks`` hold, nested ones included."""
    count = 0
    for block in blocks:
        if isinstance(block, ListBlock):
            count += len(block.items) + sum(_list_items(item) for item in block.items)
    return count
