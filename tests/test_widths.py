"""Matrix column widths and orientation: decided once, in the layout, from the content."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st

from guidegen.common.language import Language
from guidegen.content.loader import load
from guidegen.layout.metrics import Face, FontMetrics, Measure
from guidegen.layout.widths import Column, allot, measure_columns, text_widths
from guidegen.native import font_files
from guidegen.theme import Templates, load_templates
from guidegen.tree import Section, Table, plain_text

from .conftest import DATA, DEFAULT_GUIDE, document_of

ENGLISH = Language.of("en")


def tables(document, role="matrix"):
    """Return (table, orientation of the section holding it) for every ``role`` table.

    The matrices by default: their widths are fitted to their words; a controlled
    document's approvals and history take the style sheet's (test_record_tables_...).
    """
    found, turned = [], None
    for block in document.walk():
        if isinstance(block, Section) and block.orientation:
            turned = block
        if isinstance(block, Table) and block.role == role:
            inside = turned is not None and any(b is block for b in walk_section(turned))
            found.append((block, "landscape" if inside else "portrait"))
    return found


def walk_section(section):
    from guidegen.tree import walk

    return walk(section.children)


def words(text):
    # (a soft hyphen prints nothing unless the word breaks there)
    return [w for w in re.split(r"(?<=[-‐–—/])|\s+", text.replace("\xad", "")) if w]


def test_metrics_read_from_the_font_file_match_fonttools():
    path = font_files((("Carlito", False, False),))[("Carlito", False, False)]
    ours = FontMetrics(Path(path).read_bytes())
    font = TTFont(path)
    units, advances = font["head"].unitsPerEm, font["hmtx"]
    for code, glyph in font.getBestCmap().items():
        assert ours.advance(chr(code)) == advances[glyph][0] / units
    assert ours.advance("株") is None  # Carlito has no CJK: the symbols font or an estimate


def test_a_font_is_matched_only_when_the_fonts_before_it_lack_a_character(monkeypatch):
    # the widths as when every face of the stack was matched at once, fontconfig asked
    # only for the faces a text reaches: Latin stops at the body font, CJK goes on
    import guidegen.native as native
    from guidegen.layout import metrics

    theme, face = load_templates().theme, Face(10, "body", bold=True)
    stack = theme.font_stack("body", ENGLISH)
    files = font_files(tuple((family, True, False) for family in stack))  # all at once
    fonts = [metrics._read(files[family, True, False]) for family in stack]
    native.font_file.cache_clear()
    asked = []
    match = native._match
    monkeypatch.setattr(native, "_match",
                        lambda patterns, key: asked.extend(patterns) or match(patterns, key))
    measure = Measure(theme, ENGLISH)
    for text in ("Quality", "株式会社 Quality ✓ —"):
        eager = 10 * sum(metrics._advance(fonts, char) for char in text)
        assert measure.width(text, face) == eager
        if text == "Quality":
            assert asked == [native._face_pattern(stack[0], True, False)]
    assert asked == [native._face_pattern(family, True, False) for family in stack[:3]]


def test_the_default_matrix_keeps_the_theme_shares_upright():
    theme = load_templates().theme
    [(table, orientation)] = tables(document_of(load(DEFAULT_GUIDE)))
    assert orientation == "portrait"
    assert table.widths[0] == pytest.approx(theme.matrix_criteria_width / 100)
    assert len(set(round(w, 6) for w in table.widths[1:])) == 1
    assert sum(table.widths) == pytest.approx(1)


@pytest.mark.parametrize("stem", ["acht-dienstleister", "excipients", "forty-checks",
                                  "japanischer-partner", "five-subjects"])
def test_every_column_holds_its_longest_word(stem):
    templates = load_templates()
    theme, measure = templates.theme, Measure(templates.theme, ENGLISH)
    for table, orientation in tables(document_of(load(DATA / f"{stem}.yaml"))):
        upright, turned = text_widths(theme)
        width = turned if orientation == "landscape" else upright
        padding = 2 * theme.sizes.cell_padding
        for column, share in enumerate(table.widths):
            cells = [table.head[column], *(row[column] for row in table.rows)]
            longest = max(measure.width(word, Face(theme.sizes.table,
                                                   bold=cell.header or cell.role == "mark"))
                          for cell in cells for word in words(plain_text(cell.inlines)))
            assert share * width >= longest + padding - 0.01, (stem, column)
        criteria = theme.matrix_criteria_min * measure.ch(theme.sizes.table) + padding
        assert table.widths[0] * width >= criteria


@pytest.mark.parametrize("stem", ["acht-dienstleister", "japanischer-partner"])
def test_record_tables_break_a_word_wider_than_its_column_only_where_it_may(stem):
    """The approvals and history columns are the style sheet's: a longer word is
    hyphenated, and each of its pieces (with its hyphen) fits its column."""
    templates = load_templates()
    theme, measure = templates.theme, Measure(templates.theme, ENGLISH)
    document, found = document_of(load(DATA / f"{stem}.yaml")), 0
    for role in ("approvals", "history"):
        for table, _ in tables(document, role):
            width, padding = text_widths(theme)[0], 2 * theme.sizes.cell_padding
            for column, share in enumerate(table.widths):
                for cell in [table.head[column], *(row[column] for row in table.rows)]:
                    face = Face(theme.sizes.table, bold=cell.header)
                    # (its words with their soft hyphens: where each may break)
                    for word in re.split(r"(?<=[-‐–—/])|\s+", plain_text(cell.inlines)):
                        pieces = word.split("\u00ad")
                        found += len(pieces) > 1
                        widest = max(measure.width(p + "-" * (n < len(pieces) - 1), face)
                                     for n, p in enumerate(pieces))
                        assert share * width >= widest + padding - 0.01, (stem, word)
    assert found  # the German compounds wider than their columns are hyphenated


def test_eight_german_subjects_turn_to_landscape_and_a_guide_can_say_otherwise(tmp_path):
    guide = load(DATA / "acht-dienstleister.yaml")
    [(_, orientation)] = tables(document_of(guide))
    assert orientation == "landscape"
    forced = guide.model_copy(update={"comparisons": (
        guide.comparisons[0].model_copy(update={"orientation": "portrait"}),
        *guide.comparisons[1:])})
    [(table, orientation)] = tables(document_of(forced))
    assert orientation == "portrait" and sum(table.widths) == pytest.approx(1)
    theme = load_templates().theme
    minimum = theme.matrix_column_min * Measure(theme, ENGLISH).ch(theme.sizes.table)
    assert min(table.widths) * text_widths(theme)[0] >= minimum  # squeezed, not below


def test_the_theme_sets_the_default_orientation_and_a_guide_overrides_it():
    base = load_templates()
    upright = Templates(base.folders, base.theme.model_copy(
        update={"matrix_orientation": "portrait"}))
    turned = Templates(base.folders, base.theme.model_copy(
        update={"matrix_orientation": "landscape"}))
    german, default = load(DATA / "acht-dienstleister.yaml"), load(DEFAULT_GUIDE)
    assert tables(document_of(german, templates=upright))[0][1] == "portrait"
    assert tables(document_of(default, templates=turned))[0][1] == "landscape"
    said = default.model_copy(update={"comparisons": (
        default.comparisons[0].model_copy(update={"orientation": "portrait"}),
        *default.comparisons[1:])})
    assert tables(document_of(said, templates=turned))[0][1] == "portrait"


def test_a_turned_first_matrix_takes_the_part_heading_with_it():
    document = document_of(load(DATA / "acht-dienstleister.yaml"))
    comparisons = next(b for b in document.walk()
                       if isinstance(b, Section) and b.role == "comparisons")
    first = comparisons.children[0]
    assert isinstance(first, Section) and first.orientation == "landscape"
    assert first.children[0].anchor == "comparisons"  # not alone on the page before


def test_columns_needing_less_than_their_share_give_it_to_those_needing_more():
    guide = load(DATA / "excipients.yaml")
    [(table, _)] = tables(document_of(guide))
    theme = load_templates().theme
    assert table.widths[0] < theme.matrix_criteria_width / 100  # short criteria
    assert min(table.widths[1:]) > (1 - theme.matrix_criteria_width / 100) / 3


columns = st.lists(st.tuples(st.floats(5, 200), st.floats(0, 150), st.floats(0.05, 1),
                             st.floats(0, 400)), min_size=2, max_size=9)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(spec=columns, width=st.floats(100, 900))
def test_allotted_widths_fill_the_width_and_respect_each_columns_least(spec, width):
    cols = [Column(least=floor + extra, floor=floor, share=share, natural=natural,
                   firm=n == 0) for n, (floor, extra, share, natural) in enumerate(spec)]
    widths = allot(cols, width)
    assert sum(widths) == pytest.approx(width, rel=1e-6)
    if sum(c.least for c in cols) <= width:
        assert all(w >= c.least - 1e-6 for w, c in zip(widths, cols, strict=True))
    elif sum(c.floor for c in cols) <= width:
        assert all(w >= c.floor - 1e-6 for w, c in zip(widths, cols, strict=True))


def test_the_docx_and_the_pdf_html_take_the_same_widths():
    from guidegen.renderers import RenderContext
    from guidegen.renderers.html import render_html

    templates = load_templates()
    document = document_of(load(DATA / "acht-dienstleister.yaml"))
    [(table, _)] = tables(document)
    html = render_html(document, RenderContext(templates))
    shares = [float(w) / 100 for w in re.findall(r'<col style="width: ([\d.]+)%">', html)]
    # every table's, in order: the matrix, then the control block's approvals and history
    every = [w for block in document.walk() if isinstance(block, Table) for w in block.widths]
    assert shares == pytest.approx(every, abs=1e-3) and len(every) > len(table.widths)
    measured = measure_columns(table.head, table.rows, templates.styles, ENGLISH)
    assert len(measured) == len(table.widths) == 9


def test_tightened_theme_narrows_spacing_first_then_sizes():
    theme = load_templates().theme
    small, tightest = theme.tightened(1), theme.tightened(2)
    assert small.sizes.body == theme.sizes.body
    assert small.sizes.spacing == pytest.approx(theme.sizes.spacing * theme.fit.spacing, 1e-3)
    assert small.sizes.line_height == pytest.approx(min(theme.sizes.line_height,
                                                        theme.fit.line_height))
    assert tightest.sizes.body == pytest.approx(theme.sizes.body * theme.fit.size, abs=0.01)
    assert theme.tightened(0) is theme
    assert dataclasses.is_dataclass(small) is False  # a theme model, copied
