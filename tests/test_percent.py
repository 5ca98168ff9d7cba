"""A box's used lengths set with less Python (guidegen.renderers.speed.percent)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from guidegen.renderers.speed import import_weasyprint, percent
from tests.test_cascade import HTML
from tests.test_computed import EDGES

# Percentages of a block's, a page's and a table's width (margins, paddings, widths and
# their limits), heights of an auto-height containing block (fixed, %, calc()), calc()
# lengths, box-sizing both ways, collapsed table borders, floats and absolute boxes.
LENGTHS = """<html><head><style>
@page { size: 300px 400px; margin: 5% 10px }
body { margin: 2% 3%; padding: 1% }
div.a { width: 50%; min-width: 10%; max-width: calc(80% - 4px); padding: 2% 5px;
        box-sizing: border-box; border: 3px solid }
div.b { height: 40px; min-height: 10%; max-height: 50%; margin: auto; width: 30%;
        box-sizing: padding-box; padding: 3px }
div.c { height: 20%; width: calc(50% + 1em) } div.d { height: calc(10px + 5%) }
table { border-collapse: collapse; width: 90% } td { padding: 4%; border: 2px solid;
        width: 25% }
span.f { float: left; width: 20%; margin-right: 5% }
p.abs { position: absolute; left: 10%; width: 30% }
</style></head><body>
<div class="a"><div class="b">b</div><div class="c">c</div><div class="d">d</div></div>
<p>x <span class="f">float</span> y</p><p class="abs">abs</p>
<table><tr><td>1</td><td>2</td></tr><tr><td colspan="2">3</td></tr></table>
</body></html>"""

DOCUMENTS = {"lengths": LENGTHS, "edges": EDGES, "rules": HTML}  # (WeasyPrint 70.0 cannot
# lay out test_cascade's USER_CSS: a TextBox's min-content width, with or without the trick)
USED = ("margin_left", "margin_right", "margin_top", "margin_bottom", "padding_left",
        "padding_right", "padding_top", "padding_bottom", "width", "height", "min_width",
        "max_width", "min_height", "max_height", "border_top_width", "border_right_width",
        "border_bottom_width", "border_left_width", "position_x", "position_y")


def boxes(html: str) -> list[tuple[Any, ...]]:
    """Return the used lengths of every box of ``html``'s pages, in order."""
    weasyprint = import_weasyprint()
    found = []
    for page in weasyprint.HTML(string=html).render().pages:
        for box in page._page_box.descendants():
            found.append((type(box).__name__, *(repr(getattr(box, name, None))
                                                for name in USED)))
    return found


def theirs(monkeypatch: Any) -> None:
    """Have WeasyPrint's own resolve_percentages laid out with (the trick's undone)."""
    for name in percent.USERS:
        module = importlib.import_module(f"weasyprint.layout.{name}")
        monkeypatch.setattr(module, "resolve_percentages", percent._REAL[0])


@pytest.fixture(autouse=True)
def installed() -> None:
    """Check the trick is installed."""
    import_weasyprint()
    assert percent._STATE["installed"] and percent._REAL


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_used_length_is_weasyprints(name, monkeypatch):
    ours = boxes(DOCUMENTS[name])
    theirs(monkeypatch)
    plain = boxes(DOCUMENTS[name])
    assert ours == plain and len(plain) > 10


def test_the_pdf_is_weasyprints(monkeypatch):
    weasyprint = import_weasyprint()
    ours = weasyprint.HTML(string=LENGTHS).write_pdf()
    theirs(monkeypatch)
    assert weasyprint.HTML(string=LENGTHS).write_pdf() == ours


@pytest.mark.parametrize("wrong", ["calc() against another length", "a page as a block"])
def test_a_copy_that_reads_less_gives_other_lengths(wrong, monkeypatch):
    """The tests above would catch a copy that leaves out what WeasyPrint reads."""
    right = boxes(LENGTHS)
    if wrong == "calc() against another length":  # the containing block left out
        real = percent._W["percentage"]
        monkeypatch.setitem(percent._W, "percentage",
                            lambda value, style, refer_to: real(value, style, 0))
    else:  # a page's vertical margins are a percentage of its height, a block's of its width
        monkeypatch.setitem(percent._W, "PageBox", type("Other", (), {}))
    assert boxes(LENGTHS) != right
