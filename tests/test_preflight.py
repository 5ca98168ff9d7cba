"""The layout preflight after every PDF layout, and every glyph or a clear error."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import guidegen
from guidegen.errors import Location, ResourceError, collect_warnings
from guidegen.renderers import RenderContext
from guidegen.renderers.pdf import Layout, lay_out, prepare_layout
from guidegen.renderers.pdf.preflight import Limits, mark_words
from guidegen.theme import load_templates
from guidegen.theme.folders import builtin_templates

from .conftest import DATA, DEFAULT_GUIDE, document_of

PLACES = tuple(Location("g.yaml", line, 3) for line in range(1, 10))
HTML = """<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: A5; margin: 15mm; }} html {{ font-family: Carlito; font-size: 10pt;
hyphens: auto; }} body {{ margin: 0; overflow-wrap: break-word; }}
</style></head><body>{}</body></html>"""


def preflight(body: str):
    """Return the warnings and pagination of laying out ``body`` on A5 pages."""
    layout = Layout(HTML.format(body), (builtin_templates(),), None, PLACES,
                    Location("g.yaml"), Limits(column_chars=5, ch=0.5))
    rendered = lay_out(layout)
    return [(str(p.location), p.message) for p in rendered.warnings], rendered


def test_a_clean_page_has_no_warnings():
    warnings, rendered = preflight('<h2 data-src="0">Title</h2>' +
                                   '<p data-src="1">Some words that wrap. </p>' * 10)
    assert warnings == []
    assert rendered.pages == 1 and 0.3 < rendered.pagination.fills[0] < 1


def test_a_heading_last_on_its_page():
    warnings, _ = preflight('<p>Intro.</p><h2 data-src="2" style="break-after: page">'
                            'Alone</h2><p data-src="3">Body.</p>')
    assert [w for w in warnings if "heading" in w[1]] == [
        ("g.yaml:3:3", "the heading “Alone” is the last line of page 1: what it heads "
         "starts on the next page")]


def test_a_row_taller_than_a_page():
    tall = "line<br>" * 80
    warnings, rendered = preflight(f'<table><tbody><tr><th data-src="4">Row</th>'
                                   f'<td>{tall}</td></tr></tbody></table>')
    assert rendered.pages >= 2
    assert ("g.yaml:5:3", "a table row is taller than a page and was split across pages "
            "1 and 2; shorten its cells") in warnings


def test_content_outside_the_page():
    warnings, _ = preflight('<p data-src="1" style="white-space: nowrap">' +
                            "far " * 80 + "</p>")
    assert any(where == "g.yaml:2:3" and "sticks out of the page" in message
               for where, message in warnings)


def test_a_column_narrower_than_the_least_characters():
    head = "".join(f"<th>C{n}</th>" for n in range(25))
    row = "".join("<td>x</td>" for _ in range(25))
    warnings, _ = preflight(f'<table data-src="5" style="width: 100%; table-layout: fixed">'
                            f"<thead><tr>{head}</tr></thead><tbody><tr>{row}</tr></tbody>"
                            "</table>")
    narrow = [w for w in warnings if "characters wide" in w[1]]
    assert narrow and all(where == "g.yaml:6:3" for where, _ in narrow)
    assert "the column “C0” is" in narrow[0][1]


def test_a_nearly_empty_last_page():
    warnings, rendered = preflight('<div style="height: 178mm"></div>'
                                   '<h2 data-src="6">End</h2><p data-src="7">One line.</p>')
    assert rendered.pages == 2 and rendered.pagination.fills[-1] < 0.15
    assert any(where == "g.yaml:7:3" and "the last page is only" in message
               and "“End”" in message for where, message in warnings)


def test_a_word_broken_without_a_hyphen_but_not_one_hyphenated():
    warnings, _ = preflight('<p data-src="8" style="width: 18mm">Lot 4711000012345678901'
                            '</p><p data-src="0" lang="de" style="width: 24mm">'
                            "Chargenzertifizierung 株式会社株式会社株式会社株式会社</p>")
    [(where, message)] = warnings  # the German word is hyphenated, the Japanese may break
    assert where == "g.yaml:9:3"
    assert message.startswith("“4711000012345678901” is broken across lines without a "
                              "hyphen (“4711")
    assert message.endswith("”): it is wider than its column and cannot be hyphenated")


def test_a_hyphenated_mark_word_and_the_marks_a_document_prints():
    # the layout never hyphenates a mark; a template that does is warned of
    marks = mark_words(document_of(guidegen.load(DATA / "acht-dienstleister.yaml")))
    assert {"Ja", "Nein", "Teilweise"} <= marks and "✓" not in marks
    layout = Layout(HTML.format('<p data-src="3" style="width: 10mm">◐ Teil&shy;weise</p>'
                                '<p style="width: 10mm">Rand&shy;notiz</p>'),
                    (builtin_templates(),), None, PLACES, Location("g.yaml"),
                    Limits(column_chars=5, ch=0.5, mark_words=marks))
    warnings = [(str(p.location), p.message) for p in lay_out(layout).warnings]
    assert warnings == [("g.yaml:4:3", "the mark word “Teilweise” is hyphenated at a line "
                         "end: a reader reads two words; give its column room (or a "
                         "template that hyphenates marks: take it out)")]


def uncovered_character() -> str:
    """Return a character of a real script that no installed font covers."""
    for char in "ꕉᱚ𞠀𖹀𐌰𓀀":
        found = subprocess.run(["fc-list", f":charset={ord(char):x}"], capture_output=True,
                               text=True, check=True).stdout
        if not found.strip():
            return char
    pytest.fail("every candidate script has a font here; add another candidate")


def test_a_character_no_font_has_is_a_located_error():
    char = uncovered_character()
    with pytest.raises(ResourceError) as caught:
        preflight(f'<p data-src="1">Name: {char}{char}</p><p>{char}</p>')
    [problem] = caught.value.problems
    assert caught.value.exit_code == 5 and str(problem.location) == "g.yaml:2:3"
    assert problem.message.startswith(f"{char} (U+{ord(char):04X}): no installed font has")
    assert "Debian: fonts-noto-core" in problem.message


def test_a_missing_glyph_fails_the_build_naming_the_place_exit_5(project, cli):
    char = uncovered_character()
    guide = project / "content" / "cmo-cdmo-cro.yaml"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("criterion: Data management and analytics",
                                  f"criterion: Data management ({char})"), encoding="utf-8")
    line = next(n for n, row in enumerate(guide.read_text().splitlines(), 1) if char in row)
    result = cli("build")
    assert result.exit_code == 5
    assert result.stderr.startswith(f"content/cmo-cdmo-cro.yaml:{line}:20: error: {char} "
                                    f"(U+{ord(char):04X}): no installed font has")
    assert not (project / "output").exists()


@pytest.fixture(scope="module")
def eight_sites(tmp_path_factory):
    out = tmp_path_factory.mktemp("sites")
    with collect_warnings() as found:
        guidegen.build([str(DATA / "eight-sites-portrait.yaml")],
                       guidegen.BuildOptions(out=out, force=True))
    return out, list(found)


def test_a_fixture_made_to_break_words_warns_at_each_of_them(eight_sites):
    _, found = eight_sites
    assert [(p.location.line, p.location.column) for p in found] == [
        (line, 16) for line in range(32, 40)]
    assert all(p.severity == "warning" and "is broken across lines without a hyphen"
               in p.message for p in found)
    assert all(p.location.file.endswith("eight-sites-portrait.yaml") for p in found)


def test_strict_makes_the_warnings_errors_and_writes_nothing(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "eight-sites-portrait.yaml", tmp_path / "sites.yaml")
    result = cli("build", "sites.yaml", "--strict")
    assert result.exit_code == 1
    assert result.stderr.startswith("sites.yaml:32:16: error: “4711000012345678” is broken")
    assert "(warnings are errors with --strict)" in result.stderr
    assert not (tmp_path / "output").exists()
    result = cli("build", "sites.yaml")
    assert result.exit_code == 0 and "sites.yaml:32:16: warning:" in result.stderr


def test_only_the_html_laid_out_for_the_pdf_is_tagged_with_places():
    templates = load_templates()
    document = document_of(guidegen.load(DEFAULT_GUIDE))
    layout = prepare_layout(document, RenderContext(templates))
    assert 'data-src="0"' in layout.html and len(layout.sources) > 20
    assert all(place.file.endswith("cmo-cdmo-cro.yaml") for place in layout.sources)
    html = guidegen.render(guidegen.load(DEFAULT_GUIDE), ["html"])["html"].data.decode()
    assert "data-src" not in html and "cmo-cdmo-cro.yaml" not in html
