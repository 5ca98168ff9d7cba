"""Renderers turn one document tree into the bytes of one output format.

Renderers are looked up by format name, like pandoc's writers. Each is a package with a
``render(document, context) -> Rendered`` function; a renderer whose output depends on
another's (the DOCX caches the PDF's page count in its NUMPAGES field) also has
``prepare(document, context)``, which does everything else and returns the function that
finishes the output given that count. Packages are imported only when their format is
rendered, so ``guidegen check`` and an up-to-date build never load WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import Location, Problem, UsageError

if TYPE_CHECKING:
    from ..layout.tree import Document
    from ..theme import Templates

# format name -> (package, file extension), in rendering order: the DOCX reuses the
# PDF's page count.
RENDERERS = {"pdf": ("guidegen.renderers.pdf", "pdf"), "docx": ("guidegen.renderers.docx", "docx"),
             "html": ("guidegen.renderers.html", "html")}


@dataclass(frozen=True)
class RenderContext:
    """What every renderer needs besides the document: templates and options.

    ``pdf_variant`` is WeasyPrint's name of the PDF variant (None: plain tagged PDF).
    ``pages_hint`` is the page count of the document's PDF when it was rendered first,
    ``page_map`` where that PDF put each anchor. ``shared`` is the document without its
    personal parts (a packet without a recipient): the PDF renderer lays it out once and
    lays out only the pages that differ from it, where that is exact.
    """

    templates: Templates
    pdf_variant: str | None = "pdf/ua-1"
    pages_hint: int | None = None
    page_map: PageMap | None = None
    shared: Document | None = None


@dataclass(frozen=True)
class PageMap:
    """Where the PDF's layout put things: its page count and the page of each anchor.

    The DOCX takes its cached page numbers from it: NUMPAGES, each part's page count,
    and the table of contents.
    """

    pages: int | None = None
    anchors: tuple[tuple[str, int], ...] = ()
    blank: tuple[int, ...] = ()  # pages left blank before a part on a right-hand page

    def page_of(self, anchor: str) -> int | None:
        """Return the page (from 1) where ``anchor`` landed, or None if it is not there."""
        return dict(self.anchors).get(anchor)


@dataclass(frozen=True)
class Top:
    """What a page starts with: the heading in effect there, and where its first block is."""

    heading: str
    source: Location


@dataclass(frozen=True)
class Pagination:
    """How a paged output's content fell onto its pages.

    ``fills`` is the share of each page's text area its content takes; ``tops`` what
    each page starts with (a page budget names what spilled over with it).
    """

    fills: tuple[float, ...]
    tops: tuple[Top, ...]


@dataclass(frozen=True)
class Rendered:
    """One output in memory: its bytes, and its page count where the format has pages.

    ``warnings`` are what rendering it found worth a look (the PDF's layout preflight);
    they travel back from helper and worker processes with the bytes. ``pagination``
    says how the PDF's content fell onto its pages.
    """

    data: bytes
    pages: int | None = None
    warnings: tuple[Problem, ...] = ()
    page_map: PageMap | None = None
    pagination: Pagination | None = None


Finisher = Callable[[PageMap | None], Rendered]
Preparer = Callable[["Document", RenderContext], Finisher]


def check_formats(names: Iterable[str]) -> list[str]:
    """Return the format ``names`` without repeats, in rendering order; reject unknown ones."""
    chosen = set(names)
    unknown = sorted(chosen - set(RENDERERS))
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r} (known: {', '.join(RENDERERS)})")
    return [name for name in RENDERERS if name in chosen]


def extension(name: str) -> str:
    """Return the file extension of format ``name``, without importing its renderer."""
    return RENDERERS[name][1]


def get_renderer(name: str) -> Callable[[Document, RenderContext], Rendered]:
    """Return the ``render`` function of the format called ``name``."""
    check_formats([name])
    return importlib.import_module(RENDERERS[name][0]).render


def get_preparer(name: str) -> Preparer:
    """Return the ``prepare`` function of format ``name`` (see the module's docstring)."""
    check_formats([name])
    module = importlib.import_module(RENDERERS[name][0])
    if hasattr(module, "prepare"):
        return module.prepare

    def prepare(document: Document, context: RenderContext) -> Finisher:
        result = module.render(document, context)
        return lambda page_map: result

    return prepare
