"""Dates in the built-in languages written from guidegen's table of CLDR, as Babel writes them."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, get_date_format

from guidegen.common.language import Language
from guidegen.layout import cldr
from guidegen.layout.labels import resolve_labels
from guidegen.theme.locales import catalogue_tags

ROOT = Path(__file__).resolve().parents[1]
TAGS = sorted(catalogue_tags())


def days() -> list[datetime.date]:
    """Return every day of a leap year and of another, and years of every width."""
    first = [datetime.date(2024, 1, 1), datetime.date(2026, 1, 1)]
    every = [start + datetime.timedelta(n) for start in first for n in range(366)
             if (start + datetime.timedelta(n)).year == start.year]
    return every + [datetime.date(year, month, day) for year in (1, 9, 99, 999, 9999)
                    for month, day in ((1, 1), (2, 28), (7, 9), (12, 31))]


def test_the_table_is_what_the_installed_babel_writes():
    # on a Babel upgrade: `python -m guidegen.layout.cldr` writes it again
    shipped = ROOT / "src" / "guidegen" / "locales" / cldr.TABLE
    assert shipped.read_text(encoding="utf-8") == cldr.source()
    assert sorted(cldr._table()[1]) == TAGS == sorted(cldr.table())


@pytest.mark.parametrize("tag", TAGS)
def test_every_day_is_written_as_babel_writes_it(tag):
    locale = Locale.parse(tag.replace("-", "_"))
    for length in cldr.LENGTHS:
        assert cldr.pattern(tag, length) == get_date_format(length, locale=locale).pattern
        for day in days():
            assert cldr.date(tag, day, length) == format_date(day, length, locale=locale)


def test_labels_take_the_table_in_a_built_in_language_and_babel_elsewhere():
    day = datetime.date(2026, 11, 24)
    assert resolve_labels(Language.of("de")).date(day) == "24. November 2026"
    assert resolve_labels(Language.of("ja")).date(day, "medium") == "2026/11/24"
    # a regional tag takes its own data from Babel, though its labels are the base's
    assert cldr.date("en-GB", day, "long") is None
    british = resolve_labels(Language.of("en-GB"))
    assert british.date(day) == "24 November 2026" == format_date(day, "long", locale="en_GB")
    assert british.date_pattern() == "d MMMM y"
    assert cldr.date("de", day, "short") is None  # a length the table lacks: Babel's


def test_another_babel_is_asked_itself(monkeypatch):
    version, table = cldr._table()
    assert cldr._same_babel(version) and not cldr._same_babel("0.0.0")
    monkeypatch.setattr(cldr, "_table", lambda: ("0.0.0", table))
    assert cldr.date("de", datetime.date(2026, 11, 24), "long") is None
    assert cldr.pattern("de") is None
    assert resolve_labels(Language.of("de")).date(datetime.date(2026, 11, 24)) \
        == "24. November 2026"


def test_a_cold_build_of_the_default_guide_never_imports_babel(tmp_path):
    # the trick's point: if a date went to Babel again, Babel would be imported
    code = ("import sys; from guidegen.cli import main; "
            "main(['-q', 'build', 'content/cmo-cdmo-cro.yaml', '--force', '-f', 'html', "
            f"'-o', {str(tmp_path)!r}], standalone_mode=False); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip().splitlines()[-1] == "[]"
    html = (tmp_path / "cmo-cdmo-cro.html").read_text(encoding="utf-8")
    assert "November 24, 2026" in html  # it printed its dates
