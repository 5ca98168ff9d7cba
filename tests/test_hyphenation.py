"""Hyphenation that reads well: where words break, checked against LibreOffice's own library,
in the layout's tree, in the PDF (drawn and read back) and in the DOCX."""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import zipfile
from importlib import resources

import pytest

from guidegen.common.language import Language
from guidegen.content.loader import load
from guidegen.layout.hyphenate import SOFT_HYPHEN, Hyphenator, exceptions_for
from guidegen.layout.patterns import dictionary_name, patterns_for
from guidegen.theme import load_templates
from guidegen.tree import Cell, Table, plain_text

from .conftest import DATA, DEFAULT_GUIDE, GOOD_FIXTURES, document_of, write_yaml
from .readers import pdf_glyph_texts, pdf_text

WORDS = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]{6,}")  # Latin words, as the dictionaries hold


def hyphenated(word: str, language: str = "en") -> str:
    return Hyphenator(Language.of(language)).text(word).replace(SOFT_HYPHEN, "-")


def fixture_words(language: str) -> set[str]:
    found: set[str] = set()
    for path in GOOD_FIXTURES:
        text = path.read_text(encoding="utf-8")
        if re.search(rf"language: {language}\b", text) or (
                language == "en" and "language:" not in text.split("intro")[0]):
            found |= {word.lower() for word in WORDS.findall(text)}
    return found


class LibHyphen:
    """LibreOffice's hyphenation library (Debian's libhyphen0), through ctypes."""

    def __init__(self, name: str) -> None:
        self.lib = ctypes.CDLL(ctypes.util.find_library("hyphen") or "libhyphen.so.0")
        self.lib.hnj_hyphen_load.restype = ctypes.c_void_p
        self.lib.hnj_hyphen_load.argtypes = [ctypes.c_char_p]
        self.lib.hnj_hyphen_hyphenate3.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
            ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
            ctypes.c_int, ctypes.c_int]
        path = resources.files("pyphen.dictionaries") / f"hyph_{name}.dic"
        self.encoding = "latin-1" if path.read_bytes().startswith(b"ISO8859-1") else "utf-8"
        self.dictionary = self.lib.hnj_hyphen_load(str(path).encode())
        assert self.dictionary

    def breaks(self, word: str) -> list[int]:
        data = word.encode(self.encoding)
        hyphens = ctypes.create_string_buffer(len(data) + 5)
        rep, pos, cut = (ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p())
        self.lib.hnj_hyphen_hyphenate3(self.dictionary, data, len(data), hyphens, None,
                                       ctypes.byref(rep), ctypes.byref(pos), ctypes.byref(cut),
                                       3, 3, 0, 0)
        return [n + 1 for n in range(len(word) - 1) if hyphens.raw[n] & 1]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_patterns_are_read_as_libreoffice_reads_them(language):
    # the German dictionary has two levels (compound parts, then syllables); pyphen reads
    # them as one and breaks "Facha-rztausbildung"; this reading is libhyphen's, word
    # for word, on every word of the fixtures in that language
    name = dictionary_name(language)
    assert name is not None
    theirs = LibHyphen(name)
    ours = patterns_for(language)
    assert ours is not None
    words = sorted(fixture_words(language))
    assert len(words) > 150
    differ = [word for word in words
              if [p for p in ours.breaks(word) if 3 <= p <= len(word) - 3]
              != theirs.breaks(word)]
    assert differ == []


def test_english_of_every_country_takes_the_us_patterns():
    assert dictionary_name("en-GB") == dictionary_name("en") == "en_US"
    assert dictionary_name("de-CH") == "de_CH"
    assert dictionary_name("ja") is None


@pytest.mark.parametrize(("language", "word", "never"), [
    ("de", "Facharztausbildung", "Facha-"),
    ("de", "Vertriebspartner", "Vertrieb-s"),
    ("en-GB", "Laboratory", "Laborat-"),
    ("en-GB", "certificate", "certific-"),
    ("en", "hydroxypropyl", "hydrox-y"),  # a chemical name breaks between its parts
    ("en", "cyclodextrin", "cyclodex-"),
])
def test_the_issues_bad_breaks_are_gone(language, word, never):
    exceptions = exceptions_for(Language.of(language), load_templates().theme)
    broken = Hyphenator(Language.of(language), exceptions).text(word).replace(SOFT_HYPHEN, "-")
    assert never not in broken
    assert "-" in broken  # still hyphenated, where it reads well


@pytest.mark.parametrize(("language", "word", "broken"), [
    # US English patterns alone: "hydrox-ypropy-l-methyl…", "dimethy-laminoethyl"
    ("en", "hydroxypropylmethylcellulose", "hydroxy-propyl-methyl-cel-lu-lose"),
    ("en", "dimethylaminoethyl", "dimethyl-amino-ethyl"),
    ("en", "hydroxyethylcellulose", "hydroxy-ethyl-cel-lu-lose"),
    ("en", "polyvinylpyrrolidone", "poly-vinyl-pyrroli-done"),
    # German patterns alone: "hydro-xy-pro-py-l-me-thyl…", "dime-thyl-ami-noe-thyl"
    ("de", "Hydroxypropylmethylcellulose", "Hydro-xy-pro-pyl-me-thyl-cel-lu-lose"),
    ("de", "Dimethylaminoethyl", "Dime-thyl-ami-no-ethyl"),
    # not made of chemical parts: the patterns' breaks, as before
    ("en", "discover", "dis-cover"),
    ("en", "coconut", "coconut"),
])
def test_a_chemical_name_breaks_between_its_parts(language, word, broken):
    hyphenator = Hyphenator(Language.of(language))  # no exceptions: the rule alone
    assert hyphenator.text(word).replace(SOFT_HYPHEN, "-") == broken


def test_acronyms_names_and_short_pieces_are_never_hyphenated():
    assert hyphenated("EudraGMDP") == "EudraGMDP"
    assert hyphenated("eQMS") == "eQMS"
    assert hyphenated("PHARMACOVIGILANCE") == "PHARMACOVIGILANCE"
    assert hyphenated("Boehringer") == "Boehringer"  # a capitalised name in English
    assert hyphenated("Fachkräfteverfügbarkeit", "de") != "Fachkräfteverfügbarkeit"  # a noun
    assert hyphenated("intranet.example.org/pharmaceutical") == \
        "intranet.example.org/pharmaceutical"
    assert hyphenated("batch_manufacturing") == "batch_manufacturing"
    assert hyphenated("LOT4711manufacturing") == "LOT4711manufacturing"
    # (no exceptions: a chemical name's parts, not the patterns' "hydrox-ypropyl")
    assert hyphenated("2-hydroxypropyl-β-cyclodextrin") == "2-hydroxy-propyl-β-cyclo-dex-trin"
    for word in ("responsibilities", "pharmaceutical", "manufacturing"):
        pieces = hyphenated(word).split("-")
        assert len(pieces) > 1 and len(pieces[0]) >= 3 and len(pieces[-1]) >= 3
    # a break closer than three letters to either end is never taken ("au-dits", "ei-ther")
    assert hyphenated("audits") == "audits" and hyphenated("either") == "either"
    assert hyphenated("studies") == "stud-ies"
    assert hyphenated("vendor") == "ven-dor"


def test_an_authors_soft_hyphens_are_kept_as_they_are():
    assert Hyphenator(Language.of("en")).text(f"pharma{SOFT_HYPHEN}ceutical") == \
        f"pharma{SOFT_HYPHEN}ceutical"


def test_the_themes_exceptions_come_first_and_a_word_without_a_hyphen_never_breaks(tmp_path):
    write_yaml(tmp_path, "theme.yaml", "hyphenation_exceptions:\n"
               "  en: [phar-maceutical, manufacturing]\n  de-CH: [Qua-litätssicherung]\n")
    theme = load_templates(tmp_path).theme
    english = Hyphenator(Language.of("en-GB"), exceptions_for(Language.of("en-GB"), theme))
    assert english.text("pharmaceutical").split(SOFT_HYPHEN) == ["phar", "maceutical"]
    assert english.text("manufacturing") == "manufacturing"
    swiss = Hyphenator(Language.of("de-CH"), exceptions_for(Language.of("de-CH"), theme))
    assert swiss.text("Qualitätssicherung").split(SOFT_HYPHEN) == ["Qua", "litätssicherung"]
    german = exceptions_for(Language.of("de"), theme)
    assert "Qua-litätssicherung" not in german and "Fach-arzt-aus-bil-dung" in german


def test_a_bad_exception_is_a_located_error(tmp_path, cli):
    write_yaml(tmp_path, "theme.yaml", "hyphenation_exceptions:\n  en: [lab-o-ra-to-ry, 'x y']\n")
    result = cli("check", str(DEFAULT_GUIDE), "--templates", str(tmp_path))
    assert result.exit_code == 1
    assert "theme.yaml:2:" in result.output and "Fach-arzt-aus-bil-dung" in result.output


def cells(document, role="matrix") -> list[tuple[Table, Cell, int]]:
    """Return the cells of the ``role`` tables (the matrices: their columns fit their
    words; a control block's approvals and history are the style sheet's widths)."""
    return [(block, cell, n) for block in document.walk()
            if isinstance(block, Table) and block.role == role
            for row in (block.head, *block.rows) for n, cell in enumerate(row)]


def test_no_word_that_fits_its_column_and_no_mark_is_hyphenated_in_a_matrix():
    document = document_of(load(DATA / "acht-dienstleister.yaml"))
    found = cells(document)
    assert found
    for _table, cell, _column in found:
        if cell.role == "mark":
            assert SOFT_HYPHEN not in plain_text(cell.inlines)
    # every word of the subjects' cells fits its column: the matrix is not squeezed
    assert not any(SOFT_HYPHEN in plain_text(cell.inlines) for _, cell, column in found
                   if column)
    # the criteria column's longest words carry break points for a phone's screen, where
    # the HTML gives the column 40% of 390 px ("Qualitätssicherungsvereinbarung")
    criteria = [plain_text(cell.inlines) for _, cell, column in found if not column]
    assert any("Qua\xadli\xadtäts" in text for text in criteria)
    # and no shorter word does (a twelve-letter word fits in 40% of 390 px)
    short = [word for text in criteria for word in text.split()
             if len(word.replace(SOFT_HYPHEN, "")) < 12]
    assert short and not any(SOFT_HYPHEN in word for word in short)
    # while the body text around the matrix is hyphenated
    body = [plain_text(block.inlines) for block in document.walk()
            if type(block).__name__ == "Paragraph"]
    assert any(SOFT_HYPHEN in text for text in body)


SQUEEZED = """\
guide: {title: Sites Compared, language: en}
intro: Eight sites.
subjects:
%s
comparisons:
  - kind: matrix
    title: Who signs
    orientation: portrait
    rows:
      - criterion: Signs the plan
        values: {%s}
"""


def test_a_squeezed_column_hyphenates_only_its_words_wider_than_the_column(tmp_path):
    # eight columns on an upright page: "pharmacovigilance" is wider than a column, "study"
    # and "director" fit whole on a line of their cell and go there whole
    ids = [f"s{n}" for n in range(8)]
    subjects = "\n".join(f"  - {{id: {i}, short: Site {i}, name: Site {i}, summary: A site.}}"
                          for i in ids)
    values = ", ".join(f"{i}: study director for pharmacovigilance" for i in ids)
    path = write_yaml(tmp_path, "squeezed.yaml", SQUEEZED % (subjects, values))
    found = [cell for _, cell, column in cells(document_of(load(path))) if column]
    texts = [plain_text(cell.inlines) for cell in found if "study" in plain_text(cell.inlines)]
    assert len(texts) == 8
    for text in texts:
        words = text.split()
        assert words[:3] == ["study", "director", "for"]
        assert SOFT_HYPHEN in words[3] and words[3].replace(SOFT_HYPHEN, "") == \
            "pharmacovigilance"


def printed_pieces(path) -> list[tuple[str, str]]:
    """Return (piece, next line's start) of each word a PDF prints hyphenated at a line end.

    pypdf reads the glyphs as drawn (it knows no ActualText): the hyphen is there.
    """
    text = "\n".join(pdf_glyph_texts(path))
    return re.findall(r"(\w+)\u2010\s*\n\s*(\w+)", text)


@pytest.mark.parametrize("stem", [p.stem for p in GOOD_FIXTURES])
def test_pdftotext_returns_every_hyphenated_word_whole(a4, stem):
    path = a4.path(stem, "pdf")
    text = pdf_text(path)
    assert "\u2010\n" not in text and "\u00ad" not in text
    pieces = printed_pieces(path)
    words = set(re.findall(r"\w+", text))
    for head, tail in pieces:
        assert head + tail in words, (head, tail)
        # the pieces are not read apart: no line ends with the first and the next starts
        # with the rest
        assert not re.search(rf"\b{head}\s*\n\s*{tail}\b", text), (head, tail)
    if stem in ("cmo-cdmo-cro", "acht-dienstleister", "forty-checks"):
        assert pieces  # these print hyphenated words


def mark_words() -> set[str]:
    from guidegen.theme.locales import catalogue_tags, load_catalogue

    return {getattr(load_catalogue(tag).labels, f"mark_{name}")
            for tag in catalogue_tags().values() for name in ("yes", "no", "partial")}


@pytest.mark.parametrize("stem", [p.stem for p in GOOD_FIXTURES])
def test_no_mark_word_is_hyphenated(a4, letter, stem):
    words = mark_words()
    for built in (a4, letter):
        for head, tail in printed_pieces(built.path(stem, "pdf")):
            assert head + tail not in words
        assert not any("mark word" in problem for problem in built.problems)


def test_the_word_file_breaks_where_the_pdf_does(a4):
    path = a4.path("acht-dienstleister", "docx")
    with zipfile.ZipFile(path) as package:
        settings = package.read("word/settings.xml").decode()
        body = package.read("word/document.xml").decode()
    # no automatic hyphenation of its own: Word and LibreOffice break at the optional
    # hyphens the PDF breaks at, and nowhere else
    assert '<w:autoHyphenation w:val="true"/>' not in settings
    assert body.count("<w:softHyphen/>") > 20
    assert "\u00ad" not in body
