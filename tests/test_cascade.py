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


def computed(html: str) -> list[tuple[Any, ...]]:
    """Return every computed style of ``html``'s elements and pseudo-elements, in order."""
    weasyprint = import_weasyprint()
    from weasyprint.css import get_all_computed_styles
    from weasyprint.css.properties import INITIAL_VALUES

    document = weasyprint.HTML(string=html)
    style_for = get_all_computed_styles(document, presentational_hints=True)
    found = []
    for (element, pseudo_type), style in style_for.get_computed_styles().items():
        name = element if isinstance(element, str) else element.tag
        found.append((name, pseudo_type, tuple(
            (key, repr(style[key])) for key in sorted(INITIAL_VALUES))))
    return found


@pytest.fixture
def real() -> Any:
    """Return WeasyPrint's own StyleFor.__init__ (the trick installed in its place)."""
    import_weasyprint()
    assert cascade._STATE["installed"] and cascade._REAL
    return cascade._REAL[0]


def test_the_kept_merges_give_the_styles_weasyprint_computes(real, monkeypatch):
    from weasyprint.css import StyleFor

    before = dict(cascade._STATE)
    ours = computed(HTML)
    assert cascade._STATE["reused"] > before["reused"]  # elements shared a merge
    monkeypatch.setattr(StyleFor, "__init__", real)
    plain = computed(HTML)
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
