"""``guidegen serve`` and ``guidegen watch`` (issue 18 items 1 and 2), as a user runs them.

The server runs as a process of its own; Debian's chromium, driven by selenium through
chromium-driver, loads the page. The tests wait on events: the server's line saying a
build is done, and the browser's page (its DOM) showing what it shows.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import DEFAULT_GUIDE

TITLE = "CMO vs CDMO vs CRO: A Comprehensive Guide"
PATIENCE = 300  # seconds a wait gives up after (a loaded 2-core machine); never slept


class Running:
    """A guidegen process whose standard error is read line by line as it comes."""

    def __init__(self, project: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "guidegen", *args], cwd=project,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env)
        self.lines: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def first_line(self) -> str:
        """Return the first line of standard output."""
        assert self.process.stdout is not None
        return self.process.stdout.readline().rstrip("\n")

    def until(self, pattern: str) -> str:
        """Return the next line of standard error matching ``pattern``, once it is said."""
        while True:
            line = self.lines.get(timeout=PATIENCE)
            self.said.append(line)
            if re.search(pattern, line):
                return line

    def stop(self) -> int:
        """Stop the process as Ctrl-C does; return its status."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=PATIENCE)


@pytest.fixture
def served(project: Path) -> Iterator[tuple[Running, str]]:
    """Return ``guidegen serve`` running on the project's guide, and its address."""
    running = Running(project, "serve")
    try:
        url = running.first_line().split(" at ")[1].split()[0]
        yield running, url
    finally:
        if running.process.poll() is None:
            assert running.stop() == 0
    assert not (project / "output").exists()  # a preview never writes the outputs


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    """Return headless chromium, driven by chromium-driver."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    try:
        yield driver
    finally:
        driver.quit()


def shown(driver: webdriver.Chrome, element: str, text: str) -> bool:
    """Return whether the page's element ``element`` shows ``text`` now."""
    found = driver.find_elements(By.ID, element)
    return bool(found) and found[0].is_displayed() and text in found[0].text


def test_serve_shows_the_guide_then_each_save_and_an_error_over_it(served, browser, project):
    running, url = served
    running.until(r"^build 1 \(the first build\): done")
    browser.get(url)
    wait = WebDriverWait(browser, PATIENCE)
    wait.until(lambda d: shown(d, "title", TITLE))
    first = browser.find_element(By.ID, "page-1")
    wait.until(lambda d: d.execute_script("return arguments[0].naturalWidth", first) > 800)
    sections = browser.find_element(By.ID, "sections").text
    assert "Comparing CMO, CDMO, and CRO" in sections

    guide = project / "content" / "cmo-cdmo-cro.yaml"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("A Comprehensive Guide", "A Guide Saved Again"),
                     encoding="utf-8")
    running.until(r"^build 2 \(content/cmo-cdmo-cro.yaml\): done")
    wait.until(lambda d: shown(d, "title", "CMO vs CDMO vs CRO: A Guide Saved Again"))
    browser.find_element(By.ID, "show-html").click()  # the HTML output, rebuilt too
    browser.switch_to.frame(browser.find_element(By.ID, "html"))
    wait.until(lambda d: "A Guide Saved Again" in d.find_element(By.TAG_NAME, "h1").text)
    browser.switch_to.default_content()
    browser.find_element(By.ID, "show-html").click()

    guide.write_text(text.replace("subjects:\n", "subjects:\n  - bogus\n", 1), encoding="utf-8")
    bogus = text.splitlines().index("subjects:") + 2  # the line added, counted from 1
    line = running.until(r"^build 3 ")
    assert line.endswith("1 error in 1 file; waiting for the next save")
    error = f"content/cmo-cdmo-cro.yaml:{bogus}:5: error: subjects[0]: expected a mapping"
    assert f"{error}, got text" in running.said
    wait.until(lambda d: shown(d, "problems", error))
    problems = browser.find_element(By.ID, "problems").text.splitlines()
    assert problems[1:3] == [f"  {bogus} |   - bogus", "     |     ^"]  # its source line
    assert shown(browser, "title", "A Guide Saved Again")  # the last good rendering stays

    guide.write_text(text, encoding="utf-8")
    running.until(r"^build 4 \(content/cmo-cdmo-cro.yaml\): done")
    wait.until(lambda d: shown(d, "title", TITLE))
    assert not browser.find_element(By.ID, "problems").is_displayed()


def status_of(url: str, path: str) -> int:
    """Return the HTTP status of a GET of ``path`` exactly as written (no normalising)."""
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=PATIENCE)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_serve_binds_to_loopback_and_serves_only_its_own_files(served):
    running, url = served
    assert urlsplit(url).hostname == "127.0.0.1"  # no --host: loopback
    running.until(r"^build 1 ")
    assert status_of(url, "/") == 200
    assert status_of(url, "/page/0.png") == 200
    for path in ("/../../etc/passwd", "/..%2f..%2fetc%2fpasswd", "/content/cmo-cdmo-cro.yaml",
                 "/content/", "/page/../../content/cmo-cdmo-cro.yaml", "/page/99.png"):
        assert status_of(url, path) == 404, path


def test_serve_stopped_by_sigterm_removes_its_temporary_folder(project, tmp_path):
    # a service manager, or kill, stops it with SIGTERM: as with Ctrl-C, its renders go
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    running = Running(project, "serve", env={**os.environ, "TMPDIR": str(temporary)})
    running.first_line()
    running.until(r"^build 1 .*: done")
    assert [path.name[:17] for path in temporary.iterdir()] == ["guidegen-preview-"]
    running.process.send_signal(signal.SIGTERM)
    assert running.process.wait(timeout=PATIENCE) == 0
    assert list(temporary.iterdir()) == []


def test_watch_builds_the_outputs_again_at_each_save(project):
    running = Running(project, "watch", "-f", "html")
    try:
        running.until(r"^build 1 \(the first build\): done")
        page = project / "output" / "cmo-cdmo-cro.html"
        assert TITLE in page.read_text(encoding="utf-8")
        guide = project / "content" / "cmo-cdmo-cro.yaml"
        (project / "notes.txt").write_text("not an input\n", encoding="utf-8")
        (project / "content" / ".cmo-cdmo-cro.yaml.swp").write_bytes(b"an editor's")
        guide.write_text(guide.read_text(encoding="utf-8").replace(
            "A Comprehensive Guide", "A Watched Guide"), encoding="utf-8")
        # the next build is the guide's alone: the other files built nothing
        running.until(r"^build 2 \(content/cmo-cdmo-cro.yaml\): done")
        assert "A Watched Guide" in page.read_text(encoding="utf-8")
    finally:
        assert running.stop() == 0
    assert running.until("^stopped watching$")


def test_the_loop_survives_an_internal_error_and_reads_a_saved_project_file(project,
                                                                            monkeypatch):
    from guidegen.builder.session import Session
    from guidegen.preview.loop import Rebuilder
    from guidegen.project.config import load_project

    project_file = project / "guidegen.yaml"
    project_file.write_text("formats: [html]\n", encoding="utf-8")
    loop = Rebuilder(lambda: load_project(project_file).options(), [], project_file)
    try:
        first = loop.build()
        assert first.ok and [o.format for o in first.outputs or ()] == ["html"]

        def broken(self: Session, paths: object) -> None:
            raise RuntimeError("a bug")

        with monkeypatch.context() as patched:
            patched.setattr(Session, "build", broken)
            failed = loop.build([str(project / "content" / "cmo-cdmo-cro.yaml")])
        assert not failed.ok
        assert failed.summary == "internal error: RuntimeError: a bug"
        session = loop.session
        project_file.write_text("formats: [html, docx]\n", encoding="utf-8")
        again = loop.build([str(project_file.resolve())])
        assert again.ok and again.generation == 3
        assert loop.session is not session  # the options changed: a new session
        assert sorted(o.format for o in again.outputs or ()) == ["docx", "html"]
    finally:
        loop.close()


def test_the_loop_rebuilds_for_its_inputs_only(project):
    from guidegen.preview.loop import Rebuilder
    from guidegen.project.config import load_project

    project_file = project / "guidegen.yaml"
    project_file.write_text("formats: [html]\ntemplates: looks\n", encoding="utf-8")
    (project / "looks").mkdir()
    guide = project / "content" / "cmo-cdmo-cro.yaml"
    others = [project / "notes.txt", project / "content" / "cmo-cdmo-cro.yaml~",
              project / "content" / "sub" / "deeper.yaml", project / "looks.yaml"]
    inputs = [guide, project_file, project / "looks" / "theme.yaml",
              project / "content" / "added.yaml"]
    everything = [str(path.resolve()) for path in [*others, *inputs]]
    for paths, counted in (([], inputs), ([guide], inputs[:3])):
        loop = Rebuilder(lambda: load_project(project_file).options(), paths, project_file)
        try:
            assert loop.inputs(everything) == everything  # before the first build
            assert loop.build().ok
            assert loop.inputs(everything) == [str(path.resolve()) for path in counted]
            guide.write_text("guide: [", encoding="utf-8")  # broken: the build stops early
            assert not loop.build([str(guide)]).ok
            assert loop.inputs(everything) == everything
        finally:
            guide.write_bytes(DEFAULT_GUIDE.read_bytes())
            loop.close()
