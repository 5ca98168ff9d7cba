"""Renderers turn one document tree into the bytes of one output format.

Renderers are looked up by format name, like pandoc's writers. Each is a package with a
``render(document, context) -> Rendered`` function; a renderer whose output depends on
another's (the DOCX caches the PDF's page count in its NUMPAGES field) also has
``prepare(document, context)``, which does everything else and returns the function that
finishes the output given that count. Packages are imported only when their format is
rendered, so ``guidegen check`` and an up-to-date build never load WeasyPrint.

What the builder needs to know of a format without importing it is declared here, once,
in :data:`RENDERERS` (a :class:`Renderer` each): its file extension, whether it lays out
pages (``paginates``: its page count and fullness drive page fitting), whether it takes
the paginating format's page map (``needs_page_map``), and whether a helper process may
lay it out while this one renders the others (``runs_in_helper``; such a package also has
``prepare_layout(document, context)``, whose picklable result ``lay_out(layout)`` turns
into the output). A package may have ``warm_up(language)``: what a freshly forked helper or
worker does while it waits for its first document.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Literal, cast

from ..errors import Location, Problem, UsageError

if TYPE_CHECKING:
    from ..common.language import Language
    from ..theme import Templates
    from ..tree import Document

Format = Literal["pdf", "docx", "html"]


@dataclass(frozen=True)
class Renderer:
    """What guidegen knows of one output format before its package is imported."""

    name: Format
    package: str
    extension: str
    paginates: bool = False  # lays out pages: its page count and fullness fit a document
    needs_page_map: bool = False  # takes the paginating format's page map (and its fit)
    runs_in_helper: bool = False  # a helper process may lay it out (prepare_layout/lay_out)

    def module(self) -> ModuleType:
        """Return the renderer's package, imported now if it was not yet."""
        return importlib.import_module(self.package)

    def warm_up(self, language: Language | None) -> None:
        """Import the package and run its ``warm_up(language)``, if it has one.

        ``language`` is the one the coming documents most likely use (None: unknown).
        """
        warm = getattr(self.module(), "warm_up", None)
        if warm is not None:
            warm(language)

    def idle(self, waiting: Callable[[], bool]) -> None:
        """Run the package's ``idle(waiting)``, if it has one (a helper, between messages).

        It makes what the next documents may need, until ``waiting()`` says one is there.
        """
        idle = getattr(self.module(), "idle", None)
        if idle is not None:
            idle(waiting)

    def keep_for_next(self) -> None:
        """Run the package's ``keep_for_next()``, if it has one (a helper, pages laid out).

        It saves what the next helper's ``idle`` works on.
        """
        keep = getattr(self.module(), "keep_for_next", None)
        if keep is not None:
            keep()


# every format, in rendering order: the paginating one first, as the others take its pages
RENDERERS: dict[str, Renderer] = {renderer.name: renderer for renderer in (
    Renderer("pdf", "guidegen.renderers.pdf", "pdf", paginates=True, runs_in_helper=True),
    Renderer("docx", "guidegen.renderers.docx", "docx", needs_page_map=True),
    Renderer("html", "guidegen.renderers.html", "html"),
)}
FORMATS: tuple[Format, ...] = tuple(r.name for r in RENDERERS.values())


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
    fresh: bool = False  # the PDF laid out again, not taken from a kept layout (--force)


@dataclass(frozen=True)
class PageStart:
    """What a page of the PDF starts with: a block, as the PDF's HTML draws it.

    It is the ``nth`` (from 0) element drawn as ``tag`` (``p``, ``h2``, ``li``,
    ``table``) of those from ``source``. ``continued``: that element began on a page
    before (the rest of a paragraph, a list or a table); ``row``: the row of a table
    (from 0, its header row left out) the page starts with.
    """

    source: Location
    tag: str = ""
    nth: int = 0
    continued: bool = False
    row: int | None = None


@dataclass(frozen=True)
class PageMap:
    """Where the PDF's layout put things: its page count and the page of each anchor.

    The DOCX takes its cached page numbers from it: NUMPAGES, each part's page count,
    and the table of contents; and its pages: ``starts`` says what each page starts
    with (None: not known), ``rows`` the height (points) of each table's rows, header
    first, by where the table came from; ``chapters`` what each page's running header
    prints at its right (the part the page is in); ``kept`` the tables, by where they
    came from, whose last rows the PDF kept together on their last page (a balanced
    tail), and how many.
    """

    pages: int | None = None
    anchors: tuple[tuple[str, int], ...] = ()
    blank: tuple[int, ...] = ()  # pages left blank before a part on a right-hand page
    starts: tuple[PageStart | None, ...] = ()
    rows: tuple[tuple[Location, tuple[float, ...]], ...] = ()
    chapters: tuple[str, ...] = ()  # the right-hand text of each page's running header
    kept: tuple[tuple[Location, int], ...] = ()  # tables whose last N rows the PDF kept

    def page_of(self, anchor: str) -> int | None:
        """Return the page (from 1) where ``anchor`` landed, or None if it is not there."""
        return dict(self.anchors).get(anchor)


@dataclass(frozen=True)
class Top:
    """What a page starts with: the heading in effect there, and where its first block is."""

    heading: str
    source: Location


@dataclass(frozen=True)
class Tail:
    """A table whose last page (``page``, from 1) holds only a tail of its rows.

    ``src`` is the table's ``data-src`` index; ``keep`` how many of its last rows to keep
    together so that its last two pages share their rows evenly (see
    :mod:`guidegen.renderers.pdf.tails`).
    """

    src: int
    page: int
    keep: int


@dataclass(frozen=True)
class Pagination:
    """How a paged output's content fell onto its pages.

    ``fills`` is the share of each page's text area its content takes; ``tops`` what
    each page starts with (a page budget names what spilled over with it); ``tails``
    the tables whose last page is near-empty, ``balanced`` the pages whose tail was
    balanced by laying the PDF out again.
    """

    fills: tuple[float, ...]
    tops: tuple[Top, ...]
    tails: tuple[Tail, ...] = ()  # tables whose last page holds only a tail of their rows
    balanced: tuple[int, ...] = ()  # pages (from 1) that held a tail before it was balanced
    # the share of each page's text area the spacing takes, and the lines of the theme's
    # line height: what a small tightening shortens (pdf.room; the fitter's model)
    spacing: tuple[float, ...] = ()
    leading: tuple[float, ...] = ()


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


def renderer(name: str) -> Renderer:
    """Return the :class:`Renderer` of format ``name``; a usage error if there is none."""
    check_formats([name])
    return RENDERERS[name]


def extension(name: str) -> str:
    """Return the file extension of format ``name``, without importing its renderer."""
    return renderer(name).extension


def paginating(formats: Iterable[str]) -> Renderer | None:
    """Return the renderer among ``formats`` that lays out pages, if one does."""
    return next((RENDERERS[f] for f in formats if RENDERERS[f].paginates), None)


def helped(formats: Iterable[str]) -> Renderer | None:
    """Return the renderer among ``formats`` a helper process may lay out, if one may."""
    return next((RENDERERS[f] for f in formats if RENDERERS[f].runs_in_helper), None)


def get_renderer(name: str) -> Callable[[Document, RenderContext], Rendered]:
    """Return the ``render`` function of the format called ``name``."""
    return cast(Callable[["Document", RenderContext], Rendered], renderer(name).module().render)


def get_preparer(name: str) -> Preparer:
    """Return the ``prepare`` function of format ``name`` (see the module's docstring)."""
    module = renderer(name).module()
    if hasattr(module, "prepare"):
        return cast(Preparer, module.prepare)

    def prepare(document: Document, context: RenderContext) -> Finisher:
        result = module.render(document, context)
        return lambda page_map: result

    return prepare
