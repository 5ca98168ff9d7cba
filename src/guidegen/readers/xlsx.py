"""An Excel matrix → a guide skeleton: the matrix as its comparison, the rest to write.

The sheet (``--sheet``, else the first) holds a header row (``--header-row``, else the
first row naming at least two subjects after its first cell): its first cell heads the
criteria, the others name the subjects, and a column headed "Notes" (in any of the
languages) gives each row a note. Each row below is a criterion (its first cell) with
a cell per subject: a mark (✓, ✗, ◐, Yes, Nein, TRUE, …) or text, taken literally (a
``*`` in a cell prints as a ``*``). Empty rows are skipped; an empty cell is written as
"–", with a warning at the cell. The title is the workbook's title property, else the
text above the header row, else the sheet's name; the subjects' summaries and the
intro say what to write.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..content.model import MAX_SUBJECTS, MIN_SUBJECTS
from ..errors import ContentError, Location, Problem, UsageError, display_name, warn
from ..files import read_file
from ..spreadsheets import CellLocation, open_workbook, sheet_rows
from ..tree import Text
from ..zips import MAX_TOTAL
from .comparisons import EMPTY_CELL, NOTE_HEADERS, text_cell
from .draft import Draft, make_id
from .markdown import inline_markdown
from .marks import languages_of, read_mark
from .yamltext import Plain, Prose

MAX_ROWS = 1000  # of a sheet read for a matrix: more is not a guide
MAX_COLUMNS = 2 + MAX_SUBJECTS + 6  # criteria, subjects, notes, and room for stray columns
_DEFAULT_SHEET = re.compile(r"^\w+?\s*\d+$")  # Sheet1, Tabelle1, Feuil1, Hoja1
_INTRO = "Why a newcomer should know the difference between {subjects}, in a few sentences."
_SUMMARY = "What {short} is and does, in a few sentences."

Cells = list[tuple[str, CellLocation]]


class XlsxGuide:
    """Reads the matrix of one sheet of a workbook into a draft guide."""

    def __init__(self, path: Path, draft: Draft, sheet: str | None,
                 header_row: int | None) -> None:
        self.path = path
        self.draft = draft
        self.file = display_name(path)
        self.sheet = sheet
        self.header_row = header_row

    def build(self) -> None:
        """Fill the draft; raise :class:`ContentError` if the sheet holds no matrix."""
        data = read_file(self.path, MAX_TOTAL, error=ContentError, display=self.file)
        book = open_workbook(data, self.file)
        try:
            sheet = self.choose(book)
            title = sheet.title
            rows = list(sheet_rows(sheet, self.file, MAX_ROWS + 1, columns=MAX_COLUMNS))
            properties = book.properties
        finally:
            book.close()
        header_at = self.header(rows, title)
        header = _trimmed(rows[header_at][1])
        notes = next((n for n in range(len(header) - 1, 0, -1)
                      if header[n][0].lower().rstrip(":") in NOTE_HEADERS), None)
        columns = [n for n in range(1, len(header)) if n != notes and header[n][0]]
        for n in range(1, len(header)):
            if n != notes and not header[n][0]:
                warn(header[n][1], "a column without a subject in the header row, left out")
        if not MIN_SUBJECTS <= len(columns) <= MAX_SUBJECTS:
            raise ContentError.collect([Problem(header[0][1], (
                f"the header row names {len(columns)} subjects; a guide compares "
                f"{MIN_SUBJECTS} to {MAX_SUBJECTS} (choose the row with --header-row)"))])
        ids: list[str] = []
        for n in columns:
            ids.append(make_id(header[n][0], ids))
        matrix, marks = self.matrix(rows[header_at + 1:], header, dict(zip(columns, ids,
                                                                           strict=True)), notes)
        shorts = [header[n][0] for n in columns]
        info: dict[str, Any] = {"title": self.title(properties, rows[:header_at], title)}
        for key, value in (("subtitle", properties.subject),
                           ("language", properties.language or languages_of(marks))):
            if value:
                info[key] = str(value).strip()
        self.draft.data["guide"] = info
        self.draft.data["intro"] = Prose(_INTRO.format(subjects=", ".join(shorts)))
        self.draft.data["subjects"] = [
            {"id": sid, "short": short, "name": short,
             "summary": Prose(_SUMMARY.format(short=short))}
            for sid, short in zip(ids, shorts, strict=True)]
        self.draft.data["comparisons"] = [{
            "kind": "matrix", "title": title if not _DEFAULT_SHEET.match(title) else
            "At a glance", **({"corner": header[0][0]} if header[0][0] else {}),
            "rows": matrix}]

    def choose(self, book: Any) -> Any:
        """Return the sheet asked for (by name, any letter case), else the first."""
        if self.sheet is None:
            return book.worksheets[0]
        for sheet in book.worksheets:
            if sheet.title == self.sheet or sheet.title.lower() == self.sheet.lower():
                return sheet
        names = ", ".join(repr(sheet.title) for sheet in book.worksheets)
        raise UsageError(f"{self.file} has no sheet {self.sheet!r} (it has {names})")

    def header(self, rows: list[tuple[int, Cells]], sheet: str) -> int:
        """Return the index in ``rows`` of the header row."""
        if self.header_row is not None:
            for index, (number, _) in enumerate(rows):
                if number == self.header_row:
                    return index
            raise UsageError(f"{self.file}: sheet {sheet!r} has no row {self.header_row}")
        for index, (_, cells) in enumerate(rows):
            if sum(1 for text, _ in cells[1:] if text) >= MIN_SUBJECTS:
                return index
        raise ContentError.collect([Problem(CellLocation(self.file, 1, 1, sheet), (
            "no header row naming two subjects or more: a matrix has the criteria in its first "
            "column and a column per subject"))])

    def matrix(self, rows: list[tuple[int, Cells]], header: Cells, columns: dict[int, str],
               notes: int | None) -> tuple[list[dict[str, Any]], list[Any]]:
        """Return the matrix's rows, and the marks found in its cells."""
        found: list[dict[str, Any]] = []
        marks = []
        for _, cells in rows:
            cells = cells + [("", _beside(cells, header, n)) for n in range(len(cells),
                                                                             len(header))]
            if not any(text for text, _ in cells[:len(header)]):
                continue
            if not cells[0][0]:
                warn(cells[0][1], "a row without a criterion (its first cell is empty), left out")
                continue
            values: dict[str, Any] = {}
            for n, sid in columns.items():
                text, where = cells[n]
                mark = read_mark(text) if text else None
                if mark is not None:
                    marks.append(mark)
                    values[sid] = Plain(mark.mark.value) if not mark.note else {
                        "value": Plain(mark.mark.value), "note": _literal(mark.note)}
                elif text:
                    values[sid] = text_cell(_literal(text))
                else:
                    warn(where, f"an empty matrix cell, written as {EMPTY_CELL!r}")
                    values[sid] = EMPTY_CELL
            row: dict[str, Any] = {"criterion": " ".join(cells[0][0].split()), "values": values}
            if notes is not None and cells[notes][0]:
                row["note"] = _literal(cells[notes][0])
            found.append(row)
        if not found:
            raise ContentError.collect([Problem(header[0][1], "no rows under the header row: "
                                                "a matrix needs a criterion at least")])
        return found, marks

    def title(self, properties: Any, above: list[tuple[int, Cells]], sheet: str) -> str:
        """Return the guide's title: the workbook's, the text above the matrix, the sheet's."""
        if properties.title and str(properties.title).strip():
            return " ".join(str(properties.title).split())
        for _, cells in above:
            texts = [text for text, _ in cells if text]
            if len(texts) == 1:
                return " ".join(texts[0].split())
        if not _DEFAULT_SHEET.match(sheet):
            return sheet
        warn(Location(self.file), f"no title (no title property, no text above the matrix); "
             f"the file's name {self.path.stem!r} is the guide's title")
        return self.path.stem


def _literal(text: str) -> str:
    """Return spreadsheet text as Markdown that prints it as written (one line)."""
    return inline_markdown((Text(" ".join(text.split())),)).text


def _trimmed(cells: Cells) -> Cells:
    """Return a header row without its empty cells at the end."""
    end = len(cells)
    while end > 1 and not cells[end - 1][0]:
        end -= 1
    return cells[:end]


def _beside(cells: Cells, header: Cells, column: int) -> CellLocation:
    where = (cells or header)[0][1]
    return CellLocation(where.file, where.line, column + 1, where.sheet)


__all__ = ["XlsxGuide"]
