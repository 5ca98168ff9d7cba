"""Each style rule made ready once per process (guidegen.renderers.speed.css)."""

from __future__ import annotations

import logging

import pytest

from guidegen import BuildOptions
from guidegen.renderers.speed import css as speed_css
from guidegen.renderers.speed import import_weasyprint

from .conftest import DATA

HTML = "<html><head><style>{}</style></head><body><p>Hello</p></body></html>"


@pytest.fixture
def real_css():
    """Return WeasyPrint's own stylesheet class (the trick installed beside it)."""
    import weasyprint.css

    assert import_weasyprint() is weasyprint
    assert weasyprint.css.CSS is not weasyprint.CSS  # the trick is installed
    return weasyprint.CSS


def made_and_reused() -> tuple[int, int]:
    return speed_css._STATE["made"], speed_css._STATE["reused"]


def test_a_guide_laid_out_again_reuses_every_rule_and_its_pdf_is_the_same(
        tmp_path, monkeypatch, real_css):
    import weasyprint.css

    import guidegen
    from guidegen.content.loader import load

    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "other.yaml").write_text(text.replace("Alpha vs Beta", "Gamma vs Delta"),
                                         encoding="utf-8")

    def pdf(name: str) -> bytes:
        guide = load(DATA / name if name == "minimal.yaml" else tmp_path / name,
                     translations=False)
        return guidegen.render(guide, ["pdf"], BuildOptions(jobs=1, force=True))["pdf"].data

    first = pdf("minimal.yaml")
    made, reused = made_and_reused()
    again = pdf("minimal.yaml")
    assert made_and_reused()[0] == made and made_and_reused()[1] > reused + 50
    made, reused = made_and_reused()
    retitled = pdf("other.yaml")  # the running title is one rule of the stylesheet
    assert 1 <= made_and_reused()[0] - made <= 2 and made_and_reused()[1] > reused + 50
    monkeypatch.setattr(weasyprint.css, "CSS", real_css)
    assert first == again == pdf("minimal.yaml")
    assert retitled == pdf("other.yaml")


def test_a_rule_weasyprint_warns_about_warns_in_each_document_where_it_stands(
        caplog, monkeypatch, real_css):
    import weasyprint.css

    weasyprint = import_weasyprint()
    sheet = "p { color: red }\n\nb { color: green } i { colr: blue }"  # 3:24

    def warnings() -> list[str]:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            weasyprint.HTML(string=HTML.format(sheet)).render()
        return [record.getMessage() for record in caplog.records]

    once = warnings()
    made, reused = made_and_reused()
    assert warnings() == once and len(once) == 1
    assert once[0].startswith("Ignored `colr: blue ` at 3:24")
    assert made_and_reused() == (made + 1, reused + 2)  # made again: the warned rule
    monkeypatch.setattr(weasyprint.css, "CSS", real_css)
    assert warnings() == once  # at the same line and column as WeasyPrint says alone


@pytest.mark.parametrize("sheet", [
    '@import "x.css";\np { color: red }',
    "@font-face { font-family: x; src: local(DejaVu Sans) }",
    "@counter-style x { system: cyclic; symbols: a }",
    "@layer base { p { color: red } }",
    "p { background: url(x.png) }",
    "p { font-family: \\78 }",
    "p { color: red",
    "p:not(x} { color: red }",
    "p { color: red }}",
])
def test_a_stylesheet_with_more_than_plain_rules_is_made_whole(sheet):
    assert speed_css._rules(sheet) is None


def test_the_rules_are_told_apart_where_weasyprint_tells_them_apart():
    sheet = ('p { content: "}" }  /* } */ b { color: red }\n'
             "@media print { p { color: blue } }\n@page { @top-right { content: 'x' } }\n")
    assert speed_css._rules(sheet) == [
        ('p { content: "}" }', 1, 1),
        ("  /* } */ b { color: red }", 1, 19),
        ("\n@media print { p { color: blue } }", 1, 45),
        ("\n@page { @top-right { content: 'x' } }", 2, 35),
    ]
