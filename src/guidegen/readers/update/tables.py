"""A reviewed table of the guide: a matrix, or the control block, cell by cell.

A matrix's rows are told apart by the keys their cells carry (any cell's is enough: a
retyped cell loses its own), and its cells by their column, the header row first: the
corner, then the subjects' short names; each row its criterion, then a cell per subject,
in the guide's order. A cell's first paragraph is its text (a mark, or text), the
paragraphs after it its note. A row without keys is a new row, after the row before it;
a row of the guide with no row left in the table was deleted. A table whose columns no
longer match the guide's is reported, and left as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...errors import Location
from ..docx.model import Paragraph
from ..yamltext import Path_
from .body import parse_key
from .edits import Edit
from .expected import CellSlot, TableSlot
from .found import FoundPara, FoundTable, line_of
from .lines import Line
from .reviewbase import ReviewBase
from .values import NotAppliedError


class Table:
    """The edits of one of the guide's tables, as its reviewed copy says."""

    def __init__(self, review: ReviewBase, slot: TableSlot, found: FoundTable) -> None:
        self.review = review
        self.slot = slot
        self.found = found
        self.owner = parse_key(slot.owner)

    def run(self) -> None:
        """Add the table's edits to the review's."""
        if self.slot.fields:
            self.fields()
            return
        if self.slot.records:
            self.records()
            return
        if self.found.table.merged:
            self.review.unapplied(self.found.table.location, self.slot.owner,
                                  "its table has merged cells")
            return
        width = len(self.slot.rows[0])
        rows = list(self.found.rows)
        if any(len(row) != width for row in rows):
            self.review.unapplied(self.found.table.location, self.slot.owner,
                                  f"its table no longer has {width} columns")
            return
        self.cells(self.slot.rows[0], rows[0], None)
        seen: list[int] = []
        previous = -1
        for row in rows[1:]:
            number = self.row_of(row)
            if number is None:
                self.new_row(row, previous + 1)
                continue
            if number in seen or number < previous:
                self.review.unapplied(_where(row), self.slot.owner, "a row was moved or "
                                      "copied; the guide keeps its rows' order")
                continue
            seen.append(number)
            previous = number
            self.cells(self.slot.rows[number + 1], row, number)
        for number in range(len(self.slot.rows) - 1):
            if number not in seen and not self._moved(number, rows):
                self.review.edits.append(Edit("delete", (*self.owner, "rows", number)))

    def row_of(self, row: Sequence[Sequence[FoundPara]]) -> int | None:
        """Return the number of the guide's row that ``row`` is (its cells' keys say)."""
        for cell in row:
            for paragraph in cell:
                for key in paragraph.keys:
                    path = parse_key(key)
                    if path[:len(self.owner) + 1] == (*self.owner, "rows") and \
                            len(path) > len(self.owner) + 1:
                        return int(path[len(self.owner) + 1])
        return None

    def _moved(self, number: int, rows: Sequence[Sequence[Sequence[FoundPara]]]) -> bool:
        return any(self.row_of(row) == number for row in rows[1:])

    def cells(self, slots: Sequence[CellSlot], row: Sequence[Sequence[FoundPara]],
              number: int | None) -> None:
        """Add the edits of the cells of one row (``number`` None: the header row)."""
        for slot, cell in zip(slots, row, strict=True):
            paragraphs = [p.paragraph for p in cell]
            where = paragraphs[0].location if paragraphs else _where(row)
            value, note = _split(paragraphs)
            try:
                if number is None:
                    self.header(slot, value, where)
                else:
                    self.review.cell_edit(parse_key(slot.key), slot, value, note, where)
            except NotAppliedError as why:
                self.review.unapplied(where, slot.key, str(why))

    def header(self, slot: CellSlot, value: list[Paragraph], where: Location) -> None:
        """Add the edit of a header cell: the corner, or a subject's short name."""
        line = line_of(value[0], self.review.changes) if value else None
        if line is not None and line.same_text(slot.line):
            return
        if line is None or not line.text.strip():
            raise NotAppliedError("a header cell was emptied")
        self.review.set(parse_key(slot.key), self.review.values.plain(value[0]), where)

    def new_row(self, row: Sequence[Sequence[FoundPara]], index: int) -> None:
        """Add a new row of the matrix before its old row ``index``."""
        where = _where(row)
        subjects = self.review.guide.subjects
        path: Path_ = (*self.owner, "rows", index)
        values = self.review.values
        try:
            first, note = _split([p.paragraph for p in row[0]])
            if not first or not values.plain(first[0]):
                raise NotAppliedError("a new row without a criterion")
            data: dict[str, object] = {"criterion": values.plain(first[0]), "values": {}}
            cells: dict[str, object] = {}
            for subject, cell in zip(subjects, row[1:], strict=True):
                value, cell_note = _split([p.paragraph for p in cell])
                if not value:
                    raise NotAppliedError(f"a new row without a cell for {subject.short}")
                mark, said = values.cell((*path, "values", subject.id), value[0])
                text = said or (values.inline(path, cell_note[0]) if cell_note else "")
                cells[subject.id] = {"value": mark, "note": text} if text else mark
            data["values"] = cells
            if note:
                data["note"] = values.inline((*path, "note"), note[0])
        except NotAppliedError as why:
            self.review.unapplied(where, self.slot.owner, f"a new row: {why}")
            return
        self.review.edits.append(Edit("insert", (*self.owner, "rows"), data, index, where))

    def fields(self) -> None:
        """Add the edits of the control block: a value per field, in a row or a column."""
        slots = self.slot.rows[0] if self.slot.rows else []
        rows = self.found.rows
        if len(rows) == 2 and len(rows[1]) == len(slots):
            cells = list(rows[1])
        elif len(rows) == len(slots) and all(len(row) == 2 for row in rows):
            cells = [row[1] for row in rows]
        else:
            self.review.unapplied(self.found.table.location, self.slot.owner,
                                  "the control block's fields were rearranged")
            return
        for slot, cell in zip(slots, cells, strict=True):
            paragraphs = [p.paragraph for p in cell]
            where = paragraphs[0].location if paragraphs else self.found.table.location
            text = " ".join(self.review.values.plain(p) for p in paragraphs).strip()
            if Line(None, ((text, frozenset()),)).same_text(slot.line):
                continue
            printed = _PRINTED.get(slot.key.rsplit(".", 1)[-1])
            if printed is not None:
                self.review.unapplied(where, slot.key or self.slot.owner,
                                      f"{printed}; edit it in the guide file")
            elif not text:
                self.review.delete(slot.key, where)
            else:
                self.review.set(parse_key(slot.key), text, where)


    def records(self) -> None:
        """Warn if the approvals or revision history were edited: they are not read back.

        They are the guide file's records (signatures, dates in the language's long form,
        the history newest first): an edit in the DOCX is reported where it is, once per
        table, and the guide keeps its records.
        """
        rows = self.found.rows
        changed = len(rows) != len(self.slot.rows) or any(len(row) != len(slots)
                                                          for row, slots in zip(
                                                              rows, self.slot.rows,
                                                              strict=False))
        where = self.found.table.location
        if not changed:
            for slots, row in zip(self.slot.rows, rows, strict=True):
                for slot, cell in zip(slots, row, strict=True):
                    lines = [line_of(p.paragraph, self.review.changes) for p in cell]
                    if len(lines) > 1 or not (lines or [Line(None, ())])[0].same_text(
                            slot.line):
                        changed = True
                        where = cell[0].paragraph.location if cell else where
                        break
                if changed:
                    break
        if changed:
            name = _RECORDS[self.slot.owner.rsplit(".", 1)[-1]]
            self.review.unapplied(where, self.slot.owner, f"the {name} table is printed from "
                                  "the guide file's records; edit them there")


_RECORDS = {"approvals": "approvals", "history": "revision history"}
# what the control block prints of a value rather than the value as written: not read back
_PRINTED = {
    "effective": "the effective date is printed in the language's long form",
    "review_due": "the review date is printed in the language's long form",
    "status": "the status is printed in the guide's language",
    "": "the approver is printed from the approvals, the status in the guide's language",
}


def _split(paragraphs: list[Paragraph]) -> tuple[list[Paragraph], list[Paragraph]]:
    """Return a cell's paragraphs with text: its first (the value), and the rest (its note)."""
    said = [p for p in paragraphs if p.text.strip()]
    return said[:1], said[1:]


def _where(row: Sequence[Sequence[FoundPara]]) -> Location:
    return next(p.paragraph.location for cell in row for p in cell)


__all__ = ["Table"]
