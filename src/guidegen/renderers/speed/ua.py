"""A speed trick of the renderers (see :mod:`.speed`): WeasyPrint's own stylesheets, kept.

Importing ``weasyprint.html`` makes WeasyPrint's user-agent stylesheets (``html5_ua.css``
with its 48 ``@counter-style`` rules, ``html5_ua_form.css``) and its presentational hints
(``html5_ph.css``): 23 kB of CSS tokenized, validated and compiled in every process
that imports WeasyPrint, the PDF helper's on the build's critical path. What making
them gives is only read afterwards, as a ``<style>``'s rules (:mod:`.css`): each
selector with its declarations in the order added to the stylesheet's matcher, its
``@page`` rules and layers, and the counter styles it adds. While WeasyPrint is imported
(:func:`hooked`) ``weasyprint.html`` makes them through :func:`_Sheets.make`, which
takes what an earlier process kept in the cache folder and adds it in the same order to
new matchers; else it makes them as WeasyPrint does, noting what it added, and keeps it.

Kept in the project's cache folder only (none: made as usual), in one file named by a
digest of this format, the files and versions :func:`.css_made.file_name` names (this
module's too) and the three stylesheets' texts, sealed and read as :mod:`.css_made`'s
(this user's, a build's, SHA-256 first, WeasyPrint's, tinycss2's and cssselect2's
classes only); one missing, damaged or foreign is made again the usual way. A stylesheet
about which WeasyPrint logged something is not kept. Measured: see :data:`MEASURED`.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import io
import os
import pickle
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

MEASURED = "the helper's import of WeasyPrint 175 -> 134 ms of CPU (min of 9, load 9)"
_FORMAT = 1  # of what is kept; raised when it changes
_MODULE = "weasyprint.html"  # the module that makes the stylesheets as it is imported
_PREFIX = "ua-stylesheets-"  # the kept file's name: _PREFIX, a digest, .pickle
_FILES = 2  # such files kept (two checkouts sharing a cache: one each)
_MAX = 2 << 20  # bytes read at most (the three: ~200 kB)
_DIGEST = 32  # the SHA-256 of the rest, first
_STATE = {"kept": 0, "made": 0}  # stylesheets taken from the file, made (for the tests)
Entry = tuple[Any, ...]  # (selector, payload)s, @page rules, layers, counter styles, base URL


@contextmanager
def hooked() -> Iterator[None]:
    """Have ``weasyprint.html``, if imported meanwhile, make its stylesheets here."""
    finder = _Finder()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)


class _Finder:
    """Finds ``weasyprint.html`` as Python would, loaded by a :class:`_Loader`."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != _MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        spec.loader = cast(Any, _Loader(spec.loader))
        return spec


class _Loader:
    """Runs ``weasyprint.html`` with ``CSS`` standing for :meth:`_Sheets.make`."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:  # get_source, get_data... as the real one's
        return getattr(self._real, name)

    def create_module(self, spec: Any) -> Any:
        return self._real.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        package = sys.modules.get("weasyprint")
        real = getattr(package, "CSS", None)
        folder = _folder()
        if package is None or not isinstance(real, type) or folder is None:
            self._real.exec_module(module)
            return
        sheets = _Sheets(real, folder)
        make = sheets.make  # (each reading of sheets.make is another bound method)
        package.CSS = make  # type: ignore[attr-defined]  # what html.py imports
        try:
            self._real.exec_module(module)
        finally:
            package.CSS = real  # type: ignore[attr-defined]
            if module.__dict__.get("CSS") is make:
                module.CSS = real  # type: ignore[attr-defined]
        sheets.save()


def _folder() -> Path | None:
    from ...caches import project_cache

    return project_cache()


class _Sheets:
    """The stylesheets ``weasyprint.html`` makes: taken from the kept file, or made."""

    def __init__(self, real: type, folder: Path) -> None:
        self._real: Any = real
        self._folder = folder
        self._path: Path | None = None
        self._kept: dict[tuple[str, bool], bytes] | None = None
        self._made: dict[tuple[str, bool], bytes] = {}
        self._whole = True  # every stylesheet made could be kept

    def make(self, *args: Any, **kwargs: Any) -> Any:
        """Return the stylesheet ``CSS(*args, **kwargs)`` would, kept or made."""
        text, counters = kwargs.get("string"), kwargs.get("counter_style")
        if args or not isinstance(text, str) or set(kwargs) - {"string", "counter_style"} \
                or not (counters is None or isinstance(counters, dict)):
            self._whole = False
            return self._real(*args, **kwargs)
        key = (text, counters is not None)
        entry = _loaded(self._entries().get(key, b""))
        if entry is not None:
            _STATE["kept"] += 1
            return self._taken(entry, counters)
        return self._making(key, text, counters)

    def _entries(self) -> dict[tuple[str, bool], bytes]:
        if self._kept is None:
            self._kept = {}
            self._path = _path(self._folder)
            if self._path is not None:
                self._kept = _read(self._path)
        return self._kept

    def _taken(self, entry: Entry, counters: dict[str, Any] | None) -> Any:
        import cssselect2  # type: ignore[import-untyped]
        from weasyprint.logger import PROGRESS_LOGGER

        selectors, page_rules, layers, added, base_url = entry
        PROGRESS_LOGGER.info("Step 2 - Fetching and parsing CSS - %s", "CSS string")
        sheet = self._real.__new__(self._real)  # what CSS.__init__ sets
        sheet.base_url, sheet.matcher = base_url, cssselect2.Matcher()
        for selector, payload in selectors:  # in order: the same order numbers
            sheet.matcher.add_selector(selector, payload)
        sheet.page_rules, sheet.layers = list(page_rules), list(layers)
        if counters is not None:
            counters.update(added)
        return sheet

    def _making(self, key: tuple[str, bool], text: str, counters: dict[str, Any] | None) -> Any:
        import cssselect2

        from . import css, css_made

        _STATE["made"] += 1
        before = set(counters or ())
        added = css._Adding(cssselect2.Matcher())
        kwargs: dict[str, Any] = {"string": text, "matcher": added}
        if counters is not None:
            kwargs["counter_style"] = counters
        with css._Logged() as logged:
            sheet = self._real(**kwargs)
        sheet.matcher = added.matcher
        added_counters = {name: style for name, style in (counters or {}).items()
                          if name not in before}
        blob = b""
        if not logged.records:
            blob = css_made.dump((tuple(added.added), tuple(sheet.page_rules),
                                  tuple(sheet.layers), added_counters, sheet.base_url))
        if blob:
            self._made[key] = blob
        else:
            self._whole = False
        return sheet

    def save(self) -> None:
        """Keep the stylesheets made, if all could be and none was taken from the file."""
        if not self._made or not self._whole or self._path is None:
            return
        from ...caches import drop_oldest, keep

        entries = {**(self._kept or {}), **self._made}  # those taken stay
        data = pickle.dumps(list(entries.items()), protocol=pickle.HIGHEST_PROTOCOL)
        if keep(self._path, hashlib.sha256(data).digest() + data):
            drop_oldest(self._path.parent, f"{_PREFIX}*.pickle", _FILES)


def _path(folder: Path) -> Path | None:
    """Return the kept file for the stylesheets of this WeasyPrint (None: not kept)."""
    import importlib.resources

    from . import css_made

    if not all(package in sys.modules for package in css_made._PACKAGES):
        return None  # the file name would not say all that makes them
    try:
        texts = [(importlib.resources.files("weasyprint.css") / name).read_bytes()
                 for name in ("html5_ua.css", "html5_ua_form.css", "html5_ph.css")]
        own = os.stat(__file__)
    except (OSError, ImportError):
        return None
    digest = hashlib.sha256(repr((_FORMAT, css_made.file_name(), texts, own.st_size,
                                  own.st_mtime_ns)).encode()).hexdigest()[:24]
    return folder / f"{_PREFIX}{digest}.pickle"


def _read(path: Path) -> dict[tuple[str, bool], bytes]:
    """Return the stylesheets kept in ``path``, each still pickled (none if not ours)."""
    from ...caches import kept

    data = kept(path, _MAX)
    if data is None:
        return {}
    digest, data = data[:_DIGEST], data[_DIGEST:]
    if hashlib.sha256(data).digest() != digest:
        return {}
    from . import css_made

    try:  # (names no class but WeasyPrint's, tinycss2's and cssselect2's)
        entries = css_made._Unpickler(io.BytesIO(data)).load()
    except Exception:
        return {}
    if not isinstance(entries, list):
        return {}
    return {(key[0], key[1]): blob for key, blob in entries
            if isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str)
            and type(key[1]) is bool and isinstance(blob, bytes)}


def _loaded(blob: bytes) -> Entry | None:
    """Return the stylesheet kept as ``blob``; None if there is none or it is damaged."""
    from . import css_made

    if not blob:
        return None
    try:
        entry = css_made._Unpickler(io.BytesIO(blob)).load()
    except Exception:
        return None
    if not (isinstance(entry, tuple) and len(entry) == 5 and isinstance(entry[0], tuple)
            and all(isinstance(pair, tuple) and len(pair) == 2 for pair in entry[0])
            and isinstance(entry[1], tuple) and isinstance(entry[2], tuple)
            and isinstance(entry[3], dict) and (entry[4] is None or isinstance(entry[4], str))):
        return None
    return entry
