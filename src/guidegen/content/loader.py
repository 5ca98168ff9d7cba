"""``load``: YAML files → validated :class:`~guidegen.content.model.Guide` objects.

Everything is checked before anything is rendered: YAML syntax, the schema, and the
references between subjects and comparisons. Every problem of every file is
reported in one :class:`~guidegen.errors.ContentError`, each with ``file:line:col``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..common.models import kind_of, raise_problems, validation_problems
from ..common.validated import validated
from ..common.yamlsource import Path_, SourceMap, format_path, load_yaml, parse_yaml
from ..errors import ContentError, Location, Problem, display_name
from ..files import named_root, outside_message, reference_root
from .control import control_problems
from .slips import mark_problems, markdown_slips, translation_hint

if TYPE_CHECKING:
    from .model import Guide


def load(path: str | os.PathLike[str], root: Path | None = None, *,
         translations: bool = True, named_by: Path | None = None,
         given: Sequence[Path] = ()) -> Guide:
    """Return the validated :class:`~guidegen.content.model.Guide` of the YAML file at ``path``.

    A guide inside ``root`` (the project; default: the working folder) may not lead
    out of it through a symlink; one the user named outside it is read where it is, but
    one named by another file (``named_by``: a packet, a translation) must be inside it,
    or inside a folder ``given`` by the user (:func:`~guidegen.files.reference_root`). A
    translation (``translation_of``) is also checked against its source
    (:mod:`.translations`), unless ``translations`` is false.
    """
    path = Path(path)
    root = root or Path.cwd()
    data, source = load_yaml(path, root=input_root(path, root, named_by, given),
                             literal=markdown_slips)
    if isinstance(data, dict) and "packet" in data and "guide" not in data:
        raise ContentError.collect([Problem(
            source.locate(("packet",), key=True), "this is a packet file, not a guide"
            + (f"; {display_name(named_by)} names it among its guides, and a packet holds "
               "guides, not other packets" if named_by is not None else
               "; build or check it as a packet (its top level starts with 'packet:')"))])
    return _guide(data, source, path, root, translations)


def load_text(text: str, file: str, path: Path | None = None,
              root: Path | None = None) -> Guide:
    """Return the validated :class:`~guidegen.content.model.Guide` of YAML ``text``.

    ``file`` names it in errors; it is what :func:`load` checks of a file that is not
    written yet (an imported guide), a translation's source aside. With ``path``, the
    text is checked as :func:`load` checks the file at ``path`` (in project ``root``):
    the new text of that file (an updated guide), a translation against its source too.
    """
    data, source = parse_yaml(text, file, markdown_slips)
    return _guide(data, source, path or Path(file), root or Path.cwd(),
                  translations=path is not None)


def _guide(data: Any, source: SourceMap, path: Path, root: Path, translations: bool) -> Guide:
    from .model import Guide

    if not isinstance(data, dict) or not data:
        what = "empty" if not data else f"{kind_of(data)}, not a mapping"
        raise ContentError.collect([Problem(
            source.locate(()), f"the guide is {what}; it needs at least "
            "'guide', 'intro' and 'subjects'")])
    problems = reference_problems(data, source) + mark_problems(data, source)
    try:
        guide = validated(Guide, data, str(path))
    except ValidationError as exc:
        problems += validation_problems(exc, source, Guide)
    else:
        guide._source = source
        problems += control_problems(guide.guide.document, guide.locate)
    raise_problems(source, problems)
    if guide.translation_of is None:
        translation_hint(path)
    if translations and guide.translation_of is not None:
        from .translations import translation_problems

        raise_problems(source, translation_problems(
            guide, path, root, lambda original: load(original, root, translations=False,
                                                     named_by=path)))
    return guide


def input_root(path: Path, root: Path, named_by: Path | None,
               given: Sequence[Path] = ()) -> Path | None:
    """Return the folder the file at ``path`` must stay inside (see :func:`load`).

    Raise a :class:`ContentError` for a file ``named_by`` another outside the project.
    """
    if named_by is None:
        return named_root(path, root)
    inside = reference_root(path, named_by, root, *given)
    if inside is None:
        raise ContentError.collect([Problem(Location(display_name(path)),
                                            outside_message(path, root))])
    return inside


def load_all(paths: Iterable[str | os.PathLike[str]], root: Path | None = None, *,
             named_by: Path | None = None, given: Sequence[Path] = ()) -> list[Guide]:
    """Return the guides at ``paths``; raise one error holding the problems of all files.

    ``named_by`` is the file that names them (a packet), if not the user; ``given`` the
    folders besides the project they may be in (see :func:`load`).
    """
    guides: list[Guide] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            guides.append(load(path, root, named_by=named_by, given=given))
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError.collect(problems)
    return guides


def reference_problems(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """Return the problems in how comparisons refer to subjects (checked on raw data).

    Finds duplicate subject ids, and comparison values that name an unknown subject
    or leave one out. Shapes the schema rejects anyway are skipped here.
    """
    problems: list[Problem] = []
    ids: list[str] = []
    subjects = data.get("subjects")
    for i, subject in enumerate(subjects if isinstance(subjects, list) else []):
        sid = subject.get("id") if isinstance(subject, dict) else None
        if not isinstance(sid, str):
            continue
        if sid in ids[:i]:
            first = source.locate(("subjects", ids.index(sid), "id"))
            problems.append(Problem(source.locate(("subjects", i, "id")),
                                    f"duplicate subject id {sid!r} (first used at {first})",
                                    format_path(("subjects", i, "id"))))
        ids.append(sid)
    if not ids:
        return problems
    comparisons = data.get("comparisons")
    for i, comparison in enumerate(comparisons if isinstance(comparisons, list) else []):
        if not isinstance(comparison, dict):
            continue
        rows = comparison.get("rows")
        if isinstance(rows, list):
            for j, row in enumerate(rows):
                if isinstance(row, dict):
                    problems += _value_problems(row.get("values"),
                                                ("comparisons", i, "rows", j, "values"), ids,
                                                source)
        elif "values" in comparison:
            problems += _value_problems(comparison["values"], ("comparisons", i, "values"),
                                        ids, source)
    return problems


def _value_problems(values: Any, path: Path_, ids: list[str], source: SourceMap) -> list[Problem]:
    if not isinstance(values, dict):
        return []
    known = ", ".join(dict.fromkeys(ids))
    where = format_path(path)
    problems = [
        Problem(source.locate((*path, key), key=True),
                f"unknown subject {key!r} (known: {known})", where)
        for key in values if key not in ids]
    missing = [sid for sid in dict.fromkeys(ids) if sid not in values]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        problems.append(Problem(source.locate(path),
                                f"no value for subject {names} (every subject needs one)",
                                where))
    return problems


__all__ = ["load", "load_all", "load_text", "reference_problems"]
