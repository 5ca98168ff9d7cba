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
    index = _StyleIndex(styles.element)
    default = index.default

    def style_id(style: Any, kind: Any) -> Any:  # Styles._get_style_id_from_style
        if style.type != kind:
            raise ValueError(f"assigned style is type {style.type}, need type {kind}")
        return None if style.element is default(kind) else style.style_id

    def get_style(found: str | None, kind: Any) -> Any:  # Styles.get_by_id, for reading
        element = index.by_id(found) if found else None
        if element is None or element.type != kind:
            element = default(kind)
        return None if element is None else StyleFactory(element)

    by_name = functools.cache(lambda name, kind: style_id(index.named(name, styles), kind))
    part.get_style_id = lambda style, kind: (
        None if style is None else by_name(style, kind) if isinstance(style, str)
        else style_id(style, kind) if isinstance(style, BaseStyle) else lookup(style, kind))
    part.get_style = get_style


class _StyleIndex:
    """The styles of a document by name, by id and the default of each type, in one pass.

    What python-docx's ``CT_Styles`` answers with an XPath search over every style (210
    in the generated reference document) for each name, id and type asked: the first
    style of a name (``get_by_name``) or id (``get_by_id``), the last default of a type
    (``default_for``). A name or id not indexed (a style added since) is searched for as
    python-docx does. Measured on the default guide's DOCX: 26 names and 26 ids looked
    up took 6.6 ms of CPU (load 8), the pass 0.9 ms.
    """

    def __init__(self, element: Any) -> None:
        self.element = element
        self._names: dict[str, Any] = {}
        self._ids: dict[str, Any] = {}
        self._defaults: dict[Any, Any] = {}
        name_tag, value = qn("w:name"), qn("w:val")
        for style in element.iterchildren(qn("w:style")):
            for name in style.iterchildren(name_tag):
                found = name.get(value)
                if found is not None:
                    self._names.setdefault(found, style)
            style_id = style.styleId
            if style_id is not None:
                self._ids.setdefault(style_id, style)
            if style.default:  # the last of its type wins, as in default_for
                self._defaults[style.type] = style

    def named(self, name: str, styles: Any) -> Any:
        """Return the style ``styles[name]`` gives (python-docx's, searched, if not indexed)."""
        from docx.styles import BabelFish
        from docx.styles.style import StyleFactory

        found = self._names.get(BabelFish.ui2internal(name))
        return StyleFactory(found) if found is not None else styles[name]

    def by_id(self, style_id: str) -> Any:
        """Return the first style whose id is ``style_id``, or None."""
        found = self._ids.get(style_id)
        return found if found is not None else self.element.get_by_id(style_id)

    def default(self, kind: Any) -> Any:
        """Return the default style of type ``kind`` (the last marked so), or None."""
        return self._defaults.get(kind)
