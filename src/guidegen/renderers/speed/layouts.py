"""A speed trick of the PDF renderer (see :mod:`.speed`): kept layouts.

Laying a document out is most of a PDF's CPU (the default guide: two WeasyPrint layouts
and a write). What :func:`guidegen.renderers.pdf.steps.laid_pages` answers for a layout
(the page count, page map, pagination and the preflight's warnings) is kept in the cache
folder (``layout-HASH.pickle``), with the PDF's bytes once they are written; a later
layout of the same input takes it instead of laying out again: a rebuild whose PDF input
did not change, a packet's or a worker's guide another build laid out, a fitting try a
build made before, the preview. A kept layout whose bytes were never written (a fitting
try) gives its facts at once and lays out again when its PDF is asked for (then keeps
the bytes). Measured: the test suite from an empty cache folder took 118 of its 417
layouts from here (load 8); the lookup costs a layout 1.5-5 ms of CPU (the key: the
layout's HTML hashed, fontconfig's 47 files and folders stat'ed), a hit 1.7 ms against
415 for the default guide laid out and written (load 20).

Keyed by :func:`key`: this format; the whole :class:`~guidegen.renderers.pdf.Layout`
(HTML, variant, sources, fallback, limits, attachments, date, template folders and their
files' digest); what the engine adds (WeasyPrint's options, fontconfig's configuration
files and font folders with their status: a font installed or removed asks another key);
guidegen's code and Python's version (:func:`guidegen.common.remember.code`); the
libraries a layout runs (WeasyPrint, pydyf, tinycss2, cssselect2, tinyhtml5, fontTools,
pyphen and its dictionaries, Pillow, lxml: versions and files; zlib's version; Pango,
HarfBuzz, fontconfig, FreeType, FriBidi, libthai, Graphite as mapped). Every file the
layout's URL fetcher fetched is kept with the SHA-256 of its bytes, and fetched and
checked again on a hit (a changed logo misses). Read through
:func:`guidegen.common.remember.recall` (sealed, by size, SHA-256 first, only guidegen's
data classes): a damaged, foreign or other key's entry is laid out as usual. Never kept:
a layout or write that raised. A build with ``--force`` (``Layout.fresh``: the benchmark's
cold build lays out for real) takes nothing kept but keeps what it lays out: from an empty
cache folder the test suite's forced fixtures (the A4 and Letter guides) were laid out
again by later tests, 13 of its misses. The last :data:`_KEEP`, within :data:`_BYTES`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import fields, is_dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .subsets import mapped

if TYPE_CHECKING:
    from .. import Rendered
    from ..pdf.handoff import Layout

    Writer = Callable[[], Rendered]

_FORMAT = 1  # of what is kept; raised when it changes
_KIND = "layout"  # the kept files' names: layout-HASH.pickle
_MAX = 32 << 20  # bytes of one kept layout read at most (the default guide's: ~0.2 MB)
_KEEP, _BYTES = 64, 32 << 20  # kept layouts at most, and at most this many bytes of them
_LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fontTools",
              "pyphen", "PIL", "lxml")  # PIL: the images' streams; lxml: speed.parse's tree
_MAPPED = ("libpango", "libharfbuzz", "libfontconfig", "libfreetype", "libfribidi",
           "libthai", "libdatrie", "libgraphite2")  # Pango's Thai breaks, Graphite shaping
_HELD = ("guidegen.renderers",)  # Rendered, PageMap, Pagination (besides errors' Problem)
STATE = {"hits": 0, "misses": 0, "kept": 0}  # this process's (for the tests)
_RECORDING = threading.local()  # the URLs fetched meanwhile, with their bytes' SHA-256

Fetched = tuple[tuple[str, str], ...]  # each URL fetched, and the SHA-256 of its bytes


def fetched(url: str, data: bytes) -> None:
    """Note that a layout's URL fetcher fetched ``data`` for ``url`` (while recording)."""
    found: dict[str, str] | None = getattr(_RECORDING, "found", None)
    if found is not None:
        found[url] = hashlib.sha256(data).hexdigest()


@contextmanager
def _recording() -> Iterator[dict[str, str]]:
    """Note every URL fetched in this thread meanwhile (and in the recording outside)."""
    outer: dict[str, str] | None = getattr(_RECORDING, "found", None)
    found: dict[str, str] = {}
    _RECORDING.found = found
    try:
        yield found
    finally:
        _RECORDING.found = outer
        if outer is not None:
            outer.update(found)


def laid_pages(layout: Layout, lay: Callable[[Layout], tuple[Rendered, Writer]],
               engine: Callable[[Layout], str | None],
               fetch: Callable[[Layout, str], bytes | None]) -> tuple[Rendered, Writer]:
    """Return ``lay(layout)``, or what a layout of the same input kept.

    ``engine`` returns what the engine adds to the key (None: keep nothing), ``fetch``
    the bytes a URL holds now (None: refused).
    """
    try:
        engine_key = engine(layout)
        asked = None if engine_key is None else key(layout, engine_key)
    except Exception:  # an odd layout, no fontconfig: laid out as usual
        asked = None
    if asked is None:
        return lay(layout)
    from ...common.remember import file_of

    path = file_of(_KIND, asked)
    if path is None:  # no project named: nothing kept (caches.project_cache)
        return lay(layout)
    # --force (``fresh``) takes nothing kept but keeps what it lays out, for the next
    # layout of the same input (a forced build's guides: the test suite's fixtures)
    found = None if layout.fresh else _found(path, asked, layout, fetch)
    if found is not None:
        STATE["hits"] += 1
        facts, data = found
        if data:
            return facts, lambda: replace(facts, data=data)
        return facts, lambda: _written(path, asked, layout, lay)
    if not layout.fresh:
        STATE["misses"] += 1
    with _recording() as urls:
        facts, write = lay(layout)
    _keep(path, asked, facts, tuple(sorted(urls.items())), None)

    def write_kept() -> Rendered:
        with _recording() as more:
            try:
                pdf = write()
            except BaseException:
                _drop(path)
                raise
        more.update(urls)
        _keep(path, asked, replace(pdf, data=b""), tuple(sorted(more.items())), pdf.data)
        return pdf

    return facts, write_kept


def _written(path: Path, asked: str, layout: Layout,
             lay: Callable[[Layout], tuple[Rendered, Writer]]) -> Rendered:
    """Return the PDF of ``layout`` laid out again and written; keep it with its facts."""
    with _recording() as found:
        facts, write = lay(layout)
        pdf = write()
    _keep(path, asked, facts, tuple(sorted(found.items())), pdf.data)
    return pdf


def key(layout: Layout, engine: str) -> str:
    """Return the key of ``layout``'s kept layout: everything its pages and PDF depend on.

    ``engine`` is what the engine adds (its options, the installed fonts).
    """
    from ...common.remember import code, digest

    plain = replace(layout, html="", attachments=(), fresh=False)
    parts: list[str | bytes] = [repr((_FORMAT, _canonical(plain))), layout.html, engine, code(),
                                _libraries(), os.environ.get("SOURCE_DATE_EPOCH", "")]
    for name, data in layout.attachments:
        parts += [name, data]
    return digest(*parts)


def _canonical(value: object) -> object:
    """Return ``value`` with its sets sorted and its data classes as tuples.

    Its repr is the same in every process: a set's order follows the process's hashes.
    """
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__qualname__,
                *((item.name, _canonical(getattr(value, item.name))) for item in fields(value)))
    if isinstance(value, tuple | list):
        return tuple(_canonical(item) for item in value)
    if isinstance(value, frozenset | set):
        return ("set", *sorted(repr(_canonical(item)) for item in value))
    if isinstance(value, dict):
        return ("dict", *sorted(repr((_canonical(k), _canonical(v))) for k, v in value.items()))
    return value


@cache
def _libraries() -> str:
    """Return the versions and files of the libraries a layout runs (as this process has them)."""
    import zlib  # pydyf's streams: the zlib Python runs, not the one it was built with

    stats: list[object] = [mapped(*_MAPPED), zlib.ZLIB_RUNTIME_VERSION]
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)
        origin = spec.origin if spec is not None else None
        stats.append((library, _stat(origin) if origin else "absent"))
        if library == "pyphen" and origin:  # its dictionaries: a folder's status
            stats.append(_stat(os.path.join(os.path.dirname(origin), "dictionaries")))
    return repr(stats)


def _stat(path: str) -> tuple[str, int, int, int]:
    """Return ``path`` with its size, modification time and inode (zeros: gone)."""
    try:
        info = os.stat(path)
    except OSError:
        return path, 0, 0, 0
    return path, info.st_size, info.st_mtime_ns, info.st_ino


def statuses(paths: list[str]) -> str:
    """Return what the engine's key says of files and folders ``paths`` (fontconfig's)."""
    names = ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "FONTCONFIG_SYSROOT", "HOME",
             "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    return repr(([os.environ.get(name) for name in names], [_stat(path) for path in paths]))


def _found(path: Path, asked: str, layout: Layout,
           fetch: Callable[[Layout, str], bytes | None]
           ) -> tuple[Rendered, bytes | None] | None:
    """Return the facts and bytes kept at ``path`` under ``asked``, if they still hold."""
    from ...common.remember import recall

    found = recall(path, asked, _MAX, _HELD)
    if found is None or not _well_formed(found):
        return None
    facts, urls, data = found
    for url, sha in urls:
        try:
            now = fetch(layout, url)
        except Exception:
            return None
        if now is None or hashlib.sha256(now).hexdigest() != sha:
            return None
    return facts, data


def _well_formed(found: object) -> bool:
    """Return whether ``found`` is what :func:`_keep` keeps."""
    from .. import Rendered

    if not isinstance(found, tuple) or len(found) != 3:
        return False
    facts, urls, data = found
    return (type(facts) is Rendered and facts.data == b"" and isinstance(urls, tuple)
            and all(isinstance(url, tuple) and len(url) == 2
                    and all(type(part) is str for part in url) for url in urls)
            and (data is None or type(data) is bytes))


def _keep(path: Path, asked: str, facts: Rendered, urls: Fetched, data: bytes | None) -> None:
    """Keep ``facts`` (and the PDF's ``data``) of key ``asked``; drop the oldest kept."""
    from ...common.remember import remember

    # bounded at each new file: few, and large (a Japanese guide's PDF is over 1 MB)
    if remember(path, asked, (facts, urls, data), _MAX, (_KEEP, _BYTES, 1)):
        STATE["kept"] += 1


def _drop(path: Path) -> None:
    """Remove the layout kept at ``path`` (its write raised; its seal matches no new file)."""
    with suppress(OSError):
        path.unlink()
