"""A roster file read into numbered rows of cells: CSV or XLSX, bounded before the work.

:func:`table_rows` yields every row of the file (blank ones too), each cell as text with
its place (``hires.csv:14:3``, ``hires.xlsx:Sheet1!C14``, through :mod:`guidegen.spreadsheets`);
:mod:`.roster` makes recipients of them. What costs is capped where it costs, not only
the file's bytes: at most :data:`~guidegen.spreadsheets.MAX_COLUMNS` columns in a row (a
CSV line is counted before the CSV reader splits it), :data:`MAX_RECORDS` rows; an XLSX
sheet's stated size is not trusted. Every way openpyxl, its XML parsers or the CSV
reader say "broken" is a located error.

A CSV file is UTF-8 (a byte-order mark is fine), UTF-16 or UTF-32 with a byte-order
mark (Excel's "Unicode text"), or the encoding named (``--roster-encoding``); any other
is read in the encoding charset-normalizer finds most likely (Excel on Windows saves
Windows-1252), with a warning naming it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import ContentError, Location, Problem, warn
from ..spreadsheets import MAX_COLUMNS, XLSX_SUFFIXES, open_workbook, sheet_rows

MAX_RECORDS = 1_048_576  # a spreadsheet's rows, blank ones included
Cell = tuple[str, Location]
Row = tuple[int, Sequence[Cell]]
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def refuse(where: Location, message: str) -> ContentError:
    """Return the error of one problem at ``where``."""
    return ContentError.collect([Problem(where, message)])


def table_rows(data: bytes, file: str, kind: str, *, encoding: str | None = None,
               sheet: str | None = None) -> Iterator[Row]:
    """Return every row of the roster ``data`` (a ``.csv`` or ``.xlsx`` file named ``file``).

    ``encoding`` is a CSV file's, if named; ``sheet`` the XLSX sheet to read (default:
    the first).
    """
    if kind in XLSX_SUFFIXES:
        return _xlsx_rows(data, file, sheet)
    if kind != ".csv":
        raise refuse(Location(file), "a roster is a .csv or .xlsx file")
    return _csv_rows(decode_roster(data, file, encoding), file)


# -- CSV ---------------------------------------------------------------------------------

def decode_roster(data: bytes, file: str, encoding: str | None = None) -> str:
    """Return a CSV roster's text (see the module's docstring for the encodings read)."""
    if encoding is not None:
        return _decoded(data, file, encoding)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _decoded(data, file, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start
    where = _byte_location(data, start, file)
    guess = guess_encoding(data)
    if guess is None:
        raise refuse(where, f"byte 0x{data[start]:02X} is not valid UTF-8, and the file's "
                     "encoding cannot be told; save it as UTF-8, or name its encoding with "
                     "--roster-encoding")
    text = _decoded(data, file, guess)
    word = re.search(r"\w*[^\x00-\x7f]\w*", text)
    shown = f", so it prints {word.group()!r}" if word else ""
    warn(where, f"the file is not UTF-8; read as {_spoken(guess)}, the encoding it most "
         f"likely has{shown}: if names look wrong, name its encoding with "
         "--roster-encoding, or save the file as UTF-8")
    return text


def _spoken(name: str) -> str:
    windows = re.fullmatch(r"cp(125\d)", name)
    return f"Windows-{windows.group(1)} ({name})" if windows else name


# Windows' code pages, the encodings Excel saves a CSV file in
_WINDOWS = frozenset(f"cp125{n}" for n in range(9))


def guess_encoding(data: bytes) -> str | None:
    """Return the encoding the roster ``data`` most likely has (not UTF-8), or None.

    charset-normalizer says which encodings are plausible, most likely first; a short
    roster rarely tells them apart, so among them Windows' code pages come first (Excel
    writes those), the one that reads the most letters (names are letters) before the
    others, then Windows-1252, then charset-normalizer's order.
    """
    from charset_normalizer import from_bytes

    plausible = [codecs.lookup(name).name for result in from_bytes(data)
                 for name in result.could_be_from_charset]
    windows = [name for name in dict.fromkeys(plausible) if name in _WINDOWS]
    if not windows:
        return plausible[0] if plausible else None
    return max(windows, key=lambda name: (_letters(data, name), name == "cp1252",
                                          -windows.index(name)))


def _letters(data: bytes, encoding: str) -> int:
    """Return how many characters beyond ASCII ``data`` read in ``encoding`` are letters."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return -1
    import unicodedata

    return sum(1 for char in text if ord(char) > 0x7F and unicodedata.category(char)[0] == "L")


def _decoded(data: bytes, file: str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise refuse(_byte_location(data, exc.start, file),
                     f"byte 0x{data[exc.start]:02X} is not valid {encoding}") from None


def _byte_location(data: bytes, index: int, file: str) -> Location:
    line = data.count(b"\n", 0, index) + 1
    return Location(file, line, index - (data.rfind(b"\n", 0, index) + 1) + 1)


def _csv_rows(text: str, file: str) -> Iterator[Row]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(_lines(text, delimiter, file), delimiter=delimiter, strict=True)
    line = 1  # where the next record begins
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            said = "a quote opened in this row is never closed" if "end of data" in str(
                exc) else str(exc)
            raise refuse(Location(file, line), f"not valid CSV: {said}") from None
        if len(record) > MAX_COLUMNS:
            raise refuse(Location(file, line, MAX_COLUMNS + 1),
                         f"more than {MAX_COLUMNS:,} columns")
        yield line, [(cell.strip(), Location(file, line, n + 1))
                     for n, cell in enumerate(record)]
        line = reader.line_num + 1
        if line > MAX_RECORDS + 1:
            raise refuse(Location(file, line), f"more than {MAX_RECORDS:,} lines")


def _lines(text: str, delimiter: str, file: str) -> Iterator[str]:
    """Return the physical lines of ``text``, refusing one of too many columns unsplit."""
    fields = re.compile(f'"[^"]*"|{re.escape(delimiter)}')
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if line.count(delimiter) >= MAX_COLUMNS:
            found = (m for m in fields.finditer(line) if m.group() == delimiter)
            if sum(1 for _, _ in zip(found, range(MAX_COLUMNS), strict=False)) >= MAX_COLUMNS:
                raise refuse(Location(file, number), f"more than {MAX_COLUMNS:,} columns")
        yield line


# -- XLSX --------------------------------------------------------------------------------

def _xlsx_rows(data: bytes, file: str, name: str | None) -> Iterator[Row]:
    book = open_workbook(data, file)
    try:
        yield from sheet_rows(_sheet(book, name, file), file, MAX_RECORDS + 1)
    finally:
        book.close()


def _sheet(book: Any, name: str | None, file: str) -> Any:
    sheets = book.worksheets
    if not sheets:
        raise refuse(Location(file), "not a readable .xlsx file: it has no worksheet")
    if name is None:
        return sheets[0]
    for sheet in sheets:
        if sheet.title == name:
            return sheet
    have = ", ".join(repr(sheet.title) for sheet in sheets)
    raise refuse(Location(file), f"no sheet {name!r} (roster.sheet); its sheets are {have}")
