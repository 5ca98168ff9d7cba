"""The PDF, checked with readers guidegen did not write: poppler, qpdf, pypdf, pikepdf."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest
from pypdf import PdfReader

from guidegen.content.loader import load
from guidegen.tree import plain_text

from .conftest import DATA, DEFAULT_GUIDE, build_logged, comparisons_heading
from .readers import (
    missing_in_order,
    pdf_page_texts,
    pdf_structure,
    pdf_tagged_text,
    pdf_text,
    seed_pieces,
)

STEMS = ["cmo-cdmo-cro", "five-subjects"]


def pdfinfo(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line) | {
        k: v.strip() for k, v in (line.split(":", 1) for line in out.stdout.splitlines()
                                  if ":" in line)}


def expected_pieces(guide) -> list[str]:
    """Return every heading, responsibility, matrix cell and per-subject text, in order."""
    pieces = [guide.guide.title]
    for subject in guide.subjects:
        pieces += [subject.heading, *map(plain_text, subject.responsibilities)]
    pieces.append(comparisons_heading(guide))
    labels = {"yes": "✓ Yes", "no": "— No", "partial": "◐ Partial"}
    for comparison in guide.comparisons:
        pieces.append(comparison.title)
        if comparison.kind == "matrix":
            pieces += [s.short for s in guide.subjects]
            for row in comparison.rows:
                pieces.append(row.criterion)
                for subject in guide.subjects:
                    cell = row.values[subject.id]
                    pieces.append(labels[cell.mark.value] if cell.mark else plain_text(cell.text))
        else:
            for subject in guide.subjects:
                pieces.append(f"{subject.short}:")
                pieces += [plain_text(line) for line in comparison.values[subject.id].lines]
    return pieces + [section.title for section in guide.sections]


@pytest.mark.parametrize("stem", STEMS)
def test_every_part_of_the_guide_is_in_the_pdf_in_order(a4, stem):
    guide = load(DEFAULT_GUIDE if stem == STEMS[0] else DATA / "five-subjects.yaml")
    # the logical reading order, as tagged (what a screen reader follows)
    assert missing_in_order(pdf_tagged_text(a4.path(stem, "pdf")), expected_pieces(guide)) == []


def test_every_seed_sentence_is_in_the_pdf(a4):
    assert missing_in_order(pdf_text(a4.path(STEMS[0], "pdf")), seed_pieces()) == []


@pytest.mark.parametrize("built", ["a4", "letter"])
@pytest.mark.parametrize("stem", STEMS)
def test_page_numbers_on_every_page_and_the_page_count(request, built, stem):
    result = request.getfixturevalue(built)
    path = result.path(stem, "pdf")
    pages = int(pdfinfo(path)["Pages"])
    assert pages == result.outputs[(stem, "pdf")].pages >= 2
    texts = pdf_page_texts(path)
    for page in range(1, pages + 1):
        text = texts[page - 1]
        assert f"Page {page} of {pages}" in text


def test_running_header_and_footer_carry_title_and_document_control(a4):
    path = a4.path(STEMS[0], "pdf")
    second = pdf_text(path, "-f", "2", "-l", "2")
    assert "CMO vs CDMO vs CRO: A Comprehensive Guide" in second
    assert ("TRN-GD-001 · Version 1.0 · Effective November 24, 2026 · Uncontrolled when "
            "printed") in second


def test_paper_sizes(a4, letter):
    assert "(A4)" in pdfinfo(a4.path(STEMS[0], "pdf"))["Page size"]
    assert "(letter)" in pdfinfo(letter.path(STEMS[0], "pdf"))["Page size"]


def test_no_unexpected_weasyprint_warnings(a4, letter):
    assert a4.warnings == []
    assert letter.warnings == []


def test_outline_entries_equal_the_headings(a4):
    guide = load(DEFAULT_GUIDE)
    reader = PdfReader(a4.path(STEMS[0], "pdf"))

    def titles(outline):
        for entry in outline:
            yield from titles(entry) if isinstance(entry, list) else [entry.title]

    headings = [guide.guide.title, *(s.heading for s in guide.subjects),
                comparisons_heading(guide), *(c.title for c in guide.comparisons),
                *(s.title for s in guide.sections),
                # the theme puts the document-control block at the end (document_control)
                "Document control", "Approvals", "Revision history"]
    assert list(titles(reader.outline)) == headings
    # and they nest: subjects and comparisons under the title, dimensions under comparisons
    assert isinstance(reader.outline[1], list)


def test_metadata(a4):
    info = pdfinfo(a4.path(STEMS[0], "pdf"))
    assert info["Title"] == "CMO vs CDMO vs CRO: A Comprehensive Guide"
    assert info["Author"] == "Learning & Development"
    assert info["Subject"].startswith("Three leadership roles")
    assert info["Keywords"].startswith("CMO, CDMO, CRO, onboarding")
    assert info["CreationDate"].startswith("Tue Nov 24 00:00:00 2026")
    with pikepdf.open(a4.path(STEMS[0], "pdf")) as pdf:
        assert str(pdf.Root.Lang) == "en"
    with pikepdf.open(a4.path(STEMS[1], "pdf")) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"


@pytest.mark.parametrize("stem", STEMS)
def test_fonts_are_embedded_carlito_and_dejavu(a4, stem):
    out = subprocess.run(["pdffonts", str(a4.path(stem, "pdf"))], capture_output=True,
                         text=True, check=True).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    names = {line.split()[0].split("+", 1)[-1] for line in out}
    assert {"Carlito", "Carlito-Bold", "DejaVu-Sans"} <= names
    for line in out:
        assert re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", line).group(1) == "yes", line


@pytest.mark.parametrize("stem", STEMS)
def test_tagged_pdf_ua_that_qpdf_accepts(a4, stem):
    path = a4.path(stem, "pdf")
    assert pdfinfo(path)["Tagged"] == "yes"
    with pikepdf.open(path) as pdf:
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_tags_mark_headings_and_table_cells(a4):
    tags = pdf_structure(a4.path(STEMS[0], "pdf"))
    assert tags[0] == ("H1", "CMO vs CDMO vs CRO: A Comprehensive Guide")
    assert ("TH", "Medical and clinical oversight") in tags
    assert tags.count(("TD", "✓ Yes")) == 3


def test_long_matrix_repeats_its_header_row_on_every_page(a4):
    path = a4.path(STEMS[1], "pdf")
    pages = int(pdfinfo(path)["Pages"])
    header = re.compile(r"Capability\s+EDC\s+CTMS\s+eTMF\s+IRT\s+ePRO")
    texts = pdf_page_texts(path, "-layout")
    table_pages = [page for page in range(1, pages + 1)
                   if "Migrates legacy studies" in (text := texts[page - 1])
                   or "Supports electronic signatures" in text
                   or "Captures case report form data" in text]
    assert len(table_pages) >= 2
    for page in table_pages:
        assert header.search(texts[page - 1])


def test_pdf_a3b_variant(tmp_path):
    built = build_logged(tmp_path, [DEFAULT_GUIDE], formats=("pdf",), pdf_variant="a-3b")
    with pikepdf.open(built.path(STEMS[0], "pdf")) as pdf:
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "B")
    assert pdfinfo(built.path(STEMS[0], "pdf"))["Tagged"] == "yes"
    assert built.warnings == []


def test_html_is_one_self_contained_file(a4):
    html = a4.path(STEMS[0], "html").read_text(encoding="utf-8")
    assert "<style>" in html and "@page" in html
    assert not re.search(r"<link\b|\bsrc=\"(?!data:)|url\((?!data:)", html)
    assert '<html lang="en">' in html
