"""WeasyPrint behind one adapter (renderers/pdf/engine.py): its API, and that it is the only one.

The adapter's small typed API is what the preflight, the page map, composed packets and
the missing-glyph error read; these tests hold it to what WeasyPrint lays out, so a
WeasyPrint release that changes its inside fails here, in one module's tests.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from guidegen.renderers.pdf import engine

from .conftest import PATIENCE, ROOT
from .test_preflight import uncovered_character

PAGE = "<style>@page { size: 100mm 80mm; margin: 10mm; @bottom-center { content: " \
       "'Page ' counter(page) } } section.next { break-before: right }</style>"


def laid(body: str, fetcher=None) -> engine.Laid:
    fetcher = fetcher or engine.url_fetcher(lambda url: None)
    return engine.lay_out(f"<html lang='en'>{PAGE}<body>{body}</body></html>",
                          ROOT.as_uri() + "/", fetcher, "pdf/ua-1")


def test_pages_anchors_blank_pages_and_geometry():
    document = laid("<h1 id='one'>One</h1><section class='next' id='two'><p>Two</p></section>")
    assert len(document.pages) == 3
    assert [page.anchors for page in document.pages] == [["one"], [], ["two"]]
    assert [page.blank for page in document.pages] == [False, True, False]
    left, top, width, height = document.pages[0].area
    mm = 96 / 25.4  # CSS pixels
    assert (round(left / mm), round(top / mm), round(width / mm), round(height / mm)) == \
        (10, 10, 80, 60)
    assert document.pages[0].generated_text() == ["Page 1"]
    assert document.pages[2].generated_text() == ["Page 3"]


def test_boxes_say_what_they_are_and_where_they_came_from():
    document = laid("<p data-src='4'>Hello <b>you</b></p><table data-src='7'><thead><tr>"
                    "<th data-src='8'>Head</th></tr></thead><tbody><tr><td>Cell</td></tr>"
                    "</tbody></table><img alt='x' src='data:image/png;base64,"
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'>")
    boxes = list(document.pages[0].boxes())
    texts = {box.text: box for box in boxes if box.kind == "text"}
    assert texts["you"].src == 4 and texts["you"].tag == "b"
    assert texts["Cell"].src == 7 and texts["Head"].src == 8
    kinds = {box.kind for box in boxes}
    assert {"line", "text", "table", "row-group", "row", "cell", "picture"} <= kinds
    assert "margin" not in kinds
    header = next(box for box in boxes if box.kind == "row-group" and box.is_header)
    assert [cell.all_text for row in header.children for cell in row.children] == ["Head"]
    cell = next(box for box in boxes if box.kind == "cell" and box.all_text == "Cell")
    assert cell.column == 0 and cell.own_src is None and cell.font_size > 0
    line = next(box for box in boxes if box.kind == "line")
    assert line.bottom > line.y and line.outer_width >= line.width > 0
    assert texts["Hello "].element_text == "Hello you"
    assert line.key == line.key and line.key != cell.key
    assert {box.kind for box in document.pages[0].boxes(margins=True)} >= {"margin"}


def test_a_copy_of_pages_writes_a_pdf_of_those_pages():
    document = laid("<p>One</p><p style='break-before: page'>Two</p>")
    pdf = document.copy(document.pages[1:]).write_pdf()
    assert pdf.startswith(b"%PDF-") and pdf.count(b"/Type /Page\n") <= 1
    assert len(document.copy(document.pages[1:]).pages) == 1


def test_a_refused_url_stops_the_layout_and_is_listed():
    def fetch(url):
        if url.startswith("data:"):
            return None
        raise engine.URLRefusedError(f"refused to fetch {url!r}")

    fetcher = engine.url_fetcher(fetch)
    with pytest.raises(engine.URLRefusedError) as caught:
        laid("<img src='https://x.test/a.png'>", fetcher)
    assert str(caught.value) == "refused to fetch 'https://x.test/a.png'"
    assert fetcher.refused == ["refused to fetch 'https://x.test/a.png'"]
    assert engine.url_fetcher(lambda url: engine.Fetched(b"hi", "text/plain")).open("a") == b"hi"


def test_the_glyph_miss_hook_hears_characters_no_font_has():
    char = uncovered_character()
    document = laid(f"<p>{char}</p>")
    with engine.glyph_misses() as missing:
        document.write_pdf()
    assert list(missing) == [char]
    with engine.glyph_misses() as missing:
        laid("<p>plain</p>").write_pdf()
    assert not missing


def test_only_the_engine_touches_weasyprint():
    # the speed tricks import it (renderers/speed/); everything else asks the engine
    # (its pages and boxes, its hooks, its writing and its replayed painting are modules
    # of its own, which only the engine imports)
    parts = {"engine_boxes.py", "engine_hooks.py", "engine_writing.py", "engine_painting.py"}
    pdf = ROOT / "src/guidegen/renderers/pdf"
    assert {path.name for path in pdf.glob("engine_*.py")} == parts
    allowed = {pdf / "engine.py", *(pdf / name for name in parts),
               *(ROOT / "src/guidegen/renderers/speed").glob("*.py")}
    for path in sorted((ROOT / "src" / "guidegen").rglob("*.py")):
        if path in allowed:
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
                assert not (node.module or "").split(".")[-1].startswith("engine_"), path
                assert not any(alias.name.startswith("engine_") for alias in node.names), \
                    path
            elif isinstance(node, ast.Attribute):
                assert node.attr != "_page_box", path
                continue
            else:
                continue
            assert not any(name.split(".")[0] == "weasyprint" for name in names), path
        assert "import_weasyprint" not in source, path


def test_whatever_the_engine_does_first_imports_weasyprint_with_the_speed_tricks(tmp_path):
    # a fetcher is made before the layout: WeasyPrint must not be imported plainly there
    import json
    import os
    import subprocess
    import sys

    code = ("import json; from guidegen.renderers.pdf import engine; "
            "engine.url_fetcher(lambda url: None); from weasyprint.text.ffi import ffi; "
            "print(json.dumps(type(ffi).__name__))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True,
                           env={**os.environ, "GUIDEGEN_CACHE_DIR": str(tmp_path / "guidegen")})
    assert json.loads(found.stdout) == "_CompiledFFI"


def test_the_pdf_renderer_imports_no_html_module():
    # html imports html.entities (10 ms of CPU) in the main process before the hand-off
    import subprocess
    import sys

    code = ("import sys, guidegen.renderers.pdf.steps; "  # the whole renderer, as the helper's
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'html'))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert found.stdout.strip() == "[]"


def test_the_pdf_renderer_imports_its_engine_only_when_asked_for():
    # the main process only draws the HTML (prepare_layout) before the hand-off: the
    # engine, the preflight and the page readers (8-10 ms of CPU) are the helper's
    import json
    import subprocess
    import sys

    code = ("import json, sys, guidegen.renderers.pdf as pdf; "
            "prefix = 'guidegen.renderers.pdf.'; "
            "first = sorted(m for m in sys.modules if m.startswith(prefix)); "
            "pdf.prepare_layout, pdf.Layout; "
            "steps = [getattr(pdf, name).__module__ for name in "
            "('lay_out', 'laid_pages', 'laid_out', 'written')]; "
            "print(json.dumps([first, steps, pdf.engine.__name__, "
            "'guidegen.renderers.pdf.preflight' in sys.modules, hasattr(pdf, 'prepare'), "
            "'guidegen.tree' in sys.modules]))")
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    first, steps, engine_name, preflight, prepare, tree = json.loads(found.stdout)
    assert first == ["guidegen.renderers.pdf.handoff", "guidegen.renderers.pdf.limits"]
    assert steps == ["guidegen.renderers.pdf.steps"] * 4
    assert engine_name == "guidegen.renderers.pdf.engine"
    assert preflight  # imported with the steps
    assert not prepare  # renderers.get_preparer asks for it: the PDF has none
    assert not tree  # the document tree is the main process's: the helper lays out HTML


def test_the_stand_in_for_cffi_looks_each_name_up_once():
    # WeasyPrint calls ffi.new, ffi.NULL, ffi.gc thousands of times per PDF (renderers/speed)
    from guidegen.renderers.speed.ffi import _CompiledFFI

    lookups = []

    class Compiled:
        def __getattr__(self, name):
            lookups.append(name)
            return f"compiled {name}"

    ffi = _CompiledFFI()
    ffi.__dict__["_ffi"] = Compiled()
    assert [ffi.new, ffi.new, ffi.NULL, ffi.new] == ["compiled new", "compiled new",
                                                     "compiled NULL", "compiled new"]
    assert lookups == ["new", "NULL"]


# A module alive until shutdown clears the modules (as pytest keeps the test modules), that
# imported the line cache before WeasyPrint: the cache's font configuration is freed after
# WeasyPrint's modules are cleared. Its Pango font map's finaliser must still be loaded.
SHUTDOWN = """
import sys
from guidegen.renderers.speed import import_weasyprint, lines

sys.kept = lines
import_weasyprint().HTML(string="<p>Contract development</p>").render()
from weasyprint.text.ffi import ffi
print(type(ffi).__name__, lines._FONTS[0] is not None)
"""


def test_a_process_that_laid_out_a_document_exits_without_a_crash():
    # it ended in a segmentation fault (exit code 139) after its last line: the compiled
    # declarations' libraries were unloaded before the objects that need them were freed
    import subprocess
    import sys

    found = subprocess.run([sys.executable, "-c", SHUTDOWN], capture_output=True,
                           text=True, timeout=PATIENCE)
    assert found.stdout.split() == ["_CompiledFFI", "True"], found.stderr
    assert found.returncode == 0, found.stderr


def test_only_the_oxml_adapter_touches_python_docx_inside():
    # raw WordprocessingML, the lxml elements behind python-docx's objects and its
    # package writer belong to renderers/docx/oxml/; the rest of the DOCX writer uses
    # python-docx's public API and oxml's functions
    inside = {"_p", "_r", "_tbl", "_tr", "_element", "_body", "_inline", "element",
              "get_style_id", "_write_parts", "_write_pkg_rels", "_write_content_types_stream"}
    folder = ROOT / "src" / "guidegen" / "renderers" / "docx"
    checked = [path for path in sorted(folder.glob("*.py"))]
    assert {path.name for path in checked} >= {"blocks.py", "parts.py", "toc.py", "styles.py"}
    for path in checked:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute):
                assert node.attr not in inside, (path.name, node.attr, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                assert not module.startswith(("docx.oxml", "docx.opc", "docx.text")), \
                    (path.name, module)


FACE = ("<style>@font-face { font-family: Face; src: url(face.ttf) } p { font-family: Face }"
        "</style><p>Hello</p>")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def face_pdf(face: bytes, fonts: object) -> bytes:
    """Return the PDF of a paragraph in the ``@font-face`` font ``face``, with ``fonts``."""

    def fetch(url: str) -> engine.Fetched | None:
        return engine.Fetched(face, "font/ttf") if url.endswith("/face.ttf") else None

    return engine.lay_out(f"<html lang='en'>{PAGE}<body>{FACE}</body></html>",
                          ROOT.as_uri() + "/", engine.url_fetcher(fetch), "pdf/ua-1",
                          fonts).write_pdf()


def test_layouts_of_the_same_template_files_share_one_font_configuration():
    sans, serif = ((DEJAVU / name).read_bytes() for name in ("DejaVuSans.ttf",
                                                                "DejaVuSerif.ttf"))
    alone = face_pdf(sans, None)  # a configuration of its own, as WeasyPrint makes it
    assert face_pdf(sans, ("templates", "1")) == alone
    assert face_pdf(sans, ("templates", "1")) == alone  # shared, the same bytes
    assert len(engine._FONT_CONFIGURATIONS.kept) == 1
    # the template files changed (the font file with them): the next layout gets a new one
    assert face_pdf(serif, ("templates", "2")) == face_pdf(serif, None) != alone
    assert list(engine._FONT_CONFIGURATIONS.kept) == [("templates", "2")]
    ours = engine._font_configuration(("templates", "2"))
    theirs: list[object] = []  # another thread gets one of its own (Pango's is not shared)
    thread = threading.Thread(target=lambda: theirs.append(
        engine._font_configuration(("templates", "2"))))
    thread.start()
    thread.join()
    assert theirs[0] is not ours and engine._font_configuration(("templates", "2")) is ours


def test_a_font_weasyprint_saves_again_is_dated_as_the_pdf(tmp_path, monkeypatch):
    # WeasyPrint saves a font with pictured glyphs (or a variable one) again through
    # fontTools, which dated it when it was written: the PDF changed with the second
    import io
    import time

    import pikepdf

    from .test_drawing import svg_glyph_font

    svg_glyph_font(tmp_path / "pictured.ttf")
    face = (tmp_path / "pictured.ttf").read_bytes()

    def fetch(url: str) -> engine.Fetched | None:
        return engine.Fetched(face, "font/ttf") if url.endswith("/face.ttf") else None

    html = ("<html lang='en'><style>@font-face { font-family: Face; src: url(face.ttf) } "
            "p { font-family: Face }</style><body><p>ABBA AB</p></body></html>")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # fontTools would take it

    def written_at(seconds: float) -> bytes:
        with monkeypatch.context() as patch:
            patch.setattr(time, "time", lambda: seconds)
            laid = engine.lay_out(html, ROOT.as_uri() + "/", engine.url_fetcher(fetch),
                                  "pdf/ua-1")
            return laid.write_pdf()

    first = written_at(1_800_000_000.0)
    with pikepdf.open(io.BytesIO(first)) as pdf:  # the face is embedded: the case in point
        assert any("/FontFile2" in obj for obj in pdf.objects
                   if isinstance(obj, pikepdf.Dictionary))
    assert written_at(1_900_000_000.0) == first
