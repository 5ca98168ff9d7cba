"""Onboarding packets: the example packet and roster, read back with poppler, pypdf,
python-docx and LibreOffice."""

from __future__ import annotations

import itertools
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

import guidegen
from guidegen import BuildOptions
from guidegen.common.language import Language

from .conftest import EXAMPLE_SHOWN, ROOT, composed, copy_project, hooked
from .readers import (
    libreoffice_pdfs,
    libreoffice_updated_contents,
    normalize,
    pdf_page_texts,
    pdf_pages,
    pdf_structure,
    pdf_text,
)

ROSTER_HEADER = "First name,Last name,Role,Site,Manager,Start date\n"


@pytest.fixture(scope="module")
def built(example_roster: Path) -> Path:
    """Return the example packet's folder, built alone and for its roster (conftest)."""
    return example_roster


def outline(reader, entries=None, depth=1):
    """Return (depth, title, page) of every bookmark, in order."""
    found = []
    for entry in reader.outline if entries is None else entries:
        if isinstance(entry, list):
            found += outline(reader, entry, depth + 1)
        else:
            found.append((depth, entry.title, reader.get_destination_page_number(entry) + 1))
    return found


def contents_of(text: str) -> list[tuple[str, int]]:
    """Return (entry, page) of a contents page's text: dotted leaders, then a number."""
    return [(normalize(m.group(1)), int(m.group(2))) for m in
            re.finditer(r"(?m)^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", text)]


# the packet with lines to fill in, and one recipient's (its guides' pages from the
# layout the roster's recipients share, see test_roster_pdfs_share_...)
PACKETS = EXAMPLE_SHOWN


@pytest.mark.parametrize("name", PACKETS)
def test_contents_page_numbers_are_where_the_headings_land(built, name):
    pdf = built / f"{name}.pdf"
    marks = outline(PdfReader(pdf))
    listed = contents_of(pdf_text(pdf, "-layout", "-f", "2", "-l", "2"))
    expected = [(title, page) for depth, title, page in marks
                if depth in (2, 3) and title != "Contents"]
    assert listed == expected and len(listed) > 10
    # two guides end with "Conclusion": two entries, two different pages
    conclusions = [page for title, page in listed if title == "Conclusion"]
    assert len(conclusions) == 3 and len(set(conclusions)) == 3


@pytest.mark.parametrize("name", PACKETS)
def test_the_contents_note_each_guide_s_status_and_effective_date(built, shown, name):
    # under each guide's entry, as the acknowledgement sheet lists them: in the PDF and
    # in LibreOffice's rendering of the DOCX
    note = "Effective · November 24, 2026"
    for pdf in (built / f"{name}.pdf", shown[name]):
        text = normalize(pdf_text(pdf, "-f", "2", "-l", "2"))
        assert text.count(note) == 3, (pdf, text)
        assert text.index("A Comprehensive Guide") < text.index(note) \
            < text.index("Chief Medical Officer"), (pdf, text)


def test_bookmarks_nest_packet_guide_section(built):
    marks = outline(PdfReader(built / "new-starter.pdf"))
    assert marks[0][:2] == (1, "Welcome to Northwind Biologics")
    guides = [title for depth, title, _ in marks if depth == 2]
    assert guides == ["Contents", "CMO vs CDMO vs CRO: A Comprehensive Guide",
                      "QA vs QC: Quality Assurance and Quality Control",
                      "GMP vs GCP vs GLP: The Good Practices", "Acknowledgement of training"]
    assert (3, "Quality Control (QC)") in [m[:2] for m in marks]


CONTROLS = {"CMO vs CDMO vs CRO: A Comprehensive Guide": "TRN-GD-001",  # guide -> number
            "QA vs QC: Quality Assurance and Quality Control": "QA-GD-014",
            "GMP vs GCP vs GLP: The Good Practices": "QA-GD-021"}


@pytest.mark.parametrize("name", PACKETS)
def test_every_footer_prints_the_packet_s_page_beside_its_part_s_control_line(built, name):
    # the footer's right: the packet's page label (Word numbers a page one way: the
    # packet's, so the PDF does too), no guide's own "Page X of Y"; its left: the control
    # line of the guide the page is in, dated (from its bookmark to the next), else the
    # packet's; a page left blank has no control line
    pdf = built / f"{name}.pdf"
    pages = pdf_pages(pdf)
    marks = [(title, page) for depth, title, page in outline(PdfReader(pdf)) if depth == 2]
    owner = {}
    for (title, first), (_, after) in itertools.pairwise(marks):
        owner.update(dict.fromkeys(range(first, after), CONTROLS.get(title, "TRN-PK-001")))
    owner.update(dict.fromkeys(range(marks[-1][1], pages + 1), "TRN-PK-001"))
    texts = pdf_page_texts(pdf, "-layout")
    for page in range(2, pages + 1):
        lines = texts[page - 1].strip().splitlines()
        footer = lines[-1].split()
        assert " ".join(footer[-5:]) == f"Packet page {page} of {pages}", (page, lines[-1])
        assert not re.search(r"\bPage \d+ of", "\n".join(lines)), page
        if "intentionally left blank" in lines[-1]:
            continue
        assert footer[0] == owner[page], (page, lines[-1])
        dated = "Effective November 24, 2026" in lines[-1]
        assert dated == (footer[0] != "TRN-PK-001"), (page, lines[-1])  # the packet: undated


@pytest.mark.parametrize("name", PACKETS)
def test_right_hand_starts_and_marked_blank_pages(built, name):
    pdf = built / f"{name}.pdf"
    starts = [page for depth, title, page in outline(PdfReader(pdf)) if depth == 2
              and title not in ("Contents", "Acknowledgement of training")]
    assert all(page % 2 == 1 for page in starts)
    for page in starts:  # after a page left blank, or the last page of the guide before
        before = normalize(pdf_text(pdf, "-f", str(page - 1), "-l", str(page - 1)))
        if page - 1 > 2 and not any(number in before for number in CONTROLS.values()):
            assert before == "This page is intentionally left blank Packet page " \
                f"{page - 1} of {pdf_pages(pdf)}"  # its packet page number, where it is


def docx_contents(path: Path) -> list[tuple[str, str, str]]:
    """Return (text, page, bookmark) of each entry of the DOCX's TOC field result."""
    body = docx.Document(str(path)).element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC ") for i in instructions)
    entries = []
    for link in body.iter(qn("w:hyperlink")):
        if link.get(qn("w:anchor")) is None:
            continue  # a link to a web page
        texts = [t.text for t in link.iter(qn("w:t"))]
        assert "PAGEREF" in "".join(t.text for t in link.iter(qn("w:instrText")))
        entries.append((texts[0], texts[-1], link.get(qn("w:anchor"))))
    return entries


@pytest.mark.parametrize("name", PACKETS)
def test_docx_toc_field_caches_the_pdf_headings_and_pages(built, name):
    pdf = built / f"{name}.pdf"
    listed = contents_of(pdf_text(pdf, "-layout", "-f", "2", "-l", "2"))
    entries = docx_contents(built / f"{name}.docx")
    assert [(text, int(page)) for text, page, _ in entries] == listed
    body = docx.Document(str(built / f"{name}.docx")).element.body
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    assert {anchor for _, _, anchor in entries} <= bookmarks


def test_libreoffice_updating_the_docx_contents_lists_what_the_pdf_contents_list(
        built, tmp_path):
    """The field lists the title's style: the cover's title and the "Contents" heading
    have styles of their own, so an update adds no entry the PDF's contents lack."""
    updated = libreoffice_updated_contents(built / "2026-12-08-Tanaka-Yuki.docx", tmp_path)
    listed = contents_of(pdf_text(built / "2026-12-08-Tanaka-Yuki.pdf", "-layout", "-f",
                                  "2", "-l", "2"))
    assert len(listed) > 10 and updated == listed


def test_docx_has_a_word_section_per_guide_with_its_own_header(built):
    document = docx.Document(str(built / "new-starter.docx"))
    headers = [s.header.paragraphs[0].text for s in document.sections
               if not s.header.is_linked_to_previous]
    # the guide's title, and after a tab the part of the guide (a section each)
    titles = list(dict.fromkeys(header.split("\t")[0] for header in headers))
    assert titles[1:4] == ["CMO vs CDMO vs CRO: A Comprehensive Guide",
                           "QA vs QC: Quality Assurance and Quality Control",
                           "GMP vs GCP vs GLP: The Good Practices"]
    assert any(header.startswith(f"{titles[1]}\t") for header in headers), headers


def page_labels(text: str) -> list[str]:
    return re.findall(r"(?:Packet page|Page) \d+ of \d+", text)


@pytest.fixture(scope="module")
def shown(example_libreoffice: dict[str, Path]) -> dict[str, Path]:
    """Return LibreOffice's PDF of each of the PACKETS' DOCX, by name (conftest's)."""
    return example_libreoffice


@pytest.mark.parametrize("name", PACKETS)
def test_the_docx_numbers_its_pages_as_its_contents_say_in_libreoffice(built, shown, name):
    """Word numbers a page one way: the packet's, as its contents list it (the PDF's)."""
    pdf, converted = built / f"{name}.pdf", shown[name]
    listed = contents_of(pdf_text(converted, "-layout", "-f", "2", "-l", "2"))
    # LibreOffice lays the example out on the PDF's pages: so the cached numbers hold
    assert listed == contents_of(pdf_text(pdf, "-layout", "-f", "2", "-l", "2"))
    pages = pdf_pages(converted)
    # its guides fitted: QA and GMP take a page each (built alone too), and as each starts
    # on a right-hand page, a page left blank follows each, not a near-empty one
    assert pages == pdf_pages(pdf) == 9
    texts = pdf_page_texts(converted)
    for title, page in listed:
        assert title in normalize(texts[page - 1])
    # no number on the cover; then the packet's, labelled as such, the sheet's included
    labels = [page_labels(texts[n - 1]) for n in range(1, pages + 1)]
    assert labels == [[]] + [[f"Packet page {n} of {pages}"] for n in range(2, pages + 1)]
    assert normalize(texts[0]).startswith(
        "Welcome to Northwind Biologics Your onboarding packet")  # no header either
    body = docx.Document(str(built / f"{name}.docx")).element.body
    assert not [n for n in body.iter(qn("w:pgNumType")) if n.get(qn("w:start"))]


def label_gaps(pdf: Path, page: int, labels: tuple[str, ...]) -> list[float]:
    """Return the distances (points) between the tops of ``labels`` on ``page``."""
    tops: dict[str, float] = {}
    for found in re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]*)</word>',
                             pdf_text(pdf, "-bbox", "-f", str(page), "-l", str(page))):
        tops.setdefault(found.group(2), float(found.group(1)))
    return [tops[b] - tops[a] for a, b in itertools.pairwise(labels)]


RECIPIENT, SIGNATURE = ("Name", "Role", "Site", "Manager", "Start"), ("Name", "Signature",
                                                                      "Date")


@pytest.mark.parametrize("name", PACKETS)
def test_docx_fill_in_fields_are_rows_with_the_room_the_pdf_gives(built, shown, name):
    pdf, last = built / f"{name}.pdf", pdf_pages(built / f"{name}.pdf")
    for page, labels in ((1, RECIPIENT), (last, SIGNATURE)):
        want, got = label_gaps(pdf, page, labels), label_gaps(shown[name], page, labels)
        assert all(abs(g - w) < 0.1 * w for g, w in zip(got, want, strict=True)), (got, want)
    assert min(label_gaps(shown[name], last, SIGNATURE)) > 35  # points: room to sign
    word = docx.Document(str(built / f"{name}.docx"))
    section = word.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    fields = [(len(t.rows), len(t.columns), sum(c.width for c in t.columns))
              for t in word.tables if t.cell(0, 0).text == "Name"]
    assert fields == [(5, 2, width), (3, 2, width)]  # label and a line as wide as the page


def test_a_page_left_blank_before_a_right_hand_start_in_pdf_and_libreoffice(tmp_path):
    """A one-page guide first: the next guide starts on page 5, after a marked blank page."""
    folder = copy_project(tmp_path)
    packet = with_guides(folder, "[guides/minimal.yaml, guides/qa-vs-qc.yaml]")
    guidegen.build([packet], BuildOptions(out=folder / "out", content=folder / "content",
                                          force=True, formats=("pdf", "docx"),
                                          allow_draft=True))  # minimal is uncontrolled
    pdf, document = (folder / "out" / "new-starter" / f"new-starter.{ext}"
                     for ext in ("pdf", "docx"))
    converted = libreoffice_pdfs([document], tmp_path / "lo", tmp_path / "profile")[document]
    for path in (pdf, converted):  # the blank page counted, its number in the footer
        assert normalize(pdf_text(path, "-f", "4", "-l", "4")) == \
            f"This page is intentionally left blank Packet page 4 of {pdf_pages(path)}"
        # at the head of the page's lower half, in Word as in the PDF; the number where
        # the other pages' footers have theirs
        words = pdf_text(path, "-bbox", "-f", "4", "-l", "4")
        top = float(re.search(r'yMin="([\d.]+)"[^>]*>This<', words).group(1))
        assert 421 < top < 460, (path.suffix, top)
        number = float(re.search(r'yMin="([\d.]+)"[^>]*>Packet<', words).group(1))
        footer = pdf_text(path, "-bbox", "-f", "5", "-l", "5")
        assert abs(number - float(re.search(r'yMin="([\d.]+)"[^>]*>Packet<', footer)
                                  .group(1))) < 2, path.suffix
    pages = pdf_pages(converted)  # the DOCX's: the packet's, the blank page counted
    assert pages == pdf_pages(pdf)
    assert f"Packet page 3 of {pages}" in pdf_text(pdf, "-f", "3", "-l", "3")
    assert f"Packet page 3 of {pages}" in pdf_text(converted, "-f", "3", "-l", "3")
    assert f"Packet page 5 of {pages}" in pdf_text(converted, "-f", "5", "-l", "5")


def test_with_right_hand_starts_the_sheet_starts_on_a_right_hand_page(tmp_path):
    """A one-page guide alone: its sheet would be page 4; it is page 5, in Word too."""
    folder = copy_project(tmp_path)
    shutil.copy(ROOT / "tests" / "data" / "minimal.yaml", folder / "packets" / "guides")
    packet = folder / "packets" / "new-starter.yaml"
    text = packet.read_text(encoding="utf-8")
    packet.write_text(text[:text.index("guides:  ")] + "guides: [guides/minimal.yaml]\n" +
                      text[text.index("right_hand_start:"):], "utf-8")
    guidegen.build([packet], BuildOptions(out=folder / "out", content=folder / "content",
                                          force=True, formats=("pdf", "docx"),
                                          allow_draft=True))  # minimal is uncontrolled
    pdf, document = (folder / "out" / "new-starter" / f"new-starter.{ext}"
                     for ext in ("pdf", "docx"))
    converted = libreoffice_pdfs([document], tmp_path / "lo", tmp_path / "profile")[document]
    for path in (pdf, converted):
        assert pdf_pages(path) == 5, path.suffix
        assert normalize(pdf_text(path, "-f", "4", "-l", "4")) == \
            "This page is intentionally left blank Packet page 4 of 5"
        assert "Acknowledgement of training" in pdf_text(path, "-f", "5", "-l", "5")
    assert [page for _, title, page in outline(PdfReader(pdf))
            if title == "Acknowledgement of training"] == [5]
    assert "Packet page 5 of 5" in pdf_text(converted, "-f", "5", "-l", "5")


def test_trainers_countersignature_custom_cover_fields_and_the_name_in_the_footer(tmp_path):
    """acknowledgement_trainer: the reader's lines (their name filled), then the trainer's;
    cover.recipient: any roster field, labelled by its column or as the entry says;
    footer_recipient: the recipient's name beside the packet's page number, PDF and DOCX."""
    folder = copy_project(tmp_path)
    shutil.copy(ROOT / "tests" / "data" / "minimal.yaml", folder / "packets" / "guides")
    packet = folder / "packets" / "new-starter.yaml"
    text = packet.read_text(encoding="utf-8").replace(
        "  recipient: [name, role, site, manager, start_date]",
        "  recipient: [name, employee_id, {field: site, label: Location}, role]").replace(
        "    start_date: Start date\n", "    start_date: Start date\n    employee_id: Staff no.\n")
    packet.write_text(text[:text.index("guides:  ")] + "guides: [guides/minimal.yaml]\n"
                      "acknowledgement_trainer: true\nfooter_recipient: true\n" +
                      text[text.index("roster:"):], "utf-8")
    roster = folder / "two.csv"
    roster.write_text(ROSTER_HEADER.replace("\n", ",Staff no.\n") +
                      "Ann,Lee,QC Analyst,Cork,Bo Ng,2026-12-01,E-1001\n"
                      "Bo,Chan,QA Officer,Basel,,2026-12-02,E-1002\n", "utf-8")
    guidegen.build([packet], BuildOptions(out=folder / "out", content=folder / "content",
                                          force=True, formats=("pdf", "docx"), roster=roster,
                                          allow_draft=True))  # minimal is uncontrolled
    for stem, name, fields in (("2026-12-01-Lee-Ann", "Ann Lee", "Name Ann Lee Staff no. "
                                "E-1001 Location Cork Role QC Analyst"),
                               ("2026-12-02-Chan-Bo", "Bo Chan", "Name Bo Chan Staff no. "
                                "E-1002 Location Basel Role QA Officer")):
        pdf, document = (folder / "out" / "new-starter" / f"{stem}.{ext}"
                         for ext in ("pdf", "docx"))
        texts = pdf_page_texts(pdf)
        cover = normalize(texts[0])
        assert cover.endswith(f"PREPARED FOR {fields}"), cover  # small capitals
        for page in range(2, pdf_pages(pdf) + 1):  # every page but the cover
            assert f"{name} · Packet page {page} of 4" in normalize(texts[page - 1]), \
                (stem, page)
        sheet = normalize(pdf_text(pdf, "-f", "4"))
        assert sheet[sheet.index("listed above."):sheet.index("TRN-PK-001")] == \
            f"listed above. Name {name} Signature Date Trainer Signature Date "
        word = docx.Document(str(document))
        assert [[[cell.text for cell in row.cells] for row in table.rows]
                for table in word.tables[-2:]] == [
            [["Name", name], ["Signature", ""], ["Date", ""]],
            [["Trainer", ""], ["Signature", ""], ["Date", ""]]]
        footer = word.sections[-1].footer.paragraphs[0].text
        assert footer.startswith(f"TRN-PK-001 · Version 1.0 · Uncontrolled when printed"
                                 f"\t{name} · Packet page "), footer


def test_personalised_packets_named_from_the_roster(built):
    names = sorted(p.name for p in built.glob("2*.pdf"))
    assert names == ["2026-12-01-Müller-Jonas.pdf", "2026-12-01-Okafor-Amara.pdf",
                     "2026-12-08-García-López-María-José.pdf", "2026-12-08-Tanaka-Yuki.pdf",
                     "2027-01-05-O-Neill-Tom.pdf"]
    cover = normalize(pdf_text(built / "2026-12-08-Tanaka-Yuki.pdf", "-f", "1", "-l", "1"))
    assert "Yuki Tanaka" in cover and "Clinical Research Associate" in cover
    assert "Start date December 8, 2026" in cover and "2026-12-08" not in cover
    last = pdf_pages(built / "2026-12-08-Tanaka-Yuki.pdf")
    sheet = normalize(pdf_text(built / "2026-12-08-Tanaka-Yuki.pdf", "-f", str(last)))
    assert "Acknowledgement of training" in sheet and "QA-GD-014" in sheet
    assert "Yuki Tanaka" in sheet and "2.1" in sheet
    # "the documents listed above": the statement follows the list, as it says
    assert sheet.index("QA-GD-014") < sheet.index("I have read and understood the documents")
    word = docx.Document(str(built / "2026-12-08-Tanaka-Yuki.docx"))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "Yuki Tanaka" in cells and "QA-GD-014" in cells and "December 8, 2026" in cells


def test_manifest_lists_every_file_with_its_hash(built):
    import csv
    import hashlib
    import json

    rows = list(csv.DictReader((built / "manifest-new-starter-roster.csv.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    assert len(rows) == 10
    for row in rows:
        data = (built / row["file"]).read_bytes()
        assert row["sha256"] == hashlib.sha256(data).hexdigest()
        assert int(row["bytes"]) == len(data)
        assert "QA-GD-014 QA vs QC: Quality Assurance and Quality Control v2.1" in row["guides"]
    files = json.loads((built / "manifest-new-starter-roster.csv.json").read_text(
        encoding="utf-8"))["files"]
    # which revision was read: its status, and the SHA-256 of the YAML it was made from
    source = hashlib.sha256((built.parents[1] / "packets" / "guides" / "qa-vs-qc.yaml")
                            .read_bytes()).hexdigest()
    assert files[0]["guides"][1] == {"number": "QA-GD-014", "title": "QA vs QC: Quality "
                                     "Assurance and Quality Control", "version": "2.1",
                                     "effective": "2026-11-24", "status": "effective",
                                     "source_sha256": source}


def with_guides(folder: Path, guides: str = "[guides/minimal.yaml]") -> Path:
    """Return the example packet of ``folder`` naming ``guides`` (YAML) instead of its own.

    The default, one small uncontrolled guide (build with ``allow_draft``), is for the
    tests of what a roster's build does with its files, not of the guides' pages: a
    recipient's packet of it is laid out in a fifth of the example's CPU time.
    """
    shutil.copy(ROOT / "tests" / "data" / "minimal.yaml", folder / "packets" / "guides")
    packet = folder / "packets" / "new-starter.yaml"
    text = packet.read_text(encoding="utf-8")
    packet.write_text(text[:text.index("guides:  ")] + f"guides: {guides}\n" +
                      text[text.index("right_hand_start:"):], "utf-8")
    return packet


def write_roster(folder: Path, rows: str, name: str = "hires.csv") -> Path:
    path = folder / name
    path.write_text(ROSTER_HEADER + rows, encoding="utf-8")
    return path


def test_roster_errors_are_located_all_at_once_and_nothing_is_written(tmp_path, cli,
                                                                       monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    write_roster(tmp_path, "Ann,Lee,QC Analyst,Cork,,2026-12-01\n"
                 "Bo,,QC Analyst,Cork,,2026-12-01\n"
                 "Cy,Ng,QC Analyst,Cork,,1 Dec 2026\n"
                 "Ann,Lee,QA Officer,Cork,,2026-12-01\n")
    result = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "hires.csv:3:2: error: last_name: empty, but required",
        "hires.csv:4:6: error: start_date: expected a date like 2026-01-31, got '1 Dec 2026'",
        "hires.csv:5:1: error: output name '2026-12-01-Lee-Ann' is also made by the row at "
        "hires.csv:2:1; make roster.file_name tell them apart"]
    assert not (tmp_path / "output").exists()


def test_xlsx_roster_errors_name_the_sheet_and_cell(tmp_path, cli, monkeypatch):
    import datetime

    import openpyxl

    monkeypatch.chdir(copy_project(tmp_path))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hires"
    sheet.append(ROSTER_HEADER.strip().split(","))
    sheet.append(["Ann", "Lee", "QC Analyst", "Cork", "", datetime.datetime(2026, 12, 1)])
    sheet.append(["Bo", "Ng", "QC Analyst", "Cork", "", "tomorrow"])
    book.save(tmp_path / "hires.xlsx")
    result = cli("build", "packets/new-starter.yaml", "--roster", "hires.xlsx")
    assert result.exit_code == 1
    assert result.stderr.startswith("hires.xlsx:Hires!F3: error: start_date: expected a date")
    del sheet["D1"]
    book.save(tmp_path / "hires.xlsx")
    result = cli("check", "packets/new-starter.yaml", "--roster", "hires.xlsx")
    assert result.stderr.startswith("hires.xlsx:Hires!A1: error: no column 'Site' (for site)")


HOSTILE = ("{{ 7*7 }}", "<script>alert(1)</script>", "=cmd|' /C calc'!A0")


def test_hostile_roster_cells_print_literally_and_the_manifest_escapes_them(tmp_path, cli,
                                                                            monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    with_guides(tmp_path)  # the cells are on the cover, the sheet and in the manifest
    write_roster(tmp_path, f'"{HOSTILE[2]}",Lee,{HOSTILE[0]},{HOSTILE[1]},,2026-12-01\n')
    result = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-j", "1",
                 "--allow-draft")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "output" / "new-starter"
    (pdf,) = folder.glob("*.pdf")
    assert pdf.name == "2026-12-01-Lee-cmd-C-calc-A0.pdf"
    cover = normalize(pdf_text(pdf, "-f", "1", "-l", "1"))
    for text in HOSTILE:
        assert text in cover
    assert "49" not in cover
    word = docx.Document(str(pdf.with_suffix(".docx")))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert all(any(text in cell for cell in cells) for text in HOSTILE)
    manifest = (folder / "manifest-hires.csv.csv").read_text(encoding="utf-8-sig")
    assert f"'{HOSTILE[2]} Lee" in manifest and f",{HOSTILE[2]}" not in manifest


def test_outputs_are_byte_identical_across_runs(built, example_shards, tmp_path):
    from guidegen.builder.merge import merge_manifests

    from .test_shards import assert_built_in_turn, built_on

    # the roster built again, in three shards, everything in one process (conftest)
    again = shutil.copytree(example_shards[0], tmp_path / "again")
    merge_manifests(again)  # the roster's manifests, as one build writes them
    # the session's roster may have been built the day before (a run across midnight):
    # each manifest names its build's date, and only that may differ
    assert_built_in_turn(built_on(built), built_on(again))
    days = built_on(built).encode(), built_on(again).encode()
    compared = 0
    for path in sorted(again.iterdir()):
        if not path.name.startswith(".") and "-of-3." not in path.name:
            expected = (built / path.name).read_bytes()
            if path.name.startswith("manifest-"):
                expected = expected.replace(*days)
            assert path.read_bytes() == expected, path.name
            compared += 1
    assert compared == 12  # five recipients' PDF and DOCX, the roster's two manifests


def test_shards_build_slices_with_their_own_manifests(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    roster = "packets/new-starter-roster.csv"
    for shard in ("1/2", "2/2"):
        result = cli("build", "packets/new-starter.yaml", "--roster", roster, "--shard",
                     shard, "-f", "html")
        assert result.exit_code == 0, result.stderr
    folder = tmp_path / "output" / "new-starter"
    assert len(list(folder.glob("2*.html"))) == 5
    first, second = ((folder / f"manifest-new-starter-roster.csv-{k}-of-2.csv").read_text(
        encoding="utf-8-sig").splitlines() for k in (1, 2))
    assert len(first) - 1 == 2 and len(second) - 1 == 3
    assert cli("build", "packets/new-starter.yaml", "--shard", "3/2").exit_code == 2


def test_a_killed_roster_build_leaves_complete_files_and_the_next_run_finishes(tmp_path, cli,
                                                                             monkeypatch):
    folder = copy_project(tmp_path)
    with_guides(folder)  # what is tested is the roster's files, not the guides' pages
    # five: the kill point needs four (two batches of two), the next run one more
    rows = "".join(f"Ann{n},Lee,QC Analyst,Cork,,2026-12-{n + 1:02d}\n" for n in range(5))
    write_roster(folder, rows)
    command = [sys.executable, "-m", "guidegen", "build", "packets/new-starter.yaml",
               "--roster", "hires.csv", "--jobs", "1", "--allow-draft"]
    out = folder / "output" / "new-starter"
    # killed once the second batch of two recipients is written (see guidegen.testhook)
    killed = subprocess.run(command, cwd=folder, capture_output=True,
                            env=hooked("after-commit:2=kill"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    written = sorted(p.name for p in out.iterdir() if p.suffix in (".pdf", ".docx"))
    assert written == [f"2026-12-{day:02d}-Lee-Ann{day - 1}.{kind}"
                       for day in range(1, 5) for kind in ("docx", "pdf")]
    for name in written:  # every file there is whole
        if name.endswith(".pdf"):
            assert subprocess.run(["qpdf", "--check", str(out / name)],
                                  capture_output=True).returncode == 0
        else:
            assert zipfile.ZipFile(out / name).testzip() is None
    monkeypatch.chdir(folder)  # the next run: a build like any other (in this process)
    again = cli(*command[3:])
    assert again.exit_code == 0, again.stderr
    unchanged = sorted(Path(line.split()[1]).name for line in again.stdout.splitlines()
                       if line.startswith("unchanged "))
    assert unchanged == written
    assert len(list(out.glob("*.pdf"))) == 5
    assert not list(out.glob(".guidegen-*.tmp"))


def test_check_reports_a_packet_naming_an_unknown_guide(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    packet = tmp_path / "packets" / "new-starter.yaml"
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "  - cmo-cdmo-cro\n", "  - no-such-guide\n"), encoding="utf-8")
    result = cli("check", "packets/new-starter.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("content/no-such-guide.yaml: error: No such file")


def test_a_guide_with_contents_true_gets_them_in_pdf_and_docx(tmp_path):
    guide = tmp_path / "guide.yaml"
    guide.write_text((ROOT / "tests" / "data" / "five-subjects.yaml").read_text(
        encoding="utf-8").replace("\nintro: |", "\ncontents: true\nintro: |"), encoding="utf-8")
    guidegen.build([guide], BuildOptions(out=tmp_path / "out", force=True, jobs=2))
    pdf, document = tmp_path / "out" / "guide.pdf", tmp_path / "out" / "guide.docx"
    listed = contents_of(pdf_text(pdf, "-layout", "-f", "1", "-l", "1"))
    marks = [(title, page) for depth, title, page in outline(PdfReader(pdf)) if depth == 2]
    assert listed == marks and len(listed) == 9  # the last: its document control
    assert [(text, int(page)) for text, page, _ in docx_contents(document)] == listed


HEAVY = ("pydantic", "jinja2", "babel", "weasyprint", "docx", "openpyxl",
         "guidegen.content.model", "guidegen.content.packet")


def test_an_up_to_date_build_of_this_checkout_loads_neither_model_nor_renderers(tmp_path, cli,
                                                                              monkeypatch,
                                                                              built):
    # up to date is decided from bytes: the packet, the guides it names, the templates;
    # the first build in this process (it has them all loaded), the second in a new one.
    # The packet's folder is the session's (conftest.example_roster: the same packet,
    # guides and templates, built alone with its state), so the first build renders the
    # guides of content/ and finds the packet's files up to date
    folder = copy_project(tmp_path)
    shutil.copy(ROOT / "guidegen.yaml", folder)
    shutil.copytree(built, folder / "output" / "new-starter")
    monkeypatch.chdir(folder)
    first = cli("build", "--jobs", "1")
    assert first.exit_code == 0, first.stderr
    assert "unchanged output/new-starter/new-starter.pdf" in first.stdout
    assert sum(line.startswith("wrote ") for line in first.stdout.splitlines()) == 6
    code = ("import sys; from guidegen.cli import main; "
            "main(['build'], standalone_mode=False); "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    again = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True,
                           text=True)
    assert again.returncode == 0, again.stderr
    *lines, imported = again.stdout.splitlines()
    assert imported == "[]"
    assert len(lines) == len(first.stdout.splitlines()) == 8
    assert all(line.startswith("unchanged ") for line in lines)


def test_a_packet_is_rebuilt_when_its_guides_roster_or_outputs_change(tmp_path, cli,
                                                                      monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    roster = write_roster(tmp_path, "Ann,Lee,QC Analyst,Cork,,2026-12-01\n"
                          "Bo,Ng,QA Officer,Cork,,2026-12-02\n")
    build = ("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "html")

    def wrote() -> list[str]:
        result = cli(*build)
        assert result.exit_code == 0, result.stderr
        return sorted(Path(line.split()[1]).name for line in result.stdout.splitlines()
                      if line.startswith("wrote "))

    assert wrote() == ["2026-12-01-Lee-Ann.html", "2026-12-02-Ng-Bo.html"]
    assert wrote() == []
    guide = tmp_path / "packets" / "guides" / "qa-vs-qc.yaml"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert wrote() == ["2026-12-01-Lee-Ann.html", "2026-12-02-Ng-Bo.html"]
    roster.write_text(roster.read_text(encoding="utf-8") + "Cy,Ho,QC Analyst,Cork,,"
                      "2026-12-03\n", encoding="utf-8")
    assert wrote() == ["2026-12-03-Ho-Cy.html"]
    out = tmp_path / "output" / "new-starter"
    (out / "2026-12-01-Lee-Ann.html").write_text("tampered", encoding="utf-8")
    assert wrote() == ["2026-12-01-Lee-Ann.html"]
    manifest = (out / "manifest-hires.csv.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(manifest) == 4 and "tampered" not in (out / "2026-12-01-Lee-Ann.html").read_text(
        encoding="utf-8")


def internal_links(pdf: Path) -> list[tuple[str, int | None]]:
    """Return (destination, page or None if it does not resolve) of each internal link."""
    reader = PdfReader(pdf)
    names = reader.named_destinations
    found = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") == "/Link" and "/Dest" in link:
                name = str(link["/Dest"])
                found.append((name, reader.get_destination_page_number(names[name]) + 1
                              if name in names else None))
    return found


@pytest.mark.parametrize("name", PACKETS)
def test_every_link_resolves_and_the_tags_read_in_order(built, name):
    pdf = built / f"{name}.pdf"
    links = internal_links(pdf)
    listed = contents_of(pdf_text(pdf, "-layout", "-f", "2", "-l", "2"))
    assert len(links) > 10 and all(page is not None for _, page in links)
    entries = [link for n, link in enumerate(links) if n == 0 or links[n - 1] != link]
    # a contents entry is three links: its text, the dotted leader, the page number
    assert [page for _, page in entries[:len(listed)]] == [page for _, page in listed]
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    headings = [text for tag, text in pdf_structure(pdf, ("H1",))]
    assert headings == ["Welcome to Northwind Biologics", "Contents",
                        "CMO vs CDMO vs CRO: A Comprehensive Guide",
                        "QA vs QC: Quality Assurance and Quality Control",
                        "GMP vs GCP vs GLP: The Good Practices", "Acknowledgement of training"]


@pytest.mark.parametrize("name", PACKETS)
def test_pdfua_finds_nothing_in_a_packet(built, name):
    from .test_accessibility import pdfua_summary

    summary = pdfua_summary(built / f"{name}.pdf")
    assert (summary["errors"], summary["warnings"]) == (0, 0), summary["findings"]


def pdf_options(folder: Path, out: str) -> BuildOptions:
    # jobs=1: every PDF renders in this process, where the spy sees it
    return BuildOptions(out=folder / out, content=folder / "content", force=True, jobs=1,
                        formats=("pdf",))


TANAKA = "Yuki,Tanaka,Clinical Research Associate,Tokyo,Hiroshi Sato,2026-12-08\n"


def test_roster_pdfs_share_the_guides_layout_and_equal_whole_layouts(built, example_shards):
    # the shards' PDFs, rendered in one process (conftest): the first shard's one
    # recipient is laid out whole, the others' two recipients composed from a shared layout
    shards, calls = example_shards
    assert calls == [[], [True, True], [True, True]]
    pdfs = sorted(path.name for path in shards.glob("2*.pdf"))
    assert len(pdfs) == 5 and "2026-12-01-Okafor-Amara.pdf" in pdfs
    for name in pdfs:  # composed in the worker processes, or in this one, or laid out whole
        assert (shards / name).read_bytes() == (built / name).read_bytes(), name


def test_a_fitted_rosters_tries_are_composed_from_a_shared_layout(tmp_path, monkeypatch):
    # the example packet is fitted (11 pages to 9); its first recipient's try at the level
    # kept composes its pages from the shared layout its recipients then share, not a
    # whole layout of the recipient's packet as well
    from guidegen.renderers.pdf import engine

    folder = copy_project(tmp_path)
    laid: list[str] = []
    lay_out = engine.lay_out

    def spy(html, *args, **kwargs):
        laid.append(html)
        return lay_out(html, *args, **kwargs)

    monkeypatch.setattr(engine, "lay_out", spy)
    guidegen.build([folder / "packets" / "new-starter.yaml"], pdf_options(folder, "out")
                   .replace(roster=write_roster(folder, "Ann,Lee,QC Analyst,Cork,,2026-12-01\n"
                                                + TANAKA)))
    whole = [html for html in laid if "guidegen-filler" not in html
             and ("Ann Lee" in html or "Yuki Tanaka" in html)]
    assert len(laid) > 4 and whole == []


def test_a_cover_that_needs_another_page_is_laid_out_whole(tmp_path, monkeypatch):
    folder = copy_project(tmp_path)
    with_guides(folder)  # what is tested is the cover and what it pushes on
    calls = composed(monkeypatch)
    role = ", ".join(["Senior Scientist for Downstream Process Development"] * 18)
    write_roster(folder, f'Max,Long,"{role}","{role}","{role}",2026-12-02\n' + TANAKA)
    guidegen.build([folder / "packets" / "new-starter.yaml"], pdf_options(folder, "out")
                   .replace(roster=folder / "hires.csv", allow_draft=True))
    assert calls == [False, True]
    pdf = folder / "out" / "new-starter" / "2026-12-02-Long-Max.pdf"
    assert pdf_pages(pdf) > pdf_pages(pdf.with_name("2026-12-08-Tanaka-Yuki.pdf"))
    marks = outline(PdfReader(pdf))
    (contents,) = [page for depth, title, page in marks if title == "Contents"]
    assert contents > 2  # after a cover of two pages or more
    listed = contents_of(pdf_text(pdf, "-layout", "-f", str(contents), "-l", str(contents)))
    assert listed == [(title, page) for depth, title, page in marks
                      if depth in (2, 3) and title != "Contents"] and len(listed) > 2
    assert role.split(",")[0] in normalize(pdf_text(pdf, "-f", "1", "-l", "2"))


def test_per_guide_sheets_are_personal_pages_inside_the_shared_guides(tmp_path, monkeypatch):
    folder = copy_project(tmp_path)
    # two of its guides (controlled: their footers are dated), not the larger third
    packet = with_guides(folder, "[guides/qa-vs-qc.yaml, guides/gmp-gcp-glp.yaml]")
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "acknowledgement: packet ", "acknowledgement: per-guide "), encoding="utf-8")
    calls = composed(monkeypatch)
    write_roster(folder, "Ann,Lee,QC Analyst,Cork,,2026-12-01\n" + TANAKA)
    guidegen.build([packet], pdf_options(folder, "shared").replace(roster=folder / "hires.csv"))
    guidegen.build([packet], pdf_options(folder, "whole").replace(
        roster=write_roster(folder, TANAKA, "alone.csv")))
    assert calls == [True, True]
    name = "new-starter/2026-12-08-Tanaka-Yuki.pdf"
    pdf = folder / "shared" / name
    assert pdf.read_bytes() == (folder / "whole" / name).read_bytes()
    sheets = [page for _, title, page in outline(PdfReader(pdf))
              if title == "Acknowledgement of training"]
    assert len(sheets) == 2
    texts = pdf_page_texts(pdf)
    for page in sheets:  # not a page of its guide: the packet's control line
        text = normalize(texts[page - 1])
        assert "Yuki Tanaka" in text and f"Packet page {page} of" in text, text
        assert text.endswith(f"TRN-PK-001 · Version 1.0 · Uncontrolled when printed "
                             f"Packet page {page} of {pdf_pages(pdf)}"), text
        last = normalize(texts[page - 2])
        footer = last[last.rindex(" · Version "):]
        assert "Effective November 24, 2026" in footer and "TRN-PK-001" not in last, last


def test_a_sheet_that_counts_the_shared_pages_headings_is_laid_out_whole(tmp_path,
                                                                         monkeypatch):
    # numbered headings: the sheet's number depends on the guides' headings before it,
    # which a recipient's own layout does not have; the check sees it and falls back
    folder = copy_project(tmp_path)
    templates = folder / "templates"
    templates.mkdir()
    builtin = Path(guidegen.__file__).parent / "templates" / "parts.css.j2"
    (templates / "parts.css.j2").write_text(builtin.read_text(encoding="utf-8") + (
        "\nbody { counter-reset: heading; } h1 { counter-increment: heading; }\n"
        "section.acknowledgement h1::before { content: counter(heading) \". \"; }\n"),
        encoding="utf-8")
    with_guides(folder)  # one guide: its heading is the sheet's fourth (a recipient's 3rd)
    calls = composed(monkeypatch)
    write_roster(folder, "Ann,Lee,QC Analyst,Cork,,2026-12-01\n" + TANAKA)
    guidegen.build([folder / "packets" / "new-starter.yaml"], pdf_options(folder, "out")
                   .replace(roster=folder / "hires.csv", templates=templates, allow_draft=True))
    assert calls == [False, False]
    pdf = folder / "out" / "new-starter" / "2026-12-08-Tanaka-Yuki.pdf"
    last = pdf_pages(pdf)
    assert "4. Acknowledgement of training" in normalize(pdf_text(pdf, "-f", str(last)))


def test_a_composed_pdf_has_the_warnings_of_a_whole_layout(tmp_path):
    # the preflight reads the pages of both layouts, each located in its own file
    from dataclasses import replace

    from guidegen.builder.packetload import load_packets, packet_date
    from guidegen.builder.session import Session
    from guidegen.layout.packet import PacketLayout
    from guidegen.renderers import RenderContext
    from guidegen.renderers.pdf import compose, render
    from guidegen.theme import load_templates

    folder = copy_project(tmp_path)
    shutil.copy(ROOT / "tests" / "data" / "eight-sites-portrait.yaml",
                folder / "packets" / "guides")
    packet = with_guides(folder, "[guides/qa-vs-qc.yaml, guides/gmp-gcp-glp.yaml, "
                         "guides/eight-sites-portrait.yaml]")  # not the larger first guide
    options = BuildOptions(content=folder / "content", roster=write_roster(folder, TANAKA),
                           allow_draft=True)  # the fixture is uncontrolled
    (loaded,) = load_packets(Session(options), [packet])
    templates = load_templates(None, None)
    layout = PacketLayout(loaded.packet, loaded.guides, templates,
                          language=Language.of("en"), date=packet_date(loaded.packet))
    document, context = layout.document(loaded.recipients[0]), RenderContext(templates)
    whole = render(document, context)
    shared = compose.compose(document, replace(context, shared=layout.document(None)))
    assert shared is not None and shared.data == whole.data
    assert shared.warnings == whole.warnings and len(whole.warnings) == 8
    # each in its own guide's file; the GMP guide's last page, laid out as it is, holds
    # its document-control block too: not short (less than 15%) any more
    assert all(w.location.file.endswith("eight-sites-portrait.yaml") for w in whole.warnings)
    assert shared.pagination == whole.pagination and shared.page_map == whole.page_map
