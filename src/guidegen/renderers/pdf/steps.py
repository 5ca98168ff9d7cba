"""The PDF's two steps, and the preflight between laying out and writing.

:func:`prepare_layout` (:mod:`.handoff`) draws the HTML (it needs Jinja and the tree)
into a small, picklable :class:`Layout`; :func:`lay_out` runs WeasyPrint on it (it needs
nothing else), so a helper process that only imported WeasyPrint can do the second step
while this one builds the DOCX. :func:`laid_out` and :func:`written` are its two halves,
for a composed packet (:mod:`.compose`), which lays out a shared document once and writes
each recipient's PDF from its pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ...errors import Location, Problem, TemplateError
from ...theme.folders import builtin_templates
from .. import Pagination, Rendered
from ..speed.layouts import laid_pages as kept_layout
from ..speed.layouts import statuses
from ..urls import base_url
from . import engine
from .ends import End, breaks, find_ends
from .engine import Laid
from .fetcher import fetched_now, project_fetcher, refused_urls_as_errors
from .glyphs import missing_glyph_error
from .handoff import ARCHIVAL, Layout, prepare_layout
from .pagemap import page_map
from .preflight import inspect
from .tails import balanced


def lay_out(layout: Layout) -> Rendered:
    """Return the PDF WeasyPrint makes of ``layout``, fetching only what the project ships.

    Raise :class:`~guidegen.errors.ResourceError` if some text has no font to draw it.
    """
    return laid_pages(layout)[1]()


Writer = Callable[[], Rendered]  # writes the PDF of pages laid out (laid_pages)


def laid_pages(layout: Layout) -> tuple[Rendered, Writer]:
    """Return where the pages of ``layout`` fell, and what writes its PDF (:func:`lay_out`).

    The first is the PDF without its bytes (page count, page map, pagination, warnings):
    a helper sends it as soon as it is known, and writes the PDF only if it is asked to
    (a layout the fitter tries is not written: :mod:`..speed`). A table whose last rows
    are left alone on a page, or a packet's guide that ends on a near-empty page, is laid
    out again balanced (:mod:`.tails`, :mod:`.ends`), if that takes no more pages. What a
    layout of the same input kept is taken instead (:mod:`..speed.layouts`).
    """
    return kept_layout(layout, _laid_pages, _engine_key, fetched_now)


def _engine_key(layout: Layout) -> str:
    """Return what a kept layout's key holds of the engine: its options, the installed fonts."""
    engine.load()  # first: the libraries it maps are in the key
    fonts = (layout.folders, layout.digest) if layout.digest else None
    return engine.options(layout.variant) + statuses(engine.fontconfig_files(fonts))


def _laid_pages(layout: Layout) -> tuple[Rendered, Writer]:
    """Return :func:`laid_pages`' answer, laid out now."""
    laid, used, fetcher, found, kept = settled(layout)
    return _pages(laid, used, (fetcher,), found, kept)


Found = tuple[list[Problem], Pagination]  # the preflight's warnings, and the pagination
Settled = tuple[Laid, Layout, Any, Found, tuple[tuple[Location, int], ...]]


def settled(layout: Layout) -> Settled:
    """Return ``layout`` laid out, balanced where the first layout asks for it.

    Return the pages, the layout they are of (``layout``, or it with the balancing
    rules), its URL fetcher, what the preflight found, and the tables whose last rows
    were kept together (:mod:`.tails`).
    """
    document, fetcher = laid_out(layout)
    found = _inspect(document, layout)
    tails = found[1].tails
    limits = layout.limits
    ends = find_ends(document.pages, found[1].fills, limits.page, limits.fit_last_page)
    for tried in dict.fromkeys(((tails, ends), (tails, ()))):
        if not any(tried):
            continue
        even = replace(layout, html=balanced(layout.html, tried[0], breaks(tried[1])))
        document_even, fetcher_even = laid_out(even)
        problems, pagination = _inspect(document_even, even)
        if _better(len(document.pages), len(document_even.pages), pagination.fills,
                   tried[1], layout.limits.page):
            pages = tuple(tail.page for tail in tried[0])
            kept = tuple((even.sources[tail.src], tail.keep) for tail in tried[0]
                         if tail.src < len(even.sources))
            return (document_even, even, fetcher_even,
                    (problems, replace(pagination, balanced=pages)), kept)
    return document, layout, fetcher, found, ()


def _better(pages: int, even: int, fills: Sequence[float], ends: Sequence[End],
            limit: float) -> bool:
    """Return whether a balanced layout of ``even`` pages (``fills`` full) is kept.

    It takes no more pages than the first layout's ``pages``; if it balanced ``ends``,
    just as many, and each end and the page before it is now at least ``limit`` full.
    """
    if not ends:
        return even <= pages
    return even == pages and all(min(fills[end.page - 2:end.page]) >= limit for end in ends)


def _inspect(document: Laid, layout: Layout) -> tuple[list[Problem], Pagination]:
    """Return what the preflight finds in ``document``, the pages of ``layout``."""
    with refused_urls_as_errors():
        return inspect(document, layout.sources, layout.fallback, layout.limits)


def laid_out(layout: Layout) -> tuple[Laid, Any]:
    """Return the laid-out pages of ``layout`` and its URL fetcher."""
    fetcher = project_fetcher(layout.folders)
    with refused_urls_as_errors():
        document = engine.lay_out(layout.html, base_url(layout.folders), fetcher,
                                  layout.variant,
                                  (layout.folders, layout.digest) if layout.digest else None,
                                  layout.folders == (builtin_templates(),))
    return document, fetcher


def written(document: Laid, layout: Layout, *fetchers: Any) -> Rendered:
    """Return the PDF of the laid-out ``document``, after the preflight.

    ``layout`` is the one whose ``data-src`` indexes its pages carry; raise what any of
    ``fetchers`` refused, and a :class:`~guidegen.errors.ResourceError` if some text
    has no font to draw it.
    """
    return _pages(document, layout, fetchers, _inspect(document, layout))[1]()


def _pages(document: Laid, layout: Layout, fetchers: Sequence[Any],
           found: tuple[list[Problem], Pagination],
           kept: tuple[tuple[Location, int], ...] = ()) -> tuple[Rendered, Writer]:
    """Return :func:`laid_pages`' answer for ``document``, which the preflight ``found``.

    ``kept`` are the tables whose last rows were kept together (:mod:`.tails`).
    """
    warnings, pagination = found
    pages = page_map(document, layout.sources)
    if pages is not None and kept:
        pages = replace(pages, kept=kept)
    laid = Rendered(b"", len(document.pages), tuple(warnings), pages, pagination)

    def write() -> Rendered:
        with refused_urls_as_errors(), engine.glyph_misses() as missing:
            data = document.write_pdf(layout.attachments, layout.date)
        for fetcher in fetchers:
            if fetcher.refused:  # refused inside an SVG image, where WeasyPrint carries on
                raise TemplateError(fetcher.refused[0])
        if missing:
            raise missing_glyph_error(document, list(missing), layout.sources,
                                      layout.fallback)
        return replace(laid, data=data)

    return laid, write


__all__ = ["ARCHIVAL", "Layout", "Writer", "laid_out", "laid_pages", "lay_out", "prepare_layout",
           "settled", "written"]
