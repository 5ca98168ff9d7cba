"""The document's body as a list of blocks (paragraphs and tables) to move and mark."""

from __future__ import annotations

import copy
import functools
from typing import Any

from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ._xml import Border, border, element, insert, paragraph_border, remove_all


def blocks(document: Any, start: int = 0) -> list[Any]:
    """Return the body's paragraphs and tables in order, section breaks left out.

    ``start``: only those from there on (a place from :func:`body_end`). Each is a
    handle for the functions here (:func:`paragraph`, :func:`move_before`).
    """
    return [child for child in document.element.body[start:] if _is_block(child)]


def _is_block(child: Any) -> bool:
    """Return whether a body child is a paragraph or table (not a section break)."""
    return bool(child.tag == _TABLE or (child.tag == _PARAGRAPH and
                                        child.find(_SECTION_BREAK) is None))


_TABLE, _PARAGRAPH, _SECTION = qn("w:tbl"), qn("w:p"), qn("w:sectPr")
_SECTION_BREAK = qn("w:pPr") + "/" + qn("w:sectPr")


def body_end(document: Any) -> int:
    """Return where in the body the next block goes (see :func:`body_element`)."""
    return len(document.element.body) - 1  # before the body's own section properties


def body_element(document: Any, index: int) -> Any | None:
    """Return the body's element at ``index`` (from :func:`body_end`), if it has one."""
    body = document.element.body
    return body[index] if len(body) > index else None


def ends_section(block: Any) -> bool:
    """Return whether a section break (a new page) follows ``block`` in the body."""
    following = block.getnext()
    return bool(following is not None and following.tag == _PARAGRAPH and
                following.find(_SECTION_BREAK) is not None)


def is_paragraph(block: Any) -> bool:
    """Return whether ``block`` (from :func:`blocks`) is a paragraph (else a table)."""
    return bool(block.tag == _PARAGRAPH)


def paragraph(document: Any, block: Any) -> Paragraph:
    """Return python-docx's paragraph of ``block``, a paragraph from :func:`blocks`."""
    return Paragraph(block, document._body)


def paragraphs_in(document: Any, block: Any) -> list[Paragraph]:
    """Return the paragraphs of ``block`` (from :func:`blocks`): itself, or a table's cells'."""
    if is_paragraph(block):
        return [paragraph(document, block)]
    return [Paragraph(p, document._body) for p in block.iter(_PARAGRAPH)]


def move_before(moved: Any, block: Any) -> Any:
    """Move the paragraph ``moved`` to just before ``block`` (from :func:`blocks`).

    Return its body element (a block, as :func:`blocks` gives them).
    """
    block.addprevious(moved._p)
    return moved._p


def section_firsts(document: Any) -> list[Any | None]:
    """Return the first block (from :func:`blocks`) of each Word section; None: it has none."""
    found: list[Any | None] = []
    first = None
    for child in document.element.body:
        if _is_block(child) and first is None:
            first = child
        elif _breaks(child):
            found.append(first)
            first = None
    return found


def start_section(document: Any, block: Any) -> int | None:
    """Start a new Word section with ``block`` (from :func:`blocks`); return its index.

    The section ``block`` was in keeps its properties before it: a copy goes into a
    section break just before ``block``, whose own page break goes (the section starts
    a page). The pages from ``block`` on repeat the header and footer of those before,
    with no title page. None: a section starts there already, or ``block`` is not in
    the body.
    """
    if block.getparent() is not document.element.body:
        return None
    before = next((child for child in block.itersiblings(preceding=True)
                   if child.tag in (_PARAGRAPH, _TABLE)), None)
    if before is None or not _is_block(before):
        return None
    own = next(child for child in block.itersiblings() if _breaks(child))
    properties = own if own.tag == _SECTION else own.find(_SECTION_BREAK)
    block.addprevious(element("w:p", [element("w:pPr", [
        element("w:spacing", before="0", after="0", line="20", lineRule="exact"),
        copy.deepcopy(properties)])]))
    # from here on: a new page; the headers and footers of the pages before (linked to
    # them, the parts kept: the copy above names them), no title page
    remove_all(properties, "w:headerReference", "w:footerReference", "w:titlePg", "w:type")
    first = block if block.tag == _PARAGRAPH else block.find(f".//{_PARAGRAPH}")
    if first is not None:
        remove_all(first.get_or_add_pPr(), "w:pageBreakBefore")
    return sum(1 for child in block.itersiblings(preceding=True) if _breaks(child))


def _breaks(child: Any) -> bool:
    """Return whether a body child ends a Word section: a section break, or the last."""
    return bool(child.tag == _SECTION or (child.tag == _PARAGRAPH and not _is_block(child)))


def rule_under(block: Any, rule: Border) -> None:
    """Draw ``rule`` under a paragraph, or under every cell of a table's last row.

    A cell's border lies on its edge: the rule's distance from the text is the cell's
    margin below, as the PDF pads the block above its rule.
    """
    if is_paragraph(block):
        paragraph_border(block.get_or_add_pPr(), rule)
        return
    line = border("w:bottom", rule._replace(space=0))
    for cell in block.findall(qn("w:tr"))[-1].findall(qn("w:tc")):
        properties = cell.get_or_add_tcPr()
        insert(properties, element("w:tcBorders", [copy.deepcopy(line)]),
               "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
               "w:hideMark")
        if rule.space:
            margins = properties.find(qn("w:tcMar"))
            if margins is None:
                margins = element("w:tcMar")
                insert(properties, margins, "w:textDirection", "w:tcFitText", "w:vAlign",
                       "w:hideMark")
            for old in margins.findall(qn("w:bottom")):
                margins.remove(old)
            bottom = element("w:bottom", w=str(round(rule.space * 20)), type="dxa")
            later = [m for m in margins if m.tag in (qn("w:end"), qn("w:right"))]
            if later:  # (top, start, bottom, end: the order WordprocessingML fixes)
                later[0].addprevious(bottom)
            else:
                margins.append(bottom)


def clear_body(document: Any) -> None:
    """Remove every paragraph and table from the body, keeping its section properties."""
    document.element.body.clear_content()


def remember_style_ids(document: Any) -> None:
    """Have the document look each style name up once, not once per paragraph and run.

    python-docx finds a style by name (and the default style, to compare) with an XPath
    search over every style, for each paragraph and run it styles; the names do not
    change while a document is written. Measured on a loaded 2-core machine, the DOCX of
    the default guide took 1.58 s without this and 0.85 s with it; forty-checks 6.7 s
    and 1.9 s (medians of five). Each name is answered as python-docx's
    ``Styles.get_style_id`` answers it, but the default style of each kind is found
    once, not once per name or per style read (python-docx reads every style's type and
    default flag for it): the default guide's DOCX took 25 such scans of 160 styles
    each, 3 now. With :func:`.styles.add_style`, building its two DOCX (the first
    layout's, then the fitted one's, on the critical path) took 124 and 122 ms of CPU
    instead of 185 and 218 (minimums of 4 builds taking turns, load 9).
    """
    from docx.styles.style import BaseStyle, StyleFactory

    part = document.part
    lookup = part.get_style_id
    styles = part.styles
    defaults: dict[Any, Any] = {}

    def default(kind: Any) -> Any:
        if kind not in defaults:
            defaults[kind] = styles.element.default_for(kind)
        return defaults[kind]

    def style_id(style: Any, kind: Any) -> Any:  # Styles._get_style_id_from_style
        if style.type != kind:
            raise ValueError(f"assigned style is type {style.type}, need type {kind}")
        return None if style.element is default(kind) else style.style_id

    def get_style(found: str | None, kind: Any) -> Any:  # Styles.get_by_id, for reading
        element = styles.element.get_by_id(found) if found else None
        if element is None or element.type != kind:
            element = default(kind)
        return None if element is None else StyleFactory(element)

    by_name = functools.cache(lambda name, kind: style_id(styles[name], kind))
    part.get_style_id = lambda style, kind: (
        None if style is None else by_name(style, kind) if isinstance(style, str)
        else style_id(style, kind) if isinstance(style, BaseStyle) else lookup(style, kind))
    part.get_style = get_style
