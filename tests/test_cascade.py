"""Each set of matched rules cascaded once per document (guidegen.renderers.speed.cascade)."""

from __future__ import annotations

from typing import Any

import pytest

from guidegen.renderers.speed import cascade, import_weasyprint

# Elements that match the same rules (the merge reused), rules whose one declaration block
# two pseudo-elements or two specificities share (one above a style attribute's, one
# below), !important, layers, style attributes and presentational
# hints merged with the kept declarations, user-agent rules under author ones.
HTML = """<html lang="en"><head><style>
@layer base, top;
@layer top { p.l { color: green; margin-top: 3px } }
@layer base { p.l { color: olive; margin-top: 5px !important } }
p, p.a::before { color: red; content: "x"; padding-left: 2px }
p.a { color: blue !important; font-size: 11px }
p.b::after { content: "y"; color: purple }
td { padding: 1px } td.w { padding: 4px !important; width: 20% }
h1 { margin: 0 }
span.m span, span.n::before { color: red; content: "x" }
span#u1, span.z span { color: maroon }
</style></head><body>
<h1>Title</h1>
<p class="a">one</p><p class="a" style="color: black; font-size: 9px">two</p>
<p class="b">three</p><p class="b" style="padding-left: 7px">four</p>
<p class="l">five</p><p class="l" style="margin-top: 1px; color: teal">six</p>
<span class="m"><span>i</span></span><span class="n">j</span>
<span id="u1" style="color: navy">k</span><span class="z"><span style="color: navy">l</span></span>
<p>seven</p><p style="font-size: 13px">eight</p>
<table border="1" width="50%"><tr><td class="w">a</td><td>b</td><td class="w" bgcolor="red">c</td>
<td align="right">d</td></tr><tr><td class="w">e</td><td>f</td><td>g</td><td>h</td></tr></table>
</body></html>"""

# What a user's --templates CSS may hold besides (docs/restyling.md): custom properties
# (var(), set in a style attribute too), positional selectors that give the same rules to
# elements at other positions, ::marker, attribute selectors, an anonymous layer, a rule
# matched through two selectors of one declaration block, a second <style>, inheritance.
USER_CSS = """<html lang="en"><head><style>
:root { --c: #123456; --pad: 3px; color: var(--c) }
@page { size: A5; margin: 10mm; @top-center { content: "T"; color: red !important } }
@layer a, b;
@layer a { p { color: olive !important; margin: 1px } li::marker { color: red } }
@layer b { p { color: green !important; margin: 2px } p:nth-child(2n) { padding: var(--pad) } }
@layer { p.x { letter-spacing: 1px } }
p { color: black; margin: 4px }
p:nth-child(odd), p:first-of-type { font-weight: bold; --pad: 9px }
p:nth-child(3n+1)::before { content: "[" attr(class) "]"; color: var(--c) }
p:last-child::after { content: counter(x); counter-increment: x }
[data-k], [data-k="v"] { text-decoration: underline }
a[href^="http"]::after { content: " (" attr(href) ")" }
li::marker { color: blue; content: "* " } li:nth-of-type(2)::marker { content: "- " !important }
div > p + p { text-indent: 1em !important } div p { text-indent: 2em }
#i1, .c1 { color: maroon; font-style: italic }
td:first-of-type, th { padding: 5px !important } td[align] { text-align: left }
ul ul { font-size: inherit; color: inherit } em { font-size: larger } td { color: gray }
</style><style>p { color: purple } li { color: var(--c) } td { color: navy }</style></head><body>
<div><p class="x">a</p><p>b <em>e</em></p><p data-k="v" style="color: red !important">c</p>
<p id="i1" class="c1" style="--c: #00ff00">d</p><p class="c1">e</p>
<p style="padding: var(--pad)">f</p>
<p class="x">g</p><p>h</p></div>
<ul><li>1</li><li>2<ul><li>2a</li><li style="color: teal">2b</li></ul></li><li>3</li></ul>
<a href="http://x">l</a><a href="/y">m</a>
<table border="2" cellpadding="4"><tr><th>h</th><td align="center">1</td>
<td bgcolor="#ff0000">2</td></tr>
<tr><td>3</td><td align="right" style="text-align: justify">4</td><td>5</td></tr></table>
</body></html>"""


# Pseudo-elements whose values read the document's root (rem: the root's font size, not
# their element's) and its base URL (a url() in a custom property is resolved when the
# value is computed): a waiting one made with another root or base URL computes others.
ROOTED = """<html lang="en" style="font-size: 10px"><head><style>
:root { --icon: url(icons/tick.svg) }
h2 { font-size: 24px } h2::before { content: var(--icon) " "; margin: 1rem; font-size: 0.8rem }
li { font-size: 14px } li::marker { content: var(--icon); font-size: 2rem }
p { font-size: 12px } p::first-letter { font-size: 3rem } p::after { content: "x"; padding: 1rem }
</style></head><body><h2>A</h2><ul><li>one</li></ul><p>Text</p></body></html>"""
BASE_URL = "file:///srv/guides/"


def computed(html: str, order: int = 1) -> list[tuple[Any, ...]]:
    """Return every computed style of ``html``'s elements and pseudo-elements, in order.

    Each style's properties are read in alphabetical ``order`` (1) or the reverse (-1):
    WeasyPrint computes each when first read (tests/test_computed.py reads both ways).
    """
    weasyprint = import_weasyprint()
    from weasyprint.css import get_all_computed_styles
    from weasyprint.css.properties import INITIAL_VALUES

    document = weasyprint.HTML(string=html, base_url=BASE_URL)
    style_for = get_all_computed_styles(document, presentational_hints=True)
    for element, pseudo_type in list(getattr(style_for, "guidegen_waiting", [{}])[0]):
        cascade.make(style_for, element, pseudo_type)  # the pseudo-elements not asked for yet
    place = {element: index for index, element in enumerate(document.etree_element.iter())}
    found = []
    for (element, pseudo_type), style in style_for.get_computed_styles().items():
        name = element if isinstance(element, str) else element.tag
        values = {key: repr(style[key]) for key in sorted(INITIAL_VALUES)[::order]}
        found.append((place.get(element), name, pseudo_type or "", tuple(sorted(values.items()))))
    return sorted(found)  # in the document's order (pseudo-elements made when asked come last)


@pytest.fixture
def real() -> Any:
    """Return WeasyPrint's own StyleFor.__init__ (the trick installed in its place)."""
    import_weasyprint()
    assert cascade._STATE["installed"] and cascade._REAL
    return cascade._REAL[0]


@pytest.mark.parametrize("html", [HTML, USER_CSS, ROOTED], ids=["rules", "user-css", "rooted"])
def test_the_kept_merges_give_the_styles_weasyprint_computes(html, real, monkeypatch):
    from weasyprint.css import StyleFor

    before = dict(cascade._STATE)
    ours = computed(html)
    assert cascade._STATE["reused"] > before["reused"]  # elements shared a merge
    assert cascade._STATE["made"] > before["made"]  # pseudo-elements made when asked for
    monkeypatch.setattr(StyleFor, "__init__", real)
    plain = computed(html)
    assert ours == plain and len(plain) > 20


@pytest.mark.parametrize("left_out", [1, 2, 3])  # specificity, pseudo-element, declarations
def test_a_key_that_leaves_out_what_the_merge_reads_gives_other_styles(left_out, monkeypatch):
    """The test above would catch a key that reads less (so shares a wrong merge).

    (A rule's layer, like its stylesheet, follows from its declarations in one document.)
    """
    right = computed(HTML)
    key = cascade._key

    def coarse(matched: list[tuple[Any, ...]]) -> tuple[Any, ...]:
        return tuple(part[:left_out] + part[left_out + 1:] for part in key(matched))

    monkeypatch.setattr(cascade, "_key", coarse)
    assert computed(HTML) != right


# Pseudo-elements the layout asks for (list markers, a footnote's call and marker,
# ::before/::after, ::first-letter/::first-line) and ones it never asks for; anchors set on
# pseudo-elements, which WeasyPrint collects with the styles: links before them find them
# (else it logs "target points to undefined anchor"), the second "defined twice".
PSEUDO = """<html lang="en"><head><style>
@page { size: A6; margin: 10mm }
a.t::after { content: " p. " target-counter(attr(href), page) }
h2::before { content: "§ "; color: red } h2#b::before { -weasy-anchor: "h2-b" }
li::marker { color: green } ol li::marker { color: blue; font-size: 80% }
p::first-letter { font-size: 150% } p.b::first-line { font-weight: bold }
.fn { float: footnote } ::footnote-call { color: purple } ::footnote-marker { color: teal }
td::after { content: "*"; -weasy-anchor: "cell" } td { padding: 2px }
</style></head><body>
<p><a class="t" href="#cell">to the cell</a>, <a class="t" href="#h2-b">to b</a></p>
<h2 id="a">A</h2><p class="b">First <span>one</span><span class="fn">a note</span></p>
<ul><li>one</li><li>two</li></ul><ol><li>three</li></ol>
<div style="page-break-before: always"></div><h2 id="b">B</h2>
<p><a href="#h2-b">link</a></p>
<table style="border-collapse: collapse"><tr><td>x</td><td>y</td></tr></table>
</body></html>"""


def pdf_and_log(caplog: Any) -> tuple[bytes, list[str]]:
    """Return the PDF of ``PSEUDO`` and what WeasyPrint logged making it."""
    weasyprint = import_weasyprint()
    caplog.clear()
    pdf = weasyprint.HTML(string=PSEUDO).write_pdf()
    return pdf, [record.getMessage() for record in caplog.records
                 if record.name.startswith("weasyprint")]


def test_pseudo_elements_made_when_asked_for_give_weasyprints_pdf(real, caplog, monkeypatch):
    from weasyprint.css import StyleFor

    before = dict(cascade._STATE)
    ours = pdf_and_log(caplog)
    assert cascade._STATE["made"] > before["made"]  # some were asked for, more were not
    assert cascade._STATE["waiting"] - before["waiting"] > cascade._STATE["made"] - before["made"]
    assert "Anchor defined twice: 'cell'" in ours[1]
    monkeypatch.setattr(StyleFor, "__init__", real)
    monkeypatch.setattr(StyleFor, "__call__", cascade._REAL[1])
    assert pdf_and_log(caplog) == ours


def test_a_pseudo_element_with_an_anchor_left_waiting_is_not_weasyprints(caplog, monkeypatch):
    """The test above would catch anchors collected late (the links before them lost)."""
    right = pdf_and_log(caplog)
    monkeypatch.setattr(cascade, "_EAGER", "no-such-property")
    wrong = pdf_and_log(caplog)
    assert any("undefined anchor" in message for message in wrong[1])
    assert wrong[1] != right[1]
