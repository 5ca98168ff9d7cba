"""A user's CSS that spaces words or letters, over lines that end in a hyphenated word.

The PDF draws such a word's pieces apart (each with its ``/ActualText``); WeasyPrint's
layout of the line, given a piece's text, kept the spacing it had set by the byte offsets of
the whole line, one inside a soft hyphen's two bytes: the build failed with "'utf-8' codec
can't decode byte 0xad" (review14b, with ``word-spacing: 0.2pt``).
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from .conftest import build_logged, write_yaml
from .readers import pdf_glyph_texts, pdf_text

GUIDE = """\
guide:
  title: Spaced words
intro: >-
  Pharmacovigilance responsibilities, manufacturing authorisations and qualification
  documentation: the subcontractor's pharmacovigilance agreement, the manufacturer's
  responsibilities for characterisation, stabilisation and documentation, and the
  sponsor's accountability for investigational medicinal products remain contractual
  responsibilities throughout manufacturing, characterisation and pharmacovigilance.
subjects:
  - {id: alpha, short: A, name: Alpha, summary: Alpha is first.}
  - {id: beta, short: B, name: Beta, summary: Beta is second.}
comparisons:
  - kind: matrix
    title: Traits
    rows:
      - {criterion: Fast, values: {alpha: yes, beta: no}}
"""


def words(path) -> list[str]:
    """Return the words ``pdftotext`` reads in the PDF at ``path``."""
    return pdf_text(path).split()


@pytest.mark.parametrize("rule", ["word-spacing: 0.2pt", "letter-spacing: 0.1pt",
                                  "word-spacing: 0.2pt; letter-spacing: 0.1pt",
                                  "text-align: justify"])
def test_spaced_lines_with_hyphenated_words_build_and_read_the_same(tmp_path, rule):
    guide = write_yaml(tmp_path, "spaced.yaml", GUIDE)
    plain = build_logged(tmp_path / "plain", [guide], formats=("pdf",), jobs=1)
    templates = tmp_path / "templates"
    templates.mkdir()
    css = resources.files("guidegen").joinpath("templates", "document.css.j2").read_text(
        encoding="utf-8")
    (templates / "document.css.j2").write_text(css + f"\nbody p {{ {rule} }}\n",
                                               encoding="utf-8")
    spaced = build_logged(tmp_path / "spaced", [guide], formats=("pdf",), jobs=1,
                          templates=templates)
    path = spaced.path("spaced", "pdf")
    drawn = "\n".join(pdf_glyph_texts(path))
    assert re.search(r"\w\u2010\s*\n", drawn)  # a word printed hyphenated at a line end
    assert words(path) == words(plain.path("spaced", "pdf"))  # each hyphenated word whole
