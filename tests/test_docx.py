"""The Word file, read back with python-docx, pandoc and LibreOffice."""

from __future__ import annotations

import io
import json
import zipfile

import docx
import pypandoc
import pytest
from docx.oxml.ns import qn

from guidegen.content.loader import load
from guidegen.tree import plain_text

from .conftest import DATA, DEFAULT_GUIDE, build_logged, comparisons_heading
from .readers import (
    docx_structure,
    normalize,
    pdf_page_texts,
    pdf_pages,
    pdf_structure,
    pdf_text,
)

STEMS = ["cmo-cdmo-cro", "five-subjects"]


def open_docx(built, stem=STEMS[0]):
    return docx.Document(str(built.path(stem, "docx")))


def matrices(document):
    return [table for table in document.tables if table.style.name == "Guide Matrix"]


def test_paragraphs_use_real_word_styles(a4):
    document = open_docx(a4)
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    # the balanced title's last line, its words joined by no-break spaces
    assert styles[0] == ("Title", "CMO vs CDMO vs CRO: A\u00a0Comprehensive\u00a0Guide")
    assert styles[1][0] == "Subtitle"
    assert ("Heading 1", "Chief Medical Officer (CMO)") in styles
    assert ("Heading 2", "Responsibilities") in styles
    bullets = [text for name, text in styles if name == "List Bullet"]
    assert bullets[0] == ("Developing and implementing medical strategies that align with the "
                          "organization’s goals.")
    assert "CMO: Medical expertise, clinical experience, and leadership skills." in bullets
    # lists are real Word lists: the style carries numbering
    assert document.styles["List Bullet"].element.pPr.numPr is not None


def test_matrix_is_a_real_table_matching_the_model(a4):
    guide = load(DEFAULT_GUIDE)
    matrix = guide.comparisons[0]
    table = matrices(open_docx(a4))[0]
    assert table.style.name == "Guide Matrix"
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    labels = {"yes": "✓ Yes", "no": "— No", "partial": "◐ Partial"}
    assert cells == [["Role", "CMO", "CDMO", "CRO"]] + [
        [row.criterion] + [labels[row.values[s.id].mark.value] for s in guide.subjects]
        for row in matrix.rows]


def test_header_row_repeats_and_rows_do_not_split(a4):
    table = matrices(open_docx(a4, STEMS[1]))[0]
    rows = table._tbl.tr_lst
    assert rows[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(row.trPr.find(qn("w:cantSplit")) is not None for row in rows)
    assert all(row.trPr.find(qn("w:tblHeader")) is None for row in rows[1:])
    assert len(rows) == 41


def test_table_fits_the_page(a4, letter):
    for built in (a4, letter):
        document = open_docx(built, STEMS[1])
        section = document.sections[0]
        text_width = section.page_width - section.left_margin - section.right_margin
        widths = [column.width for column in matrices(document)[0].columns]
        assert abs(sum(widths) - text_width) < len(widths) * 635  # rounding to twips


def test_footer_has_page_and_numpages_fields_with_results(a4):
    document = open_docx(a4)
    footer = document.sections[0].footer
    xml = footer._element.xml
    assert " PAGE " in xml and " NUMPAGES " in xml
    pages = a4.outputs[(STEMS[0], "pdf")].pages
    assert footer.paragraphs[0].text == (
        "TRN-GD-001 · Version 1.0 · Effective November 24, 2026 · Uncontrolled when "
        f"printed\tPage 1 of {pages}")
    # number, version and effective date through their properties (the date through its
    # picture); "Effective", the status's text too, is the label here, not the status
    assert ' DOCPROPERTY "Effective date" \\@ "MMMM d\', \'yyyy" ' in xml
    assert 'DOCPROPERTY "Status"' not in xml
    # the title, and at the right the part the page is in (page 2's, as the PDF's: on A4
    # the control block on page 1 leaves page 2 still in the comparison)
    assert document.sections[0].header.paragraphs[0].text == \
        f"{guide_title()}\tComparing CMO, CDMO, and CRO"
    assert document.sections[0].different_first_page_header_footer


def guide_title():
    return load(DEFAULT_GUIDE).guide.title


def test_core_and_custom_properties(a4):
    core = open_docx(a4).core_properties
    assert core.title == guide_title()
    assert core.author == "Learning & Development"
    assert core.subject.startswith("Three leadership roles")
    assert core.keywords.startswith("CMO, CDMO, CRO")
    assert core.language == "en"
    assert core.created.isoformat().startswith("2026-11-24T00:00:00")
    with zipfile.ZipFile(a4.path(STEMS[0], "docx")) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
        names = package.namelist()
    for name, value in [("Document number", "TRN-GD-001"), ("Version", "1.0"),
                        ("Approver", "Head of Learning &amp; Development"),
                        ("Status", "Effective")]:  # the status as printed
        assert f'name="{name}"><vt:lpwstr>{value}</vt:lpwstr>' in custom
    # the effective date is a date, as Word types its date properties
    assert 'name="Effective date"><vt:filetime>2026-11-24T00:00:00Z</vt:filetime>' in custom
    assert "docProps/thumbnail.jpeg" not in names  # the template's blank-page picture


def test_page_size_and_margins_follow_the_paper(a4, letter):
    for built, size in ((a4, (210, 297)), (letter, (215.9, 279.4))):
        section = open_docx(built).sections[0]
        assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == size
        assert round(section.left_margin.mm) == 22


def pandoc_ast(path):
    return json.loads(pypandoc.convert_file(str(path), "json", format="docx"))


def inlines_text(inlines):
    parts = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            parts.append(content)
        elif kind in ("Space", "SoftBreak"):
            parts.append(" ")
        elif kind in ("Strong", "Emph"):
            parts.append(inlines_text(content))
        elif kind == "Link":
            parts.append(inlines_text(content[1]))
    return "".join(parts)


def test_pandoc_reads_headings_lists_table_and_links(a4):
    ast = pandoc_ast(a4.path(STEMS[1], "docx"))
    blocks = ast["blocks"]
    headers = [(b["c"][0], inlines_text(b["c"][2])) for b in blocks if b["t"] == "Header"]
    guide = load(DATA / "five-subjects.yaml")
    assert headers[0] == (1, guide.subjects[0].heading)
    assert (2, "Who uses it") in headers
    assert (1, comparisons_heading(guide)) in headers and (2, "Capabilities") in headers
    assert normalize(inlines_text(ast["meta"]["title"]["c"])) == guide.guide.title
    kinds = [b["t"] for b in blocks]
    # the title block's fields, the control block's approvals, and the matrix
    assert kinds.count("Table") == 3 and "BulletList" in kinds and "OrderedList" in kinds
    # the intro's link and the one of "Further reading", each with its address printed
    # after it (theme: print_link_addresses), itself a link whose text is the address
    # (pandoc reads the printed address's non-breaking hyphens as U+2011)
    links = json.dumps(ast, ensure_ascii=False).replace("\u2011", "-").count(
        '"https://www.ich.org/page/efficacy-guidelines"')
    assert links == 6
    # per-subject list entries hold a nested list
    nested = [b for b in blocks if b["t"] == "BulletList"
              and any(part["t"] == "BulletList" for item in b["c"] for part in item)]
    assert nested


def test_pdf_and_docx_have_the_same_headings_and_table_cells(a4):
    for stem in STEMS:
        assert docx_structure(a4.path(stem, "docx")) == pdf_structure(a4.path(stem, "pdf"))


def test_two_builds_are_byte_identical(a4, tmp_path):
    again = build_logged(tmp_path, [DEFAULT_GUIDE], formats=("pdf", "docx", "html"),
                         paper="a4")
    for fmt in ("pdf", "docx", "html"):
        assert again.path(STEMS[0], fmt).read_bytes() == a4.path(STEMS[0], fmt).read_bytes()


@pytest.mark.parametrize("stem", STEMS)
def test_libreoffice_converts_it_with_page_numbers_filled_in(a4, a4_libreoffice, stem):
    converted = a4_libreoffice[stem]
    pages = pdf_pages(converted)
    ours = a4.outputs[(stem, "pdf")].pages
    assert pages == ours
    texts = pdf_page_texts(converted)
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in texts[page - 1]


def test_libreoffice_sees_every_responsibility(a4_libreoffice):
    text = " ".join(pdf_text(a4_libreoffice[STEMS[0]]).split())
    for subject in load(DEFAULT_GUIDE).subjects:
        for item in subject.responsibilities:
            assert plain_text(item) in text


def test_a_reference_document_restyles_the_docx(project, cli):
    assert cli("reference-doc", "-o", "mine/reference.docx").exit_code == 0
    reference = docx.Document(str(project / "mine" / "reference.docx"))
    assert "Heading 1: paragraph style used by guidegen" in [p.text for p in
                                                             reference.paragraphs]
    reference.styles["Heading 1"].font.color.rgb = docx.shared.RGBColor(0xAA, 0, 0)
    reference.save(str(project / "mine" / "reference.docx"))
    assert cli("build", "-f", "docx", "--templates", "mine").exit_code == 0
    built = docx.Document(str(project / "output" / "cmo-cdmo-cro.docx"))
    assert str(built.styles["Heading 1"].font.color.rgb) == "AA0000"
    assert "paragraph style used by guidegen" not in "".join(p.text for p in built.paragraphs)


def test_a_reference_document_missing_a_style_is_named(project, cli):
    assert cli("reference-doc", "-o", "mine/reference.docx").exit_code == 0
    reference = docx.Document(str(project / "mine" / "reference.docx"))
    reference.styles["Guide Matrix"].delete()
    reference.save(str(project / "mine" / "reference.docx"))
    result = cli("build", "--templates", "mine")
    assert result.exit_code == 1
    assert result.stderr.startswith("mine/reference.docx: error: the reference document has "
                                    "no table style 'Guide Matrix'")
    assert not (project / "output").exists()


def test_the_reference_document_is_the_same_bytes_whenever_it_is_written(monkeypatch):
    import time

    from guidegen.common.language import Language
    from guidegen.renderers.docx.styles import reference_sample
    from guidegen.theme import load_templates

    written = []
    for moment in (1_700_000_000, 1_800_000_000):  # zip entries would carry the time
        monkeypatch.setattr(time, "time", lambda moment=moment: float(moment))
        written.append(reference_sample(load_templates(), Language.of("en")))
    assert written[0] == written[1]
    assert docx.Document(io.BytesIO(written[0])).styles["Guide Matrix"] is not None


def test_the_docx_writer_imports_no_url_or_expat_modules():
    # xml.sax.saxutils imports urllib.request (http, ssl, email) and the reference
    # document check xml.etree (pyexpat): ~30 ms of CPU after the PDF's hand-off, in the
    # process that builds the DOCX (load 4). Neither is needed to write one.
    import subprocess
    import sys

    writer = ("guidegen.renderers.docx, guidegen.theme.reference, "
              "guidegen.renderers.speed.references")
    unwanted = ("urllib.request", "http.client", "ssl", "xml.sax.saxutils", "xml.etree.ElementTree")
    probe = f"import sys, {writer}; print([m for m in {unwanted!r} if m in sys.modules])"
    assert subprocess.check_output([sys.executable, "-c", probe], text=True).strip() == "[]"


@pytest.mark.parametrize("text", ['Noto "Sans" & <Co>', "plain", "a&amp;b", "'\"'", "",
                                  "<x> & </x>"])
def test_xml_escapes_as_the_standard_library_does(text):
    # the one escaper of the writers that write markup by hand (the DOCX's parts, the XMP)
    from html import escape as html_escape
    from xml.sax.saxutils import escape as standard

    from guidegen.renderers.escaping import escape

    assert escape(text) == standard(text) == html_escape(text, quote=False)
    assert escape(text, quote=True) == standard(text, {'"': "&quot;"})
