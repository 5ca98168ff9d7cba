"""One layout, two renderers: every format is drawn from the same document tree."""

from __future__ import annotations

import dataclasses
import io

import docx
import pytest

import guidegen
from guidegen.renderers import RenderContext, get_renderer
from guidegen.theme import load_templates
from guidegen.tree import Heading, Paragraph, Section, Strong, Text, walk

from .conftest import DATA, DEFAULT_GUIDE, GOOD_FIXTURES, document_of
from .readers import (
    docx_list_items,
    docx_structure,
    docx_text,
    html_text,
    normalize,
    pdf_list_items,
    pdf_structure,
    pdf_text,
)

FIXTURES = GOOD_FIXTURES


@pytest.fixture(scope="module")
def built(a4):
    return a4  # every fixture, built once per test run (see conftest)


@pytest.mark.parametrize("guide", FIXTURES, ids=lambda p: p.stem)
def test_pdf_and_docx_say_the_same_in_the_same_order(built, guide):
    pdf, word = built.path(guide.stem, "pdf"), built.path(guide.stem, "docx")
    assert docx_structure(word) == pdf_structure(pdf)  # headings and table cells
    assert docx_list_items(word) == pdf_list_items(pdf)


@dataclasses.dataclass(frozen=True)
class Callout:
    """A kind of block neither renderer has heard of."""

    children: tuple
    role: str = "callout"


def with_callout(document):
    """Return ``document`` with a callout after its title block."""
    callout = Callout((Paragraph((Strong((Text("Remember:"),)),
                                  Text(" ask your QA lead before you sign."))),))
    first, *rest = document.blocks
    return dataclasses.replace(document, blocks=(first, callout, *rest))


def render_all(document, templates):
    context = RenderContext(templates)
    return {name: get_renderer(name)(document, context).data
            for name in ("html", "pdf", "docx")}


def test_a_new_kind_of_block_reaches_every_format(tmp_path):
    document = with_callout(document_of(guidegen.load(DEFAULT_GUIDE)))
    rendered = render_all(document, load_templates())
    words = "Remember: ask your QA lead before you sign."
    assert words in html_text(rendered["html"])
    (tmp_path / "x.pdf").write_bytes(rendered["pdf"])
    assert words in normalize(pdf_text(tmp_path / "x.pdf"))
    assert words in docx_text(io.BytesIO(rendered["docx"]))
    assert '<div class="callout callout">' in rendered["html"].decode()


def test_a_template_changes_how_a_block_looks_not_whether_the_docx_has_it(tmp_path):
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "callout.html.j2").write_text(
        '<aside class="note">{% import "inlines.html.j2" as md %}'
        '{% for p in block.children %}{{ md.inlines(p.inlines) }}{% endfor %}</aside>\n')
    document = with_callout(document_of(guidegen.load(DEFAULT_GUIDE)))
    rendered = render_all(document, load_templates(tmp_path))
    html = rendered["html"].decode()
    assert '<aside class="note"><strong>Remember:</strong> ask your QA lead' in html
    paragraphs = [p.text for p in docx.Document(io.BytesIO(rendered["docx"])).paragraphs]
    assert "Remember: ask your QA lead before you sign." in paragraphs


def test_every_heading_has_a_unique_anchor_and_levels_nest():
    for path in FIXTURES:
        headings = [b for b in walk(document_of(guidegen.load(path)).blocks)
                    if isinstance(b, Heading)]
        anchors = [h.anchor for h in headings]
        assert all(anchors) and len(set(anchors)) == len(anchors), path
        assert headings[0].level == 1 and all(h.level in (2, 3) for h in headings[1:])


def test_labels_are_resolved_in_the_tree_from_the_theme(tmp_path):
    (tmp_path / "theme.yaml").write_text(
        'labels:\n  legend: "Legende"\n  comparing: "Vergleich: {subjects}"\n'
        '  mark_yes: "Ja"\n', encoding="utf-8")
    guide = guidegen.load(DATA / "minimal.yaml")
    document = document_of(guide, language="de")
    custom = document_of(guide, templates=load_templates(tmp_path))
    texts = [b.text for b in walk(custom.blocks) if isinstance(b, Heading)]
    assert "Vergleich: A and B" in texts
    legend = next(b for b in walk(custom.blocks)
                  if isinstance(b, Paragraph) and b.role == "legend")
    assert "Legende:" in str(legend) and "Ja" in str(legend)
    assert document.meta.language.tag == "de" and custom.meta.language.tag == "en"


def test_sections_carry_page_hints_that_both_renderers_honour(tmp_path):
    document = document_of(guidegen.load(DEFAULT_GUIDE))
    turned = tuple(dataclasses.replace(b, orientation="landscape")
                   if isinstance(b, Section) and b.role == "comparisons" else b
                   for b in document.blocks)
    rendered = render_all(dataclasses.replace(document, blocks=turned), load_templates())
    (tmp_path / "x.pdf").write_bytes(rendered["pdf"])
    import pypdf

    sizes = {(round(p.mediabox.width), round(p.mediabox.height))
             for p in pypdf.PdfReader(tmp_path / "x.pdf").pages}
    assert sizes == {(595, 842), (842, 595)}  # A4 upright, and turned for the comparisons
    sections = docx.Document(io.BytesIO(rendered["docx"])).sections
    assert [s.orientation for s in sections] == [0, 1, 0]  # portrait, landscape, portrait
    assert sections[1].page_width > sections[1].page_height
