"""Curricula: each recipient of a roster gets the packet's guides meant for them, read
back with pypdf (bookmarks), poppler (the contents page, page counts) and the manifest."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

import guidegen

from .conftest import DATA
from .readers import (
    html_text,
    libreoffice_pdfs,
    normalize,
    pdf_page_texts,
    pdf_pages,
    pdf_text,
)
from .test_packets import (
    ROSTER_HEADER,
    composed,
    contents_of,
    copy_project,
    outline,
    pdf_options,
    with_guides,
    write_roster,
)

TITLES = {"alpha": "Alpha vs Beta",
          "qa": "QA vs QC: Quality Assurance and Quality Control",
          "gmp": "GMP vs GCP vs GLP: The Good Practices"}
# three roles, three curricula: everyone gets the first guide
CURRICULA = {"QC Analyst": ("alpha", "qa"), "Process Engineer": ("alpha",),
             "Clinical Research Associate": ("alpha", "gmp")}
ROWS = ("Amara,Okafor,QC Analyst,Dublin,,2026-12-01\n"
        "Jonas,Müller,Process Engineer,Basel,,2026-12-01\n"
        "Yuki,Tanaka,Clinical Research Associate,Tokyo,,2026-12-08\n")
MORE = ("Ann,Lee,qc  analyst,Cork,,2026-12-02\n"  # case and spaces aside
        "Bo,Ng,Process Engineer,Cork,,2026-12-02\n"
        "Cy,Wu,Clinical Research Associate,Cork,,2026-12-02\n")


def with_curricula(folder: Path, extra: str = "") -> Path:
    """Return the example packet with its second and third guides for some roles.

    Its first guide, for everyone, is tests/data/minimal.yaml (uncontrolled: build with
    ``allow_draft``), not the example's larger one: which guides a recipient gets is what
    is tested, not their pages, and each build lays out and fits every curriculum's.
    """
    shutil.copy(DATA / "minimal.yaml", folder / "packets" / "guides")
    packet = folder / "packets" / "new-starter.yaml"
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "  - cmo-cdmo-cro\n", "  - guides/minimal.yaml\n").replace(
        "  - guides/qa-vs-qc.yaml\n  - guide: guides/gmp-gcp-glp.yaml\n",
        "  - {guide: guides/qa-vs-qc.yaml, for: {role: [QC Analyst, QA Officer]}}\n"
        "  - guide: guides/gmp-gcp-glp.yaml\n"
        "    for: {role: [Clinical Research Associate, QA Officer]}\n").replace(
        "    start_date: Start date\n", f"    start_date: Start date\n{extra}"),
        encoding="utf-8")
    return packet


@pytest.fixture(scope="module")
def three(tmp_path_factory, three_roles):
    """Build a roster of three roles, two recipients each (their PDFs share a layout per
    curriculum); return its project, what ``composed`` recorded, and the folder of the
    same three roles once each (laid out whole: ``three_roles``)."""
    folder = copy_project(tmp_path_factory.mktemp("curricula"))
    packet = with_curricula(folder)
    calls = composed(pytest.MonkeyPatch())
    guidegen.build([packet], pdf_options(folder, "shared").replace(
        roster=write_roster(folder, ROWS + MORE), allow_draft=True))
    return folder, list(calls), three_roles / "output" / "new-starter"


def test_three_roles_get_three_packets_of_their_own_guides(three):
    folder, calls, alone = three
    shared = folder / "shared" / "new-starter"
    with (shared / "manifest-hires.csv.csv").open(encoding="utf-8-sig") as stream:
        manifest = {row["recipient"]: row for row in csv.DictReader(stream)}
    listed_in = {row["recipient"]: row["guides"] for row in json.loads(
        (shared / "manifest-hires.csv.json").read_text(encoding="utf-8"))["files"]}
    pages = {}
    for name, row in zip(("2026-12-01-Okafor-Amara", "2026-12-01-Müller-Jonas",
                          "2026-12-08-Tanaka-Yuki"), ROWS.splitlines(), strict=True):
        role = row.split(",")[2]
        titles = [TITLES[key] for key in CURRICULA[role]]
        pdf = shared / f"{name}.pdf"
        marks = outline(PdfReader(pdf))
        assert [title for depth, title, _ in marks if depth == 2] == [
            "Contents", *titles, "Acknowledgement of training"]
        listed = contents_of(pdf_text(pdf, "-layout", "-f", "2", "-l", "2"))
        assert [title for title, _ in listed if title in TITLES.values()] == titles
        assert listed == [(title, page) for depth, title, page in marks
                          if depth in (2, 3) and title != "Contents"]
        text = pdf_text(pdf)
        assert all(title in text for title in titles)
        assert not any(title in text for title in set(TITLES.values()) - set(titles))
        recipient = " ".join(row.split(",")[:2])
        assert manifest[recipient]["pages"] == str(pdf_pages(pdf))
        assert [guide["title"] for guide in listed_in[recipient]] == titles
        assert manifest[recipient]["guides"].count("; ") == len(titles) - 1
        pages[role] = pdf_pages(pdf)
    assert pages["Process Engineer"] < min(pages["QC Analyst"],
                                           pages["Clinical Research Associate"])
    # each curriculum's PDFs share its layout, byte for byte what a whole layout makes
    # (the layouts that fit a curriculum's guides to their pages are laid out whole)
    assert calls == [True] * 6
    for name in ("2026-12-01-Okafor-Amara", "2026-12-01-Müller-Jonas",
                 "2026-12-08-Tanaka-Yuki"):
        assert (shared / f"{name}.pdf").read_bytes() == (alone / f"{name}.pdf").read_bytes()
    lee = PdfReader(shared / "2026-12-02-Lee-Ann.pdf")
    assert [title for depth, title, _ in outline(lee) if depth == 2][1:3] == [
        TITLES["alpha"], TITLES["qa"]]


def test_a_guides_column_picks_guides_and_bad_cells_are_located(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    packet = with_curricula(tmp_path, "    guides: Guides\n")
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "  optional: [manager]", "  optional: [manager, guides]"), encoding="utf-8")
    header = ROSTER_HEADER.strip() + ",Guides\n"
    (tmp_path / "hires.csv").write_text(
        header + "Ann,Lee,QC Analyst,Cork,,2026-12-01,gmp-gcp-glp; MINIMAL\n"
        "Bo,Ng,QC Analyst,Cork,,2026-12-01,\n"
        "Cy,Wu,QC Analyst,Cork,,2026-12-01,qa-vs-qc;gcp\n"
        "Ed,Yo,QC Analyst,Cork,,2026-12-01,;\n", encoding="utf-8")
    result = cli("check", "packets/new-starter.yaml", "--roster", "hires.csv",
                 "--allow-draft")  # the first guide is uncontrolled
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "hires.csv:4:7: error: guides: no guide 'gcp' in the packet (its guides: "
        "gmp-gcp-glp, minimal, qa-vs-qc; separate names with ';')",
        "hires.csv:5:1: error: Ed Yo: no guide of the packet is for this recipient (the "
        "guides cell names none)"]
    (tmp_path / "hires.csv").write_text(
        header + "Ann,Lee,Warehouse Operator,Cork,,2026-12-01,gmp-gcp-glp; MINIMAL\n"
        "Bo,Ng,QC Analyst,Cork,,2026-12-01,guides/qa-vs-qc.yaml\n"
        "Cy,Wu,QC Analyst,Cork,,2026-12-01,\n", encoding="utf-8")
    # HTML: which guides each recipient gets is what is tested, not their pages
    result = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "html",
                 "--allow-draft")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "output" / "new-starter"
    for name, keys in (("Lee-Ann", ("alpha", "gmp")), ("Ng-Bo", ("qa",)),
                       ("Wu-Cy", ("alpha", "qa"))):  # an empty cell: its role's guides
        assert guide_titles(folder / f"2026-12-01-{name}.html") == [
            TITLES[key] for key in keys]


def guide_titles(html: Path) -> list[str]:
    """Return the titles of the guides in a packet's HTML, in order."""
    return [html_text(title.encode()) for title in re.findall(
        r'<h1 id="g\d+-title">(.*?)</h1>', html.read_text(encoding="utf-8"), re.S)]


def test_a_recipient_no_guide_is_for_is_an_error_at_the_row(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    packet = with_curricula(tmp_path)
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "  - guides/minimal.yaml\n", "  - {guide: guides/minimal.yaml, for: {site: [Cork]}}\n"),
        encoding="utf-8")
    write_roster(tmp_path, "Ann,Lee,QC Analyst,Cork,,2026-12-01\n"
                 "Bo,Ng,Warehouse Operator,Basel,,2026-12-01\n")
    result = cli("check", "packets/new-starter.yaml", "--roster", "hires.csv",
                 "--allow-draft")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "hires.csv:3:1: error: Bo Ng: no guide of the packet is for this recipient (no "
        "guide's 'for:' matches this row)")


def test_for_names_roster_fields(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    packet = with_curricula(tmp_path)
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "for: {role: [QC", "for: {department: [QC"), encoding="utf-8")
    result = cli("check", "packets/new-starter.yaml", "--allow-draft")
    assert result.exit_code == 1
    assert "packets/new-starter.yaml:24:" in result.stderr
    assert "'department' is not a roster column" in result.stderr


def test_a_guides_own_sheet_is_the_packets_page_in_the_pdf_and_in_libreoffice(tmp_path):
    # acknowledgement: per-guide: each sheet follows its guide, but is not one of its
    # pages: the packet's control line, not the guide's (every footer numbers the packet's
    # pages: no guide prints its own "Page X of Y")
    folder = copy_project(tmp_path)
    # two of its guides (controlled: their footers are dated), not the larger third
    packet = with_guides(folder, "[guides/qa-vs-qc.yaml, guides/gmp-gcp-glp.yaml]")
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "acknowledgement: packet ", "acknowledgement: per-guide "), encoding="utf-8")
    guidegen.build([packet], guidegen.BuildOptions(
        out=folder / "out", content=folder / "content", force=True, jobs=1,
        formats=("pdf", "docx")))
    pdf = folder / "out" / "new-starter" / "new-starter.pdf"
    shown = libreoffice_pdfs([pdf.with_suffix(".docx")], tmp_path / "lo",
                             tmp_path / "profile")[pdf.with_suffix(".docx")]
    assert pdf_pages(shown) == pdf_pages(pdf)  # no page added before a sheet
    for made in (pdf, shown):
        texts = pdf_page_texts(made)
        pages = [normalize(texts[n - 1]) for n in range(1, pdf_pages(made) + 1)]
        sheets = [n for n, text in enumerate(pages) if "I have read and understood" in text]
        assert len(sheets) == 2, made
        for n in sheets:
            assert "TRN-PK-001" in pages[n] and "TRN-PK-001" not in pages[n - 1], made
            assert not re.search(r"\bPage \d+ of", pages[n]), (made, pages[n])
            assert pages[n].endswith(f"Packet page {n + 1} of {len(pages)}"), (made, pages[n])
            # the page before: its guide's last, its control line dated
            assert re.search(r" · Version [\d.]+ · Effective November 24, 2026 · Uncontrolled "
                             rf"when printed Packet page {n} of", pages[n - 1]), (made, n)
