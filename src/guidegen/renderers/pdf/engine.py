"""WeasyPrint behind one small typed API: the only module that knows how it works inside.

The PDF renderer lays HTML out (:func:`lay_out`) and writes the PDF of the pages
(:meth:`Laid.write_pdf`, of some pages of two layouts with :meth:`Laid.copy`). The
preflight, the page map, composed packets and the missing-glyph error read the laid-out
pages through :class:`Page` (geometry, anchors, blank pages, the text the stylesheet
generated) and :class:`Box` (what a box is, where it is, its text and style, and the
``data-src`` of the element it draws, an index into the content's places). Fetching
goes through :func:`url_fetcher`, characters no font has are heard through
:func:`glyph_misses`. Everything of WeasyPrint beyond ``HTML(...).render()`` and
``write_pdf()`` (its box classes, the page box, a log message's text, the URL fetcher's
classes) is read here and nowhere else, so a WeasyPrint release that changes them costs
this module.
"""

from __future__ import annotations

import atexit
import datetime
import io
import logging
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from ..speed import import_weasyprint
from .engine_painting import keep, write_once
from .engine_writing import amended

BoxKind = Literal["line", "text", "table", "row-group", "row", "cell", "picture", "margin",
                  "other"]
_KINDS: dict[str, BoxKind] = {
    "LineBox": "line", "TextBox": "text", "TableBox": "table", "TableRowGroupBox": "row-group",
    "TableRowBox": "row", "TableCellBox": "cell", "MarginBox": "margin"}
_BY_CLASS: dict[type, BoxKind] = {}
_NOTDEF = ".notdef glyph rendered"  # WeasyPrint's warning for a character no font has


class URLRefusedError(Exception):
    """A URL the fetcher refused: the layout stops (the message says which and why)."""


@dataclass(frozen=True)
class Fetched:
    """What a URL fetcher found: the bytes and their media type."""

    data: bytes
    mime: str


# -- laying out and writing ------------------------------------------------------------------

def load() -> None:
    """Import WeasyPrint now (a helper process does, while it waits for its first document)."""
    import_weasyprint()


def lay_out(html: str, base_url: str, fetcher: Any, variant: str | None,
            fonts: Hashable | None = None) -> Laid:
    """Return the pages WeasyPrint lays ``html`` out on; raise :class:`URLRefusedError` for a URL.

    ``fetcher`` is one of :func:`url_fetcher`'s; ``variant`` WeasyPrint's name of the PDF
    variant (None: plain tagged PDF). ``fonts`` says which fonts the layout may load
    besides the installed ones (the template folders and a hash of their files): the
    layouts with the same share one font configuration (:func:`_font_configuration`).
    """
    html_class = import_weasyprint().HTML
    with _refusals():
        document = html_class(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=_font_configuration(fonts), **_options(variant))
    return Laid(document, variant)


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
    kept: dict[Hashable, Any] | None = getattr(_FONT_CONFIGURATIONS, "kept", None)
    if kept is None:  # freed while the libraries are still there: freed by the last
        kept = _FONT_CONFIGURATIONS.kept = {}  # collection, it crashed
        atexit.register(kept.clear)
    if fonts not in kept:
        from weasyprint.text.fonts import FontConfiguration

        kept.clear()  # the last one only
        kept[fonts] = FontConfiguration()
    return kept[fonts]


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
        every time.
        """
        attachment = import_weasyprint().Attachment
        stamp = date or datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
        files = [attachment(file_obj=io.BytesIO(data), name=name, created=stamp,
                            modified=stamp, description="the YAML source it was made from",
                            relationship="Source") for name, data in attachments]
        with _refusals(), amended(self._document) as finisher:
            write_once()
            data: bytes = self._document.write_pdf(finisher=finisher, attachments=files,
                                                   **_options(self._variant))
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


# -- pages and boxes -------------------------------------------------------------------------

class Page:
    """One laid-out page."""

    __slots__ = ("_box", "_page")

    def __init__(self, page: Any) -> None:
        self._page = page
        self._box = page._page_box

    @property
    def anchors(self) -> list[str]:
        """Return the anchors (``id``) that start on this page, in order."""
        return list(self._page.anchors)

    @property
    def blank(self) -> bool:
        """Return whether the page was left blank (before a part on a right-hand page)."""
        return bool(self._box.page_type.blank)

    @property
    def name(self) -> str:
        """Return the page's name (CSS ``page:``), such as ``front``; empty if it has none."""
        return str(self._box.page_type.name or "")

    @property
    def area(self) -> tuple[float, float, float, float]:
        """Return the text area: left, top, width and height, in CSS pixels."""
        box = self._box
        return box.content_box_x(), box.content_box_y(), box.width, box.height

    def boxes(self, margins: bool = False) -> Iterator[Box]:
        """Return every box of the page's content in order (``margins``: and its margins')."""
        children = self._box.children if not margins else [self._box]
        for child in children:
            if margins or _kind(child) != "margin":
                yield from _walk(child, None)

    def margins(self) -> Iterator[Box]:
        """Return the page's margin boxes (running header and footer, page numbers)."""
        for child in self._box.children:
            if _kind(child) == "margin":
                yield Box(child, None)

    def margin_text(self, at: str) -> str:
        """Return the text of the page's margin box ``at`` (``@top-right``); "" if none."""
        for child in self._box.children:
            if _kind(child) == "margin" and child.at_keyword == at:
                return Box(child, None).all_text.strip()
        return ""

    def generated_text(self) -> list[str]:
        """Return the text the stylesheet generated on the page, in order.

        Margin boxes (running header and footer, page numbers) and ``::before``,
        ``::after`` and ``::marker`` content (counters, strings).
        """
        found: list[str] = []

        def visit(box: Any, generated: bool) -> None:
            generated = generated or _kind(box) == "margin" or \
                "::" in (getattr(box, "element_tag", None) or "")
            if _kind(box) == "text":
                if generated:
                    found.append(box.text)
            else:
                for child in getattr(box, "children", ()):
                    visit(child, generated)

        visit(self._box, False)
        return found


def _walk(box: Any, src: int | None) -> Iterator[Box]:
    """Return ``box`` and every box inside it, each with the nearest ``data-src``."""
    found = Box(box, src)
    yield found
    for child in getattr(box, "children", ()):
        yield from _walk(child, found.src)


def _kind(box: Any) -> BoxKind:
    """Return what WeasyPrint's ``box`` is, by its class (looked up once per class)."""
    cls = type(box)
    found = _BY_CLASS.get(cls)
    if found is None:
        name = cls.__name__
        found = _BY_CLASS[cls] = _KINDS.get(name) or (
            "picture" if name.endswith("ReplacedBox") else "other")
    return found


class Box:
    """One laid-out box: what it is, where, its text and style, and where it came from.

    ``src`` is the ``data-src`` of the nearest element around it that has one.
    Geometry is in CSS pixels, from the page's top left corner.
    """

    __slots__ = ("_box", "src")

    def __init__(self, box: Any, src: int | None = None) -> None:
        self._box = box
        self.src = _source(box, src)

    @property
    def kind(self) -> BoxKind:
        """Return what the box is: a line, a run of text, a table, a row, a picture, ..."""
        return _kind(self._box)

    @property
    def key(self) -> int:
        """Return a number that is the same for this box and no other, while it lives."""
        return id(self._box)

    @property
    def element_key(self) -> int:
        """Return a number that is the same for every box of one element (a split row's)."""
        return id(self._box.element)

    @property
    def own_src(self) -> int | None:
        """Return the ``data-src`` of the box's own element, if it has one."""
        return _source(self._box, None)

    @property
    def tag(self) -> str:
        """Return the tag of the element the box draws (``h2``, ``td``; ``p::marker``)."""
        return self._box.element_tag or ""

    @property
    def generated(self) -> bool:
        """Return whether the box draws generated content (``::before``, ``::marker``)."""
        return "::" in self.tag

    @property
    def text(self) -> str | None:
        """Return the text a text box draws (None: the box draws no text of its own)."""
        return getattr(self._box, "text", None)

    @property
    def all_text(self) -> str:
        """Return the text of every text box inside this one, run together."""
        return "".join(box.text or "" for box in self.descendants() if box.kind == "text")

    @property
    def element_text(self) -> str:
        """Return the text of the element the box draws, its white space collapsed."""
        element = self._box.element
        return " ".join("".join(element.itertext()).split()) if element is not None else ""

    @property
    def x(self) -> float:
        """Return the left edge of the box's margin area."""
        return float(self._box.position_x)

    @property
    def y(self) -> float:
        """Return the top edge of the box's margin area."""
        return float(self._box.position_y)

    @property
    def width(self) -> float:
        """Return the width of the box's content area."""
        return float(self._box.width)

    @property
    def outer_width(self) -> float:
        """Return the width of the box's margin area."""
        return float(self._box.margin_width())

    @property
    def bottom(self) -> float:
        """Return the bottom edge of the box's margin area."""
        return float(self._box.position_y + self._box.margin_height())

    @property
    def font_size(self) -> float:
        """Return the box's font size, in CSS pixels."""
        return float(self._box.style["font_size"])

    @property
    def hyphen(self) -> str:
        """Return the character the box's lines end with where a word is hyphenated."""
        return str(self._box.style["hyphenate_character"])

    @property
    def column(self) -> int:
        """Return the column (from 0) a table cell starts in."""
        return int(getattr(self._box, "grid_x", 0))

    @property
    def is_header(self) -> bool:
        """Return whether a row group is a table's header, repeated on every page."""
        return bool(getattr(self._box, "is_header", False))

    @property
    def children(self) -> list[Box]:
        """Return the boxes directly inside this one."""
        return [Box(child, self.src) for child in getattr(self._box, "children", ())]

    def descendants(self) -> Iterator[Box]:
        """Return this box and every box inside it, in order."""
        return _walk(self._box, self.src)


def _source(box: Any, src: int | None) -> int | None:
    """Return the ``data-src`` of ``box``'s element, else ``src``."""
    element = box.element
    if element is not None and "::" not in (box.element_tag or ""):
        tagged = element.get("data-src")
        if tagged is not None and tagged.isdigit():
            return int(tagged)
    return src


# -- fetching and missing glyphs -------------------------------------------------------------

def url_fetcher(fetch: Callable[[str], Fetched | None]) -> Any:
    """Return a URL fetcher for :func:`lay_out` that asks ``fetch`` for every URL.

    ``fetch`` returns what a URL holds, or None to leave a ``data:`` URL to WeasyPrint,
    or raises :class:`URLRefusedError`: the layout stops. The fetcher's ``refused`` lists every
    refusal (WeasyPrint carries on after one inside an SVG image, so the caller looks);
    its ``open(url)`` returns the bytes, or raises :class:`URLRefusedError`.
    """
    import_weasyprint()  # first, with the speed tricks
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        """WeasyPrint's fetcher over ``fetch``."""

        refused: list[str]

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            try:
                found = fetch(url)
            except URLRefusedError as exc:
                self.refused.append(str(exc))
                raise FatalURLFetchingError(str(exc)) from None
            if found is None:
                return super().fetch(url, headers)
            return URLFetcherResponse(url, found.data, {"Content-Type": found.mime})

        def open(self, url: str) -> bytes:
            try:
                data: bytes = self.fetch(url).read()
            except FatalURLFetchingError as exc:
                raise URLRefusedError(str(exc)) from None
            return data

    fetcher = Fetcher(timeout=5, allowed_protocols=("file", "data"))
    fetcher.refused = []
    return fetcher


class _GlyphMisses(logging.Handler):
    """Notes each character WeasyPrint had no glyph for, from its warning."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(_NOTDEF) and isinstance(record.args, tuple) \
                and record.args and isinstance(record.args[0], str):
            self.found[record.args[0]] = None


@contextmanager
def glyph_misses() -> Iterator[dict[str, None]]:
    """Return, filled while the ``with`` block writes PDFs, the characters no font had."""
    handler = _GlyphMisses()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.found
    finally:
        logger.removeHandler(handler)


__all__ = ["Box", "BoxKind", "Fetched", "Laid", "Page", "URLRefusedError", "glyph_misses",
           "lay_out", "load", "url_fetcher"]
