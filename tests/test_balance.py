"""Titles, subtitles and headings that wrap end on a full line, in the PDF and in Word.

Long titles as teams write them, in English, German and Japanese, on A4 and Letter:
poppler reads the PDF's lines (``pdftotext -bbox-layout``) and LibreOffice's rendering
of the DOCX; neither ends such a text with one word (Japanese: fewer than three
characters) alone on its last line, and both break it into the same lines.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from guidegen.content.loader import load
from guidegen.readers import import_guide
from guidegen.tree import Heading, Paragraph, Span, Text, walk

from .conftest import (
    DATA,
    DEFAULT_GUIDE,
    Built,
    build_logged,
    document_of,
    once_per_run,
    write_yaml,
)
from .readers import _EAST_ASIAN, libreoffice_pdfs, pdf_text

GUIDES = {
    "en": """
guide:
  title: "Working with Contract Manufacturers, Development Partners and Research
    Organisations: A Practical Guide"
  subtitle: How quality assurance, regulatory affairs and supply chain teams divide the
    work with outside partners
  language: en
intro: Most of our products are made, packed or tested by a partner.
subjects:
  - id: cmo
    short: CMO
    name: Contract Manufacturing Organisations and Their Quality Agreements Explained
    summary: A CMO makes the product to our process, under our quality agreement.
  - id: cro
    short: CRO
    name: Contract Research Organisations
    summary: A CRO runs clinical studies on our behalf.
comparisons:
  - kind: matrix
    title: Responsibilities for batch release, deviations and supplier qualification audits
    rows:
      - criterion: Certifies the batch
        values: {cmo: no, cro: no}
""",
    "de": """
guide:
  title: "Lohnhersteller, Entwicklungsdienstleister und Auftragsforschungsinstitute: ein
    praktischer Leitfaden"
  subtitle: Wie Qualitätssicherung, Arzneimittelzulassung und Lieferkettenmanagement die
    Verantwortung teilen
  language: de
intro: Die meisten unserer Produkte werden bei Partnern hergestellt oder geprüft.
subjects:
  - id: cmo
    short: CMO
    name: Lohnhersteller und ihre Qualitätssicherungsvereinbarungen im Überblick
    summary: Ein Lohnhersteller fertigt nach unserem Verfahren.
  - id: cro
    short: CRO
    name: Auftragsforschungsinstitute
    summary: Ein Auftragsforschungsinstitut führt klinische Prüfungen durch.
comparisons:
  - kind: matrix
    title: Verantwortung für Chargenfreigabe, Abweichungsmanagement und
      Lieferantenqualifizierung
    rows:
      - criterion: Zertifiziert die Charge
        values: {cmo: no, cro: no}
""",
    "ja": """
guide:
  title: 委託先管理の基本：医薬品製造受託機関・開発製造受託機関・開発業務受託機関との付き合い方
  subtitle: 品質保証部門・薬事部門・サプライチェーン部門の新任者のためのハンドブック
  language: ja
intro: 当社の製品の多くは委託先で製造・試験されています。
subjects:
  - id: cmo
    short: CMO
    name: 医薬品製造受託機関と品質取決め書の基本的な考え方について
    summary: CMOは当社の工程に従い製品を製造します。
  - id: cro
    short: CRO
    name: 医薬品開発業務受託機関
    summary: CROは治験を受託します。
comparisons:
  - kind: matrix
    title: 出荷判定・逸脱管理・供給者の適格性評価に関する責任の分担
    rows:
      - criterion: 出荷判定を行う
        values: {cmo: no, cro: no}
""",
}
# the texts that wrap, as each guide prints them
WRAPPED = {
    "en": ["Working with Contract Manufacturers, Development Partners and Research "
           "Organisations: A Practical Guide",
           "How quality assurance, regulatory affairs and supply chain teams divide the work "
           "with outside partners",
           "Contract Manufacturing Organisations and Their Quality Agreements Explained (CMO)"],
    "de": ["Lohnhersteller, Entwicklungsdienstleister und Auftragsforschungsinstitute: ein "
           "praktischer Leitfaden",
           "Wie Qualitätssicherung, Arzneimittelzulassung und Lieferkettenmanagement die "
           "Verantwortung teilen",
           "Lohnhersteller und ihre Qualitätssicherungsvereinbarungen im Überblick (CMO)"],
    "ja": ["委託先管理の基本：医薬品製造受託機関・開発製造受託機関・開発業務受託機関との付き合い方",
           "医薬品製造受託機関と品質取決め書の基本的な考え方について（CMO）"],
}
PAPERS = ("a4", "letter")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Built, dict[str, Path]]]:
    """Return each paper's build of the guides, and LibreOffice's PDF of each DOCX."""

    def make(folder: Path) -> dict[str, tuple[Built, dict[str, Path]]]:
        guides = [write_yaml(folder, f"long-{tag}.yaml", text) for tag, text in GUIDES.items()]
        found = {}
        for paper in PAPERS:
            done = build_logged(folder / paper, guides, paper=paper, formats=("pdf", "docx"),
                                jobs=1)  # in this process: less CPU than a pool, same bytes
            documents = [done.path(guide.stem, "docx") for guide in guides]
            converted = libreoffice_pdfs(documents, folder / paper / "lo",
                                         folder / "profile")
            found[paper] = (done, {d.stem: pdf for d, pdf in converted.items()})
        return found

    return once_per_run(tmp_path_factory, "balance", make)


def lines(pdf: Path) -> list[str]:
    """Return the PDF's lines of text, as poppler finds them, Japanese without spaces."""
    found = []
    for line in re.findall(r"<line [^>]*>(.*?)</line>", pdf_text(pdf, "-bbox-layout"), re.S):
        text = ""
        for word in (html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", line)):
            joined = re.search(f"{_EAST_ASIAN}$", text) or re.match(_EAST_ASIAN, word)
            text += word if joined or not text else " " + word
        found.append(text)
    return found


def wrapped(found: list[str], text: str) -> list[str]:
    """Return the consecutive lines of ``found`` that print ``text``."""
    flat = text.replace(" ", "")
    for start in range(len(found)):
        joined = ""
        for end in range(start, len(found)):
            joined += found[end].replace(" ", "")
            if joined == flat:
                return found[start:end + 1]
            if not flat.startswith(joined):
                break
    raise AssertionError(f"{text!r} not printed in {found}")


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("tag", list(GUIDES))
def test_no_text_that_wraps_ends_with_a_word_alone(built, tag, paper):
    done, libreoffice = built[paper]
    pdf, word = lines(done.path(f"long-{tag}", "pdf")), lines(libreoffice[f"long-{tag}"])
    for text in WRAPPED[tag]:
        printed = wrapped(pdf, text)
        assert len(printed) >= 2, printed  # it wraps: the test says something
        last = printed[-1]
        if tag == "ja":
            assert len(last) >= 3, printed
        else:
            assert len(last.split()) >= 2, printed
        assert wrapped(word, text) == printed  # Word's lines are the PDF's


def test_a_title_on_one_line_is_left_as_it_is():
    title = document_of(load(DATA / "minimal.yaml")).blocks[0].children[0]
    assert title.text == "Alpha vs Beta"  # no no-break space


def test_the_default_guides_title_ends_with_its_last_three_words(a4, a4_libreoffice):
    """The issue's "…A Comprehensive / Guide": now balanced, in the PDF and in Word."""
    printed = wrapped(lines(a4.path(DEFAULT_GUIDE.stem, "pdf")),
                      "CMO vs CDMO vs CRO: A Comprehensive Guide")
    assert printed == ["CMO vs CDMO vs CRO:", "A Comprehensive Guide"]
    assert wrapped(lines(a4_libreoffice[DEFAULT_GUIDE.stem]),
                   "CMO vs CDMO vs CRO: A Comprehensive Guide") == printed


def test_the_layout_marks_the_last_line_every_format_keeps(tmp_path):
    document = document_of(load(write_yaml(tmp_path, "ja.yaml", GUIDES["ja"])), "ja")
    title, subtitle = document.blocks[0].children[:2]
    assert isinstance(title, Heading)
    before, last = title.lines
    assert before + last == title.text and 3 <= len(last) < len(title.text) / 2
    # the subtitle fits on one line: nothing kept; a short heading neither
    assert all(isinstance(node, Text) for node in subtitle.inlines)
    short = [b for b in walk(document.blocks) if isinstance(b, Heading)
             and b.text == "医薬品開発業務受託機関（CRO）"]
    assert short and short[0].last_line == 0
    english = document_of(load(write_yaml(tmp_path, "en.yaml", GUIDES["en"])))
    subtitle = english.blocks[0].children[1]
    assert isinstance(subtitle, Paragraph) and subtitle.inlines[-1] == Span(
        "last-line", (Text("chain teams divide the work with outside partners"),))


@pytest.mark.parametrize("tag", list(GUIDES))
def test_import_reads_a_balanced_text_back_as_written(built, tag, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = built["a4"][0]
    imported = load(import_guide(done.path(f"long-{tag}", "docx"), tmp_path / "g.yaml").guide)
    source = load(done.folder.parent / f"long-{tag}.yaml")
    assert imported.guide.title == source.guide.title
    assert imported.guide.subtitle == source.guide.subtitle
    assert [s.name for s in imported.subjects] == [s.name for s in source.subjects]
    assert imported.comparisons[0].title == source.comparisons[0].title
