"""'Is this box in normal flow?' in one call (guidegen.renderers.speed.flow)."""

from __future__ import annotations

from typing import Any

import pytest

from guidegen.renderers.speed import flow, import_weasyprint
from tests.test_cascade import HTML, PSEUDO
from tests.test_computed import EDGES

# Every way out of normal flow WeasyPrint knows (floats left, right, inline-start and
# inline-end, absolute and fixed positions, running elements, footnotes) and boxes whose
# style is anonymous (table wrappers, lines, text).
FLOWS = """<html lang="en"><head><style>
@page { size: A6; margin: 12mm; @top-center { content: element(head) } }
header { position: running(head) } .l { float: left; width: 20% } .r { float: right }
.s { float: inline-start } .e { float: inline-end } .a { position: absolute; top: 5mm }
.x { position: fixed; bottom: 2mm } .n { float: footnote } .rel { position: relative }
</style></head><body><header>Head</header>
<p>Text <span class="l">left</span> and <span class="r">right</span> and more text.</p>
<div class="s">start</div><div class="e">end</div><p class="rel">relative
<span class="a">absolute</span><span class="x">fixed</span><span class="n">note</span></p>
<table><tr><td>cell <em>em</em></td><td class="l">floated cell</td></tr></table>
<ul><li>one</li><li class="r">two</li></ul></body></html>"""

DOCUMENTS = {"flows": FLOWS, "rules": HTML, "pseudo": PSEUDO, "edges": EDGES}


def answers(html: str) -> tuple[list[tuple[str, bool]], bytes]:
    """Return each laid-out box's class and answer, in order, and the PDF."""
    weasyprint = import_weasyprint()
    document = weasyprint.HTML(string=html).render()
    found = [(type(box).__name__, box.is_in_normal_flow())
             for page in document.pages for box in page._page_box.descendants()]
    return found, document.write_pdf()


@pytest.fixture
def real() -> Any:
    """Return WeasyPrint's own Box.is_in_normal_flow (the trick installed in its place)."""
    import_weasyprint()
    assert flow._STATE["installed"] and flow._REAL
    return flow._REAL[0]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_box_is_in_normal_flow_as_weasyprint_says(name, real, monkeypatch):
    from weasyprint.formatting_structure.boxes import Box

    ours = answers(DOCUMENTS[name])
    monkeypatch.setattr(Box, "is_in_normal_flow", real)
    plain = answers(DOCUMENTS[name])
    assert ours == plain and len(plain[0]) > 20
    if name == "flows":  # both answers given, each way out of normal flow taken
        assert {answer for _, answer in plain[0]} == {True, False}


@pytest.mark.parametrize("wrong", ["inline-start", "inline-end", "absolute", "fixed"])
def test_an_answer_that_reads_less_is_not_weasyprints(wrong, monkeypatch):
    """The test above would catch a way out of normal flow left out.

    (Not a footnote nor a running element: WeasyPrint takes them out as it builds the boxes.)
    """
    right = answers(FLOWS)
    real = flow._is_in_normal_flow

    def partial(box: Any) -> bool:
        style = box.style
        if wrong in (style["float"], style["position"], style["position"][0]):
            return True
        return real(box)

    from weasyprint.formatting_structure.boxes import Box

    monkeypatch.setattr(Box, "is_in_normal_flow", partial)
    assert answers(FLOWS) != right


def test_a_box_class_of_its_own_leaves_weasyprints_method(monkeypatch):
    import weasyprint.formatting_structure.boxes as boxes

    class Floating(boxes.BlockBox):
        def is_floated(self) -> bool:
            return True

    monkeypatch.setattr(boxes.Box, "is_in_normal_flow", flow._REAL[0])
    monkeypatch.setitem(flow._STATE, "installed", 0)
    monkeypatch.setattr(flow, "_REAL", [])
    flow.install()
    assert boxes.Box.is_in_normal_flow is not flow._is_in_normal_flow
    del Floating
