"""A Japanese Word file as a word processor reads it: Latin acronyms whole and the size of
the Japanese text around them (LibreOffice, python-docx)."""

from __future__ import annotations

import re
import subprocess

import docx
from docx.oxml.ns import qn

from .readers import pdf_text

STEM = "nihon-itaku"  # a Japanese guide full of Latin acronyms (CDMO, GMP, eQMS, LIMS)


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
    # the PDF draws a Japanese guide's Latin letters in the Japanese font (a Latin font's
    # look small beside it); Word's styles name it for Latin text too, and LibreOffice
    # draws the body text in it alone
    word = docx.Document(str(a4.path(STEM, "docx")))
    fonts = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == fonts.get(qn("w:eastAsia"))
    def used(path):
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                 check=True).stdout
        return {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}

    ours, theirs = used(a4.path(STEM, "pdf")), used(a4_libreoffice[STEM])
    assert not any("Carlito" in name for name in ours)
    assert not any("Carlito" in name for name in theirs), theirs
