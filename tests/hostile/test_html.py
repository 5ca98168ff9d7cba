"""Hostile input, third pass (issue 23): ``-f html`` fetches nothing and runs nothing.

Two walls. The first: the HTML is read by the HTML5 parser browsers' rules describe
(tinyhtml5, WeasyPrint's), and anything that would fetch outside the URL policy or run
is refused (exit 1). The second: the written HTML's ``<head>`` begins with a
Content-Security-Policy, so a browser loads nothing but the file's own styles and
images even if something slipped past the first. Debian's chromium checks both.
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from ..attacks import HOSTILE
from ..conftest import PATIENCE
from ..readers import CHROMIUM_FLAGS

VECTORS = {  # template -> what the build says
    "html-script.html.j2": "refused: <script> is a script",
    "html-onerror.html.j2": "refused: the onerror attribute of <img> is a script",
    "html-refresh.html.j2": "refused: a refresh <meta> loads another page",
    "html-srcdoc.html.j2": "refused: <iframe> is a document inside the document",
    "html-imagesrcset.html.j2": "refused to fetch 'http://127.0.0.1:8765/imagesrcset'",
    "html-svg-import.html.j2": "refused to fetch 'http://127.0.0.1:8765/svg-import.css'",
    "html-comment-open.html.j2": "refused to fetch 'http://127.0.0.1:8765/comment-open'",
    "html-comment-bang.html.j2": "refused to fetch 'http://127.0.0.1:8765/comment-bang'",
}


@pytest.mark.parametrize("template", VECTORS)
def test_each_vector_is_refused_and_nothing_written(small, cli, template):
    (small.root / "templates" / "blocks").mkdir()
    shutil.copy(HOSTILE / "templates" / template,
                small.root / "templates" / "blocks" / "heading.html.j2")
    result = cli("build", "content/ab.yaml", "-f", "html")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(f"error: {VECTORS[template]}"), result.stderr
    assert small.files() == []


def test_the_written_html_begins_its_head_with_the_policy(small, cli):
    from guidegen.renderers.html import CONTENT_SECURITY_POLICY, policy_first
    from guidegen.renderers.html.urls import parse

    assert cli("build", "content/ab.yaml", "-f", "html").exit_code == 0
    html = (small.root / "output" / "ab.html").read_text(encoding="utf-8")
    assert policy_first(parse(html))
    assert CONTENT_SECURITY_POLICY == ("default-src 'none'; style-src 'unsafe-inline'; "
                                       "img-src data:; base-uri 'none'; form-action 'none'")
    # a document template without a <head> has nowhere to put it: refused
    small.write("headless/document.html.j2",
                "<!DOCTYPE html><title>x</title><body>{{ document.meta.title }}</body>")
    result = cli("build", "content/ab.yaml", "-f", "html", "--templates", "headless")
    assert result.exit_code == 1
    assert "has no <head> where its Content-Security-Policy can go first" in result.stderr


class _Server(http.server.ThreadingHTTPServer):
    """A local web server that records every path asked of it."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css" if self.path.endswith(".css")
                                 else "image/gif")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def _visit(page: Path, profile: Path) -> None:
    """Open ``page`` in headless chromium and let its scripts and loads run."""
    subprocess.run([shutil.which("chromium") or "chromium", *CHROMIUM_FLAGS,
                    f"--user-data-dir={profile}", "--virtual-time-budget=3000",
                    "--dump-dom", page.as_uri()], capture_output=True, timeout=PATIENCE,
                   check=True)


def test_chromium_fetches_every_vector_without_the_policy_and_none_with_it(tmp_path):
    from guidegen.renderers.html import with_policy

    server = _Server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        here = f"http://127.0.0.1:{server.server_address[1]}"
        body = "".join((HOSTILE / "templates" / name).read_text().replace(
            "{{ block.text }}", name).replace("http://127.0.0.1:8765", here)
            for name in VECTORS if name != "html-refresh.html.j2")
        page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
                f"<title>vectors</title>\n</head>\n<body>{body}</body>\n</html>\n")
        for name, html in (("raw", page), ("walled", with_policy(page))):
            server.paths.clear()
            (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
            _visit(tmp_path / f"{name}.html", tmp_path / "profile")
            if name == "raw":  # the vectors are live: each one fetched
                assert sorted(set(server.paths)) == [
                    "/comment-bang", "/comment-open", "/imagesrcset", "/onerror", "/script",
                    "/srcdoc", "/svg-import.css"]
            else:
                assert server.paths == []
    finally:
        server.shutdown()
        server.server_close()


def test_the_policy_leaves_the_look_of_the_html_as_it_was(small, cli, tmp_path):
    from guidegen.renderers.html import with_policy

    from ..attacks import png

    small.write("templates/theme.yaml", "logo: logo.png\n")
    (small.root / "templates" / "logo.png").write_bytes(png(120, 40))
    assert cli("build", "content/ab.yaml", "-f", "html").exit_code == 0
    walled = (small.root / "output" / "ab.html").read_text(encoding="utf-8")
    assert 'src="data:image/png;base64,' in walled
    unwalled = walled.replace(with_policy("<head>")[len("<head>"):], "", 1)
    assert unwalled != walled
    shots = []
    for name, html in (("walled", walled), ("unwalled", unwalled)):
        page = tmp_path / f"{name}.html"
        page.write_text(html, encoding="utf-8")
        shot = tmp_path / f"{name}.png"
        subprocess.run([shutil.which("chromium") or "chromium", *CHROMIUM_FLAGS,
                        f"--user-data-dir={tmp_path / 'profile'}", "--window-size=900,1200",
                        f"--screenshot={shot}", page.as_uri()], capture_output=True,
                       timeout=PATIENCE, check=True)
        shots.append(shot.read_bytes())
    assert shots[0] == shots[1]
