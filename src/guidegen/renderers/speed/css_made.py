"""Part of the speed trick of :mod:`.css`: the style rules made, kept in the cache folder.

A PDF helper makes the rules of the last build's stylesheets before its first document
(:func:`.css.premake`), but making one is WeasyPrint's work (tinycss2's pure-Python
tokenizer, the declarations' validation, cssselect2 compiling each selector into a
function): 0.55 ms of CPU a rule, about 100 ms for the default guide's 185, more than a
helper has before the hand-off, so the twin's and the helper's first layouts made the
rest. What making a rule gives (:data:`.css.Kept`: compiled selectors with their
validated declarations, ``@page`` rules) is only data and a function's code, so it is
kept here too (pickled; a selector's function as its code, marshalled), and the next
helper loads it: the default guide's 185 rules in about 5 ms instead of 90-160.

Keyed by everything that makes it: each rule by its text, where it starts, the base URL
and the media (:func:`.css.premake`'s key); the file by :func:`file_name`, a digest of
this format, Python's bytecode magic, and the version and the files (size and time) of
WeasyPrint, tinycss2, cssselect2, webencodings and these two modules. Another version,
or a file changed, reads another file: a stale one is never read. The file is read only
if only this user could have written it (as the compiled code of :mod:`.kept`), only up
to :data:`_MAX` bytes, only if it begins with the SHA-256 of the rest (a byte changed
may leave a pickle that loads, with another value in a declaration), and it names no
class but those of WeasyPrint, tinycss2 and cssselect2; anything damaged in it is made
again the usual way. The last :data:`_FILES` files written are kept (another version or
code: another file, and the old ones stayed for good).
"""

from __future__ import annotations

import builtins
import hashlib
import io
import marshal
import os
import pickle
import sys
import types
from functools import cache
from pathlib import Path
from typing import Any

Key = tuple[str, int, int, str | None, str]  # a rule's text, line, column, base URL, media
_FORMAT = 2  # of what is kept; raised when it changes (2: the digest of the entries first)
_MAX = 8 << 20  # bytes read at most (the default guide's two stylesheets: ~250 kB)
_FILES = 4  # kept, the last written (two checkouts sharing a cache: one each)
_PACKAGES = ("weasyprint", "tinycss2", "cssselect2", "webencodings")  # what makes a rule
_NAMED = frozenset(_PACKAGES[:3])  # whose classes the file may name
# the file begins with the SHA-256 of the rest: a byte changed on the disk (or by hand)
# may leave a pickle that loads, with another value in a declaration (another PDF)
_DIGEST = 32


@cache
def file_name() -> str:
    """Return the name of the file the rules made are kept in (see the module's comment)."""
    import importlib.util

    files: list[tuple[str, int, int]] = []
    for package in _PACKAGES:
        module = sys.modules.get(package)
        where = getattr(module, "__file__", None)
        if where is None:
            continue
        for folder, folders, names in os.walk(os.path.dirname(where)):
            folders.sort()
            for name in sorted(names):
                if name.endswith(".py"):
                    info = os.stat(os.path.join(folder, name))
                    files.append((os.path.join(folder, name), info.st_size, info.st_mtime_ns))
    for own in (__file__, os.path.join(os.path.dirname(__file__), "css.py")):
        info = os.stat(own)
        files.append((own, info.st_size, info.st_mtime_ns))
    versions = [getattr(sys.modules.get(package), "__version__", None) for package in _PACKAGES]
    digest = hashlib.sha256(repr((_FORMAT, importlib.util.MAGIC_NUMBER, versions, files))
                            .encode()).hexdigest()[:24]
    return f"style-rules-{digest}.pickle"


def read(path: Path) -> dict[Key, bytes]:
    """Return the rules kept in ``path``, each still pickled (none if it is not ours)."""
    from ...caches import kept

    data = kept(path, _MAX)
    if data is None:
        return {}
    digest, data = data[:_DIGEST], data[_DIGEST:]
    if hashlib.sha256(data).digest() != digest:  # damaged (a byte changed): none loaded
        return {}
    try:
        entries = _Unpickler(io.BytesIO(data)).load()
        return {_key(key): blob for key, blob in entries if isinstance(blob, bytes)}
    except Exception:  # damaged: made again
        return {}


def _key(key: Any) -> Key:
    text, line, column, base_url, media = key
    if not (isinstance(text, str) and type(line) is int and type(column) is int
            and (base_url is None or isinstance(base_url, str)) and isinstance(media, str)):
        raise ValueError("not a rule's key")
    return text, line, column, base_url, media


def write(path: Path, entries: dict[Key, bytes]) -> None:
    """Keep ``entries`` (pickled rules, by key) in ``path``, whole or not at all.

    Then drop the oldest such files past :data:`_FILES` (and past what that many read).
    """
    from ...caches import drop_oldest, keep

    data = pickle.dumps(list(entries.items()), protocol=pickle.HIGHEST_PROTOCOL)
    if keep(path, hashlib.sha256(data).digest() + data):
        drop_oldest(path.parent, "style-rules-*.pickle", _FILES, _FILES * _MAX)


def dump(kept: Any) -> bytes:
    """Return what a made rule ``kept`` is kept as; empty if it cannot be (made each time)."""
    out = io.BytesIO()
    try:
        _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(kept)
    except Exception:  # something this does not keep: made the usual way
        return b""
    return out.getvalue()


def load(blob: bytes) -> Any:
    """Return the made rule kept as ``blob``; None if there is none or it is damaged."""
    if not blob:
        return None
    try:
        kept = _Unpickler(io.BytesIO(blob)).load()
    except Exception:
        return None
    if not (isinstance(kept, tuple) and len(kept) == 2
            and isinstance(kept[0], tuple) and isinstance(kept[1], tuple)):
        return None
    return kept


@cache
def _selector_globals() -> dict[str, Any]:
    """Return the names a compiled selector's function reads (as cssselect2 gives them)."""
    import cssselect2.compiler as compiler  # type: ignore[import-untyped]

    return {"split_whitespace": compiler.split_whitespace, "ascii_lower": compiler.ascii_lower,
            "urlparse": compiler.urlparse, "__builtins__": builtins}


def _selector(code: bytes, fields: dict[str, Any]) -> Any:
    """Return a compiled selector of cssselect2: its function's ``code`` and its ``fields``."""
    import cssselect2.compiler as compiler

    selector = object.__new__(compiler.CompiledSelector)
    for name, value in fields.items():
        setattr(selector, name, value)
    function = marshal.loads(code)
    if not isinstance(function, types.CodeType):
        raise ValueError("not a selector's code")
    selector.test = types.FunctionType(function, _selector_globals())
    return selector


class _Pickler(pickle.Pickler):
    """Pickles a compiled selector as its function's code and its other fields."""

    def reducer_override(self, obj: Any) -> Any:
        import cssselect2.compiler as compiler

        if type(obj) is compiler.CompiledSelector:
            fields = dict(vars(obj))
            test = fields.pop("test")
            if test.__closure__ or test.__defaults__ or test.__kwdefaults__:
                raise pickle.PicklingError("a selector's function with more than code")
            return _selector, (marshal.dumps(test.__code__), fields)
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    """Loads nothing but WeasyPrint's, tinycss2's and cssselect2's classes, and selectors."""

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == "_selector":
            return _selector
        found = getattr(sys.modules.get(module), name, None)
        if module.split(".")[0] in _NAMED and isinstance(found, type) \
                and found.__module__ == module and not issubclass(found, BaseException):
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not kept here")
