"""WeasyPrint's laid-out pages and boxes, read through a small typed API.

:class:`Page` gives a page's geometry, anchors, whether it was left blank, its margin
boxes and the text the stylesheet generated; :class:`Box` what a box is (by WeasyPrint's
box class, looked up once per class), where it is, its text and style, and the
``data-src`` of the element it draws, an index into the content's places. Part of the
engine (:mod:`.engine`): WeasyPrint's page box and box classes are read here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

BoxKind = Literal["line", "text", "table", "row-group", "row", "cell", "picture", "margin",
                  "other"]
_KINDS: dict[str, BoxKind] = {
    "LineBox": "line", "TextBox": "text", "TableBox": "table", "TableRowGroupBox": "row-group",
    "TableRowBox": "row", "TableCellBox": "cell", "MarginBox": "margin"}
_BY_CLASS: dict[type, BoxKind] = {}


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
    def element_id(self) -> str:
        """Return the ``id`` of the element the box draws ("" if it has none)."""
        element = self._box.element
        return str(element.get("id") or "") if element is not None else ""

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
    def content_right(self) -> float:
        """Return the right edge of the box's content area."""
        return float(self._box.content_box_x() + self._box.width)

    @property
    def bottom(self) -> float:
        """Return the bottom edge of the box's margin area."""
        return float(self._box.position_y + self._box.margin_height())

    @property
    def font_size(self) -> float:
        """Return the box's font size, in CSS pixels."""
        return float(self._box.style["font_size"])

    @property
    def line_height(self) -> float | None:
        """Return the box's line height as a multiple of its font size (None: another kind)."""
        height = self._box.style["line_height"]
        return float(height) if isinstance(height, (int, float)) else None

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


__all__ = ["Box", "BoxKind", "Page"]
