"""A language per recipient: a roster's language field gives each recipient the packet's
guides in their language and its own pages in its labels; read back with pypdf
(bookmarks), poppler (the pages' text), python-docx and the manifest."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
from pypdf import PdfReader

import guidegen

from .readers import normalize, pdf_text, unbroken
from .test_packets import ROSTER_HEADER, copy_project, outline

GERMAN = "CMO vs. CDMO vs. CRO: Ein umfassender Leitfaden"
JAPANESE = "CMO・CDMO・CROの違い：総合ガイド"
ENGLISH = "CMO vs CDMO vs CRO: A Comprehensive Guide"
EN_TITLE, EN_NOTICE = "Welcome to Northwind Biologics", "Uncontrolled when printed"
JA_TITLE, JA_NOTICE = "Northwind Biologicsへようこそ", "印刷物は管理対象外"


def with_languages(folder: Path, guides: str) -> Path:
    """Return the example packet with ``guides``, its roster's language field mapped."""
    packet = folder / "packets" / "new-starter.yaml"
    text = packet.read_text(encoding="utf-8").replace(
        "    start_date: Start date\n", "    start_date: Start date\n    language: Language\n"
    ).replace("  optional: [manager]", "  optional: [manager, language]")
    packet.write_text(text[:text.index("guides:  ")] + f"guides: {guides}\n" +
                      text[text.index("right_hand_start:"):], encoding="utf-8")
    return packet


def write_roster(folder: Path, rows: str) -> Path:
    path = folder / "hires.csv"
    path.write_text(ROSTER_HEADER.strip() + ",Language\n" + rows, encoding="utf-8")
    return path


ROWS = ("Ann,Lee,QC Analyst,Cork,,2026-12-01,\n"
        "Jonas,Müller,QC Analyst,Basel,,2026-12-02,de\n"
        "Marie,Dubois,QC Analyst,Lyon,,2026-12-03,fr\n")


def test_a_guide_with_no_translation_is_an_error_at_the_cell_or_a_fallback(
        tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    packet = with_languages(tmp_path, "[cmo-cdmo-cro, guides/qa-vs-qc.yaml]")
    write_roster(tmp_path, ROWS)
    result = cli("check", "packets/new-starter.yaml", "--roster", "hires.csv")
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if ": error: " in line] == [
        f"hires.csv:{row}:7: error: {name}: {guide} has no {tag} translation (looked for "
        f"{stem}.{tag}.yaml); add it, or let the packet fall back: fallback_language: en"
        for row, name, tag, guide, stem in (
            (3, "Jonas Müller", "de", "packets/guides/qa-vs-qc.yaml", "qa-vs-qc"),
            (4, "Marie Dubois", "fr", "content/cmo-cdmo-cro.yaml", "cmo-cdmo-cro"),
            (4, "Marie Dubois", "fr", "packets/guides/qa-vs-qc.yaml", "qa-vs-qc"))]
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "right_hand_start:", "fallback_language: en\nright_hand_start:"), encoding="utf-8")
    result = cli("check", "packets/new-starter.yaml", "--roster", "hires.csv")
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "fallback_language" in line] == [
        "hires.csv:3:7: warning: Jonas Müller: no de translation of "
        "packets/guides/qa-vs-qc.yaml; they get it in en (fallback_language)",
        "hires.csv:4:7: warning: Marie Dubois: no fr translation of content/cmo-cdmo-cro.yaml, "
        "packets/guides/qa-vs-qc.yaml; they get them in en (fallback_language)"]


def test_a_german_and_a_japanese_row_get_their_guides_and_labels(tmp_path):
    folder = copy_project(tmp_path)
    packet = with_languages(folder, "[cmo-cdmo-cro]")
    roster = write_roster(folder, "Ann,Lee,QC Analyst,Cork,,2026-12-01,\n"
                          "Jonas,Müller,QC Analyst,Basel,,2026-12-02,de\n"
                          "Yuki,Tanaka,QC Analyst,Osaka,,2026-12-03,ja\n")
    with packet.open("a", encoding="utf-8") as file:  # the packet's own words in Japanese
        file.write(f"translations:\n  ja:\n    title: {JA_TITLE}\n"
                   f"    print_notice: {JA_NOTICE}\n")
    guidegen.build([packet], guidegen.BuildOptions(
        out=folder / "out", content=folder / "content", force=True, jobs=1,
        formats=("pdf", "docx"), roster=roster))
    out = folder / "out" / "new-starter"
    for stem, title, notice in (("2026-12-01-Lee-Ann", EN_TITLE, EN_NOTICE),
                                ("2026-12-02-Müller-Jonas", EN_TITLE, EN_NOTICE),
                                ("2026-12-03-Tanaka-Yuki", JA_TITLE, JA_NOTICE)):
        footer = normalize(pdf_text(out / f"{stem}.pdf", "-f", "2", "-l", "2"))
        assert "TRN-PK-001" in footer and notice.replace(" ", "") in footer.replace(" ", ""), stem
        assert PdfReader(out / f"{stem}.pdf").metadata.title == title, stem
        first = [p.text for p in docx.Document(str(out / f"{stem}.docx")).paragraphs][:3]
        assert title in first, stem
    assert EN_NOTICE.replace(" ", "") not in normalize(pdf_text(
        out / "2026-12-03-Tanaka-Yuki.pdf")).replace(" ", "")
    for stem, title, contents, cover in (
            ("2026-12-01-Lee-Ann", ENGLISH, "Contents", "Role QC Analyst Site Cork"),
            ("2026-12-02-Müller-Jonas", GERMAN, "Inhalt",
             "Funktion QC Analyst Standort Basel"),
            ("2026-12-03-Tanaka-Yuki", JAPANESE, "目次", "役職 QC Analyst 事業所 Osaka")):
        marks = [mark for depth, mark, _ in outline(PdfReader(out / f"{stem}.pdf"))
                 if depth == 2]
        assert marks[:2] == [contents, title], stem
        assert cover in normalize(pdf_text(out / f"{stem}.pdf", "-f", "1", "-l", "1")), stem
        paragraphs = [normalize(unbroken(p.text))  # a balanced title's kept last line
                      for p in docx.Document(str(out / f"{stem}.docx")).paragraphs]
        assert title in paragraphs and contents in paragraphs, stem
    assert "2. Dezember 2026" in pdf_text(out / "2026-12-02-Müller-Jonas.pdf", "-l", "1")
    with (out / "manifest-hires.csv.csv").open(encoding="utf-8-sig") as file:
        rows = {row["file"]: row for row in csv.DictReader(file)}
    for file, guide, title in (("2026-12-02-Müller-Jonas.pdf", GERMAN, EN_TITLE),
                               ("2026-12-03-Tanaka-Yuki.docx", JAPANESE, JA_TITLE),
                               ("2026-12-03-Tanaka-Yuki.pdf", JAPANESE, JA_TITLE),
                               ("2026-12-01-Lee-Ann.pdf", ENGLISH, EN_TITLE)):
        assert rows[file]["guides"].startswith(f"TRN-GD-001 {guide} v1.0"), file
        assert rows[file]["packet"] == title, file  # the title their packet has
