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
files' digest), the files its places (sources, fallback) name as tokens where the facts
hold no trace of them (:func:`_slots`, :func:`_keep`: the same guide from another
project's files, 16 misses of the suite from an empty cache folder, takes it, its places
named in its own files); what the engine adds (WeasyPrint's options, fontconfig's configuration
files and font folders with their status: a font installed or removed asks another key);
guidegen's code and Python's version (:func:`guidegen.common.remember.code`); the
libraries a layout runs (WeasyPrint, pydyf, tinycss2, cssselect2, tinyhtml5, fontTools,
pyphen and its dictionaries, Pillow, lxml: versions and files; zlib's version; Pango,
HarfBuzz, fontconfig, FreeType, FriBidi, libthai, Graphite as mapped). Every file the
layout's URL fetcher fetched is kept with the SHA-256 of its bytes, and fetched and
checked again on a hit (a changed logo misses). Read through
:func:`guidegen.common.remember.recall` (sealed, by size, SHA-256 first, only guidegen's
data classes): a damaged, foreign or other key's entry is laid out as usual. Never kept:
a layout or write that raised, a build with ``--force`` (``Layout.fresh``: the benchmark's
cold build lays out for real; keeping what it laid out cost that build ~15-20 ms of CPU,
1.5%, for 16 of the suite's misses: measured and left out). The last :data:`_KEEP`,
within :data:`_BYTES`.
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
from typing import TYPE_CHECKING, TypeVar

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
_T = TypeVar("_T")
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
    if layout.fresh:  # --force: laid out for real, nothing taken or kept (bench: cold)
        return lay(layout)
    try:
        engine_key = engine(layout)
        slots = None if engine_key is None else _slots(layout, engine_key)
    except Exception:  # an odd layout, no fontconfig: laid out as usual
        slots = None
    if slots is None:  # (or no project named: nothing kept, caches.project_cache)
        return lay(layout)
    for path, asked, moved in slots:
        found = _found(path, asked, layout, fetch)
        if found is not None:
            STATE["hits"] += 1
            facts = _renamed(found[0], dict(zip(_tokens(layout), _files(layout),
                                                strict=True))) if moved else found[0]
            return facts, _kept_writer(facts, found[1], slots, layout, lay)
    STATE["misses"] += 1
    with _recording() as urls:
        facts, write = lay(layout)
    _keep(slots, layout, facts, tuple(sorted(urls.items())), None)

    def write_kept() -> Rendered:
        with _recording() as more:
            try:
                pdf = write()
            except BaseException:
                for path, _, _ in slots:
                    _drop(path)
                raise
        more.update(urls)
        _keep(slots, layout, replace(pdf, data=b""), tuple(sorted(more.items())), pdf.data)
        return pdf

    return facts, write_kept


def _kept_writer(facts: Rendered, data: bytes | None, slots: list[Slot], layout: Layout,
                 lay: Callable[[Layout], tuple[Rendered, Writer]]) -> Writer:
    """Return what writes the PDF of a kept layout: its bytes, else laid out again."""
    if data:
        return lambda: replace(facts, data=data)
    return lambda: _written(slots, layout, lay)


Slot = tuple["Path", str, bool]  # a kept layout's file, its key, whether keyed moved


def _slots(layout: Layout, engine: str) -> list[Slot] | None:
    """Return where ``layout`` is kept: without the files its places name, then with them.

    The first holds the layout with each file its places (``sources``, ``fallback``)
    name as a token: the same guide in another folder or file (the tests' projects) has
    the same HTML and pages. Its facts are kept there only where they hold no trace of
    those names (:func:`_keep`), the names put back on a hit. None: nothing kept.
    """
    from ...common.remember import file_of

    slots: list[Slot] = []
    for each, moved in ((moved_layout(layout), True), (layout, False)):
        asked = key(each, engine)
        path = file_of(_KIND, asked)
        if path is None:
            return None
        slots.append((path, asked, moved))
    return slots


def _files(layout: Layout) -> tuple[str, ...]:
    """Return the files the places of ``layout`` name, in the order first named."""
    return tuple(dict.fromkeys(place.file for place in (*layout.sources, layout.fallback)))


def _tokens(layout: Layout) -> tuple[str, ...]:
    """Return the token of each of :func:`_files` (NUL: in no file's name)."""
    return tuple(f"\0{number}" for number in range(len(_files(layout))))


def moved_layout(layout: Layout) -> Layout:
    """Return ``layout`` with each file its places name as its token (:func:`_slots`)."""
    names = dict(zip(_files(layout), _tokens(layout), strict=True))
    return replace(layout, sources=tuple(_renamed(layout.sources, names)),
                   fallback=_renamed(layout.fallback, names))


def _renamed(value: _T, names: dict[str, str]) -> _T:
    """Return ``value`` with the file of each place in it renamed by ``names``."""
    from ...errors import Location

    if isinstance(value, Location):
        return replace(value, file=names.get(value.file, value.file))
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{item.name: _renamed(getattr(value, item.name), names)
                                 for item in fields(value) if item.init})
    if isinstance(value, tuple):
        return tuple(_renamed(item, names) for item in value)  # type: ignore[return-value]
    return value


def _traced(value: object, names: tuple[str, ...]) -> bool:
    """Return whether ``value`` holds one of ``names``, or a place not named by a token.

    Anything else than data classes, tuples, text, numbers and bytes counts as traced.
    """
    from ...errors import Location

    if isinstance(value, Location):
        return not value.file.startswith("\0") or _traced(value.line, names) \
            or _traced(value.column, names)
    if is_dataclass(value) and not isinstance(value, type):
        return any(_traced(getattr(value, item.name), names) for item in fields(value))
    if isinstance(value, tuple):
        return any(_traced(item, names) for item in value)
    if isinstance(value, str):
        return any(name in value for name in names)
    return not (value is None or isinstance(value, int | float | bytes))


def _written(slots: list[Slot], layout: Layout,
             lay: Callable[[Layout], tuple[Rendered, Writer]]) -> Rendered:
    """Return the PDF of ``layout`` laid out again and written; keep it with its facts."""
    with _recording() as found:
        facts, write = lay(layout)
        pdf = write()
    _keep(slots, layout, facts, tuple(sorted(found.items())), pdf.data)
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


def _keep(slots: list[Slot], layout: Layout, facts: Rendered, urls: Fetched,
          data: bytes | None) -> None:
    """Keep ``facts`` (and the PDF's ``data``) of ``layout``; drop the oldest kept.

    Kept moved (the first of ``slots``, the files of its places as tokens) if they and
    the bytes hold no trace of those files and the tokens give them back; else as laid.
    """
    from ...common.remember import remember

    names = _files(layout)
    moved = _renamed(facts, dict(zip(names, _tokens(layout), strict=True)))
    clean = (not _traced(moved, names)
             and _renamed(moved, dict(zip(_tokens(layout), names, strict=True))) == facts
             and not (data and any(name.encode() in data for name in names)))
    path, asked, _ = slots[0] if clean else slots[1]
    # bounded at each new file: few, and large (a Japanese guide's PDF is over 1 MB)
    if remember(path, asked, (moved if clean else facts, urls, data), _MAX,
                (_KEEP, _BYTES, 1)):
        STATE["kept"] += 1


def _drop(path: Path) -> None:
    """Remove the layout kept at ``path`` (its write raised; its seal matches no new file)."""
    with suppress(OSError):
        path.unlink()
