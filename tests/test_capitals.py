"""Text set in capitals by its style keeps mixed-case words as written ("eQMS")."""

from __future__ import annotations

import re

from guidegen.layout.capitals import _text, mixed_case
from guidegen.tree import Span, Text

from .readers import pdf_text


def test_only_words_with_a_capital_after_a_small_letter_are_kept():
    assert [mixed_case(word) for word in ("eQMS", "iPad", "McKinsey", "QMS", "Copy", "x")] \
        == [True, True, True, False, False, False]
    assert _text("Controlled copy in the eQMS, not on paper") == [
        Text("Controlled copy in the "), Span("as-written", (Text("eQMS"),)),
        Text(", not on paper")]


def test_the_print_notice_prints_eqms_as_written_in_the_pdf_and_in_libreoffice(a4,
                                                                             a4_libreoffice):
    # the print notice is set in capitals (styles.yaml: status, caps: true)
    for path in (a4.path("nihon-itaku", "pdf"), a4_libreoffice["nihon-itaku"]):
        text = pdf_text(path)
        # (LibreOffice sets a little space between Latin and Japanese text)
        assert re.search(r"eQMS\s?上の版が正本です", text) and "EQMS" not in text
    assert "UNCONTROLLED WHEN PRINTED" in pdf_text(a4.path("qa-qc-one-page", "pdf"))
