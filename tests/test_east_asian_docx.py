"""A Japanese Word file as a word processor reads it: Latin acronyms whole and the size of
the Japanese text around them (LibreOffice, python-docx)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pypdf
import pytest
from docx.oxml.ns import qn

import guidegen
from guidegen import BuildOptions

from .conftest import ROOT, build_logged, once_per_run
from .readers import libreoffice_pdfs, page_starts, pdf_pages, pdf_text
from .test_page_balance import text_area
from .test_pdf import pdfinfo

STEM = "nihon-itaku"  # a Japanese guide full of Latin acronyms (CDMO, GMP, eQMS, LIMS)
PAPERS = ("a4", "letter")


def test_latin_text_is_english_and_japanese_text_japanese(a4):
    word = docx.Document(str(a4.path(STEM, "docx")))
    defaults = word.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert (defaults.get(qn("w:val")), defaults.get(qn("w:eastAsia"))) == ("en-US", "ja")
    assert word.core_properties.language == "ja"


def test_libreoffice_breaks_no_acronym_between_its_letters(a4, a4_libreoffice):
    # with Latin text marked Japanese, LibreOffice broke "G|MP" at a line end as it
    # breaks between any two Japanese characters
    text = pdf_text(a4_libreoffice[STEM])
    for acronym in ("CDMO", "GMP", "GQP", "LIMS", "eQMS", "OOS", "SDV", "EDC", "TMF"):
        assert acronym in text
        assert not any(re.search(rf"{acronym[:n]}\s*\n\s*{acronym[n:]}", text)
                       for n in range(1, len(acronym))), acronym


def test_latin_letters_are_drawn_in_the_japanese_font_as_in_the_pdf(a4, a4_libreoffice):
    # the PDF draws a Japanese guide's Latin letters and digits in the Japanese font (a
    # Latin font's look small beside it); Word's styles name that font, as the PDF does,
    # for Latin text too (LibreOffice drew them in DejaVu Sans for the Yu Gothic it lacks),
    # and Word's Japanese font for Japanese text
    from guidegen.theme import load_templates

    japanese = load_templates().styles.theme.scripts.japanese
    word = docx.Document(str(a4.path(STEM, "docx")))
    fonts = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == japanese.family
    assert fonts.get(qn("w:eastAsia")) == japanese.word
    ours, theirs = latin_faces(a4.path(STEM, "pdf")), latin_faces(a4_libreoffice[STEM])
    assert ours == theirs == {squeezed(japanese.family)}, (ours, theirs)


def squeezed(family: str) -> str:
    """Return ``family`` as one lower-case word ("Noto-Sans-CJK-JP": "notosanscjkjp")."""
    return re.sub(r"[^a-z]", "", family.lower())


def latin_faces(path: Path) -> set[str]:
    """Return the families that draw the Latin letters and digits of PDF ``path``."""
    faces: set[str] = set()

    def seen(text, _matrix, _text_matrix, font, _size):
        if font is not None and any(c.isascii() and c.isalnum() for c in text):
            name = str(font.get("/BaseFont", "")).split("+")[-1]
            faces.add(squeezed(re.sub(r"-(Bold|Regular)\b.*", "", name)))

    for page in pypdf.PdfReader(path).pages:
        page.extract_text(visitor_text=seen)
    return faces


# -- the default guide in Japanese: the PDF's pages in LibreOffice -------------------------

@pytest.fixture(scope="module")
def japanese(translated, japanese_libreoffice, tmp_path_factory):
    """Return, by paper, the Japanese default guide's PDF, LibreOffice's PDF of its DOCX and
    the warnings of the build that made them.

    On A4 the session's (``translated``, built on the theme's A4: the same bytes as the
    guide built alone on A4; its warnings are the German guide's too), on Letter built
    once per test run.
    """
    def make(folder: Path) -> tuple[Path, Path, list[str]]:
        shutil.copytree(ROOT / "content", folder / "content")
        guide = folder / "content" / "cmo-cdmo-cro.ja.yaml"
        built = build_logged(folder, [guide], content=folder / "content", paper="letter",
                             root=folder, formats=("pdf", "docx"))
        document = built.path(guide.stem, "docx")
        return built.path(guide.stem, "pdf"), libreoffice_pdfs(
            [document], folder / "lo-letter", folder / "profile")[document], built.problems

    a4 = translated.path("cmo-cdmo-cro.ja", "pdf")
    assert "(A4)" in pdfinfo(a4)["Page size"]
    return {"a4": (a4, japanese_libreoffice, translated.problems),
            "letter": once_per_run(tmp_path_factory, "japanese-default-guide-letter", make)}


def test_word_sets_no_gap_between_japanese_and_latin_text(a4):
    # the PDF sets none where Japanese characters meet Latin letters or digits; Word's
    # default would ("2026 年 11 月"): the document's paragraphs turn it off
    word = docx.Document(str(a4.path(STEM, "docx")))
    paragraph = word.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault"))
    assert [(child.tag, child.get(qn("w:val"))) for child in paragraph[0]][:2] == [
        (qn("w:autoSpaceDE"), "0"), (qn("w:autoSpaceDN"), "0")]


@pytest.mark.parametrize("paper", PAPERS)
def test_libreoffice_keeps_the_control_tables_dates_whole(japanese, paper):
    # LibreOffice sets its gaps whatever the DOCX says, and draws the digits in its
    # fallback font: the date column is as wide as that needs (it wrapped "2026年11月24 / 日")
    pdf, converted, _ = japanese[paper]
    date, wrapped = re.compile(r"2026 ?年 ?11 ?月 ?24 ?日"), re.compile(r"\d\s*\n\s*日")
    ours, theirs = pdf_text(pdf), pdf_text(converted)
    assert not wrapped.search(theirs), theirs
    assert len(date.findall(theirs)) >= len(date.findall(ours)) >= 4, theirs  # footers too


@pytest.mark.parametrize("paper", PAPERS)
def test_libreoffice_lays_the_japanese_guide_out_on_the_pdf_s_pages(japanese, paper):
    # two pages, each starting with the PDF's words: on A4 once the control block's dates
    # no longer wrapped; on Letter once LibreOffice drew Latin text and digits in the PDF's
    # Japanese font, not DejaVu Sans (wider: the comparison heading went to a third page)
    pdf, converted, _ = japanese[paper]
    top, bottom = text_area()
    assert pdf_pages(converted) == pdf_pages(pdf) == 2
    assert page_starts(converted, top, bottom) == page_starts(pdf, top, bottom)


def test_the_pdf_s_control_tables_are_as_wide_as_the_text(japanese):
    # as the DOCX's: each table's last column starts where its share of the text's width
    # puts it (sized by their Japanese text, they were 70-80 per cent of the width)
    from guidegen.layout.widths import POINTS_PER_MM, text_widths
    from guidegen.theme import load_templates

    styles = load_templates().styles
    left, width = styles.theme.margins.left * POINTS_PER_MM, text_widths(styles.theme)[0]
    words = dict((word, float(x)) for x, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>',
        pdf_text(japanese["a4"][0], "-bbox")))
    for role, head in (("approvals", "承認の意味"), ("history", "承認者")):
        look = styles.tables[role]
        start = left + (1 - look.columns[-1]) * width + look.padding_horizontal
        assert abs(words[head] - start) < 1, (role, words[head], start)


# a sentence full of seams between digits and Japanese text ("2026年4月1日"): LibreOffice
# sets a gap at each (a fifth of an em), the PDF none
DATED = ("2026年4月1日から2027年3月31日までに第1四半期は12件、第2四半期は34件、"
         "第3四半期は5件でした。")
RUNS_OVER = "page 1 may run over in LibreOffice"


def japanese_guide(folder: Path, sentences: int) -> Path:
    """Return the Japanese default guide (not as a translation), its introduction
    lengthened by ``sentences`` dated sentences."""
    text = (ROOT / "content" / "cmo-cdmo-cro.ja.yaml").read_text(encoding="utf-8")
    text = text[:text.index("translation_of:")] + text[text.index("guide:"):]
    end = "並べて比較してみましょう。"
    assert end in text
    path = folder / f"dated-{sentences}.yaml"
    path.write_text(text.replace(end, end + DATED * sentences, 1), "utf-8")
    return path


def built_with_warnings(path: Path, paper: str, formats: tuple[str, ...]) -> list[str]:
    """Build ``path`` on ``paper``; return the messages of the warnings it gave."""
    from guidegen.errors import collect_warnings

    with collect_warnings() as found:
        guidegen.build([path], BuildOptions(out=path.parent / "out", force=True, paper=paper,
                                            formats=formats, allow_draft=True))
    return [problem.message for problem in found]


def test_a_page_libreoffice_s_gaps_push_over_is_warned_of(tmp_path):
    # the PDF fills page 1 to its foot; LibreOffice's gaps make the introduction's
    # paragraph a line longer, and its page 1 runs over (3 pages, not 2): the build
    # warns at that page ("never silently"). Three such sentences leave room: no warning,
    # and LibreOffice keeps the PDF's pages
    for sentences, warned in ((5, True), (3, False)):
        path = japanese_guide(tmp_path, sentences)
        warnings = built_with_warnings(path, "a4", ("pdf", "docx"))
        assert any(RUNS_OVER in message for message in warnings) == warned, warnings
        pdf, document = (tmp_path / "out" / f"{path.stem}.{ext}" for ext in ("pdf", "docx"))
        converted = libreoffice_pdfs([document], tmp_path / "lo", tmp_path / "profile")[document]
        top, bottom = text_area()
        same = pdf_pages(converted) == pdf_pages(pdf) and \
            page_starts(converted, top, bottom) == page_starts(pdf, top, bottom)
        assert same != warned, (sentences, pdf_pages(pdf), pdf_pages(converted))


@pytest.mark.parametrize("paper", PAPERS)
def test_no_gap_warning_where_libreoffice_keeps_the_pdf_s_pages(japanese, paper, request):
    # the Japanese default guide (whose LibreOffice pages are the PDF's: above) and a
    # Japanese guide full of Latin acronyms (whose are too: test_page_balance) are not
    # warned of: the session's builds of them, the latter among every fixture (a4, letter)
    fixtures = request.getfixturevalue(paper)
    assert (STEM, "pdf") in fixtures.outputs
    for warnings in (japanese[paper][2], fixtures.problems):
        assert not any("LibreOffice" in message for message in warnings), warnings
