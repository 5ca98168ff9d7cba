"""WeasyPrint behind one small typed API: the only place that knows how it works inside.

The PDF renderer lays HTML out (:func:`lay_out`) and writes the PDF of the pages
(:meth:`Laid.write_pdf`, of some pages of two layouts with :meth:`Laid.copy`). The
preflight, the page map, composed packets and the missing-glyph error read the laid-out
pages through :class:`Page` (geometry, anchors, blank pages, the text the stylesheet
generated) and :class:`Box` (what a box is, where it is, its text and style, and the
``data-src`` of the element it draws, an index into the content's places), from
:mod:`.engine_boxes`. Fetching goes through :func:`url_fetcher`, characters no font has
are heard through :func:`glyph_misses` (:mod:`.engine_hooks`). Everything of WeasyPrint
beyond ``HTML(...).render()`` and ``write_pdf()`` (its box classes, the page box, a log
message's text, the URL fetcher's classes) is read in this module and its ``engine_*``
modules and nowhere else, so a WeasyPrint release that changes them costs these; the
rest of guidegen imports this module only.
"""

from __future__ import annotations

import atexit
import datetime
import io
import os
import threading
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ...native import lift_memory_ceiling
from ..speed import import_weasyprint
from ..speed.parse import parsed
from ..speed.subsets import mapped
from .engine_boxes import Box, BoxKind, Page
from .engine_hooks import Fetched, URLRefusedError, glyph_misses, refusing_fetcher, url_fetcher
from .engine_painting import keep, write_once
from .engine_writing import amended, fonts_dated


def load() -> None:
    """Import WeasyPrint now (a helper process does, while it waits for its first document)."""
    import_weasyprint()


def lay_out(html: str, base_url: str, fetcher: Any, variant: str | None,
            fonts: Hashable | None = None, own_markup: bool = False) -> Laid:
    """Return the pages WeasyPrint lays ``html`` out on; raise :class:`URLRefusedError` for a URL.

    ``fetcher`` is one of :func:`url_fetcher`'s; ``variant`` WeasyPrint's name of the PDF
    variant (None: plain tagged PDF). ``fonts`` says which fonts the layout may load
    besides the installed ones (the template folders and a hash of their files): the
    layouts with the same share one font configuration (:func:`_font_configuration`).
    ``own_markup``: ``html`` is the built-in templates' (:func:`_parsed`).
    """
    with _refusals():
        try:
            document = _parsed(html, base_url, fetcher, own_markup).render(
                font_config=_font_configuration(fonts), **_options(variant))
        except BaseException:
            lift_memory_ceiling()  # first: out of memory, what handles it allocates too
            raise
    return Laid(document, variant)


def _parsed(html: str, base_url: str, fetcher: Any, own_markup: bool) -> Any:
    """Return WeasyPrint's HTML document of ``html``.

    A speed trick (:mod:`..speed.parse`): the built-in templates' markup is parsed by
    libxml2 where that makes tinyhtml5's tree (0.5-1 ms of CPU in place of 18-23 per
    layout, the default guide), and the document made of the tree as
    ``weasyprint.HTML.__init__`` makes it of its own parse.
    """
    weasyprint = import_weasyprint()
    root = parsed(html) if own_markup else None
    if root is None:
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    import cssselect2  # type: ignore[import-untyped]

    document = object.__new__(weasyprint.HTML)
    document.base_url = weasyprint._find_base_url(root, base_url)
    document.url_fetcher = fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(
        root, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


_FONT_CONFIGURATIONS = threading.local()  # per thread (Pango's font map is not thread-safe)


def _font_configuration(fonts: Hashable | None) -> Any:
    """Return this thread's font configuration of the layouts of ``fonts`` (None: a new one's).

    WeasyPrint makes a font configuration (fontconfig's, with every installed font, and
    Pango's font map over it) for each document it lays out unless given one, and about
    0.2 MB of each stays behind in Pango and fontconfig when it goes: 40 MB over 200
    rebuilds of ``guidegen serve`` (issue 18). The layouts of one set of template files
    share one instead; the fonts its ``@font-face`` rules loaded stay right while those
    files are the same (a ``data:`` URL is its own rule), and the next set gets a new one.
    Each thread has its own: two layouts at once in one font map abort the process
    (``tests/test_edges.py``, renders from threads).
    """
    if fonts is None:
        return None
    kept = _kept()
    if fonts not in kept:
        spare = kept.pop(_SPARE, None)
        kept.clear()  # the last one only
        kept[fonts] = spare if spare is not None else _new_font_configuration()
    return kept[fonts]


_SPARE = ("spare",)  # the key of the font configuration made ahead (no layout's key)


def _kept() -> dict[Hashable, Any]:
    kept: dict[Hashable, Any] | None = getattr(_FONT_CONFIGURATIONS, "kept", None)
    if kept is None:  # freed while the libraries are still there: freed by the last
        kept = _FONT_CONFIGURATIONS.kept = {}  # collection, it crashed
        atexit.register(kept.clear)
    return kept


def make_font_configuration() -> None:
    """Make this thread's first font configuration now (a new helper, waiting for its document).

    A speed trick (:mod:`..speed`): fontconfig reading its configuration and the
    installed fonts' cache, and Pango's font map, 8 ms of the first layout's CPU. It has
    no template fonts yet: a layout's ``@font-face`` rules add them, as to a new one.
    Only while the thread has none (a new helper's first wait): one made later, in a
    long-lived helper's wait (``guidegen serve``), could be hours old when the template
    files change, and miss the fonts installed meanwhile.
    """
    kept = _kept()
    if not kept:
        import_weasyprint()
        kept[_SPARE] = _new_font_configuration()


def _new_font_configuration() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def fontconfig_files(fonts: Hashable | None) -> list[str]:
    """Return fontconfig's configuration files and font folders, as the layouts of ``fonts`` see.

    Those of this thread's font configuration for ``fonts`` (:func:`_font_configuration`;
    None: fontconfig's current one). What a kept layout's key holds of the installed
    fonts (:mod:`..speed.layouts`), as fontconfig judges its own cache: a folder's status
    changes when a font is added or removed in it. 0.7 ms (10 folders and 37 files here).
    """
    import ctypes

    from weasyprint.text.ffi import ffi

    library = ctypes.CDLL(next((path for path, *_ in mapped("libfontconfig")),
                               "libfontconfig.so.1"))
    library.FcConfigGetCurrent.restype = ctypes.c_void_p
    for name in ("FcConfigGetFontDirs", "FcConfigGetConfigFiles"):
        getattr(library, name).restype = ctypes.c_void_p
        getattr(library, name).argtypes = [ctypes.c_void_p]
    library.FcStrListNext.restype = ctypes.c_char_p
    library.FcStrListNext.argtypes = [ctypes.c_void_p]
    library.FcStrListDone.argtypes = [ctypes.c_void_p]
    configuration = _font_configuration(fonts) if fonts is not None else None
    config = int(ffi.cast("uintptr_t", configuration._config)) \
        if configuration is not None else library.FcConfigGetCurrent()
    paths = []
    for listing in (library.FcConfigGetConfigFiles(config), library.FcConfigGetFontDirs(config)):
        if listing:
            while (path := library.FcStrListNext(listing)) is not None:
                paths.append(os.fsdecode(path))
            library.FcStrListDone(listing)
    if not paths:
        raise OSError("fontconfig names no configuration file and no font folder")
    return paths


def options(variant: str | None) -> str:
    """Return what WeasyPrint is told besides the document, as text (a kept layout's key)."""
    return repr(sorted(_options(variant).items()))


def _options(variant: str | None) -> dict[str, Any]:
    # custom_metadata: the <meta> names beyond the standard ones go into the PDF's
    # document information (a controlled document's number, version, ...)
    return {"pdf_variant": variant, "pdf_tags": True, "pdf_identifier": b"guidegen",
            "custom_metadata": True}


class Laid:
    """A laid-out document: its pages, and the PDF of them."""

    __slots__ = ("_document", "_variant", "pages")

    def __init__(self, document: Any, variant: str | None) -> None:
        self._document = document
        self._variant = variant
        self.pages = [Page(page) for page in document.pages]

    def copy(self, pages: Sequence[Page]) -> Laid:
        """Return a document of ``pages`` (of this layout or another), this one's metadata."""
        return Laid(self._document.copy([page._page for page in pages]), self._variant)

    def keep_painting(self) -> None:
        """Let each page be painted once, then replayed in each PDF (:mod:`.engine_painting`)."""
        keep([page._page for page in self.pages])

    def write_pdf(self, attachments: Sequence[tuple[str, bytes]] = (),
                  date: datetime.datetime | None = None) -> bytes:
        """Return the PDF of the pages: tagged, with outline, links and metadata.

        Amended by :mod:`.engine_writing`: hyphenated words read whole, table headers
        have scopes, a link has one annotation per line. ``attachments`` (name, bytes) are
        embedded as the files the PDF was made from (``AFRelationship /Source``, in the
        catalogue's ``/AF``), dated ``date`` (else 1980-01-01) so the bytes are the same
        every time; a font WeasyPrint saves again is dated ``date`` too.
        """
        attachment = import_weasyprint().Attachment
        stamp = date or datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
        files = [attachment(file_obj=io.BytesIO(data), name=name, created=stamp,
                            modified=stamp, description="the YAML source it was made from",
                            relationship="Source") for name, data in attachments]
        with _refusals(), amended(self._document) as finisher, fonts_dated(stamp):
            write_once()
            try:
                data: bytes = self._document.write_pdf(finisher=finisher, attachments=files,
                                                       **_options(self._variant))
            except BaseException:
                lift_memory_ceiling()  # as in lay_out
                raise
        return data


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn the refusal that stopped WeasyPrint into :class:`URLRefusedError`."""
    import_weasyprint()  # first, with the speed tricks
    from weasyprint.urls import FatalURLFetchingError

    try:
        yield
    except FatalURLFetchingError as exc:
        raise URLRefusedError(str(exc)) from None


__all__ = ["Box", "BoxKind", "Fetched", "Laid", "Page", "URLRefusedError", "fontconfig_files",
           "glyph_misses", "lay_out", "load", "make_font_configuration", "options",
           "refusing_fetcher", "url_fetcher"]
