"""Uncascaded values computed with less Python (guidegen.renderers.speed.computed)."""

from __future__ import annotations

from typing import Any

import pytest

from guidegen.renderers.speed import computed, import_weasyprint
from tests.test_cascade import HTML, USER_CSS
from tests.test_cascade import computed as computed_styles

# What the short cut must leave to WeasyPrint or get right: logical properties (set for
# right-to-left and left-to-right elements, inherited by children that set none), a math
# function in an inherited value (text-indent with a percentage stays a calc() when
# computed), var() in an inherited property, text decorations (propagated, not inherited),
# named pages, floats and positions (display computed from them), borders whose widths
# depend on their style, columns, outlines, em-based lengths under a changed font size.
EDGES = """<html lang="en" dir="ltr"><head><style>
:root { --w: 3px; font-size: 12px }
@page wide { size: A4 landscape }
div.r { direction: rtl; margin-inline-start: 7px; padding-inline-end: 2em;
        border-inline-start: 2px solid red }
div.l { margin-inline-end: 5px; border-block-start: var(--w) dotted blue; inline-size: 50% }
section { text-indent: calc(10% + 5px); letter-spacing: var(--w); font-size: 1.5em }
blockquote { text-decoration: underline; page: wide; columns: 2; column-rule: 1px solid }
span.f { float: left } span.a { position: absolute; top: 1em } span.o { outline: thin solid }
em { font-size: smaller; word-spacing: 0.5em } p { border-top: medium double }
</style></head><body>
<div class="r"><p>r <em>rr</em></p><div class="l"><p>l</p></div></div>
<div class="l"><p>l <span class="f">f</span><span class="a">a</span></p></div>
<section><p>indent <em>em</em></p><section><p>nested</p></section></section>
<blockquote><p>quoted <span class="o">o</span></p><p>two</p></blockquote>
<table><tr><td dir="rtl">x</td><td>y</td></tr></table>
</body></html>"""

DOCUMENTS = {"rules": HTML, "user-css": USER_CSS, "edges": EDGES}


@pytest.fixture
def real() -> Any:
    """Return WeasyPrint's own ComputedStyle.__missing__ (the trick installed in its place)."""
    import_weasyprint()
    assert computed._STATE["installed"] and computed._REAL
    return computed._REAL[0]


@pytest.mark.parametrize("order", [1, -1], ids=["a-z", "z-a"])
@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_computed_value_is_weasyprints(name, order, real, monkeypatch):
    from weasyprint.css import ComputedStyle

    before = dict(computed._STATE)
    ours = computed_styles(DOCUMENTS[name], order)
    for path in ("inherited", "initial", "theirs"):  # each way was taken
        assert computed._STATE[path] > before[path]
    monkeypatch.setattr(ComputedStyle, "__missing__", real)
    plain = computed_styles(DOCUMENTS[name], order)
    assert ours == plain and len(plain) > 20


def test_the_pdf_is_weasyprints(real, monkeypatch):
    weasyprint = import_weasyprint()
    from weasyprint.css import ComputedStyle

    ours = weasyprint.HTML(string=EDGES).write_pdf()
    monkeypatch.setattr(ComputedStyle, "__missing__", real)
    assert weasyprint.HTML(string=EDGES).write_pdf() == ours


@pytest.mark.parametrize("wrong", ["logical left out", "initial not computed",
                                   "decoration initial"])
def test_a_short_cut_that_reads_less_gives_other_values(wrong, real, monkeypatch):
    """The tests above would catch a short cut answering a case WeasyPrint answers otherwise."""
    right = computed_styles(EDGES, 1)
    if wrong == "logical left out":  # physical properties answered without their logical one
        monkeypatch.setattr(computed, "_INITIAL", dict.fromkeys(computed._INITIAL))
    elif wrong == "initial not computed":  # a border's width read without its style
        monkeypatch.setitem(computed._W, "not_computed", frozenset())
    else:  # text decorations are propagated
        monkeypatch.setattr(computed, "_INITIAL", {
            **computed._INITIAL, "text_decoration_line": None})
    assert computed_styles(EDGES, 1) != right
