"""Each line broken once per process (guidegen.renderers.speed.lines)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from guidegen import BuildOptions
from guidegen.renderers.speed import import_weasyprint, lines

from .conftest import DATA

HTML = ("<html lang='{lang}'><body><p style='width: 4cm; hyphens: auto; {style}'>{text}</p>"
        "</body></html>")
TEXT = ("Contract development and manufacturing organisations make the pharmaceutical "
        "ingredient under a quality agreement; Verantwortungsabgrenzungsvereinbarung")


@pytest.fixture
def real() -> Any:
    """Return WeasyPrint's own split_first_line (the trick installed in its place)."""
    import weasyprint.layout.inline as inline
    import weasyprint.text.line_break as line_break

    import_weasyprint()
    assert inline.split_first_line is not line_break.split_first_line  # installed
    return line_break.split_first_line


def styles(html: str) -> list[Any]:
    """Return the style of each text box WeasyPrint lays ``html`` out with."""
    document = import_weasyprint().HTML(string=html).render()
    found: list[Any] = []

    def walk(box: Any) -> None:
        if hasattr(box, "text") and box.text.strip():
            found.append(box)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


class Reading(dict[str, Any]):
    """A style that notes each property read from it."""

    def __init__(self, style: Any, read: set[str]) -> None:
        super().__init__()
        self.style, self.read, self.font_config = style, read, style.font_config

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return self.style[name]


@pytest.mark.parametrize("lang,style", [
    ("en", ""), ("de", "letter-spacing: 1px; word-spacing: 2px; text-decoration: underline"),
    ("en", "overflow-wrap: anywhere; font-variant: small-caps; font-kerning: none"),
    ("ja", "white-space: pre-wrap; tab-size: 3; font-feature-settings: 'liga' 0")])
def test_a_line_break_reads_no_style_property_the_key_leaves_out(real, lang, style):
    read: set[str] = set()
    boxes = styles(HTML.format(lang=lang, style=style, text=TEXT))
    context = SimpleNamespace(dictionaries={})
    for box in boxes:
        for width in (30, 90, 150, None):
            real(box.text, Reading(box.style, read), context, width, 0)
            real(box.text, Reading(box.style, read), context, width, 0, False, True)
            real("a\tb " + box.text, Reading(box.style, read), context, width, 0)
    assert {"hyphens", "lang", "font_size", "tab_size"} <= read  # it did hyphenate
    assert read <= set(lines.READ)


def test_a_kept_line_is_the_line_weasyprint_breaks_and_a_style_change_is_asked_again(real):
    import weasyprint.layout.inline as inline

    box = styles(HTML.format(lang="en", style="", text=TEXT))[0]
    context = SimpleNamespace(dictionaries={})
    asked = dict(lines._STATE)
    first = inline.split_first_line(box.text, box.style, context, 113.0, 0)
    again = inline.split_first_line(box.text, box.style, context, 113.0, 0)
    assert lines._STATE["asked"] == asked["asked"] + 2
    assert lines._STATE["kept"] <= asked["kept"] + 1  # the second was not broken again
    plain = real(box.text, box.style, context, 113.0, 0)
    assert first[1:] == again[1:] == plain[1:] and plain[2] is not None
    assert again[0] is not first[0] and again[0].__dict__ == plain[0].__dict__
    wider = inline.split_first_line(box.text, box.style, context, 200.0, 0)
    assert wider[1] > first[1] and lines._STATE["kept"] == asked["kept"] + 2
    larger = dict(box.style)
    larger["font_size"] = box.style["font_size"] * 2
    style = type("Style", (dict,), {"font_config": box.style.font_config})(larger)
    assert inline.split_first_line(box.text, style, context, 113.0, 0)[1] < first[1]


def test_a_fitted_guide_breaks_its_tries_lines_from_the_first_and_its_pdf_is_the_same(
        real, monkeypatch):
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred

    import guidegen
    from guidegen.content.loader import load

    guide = load(DATA.parent.parent / "content" / "cmo-cdmo-cro.yaml", translations=False)
    asked = dict(lines._STATE)
    kept = guidegen.render(guide, ["pdf"], BuildOptions(jobs=1, force=True))["pdf"].data
    asked_now, broken = (lines._STATE[name] - asked[name] for name in ("asked", "kept"))
    assert broken < asked_now / 2  # the tries' lines are the first layout's
    monkeypatch.setattr(inline, "split_first_line", real)
    monkeypatch.setattr(preferred, "split_first_line", real)
    assert guidegen.render(guide, ["pdf"], BuildOptions(jobs=1, force=True))["pdf"].data == kept
