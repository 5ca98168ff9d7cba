"""Training records: the manifest answers the audit question (who got which version of
which document, when, built by what), each roster keeps its own, and --lms-export writes
what a learning-management system imports."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
from pathlib import Path

import openpyxl

from guidegen import __version__
from guidegen.builder import manifest

from .test_packets import ROSTER_HEADER, copy_project

HEADER = ROSTER_HEADER.strip() + ",Employee ID\n"
ROWS = ("Amara,Okafor,QC Analyst,Dublin,,2026-12-01,E100\n"
        "Yuki,Tanaka,Clinical Research Associate,Tokyo,,2026-12-08,=E101\n")


def with_ids(folder: Path) -> Path:
    """Return the example packet with an employee_id column that identifies a recipient."""
    packet = folder / "packets" / "new-starter.yaml"
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "    start_date: Start date\n",
        "    start_date: Start date\n    employee_id: Employee ID\n  id: employee_id\n"),
        encoding="utf-8")
    return packet


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_the_manifest_records_ids_versions_dates_and_the_tool(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    with_ids(tmp_path)
    (tmp_path / "hires.csv").write_text(HEADER + ROWS, encoding="utf-8")
    monkeypatch.setattr(manifest, "today", lambda: "2026-12-06")
    result = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "html",
                 "--lms-export", "lms.csv")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "output" / "new-starter"
    with (folder / "manifest-hires.csv.csv").open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == ["file", "format", "recipient", "employee_id", "row", "packet",
                      "packet_number", "packet_version", "guides", "pages", "bytes",
                      "sha256", "built", "guidegen"]
    assert rows[0][:8] == ["2026-12-01-Okafor-Amara.html", "html", "Amara Okafor", "E100",
                           "2", "Welcome to Northwind Biologics", "TRN-PK-001", "1.0"]
    assert rows[1][3] == "'=E101"  # a formula stays text
    assert rows[0][8].startswith("TRN-GD-001 CMO vs CDMO vs CRO: A Comprehensive Guide "
                                 "v1.0 (effective 2026-11-24); QA-GD-014 ")
    assert rows[0][12:] == ["2026-12-06", __version__]
    files = json.loads((folder / "manifest-hires.csv.json").read_text("utf-8"))["files"]
    assert files[1]["ids"] == {"employee_id": "=E101"}
    assert files[1]["packet_number"] == "TRN-PK-001" and files[1]["guidegen"] == __version__
    source = hashlib.sha256((tmp_path / "packets" / "guides" / "gmp-gcp-glp.yaml")
                            .read_bytes()).hexdigest()
    assert files[1]["guides"][2] == {"number": "QA-GD-021", "title": "GMP vs GCP vs GLP: "
                                     "The Good Practices", "version": "1.3",
                                     "effective": "2026-11-24", "status": "effective",
                                     "source_sha256": source}
    lms = rows_of(tmp_path / "lms.csv")
    assert list(lms[0]) == ["user_id", "user_name", "document_number", "document_title",
                            "document_version", "assigned_date"]
    assert [(r["user_id"], r["document_number"], r["document_version"]) for r in lms] == [
        ("E100", "TRN-GD-001", "1.0"), ("E100", "QA-GD-014", "2.1"),
        ("E100", "QA-GD-021", "1.3"), ("'=E101", "TRN-GD-001", "1.0"),
        ("'=E101", "QA-GD-014", "2.1"), ("'=E101", "QA-GD-021", "1.3")]
    assert {r["assigned_date"] for r in lms} == {"2026-12-06"}
    # a day later: a file built again with the same bytes keeps the date it was built
    monkeypatch.setattr(manifest, "today", lambda: "2026-12-07")
    (tmp_path / "hires.csv").write_text(HEADER + ROWS.replace("Tokyo", "Osaka"), "utf-8")
    (tmp_path / "lms.csv").unlink()
    result = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "html",
                 "--lms-export", "lms.csv", "--force")
    assert result.exit_code == 0, result.stderr
    built = {r["file"]: r["built"] for r in rows_of(folder / "manifest-hires.csv.csv")}
    assert built == {"2026-12-01-Okafor-Amara.html": "2026-12-06",
                     "2026-12-08-Tanaka-Yuki.html": "2026-12-07"}
    assert [r["assigned_date"] for r in rows_of(tmp_path / "lms.csv")] == \
        ["2026-12-06"] * 3 + ["2026-12-07"] * 3
    # unchanged: nothing is built, and the export is written from the manifest
    (tmp_path / "lms.csv").unlink()
    again = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "html",
                "--lms-export", "lms.csv")
    assert again.exit_code == 0 and again.stdout.startswith("unchanged ")
    assert len(rows_of(tmp_path / "lms.csv")) == 6


def test_a_duplicate_id_and_a_row_too_long_are_errors_where_they_are(tmp_path, cli,
                                                                     monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    with_ids(tmp_path)
    (tmp_path / "hires.csv").write_text(
        HEADER + ROWS + "Ann,Lee,QC Analyst,Cork,,2026-12-02, e100 \n"
        "Cy,Wu, Jr,QC Analyst,Cork,,2026-12-02,E102\n"
        "Bo,Ng,QC Analyst,Cork,,2026-12-02,E103,,\n", encoding="utf-8")
    for command in ("check", "build"):
        result = cli(command, "packets/new-starter.yaml", "--roster", "hires.csv")
        assert result.exit_code == 1
        assert result.stderr == (
            "hires.csv:4:7: error: employee_id: 'e100' is also in the row at hires.csv:2:1; "
            "roster.id says it identifies one recipient\n"
            "hires.csv:5:1: error: this row has 8 cells, the header 7: a cell holding the "
            "separator needs quotes (\"Lee, Ann\")\n"
            "2 errors in 1 file\n")
    assert not (tmp_path / "output").exists()


def test_lms_export_needs_a_roster_and_its_id(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    result = cli("build", "packets/new-starter.yaml", "--lms-export", "lms.csv")
    assert result.exit_code == 2 and "--lms-export goes with a roster" in result.stderr
    result = cli("build", "packets/new-starter.yaml", "--lms-export", "lms.csv", "--roster",
                 "packets/new-starter-roster.csv")
    assert result.exit_code == 2 and "names none (roster.id" in result.stderr
    assert not (tmp_path / "lms.csv").exists() and not (tmp_path / "output").exists()


def test_a_csv_and_an_xlsx_roster_of_one_name_keep_two_manifests(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    with_ids(tmp_path)
    (tmp_path / "hires.csv").write_text(HEADER + ROWS, encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    book.active.append(["Ann", "Lee", "QC Analyst", "Cork", "", datetime.datetime(2026, 12, 2),
                        "E200"])
    book.save(tmp_path / "hires.xlsx")
    for roster in ("hires.csv", "hires.xlsx"):
        result = cli("build", "packets/new-starter.yaml", "--roster", roster, "-f", "html",
                     "-o", "records")
        assert result.exit_code == 0, result.stderr
    folder = tmp_path / "records" / "new-starter"
    assert [r["employee_id"] for r in rows_of(folder / "manifest-hires.csv.csv")] == [
        "E100", "'=E101"]
    assert [r["employee_id"] for r in rows_of(folder / "manifest-hires.xlsx.csv")] == ["E200"]
    assert {p.name for p in folder.glob("manifest*")} == {
        "manifest-hires.csv.csv", "manifest-hires.csv.json", "manifest-hires.xlsx.csv",
        "manifest-hires.xlsx.json"}


def test_the_lms_export_of_a_roster_in_shards_is_merged_with_its_manifests(
        tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    with_ids(tmp_path)
    (tmp_path / "hires.csv").write_text(HEADER + ROWS, encoding="utf-8")
    monkeypatch.setattr(manifest, "today", lambda: "2026-12-06")
    build = ("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "html")
    assert cli(*build, "-o", "whole", "--lms-export", "whole.csv").exit_code == 0
    refused = cli(*build, "-o", "shards", "--shard", "1/2", "--lms-export", "one.csv")
    assert refused.exit_code == 2
    assert "guidegen manifest merge FOLDER --lms-export FILE" in refused.stderr
    for shard in ("1/2", "2/2"):
        result = cli(*build, "-o", "shards", "--shard", shard)
        assert result.exit_code == 0, result.stderr
    assert not (tmp_path / "one.csv").exists()
    merged = cli("manifest", "merge", "shards/new-starter", "--lms-export", "merged.csv")
    assert merged.exit_code == 0, merged.stderr
    assert "wrote merged.csv" in merged.output
    assert (tmp_path / "merged.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert [r["user_id"] for r in rows_of(tmp_path / "merged.csv")][::3] == ["E100", "'=E101"]
