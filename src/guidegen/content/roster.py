"""A roster: one row per new starter, read from CSV or XLSX, checked before anything renders.

Each row becomes a :class:`Recipient`: the packet's recipient fields read from the
columns the packet file maps (``roster.columns``, under the header in row
``roster.header_row`` of sheet ``roster.sheet``), the name as printed, and the output
file name made from ``roster.file_name``, sanitised to a name every file system takes.
A missing column, an empty required cell, a bad date, a control character, a field too
long to print, a character no installed font has, two rows that would write the same
file, or an identifying field (``roster.id``) repeated are errors located at the cell
(``hires.csv:14:3``, ``hires.xlsx:Sheet1!C14``), a CSV row with more cells than the
header at its row, all of them reported at once; bidirectional and invisible characters
are warnings, as in a guide. A cell is always plain text: it is never read as Markdown, HTML or a
template, and braces in it are not expanded. The file itself is read by
:mod:`.rostertable`.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..common.characters import BAD_CHARACTERS, hidden_problem, missing_font_message, printed
from ..errors import ContentError, Location, Problem, display_name, warn
from ..files import read_file, unencodable
from ..spreadsheets import CellLocation, column_letter
from .packet import Roster, fill
from .packetfile import MAX_ROSTER_BYTES
from .rostertable import Cell, table_rows

MAX_BYTES = MAX_ROSTER_BYTES
MAX_ROWS = 100_000
MAX_FIELD = 1_000  # characters of one recipient field (a cover holds a few)
MAX_NAME = 100  # characters of an output file name, before its extension
MIN_YEAR = 1000
_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")


@dataclass(frozen=True)
class Recipient:
    """One row of a roster: its fields as text, the printed name and the output name."""

    row: int
    fields: tuple[tuple[str, str], ...]
    name: str
    stem: str
    location: Location
    places: tuple[tuple[str, Location], ...] = ()  # where each field was read
    guides: tuple[int, ...] | None = None  # the packet's guides they get (None: all)
    language: str | None = None  # the language they read (None: the packet's guides as written)

    def value(self, field: str) -> str:
        """Return the text of ``field`` (empty if the roster leaves it out)."""
        return dict(self.fields).get(field, "")

    def place(self, field: str) -> Location:
        """Return the cell ``field`` was read from (the row's first cell if unknown)."""
        return dict(self.places).get(field, self.location)


def read_roster(path: Path, roster: Roster, root: Path | None = None,
                encoding: str | None = None) -> list[Recipient]:
    """Return the recipients of the roster at ``path``; raise every problem at once.

    The file may not lead out of ``root`` (the project, for a roster named inside it);
    ``encoding`` is a CSV file's, if the user named it.
    """
    file = display_name(path)
    data = read_file(path, MAX_BYTES, root=root, error=ContentError, display=file)
    kind = path.suffix.lower()
    rows = table_rows(data, file, kind, encoding=encoding, sheet=roster.sheet)
    problems: list[Problem] = []
    header: Sequence[Cell] | None = None
    columns: dict[str, int] = {}
    recipients: list[Recipient] = []
    count = 0
    for number, cells in rows:
        if number < roster.header_row:
            continue  # a title above the header
        if header is None:
            header = cells
            columns = _columns(header, number, file, roster, problems)
        elif any(text for text, _ in cells):  # not a blank row
            count += 1
            if count > MAX_ROWS:
                raise ContentError.collect([Problem(cells[0][1], f"more than {MAX_ROWS:,} "
                                                    "rows; split the roster")])
            if kind == ".csv" and len(cells) > len(header) and \
                    any(text for text, _ in cells[len(header):]):
                problems.append(Problem(cells[0][1], f"this row has {len(cells)} cells, "
                                        f"the header {len(header)}: a cell holding the "
                                        "separator needs quotes (\"Lee, Ann\")"))
                continue
            recipient = _recipient(number, cells, columns, roster, problems)
            if recipient is not None:
                recipients.append(recipient)
    if header is None:
        raise ContentError.collect([Problem(Location(file, 1, 1), "the roster is empty; it "
                                            f"needs a header row (row {roster.header_row})")])
    if not recipients and not problems:
        problems.append(Problem(header[0][1] if header else Location(file),
                                "the roster has no rows"))
    problems += _collisions(recipients) + _duplicate_ids(recipients, roster.ids) + \
        _fontless(recipients)
    if problems:
        raise ContentError.collect(problems)
    return recipients


def _columns(header: Sequence[Cell], number: int, file: str, roster: Roster,
             problems: list[Problem]) -> dict[str, int]:
    """Return the index of each field's column; note missing and repeated headers."""
    index: dict[str, int] = {}
    for n, (text, where) in enumerate(header):
        key = _key(text)
        if key and key in index:
            problems.append(Problem(where, f"column {text!r} appears twice"))
        index.setdefault(key, n)
    found = {}
    first = header[0][1] if header else Location(file, number, 1)
    for field, name in roster.columns.items():
        if _key(name) in index:
            found[field] = index[_key(name)]
        else:
            have = ", ".join(repr(t) for t, _ in header if t) or "none"
            problems.append(Problem(first, f"no column {name!r} (for {field}); the header "
                                    f"row (row {number}, roster.header_row) has {have}"))
    return found


def _key(header: str) -> str:
    return " ".join(header.split()).casefold()


def _recipient(number: int, cells: Sequence[Cell], columns: dict[str, int],
               roster: Roster, problems: list[Problem]) -> Recipient | None:
    values: dict[str, str] = {}
    places: dict[str, Location] = {}
    before = len(problems)
    for field, index in columns.items():
        text, where = cells[index] if index < len(cells) else ("", _next_to(cells, index))
        message = _field_problem(field, text, roster)
        if message:
            problems.append(Problem(where, f"{field}: {message}"))
        hidden = hidden_problem(text)
        if hidden is not None:
            warn(where, f"{field}: {hidden[1]}")
        values[field], places[field] = text, where
    if len(problems) > before:
        return None
    name = values.get("name") or " ".join(fill(roster.name, values).split())
    stem = safe_file_name(fill(roster.file_name, values))
    where = cells[0][1] if cells else Location("roster")
    if not stem:
        problems.append(Problem(where, f"the file name {roster.file_name!r} is empty for "
                                "this row"))
        return None
    try:
        os.fsencode(stem)
    except UnicodeEncodeError:
        problems.append(Problem(where, f"the file name {stem!r}: {unencodable()}"))
        return None
    return Recipient(number, tuple(values.items()), name, stem, where, tuple(places.items()))


def _field_problem(field: str, text: str, roster: Roster) -> str | None:
    """Return what is wrong with the cell ``text`` of ``field``, or None."""
    bad = BAD_CHARACTERS.search(text)
    if bad:
        return f"character U+{ord(bad.group()):04X} is not allowed"
    if len(text) > MAX_FIELD:
        return (f"{len(text):,} characters; a roster field holds at most {MAX_FIELD:,} "
                "(it is printed on the cover)")
    if not text and field not in roster.optional:
        return "empty, but required"
    if text and field in roster.dates:
        return _date_problem(text)
    return None


def _next_to(cells: Sequence[Cell], index: int) -> Location:
    last = cells[-1][1] if cells else Location("roster")
    return Location(last.file, last.line, index + 1) if not isinstance(
        last, CellLocation) else CellLocation(last.file, last.line, index + 1, last.sheet)


def _date_problem(text: str) -> str | None:
    """Return what is wrong with ``text`` as a date, or None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"expected a date like 2026-01-31, got {text!r}"
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return f"expected a date like 2026-01-31, got {text!r}"
    if day.year < MIN_YEAR:
        return f"the year {day.year} is before {MIN_YEAR}; a typo?"
    return None


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


def _duplicate_ids(recipients: list[Recipient], fields: Sequence[str]) -> list[Problem]:
    """Return a problem at each cell repeating an identifying field's value (roster.id)."""
    problems = []
    for field in fields:
        seen: dict[str, Recipient] = {}
        for recipient in recipients:
            value = recipient.value(field).strip()
            if not value:
                continue
            if value.casefold() in seen:
                problems.append(Problem(recipient.place(field), f"{field}: {value!r} is "
                                        "also in the row at "
                                        f"{seen[value.casefold()].location}; roster.id says "
                                        "it identifies one recipient"))
            else:
                seen[value.casefold()] = recipient
    return problems


def _fontless(recipients: Iterable[Recipient]) -> list[Problem]:
    """Return a problem at each recipient whose fields hold a character no font has.

    The PDF would print such a character as an empty box (the build fails then), so it
    is said here, at the row, by ``check`` as by ``build``.
    """
    from ..native import uncovered

    wanted = {char for recipient in recipients for _, text in recipient.fields
              for char in text if ord(char) > 0xFF and printed(char)}
    missing = set(uncovered(sorted(wanted))) if wanted else set()
    problems = []
    for recipient in recipients if missing else ():
        for field, text in recipient.fields:
            chars = list(dict.fromkeys(char for char in text if char in missing))
            if chars:
                problems.append(Problem(recipient.place(field), f"{field}: "
                                        f"{missing_font_message(chars)}"))
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


def shard(recipients: list[Recipient], index: int, count: int) -> list[Recipient]:
    """Return the ``index``-th (from 1) of ``count`` contiguous slices of ``recipients``."""
    total = len(recipients)
    return recipients[(index - 1) * total // count:index * total // count]


__all__ = ["CellLocation", "Recipient", "column_letter", "read_roster", "safe_file_name",
           "shard"]
