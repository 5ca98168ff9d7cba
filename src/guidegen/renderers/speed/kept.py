"""What the speed tricks keep between processes: their cache folder, and what is compiled once.

dataclasses write each class's methods as source text and compile it in every process;
typing compiles each annotation written as text; :func:`collections.namedtuple` each
class's ``__new__``; :mod:`re` parses every pattern and compiles it to the code its C
engine runs. :func:`compile_once_per_machine` makes all four take the result from a
cache file (one per Python and guidegen version, read only if a build here wrote it:
:func:`guidegen.caches.kept`) when the same text was compiled before, and
:func:`save_compiled` adds what this process compiled as the command ends; the last
:data:`_FILES` such files written are kept. What each buys is measured in the
package's comment (:mod:`guidegen.renderers.speed`).
"""

from __future__ import annotations

import importlib
import sys
import types
from contextlib import suppress
from pathlib import Path
from typing import Any

from ...caches import (
    cache_folder,  # the project's, where these are kept
    drop_oldest,  # those of other Python and guidegen versions, past _FILES
    keep,  # written whole, sealed
    kept,  # read only if a build here wrote it (trusted and sealed)
)

_CODE: dict[str, types.CodeType] = {}  # code compiled from source text, by mode and text
# a pattern's compiled form (flags, the engine's code, groups, named groups), by its
# type, flags and text
_REGEX: dict[tuple[str, int, str | bytes], tuple[int, list[int], int, dict[str, int]]] = {}
_SAVED = [0, 0]  # how many of each the cache file holds
_KEEP_REGEX = 4_000  # patterns kept at most (those built from a guide's text vary)
_MAX = 64 * 1024 * 1024  # the most of the cache file read (bytes)
_FILES = 4  # cache files kept (one per Python and guidegen version), the last written


def _code_file() -> Path:
    from ...version import __version__

    engine = importlib.import_module("_sre")  # its code changes with its MAGIC
    return cache_folder() / (f"compiled-{sys.implementation.cache_tag}-sre{engine.MAGIC}-"
                             f"{__version__}.marshal")


def compile_once_per_machine() -> None:
    """Make dataclasses, typing, namedtuple and :mod:`re` compile a text only if the cache lacks it.

    dataclasses writes each method as source and runs it with ``exec``; typing compiles
    each annotation written as text; namedtuple evaluates each class's ``__new__``
    (``eval``: 30 classes before the PDF helper has its HTML, 5 ms of CPU); a module
    global named ``exec``, ``compile`` or ``eval`` is found before the built-in one, so
    that is where they ask us. :mod:`re` asks its ``_compiler.compile``.
    """
    import collections
    import dataclasses
    import marshal
    import re
    import typing

    if "exec" in vars(dataclasses) or "compile" in vars(typing) \
            or "eval" in vars(collections):  # done (or not ours)
        return
    path = _code_file()
    data = kept(path, _MAX)  # only if a build here wrote it: not one a project shipped
    if data is not None:
        with suppress(Exception):  # a damaged file: compiled as usual
            loaded = marshal.loads(data)
            _CODE.update((text, code) for text, code in loaded.items()
                         if isinstance(text, str) and isinstance(code, types.CodeType))
            _REGEX.update((key, value) for key, value in loaded.items()
                          if isinstance(key, tuple) and isinstance(value, tuple))
            _SAVED[:] = len(_CODE), len(_REGEX)
    dataclasses.exec = _exec_compiled  # type: ignore[attr-defined]
    typing.compile = _compile_once  # type: ignore[attr-defined]
    collections.eval = _eval_compiled  # type: ignore[attr-defined]
    compiler = getattr(re, "_compiler", None)
    if compiler is not None and sys.version_info[:2] == (3, 11):
        _REGEX_COMPILE[:] = [compiler.compile]
        compiler.compile = _regex_once


def _compile_once(source: Any, filename: str = "<string>", mode: str = "exec",
                  *args: Any, **kwargs: Any) -> Any:
    """Return ``compile(source, filename, mode)``, from the cache if ``source`` is text."""
    if args or kwargs or not isinstance(source, str) or filename != "<string>":
        return compile(source, filename, mode, *args, **kwargs)
    key = f"{mode}:{source}"
    code = _CODE.get(key)
    if code is None:  # as exec and typing compile it: no __future__ flags of this module
        code = _CODE[key] = compile(source, filename, mode, dont_inherit=True)
    return code


def _exec_compiled(source: Any, globals: Any = None, locals: Any = None) -> None:
    """Run ``source`` as the built-in ``exec`` would, its code compiled once per machine."""
    exec(_compile_once(source) if isinstance(source, str) else source, globals, locals)


def _eval_compiled(source: Any, globals: Any = None, locals: Any = None) -> Any:
    """Return what the built-in ``eval`` returns, ``source``'s code compiled once per machine."""
    return eval(_compile_once(source, mode="eval") if isinstance(source, str) else source,
                globals, locals)


_REGEX_COMPILE: list[Any] = []  # re._compiler.compile, as it was


def _regex_once(pattern: Any, flags: int = 0) -> Any:
    """Return the pattern object of ``pattern`` as :mod:`re` compiles it, parsed once.

    The parse and the code for the engine are what :func:`re._compiler.compile` makes
    (Python 3.11); a pattern object it made is not cached (``re.Scanner``), nor one
    compiled with ``re.DEBUG``, which prints as it compiles.
    """
    import re

    if not isinstance(pattern, str | bytes) or flags & re.DEBUG:
        return _REGEX_COMPILE[0](pattern, flags)
    key = ("s" if isinstance(pattern, str) else "b", int(flags), pattern)
    found = _REGEX.pop(key, None)
    if found is None:  # as re._compiler.compile does
        parsed = re._parser.parse(pattern, flags)  # type: ignore[attr-defined]
        code = [int(op) for op in re._compiler._code(parsed, flags)]  # type: ignore[attr-defined]
        found = (int(flags | parsed.state.flags), code, parsed.state.groups - 1,
                 dict(parsed.state.groupdict))
    _REGEX[key] = found  # the last used last: kept longest
    all_flags, code, groups, names = found
    index: list[str | None] = [None] * (groups + 1)
    for name, number in names.items():
        index[number] = name
    engine = importlib.import_module("_sre")
    return engine.compile(pattern, all_flags, code, groups, dict(names), tuple(index))


def save_compiled() -> None:
    """Save the code and patterns compiled since the cache was read, if any."""
    import marshal

    if len(_CODE) <= _SAVED[0] and len(_REGEX) <= _SAVED[1]:
        return
    with suppress(ValueError):  # something marshal cannot write
        patterns = list(_REGEX.items())[-_KEEP_REGEX:]
        path = _code_file()
        if keep(path, marshal.dumps({**_CODE, **dict(patterns)})):
            _SAVED[:] = len(_CODE), len(_REGEX)
            drop_oldest(path.parent, "compiled-*.marshal", _FILES)
