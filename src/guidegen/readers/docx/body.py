"""A Word document's body read into paragraphs and tables (:mod:`.model`), in reading order.

Content controls, smart tags and custom XML are read through; of the choices a document
offers for newer and older readers (``mc:AlternateContent``) the first is read, the
fallback never, so nothing is read twice. Tracked insertions and deletions are kept on
their runs (:mod:`.runs`), for the caller to accept or refuse; a text box's paragraphs
follow the paragraph it is anchored in, marked ``textbox``. Paragraphs are counted
through the whole document, tables and text boxes included.
"""

from __future__ import annotations

from dataclasses import replace

from ..ooxml import Element, Package, attr, flag, qn
from .model import Block, Cell, Change, ListPlace, Paragraph, ParagraphLocation, Run, Table, excerpt
from .runs import Context, Found, RunReader, child_of, children, chosen, content_of, integer
from .styles import Numbering, Styles


class BodyReader(RunReader):
    """Reads the blocks of a document part, counting paragraphs through the whole document."""

    def __init__(self, package: Package, part: str, styles: Styles,
                 numbering: Numbering) -> None:
        super().__init__(package, part, styles)
        self.numbering = numbering

    # -- blocks ---------------------------------------------------------------------------

    def blocks(self, container: Element) -> list[Block]:
        """Return the paragraphs and tables of ``container`` (a body, cell or text box)."""
        found: list[Block] = []
        for child in container:
            if child.tag == qn("w:p"):
                found += self.paragraph(child)
            elif child.tag == qn("w:tbl"):
                found.append(self.table(child))
            elif child.tag == qn("w:sdt"):
                gallery = child.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/"
                                     f"{qn('w:docPartGallery')}")
                toc = "contents" in attr(gallery, "w:val").lower()
                self.contents += toc
                found += self.blocks(content_of(child))
                self.contents -= toc
            elif child.tag in (qn("w:customXml"), qn("w:ins"), qn("w:moveTo")):
                found += self.blocks(child)
            elif child.tag == qn("mc:AlternateContent"):
                found += self.blocks(chosen(child))
            elif child.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                self.bookmark(child, None)
        return found

    def paragraph(self, element: Element) -> list[Block]:
        """Return the paragraph ``element``, then the paragraphs of its text boxes."""
        self.count += 1
        number, page = self.count, self.page if self.paged else 0
        properties = element.find(qn("w:pPr"))
        style_id = attr(child_of(properties, "w:pStyle"), "w:val")
        found = Found(contents=self.contents > 0 or self._in_contents(),
                      keys=list(dict.fromkeys(self.keys.values())))
        self.inline(element, found, Context())
        runs = tuple(_joined(found.runs))
        text = "".join(run.text for run in runs if not _deleted(run))
        location = ParagraphLocation(self.file, number, None, excerpt(text), page)
        for comment in found.comments:
            self.comment_places.setdefault(comment, location)
        outline = integer(attr(child_of(properties, "w:outlineLvl"), "w:val"))
        heading = self.styles.heading(style_id) or (
            outline + 1 if outline is not None and outline < 9 else 0)
        role = "contents" if found.contents else self.styles.role(style_id)
        paragraph = Paragraph(
            location=location, style=self.styles.name(style_id), runs=runs, heading=heading,
            role=role, list=self.list_place(properties, style_id),
            bookmarks=tuple(found.bookmarks), pictures=tuple(found.pictures),
            unmapped=tuple(found.unmapped), comments=tuple(found.comments),
            change=_mark_change(properties), keys=tuple(found.keys),
            restyled=_change(child_of(properties, "w:pPrChange"), "format"))
        return [paragraph, *found.after]

    def list_place(self, properties: Element | None, style_id: str) -> ListPlace | None:
        """Return where the paragraph sits in a list, from its own numbering or its style's."""
        num = child_of(properties, "w:numPr")
        num_id = attr(child_of(num, "w:numId"), "w:val")
        level = integer(attr(child_of(num, "w:ilvl"), "w:val"))
        if not num_id:
            by_style = self.styles.numbering(style_id)
            if by_style is None:
                return None
            num_id, style_level = by_style
            level = style_level if level is None else level
        place = self.numbering.place(num_id, level or 0)
        if place is None:
            return None
        return ListPlace(num_id, level or 0, *place)

    def table(self, element: Element) -> Table:
        """Return the table ``element`` with its cells' blocks, spans and merges."""
        first = self.count + 1
        rows: list[tuple[Cell, ...]] = []
        changes: list[Change | None] = []
        header_rows = 0
        for row in children(element, "w:tr"):
            marks = child_of(row, "w:trPr")
            changes.append(_change(child_of(marks, "w:ins"), "insert") or
                           _change(child_of(marks, "w:del"), "delete"))
            if flag(child_of(child_of(row, "w:trPr"), "w:tblHeader")) and header_rows == len(rows):
                header_rows += 1
            cells = []
            for cell in children(row, "w:tc"):
                properties = child_of(cell, "w:tcPr")
                span = integer(attr(child_of(properties, "w:gridSpan"), "w:val")) or 1
                merge = child_of(properties, "w:vMerge")
                merged = "" if merge is None else attr(merge, "w:val", "continue")
                if child_of(properties, "w:hMerge") is not None:
                    merged = merged or "continue"
                cells.append(Cell(tuple(self.blocks(cell)), span, merged))
            rows.append(tuple(cells))
        style = attr(child_of(child_of(element, "w:tblPr"), "w:tblStyle"), "w:val")
        start = next((c.text for row in rows for c in row if c.text.strip()), "")
        page = next((p.location.page for row in rows for c in row for p in c.paragraphs), 0)
        return Table(ParagraphLocation(self.file, first, None, excerpt(start), page), tuple(rows),
                     self.styles.name(style) if style else "", header_rows,
                     tuple(changes) if any(changes) else ())

# -- helpers ---------------------------------------------------------------------------------

def _deleted(run: Run) -> bool:
    return run.change is not None and run.change.kind == "delete"


def _joined(runs: list[Run]) -> list[Run]:
    """Return ``runs`` with neighbours of the same formatting joined into one."""
    joined: list[Run] = []
    for run in runs:
        if joined and _same_format(joined[-1], run):
            last = joined[-1]
            joined[-1] = replace(last, text=last.text + run.text)
        elif run.text:
            joined.append(run)
    return joined


def _same_format(a: Run, b: Run) -> bool:
    return replace(a, text="") == replace(b, text="")


def _mark_change(properties: Element | None) -> Change | None:
    marks = child_of(properties, "w:rPr")
    return _change(child_of(marks, "w:ins"), "insert") or _change(child_of(marks, "w:del"),
                                                                  "delete")


def _change(element: Element | None, kind: str) -> Change | None:
    """Return the tracked change ``element`` records (None if there is none)."""
    if element is None:
        return None
    return Change(kind, attr(element, "w:author"), attr(element, "w:date"))





__all__ = ["BodyReader"]
