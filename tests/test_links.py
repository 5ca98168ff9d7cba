"""Links on paper: a printed page says where each link goes (theme: print_link_addresses),
read back from the PDF (poppler), the DOCX (python-docx) and the HTML."""

from __future__ import annotations

import docx

from guidegen.content.loader import load
from guidegen.errors import collect_warnings
from guidegen.theme import load_templates
from guidegen.tree import Link, Paragraph, Span, plain_text

from .conftest import DATA, document_of, write_yaml
from .readers import normalize, pdf_text

FIXTURE = DATA / "further-reading.yaml"
READING = [
    "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-A/part-11",
    "https://health.ec.europa.eu/system/files/2016-11/annex11_01-2011_en_0.pdf",
    "https://www.who.int/publications/m/item/annex-4-trs-1033",
    "https://www.fda.gov/media/119267/download",
    "https://ispe.org/publications/guidance-documents/gamp-5-guide-2nd-edition",
    "https://www.gov.uk/government/publications/guidance-on-gxp-data-integrity",
    "https://picscheme.org/docs/publications/PI-041-1-Guidance-on-Data-Integrity.pdf",
    "https://intranet.example.org/training/data-integrity",
    "data.integrity@example.org",
]
HANDBOOK = ("https://example.sharepoint.com/sites/QualityAssurance/Shared%20Documents/Forms/"
            "AllItems.aspx?id=%2Fsites%2FQualityAssurance%2FShared%20Documents%2FTraining%2F"
            "Data%20Integrity%2FDI-Handbook-v3.pdf")


def laid_out(tmp_path, mode: str | None = None):
    templates = None
    if mode is not None:
        folder = tmp_path / f"templates-{mode}"
        folder.mkdir()
        write_yaml(folder, "theme.yaml", f"print_link_addresses: {mode}\n")
        templates = load_templates(folder)
    with collect_warnings() as said:
        document = document_of(load(FIXTURE), templates=templates)
    return document, said


def notes(document) -> list[str]:
    return [plain_text(block.inlines) for block in document.walk()
            if isinstance(block, Paragraph) and block.role == "link-note"]


def spans(document, role: str) -> list[str]:
    found: list[str] = []

    def visit(nodes):
        for node in nodes:
            if isinstance(node, Span) and node.role == role:
                found.append(plain_text(node.children).replace("\u00a0", " ").strip())
                continue  # (a printed address's text is in the role again)
            visit(getattr(node, "children", ()))

    for block in document.walk():
        if getattr(block, "role", None) == "link-note":
            continue  # a note's own number
        visit(getattr(block, "inlines", ()))
        for row in (getattr(block, "head", ()), *getattr(block, "rows", ())):
            for cell in row:
                visit(cell.inlines)
    return found


def test_by_default_a_few_links_print_their_address_after_them_and_a_list_gets_endnotes(tmp_path):
    document, said = laid_out(tmp_path)
    after = spans(document, "link-address")
    assert after == ["(https://www.gov.uk/government/publications/guidance-on-gxp-data-integrity)",
                     "(https://picscheme.org/docs/publications/"
                     "PI-041-1-Guidance-on-Data-Integrity.pdf)"]
    # the matrix cell's link (a column is too narrow for its address), the handbook's
    # (its address would take more than a line) and the nine of "Further reading" are
    # numbered, each section's notes at its end
    assert notes(document) == ["[1] https://intranet.example.org/it/access-review",
                               f"[1] {HANDBOOK}",
                               *(f"[{n}] {address}" for n, address in enumerate(READING, 1))]
    assert spans(document, "link-ref") == ["[1]", "[1]", *(f"[{n}]" for n in range(1, 10))]
    # a bare address and the printed addresses are links themselves, printed as they are
    assert not any("intranet.example.org/qa/sop" in text for text in after)
    assert not said


def test_none_prints_no_address_and_says_so_where_each_link_is(tmp_path):
    document, said = laid_out(tmp_path, "none")
    assert spans(document, "link-address") == spans(document, "link-ref") == notes(document) == []
    hints = [str(problem) for problem in said]
    assert len(hints) == 13 and all(": hint: the address of the link" in h for h in hints)
    assert any("further-reading.yaml:15:" in h and "“MHRA guidance”" in h for h in hints)


def test_endnotes_number_every_sections_links_and_after_never_numbers_outside_tables(tmp_path):
    document, _ = laid_out(tmp_path, "endnotes")
    assert spans(document, "link-address") == []
    assert notes(document)[:2] == [
        "[1] https://www.gov.uk/government/publications/guidance-on-gxp-data-integrity",
        "[2] https://picscheme.org/docs/publications/PI-041-1-Guidance-on-Data-Integrity.pdf"]
    after, _ = laid_out(tmp_path, "after")
    assert len(spans(after, "link-address")) == 12  # the handbook's too: the theme said so
    assert notes(after) == ["[1] https://intranet.example.org/it/access-review"]


def test_the_pdf_and_the_word_file_print_the_addresses_and_the_web_page_hides_them(a4):
    pdf = normalize(pdf_text(a4.path("further-reading", "pdf")))
    word = docx.Document(str(a4.path("further-reading", "docx")))
    text = normalize("\n".join(p.text for p in word.paragraphs))
    for address in READING:
        assert f"] {address}" in pdf and f"] {address}" in text
    assert "MHRA guidance (https://www.gov.uk/government/publications/" in pdf
    assert "MHRA guidance (https://www.gov.uk/government/publications/" in text
    assert "Questions: the data integrity team [9]" in pdf
    styles = {p.style.name for p in word.paragraphs if "] https://" in p.text}
    assert styles == {"Link Note"}
    html = (a4.folder / "further-reading.html").read_text(encoding="utf-8")
    assert 'class="link-address"' in html and 'class="link-note"' in html
    assert ".link-address, .link-ref, .link-note { display: none; }" in html
    links = [node.href for block in document_of(load(FIXTURE)).walk()
             for node in getattr(block, "inlines", ()) if isinstance(node, Link)]
    assert links  # the notes are links too: a reader of the PDF may still click them
