"""XLSX workbooks, opened safely and read as text, cell by located cell.

A roster (:mod:`guidegen.content.roster`) and an imported matrix
(:mod:`guidegen.readers.xlsx`) are read the same way: the package must pass
:func:`guidegen.zips.package_problem` before openpyxl sees it (no zip bomb, no entity,
no link outside the file), the workbook is opened read-only with the values a
spreadsheet shows (``data_only``: a formula's cached result, never the formula), and
every cell is text with its place, ``hires.xlsx:Sheet1!C14``. A sheet's stated size
(``A1:XFD1048576`` in a 2 kB file) is not trusted, a row is at most
:data:`MAX_COLUMNS` cells, and every way openpyxl or its XML parsers fail (cut-short
XML, a missing part, a bad shared-string index, cell reference or date) is an error
naming the file, and the row where one is being read.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from .errors import ContentError, InputError, Location, Problem
from .zips import package_problem

XLSX_SUFFIXES = (".xlsx", ".xlsm")
MAX_COLUMNS = 1_000  # cells of a row read, unless the caller asks for fewer
RESAVE = "open it in a spreadsheet program and save it again"


@dataclass(frozen=True, order=True)
class CellLocation(Location):
    """A cell of a spreadsheet: prints as ``file:Sheet!C14``."""

    sheet: str = ""
    in_text: ClassVar[bool] = False  # its line is a row, not a line of text to show

    def __str__(self) -> str:
        return f"{self.file}:{self.sheet}!{column_letter(self.column or 1)}{self.line}"


def column_letter(number: int) -> str:
    """Return the spreadsheet letters of column ``number`` (1 → A, 27 → AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def open_workbook(data: bytes, file: str, error: type[InputError] = ContentError) -> Any:
    """Return the openpyxl workbook (read-only, values) of XLSX ``data``, checked first.

    ``file`` names it in the ``error`` raised when it is not a readable workbook. The
    caller closes the workbook.
    """
    problem = package_problem(data)  # no zip bomb, no external entity for openpyxl
    if problem is None:
        try:
            import openpyxl

            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl's, lxml's and zipfile's ways of saying "broken"
            problem = f"{_why(exc)}; {RESAVE}"
    raise error.collect([Problem(Location(file), f"not a readable .xlsx file: {problem}")])


def _why(exc: Exception) -> str:
    said = " ".join(str(exc).split())[:200]
    return said or type(exc).__name__


def sheet_rows(sheet: Any, file: str, limit: int, error: type[InputError] = ContentError,
               columns: int | None = None) -> Iterator[tuple[int, list[tuple[str, CellLocation]]]]:
    """Return each row of ``sheet`` (numbered from 1) as its cells' text and places.

    More than ``limit`` rows is an ``error``; only the first ``columns`` are read, if
    given, else a cell beyond :data:`MAX_COLUMNS` is an ``error``. A row openpyxl cannot
    read is an ``error`` at that row.
    """
    sheet.reset_dimensions()  # the size a sheet states is not trusted
    rows = sheet.iter_rows(values_only=True, max_col=columns)
    number = 0
    while True:
        where = CellLocation(file, number + 1, 1, sheet.title)
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # a cell openpyxl cannot read: bad XML, index, date
            raise error.collect([Problem(where, f"row {number + 1} cannot be read "
                                         f"({_why(exc)}); the file is damaged: {RESAVE}")]
                                ) from None
        number += 1
        if number > limit:
            raise error.collect([Problem(where, f"more than {limit - 1:,} rows")])
        yield number, _cells(values, number, file, sheet.title, error)


def _cells(values: tuple[Any, ...], number: int, file: str, title: str,
           error: type[InputError]) -> list[tuple[str, CellLocation]]:
    if len(values) > MAX_COLUMNS:
        if any(value is not None for value in values[MAX_COLUMNS:]):
            raise error.collect([Problem(CellLocation(file, number, MAX_COLUMNS + 1, title),
                                         f"more than {MAX_COLUMNS:,} columns")])
        values = values[:MAX_COLUMNS]
    return [(cell_text(value), CellLocation(file, number, n + 1, title))
            for n, value in enumerate(values)]


def cell_text(value: Any) -> str:
    """Return a spreadsheet cell's value as the text it shows (a date as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else \
            value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


__all__ = ["MAX_COLUMNS", "XLSX_SUFFIXES", "CellLocation", "cell_text", "column_letter",
           "open_workbook", "sheet_rows"]
