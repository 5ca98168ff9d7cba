"""Dates as CLDR writes them in the built-in languages, without importing Babel.

A speed trick, fenced here. Babel writes every printed date (:meth:`.labels.Labels.date`),
but its import and the locale data it unpickles for the first date take 13-15 ms of CPU
on a cold build's critical path, before the PDF helper has its document
(``bench/critical.py``: "layout: dates written"). A guide prints dates in two of CLDR's
lengths only ("long", and "medium" where room is short), whose patterns use the day,
the month (as a number or a name) and the year. For each language guidegen has a
catalogue of (``guidegen/locales/``), ``locales/dates.json`` keeps those two patterns (as
Babel's ``%``-format) and the month names they use, written from Babel by::

    python -m guidegen.layout.cldr

It is used only where the installed Babel is the one it was written from and the guide's
language tag is exactly a built-in one ("de", not "de-CH", whose data differ); anything
else asks Babel as before. ``tests/test_cldr.py`` writes every day of several years in
every language and length both ways, and fails when the table is not what the installed
Babel would write now.
"""

from __future__ import annotations

import datetime
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ..theme.folders import package_folder
from ..theme.locales import LOCALES, catalogue_tags

TABLE = "dates.json"  # in the built-in locales folder
Table = dict[str, dict[str, list[str]]]  # by language tag: by length or month width

#: the pattern fields :func:`date` writes (CLDR's: day, month number, month name, year)
FIELDS = ("d", "dd", "M", "MM", "MMM", "MMMM", "y")
LENGTHS: tuple[Literal["long"], Literal["medium"]] = ("long", "medium")


def date(tag: str, day: datetime.date, length: str) -> str | None:
    """Return ``day`` as Babel writes it in language ``tag`` at ``length`` (None: ask Babel).

    None where the table has no such language or length, or was written from another
    Babel than the one installed.
    """
    entry = _entry(tag, length)
    if entry is None:
        return None
    month = day.month
    fields = {"d": str(day.day), "dd": f"{day.day:02d}", "M": str(month),
              "MM": f"{month:02d}", "MMM": entry["MMM"][month - 1],
              "MMMM": entry["MMMM"][month - 1], "y": str(day.year)}
    return entry[length][1] % fields


def pattern(tag: str, length: str = "long") -> str | None:
    """Return CLDR's pattern of ``length`` in language ``tag`` ("d. MMMM y"; None: ask Babel)."""
    entry = _entry(tag, length)
    return None if entry is None else entry[length][0]


def _entry(tag: str, length: str) -> dict[str, list[str]] | None:
    """Return the table's entry of ``tag`` if it has ``length`` and Babel is the table's."""
    babel, table = _table()
    entry = table.get(tag)
    if entry is None or length not in entry or not _same_babel(babel):
        return None
    return entry


@cache
def _table() -> tuple[str, Table]:
    """Return the Babel version the table was written from, and the table."""
    data: dict[str, Any] = json.loads((package_folder(LOCALES) / TABLE).read_bytes())
    return data["babel"], data["dates"]


@cache
def _same_babel(version: str) -> bool:
    """Return whether the installed Babel is ``version``.

    Its version is read from its package's ``__init__.py``, without importing it.
    """
    from importlib.util import find_spec

    try:
        spec = find_spec("babel")
        origin = spec.origin if spec is not None else None
        text = Path(origin).read_text(encoding="utf-8") if origin else ""
    except (OSError, ImportError, ValueError):
        return False
    return f"__version__ = '{version}'" in text or f'__version__ = "{version}"' in text


class _Only(dict[str, str]):
    """The fields :func:`date` writes: any other a pattern asks for is an error."""

    def __missing__(self, key: str) -> str:
        raise ValueError(f"a date pattern asks for {key!r}, which cldr.date does not write")


def table() -> Table:
    """Return the table ``locales/dates.json`` holds, as the installed Babel gives it now."""
    from babel import Locale
    from babel.dates import get_date_format, get_month_names

    found: Table = {}
    for tag in sorted(catalogue_tags()):
        locale = Locale.parse(tag.replace("-", "_"))
        entry: dict[str, list[str]] = {}
        for length in LENGTHS:
            written = get_date_format(length, locale=locale)
            format_ = str(written.format)
            format_ % _Only.fromkeys(FIELDS, "")  # fails on a field date() does not write
            entry[length] = [str(written.pattern), format_]
        for key, names in (("MMM", get_month_names("abbreviated", "format", locale)),
                           ("MMMM", get_month_names("wide", "format", locale))):
            entry[key] = [str(names[month]) for month in range(1, 13)]
        found[tag] = entry
    return found


def source() -> str:
    """Return the text of ``locales/dates.json`` for the installed Babel."""
    import babel

    return json.dumps({"babel": babel.__version__, "dates": table()}, ensure_ascii=False,
                      indent=1) + "\n"


if __name__ == "__main__":  # write the table from the installed Babel
    (package_folder(LOCALES) / TABLE).write_text(source(), encoding="utf-8")
    sys.exit(0)
