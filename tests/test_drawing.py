"""Text drawn and serialised with less Python (guidegen.renderers.speed.drawing): the same bytes."""

from __future__ import annotations

from typing import Any

import pytest

from guidegen.renderers.speed import drawing, import_weasyprint

TEXT = ("Contract development and manufacturing organisations make the pharmaceutical "
        "ingredient under a quality agreement; effiziente Verantwortungsabgrenzung, "
        "officially fluffier — 1,234.5 m² at 37 °C (AVA, WAV, To, Ty).")
BODIES = {  # each line of these drawn by the quick way, or handed to WeasyPrint's own
    "plain": f"<p style='width: 6cm; hyphens: auto' lang='en'>{TEXT}</p>",
    "spaced": f"<p style='width: 7cm; text-align: justify; letter-spacing: 0.3px; "
              f"word-spacing: 2px; font-weight: bold; text-decoration: underline' "
              f"lang='de'>{TEXT}</p>",
    "mixed": "<p style='width: 5cm; font-family: DejaVu Sans, Carlito'>"
             "Ünïcödé x\u0301y\u0323z q\u0307\u0323 שלום עולם مرحبا بالعالم "
             "<sup>2</sup> <small>small</small> <code>mono()</code> \u00ad soft\u00adhyphen</p>",
    "ellipsis": f"<p style='width: 3cm; white-space: nowrap; overflow: hidden; "
                f"text-overflow: ellipsis'>{TEXT}</p>",
    "clamped": f"<p style='width: 4cm; line-clamp: 2'>{TEXT}</p>",
    "svg": "<svg width='200' height='60'><text x='5' y='30' font-size='14'>"
           "Text in an SVG image, kerned: AVA To</text></svg>",
}


@pytest.fixture
def quick() -> Any:
    """Return WeasyPrint's text module (the trick installed) and the functions it replaced."""
    import weasyprint.draw.text as text

    import_weasyprint()
    if not drawing.ORIGINALS:
        pytest.fail("the drawing trick was not installed over this WeasyPrint")
    return text


def written(html: str, text: Any, draw: Any, to_bytes: Any,
            monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Return the PDF WeasyPrint writes of ``html`` with ``draw`` and ``to_bytes``."""
    import pydyf

    document = import_weasyprint().HTML(string=html).render()
    with monkeypatch.context() as patch:  # a font fontTools saves again is dated by it, not
        patch.setenv("SOURCE_DATE_EPOCH", "315532800")  # by the second of the write
        patch.setattr(text, "draw_first_line", draw)
        patch.setattr(pydyf, "_to_bytes", to_bytes)
        data: bytes = document.write_pdf(pdf_identifier=b"test", uncompressed_pdf=True)
    return data


@pytest.mark.parametrize("name", sorted(BODIES))
def test_the_quick_drawing_writes_the_bytes_weasyprint_writes(quick, name, monkeypatch):
    html = f"<html><body>{BODIES[name]}</body></html>"
    plain = drawing.ORIGINALS["draw_first_line"]
    fast = drawing._fast_first_line(plain)
    to_bytes = drawing._fast_to_bytes(drawing.ORIGINALS["to_bytes"])
    before = dict(drawing._STATE)
    theirs = written(html, quick, plain, drawing.ORIGINALS["to_bytes"], monkeypatch)
    ours = written(html, quick, fast, to_bytes, monkeypatch)
    assert ours == theirs
    fast_lines = drawing._STATE["fast"] - before["fast"]
    plain_lines = drawing._STATE["plain"] - before["plain"]
    if name in ("ellipsis", "clamped", "mixed"):  # an ellipsis, a raised or missing glyph
        assert plain_lines > 0
    if name != "ellipsis":
        assert fast_lines > 0


def test_operands_become_the_bytes_pydyf_makes(quick):
    import pydyf

    class Text(str):
        def __str__(self) -> str:
            return "other"

    original = drawing.ORIGINALS["to_bytes"]
    quicker = drawing._fast_to_bytes(original)
    for value in (b"/F1", "Tf", 12, -3, 0, True, 1.5, 2.0, -0.25, Text("x"),
                  pydyf.Dictionary({"A": 1}), pydyf.String("a(b)")):
        assert quicker(value) == original(value), value


def svg_glyph_font(path: Any) -> None:
    """Write a font whose glyph A has an SVG picture (an OpenType ``SVG `` table)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables.S_V_G_ import SVGDocument

    pen = TTGlyphPen(None)  # every glyph a rectangle
    pen.moveTo((100, 0))
    pen.lineTo((100, 700))
    pen.lineTo((500, 700))
    pen.lineTo((500, 0))
    pen.closePath()
    names = [".notdef", "A", "B", "space"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord("A"): "A", ord("B"): "B", ord(" "): "space"})
    builder.setupGlyf({name: pen.glyph() for name in names})
    builder.setupHorizontalMetrics({name: (600, 100) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Pictured", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    table = newTable("SVG ")
    table.docList = [SVGDocument('<svg xmlns="http://www.w3.org/2000/svg"><rect id="glyph1" '
                                 'width="400" height="700" y="-700" fill="red"/></svg>', 1, 1,
                                 False)]
    builder.font["SVG "] = table
    builder.save(str(path))


def test_a_font_with_pictured_glyphs_is_drawn_by_weasyprint(quick, tmp_path, monkeypatch):
    # WeasyPrint draws an SVG (or PNG, COLR) glyph's picture beside its text: the quick
    # way leaves such a font's lines to it (without, the pictures are missing)
    svg_glyph_font(tmp_path / "pictured.ttf")
    html = (f"<html><head><style>@font-face {{ font-family: Pictured; src: "
            f"url({(tmp_path / 'pictured.ttf').as_uri()}) }}</style></head>"
            "<body><p style='font-family: Pictured'>ABBA AB</p></body></html>")
    plain = drawing.ORIGINALS["draw_first_line"]
    before = dict(drawing._STATE)
    theirs = written(html, quick, plain, drawing.ORIGINALS["to_bytes"], monkeypatch)
    ours = written(html, quick, drawing._fast_first_line(plain),
                   drawing._fast_to_bytes(drawing.ORIGINALS["to_bytes"]), monkeypatch)
    assert ours == theirs
    assert drawing._STATE["plain"] > before["plain"] and drawing._STATE["fast"] == before["fast"]
