"""The layout's text measure looks each character up in the fonts once per stack."""

from __future__ import annotations

from guidegen.common.language import Language
from guidegen.layout import metrics
from guidegen.layout.metrics import Face, FontMetrics, Measure
from guidegen.theme import load_templates

ENGLISH = Language.of("en")


def test_each_character_is_looked_up_in_each_font_once_per_stack(monkeypatch):
    # the widths those of every character looked up in the stack's fonts each time; a
    # character the body font lacks (CJK, a tick) goes on to the next fonts, once
    theme, face = load_templates().theme, Face(10, "body", bold=True)
    texts = ("Quality assurance — 株式会社 ✓ 株", "Quality", "QA vs QC", "Quality")
    stack = Measure(theme, ENGLISH)._stack("body", True, False)
    eager = [10 * sum(metrics._advance(stack, char) for char in text) for text in texts]
    asked: list[tuple[int, str]] = []
    advance = FontMetrics.advance
    monkeypatch.setattr(FontMetrics, "advance",
                        lambda font, char: asked.append((id(font), char)) or advance(font, char))
    measure = Measure(theme, ENGLISH)
    assert [measure.width(text, face) for text in texts * 2] == eager * 2
    assert {char for _, char in asked} == set("".join(texts))
    assert len(asked) == len(set(asked))  # none twice in the same font
    assert len({font for font, _ in asked}) > 1  # 株 and ✓ looked up past the body font


def test_each_stack_keeps_its_own_characters_widths():
    # the characters looked up once per stack, not once for all: the same text measured
    # in turn in the body's regular and bold and in the code's font is as wide as its own
    # stack's fonts make it, and those widths differ
    theme = load_templates().theme
    faces = [Face(10, "body"), Face(10, "body", bold=True), Face(10, "mono")]
    texts = ("Quality assurance — 株式会社 ✓", "Wide MW mw", "Quality")
    fresh = Measure(theme, ENGLISH)
    eager = {(text, face): face.size * sum(
        metrics._advance(fresh._stack(face.font, face.bold, face.italic), char)
        for char in text) for text in texts for face in faces}
    measure = Measure(theme, ENGLISH)
    for text in texts:
        for face in faces:
            assert measure.width(text, face) == eager[text, face], (text, face)
    assert len({eager[texts[1], face] for face in faces}) == len(faces)
