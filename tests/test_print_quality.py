"""Print quality on real content: the fixtures in tests/data, on A4 and US Letter.

Each fixture is written the way a team would write it (eight German subjects, a
40-row matrix, a Japanese partner, a one-page handout, long chemical names). Each must
build without a preflight warning, take the pages asserted here in the PDF and in
LibreOffice's rendering of the DOCX alike, and break no word into pieces.
"""

from __future__ import annotations

import functools
import re
import subprocess
import zipfile
from itertools import groupby

import docx
import pytest
from pypdf import PdfReader

import guidegen
from guidegen.theme import load_templates
from guidegen.tree import Fields

from .conftest import DATA, DEFAULT_GUIDE, GOOD_FIXTURES, document_of
from .readers import (
    dehyphenate,
    docx_structure,
    docx_text,
    pdf_body_size,
    pdf_glyph_texts,
    pdf_page_texts,
    pdf_pages,
    pdf_text,
)

# pages of each fixture on A4 and on US Letter, in the PDF and in LibreOffice alike
# with each controlled guide's document-control block (approvals, revision history)
PAGES = {"cmo-cdmo-cro": (2, 2), "acht-dienstleister": (5, 5), "excipients": (2, 2),
         "five-subjects": (5, 5), "forty-checks": (3, 3), "japanischer-partner": (2, 2),
         "minimal": (1, 1), "nihon-itaku": (2, 2), "qa-qc-one-page": (1, 1),
         "pv-vendors-budget": (5, 5), "deviation-change-capa": (2, 2),
         "further-reading": (2, 2)}
PAPERS = ("a4", "letter")
STEMS = [path.stem for path in GOOD_FIXTURES]


class Printed:
    """The fixtures built on one paper: the PDFs, DOCX files and LibreOffice's PDFs."""

    def __init__(self, paper, built, converted) -> None:
        self.paper = paper
        self.folder = built.folder
        self.warnings = built.problems
        self.converted = converted

    def pdf(self, stem):
        return self.folder / f"{stem}.pdf"

    def docx(self, stem):
        return self.folder / f"{stem}.docx"

    def libreoffice(self, stem):
        return self.converted[stem]


@pytest.fixture(scope="module", params=PAPERS)
def printed(request):
    """Return the fixtures on each paper (the session's builds, see conftest)."""
    paper = request.param
    return Printed(paper, request.getfixturevalue(paper),
                   request.getfixturevalue(f"{paper}_libreoffice"))


def paper_of(printed):
    return printed.paper


def test_every_fixture_builds_without_a_preflight_warning(printed):
    assert printed.warnings == []


@pytest.mark.parametrize("stem", STEMS)
def test_pages_in_the_pdf_and_in_libreoffice(printed, stem):
    expected = PAGES[stem][PAPERS.index(paper_of(printed))]
    assert pdf_pages(printed.pdf(stem)) == expected
    assert pdf_pages(printed.libreoffice(stem)) == expected


def yaml_words(path):
    return set(re.findall(r"\w+", path.read_text(encoding="utf-8")))


CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af]")


@functools.cache
def watermark_words(source):
    """Return the words of the watermark of the guide at ``source`` (upper case): its
    tree laid out once, not once a paper (document_of takes no paper)."""
    return re.findall(r"\w+", document_of(guidegen.load(source)).running.watermark.upper())


@pytest.mark.parametrize("stem", STEMS)
def test_no_word_of_the_pdf_is_a_fragment_of_a_word_of_the_guide(printed, stem):
    source = DEFAULT_GUIDE if stem == DEFAULT_GUIDE.stem else DATA / f"{stem}.yaml"
    # the guide's words, and the labels around them (in the guide's language), as the
    # DOCX has them: Word text knows no line ends
    vocabulary = yaml_words(source) | set(re.findall(r"\w+", docx_text(printed.docx(stem))))
    vocabulary |= {str(n) for n in range(1, 10)}  # page numbers
    vocabulary |= {word.upper() for word in vocabulary}  # the control block's small caps
    longer = sorted(vocabulary, key=len)
    text = dehyphenate(pdf_text(printed.pdf(stem)))
    # lines may break between any two characters of Japanese, so only the rest counts
    printed_words = {word for word in re.findall(r"\w+", text) if not CJK.search(word)}
    # a watermark's letters run diagonally: pdftotext reads them as bits of words ("AI",
    # "TR"), each on a line of its own; test_control finds the whole text on every page
    across = watermark_words(source)
    fragments = sorted(word for word in printed_words - vocabulary
                       if any(word in other for other in longer if len(other) > len(word))
                       and not any(word in other for other in across))
    assert fragments == []


def test_the_default_guide_fits_two_pages(printed):
    # on Letter too: its document-control block (kept whole) fits under the conclusion,
    # now that the revision history's date takes one line, not two
    pages = 2
    assert pdf_pages(printed.pdf("cmo-cdmo-cro")) == pages
    text = pdf_text(printed.pdf("cmo-cdmo-cro"), "-f", str(pages), "-l", str(pages))
    assert "Conclusion" in text and "Document control" in text
    assert f"Page {pages} of {pages}" in text


def page_sizes(path):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True,
                          text=True, check=True).stdout
    return [tuple(map(float, size)) for size in
            re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def page_label(guide, page, pages):
    """Return the footer's page label of ``guide`` (in its language) on ``page`` of ``pages``."""
    running = document_of(guidegen.load(guide)).running
    numbers = {"page": str(page), "pages": str(pages)}
    return "".join(numbers.get(kind, text) for kind, text in running.page)


def test_a_matrix_too_wide_to_stand_goes_on_landscape_pages(printed):
    for path in (printed.pdf("acht-dienstleister"), printed.libreoffice("acht-dienstleister")):
        sizes = page_sizes(path)
        turned = [n for n, (width, height) in enumerate(sizes, 1) if width > height]
        assert turned == [3], path
        text = pdf_text(path, "-f", "3", "-l", "3")
        assert "Pflichten nach EU-GMP-Leitfaden Kapitel 7" in text
        assert "Verantwortung im Vergleich" in text  # the part's heading went with it
        assert "Dienstleister in der Arzneimittelherstellung" in text  # running header
        pages = PAGES["acht-dienstleister"][0]
        assert page_label(DATA / "acht-dienstleister.yaml", 3, pages) in text  # footer
    word = docx.Document(str(printed.docx("acht-dienstleister")))
    # portrait, landscape, portrait (a section may also start where the running header's
    # part changes: 'Dokumentenlenkung' on the last page)
    assert [turn for turn, _ in groupby(s.orientation for s in word.sections)] == [0, 1, 0]
    for section in word.sections[1:]:
        assert not section.header.is_linked_to_previous
        assert "NUMPAGES" in section.footer._element.xml
        assert section.header.paragraphs[0].text.startswith("Dienstleister in der")


def test_the_header_row_repeats_on_every_page_of_a_long_matrix(printed):
    for path in (printed.pdf("forty-checks"), printed.libreoffice("forty-checks")):
        for page in (2, 3):
            lines = [line.split() for line in pdf_text(path, "-layout", "-f", str(page),
                                                         "-l", str(page)).splitlines()]
            assert ["Check", "QA", "QC", "Production", "Engineering"] in lines, (path, page)


def test_a_japanese_name_prints_with_a_font_that_has_it(printed):
    pdf = printed.pdf("japanischer-partner")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "CJK" in fonts
    for path in (pdf, printed.libreoffice("japanischer-partner")):
        assert "武田薬品工業株式会社" in pdf_text(path)


def test_the_budget_fixture_fits_one_page_by_tightening(printed):
    assert pdf_pages(printed.pdf("qa-qc-one-page")) == 1
    normal = docx.Document(str(printed.docx("qa-qc-one-page"))).styles["Normal"]
    untouched = docx.Document(str(printed.docx("minimal"))).styles["Normal"]
    assert normal.paragraph_format.line_spacing < untouched.paragraph_format.line_spacing


def test_a_budget_spacing_meets_keeps_the_type_size(printed):
    # six pages on Letter as written, five with its spacing tightened: its type keeps
    # its size (the search takes the least tightening, spacing before type)
    theme = load_templates().theme
    assert pdf_pages(printed.pdf("pv-vendors-budget")) == 5
    assert pdf_body_size(printed.pdf("pv-vendors-budget")) == theme.sizes.body
    assert pdf_body_size(printed.pdf("cmo-cdmo-cro")) == theme.sizes.body  # untightened


def test_over_budget_fails_naming_what_spilled(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = (DATA / "forty-checks.yaml").read_text(encoding="utf-8")
    (tmp_path / "checks.yaml").write_text(text.replace("sections:", "handout: {pages: 1}\n"
                                                       "sections:"), encoding="utf-8")
    budget_line = text.splitlines().index("sections:") + 1
    result = cli("build", "checks.yaml")
    assert result.exit_code == 1
    first, second = result.stderr.splitlines()[:2]
    # 3 pages: its rows, then its document-control block
    spilled = re.match(r"checks\.yaml:(\d+):\d+: error: “(.+)” spilled onto page 2: the "
                       r"guide takes 3 pages even at the tightest spacing and type sizes",
                       first)
    assert spilled and spilled.group(2) == "The forty checks"  # its rows ran over
    assert text.splitlines()[int(spilled.group(1)) - 1].strip().startswith("- criterion:")
    assert first.endswith("its page budget (handout.pages) is 1 page; shorten it, or allow "
                          "more pages")
    assert second == f"checks.yaml:{budget_line}:18: error: the page budget of 1 is set here"
    assert not (tmp_path / "output").exists()
    result = cli("build", "checks.yaml", "--pages", "3", "-f", "pdf")  # the option wins
    assert result.exit_code == 0 and "(3 pages," in result.stdout


def test_no_libreoffice_page_ends_with_a_heading(printed):
    for stem in STEMS:
        path = printed.libreoffice(stem)
        headings = [text for tag, text in docx_structure(printed.docx(stem))
                    if tag.startswith("H")]
        pages, texts = pdf_pages(path), pdf_page_texts(path)
        for page in range(1, pages):
            lines = [line.strip() for line in texts[page - 1].splitlines() if line.strip()]
            body = [line for line in lines if not line.startswith("Page ")][:-1]  # footer
            last = body[-1]
            assert not any(heading.endswith(last) for heading in headings), (stem, page)


def test_the_word_file_hyphenates_but_not_its_headings(printed):
    # where the layout put optional hyphens, and no heading style hyphenates on its own
    path = printed.docx("acht-dienstleister")
    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
    assert "<w:softHyphen/>" in body
    for style in ("Title", "Heading1", "Heading2"):
        definition = styles.split(f'w:styleId="{style}"')[1].split("</w:style>")[0]
        assert "<w:suppressAutoHyphens/>" in definition
    # the PDF prints hyphens too (pypdf reads the glyphs drawn, not the words said)
    assert "\u2010" in "".join(pdf_glyph_texts(printed.pdf("acht-dienstleister")))


def test_bare_web_addresses_are_links_in_every_format(printed):
    url = "https://intranet.example.org/quality/suppliers/approved-excipients"
    links = [annotation.get_object()["/A"]["/URI"]
             for page in PdfReader(printed.pdf("excipients")).pages
             for annotation in page.get("/Annots", [])
             if "/A" in annotation.get_object()]
    assert url in links
    word = docx.Document(str(printed.docx("excipients")))
    assert url in [rel.target_ref for rel in word.part.rels.values() if rel.is_external]
    html = (printed.folder / "excipients.html").read_text(encoding="utf-8")
    assert f'<a href="{url}"><span class="url-host">https://intranet.example.org</span>' in html
    lines = pdf_text(printed.pdf("excipients")).splitlines()
    assert any("https://intranet.example.org/" in line for line in lines)  # host unbroken


def test_the_control_block_is_a_borderless_table_with_a_column_per_value(printed):
    word = docx.Document(str(printed.docx("acht-dienstleister")))
    control = next(t for t in word.tables if t.style.name == "Control Block")
    fields = next(b for b in document_of(guidegen.load(DATA / "acht-dienstleister.yaml"))
                  .walk() if isinstance(b, Fields))
    assert [c.text for c in control.rows[0].cells] == [label for label, _ in fields.items]
    assert [c.text for c in control.rows[1].cells] == [value for _, value in fields.items]
    assert control.rows[1].cells[3].text == "Leitung Qualitätssicherung (Sachkundige Person)"
    widths = [column.width for column in control.columns]
    assert widths[3] > widths[1]  # each column as wide as its value needs
    assert "w:tblBorders" not in control._tbl.xml.split("<w:tr")[0] or \
        'w:val="single"' not in control._tbl.xml.split("<w:tr")[0]


def test_a_docx_built_alone_is_fitted_as_with_the_pdf(printed, tmp_path):
    guidegen.build([str(DATA / "qa-qc-one-page.yaml")], guidegen.BuildOptions(
        out=tmp_path, force=True, paper=paper_of(printed), formats=("docx",)))
    assert (tmp_path / "qa-qc-one-page.docx").read_bytes() == \
        printed.docx("qa-qc-one-page").read_bytes()
    assert not (tmp_path / "qa-qc-one-page.pdf").exists()
