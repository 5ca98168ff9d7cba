"""Page balance over the whole document, read back with poppler from the PDF and from
LibreOffice's rendering of the DOCX, on A4 and US Letter.

No page is near-empty (but one left blank on purpose), and no table is split across
pages with fewer than the theme's ``table_min_rows`` rows on a side: the fixtures in
tests/data include an eight-row matrix that, as written, starts at the foot of a page.
The preflight warns where a layout still breaks either rule. LibreOffice's pages of the
DOCX start with the same words as the PDF's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import guidegen
from guidegen.theme import load_templates

from .conftest import (
    DATA,
    DEFAULT_GUIDE,
    GOOD_FIXTURES,
    comparisons_heading,
    document_of,
    write_yaml,
)
from .readers import (
    dehyphenate,
    page_starts,
    page_words,
    pdf_page_texts,
    pdf_pages,
    pdf_text,
)

PAPERS = ("a4", "letter")
STEMS = [path.stem for path in GOOD_FIXTURES]
MM = 72 / 25.4  # points in a millimetre


@pytest.fixture(scope="module", params=PAPERS)
def printed(request):
    """Return, on each paper, the fixtures' PDFs and LibreOffice's PDFs of their DOCX."""
    paper = request.param
    built = request.getfixturevalue(paper)
    converted = request.getfixturevalue(f"{paper}_libreoffice")
    return {stem: (built.folder / f"{stem}.pdf", converted[stem]) for stem in STEMS}


def page_fills(pdf: Path) -> list[float]:
    """Return how much of each page's text area its words reach down to, from pdftotext."""
    top, bottom = text_area()
    return [(max((end for _, _, end, _ in words), default=top) - top) / (height - top - bottom)
            for height, words in page_words(pdf, top, bottom)]


def text_area() -> tuple[float, float]:
    """Return the theme's top and bottom margins in points: where a page's text area is."""
    margins = load_templates().theme.margins
    return margins.top * MM, margins.bottom * MM


@pytest.mark.parametrize("stem", STEMS)
def test_no_page_is_near_empty(printed, stem):
    # every page but the last at least fit.page (40 per cent) full, the last 15
    least = load_templates().theme.fit.page / 100
    for pdf in printed[stem]:
        fills = page_fills(pdf)
        assert len(fills) == pdf_pages(pdf)
        assert all(fill >= least for fill in fills[:-1]), (pdf, fills)
        assert fills[-1] >= 0.15, (pdf, fills)


@pytest.mark.parametrize("stem", STEMS)
def test_libreoffice_starts_every_page_with_the_pdfs_words(printed, stem):
    # the DOCX keeps the PDF's pages: the same count, and each page's text area starts
    # with the same words in LibreOffice as in the PDF
    pdf, converted = printed[stem]
    top, bottom = text_area()
    assert pdf_pages(converted) == pdf_pages(pdf)
    # a line may wrap a word sooner in one (a Japanese title has no spaces to count
    # words by): one page's first line starts the other's
    for ours, theirs in zip(page_starts(pdf, top, bottom), page_starts(converted, top, bottom),
                            strict=True):
        assert ours.startswith(theirs) or theirs.startswith(ours), (pdf, ours, theirs)
        assert bool(ours) == bool(theirs), (pdf, ours, theirs)  # text, or a blank page


def test_a_table_s_intro_starts_the_page_the_table_starts(printed):
    # the forty checks' heading, title and intro do not stay at a page foot while their
    # matrix goes to the next page: the intro keeps to the table (keep_intro), as in Word
    for pdf in printed["forty-checks"]:
        texts = pdf_page_texts(pdf)
        pages = [texts[n - 1] for n in range(1, pdf_pages(pdf) + 1)]
        intro = next(n for n, text in enumerate(pages) if "Leads: the department" in text)
        table = next(n for n, text in enumerate(pages) if "Approved supplier" in text)
        assert intro == table, (pdf, intro, table)


def matrices(stem: str) -> list[list[str]]:
    """Return the criteria of each matrix of fixture ``stem``, as its YAML has them."""
    path = DEFAULT_GUIDE if stem == DEFAULT_GUIDE.stem else DATA / f"{stem}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [[row["criterion"] for row in dimension["rows"]]
            for dimension in data.get("comparisons", []) if dimension.get("kind") == "matrix"]


def squeezed(text: str) -> str:
    """Return ``text`` without white space, line-end hyphens or Markdown marks."""
    return re.sub(r"[\s*`\u00ad]", "", dehyphenate(text))


def rows_per_page(pdf: Path, criteria: list[str]) -> list[int]:
    """Return the page each criterion (a matrix row) is printed on, from pdftotext.

    A row is a line (in poppler's layout) whose first column is its criterion, or the
    start of it where the criterion wraps in its cell; the prose around a table may name
    a criterion too, but not as a column of its own. Rows are found in order, each on
    its page or a later one.
    """
    texts = pdf_page_texts(pdf, "-layout")
    pages = [[squeezed(re.split(r"\s{2,}", line.strip())[0]).rstrip("-\u2010")
              for line in texts[n - 1].splitlines()]
             for n in range(1, pdf_pages(pdf) + 1)]
    found, page = [], 0
    for criterion in criteria:
        whole = squeezed(criterion)
        page = next(n for n in range(page, len(pages)) if any(
            len(first) >= min(6, len(whole)) and whole.startswith(first)
            for first in pages[n]))
        found.append(page + 1)
    return found


def test_every_fixture_has_a_matrix_this_file_reads():
    assert sum(len(matrices(stem)) for stem in STEMS) >= len(STEMS) - 1


@pytest.mark.parametrize("stem", STEMS)
def test_no_table_is_split_with_fewer_than_three_rows_on_a_side(printed, stem):
    least = load_templates().theme.table_min_rows
    assert least == 3
    for pdf in printed[stem]:
        for criteria in matrices(stem):
            pages = rows_per_page(pdf, criteria)
            if pages[0] != pages[-1]:  # split: enough rows on its first and last page
                assert pages.count(pages[0]) >= least, (pdf, pages)
                assert pages.count(pages[-1]) >= least, (pdf, pages)


def test_the_table_at_a_page_foot_keeps_three_rows_together(printed):
    # as written, its matrix starts at the foot of page 1 on both papers: on Letter with
    # room for the header and one row (see the next test), which is not enough
    for pdf in printed["deviation-change-capa"]:
        (criteria,) = matrices("deviation-change-capa")
        pages = rows_per_page(pdf, criteria)
        assert pages.count(pages[0]) >= 3 and pages.count(pages[-1]) >= 3


def laid_with(guide: Path, paper: str, min_rows: int, tmp_path: Path):
    """Return the laid-out PDF pages of ``guide`` with ``table_min_rows: min_rows``."""
    from guidegen.common.language import Language
    from guidegen.renderers import RenderContext
    from guidegen.renderers.pdf import laid_out, prepare_layout

    folder = tmp_path / f"templates-{min_rows}"
    folder.mkdir()
    write_yaml(folder, "theme.yaml", f"table_min_rows: {min_rows}\n")
    templates = load_templates(folder, paper)
    document = document_of(guidegen.load(guide), templates=templates)
    assert document.meta.language == Language.of("en-GB")
    layout = prepare_layout(document, RenderContext(templates))
    return laid_out(layout)[0], layout


def test_the_preflight_warns_of_a_table_split_with_too_few_rows(tmp_path):
    # with the rule off (table_min_rows: 1) the eight rows split 1 | 7 on Letter; the
    # preflight, asked for 3, says so at the table
    from guidegen.renderers.pdf.preflight import inspect

    guide = DATA / "deviation-change-capa.yaml"
    laid, layout = laid_with(guide, "letter", 1, tmp_path)
    warnings, _ = inspect(laid, layout.sources, layout.fallback,
                          replace(layout.limits, table_rows=3))
    split = [w for w in warnings if "split across pages" in w.message]
    assert len(split) == 1
    assert "only 1 row on its first page (1; fewer than table_min_rows, 3)" in \
        split[0].message
    line = guide.read_text(encoding="utf-8").splitlines()[split[0].location.line - 1]
    assert "kind: matrix" in line or "title: The three records" in line
    kept, kept_layout = laid_with(guide, "letter", 3, tmp_path)  # the rule on: no warning
    warnings, _ = inspect(kept, kept_layout.sources, kept_layout.fallback, kept_layout.limits)
    assert not [w for w in warnings if "split across pages" in w.message]


def test_the_preflight_warns_of_a_near_empty_page_mid_guide(tmp_path, monkeypatch):
    # a short introduction, then a matrix on landscape pages of its own: page 1 holds
    # only the title block and the subjects, about half a page; with the theme's
    # fit.page at 60 per cent the preflight names it (a last page has its own limit)
    from guidegen.errors import collect_warnings

    monkeypatch.chdir(tmp_path)
    text = (DATA / "deviation-change-capa.yaml").read_text(encoding="utf-8")
    text = re.sub(r"intro: \|\n(.*\n)*?comparisons:", "intro: Which record do you open?\n"
                  "subjects:\n"
                  "  - {id: deviation, short: Deviation, name: Deviation report,\n"
                  "     summary: Something went differently from the plan.}\n"
                  "  - {id: change, short: Change control, name: Change control request,\n"
                  "     summary: Something will change on purpose.}\n"
                  "  - {id: capa, short: CAPA, name: Corrective and preventive action,\n"
                  "     summary: It must not happen again.}\n"
                  "comparisons:", text)
    text = text.replace("    corner: Question\n", "    corner: Question\n"
                        "    orientation: landscape\n")
    write_yaml(tmp_path, "short.yaml", text)
    (tmp_path / "templates").mkdir()
    write_yaml(tmp_path / "templates", "theme.yaml", "fit: {page: 60}\n")
    with collect_warnings() as found:
        guidegen.build(["short.yaml"], guidegen.BuildOptions(
            formats=("pdf",), jobs=1, templates=tmp_path / "templates"))
    near = [w for w in found if "full (less than 60%)" in w.message]
    assert len(near) == 1 and near[0].message.startswith("page 1 is only"), \
        [str(w) for w in found]
    # it names what starts page 2 instead: the comparisons, on landscape pages
    heading = comparisons_heading(guidegen.load(tmp_path / "short.yaml"))
    assert f"“{heading}” starts page 2 instead" in near[0].message
    fills = page_fills(tmp_path / "output" / "short.pdf")
    assert fills[0] < 0.6  # what poppler reads too


def header_lines(pdf: Path, page: int) -> int:
    """Return how many lines of text poppler finds above the text area of ``page``."""
    top = load_templates().theme.margins.top * MM
    words = re.findall(r"<page (.*?)</page>", pdf_text(pdf, "-bbox"), re.S)[page - 1]
    tops = sorted({round(float(y)) for y in re.findall(r'<word [^>]*yMin="([\d.]+)"', words)
                   if float(y) < top - 2})
    return len([y for n, y in enumerate(tops) if n == 0 or y - tops[n - 1] > 3])


def test_the_preflight_warns_of_a_running_header_on_two_lines(tmp_path, monkeypatch):
    # a title as long as a committee writes it: the running header on page 2 wraps,
    # and the build says so exactly when poppler reads two lines there
    from guidegen.errors import collect_warnings

    monkeypatch.chdir(tmp_path)
    text = (DATA / "deviation-change-capa.yaml").read_text(encoding="utf-8")
    long = text.replace("Choosing the Right Quality Record", "Choosing the Right Quality "
                        "Record for Every Unplanned Event, Planned Change and Recurring "
                        "Problem on a GMP Manufacturing Site")
    write_yaml(tmp_path, "long.yaml", long)
    with collect_warnings() as found:
        guidegen.build(["long.yaml"], guidegen.BuildOptions(formats=("pdf",), jobs=1))
    wraps = [w for w in found if "wraps onto" in w.message]
    assert len(wraps) == (header_lines(tmp_path / "output" / "long.pdf", 2) > 1)
    assert header_lines(tmp_path / "output" / "long.pdf", 2) in (1, 2)
