"""``load``: YAML files → validated :class:`~guidegen.content.model.Guide` objects.

Everything is checked before anything is rendered: YAML syntax, the schema, and the
references between subjects and comparisons. Every problem of every file is
reported in one :class:`~guidegen.errors.ContentError`, each with ``file:line:col``.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ContentError, GuidegenError, Location, Problem, display_name
from ..files import named_root, outside_message, reference_root
from .base import EXPECTED
from .slips import mark_problems, translation_hint
from .yamlsource import Path_, SourceMap, format_path, load_yaml, parse_yaml

_MESSAGES = {
    "string_type": "expected text, got {got}",
    "tuple_type": "expected a list, got {got}",
    "list_type": "expected a list, got {got}",
    "dict_type": "expected a mapping, got {got}",
    "model_type": "expected a mapping, got {got}",
    "model_attributes_type": "expected a mapping, got {got}",
    "date_from_datetime_parsing": "expected a date like 2026-01-31, got {input!r}",
    "date_parsing": "expected a date like 2026-01-31, got {input!r}",
    "date_type": "expected a date like 2026-01-31, got {got}",
    "string_too_short": "must not be empty",
    "union_tag_not_found": "missing 'kind' (one of: {expected})",
    "too_short": "needs at least {min_length} items, got {count}",
    "too_long": "takes at most {max_length} items, got {count}",
    "union_tag_invalid": "unknown kind {tag!r} (one of: {expected})",
}


def load(path: str | os.PathLike[str], root: Path | None = None, *,
         translations: bool = True, named_by: Path | None = None,
         given: Sequence[Path] = ()) -> Any:
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
    data, source = load_yaml(path, root=input_root(path, root, named_by, given))
    if isinstance(data, dict) and "packet" in data and "guide" not in data:
        raise ContentError.collect([Problem(
            source.locate(("packet",), key=True), "this is a packet file, not a guide"
            + (f"; {display_name(named_by)} names it among its guides, and a packet holds "
               "guides, not other packets" if named_by is not None else
               "; build or check it as a packet (its top level starts with 'packet:')"))])
    return _guide(data, source, path, root, translations)


def load_text(text: str, file: str) -> Any:
    """Return the validated :class:`~guidegen.content.model.Guide` of YAML ``text``.

    ``file`` names it in errors; it is what :func:`load` checks of a file that is not
    written yet (an imported guide), a translation's source aside.
    """
    data, source = parse_yaml(text, file)
    return _guide(data, source, Path(file), Path.cwd(), translations=False)


def _guide(data: Any, source: SourceMap, path: Path, root: Path, translations: bool) -> Any:
    from .model import Guide

    if not isinstance(data, dict) or not data:
        what = "empty" if not data else f"{_kind(data)}, not a mapping"
        raise ContentError.collect([Problem(
            source.locate(()), f"the guide is {what}; it needs at least "
            "'guide', 'intro' and 'subjects'")])
    problems = reference_problems(data, source) + mark_problems(data, source)
    try:
        guide = Guide.model_validate(data)
    except ValidationError as exc:
        problems += _problems(exc, source, Guide)
    _raise_problems(source, problems)
    guide._source = source
    if guide.translation_of is None:
        translation_hint(path)
    if translations and guide.translation_of is not None:
        from .translations import translation_problems

        _raise_problems(source, translation_problems(
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
             named_by: Path | None = None, given: Sequence[Path] = ()) -> list[Any]:
    """Return the guides at ``paths``; raise one error holding the problems of all files.

    ``named_by`` is the file that names them (a packet), if not the user; ``given`` the
    folders besides the project they may be in (see :func:`load`).
    """
    guides, problems = [], list[Problem]()
    for path in paths:
        try:
            guides.append(load(path, root, named_by=named_by, given=given))
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError.collect(problems)
    return guides


def validate_data(data: Any, source: SourceMap, model: type[BaseModel],
                  error: type[GuidegenError] = ContentError) -> Any:
    """Return ``model`` validated from ``data``, or raise ``error`` with located problems."""
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        _raise_problems(source, _problems(exc, source, model), error)
    _raise_problems(source, [], error)
    return result


def _raise_problems(source: SourceMap, problems: list[Problem],
                    error: type[GuidegenError] = ContentError) -> None:
    """Raise the YAML problems of ``source`` with ``problems`` not already said there."""
    said = {p.path for p in source.problems}
    fresh = [p for p in problems
             if not any(p.path == s or p.path.startswith((s + ".", s + "[")) for s in said)]
    if source.problems or fresh:
        raise error.collect([*source.problems, *fresh])


def _kind(value: Any) -> str:
    from .model import kind_of

    return kind_of(value)


def _problems(exc: ValidationError, source: SourceMap, root: type[BaseModel]) -> list[Problem]:
    """Return one located problem per error of ``exc``, without knock-on length errors."""
    errors = exc.errors()
    deeper = {e["loc"][:n] for e in errors for n in range(len(e["loc"]))}
    return [_problem(e, source, root) for e in errors
            if not (e["type"] in ("too_short", "too_long") and e["loc"] in deeper)]


def _problem(error: Any, source: SourceMap, root: type[BaseModel]) -> Problem:
    loc: tuple[Any, ...] = error["loc"]
    kind = error["type"]
    path, here = _walk(root, loc)
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        _, model = _walk(root, loc[:-1])
        allowed = list(getattr(model, "model_fields", ()))
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        message = f"unknown key {loc[-1]!r}" + (
            f" (did you mean {hint[0]!r}?)" if hint else
            f" (allowed: {', '.join(allowed)})" if allowed else "")
        return Problem(source.locate(path, key=True), message, format_path(path[:-1]))
    if kind == "missing":
        return Problem(source.locate(path[:-1]), f"missing required key {path[-1]!r}",
                       format_path(path[:-1]))
    given = error.get("input")
    fields = {"got": _kind(given), "input": given,
              "count": len(given) if isinstance(given, (list, dict)) else 0,
              "expected": ", ".join(_tagged_members(here)), **ctx}
    try:
        message = _MESSAGES[kind].format(**fields)
    except KeyError:  # not one of ours, or without the details ours name
        message = _lower(error["msg"])
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in EXPECTED:
        message = f"expected {EXPECTED[ctx['pattern']]}, got {given!r}"
    lines = source.literal_lines.get(path, [])
    if kind == "markdown" and 0 < ctx.get("line", 0) <= len(lines):  # point at the line
        line, column = lines[ctx["line"] - 1]
        return Problem(Location(source.file, line, column), str(ctx["problem"]),
                       format_path(path))
    return Problem(source.locate(path), message, format_path(path))


def _lower(message: str) -> str:
    if message[1:2].islower():
        return message[:1].lower() + message[1:]
    return message


def _walk(root: type[BaseModel], loc: Sequence[Any]) -> tuple[Path_, Any]:
    """Return ``loc`` without discriminator tags, and the declared type it ends in."""
    current: Any = root
    path: list[Any] = []
    for part in loc:
        current = _unwrap(current)
        tagged = _tagged_members(current)
        if isinstance(part, str) and part in tagged:
            current = tagged[part]
            continue
        path.append(part)
        current = _child(current, part)
    return tuple(path), _unwrap(current)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _tagged_members(tp: Any) -> dict[str, Any]:
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return {}
    tags = {}
    for member in typing.get_args(tp):
        field = getattr(member, "model_fields", {}).get("kind")
        for tag in typing.get_args(field.annotation) if field else ():
            tags[tag] = member
    return tags


def _child(tp: Any, part: Any) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel) and isinstance(part, str):
        field = tp.model_fields.get(part)
        return field.annotation if field else None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (tuple, list) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


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


__all__ = ["load", "load_all", "load_text", "reference_problems", "validate_data"]
