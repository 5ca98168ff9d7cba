"""What the engine adds to WeasyPrint's writing of a PDF: the second module that knows its inside.

:mod:`.engine` calls :func:`amended` around every ``write_pdf``. Inside it, WeasyPrint's
PDF gains four things it does not write itself:

* **Hyphenated words read whole.** A word broken at a line end prints its hyphen, but
  the text layer says the word once: the piece before the break is marked content whose
  ``/ActualText`` is empty, the piece after it says the whole word. So ``pdftotext``,
  copying, searching and screen readers get "medicines" where the page shows "medi‐" and
  "cines". Each piece is drawn by WeasyPrint's own text drawing, at the place it had on
  its line; only the marked content around it is new. A soft hyphen inside a ligature's
  text (the "tt" of "bet·ter") is left out of the font's ``ToUnicode`` map.
* **Table headers with a scope.** Every ``/TH`` gets ``/Scope``: ``/Column`` in a
  table's header row, ``/Row`` at the head of a body row (the criterion of a matrix
  row), so the association between header and data cells is machine-determinable.
* **A controlled document's properties in the XMP metadata** (:mod:`.xmp`), as in the
  document information.
* **One link annotation per line of a link.** WeasyPrint annotates every inline box a
  link holds (a web address's host span, each ``<wbr>``, zero wide); only the link's own
  box on each line keeps its annotation, with a width.

It is byte-reproducible: the same layout always gets the same marks, and a font WeasyPrint
saves again is dated as the PDF (:func:`fonts_dated`), not when it is written.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .xmp import with_descriptions

SOFT_HYPHEN = "\u00ad"
_active: dict[int, list[tuple[int, int, str]]] | None = None
_installed = False


@contextmanager
def amended(document: Any) -> Iterator[Callable[[Any, Any], None]]:
    """Return the finisher for ``write_pdf`` of ``document``; amend its drawing meanwhile."""
    global _active
    _install()
    for page in document.pages:
        page.links[:] = _one_per_line(page)
    _active = _hyphen_marks(document.pages)
    metadata = document.metadata
    rdf = metadata.generate_rdf_metadata  # the control properties go into the XMP too
    metadata.generate_rdf_metadata = lambda *args: with_descriptions(rdf(*args),
                                                                     metadata.custom)
    try:
        yield _finish
    finally:
        _active = None
        del metadata.generate_rdf_metadata  # (the class's again)


@contextmanager
def fonts_dated(stamp: datetime.datetime) -> Iterator[None]:
    """Date the fonts WeasyPrint saves again ``stamp`` meanwhile, not the second they are written.

    WeasyPrint saves a variable font made static, and a font with pictured glyphs (SVG,
    PNG, COLR) with the pictures taken out, through fontTools, which writes the time of
    the save into the font's ``head`` table (its ``modified``; ``SOURCE_DATE_EPOCH`` where
    set): a PDF with such a font changed with the second it was written in.
    """
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib.tables import _h_e_a_d as head

    now = head.timestampNow
    if stamp.tzinfo is None:  # a date without a zone is read as UTC's, on every machine
        stamp = stamp.replace(tzinfo=datetime.UTC)
    seconds = int(stamp.timestamp()) - epoch_diff  # fontTools counts from 1904
    head.timestampNow = lambda: seconds
    try:
        yield
    finally:
        head.timestampNow = now


# -- hyphenated words -------------------------------------------------------------------------

def _hyphen_marks(pages: Any) -> dict[int, list[tuple[int, int, str]]]:
    """Return, by text box, the pieces of hyphenated words to mark: (start, end, actual text).

    A text box that ends with a soft hyphen and the hyphen character broke a word; the
    next text box on the page (the next line's first) starts with the rest of it.
    """
    marks: dict[int, list[tuple[int, int, str]]] = {}
    for page in pages:
        texts = list(_text_boxes(page._page_box))
        for box, after in itertools.pairwise(texts):
            hyphen = box.style["hyphenate_character"]
            text = box.text
            if not text.endswith(SOFT_HYPHEN + hyphen):
                continue
            head = text[:-len(hyphen) - 1]
            start = len(head) - len(_word_end(head))
            rest = _word_start(after.text)
            if not rest:
                continue
            whole = (head[start:] + rest).replace(SOFT_HYPHEN, "")
            marks.setdefault(id(box), []).append((start, len(text), ""))
            marks.setdefault(id(after), []).append((0, len(rest), whole))
    return marks


def _word_end(text: str) -> str:
    """Return the letters (and soft hyphens) ``text`` ends with."""
    at = len(text)
    while at and (text[at - 1].isalpha() or text[at - 1] == SOFT_HYPHEN):
        at -= 1
    return text[at:]


def _word_start(text: str) -> str:
    """Return the letters (and soft hyphens) ``text`` starts with."""
    at = 0
    while at < len(text) and (text[at].isalpha() or text[at] == SOFT_HYPHEN):
        at += 1
    return text[:at]


def _text_boxes(box: Any) -> Iterator[Any]:
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def _install() -> None:
    """Put :func:`_draw_first_line` in the place of WeasyPrint's (once per process)."""
    global _installed
    if _installed:
        return
    from weasyprint.draw import text

    original = text.draw_first_line

    def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str,
                        matrix: Any) -> Any:
        pieces = None if _active is None else _active.get(id(textbox))
        try:
            if not pieces:
                return original(stream, textbox, text_overflow, block_ellipsis, matrix)
            return _draw_pieces(original, pieces, stream, textbox, text_overflow,
                                block_ellipsis, matrix)
        finally:
            _clean_unicode(stream, textbox)

    text.draw_first_line = draw_first_line
    _installed = True


def _draw_pieces(draw: Callable[..., Any], pieces: list[tuple[int, int, str]], stream: Any,
                 textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any) -> Any:
    """Draw ``textbox``'s line piece by piece, each marked piece with its actual text."""
    import pydyf
    from weasyprint.matrix import Matrix
    from weasyprint.text.line_break import line_size

    layout = textbox.pango_layout
    whole = layout.text
    cuts: list[tuple[str, str | None]] = []
    at = 0
    for start, end, said in sorted(pieces):
        cuts += [(whole[at:start], None), (whole[start:end], said)]
        at = end
    cuts.append((whole[at:], None))
    x = 0.0
    emojis: list[Any] = []
    try:
        for part, actual in cuts:
            if not part:
                continue
            _set_text(layout, part)
            shifted = Matrix(a=matrix[0][0], b=matrix[0][1], c=matrix[1][0], d=matrix[1][1],
                             e=matrix[2][0] + x, f=matrix[2][1])
            if actual is not None:  # a text object of its own inside the marked content
                stream.end_text()
                stream.begin_marked_content(
                    "Span", pydyf.Dictionary({"ActualText": pydyf.String(actual)}))
                stream.begin_text()
            emojis += draw(stream, textbox, text_overflow, block_ellipsis, shifted)
            if actual is not None:
                stream.end_text()
                stream.end_marked_content()
                stream.begin_text()
            x += line_size(layout.get_first_line()[0], textbox.style)[0]
    finally:
        _set_text(layout, whole)
    return emojis


def _set_text(layout: Any, text: str) -> None:
    """Give ``layout`` (WeasyPrint's) ``text`` alone, on a fresh Pango layout of its style.

    WeasyPrint's ``set_text`` adds its letter-spacing attributes (for ``word-spacing``,
    ``letter-spacing``, a justified line's spacing) to the layout's attribute list, by
    byte offsets of the text, and never takes the old ones away: a piece's text given to
    the whole line's layout kept the whole line's spaces' offsets, one of them inside the
    two bytes of a soft hyphen, so Pango split a glyph's cluster there and WeasyPrint
    failed to decode it. A layout set up again has only its style's font features, as
    WeasyPrint's own ``reactivate`` before drawing.
    """
    layout.setup(layout.style)
    layout.set_text(text, justify=True)


class _Unicode(dict[int, str]):
    """A font's glyph-to-text map that leaves out soft hyphens, and notes glyphs without text.

    WeasyPrint gives a glyph the text from its cluster to the next glyph's; a ligature
    over a soft hyphen ("t\u00adt") is followed by the soft hyphen's empty glyph in the
    same cluster, so it would get no text at all (``pdftotext`` read "be er").
    """

    missing: set[int]

    def __setitem__(self, glyph: int, text: str) -> None:
        if not text:
            self.missing.add(glyph)
        super().__setitem__(glyph, text.replace(SOFT_HYPHEN, "") or text)


def _clean_unicode(stream: Any, textbox: Any) -> None:
    """Give the glyphs of ``textbox``'s line without text theirs; watch every font's map."""
    if clean_unicode(stream._fonts):
        _cluster_texts(stream, textbox)


def clean_unicode(fonts: dict[str, Any]) -> bool:
    """Return whether a font waits for a glyph's text; make every font's map a _Unicode."""
    waiting = False
    for font in fonts.values():
        if not isinstance(font.to_unicode, _Unicode):
            clean = _Unicode()
            clean.missing = set()
            for glyph, text in font.to_unicode.items():
                clean[glyph] = text
            font.to_unicode = clean
        waiting = waiting or bool(font.to_unicode.missing)
    return waiting


def _cluster_texts(stream: Any, textbox: Any) -> None:
    """Map each glyph of ``textbox``'s line noted as without text to its whole cluster's text."""
    from weasyprint.text.ffi import ffi, pango

    text = textbox.pango_layout.text.encode()
    line, _ = textbox.pango_layout.get_first_line()
    run = line.runs[0]
    while run != ffi.NULL:
        item, run = run.data, run.next
        font, _ = stream.add_font(item.item.analysis.font)
        glyphs, count = item.glyphs, item.glyphs.num_glyphs
        clusters, offset, length = glyphs.log_clusters, item.item.offset, item.item.length
        for n in range(count):
            glyph = glyphs.glyphs[n].glyph
            missing: set[int] = getattr(font.to_unicode, "missing", set())
            if glyph not in missing or item.item.analysis.level % 2 or \
                    glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            end = next((clusters[m] for m in range(n + 1, count) if clusters[m] > clusters[n]),
                       length)
            found = text[offset + clusters[n]:offset + end].decode().replace(SOFT_HYPHEN, "")
            if found:
                dict.__setitem__(font.to_unicode, glyph, found)
                missing.discard(glyph)


# -- link annotations -------------------------------------------------------------------------

def _one_per_line(page: Any) -> list[Any]:
    """Return the page's links without those inside another link's box, nor zero wide."""
    linked = {id(box) for _, _, _, box in page.links}
    outer: set[int] = set()

    def visit(box: Any, inside: bool) -> None:
        here = id(box) in linked
        if here and not inside:
            outer.add(id(box))
        for child in getattr(box, "children", ()):
            visit(child, inside or here)

    visit(page._page_box, False)
    return [link for link in page.links
            if id(link[3]) in outer and link[2][2] - link[2][0] > 0]


# -- table header scopes ----------------------------------------------------------------------

def _finish(document: Any, pdf: Any) -> None:
    """Give every table header cell of ``pdf``'s structure its ``/Scope``."""
    import pydyf

    objects = pdf.objects
    for element in objects:
        if not isinstance(element, pydyf.Dictionary) or element.get("S") != "/TH":
            continue
        row = _parent(objects, element)
        group = _parent(objects, row) if row is not None else None
        scope = "/Column" if group is not None and group.get("S") == "/THead" else "/Row"
        attributes = element.get("A")
        if isinstance(attributes, pydyf.Dictionary):
            attributes["Scope"] = scope


def _parent(objects: list[Any], element: Any) -> Any:
    reference = element.get("P")
    if reference is None:
        return None
    number = int(bytes(reference).split()[0]) if isinstance(reference, bytes) \
        else int(str(reference).split()[0])
    return objects[number]
