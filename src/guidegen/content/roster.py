"""A roster: one row per new starter, read from CSV or XLSX, checked before anything renders.

Each row becomes a :class:`Recipient`: the packet's recipient fields read from the
columns the packet file maps (``roster.columns``), the name as printed, and the output
file name made from ``roster.file_name``, sanitised to a name every file system takes.
A missing column, an empty required cell, a bad date, a control character or two rows
that would write the same file are errors located at the cell (``hires.csv:14:3``,
``hires.xlsx:Sheet1!C14``), all of them reported at once. A cell is always plain text:
it is never read as Markdown, HTML or a template, and braces in it are not expanded.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Location, Problem, display_name
from ..files import read_file
from ..spreadsheets import XLSX_SUFFIXES, CellLocation, open_workbook, sheet_rows
from .markup import BAD_CHARACTERS
from .packet import Roster, fill
from .packetfile import MAX_ROSTER_BYTES
from .yamlsource import decode

MAX_BYTES = MAX_ROSTER_BYTES
MAX_ROWS = 100_000
MAX_NAME = 100  # characters of an output file name, before its extension
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")


@dataclass(frozen=True)
class Recipient:
    """One row of a roster: its fields as text, the printed name and the output name."""

    row: int
    fields: tuple[tuple[str, str], ...]
    name: str
    stem: str
    location: Location

    def value(self, field: str) -> str:
        """Return the text of ``field`` (empty if the roster leaves it out)."""
        return dict(self.fields).get(field, "")


@dataclass(frozen=True)
class _Table:
    """A roster's cells as text, each with its place: the header row, then the rows."""

    header: Sequence[tuple[str, Location]]
    rows: Sequence[tuple[int, Sequence[tuple[str, Location]]]]


def read_roster(path: Path, roster: Roster, root: Path | None = None) -> list[Recipient]:
    """Return the recipients of the roster at ``path``; raise every problem at once.

    The file may not lead out of ``root`` (the project, for a roster named inside it).
    """
    table = _read_table(path, root)
    problems: list[Problem] = []
    columns = _columns(table, roster, problems)
    recipients = []
    for number, cells in table.rows:
        if not any(text for text, _ in cells):
            continue  # a blank row
        recipient = _recipient(number, cells, columns, roster, problems)
        if recipient is not None:
            recipients.append(recipient)
    if not recipients and not problems:
        problems.append(Problem(table.header[0][1] if table.header else
                                Location(display_name(path)), "the roster has no rows"))
    problems += _collisions(recipients)
    if problems:
        raise ContentError.collect(problems)
    return recipients


def _columns(table: _Table, roster: Roster, problems: list[Problem]) -> dict[str, int]:
    """Return the index of each field's column; note missing and repeated headers."""
    index: dict[str, int] = {}
    for n, (text, where) in enumerate(table.header):
        key = _key(text)
        if key and key in index:
            problems.append(Problem(where, f"column {text!r} appears twice"))
        index.setdefault(key, n)
    found = {}
    first = table.header[0][1] if table.header else Location("roster")
    for field, header in roster.columns.items():
        if _key(header) in index:
            found[field] = index[_key(header)]
        else:
            have = ", ".join(repr(t) for t, _ in table.header if t) or "none"
            problems.append(Problem(first, f"no column {header!r} (for {field}); the "
                                    f"header row has {have}"))
    return found


def _key(header: str) -> str:
    return " ".join(header.split()).casefold()


def _recipient(number: int, cells: Sequence[tuple[str, Location]], columns: dict[str, int],
               roster: Roster, problems: list[Problem]) -> Recipient | None:
    values: dict[str, str] = {}
    before = len(problems)
    for field, index in columns.items():
        text, where = cells[index] if index < len(cells) else ("", _next_to(cells, index))
        bad = BAD_CHARACTERS.search(text)
        if bad:
            problems.append(Problem(where, f"{field}: character U+{ord(bad.group()):04X} "
                                    "is not allowed"))
        elif not text and field not in roster.optional:
            problems.append(Problem(where, f"{field}: empty, but required"))
        elif text and field in roster.dates and not _is_date(text):
            problems.append(Problem(where, f"{field}: expected a date like 2026-01-31, "
                                    f"got {text!r}"))
        values[field] = text
    if len(problems) > before:
        return None
    name = values.get("name") or " ".join(fill(roster.name, values).split())
    stem = safe_file_name(fill(roster.file_name, values))
    where = cells[0][1] if cells else Location("roster")
    if not stem:
        problems.append(Problem(where, f"the file name {roster.file_name!r} is empty for "
                                "this row"))
        return None
    return Recipient(number, tuple(values.items()), name, stem, where)


def _next_to(cells: Sequence[tuple[str, Location]], index: int) -> Location:
    last = cells[-1][1] if cells else Location("roster")
    return Location(last.file, last.line, index + 1) if not isinstance(
        last, CellLocation) else CellLocation(last.file, last.line, index + 1, last.sheet)


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _collisions(recipients: list[Recipient]) -> list[Problem]:
    seen: dict[str, Recipient] = {}
    problems = []
    for recipient in recipients:
        key = recipient.stem.casefold()
        if key in seen:
            problems.append(Problem(recipient.location, f"output name {recipient.stem!r} is "
                                    f"also made by the row at {seen[key].location}; make "
                                    "roster.file_name tell them apart"))
        else:
            seen[key] = recipient
    return problems


def safe_file_name(text: str) -> str:
    """Return ``text`` as a file name every system takes: letters, digits, ``-``, ``_``, ``.``.

    Path separators, reserved characters and spaces become ``-``; a name Windows
    reserves (``CON``, ``NUL``) gets a leading ``_``; leading dots go.
    """
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE)
    text = re.sub(r"-{2,}", "-", text).strip("-._ ")[:MAX_NAME].strip("-._ ")
    return f"_{text}" if _RESERVED.match(text) else text


# -- reading the file ----------------------------------------------------------------------

def _read_table(path: Path, root: Path | None) -> _Table:
    file = display_name(path)
    data = read_file(path, MAX_BYTES, root=root, error=ContentError, display=file)
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _xlsx_table(data, file)
    if path.suffix.lower() != ".csv":
        raise ContentError.collect([Problem(Location(file), "a roster is a .csv or .xlsx "
                                            "file")])
    return _csv_table(decode(data, file), file)


def _csv_table(text: str, file: str) -> _Table:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, line = [], 1
    try:
        for record in reader:
            rows.append((line, [(cell.strip(), Location(file, line, n + 1))
                                for n, cell in enumerate(record)]))
            line = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                raise ContentError.collect([Problem(Location(file, line), "more than "
                                                    f"{MAX_ROWS:,} rows")])
    except csv.Error as exc:
        raise ContentError.collect([Problem(Location(file, line), f"not valid CSV: {exc}")]
                                   ) from None
    if not rows:
        raise ContentError.collect([Problem(Location(file, 1, 1), "the roster is empty; it "
                                            "needs a header row")])
    return _Table(rows[0][1], rows[1:])


def _xlsx_table(data: bytes, file: str) -> _Table:
    book = open_workbook(data, file)
    try:
        sheet = book.worksheets[0]
        rows = list(sheet_rows(sheet, file, MAX_ROWS + 1))
    finally:
        book.close()
    if not rows:
        raise ContentError.collect([Problem(CellLocation(file, 1, 1, sheet.title),
                                            "the roster is empty; it needs a header row")])
    return _Table(rows[0][1], rows[1:])


def shard(recipients: list[Recipient], index: int, count: int) -> list[Recipient]:
    """Return the ``index``-th (from 1) of ``count`` contiguous slices of ``recipients``."""
    total = len(recipients)
    return recipients[(index - 1) * total // count:index * total // count]


__all__ = ["CellLocation", "Recipient", "read_roster", "safe_file_name", "shard"]
