"""``guidegen new --translate``: a translation's starting file, in its source's shape.

The source is read with ruamel.yaml's round-trip loader and written back with only the
texts to translate changed, so the starting file keeps the source's comments, block
scalars (``|`` and ``>``, where they fold), key order, flow mappings and list markers,
and its indentation. Which values are texts is the guide model's to say (plain text,
Markdown, a line of Markdown, a matrix cell that is not a mark); ids, marks, kinds,
dates, numbers (text without a letter), the document number and version stay as they are.

Each text is marked ``TODO(translate): `` where the mark changes no structure: before
the first word, or after the list marker a Markdown text starts with; a text the mark
would change (checked by parsing it again) gets a ``# TODO(translate)`` comment on the
line above instead. A marked text is written in double quotes or as the block it was,
never in single quotes, where an apostrophe (French ``l'audit``) would end the text.
"""

from __future__ import annotations

import io
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..builder.outputs import write_files
from ..common.models import PlainText
from ..common.yamlsource import read_source
from ..content import markup
from ..content import model as schema
from ..content.translations import TO_TRANSLATE, TO_TRANSLATE_COMMENT
from ..errors import UsageError, display_name, set_aside_warnings

HEADER = """\
# The {language} translation of {source}, started by `guidegen new --translate`.
# Translate every text marked {mark!r} and remove the mark. Keep the ids, the marks
# (yes, no, partial), the rows, the number of list items, and the document number and
# version: `guidegen check` compares them with {source}. Once it is reviewed,
# `guidegen translations --confirm {target}` records it as current.
"""
SCHEMA_COMMENT = "# yaml-language-server:"  # where editors find the schema: the first line
KEPT = {"number", "version"}  # texts of the document block a translation keeps as they are
MARK_WORDS = {"yes", "no", "partial", "true", "false"}
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]+")
_Leaf = typing.Literal["text", "inline", "markdown", "cell", "entry"]
_LEAVES: list[tuple[Any, _Leaf]] = [
    (PlainText, "text"), (schema.InlineText, "inline"),
    (schema.Markdown, "markdown"), (schema.MatrixCell, "cell"),
    (schema.PerSubjectEntry, "entry")]


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
    text = starting_text(read_source(source).decode("utf-8-sig"), source.name, language,
                         display_name(target))
    write_files({target: text.encode("utf-8")})
    return target


def starting_text(text: str, source: str, language: str, target: str) -> str:
    """Return the starting translation of the guide ``text`` (the file ``source``)."""
    yaml = _round_trip(text)
    data = yaml.load(text)
    data.pop("labels", None)  # labels are the language's; the translation has its own
    _set_language(data["guide"], language)
    _mark_model(data, schema.Guide)
    data.insert(0, "translation_of", source)
    out = io.StringIO()
    yaml.dump(data, out)
    body = out.getvalue()
    header = HEADER.format(language=language, source=_in_comment(source),
                           mark=TO_TRANSLATE.strip(), target=_in_comment(target, command=True))
    first, _, rest = body.partition("\n")
    if first.startswith(SCHEMA_COMMENT):  # the source's, where it points
        return f"{first}\n{header}{rest}"
    return f"{SCHEMA_COMMENT} $schema=../schema/guide.schema.json\n{header}{body}"


def _in_comment(name: str, *, command: bool = False) -> str:
    """Return a file ``name`` as the header's comment shows it: on its line, whatever it holds.

    A line break in a file name would end the comment and put the rest into the YAML;
    control characters are written as escapes. ``command``: quoted for a shell, too.
    """
    import shlex

    shown = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]",
                   lambda found: repr(found.group())[1:-1], name)
    return shlex.quote(shown) if command else shown


def _round_trip(text: str) -> Any:
    """Return a ruamel.yaml round-tripper that writes the way ``text`` is written."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, sequence, offset = load_yaml_guess_indent(text)
    yaml = YAML()  # round trip: comments, styles and order kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # lines stay as long as they were
    mapping = next((len(line) - len(line.lstrip(" ")) for line in text.splitlines()
                    if line.startswith(" ") and not line.lstrip(" ").startswith(("-", "#"))
                    and ":" in line), 2)
    yaml.indent(mapping=mapping, sequence=sequence or mapping, offset=offset or 0)
    return yaml


def _set_language(info: Any, language: str) -> None:
    """Set the guide's language: where it was, else after its title (and subtitle)."""
    if "language" in info:
        info["language"] = language
        return
    keys = list(info)
    after = max((keys.index(key) for key in ("title", "subtitle") if key in info), default=-1)
    info.insert(after + 1, "language", language)


# -- which values are texts: the model says --------------------------------------------------

def _mark_model(data: Any, model: type[BaseModel]) -> None:
    """Mark the texts of the mapping ``data``, which the ``model`` validates."""
    for key in list(data):
        field = model.model_fields.get(str(key))
        if field is not None and key not in KEPT and key != "translation_of":
            _mark_value(data, key, field.rebuild_annotation())  # with its Annotated


def _mark_value(container: Any, key: Any, annotation: Any) -> None:
    """Mark the value at ``container[key]``, declared ``annotation``, where it is text."""
    value = container[key]
    leaf = _leaf(annotation)
    if leaf is not None:
        _mark_leaf(container, key, leaf)
        return
    annotation = _choose(_optional(annotation), value)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if isinstance(value, dict):
            _mark_model(value, annotation)
    elif origin is tuple and args and isinstance(value, list):
        for index in range(len(value)):
            _mark_value(value, index, args[0])
    elif origin is dict and len(args) == 2 and isinstance(value, dict):
        for item in list(value):
            _mark_value(value, item, args[1])


def _leaf(annotation: Any) -> _Leaf | None:
    """Return which kind of text ``annotation`` (perhaps optional) declares, if any."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    for member in [annotation, *(typing.get_args(annotation) if union else ())]:
        for declared, leaf in _LEAVES:
            if member == declared:
                return leaf
    return None


def _optional(annotation: Any) -> Any:
    """Return ``annotation`` without ``| None``, and without ``Annotated``."""
    while True:
        origin = typing.get_origin(annotation)
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType) and len(members) == 1:
            annotation = members[0]
        else:
            return annotation


def _choose(annotation: Any, value: Any) -> Any:
    """Return the member of a tagged union (a comparison) that ``value``'s kind names."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return annotation
    kind = value.get("kind") if isinstance(value, dict) else None
    for member in typing.get_args(annotation):
        field = getattr(member, "model_fields", {}).get("kind")
        if field is not None and kind in typing.get_args(field.annotation):
            return member
    return None


# -- marking one text ------------------------------------------------------------------------

def _mark_leaf(container: Any, key: Any, leaf: _Leaf) -> None:
    value = container[key]
    if leaf == "cell":
        if isinstance(value, dict):
            if "value" in value:
                _mark_leaf(value, "value", "cell")
            if "note" in value:
                _mark_leaf(value, "note", "inline")
            return
        if isinstance(value, str) and value.strip().lower() in MARK_WORDS:
            return
        leaf = "inline"
    if leaf == "entry" and isinstance(value, list):
        for index in range(len(value)):
            _mark_leaf(value, index, "inline")
        return
    if not isinstance(value, str) or not any(c.isalpha() for c in value) or \
            TO_TRANSLATE in value:  # nothing to translate in "4711000012345678"
        return
    marked = _marked(value, leaf)
    if marked is None:
        _comment_above(container, key)
    else:
        container[key] = marked


def _marked(value: str, leaf: _Leaf) -> str | None:
    """Return ``value`` marked, or None if the mark would change its Markdown structure.

    A block stays the block it was; other text goes in double quotes.
    """
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        FoldedScalarString,
        LiteralScalarString,
    )

    at = len(value) - len(value.lstrip())
    if leaf == "markdown":
        found = _LIST_MARKER.match(value, at)
        at = found.end() if found else at
    text = value[:at] + TO_TRANSLATE + value[at:]
    if leaf in ("markdown", "inline") and not _same_structure(value, text):
        return None
    if isinstance(value, LiteralScalarString | FoldedScalarString):
        marked = type(value)(text)
        if isinstance(value, FoldedScalarString):  # where its lines fold, moved with the text
            marked.fold_pos = [p + len(TO_TRANSLATE) if p >= at else p
                               for p in getattr(value, "fold_pos", [])]
        if hasattr(value, "comment"):
            marked.comment = value.comment
        result: str = marked
        return result
    quoted: str = DoubleQuotedScalarString(text)
    return quoted


def _same_structure(before: str, after: str) -> bool:
    """Return whether Markdown ``before`` and ``after`` have the same blocks and lists."""
    try:
        return _shape(markup.parse_blocks(after)) == _shape(markup.parse_blocks(before))
    except markup.MarkupError:
        return False


def _shape(blocks: Any) -> list[Any]:
    return [(type(block).__name__, [_shape(item) for item in getattr(block, "items", ())])
            for block in blocks]


def _comment_above(container: Any, key: Any) -> None:
    """Put ``# TODO(translate)`` on the line above ``container[key]``, lined up with it."""
    line_column = container.lc.key(key) if isinstance(key, str) else container.lc.item(key)
    container.yaml_set_comment_before_after_key(key, before=TO_TRANSLATE_COMMENT[2:],
                                                indent=line_column[1])
