"""Hostile input, third pass (issue 23): rosters, CSV and XLSX, as HR exports them.

Every way openpyxl, its XML parsers or the CSV reader fail is a located error; what
costs is capped where it costs (columns counted before a line is split, a sheet's
stated size not trusted, a field's length); a cell's date, hidden characters, glyphs
and file name are checked at the cell, by ``check`` as by ``build``. A Windows-1252
export is read, with a warning naming the encoding; ``roster.sheet`` and
``roster.header_row`` read the sheet and header HR's exports put elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc

import pytest

from guidegen.content.packet import Roster
from guidegen.errors import ContentError

from ..conftest import PATIENCE
from .small import PACKET, row, sheet_xml, xlsx

HEADER = row(1, "First name", "Last name", "Start date")
GOOD = row(2, "Amara", "Okafor", "2026-12-01")
WORKBOOK = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets>{sheets}</sheets></workbook>')
SHARED = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<si><t>Amara</t></si></sst>')


# -- every library exception is a located error -------------------------------------------

@pytest.mark.parametrize("parts, message", [
    ({"sheet": sheet_xml(HEADER, GOOD)[:150]},
     "r.xlsx:Hires!A1: error: row 1 cannot be read (unclosed token: line 1, column 147); "
     "the file is damaged"),
    ({"workbook": "<workbook"}, "r.xlsx: error: not a readable .xlsx file: Couldn't find "
     "end of Start Tag workbook"),
    ({"workbook": WORKBOOK.format(sheets="")}, "r.xlsx: error: not a readable .xlsx file: "
     "it has no worksheet"),
    ({"shared": SHARED, "sheet": sheet_xml(HEADER, row(
        2, '<c r="A2" t="s"><v>99</v></c>', "Okafor", "2026-12-01"))},
     "r.xlsx:Hires!A2: error: row 2 cannot be read (list index out of range)"),
    ({"sheet": sheet_xml(HEADER, row(2, '<c r="!!2" t="inlineStr"><is><t>A</t></is></c>'))},
     "r.xlsx:Hires!A2: error: row 2 cannot be read ('!!' is not a valid column name"),
    ({"sheet": sheet_xml(HEADER, row(2, "Amara", "Okafor", '<c r="C2" t="d"><v>soon</v></c>'))},
     "r.xlsx:Hires!A2: error: row 2 cannot be read (Invalid datetime value soon)"),
    ({"sheet": sheet_xml(HEADER, row(2, '<c r="A2"><v>NaN</v></c>', "Okafor", "2026-12-01"))},
     "r.xlsx:Hires!A2: error: row 2 cannot be read (invalid literal for int()"),
], ids=["truncated-sheet", "broken-workbook", "no-worksheet", "shared-string-index",
        "cell-reference", "date-garbage", "nan"])
def test_a_broken_workbook_is_a_located_error(small, cli, parts, message):
    parts.setdefault("sheet", sheet_xml(HEADER, GOOD))
    xlsx(small.root / "r.xlsx", parts.pop("sheet"), **parts)
    for command in ("check", "build"):
        result = cli(command, "packets/pk.yaml", "--roster", "r.xlsx")
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith(message), result.stderr
    assert small.files() == []


# -- caps counted on what costs ---------------------------------------------------------

def _peak(run):
    tracemalloc.start()
    try:
        outcome = run()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return outcome, peak


def test_a_sheets_claimed_size_is_not_trusted(small):
    from guidegen.content.roster import read_roster

    roster = Roster.model_validate({"columns": {"first_name": "First name",
                                                "last_name": "Last name",
                                                "start_date": "Start date"}})
    rows = [HEADER, GOOD, *(row(n, f"P{n}", "Okafor", f"2026-12-{n:02d}")
                            for n in range(3, 30))]
    path = xlsx(small.root / "r.xlsx", sheet_xml(*rows, dimension="A1:XFD1048576"))
    recipients, peak = _peak(lambda: read_roster(path, roster))
    assert len(recipients) == 28
    assert peak < 8_000_000  # not 28 rows of 16,384 cells each (140 MB)


def test_a_csv_line_of_too_many_columns_is_refused_before_it_is_split(small, cli):
    from guidegen.content.roster import read_roster

    small.write("packets/wide.csv", "First name,Last name,Start date," + "x," * 300_000
                + "\nAmara,Okafor,2026-12-01\n")
    result = cli("check", "packets/pk.yaml", "--roster", "packets/wide.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("packets/wide.csv:1: error: more than 1,000 columns\n")
    roster = Roster.model_validate({"columns": {"first_name": "First name"}})
    def refused():
        with pytest.raises(ContentError) as raised:
            read_roster(small.root / "packets" / "wide.csv", roster)
        return raised.value

    error, peak = _peak(refused)
    assert "more than 1,000 columns" in str(error.problems[0])
    assert peak < 8_000_000  # the 600 kB line once or twice, not 300,000 cells
    # a quoted cell full of commas is one cell, not a thousand columns
    small.write("packets/quoted.csv", 'First name,Last name,Start date,Note\nAmara,Okafor,'
                '2026-12-01,"' + "a," * 2_000 + '"\n')
    assert cli("check", "packets/pk.yaml", "--roster", "packets/quoted.csv").exit_code == 0


def test_a_field_too_long_to_print_is_refused_at_its_cell(small, cli):
    small.write("packets/long.csv", "First name,Last name,Start date\nAmara,"
                + "O" * 20_480 + ",2026-12-01\n")
    result = cli("check", "packets/pk.yaml", "--roster", "packets/long.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("packets/long.csv:2:2: error: last_name: 20,480 "
                                    "characters; a roster field holds at most 1,000")


# -- what a cell says --------------------------------------------------------------------

def test_an_unterminated_quote_is_a_csv_error_at_its_row(small, cli):
    small.write("packets/q.csv", 'First name,Last name,Start date\n"Amara,Okafor,2026-12-01\n'
                "Jonas,Muller,2026-12-01\n")
    result = cli("check", "packets/pk.yaml", "--roster", "packets/q.csv")
    assert result.exit_code == 1
    assert result.stderr == ("packets/q.csv:2: error: not valid CSV: a quote opened in this "
                             "row is never closed\n1 error in 1 file\n")


def test_the_row_limit_counts_rows_and_points_at_the_first_past_it(small, cli, monkeypatch):
    from guidegen.content import roster

    monkeypatch.setattr(roster, "MAX_ROWS", 2)
    assert cli("check", "packets/pk.yaml", "--roster", "packets/r.csv").exit_code == 0
    small.write("packets/three.csv", "First name,Last name,Start date\n"
                "A,B,2026-12-01\n\nC,D,2026-12-01\nE,F,2026-12-01\n")
    result = cli("check", "packets/pk.yaml", "--roster", "packets/three.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("packets/three.csv:5:1: error: more than 2 rows; split "
                                    "the roster\n")


def test_a_date_before_the_year_1000_is_refused(small, cli):
    small.write("packets/y.csv", "First name,Last name,Start date\nAmara,Okafor,0001-01-01\n")
    result = cli("check", "packets/pk.yaml", "--roster", "packets/y.csv")
    assert result.exit_code == 1
    assert result.stderr.startswith("packets/y.csv:2:3: error: start_date: the year 1 is "
                                    "before 1000; a typo?\n")


def test_bidi_and_invisible_characters_in_a_cell_are_warned_of(small, cli):
    small.write("packets/b.csv", "First name,Last name,Start date\nAm\u202eara,Oka\u200bfor,"
                "2026-12-01\n")
    result = cli("check", "packets/pk.yaml", "--roster", "packets/b.csv")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "packets/b.csv:2:1: warning: first_name: character U+202E (RIGHT-TO-LEFT OVERRIDE) "
        "reorders the text around it: the text may not say what it shows; remove it unless "
        "it is meant",
        "packets/b.csv:2:2: warning: last_name: character U+200B (ZERO WIDTH SPACE) is "
        "invisible: the text may not say what it shows; remove it unless it is meant"]
    assert cli("check", "--strict", "packets/pk.yaml", "--roster",
               "packets/b.csv").exit_code == 1


def test_a_cell_no_installed_font_has_fails_check_and_build_at_the_cell(small, cli):
    small.write("packets/f.csv", "First name,Last name,Start date\nAmara,Okafor,2026-12-01\n"
                "Jonas,Mu\ua549ller,2026-12-01\n")
    for command in ("check", "build"):
        result = cli(command, "packets/pk.yaml", "--roster", "packets/f.csv")
        assert result.exit_code == 1, result.stderr
        assert result.stderr == (
            "packets/f.csv:3:2: error: last_name: \ua549 (U+A549): no installed font has "
            "these Vai characters, so they would print as empty boxes; install one (Debian: "
            "fonts-noto-core)\n1 error in 1 file\n")
    assert small.files() == []


# -- encodings, sheets, a title above the header ------------------------------------------

def test_a_windows_1252_export_is_read_with_a_warning_naming_it(small, cli):
    text = "First name;Last name;Start date\nJürgen;Müller;2026-12-01\nJosé;Muñoz;2026-12-01\n"
    (small.root / "packets" / "w.csv").write_bytes(text.encode("cp1252"))
    result = cli("build", "packets/pk.yaml", "--roster", "packets/w.csv", "-f", "html")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "packets/w.csv:2:2: warning: the file is not UTF-8; read as Windows-1252 (cp1252), "
        "the encoding it most likely has, so it prints 'Jürgen': if names look wrong, name "
        "its encoding with --roster-encoding, or save the file as UTF-8\n")
    assert "2026-12-01-Müller-Jürgen.html" in small.files("output/pk")
    named = cli("check", "packets/pk.yaml", "--roster", "packets/w.csv",
                "--roster-encoding", "cp1252")
    assert (named.exit_code, named.stderr) == (0, "")
    polish = "First name,Last name,Start date\nŁukasz,Wałęsa,2026-12-01\nZofia,Żółć,2026-12-01\n"
    (small.root / "packets" / "p.csv").write_bytes(polish.encode("cp1250"))
    result = cli("check", "packets/pk.yaml", "--roster", "packets/p.csv")
    assert "read as Windows-1250 (cp1250)" in result.stderr and "'Łukasz'" in result.stderr
    wrong = cli("check", "packets/pk.yaml", "--roster", "packets/w.csv",
                "--roster-encoding", "nonsense")
    assert wrong.exit_code == 2
    assert "'--roster-encoding': expected an encoding Python knows (e.g. utf-8, cp1252, " \
        "latin-1), got 'nonsense'" in wrong.stderr


def test_roster_sheet_and_header_row_read_an_hr_export(small, cli):
    title = row(1, "New starters, December")
    people = [row(3, "First name", "Last name", "Start date"),
              row(4, "Amara", "Okafor", "2026-12-01")]
    workbook = WORKBOOK.format(sheets='<sheet name="Summary" sheetId="1" r:id="rId1"/>'
                               '<sheet name="Hires" sheetId="2" r:id="rId2"/>')
    path = xlsx(small.root / "hr.xlsx", sheet_xml(row(1, "Nothing here")), workbook=workbook)
    # a second sheet: the part and its relationship, added to the package
    import zipfile

    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/worksheets/sheet2.xml", sheet_xml(title, *people))
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace("</Relationships>", '<Relationship Id="rId2" Type="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                        'Target="worksheets/sheet2.xml"/></Relationships>')
    with zipfile.ZipFile(path) as old:
        parts = {name: old.read(name) for name in old.namelist()}
    parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    with zipfile.ZipFile(path, "w") as new:
        for name, data in parts.items():
            new.writestr(name, data)
    small.packet(PACKET + "  sheet: Hires\n  header_row: 3\n")
    result = cli("check", "packets/pk.yaml", "--roster", "hr.xlsx")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "ok packets/pk.yaml  (1 guide, 1 recipient)\n"
    small.packet(PACKET + "  sheet: Hired\n")
    result = cli("check", "packets/pk.yaml", "--roster", "hr.xlsx")
    assert result.stderr.startswith("hr.xlsx: error: no sheet 'Hired' (roster.sheet); its "
                                    "sheets are 'Summary', 'Hires'\n")
    # the same in a CSV file: a title line, a blank line, then the header
    small.write("packets/t.csv", "New starters, December\n\nFirst name,Last name,Start date\n"
                "Amara,Okafor,2026-12-01\n")
    small.packet(PACKET + "  header_row: 3\n")
    result = cli("check", "packets/pk.yaml", "--roster", "packets/t.csv")
    assert result.exit_code == 0, result.stderr


# -- a file-name encoding that cannot hold a name -----------------------------------------

def test_a_non_ascii_name_under_the_c_locale_is_a_located_error(small):
    small.write("content/müller.yaml", (small.root / "content" / "ab.yaml").read_text())
    small.packet(PACKET.replace("guides: [ab]", "guides: [müller]"), name="pu")
    small.write("packets/u.csv", "First name,Last name,Start date\nJürgen,Müller,2026-12-01\n")
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    for args, message in (
            (["check", "packets/pu.yaml"], "content/m"),
            (["check", "packets/pk.yaml", "--roster", "packets/u.csv"],
             "packets/u.csv:2:1: error: the file name '2026-12-01-M")):
        done = subprocess.run([sys.executable, "-m", "guidegen", *args], cwd=small.root,
                              env=env, capture_output=True, timeout=PATIENCE)
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 1, stderr
        assert stderr.startswith(message), stderr
        assert "this system's file-name encoding (ascii); run guidegen in a UTF-8 locale " \
               "(LC_ALL=C.UTF-8)" in stderr


def test_a_shard_of_nobody_is_said_and_absurd_shard_counts_refused(small, cli):
    result = cli("build", "packets/pk.yaml", "--roster", "packets/r.csv", "--shard",
                 "3/1000000", "-f", "html")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: Invalid value for '--shard': expected K/N with "
                                  "1 <= K <= N <= 100,000, like 2/8, got '3/1000000'\n")
    result = cli("build", "packets/pk.yaml", "--roster", "packets/r.csv", "--shard",
                 "1/3", "-f", "html")
    assert result.exit_code == 0
    assert result.stderr == ("packets/r.csv: warning: --shard 1/3 holds no recipient: the "
                             "roster has 2, so shard it into at most as many\n")
    assert cli("build", "--strict", "packets/pk.yaml", "--roster", "packets/r.csv",
               "--shard", "1/3", "-f", "html").exit_code == 1
