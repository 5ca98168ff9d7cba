"""What the PDF helper makes while it waits: the last build's style rules, a font configuration.

guidegen.renderers.speed.css (premake, save_laid) and renderers.pdf.engine
(make_font_configuration), called by the helper between messages (builder.serving).
"""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest

import guidegen
from guidegen import BuildOptions
from guidegen.builder.processes import PdfHelper
from guidegen.errors import RenderError
from guidegen.renderers.pdf.engine_hooks import refusing_fetcher
from guidegen.renderers.speed import css as speed_css

from .conftest import DATA, DEFAULT_GUIDE, FRESH_2


def pdf_of(name: str) -> bytes:
    fresh = BuildOptions(jobs=1, force=True)  # laid out for real (speed/layouts)
    return guidegen.render(guidegen.load(DATA / name), ["pdf"], fresh)["pdf"].data


def test_the_rules_saved_are_made_ahead_and_a_layout_then_makes_none(tmp_path, no_rules_kept):
    first = pdf_of("minimal.yaml")
    speed_css.save_laid(tmp_path)
    assert (tmp_path / speed_css._SHEETS_FILE).is_file()
    speed_css._RULES.clear()  # a new helper's: nothing kept
    speed_css._SAVED.clear()
    made = speed_css.premake(tmp_path, lambda: False, refusing_fetcher())
    assert made > 50
    before = speed_css._STATE["made"]
    assert pdf_of("minimal.yaml") == first
    assert speed_css._STATE["made"] == before  # every rule made ahead
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) == 0  # all kept already


def test_a_message_waiting_stops_the_making_and_a_foreign_file_is_not_read(tmp_path,
                                                                            no_rules_kept):
    pdf_of("minimal.yaml")
    speed_css.save_laid(tmp_path)
    speed_css._RULES.clear()
    speed_css._SAVED.clear()
    asked = []

    def waiting() -> bool:
        asked.append(1)
        return len(asked) > 3  # the fourth rule's turn: a document is there

    assert speed_css.premake(tmp_path, waiting, refusing_fetcher()) == 3
    path = tmp_path / speed_css._SHEETS_FILE
    os.chmod(path, 0o666)  # others could have written it
    speed_css._RULES.clear()
    speed_css._SAVED.clear()
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) == 0
    os.chmod(path, 0o600)
    path.write_text("[[1, 2]", encoding="utf-8")  # damaged
    speed_css._SAVED.clear()
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) == 0


def test_a_rebuild_does_not_write_the_saved_stylesheets_again(tmp_path, no_rules_kept):
    pdf_of("minimal.yaml")
    speed_css.save_laid(tmp_path)
    path = tmp_path / speed_css._SHEETS_FILE
    minimal = speed_css._read_laid(path)
    os.utime(path, (1, 1))
    speed_css._SAVED.clear()  # as a new process finds it
    pdf_of("minimal.yaml")
    speed_css.save_laid(tmp_path)
    assert path.stat().st_mtime == 1
    speed_css._LAID.clear()  # a new helper's
    speed_css._SAVED.clear()
    pdf_of("five-subjects.yaml")  # another guide's stylesheets first (its last laid out
    speed_css.save_laid(tmp_path)  # first: the level it settled at), the older after
    saved, laid = speed_css._read_laid(path), list(speed_css._LAID)
    assert len(laid) > 1 and saved == [*reversed(laid), *minimal] and minimal[0] not in laid
    os.utime(path, (1, 1))
    speed_css._LAID.clear()  # a helper and its twin, each with one of them, in any order:
    speed_css._SAVED.clear()  # the file is not written again, its order kept
    for sheet in (*laid, *minimal):
        speed_css._LAID.append(sheet)
        speed_css.save_laid(tmp_path)
    assert path.stat().st_mtime == 1 and speed_css._read_laid(path) == saved


def test_once_a_document_is_laid_out_only_its_template_folders_rules_are_made(
        tmp_path, no_rules_kept):
    # the saved file also has the stylesheet of another template folder (a --templates
    # build, another checkout's): a new helper makes it before its first document, and
    # between messages, once it laid one out, no longer (the build's other processes work)
    pdf_of("minimal.yaml")
    speed_css.save_laid(tmp_path)
    path = tmp_path / speed_css._SHEETS_FILE
    (rules, base_url, media), = speed_css._read_laid(path)
    assert base_url is not None
    elsewhere = base_url.replace("/templates/", "/elsewhere/templates/")
    path.write_text(json.dumps([[rules, base_url, media], [rules, elsewhere, media]]),
                    encoding="utf-8")
    speed_css._SAVED.clear()
    speed_css._RULES.clear()
    ours = speed_css.premake(tmp_path, lambda: False, refusing_fetcher())
    assert ours == len(rules) and len(speed_css._LAID) == 1  # laid out: ours only
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) == 0
    speed_css._LAID.clear()  # a new helper, before its first document: both
    speed_css._RULES.clear()
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) == 2 * len(rules)


def test_the_font_configuration_made_ahead_is_the_first_layouts():
    import threading

    from guidegen.renderers.pdf import engine

    result = {}

    def in_a_new_thread() -> None:  # each thread has its own configurations
        engine.make_font_configuration()
        spare = engine._kept()[engine._SPARE]
        result["same"] = engine._font_configuration(("fonts", "a")) is spare
        result["kept"] = engine._SPARE not in engine._kept()

    thread = threading.Thread(target=in_a_new_thread)
    thread.start()
    thread.join()
    assert result == {"same": True, "kept": True}


def test_a_new_helper_makes_the_last_builds_rules_before_its_first_document(
        tmp_path, monkeypatch, no_rules_kept, one_process):
    # two builds of the default guide (fitted: its first layout and one try), each with
    # a helper forked after the patches, in a cache folder of their own: the first
    # saves its stylesheets, the second's helper makes their rules while it waits (this
    # process hands it the document only then) and its layouts make no rule. Each helper
    # starts with no rule kept (forked from this process, which then keeps none)
    import guidegen.renderers.pdf as pdf
    from guidegen.builder import serving

    context = multiprocessing.get_context("fork")
    made = context.Array("i", 8)  # rules made in each layout, in turn
    laid = context.Value("i", 0)
    idle = context.Event()
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path / "cache"))
    laid_pages, submit, serve_idle = pdf.laid_pages, PdfHelper.submit, pdf.idle

    def counted(layout):
        before = speed_css._STATE["made"]
        try:
            return laid_pages(layout)
        finally:
            with laid.get_lock():
                made[laid.value] = speed_css._STATE["made"] - before
                laid.value += 1

    def noted_idle(waiting):
        serve_idle(waiting)
        idle.set()

    def after_the_idle(self, *args, **kwargs):
        if not idle.wait(60):  # only a broken helper waits this long
            raise RenderError("the helper did not make its rules while it waited")
        return submit(self, *args, **kwargs)

    monkeypatch.setattr(pdf, "laid_pages", counted)
    monkeypatch.setattr(pdf, "idle", noted_idle)
    monkeypatch.setattr(PdfHelper, "submit", after_the_idle)
    guide = guidegen.load(DEFAULT_GUIDE)
    outputs = []
    for _ in range(2):
        if PdfHelper._running is not None:
            PdfHelper._running.stop()
        idle.clear()
        laid.value = 0
        try:
            outputs.append(guidegen.render(guide, ["pdf", "docx"], FRESH_2))
        finally:
            PdfHelper._running.stop()  # not to be reused with the patches in it
        if not outputs[1:]:
            assert laid.value == 2 and made[0] > 50  # a new cache: made in the layout
            assert (tmp_path / "cache" / speed_css._SHEETS_FILE).is_file()
    assert laid.value == 2 and list(made[:2]) == [0, 0]  # the first layout, the try
    monkeypatch.undo()
    assert serving._waiting  # the helper asks its pipe whether a message waits
    for output in outputs:  # the PDF rendered in one process (made once per run)
        assert output["pdf"].data == one_process(DEFAULT_GUIDE)["pdf"]


@pytest.fixture
def counting_server():
    """Return a local HTTP server's URL and the list of paths it was asked for."""
    import http.server
    import threading

    asked: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def plant(folder, url: str, size: int = 0) -> None:
    """Write a saved-stylesheets file with an ``@import`` of ``url`` among real rules."""
    import json

    folder.mkdir(mode=0o700, exist_ok=True)
    rules = [[f'@import url("{url}/x.css");', 1, 1], ["\np { margin: 0 }", 1, 30],
             [f"\n@import '{url}/y.css';", 2, 17], ["\nq { margin: 0 }", 3, 1]]
    text = json.dumps([[rules, "file:///p/", "print"]])
    path = folder / speed_css._SHEETS_FILE
    path.write_text(text + " " * max(0, size - len(text)), encoding="utf-8")
    os.chmod(path, 0o600)


def test_a_planted_import_is_never_fetched_nor_read_and_a_big_file_is_ignored(
        tmp_path, no_rules_kept, counting_server):
    url, asked = counting_server
    plant(tmp_path, url)
    sheets = speed_css._read_laid(tmp_path / speed_css._SHEETS_FILE)
    assert [rules for rules, _, _ in sheets] == [(("\np { margin: 0 }", 1, 30),
                                                   ("\nq { margin: 0 }", 3, 1))]
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) == 2
    speed_css._SAVED[tmp_path] = [(((f'@import url("{url}/z.css");', 1, 1),), None, "print")]
    # even one that got through: not fetched
    speed_css.premake(tmp_path, lambda: False, refusing_fetcher())
    assert asked == []
    plant(tmp_path, url, size=speed_css._SHEETS_MAX + 1)
    assert speed_css._read_laid(tmp_path / speed_css._SHEETS_FILE) == []
    plant(tmp_path, url, size=speed_css._SHEETS_MAX)
    assert len(speed_css._read_laid(tmp_path / speed_css._SHEETS_FILE)) == 1


def test_a_build_with_a_planted_import_fetches_nothing_and_makes_the_same_pdf(
        tmp_path, monkeypatch, no_rules_kept, counting_server, one_process):
    url, asked = counting_server
    cache = tmp_path / "cache"
    plant(cache, url)
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(cache))
    guide = guidegen.load(DATA / "minimal.yaml")
    if PdfHelper._running is not None:
        PdfHelper._running.stop()  # a new helper, forked now: it makes the planted rules
    try:
        planted = guidegen.render(guide, ["pdf", "docx"], FRESH_2)["pdf"].data
        assert PdfHelper._running is not None  # laid out by a helper
    finally:
        if PdfHelper._running is not None:
            PdfHelper._running.stop()
    assert asked == []
    # the PDF of one process whose cache holds no planted file (made once per run; if
    # this test is the first to ask, it is made now: in an empty cache, not the planted one)
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path / "empty"))
    assert planted == one_process(DATA / "minimal.yaml")["pdf"]


def test_a_font_configuration_is_made_ahead_only_before_the_threads_first():
    import threading

    from guidegen.renderers.pdf import engine

    result = {}

    def in_a_new_thread() -> None:  # a long-lived helper's later wait: none made ahead
        first = engine._font_configuration(("fonts", "a"))
        engine.make_font_configuration()
        result["none"] = engine._SPARE not in engine._kept()
        result["new"] = engine._font_configuration(("fonts", "b")) is not first

    thread = threading.Thread(target=in_a_new_thread)
    thread.start()
    thread.join()
    assert result == {"none": True, "new": True}
