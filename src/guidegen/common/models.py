"""Validating plain data into models: the base class, plain-word errors located in the file.

Every file guidegen reads as YAML (guides, packets, ``theme.yaml``, the Word styles, the
message catalogues) is validated by a pydantic model built on :class:`Model`;
:func:`validate_data` turns what pydantic finds into :class:`~guidegen.errors.Problem`
objects located by the file's :class:`~.yamlsource.SourceMap`, in plain words: a
pattern's error says what the value should look like (:func:`matching`), not the
pattern. The value shapes several files share (a language tag, an id, a colour, plain
text) are declared here once.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from ..errors import ContentError, GuidegenError, Location, Problem
from .language import LANGUAGE_TAG, is_right_to_left
from .validated import validated
from .yamlsource import Path_, SourceMap, format_path

M = TypeVar("M", bound=BaseModel)
# what a value must look like, by the pattern it must match: what an error then says
# instead of the pattern itself (see :func:`matching`)
EXPECTED: dict[str, str] = {}


class Model(BaseModel):
    """Base of every model class: immutable, and unknown keys are errors."""

    # built when first used, not when declared: a kept result needs none (.validated)
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True,
                              defer_build=True)


def matching(pattern: str, expected: str, max_length: int | None = None) -> StringConstraints:
    """Return a constraint that text match ``pattern``; its error says it expected ``expected``."""
    EXPECTED[pattern] = expected
    return StringConstraints(pattern=pattern, max_length=max_length)


def kind_of(value: Any) -> str:
    """Return how an error message names the YAML kind of ``value``."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "nothing" if value is None else "text"


def _left_to_right(tag: str) -> str:
    if is_right_to_left(tag):
        raise PydanticCustomError(
            "right_to_left", "'{tag}' is written right to left; whole guides in right-to-left "
            "languages are not supported yet (their layout would print broken). Right-to-left "
            "words inside a left-to-right guide are fine", {"tag": tag})
    return tag


PlainText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LanguageTag = Annotated[str, matching(LANGUAGE_TAG, "a language tag like en, en-GB or de"),
                        AfterValidator(_left_to_right)]
Identifier = Annotated[str, matching(
    r"^[a-z][a-z0-9_-]*$", "an id of lower-case letters, digits, - and _, starting with a "
    "letter (like cmo)", max_length=40)]
Color = Annotated[str, matching(r"^#[0-9a-fA-F]{6}$", "a colour like #1d6a96")]


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


def validate_data(data: Any, source: SourceMap, model: type[M],
                  error: type[GuidegenError] = ContentError) -> M:
    """Return ``model`` validated from ``data``, or raise ``error`` with located problems."""
    try:
        result = model.model_validate(data) if source.problems else \
            validated(model, data, source.file)
    except ValidationError as exc:
        raise_problems(source, validation_problems(exc, source, model), error)
    raise_problems(source, [], error)
    return result


def raise_problems(source: SourceMap, problems: list[Problem],
                   error: type[GuidegenError] = ContentError) -> None:
    """Raise the YAML problems of ``source`` with ``problems`` not already said there."""
    said = {p.path for p in source.problems}
    fresh = [p for p in problems
             if not any(p.path == s or p.path.startswith((s + ".", s + "[")) for s in said)]
    if source.problems or fresh:
        raise error.collect([*source.problems, *fresh])


def validation_problems(exc: ValidationError, source: SourceMap,
                        root: type[BaseModel]) -> list[Problem]:
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
    fields = {"got": kind_of(given), "input": given,
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
