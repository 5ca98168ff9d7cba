"""The HTML Jinja drew, kept in the cache folder for the next process that draws the same.

guidegen.renderers.speed.drawn, behind ``renderers.html.render_html``: a hit gives the
HTML and the places it tagged without drawing (nor importing Jinja, in a new process);
the key holds the document, the places known, the template folders' files and the
styles, so any of them changed draws again; without the folders' digest nothing is
kept; a drawing that failed is not kept, and its error is met again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import guidegen
from guidegen.builder.state import folder_digest
from guidegen.errors import GuidegenError, Location
from guidegen.renderers import RenderContext
from guidegen.renderers import html as renderer
from guidegen.renderers.html import Sources, render_html
from guidegen.theme import load_templates
from guidegen.theme.folders import template_folders

from .conftest import DATA, document_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return an empty cache folder this test's drawings are kept in."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(folder))
    return folder


def context_of(user: Path | None = None) -> RenderContext:
    """Return the render context of ``user``'s templates, with their folders' digest."""
    return RenderContext(load_templates(user, digest=folder_digest(template_folders(user))))


def drawings(folder: Path) -> list[Path]:
    return sorted(folder.glob("drawn-*.pickle"))


def counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Return a list that grows by one each time the templates draw."""
    calls: list[int] = []
    draw = renderer._draw

    def counted(*args: object) -> str:
        calls.append(1)
        return draw(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(renderer, "_draw", counted)
    return calls


def test_a_drawing_kept_is_given_again_without_drawing(cache, monkeypatch):
    context = context_of()
    document = document_of(guidegen.load(DATA / "minimal.yaml"), templates=context.templates)
    known = (Location("elsewhere.yaml", 3),)
    first = Sources(known)
    html = render_html(document, context, first)
    assert 'data-src="1"' in html and len(first.locations) > 2
    assert len(drawings(cache)) == 1
    calls = counting(monkeypatch)
    again = Sources(known)
    assert render_html(document, context, again) == html
    assert again.locations == first.locations and calls == []
    assert again(document.blocks[0]) == first(document.blocks[0])  # the same indexes
    plain = render_html(document, context)  # untagged: another drawing
    assert calls == [1] and "data-src" not in plain


def test_what_the_drawing_reads_is_in_the_key(cache, monkeypatch, tmp_path):
    context = context_of()
    document = document_of(guidegen.load(DATA / "minimal.yaml"), templates=context.templates)
    html = render_html(document, context, Sources())
    calls = counting(monkeypatch)
    title = replace(document, meta=replace(document.meta, title="Another title"))
    assert "Another title" in render_html(title, context, Sources())
    assert "elsewhere.yaml" not in html
    render_html(document, context, Sources((Location("elsewhere.yaml", 3),)))
    user = tmp_path / "templates"
    user.mkdir()
    (user / "theme.yaml").write_text("colors: {accent: '#123456'}\n", encoding="utf-8")
    theirs = context_of(user)
    assert theirs.templates.styles.key != context.templates.styles.key
    render_html(document, theirs, Sources())
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("read by no template\n", encoding="utf-8")
    same = context_of(other)  # the same styles, other files
    assert same.templates.styles.key == context.templates.styles.key
    assert same.templates.digest != context.templates.digest
    assert render_html(document, same, Sources()) == html
    assert calls == [1, 1, 1, 1]


def test_without_the_folders_digest_nothing_is_kept(cache):
    templates = load_templates()
    assert templates.digest == ""
    render_html(document_of(guidegen.load(DATA / "minimal.yaml"), templates=templates),
                RenderContext(templates), Sources())
    assert drawings(cache) == []


def test_a_template_that_fails_is_not_kept_and_fails_again(cache, tmp_path):
    user = tmp_path / "templates"
    user.mkdir()
    (user / "document.html.j2").write_text("<html>{{ nothing.here }}</html>\n",
                                           encoding="utf-8")
    context = context_of(user)
    document = document_of(guidegen.load(DATA / "minimal.yaml"), templates=context.templates)
    for _ in range(2):
        with pytest.raises(GuidegenError) as raised:
            render_html(document, context, Sources())
        assert "document.html.j2:1" in str(raised.value.problems[0].location)
    assert drawings(cache) == []


def test_a_new_process_takes_the_drawing_and_imports_no_jinja(cache):
    script = (
        "import sys\n"
        "import guidegen\n"
        "from guidegen.builder.state import folder_digest\n"
        "from guidegen.renderers import RenderContext\n"
        "from guidegen.renderers.html import Sources, render_html\n"
        "from guidegen.theme import load_templates\n"
        "from guidegen.theme.folders import template_folders\n"
        "from guidegen.layout.guide import layout_guide\n"
        "from guidegen.layout.labels import labels_for\n"
        "from guidegen.common.language import Language\n"
        "t = load_templates(digest=folder_digest(template_folders(None)))\n"
        f"g = guidegen.load({str(DATA / 'minimal.yaml')!r})\n"
        "d = layout_guide(g, t, labels_for(g, t, Language.of('en')))\n"
        "s = Sources()\n"
        "h = render_html(d, RenderContext(t), s)\n"
        "print(len(h), len(s.locations), 'jinja2' in sys.modules)\n")
    env = {**os.environ, "GUIDEGEN_CACHE_DIR": str(cache)}
    first, second = (subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                                    capture_output=True, text=True, check=True).stdout.split()
                     for _ in range(2))
    assert first[:2] == second[:2] and int(first[1]) > 2
    assert (first[2], second[2]) == ("True", "False")


def test_a_tightened_theme_in_the_same_folders_draws_again(cache):
    context = context_of()
    document = document_of(guidegen.load(DATA / "minimal.yaml"), templates=context.templates)
    html = render_html(document, context, Sources())
    templates = context.templates
    tight = RenderContext(templates.with_theme(templates.theme.tightened(1.5)))
    assert tight.templates.digest == templates.digest  # the same folders and files
    assert render_html(document, tight, Sources()) != html


def test_a_template_edited_in_its_folder_draws_again(cache, tmp_path):
    user = tmp_path / "templates"
    (user / "blocks").mkdir(parents=True)
    heading = user / "blocks" / "heading.html.j2"
    heading.write_text("<h2>first {{ block.text | default('') }}</h2>\n", encoding="utf-8")
    document = document_of(guidegen.load(DATA / "minimal.yaml"))
    assert "<h2>first" in render_html(document, context_of(user), Sources())
    heading.write_text("<h2>second {{ block.text | default('') }}</h2>\n", encoding="utf-8")
    assert "<h2>second" in render_html(document, context_of(user), Sources())
    # edited keeping its size and time: Jinja, which drew it in this process (serve, the
    # library), would not reload it; the folders' digest sees it: the edit is drawn, kept
    stamp = heading.stat()
    heading.write_text("<h2>SECOND {{ block.text | default('') }}</h2>\n", encoding="utf-8")
    os.utime(heading, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert heading.stat().st_size == stamp.st_size
    assert "<h2>SECOND" in render_html(document, context_of(user), Sources())
    kept = [path.read_bytes() for path in drawings(cache)]
    assert len(kept) == 3 and sum(b"<h2>SECOND" in body for body in kept) == 1
