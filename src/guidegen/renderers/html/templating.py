"""The Jinja side of the HTML renderer: one sandboxed environment over the template folders.

User folders come first, the built-in ``templates/`` last (like mkdocs themes), so a
user overrides single templates. Autoescape is on for every template whatever its
suffix, undefined names are errors, and templates run in Jinja's sandbox. Failures
become :class:`~guidegen.errors.TemplateError` located at ``template:line``.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape
from pydantic import BaseModel

from ...errors import (
    GuidegenError,
    Location,
    Problem,
    ResourceError,
    TemplateError,
    display_name,
    out_of_memory,
)
from ...files import read_file
from ...tree import ListBlock
from ..speed import template_cache

DOCUMENT_TEMPLATE = "document.html.j2"
STYLESHEET_TEMPLATE = "document.css.j2"
FALLBACK_BLOCK = "blocks/block.html.j2"


class GuideSandbox(SandboxedEnvironment):
    """Jinja's sandbox, closed also to pydantic's own methods on the models templates get.

    Templates read the theme, a pydantic model: its fields are open, but ``BaseModel``'s
    machinery is not (``parse_file`` alone can unpickle a file a template folder ships).
    """

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Return whether a template may read ``obj.attr``."""
        if isinstance(obj, BaseModel) and attr in _MODEL_MACHINERY \
                and attr not in type(obj).model_fields:
            return False
        return super().is_safe_attribute(obj, attr, value)



    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        """Return ``left operator right``, refusing results too large to be a document's."""
        if operator == "**" and isinstance(right, int) and abs(right) > _MAX_EXPONENT:
            raise OverflowError(f"exponent {right} is too large")
        if operator == "*" and isinstance(left, int) and not isinstance(right, int):
            left, right = right, left
        if operator == "*" and isinstance(left, (str, list, tuple)) and isinstance(right, int) \
                and len(left) * right > MAX_OUTPUT:
            raise OverflowError(f"repeating a value {right} times makes more than "
                                f"{MAX_OUTPUT:,} items")
        return super().call_binop(context, operator, left, right)


_MODEL_MACHINERY = frozenset(dir(BaseModel))
MAX_TEMPLATE = 1 << 20  # bytes of one template file
MAX_OUTPUT = 64 << 20  # characters a template may produce (and items a repetition)
_MAX_EXPONENT = 4096


class FolderLoader(jinja2.BaseLoader):
    """Load templates from the template folders, first wins, through :func:`read_file`.

    Like Jinja's ``FileSystemLoader``, but a template is a regular file of at most
    :data:`MAX_TEMPLATE` bytes inside its folder: an include of a FIFO, a device or a
    symlink out of the folder (``partials/x.j2 -> /etc/passwd``) is a located error.
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(folders)

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        """Return the text of ``template``, its file name, and whether it is unchanged.

        Unchanged means its file is, and no folder before its own has one of that name
        now (an override added between two builds in one process is seen).
        """
        pieces = split_template_path(template)  # refuses ".." and absolute names
        before: list[Path] = []
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not os.path.lexists(path):
                before.append(path)
                continue
            data = read_file(path, MAX_TEMPLATE, root=folder, error=TemplateError)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise TemplateError.collect([Problem(Location(display_name(path)),
                                                     f"not UTF-8: {exc.reason}")]) from None
            return text, str(path), functools.partial(_unchanged, path, _stamp(path),
                                                      tuple(before))
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path, stamp: tuple[int, int] | None, absent: tuple[Path, ...]) -> bool:
    return _stamp(path) == stamp and not any(os.path.lexists(p) for p in absent)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@cache
def environment(folders: tuple[Path, ...]) -> SandboxedEnvironment:
    """Return the Jinja environment that loads templates from ``folders``, first wins."""
    env = GuideSandbox(
        loader=FolderLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=True,  # a template edited between two builds in one process is seen
        bytecode_cache=template_cache(),
    )
    env.filters.update(kind=node_kind, template=block_template, css_string=css_string,
                       css_content=css_content, data_url=data_url, web_address=web_address)
    return env


_READ_AS: dict[tuple[Path, ...], str] = {}  # the folders' digest each environment last drew as


def read_as(folders: Sequence[Path], digest: str) -> None:
    """Have the environment of ``folders`` read its templates again if ``digest`` is new.

    Jinja reloads a template whose file's size or time changed (``auto_reload``); an edit
    that keeps both (a file copied with its time) changes only the digest of the folders'
    files a build makes, under which the HTML drawn is kept (:mod:`..speed.drawn`): a
    drawing from the template compiled before would be kept as the edit's, for every
    later process. The templates compiled are taken again from the bytecode cache, by
    their source.
    """
    folders = tuple(folders)
    if digest and _READ_AS.get(folders) != digest:  # (first: drawn before without one?)
        _READ_AS[folders] = digest
        cache = environment(folders).cache
        if cache is not None:
            cache.clear()


# a node's kind, where it is not its class's name in lower case: blocks/<kind>.html.j2
KINDS: dict[type, str] = {ListBlock: "list"}


def node_kind(node: Any) -> str:
    """Return the kind of a tree node, by its class: ``list``, ``paragraph``, ``text``."""
    return KINDS.get(type(node)) or type(node).__name__.lower()


def block_template(block: Any) -> list[str]:
    """Return the templates that may draw ``block``: its kind's, then the fallback."""
    return [f"blocks/{node_kind(block)}.html.j2", FALLBACK_BLOCK]


def css_string(value: str) -> Markup:
    """Return ``value`` as a quoted CSS string, safe inside a ``<style>`` element."""
    if isinstance(value, Markup):
        value = value.unescape()
    escaped = re.sub(r"[\\\"'<>&\x00-\x1f\x7f]", lambda m: f"\\{ord(m.group()):x} ", value)
    return Markup(f'"{escaped}"')


def css_content(parts: Sequence[tuple[str, str]]) -> Markup:
    """Return label parts (text and ``page``/``pages`` counters) as a CSS ``content``."""
    return Markup(" ".join(css_string(text) if kind == "text" else f"counter({kind})"
                           for kind, text in parts))


def data_url(image: Any) -> str:
    """Return an image block's bytes as a ``data:`` URL, so the HTML stays self-contained."""
    return f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"


_ADDRESS = re.compile(r"^([a-z][a-z0-9+.-]*://[^/?#]*)(.*)$", re.I | re.S)


def web_address(text: str) -> Markup:
    """Return a web address as HTML that breaks only after a ``/`` (or ``?&=#``) of its path.

    Its scheme and host are kept on one line (``url-host``); text that is not an
    address is returned escaped and unchanged.
    """
    found = _ADDRESS.match(text)
    if found is None:
        return escape(text)
    host, path = found.groups()
    breaks = Markup("<wbr>").join(escape(part) for part in re.split(r"(?<=[/?&=#])", path))
    return Markup('<span class="url-host">%s</span>%s') % (host, breaks)


def compile_templates(folders: Sequence[Path], names: Sequence[str]) -> None:
    """Compile the templates ``names`` of ``folders``; raise every syntax error, located.

    What ``check`` asks of the templates a user's folder overrides: that they parse, as
    every build needs; running them is the build's.
    """
    env, problems = environment(tuple(folders)), list[Problem]()
    for name in names:
        try:
            with template_errors(folders):
                env.get_template(name)
        except TemplateError as exc:
            problems += exc.problems
    if problems:
        raise TemplateError.collect(problems)


def render_template(folders: Sequence[Path], name: str, **context: Any) -> str:
    """Return template ``name`` rendered with ``context``; raise a located error on failure."""
    with template_errors(folders):
        parts, size = [], 0
        for part in environment(tuple(folders)).get_template(name).generate(**context):
            size += len(part)
            if size > MAX_OUTPUT:
                raise OverflowError(f"the template makes more than {MAX_OUTPUT:,} characters")
            parts.append(part)
        return "".join(parts)


@contextmanager
def template_errors(folders: Sequence[Path]) -> Iterator[None]:
    """Turn any failure raised while rendering into a located :class:`TemplateError`."""
    try:
        yield
    except GuidegenError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        where = Location(display_name(Path(exc.filename or exc.name or "?")), exc.lineno)
        raise TemplateError.collect([Problem(where, exc.message or str(exc))]) from None
    except jinja2.TemplateNotFound as exc:
        raise ResourceError.collect([Problem(
            Location(str(folders[0])), f"template {exc.name!r} not found in "
            f"{', '.join(str(f) for f in folders)}")]) from None
    except (Exception, RecursionError) as exc:
        if out_of_memory(exc):
            raise  # the process's memory limit: the scheduler says so
        raise TemplateError.collect([Problem(_template_frame(exc, folders),
                                             _describe(exc))]) from None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"not allowed in templates: {exc}"
    if isinstance(exc, OverflowError):
        return f"refused: {exc}"
    return str(exc) or type(exc).__name__


def _template_frame(exc: BaseException, folders: Sequence[Path]) -> Location:
    """Return the innermost template line in the traceback of ``exc``."""
    found = Location(str(folders[-1] / DOCUMENT_TEMPLATE))
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2"):
            found = Location(display_name(Path(frame.filename)), frame.lineno)
    return found
