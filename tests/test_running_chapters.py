"""The DOCX's running header names the part each page is in, as the PDF's does.

Read back with poppler from the PDF and from LibreOffice's rendering of the DOCX, every
fixture guide on A4 and US Letter: each page's header line (the title at the left, the
part at the right) is the PDF's in LibreOffice too. Word's sections carry it; a page
that starts inside a table or a paragraph cannot start one, so there the header stays
the page's before (``docs/guide-format.md``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import docx
import pytest

from guidegen.theme import load_templates

from .conftest import DEFAULT_GUIDE, GOOD_FIXTURES
from .readers import pdf_text

PAPERS = ("a4", "letter")
STEMS = [path.stem for path in GOOD_FIXTURES]
MM = 72 / 25.4


@pytest.fixture(scope="module", params=PAPERS)
def printed(request):
    """Return, on each paper, the fixtures' PDFs, DOCX and LibreOffice's PDFs of them."""
    paper = request.param
    built = request.getfixturevalue(paper)
    converted = request.getfixturevalue(f"{paper}_libreoffice")
    return {stem: (built.folder / f"{stem}.pdf", built.folder / f"{stem}.docx",
                   converted[stem]) for stem in STEMS}


def headers(pdf: Path) -> list[str]:
    """Return each page's running header: the words above the text area, without spaces."""
    top = load_templates().theme.margins.top * MM
    found = []
    for page in re.findall(r"<page (.*?)</page>", pdf_text(pdf, "-bbox"), re.S):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" '
                           r'yMax="([\d.]+)">(.*?)</word>', page)
        line = sorted((float(x), html.unescape(word)) for x, y, word in words
                      if float(y) < top)
        found.append("".join(word for _, word in line))
    return found


@pytest.mark.parametrize("stem", STEMS)
def test_every_page_says_the_part_it_is_in_as_the_pdf_does(printed, stem):
    pdf, _, converted = printed[stem]
    ours, theirs = headers(pdf), headers(converted)
    assert len(ours) == len(theirs)
    assert ours[0] == theirs[0] == ""  # the title page has none
    for page, (own, word) in enumerate(zip(ours, theirs, strict=True), 1):
        # the page before's: a page that starts inside a table or a paragraph
        assert word in (own, theirs[page - 2]), (stem, page, own, word)


@pytest.mark.parametrize("stem", [DEFAULT_GUIDE.stem, "nihon-itaku", "acht-dienstleister",
                                  "forty-checks"])
def test_the_guides_that_start_their_pages_with_blocks_say_the_pdfs_parts(printed, stem):
    pdf, document, converted = printed[stem]
    ours = headers(pdf)
    assert headers(converted) == ours
    assert all(ours[1:])  # every header says a part: the test says something
    # Word's own headers say the same (the title, a tab, the part)
    word = docx.Document(str(document))
    said = {"".join(s.header.paragraphs[0].text.split()) for s in word.sections}
    assert set(ours[1:]) <= said


def test_the_default_guides_second_page_names_its_part_in_word(printed):
    pdf, document, converted = printed[DEFAULT_GUIDE.stem]
    title = "CMO vs CDMO vs CRO: A Comprehensive Guide"
    text = docx.Document(str(document)).sections[0].header.paragraphs[0].text
    # the title, a tab, and the part page 2 is in (which part depends on the paper)
    assert text.startswith(title + "\t")
    part = text.removeprefix(title + "\t")
    assert part in ("Comparing CMO, CDMO, and CRO", "Chief Regulatory Officer (CRO)")
    assert headers(pdf)[1] == headers(converted)[1] == (title + part).replace(" ", "")
