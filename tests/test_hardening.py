"""Hostile and broken input: guidegen keeps working, leaks nothing, damages nothing."""

from __future__ import annotations

import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidegen.content.loader import load
from guidegen.errors import ContentError, ResourceError

from .attacks import (
    HOSTILE,
    SECRET,
    SECRET_BYTES,
    big_guide,
    children,
    outputs,
    small_project,
    use_guide,
)
from .conftest import DATA, exited, hooked, paused, write_yaml
from .readers import docx_text, html_text, normalize, pdf_text

# -- nothing outside the project is fetched --------------------------------------------

@pytest.mark.parametrize("fmt", ["pdf", "html"])  # one URL policy for both (issue 13.2)
@pytest.mark.parametrize(("template", "url"), [
    ("img-file.html.j2", "file:///etc/passwd"),
    ("img-loopback.html.j2", "http://127.0.0.1:8765/x"),
    ("attachment.html.j2", "file:///etc/passwd"),
    ("css-url.html.j2", "file:///etc/passwd"),
    ("css-import.html.j2", "file:///etc/passwd"),
    ("metadata-ip.html.j2", "http://169.254.169.254/latest/meta-data/"),
    ("relative-escape.html.j2", "file:///etc/passwd"),
])
def test_templates_cannot_fetch_outside_the_project(project, cli, template, url, fmt):
    (project / "mine" / "blocks").mkdir(parents=True)
    shutil.copy(HOSTILE / "templates" / template, project / "mine" / "blocks" /
                "heading.html.j2")
    result = cli("build", "-f", fmt, "--templates", "mine")
    assert result.exit_code == 1
    assert f"refused to fetch {url!r}" in result.stderr
    assert outputs(project) == {}


def test_the_fetcher_allows_project_files_and_data_urls_only(tmp_path):
    from guidegen.renderers.pdf.engine import URLRefusedError
    from guidegen.renderers.pdf.fetcher import project_fetcher
    from guidegen.theme.folders import builtin_templates

    BUILTIN_TEMPLATES = builtin_templates()  # noqa: N806
    fetcher = project_fetcher([BUILTIN_TEMPLATES])
    assert fetcher.open((BUILTIN_TEMPLATES / "theme.yaml").as_uri())
    assert fetcher.open("data:text/plain,hi") == b"hi"
    (tmp_path / "link").symlink_to(SECRET)
    for url in [SECRET.as_uri(), "http://169.254.169.254/", "https://example.org/x.css",
                (BUILTIN_TEMPLATES / ".." / ".." / ".." / "etc" / "passwd").as_uri(),
                (tmp_path / "link").as_uri(), "ftp://example.org/x"]:
        with pytest.raises(URLRefusedError):
            fetcher.open(url)


def test_content_urls_stay_text_and_nothing_is_fetched(project, cli):
    use_guide(project, "content-urls.yaml")
    result = cli("build", "-f", "pdf,docx,html")
    assert result.exit_code == 0, result.output
    pdf = project / "output" / "content-urls.pdf"
    assert SECRET_BYTES not in pdf.read_bytes()
    assert SECRET_BYTES.decode() not in pdf_text(pdf)
    with pikepdf.open(pdf) as document:
        assert len(document.attachments) == 0
    assert '<img src="file:///etc/passwd">' in pdf_text(pdf).replace("\n", " ")
    html = (project / "output" / "content-urls.html").read_text(encoding="utf-8")
    assert "<img" not in html and "&lt;img src=" in html


# -- text is text ------------------------------------------------------------------------

def test_markup_in_content_is_literal_text_in_every_format(project, cli):
    use_guide(project, "escaping.yaml")
    assert cli("build", "-f", "pdf,docx,html").exit_code == 0
    title = "<script>alert('x')</script> & {{ 7*7 }} {% raw %}"
    # in Markdown fields an entity like &amp; means "&", as CommonMark says
    pieces = [title, "Tom & Jerry <b>bold?</b>", "<img src=x onerror=alert(1)> & {{ config }} "
              "& </style></head>", "{{ ''.__class__ }}", "</td></tr></table>", "<b>yes</b>"]
    out = project / "output"
    for text in (normalize(pdf_text(out / "escaping.pdf")), docx_text(out / "escaping.docx"),
                 html_text((out / "escaping.html").read_bytes())):
        for piece in pieces:
            assert piece in text
    assert "<script>" not in (out / "escaping.html").read_text(encoding="utf-8")
    assert docx.Document(str(out / "escaping.docx")).core_properties.title == title


# -- YAML that tries to hurt -------------------------------------------------------------

def test_python_tags_are_rejected_and_never_run(project, cli):
    marker = Path("/tmp/guidegen-pwned")
    marker.unlink(missing_ok=True)
    use_guide(project, "python-tag.yaml")
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "content/python-tag.yaml:2:10: error: guide.title: tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed")
    assert not marker.exists()


def test_alias_bomb_is_refused_before_any_value_is_built(monkeypatch):
    from guidegen.common import yamlsource

    built = []
    monkeypatch.setattr(yamlsource._Builder, "build",
                        lambda self, node, path: built.append(path))
    tracemalloc.start()
    with pytest.raises(ContentError) as caught:
        load(HOSTILE / "billion-laughs.yaml")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "expands to more than 100,000 values" in str(caught.value.problems[0])
    assert built == []  # counted on the composed nodes, once per node
    assert peak < 20_000_000


def test_a_yaml_node_that_contains_itself_is_refused(tmp_path):
    path = write_yaml(tmp_path, "loop.yaml", "guide: &a\n  title: x\n  more: [*a]\n")
    with pytest.raises(ContentError) as caught:
        load(path)
    assert str(caught.value.problems[0]).endswith("(aliases repeated too often?)")


def test_files_over_the_size_cap_are_refused_before_parsing(tmp_path):
    path = write_yaml(tmp_path, "huge.yaml", "intro: |\n" + "  x\n" * 400_000)
    with pytest.raises(ContentError) as caught:
        load(path)
    assert str(caught.value.problems[0]).endswith(
        "error: file is 1,600,009 bytes; the limit is 1,000,000")


def test_deep_nesting_is_a_located_error(tmp_path):
    path = write_yaml(tmp_path, "deep.yaml", "guide: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ContentError) as caught:
        load(path)
    assert "deep.yaml" in str(caught.value.problems[0])


def test_yaml_11_surprises_mean_what_the_schema_says(project, cli):
    use_guide(project, "yaml11.yaml")
    assert cli("build", "-f", "html").exit_code == 0
    guide = load(project / "content" / "yaml11.yaml")
    assert guide.guide.subtitle == "12:30"
    assert (guide.guide.document.number, guide.guide.document.version) == ("NO", "1.10")
    assert [s.id for s in guide.subjects] == ["no", "se"]
    text = html_text((project / "output" / "yaml11.html").read_bytes())
    for piece in ("12:30", "NO", "Version 1.10", "✓ Yes", "— No"):
        assert piece in text


def test_control_characters_are_located_errors(tmp_path):
    with pytest.raises(ContentError) as caught:
        load(HOSTILE / "control-chars.yaml")
    lines = [str(p).split("hostile/", 1)[1] for p in caught.value.problems]
    assert lines == [
        "control-chars.yaml:2:10: error: guide.title: character U+000B is not allowed in text",
        "control-chars.yaml:3:13: error: guide.subtitle: character U+0000 is not allowed in "
        "text",
        "control-chars.yaml:4:8: error: intro: character U+FFFE is not allowed in text",
        "control-chars.yaml:6:45: error: subjects[0].summary: character U+0007 is not allowed "
        "in text"]


def test_the_characters_refused_before_yaml_are_exactly_pyyamls_non_printable_ones():
    import yaml.reader

    from guidegen.common.characters import UNREADABLE

    every = "".join(chr(code) for code in range(0x110000))
    theirs = [m.start() for m in yaml.reader.Reader.NON_PRINTABLE.finditer(every)]
    assert [m.start() for m in UNREADABLE.finditer(every)] == theirs and len(theirs) > 2000


@pytest.mark.parametrize(("data", "message"), [
    ("guide:\n  title: Caf\u00e9\n".encode("latin-1"),
     "g.yaml:2:13: error: byte 0xE9 is not valid UTF-8; save the file as UTF-8"),
    ("guide: {title: x}\n".encode("utf-16"),
     "g.yaml:1:1: error: file is encoded as UTF-16; save it as UTF-8"),
    ("guide: {title: x}\n".encode("utf-32"),
     "g.yaml:1:1: error: file is encoded as UTF-32; save it as UTF-8"),
])
def test_wrong_encodings_get_a_clear_message(tmp_path, data, message):
    (tmp_path / "g.yaml").write_bytes(data)
    with pytest.raises(ContentError) as caught:
        load(tmp_path / "g.yaml")
    assert str(caught.value.problems[0]).replace(str(tmp_path) + "/", "").startswith(message)


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "g.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load(tmp_path / "g.yaml").guide.title == "Alpha vs Beta"


# -- faults ------------------------------------------------------------------------------

def test_a_runaway_render_stops_at_the_time_limit(project, cli):
    (project / "mine" / "blocks").mkdir(parents=True)
    shutil.copy(HOSTILE / "templates" / "slow.html.j2",
                project / "mine" / "blocks" / "heading.html.j2")
    result = cli("build", "-f", "pdf", "--templates", "mine", "--time-limit", "2")
    assert result.exit_code == 3
    assert "took longer than 2 s and was stopped" in result.stderr
    assert outputs(project) == {}


def test_a_time_limit_whose_alarm_is_swallowed_still_stops_the_work():
    # as in a finalizer run by the garbage collector, where an exception is only printed
    from guidegen.builder.limits import limited_time
    from guidegen.errors import RenderError

    swallowed: list[BaseException] = []
    with pytest.raises(RenderError, match=r"^work took longer than 0\.1 s"), \
            limited_time(0.1, "work"):
        for _ in range(2):  # work that only the alarm ends (or many seconds of counting)
            try:
                for _ in range(10**9):
                    pass
            except BaseException as exc:
                if swallowed:
                    raise
                swallowed.append(exc)
        pytest.fail("the alarm did not ring again after it was swallowed")
    assert len(swallowed) == 1


@pytest.mark.parametrize("clock", ["SIGALRM", "watchdog"])
@pytest.mark.parametrize("finaliser", ["__del__", "gc callback"])
def test_a_time_limit_never_rings_inside_a_finaliser(monkeypatch, clock, finaliser):
    # raised there, it would only be printed (WeasyPrint's font configurations have a
    # __del__, hypothesis has a gc callback): it rings again once the finaliser is done
    import gc
    import time

    from guidegen import system
    from guidegen.builder import limits
    from guidegen.builder.limits import limited_time
    from guidegen.errors import RenderError

    from .conftest import PATIENCE

    if clock == "watchdog":
        monkeypatch.setenv(system.PORTABLE, "1")
    else:
        monkeypatch.delenv(system.PORTABLE, raising=False)
    found: list[bool] = []  # a ring found the finaliser running
    real = limits._in_finaliser
    monkeypatch.setattr(limits, "_in_finaliser",
                        lambda frame: found.append(real(frame)) or found[-1])
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    finished: list[bool] = []

    def finalise() -> None:  # runs until a ring has come while it runs
        give_up = time.monotonic() + PATIENCE
        while True not in found and time.monotonic() < give_up:
            pass
        finished.append(True)

    class Held:
        def __del__(self) -> None:
            finalise()

    def callback(phase: str, info: object) -> None:
        if phase == "start":
            finalise()

    with pytest.raises(RenderError, match=r"^work took longer than 0\.1 s"), \
            limited_time(0.1, "work"):
        if finaliser == "__del__":
            Held()  # dropped at once: its __del__ runs here
        else:
            gc.callbacks.append(callback)
            try:
                gc.collect()
            finally:
                gc.callbacks.remove(callback)
        for _ in range(10**10):  # work that only the next ring ends
            pass
    assert finished == [True]
    assert unraisable == []
    assert found[-1] is False  # the ring that stopped the work found no finaliser


def test_a_watchdog_left_running_leaves_a_sigalrm_limit_to_sigalrm(monkeypatch):
    # a process whose tests switch clocks (above) keeps the watchdog thread of a portable
    # limit: were it to ring a SIGALRM limit as well, its look and SIGALRM's would race
    # (seen once in a full suite: a ring raised inside the gc callback above)
    import signal
    import threading

    from guidegen import native, system
    from guidegen.builder import limits
    from guidegen.builder.limits import limited_time

    from .conftest import PATIENCE

    monkeypatch.setenv(system.PORTABLE, "1")
    limits.ready()  # the watchdog runs
    monkeypatch.delenv(system.PORTABLE)
    watchdog = limits._Watchdog.get()
    raised: list[object] = []
    monkeypatch.setattr(native, "raise_in", lambda thread, exc: raised.append(exc))
    waiting = threading.Event()
    wait = watchdog.changed.wait

    def waits(timeout: float | None = None) -> bool:
        waiting.set()  # the watchdog has looked at the limits and rung what it rings
        return wait(timeout)

    monkeypatch.setattr(watchdog.changed, "wait", waits)
    with limited_time(PATIENCE, "work"):
        signal.setitimer(signal.ITIMER_REAL, 0)  # SIGALRM rings no more
        limits._LIMITS[-1].deadline = 0.0  # run out
        waiting.clear()
        watchdog.wake()
        assert waiting.wait(PATIENCE)
    assert raised == []


def test_disk_full_leaves_previous_outputs_and_no_temporary_files(project, cli, monkeypatch):
    small_project(project)  # what fails is the writing, not the pages
    assert cli("build").exit_code == 0
    before = outputs(project)

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("guidegen.builder.outputs.os.fsync", full)
    result = cli("build", "--force")
    assert result.exit_code == 4
    assert "cannot write output/minimal.pdf: No space left on device" in result.stderr
    assert outputs(project) == before


def test_missing_font_is_named(project, cli):
    (project / "mine").mkdir()
    write_yaml(project / "mine", "theme.yaml", "fonts:\n  body: {family: No Such Font, word: X}\n")
    result = cli("build", "--templates", "mine")
    assert result.exit_code == 5
    assert "font 'No Such Font' is not installed" in result.stderr
    assert outputs(project) == {}


def test_missing_template_is_named(project, cli):
    (project / "mine" / "blocks").mkdir(parents=True)
    write_yaml(project / "mine" / "blocks", "heading.html.j2", "{% include 'gone.j2' %}\n")
    result = cli("build", "--templates", "mine")
    assert result.exit_code == 5
    assert "template 'gone.j2' not found" in result.stderr


def test_sigkill_mid_render_leaves_previous_outputs_and_no_temporary_files(project):
    guide = write_yaml(project / "content", "cmo-cdmo-cro.yaml", big_guide(5))
    command = [sys.executable, "-m", "guidegen", "build", "-j", "2", "--jobs-over-cpus"]
    subprocess.run(command, cwd=project, check=True, capture_output=True)
    before = outputs(project)
    guide.write_text(big_guide(300), encoding="utf-8")
    # stopped in the middle of the render (guidegen.testhook): the PDF helper has the
    # document to lay out, the DOCX is still to come
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=hooked("render=pause"))
    assert paused(process) == [process.pid]
    helpers = children(process.pid)
    assert helpers, "the PDF helper never started"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert outputs(project) == before
    assert list((project / "output").glob(".guidegen-*.tmp")) == []
    assert all(exited(pid) for pid in helpers), "a helper outlived it"


def test_temporary_files_of_a_killed_write_are_cleaned_up(project, cli):
    (project / "output").mkdir()
    stale = project / "output" / ".guidegen-cmo-cdmo-cro.pdf.abc123.tmp"
    stale.write_bytes(b"half a PDF")
    assert cli("build", "-f", "html").exit_code == 0
    assert not stale.exists()


# -- reproducibility ---------------------------------------------------------------------

def test_source_date_epoch_sets_the_dates_inside_every_format(project, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    assert cli("build", "-f", "pdf,docx,html").exit_code == 0
    first = outputs(project)
    out = project / "output"
    info = subprocess.run(["pdfinfo", "-isodates", str(out / "cmo-cdmo-cro.pdf")],
                          capture_output=True, text=True, check=True).stdout
    assert "CreationDate:    2023-11-14T22:13:20Z" in info
    core = docx.Document(str(out / "cmo-cdmo-cro.docx")).core_properties
    assert core.created.isoformat().startswith("2023-11-14T22:13:20")
    with zipfile.ZipFile(out / "cmo-cdmo-cro.docx") as package:
        assert {i.date_time for i in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert 'content="2023-11-14T22:13:20Z"' in (out / "cmo-cdmo-cro.html").read_text("utf-8")
    assert cli("build", "-f", "pdf,docx,html", "--force").exit_code == 0
    assert outputs(project) == first


def test_builds_in_separate_processes_are_byte_identical(project):
    runs = []
    for out in ("one", "two"):
        subprocess.run([sys.executable, "-m", "guidegen", "build", "-f", "pdf,docx,html",
                        "-o", out], cwd=project, check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": "random"})
        runs.append({p.name: p.read_bytes() for p in (project / out).iterdir()
                     if not p.name.startswith(".")})
    assert runs[0] == runs[1]
    assert sorted(runs[0]) == ["cmo-cdmo-cro.docx", "cmo-cdmo-cro.html", "cmo-cdmo-cro.pdf"]


# -- any text at all ---------------------------------------------------------------------

TEXT_FIELDS = [("guide", "title"), ("guide", "subtitle"), ("guide", "audience"), ("intro",),
               ("subjects", 0, "short"), ("subjects", 0, "name"), ("subjects", 0, "summary"),
               ("comparisons", 0, "title"), ("comparisons", 0, "rows", 0, "criterion"),
               ("comparisons", 0, "rows", 0, "values", "alpha"), ("sections", 0, "body"),
               ("comparisons", 1, "values", "alpha"), ("comparisons", 1, "values", "beta", 0)]
TRICKY = ["&#12;", "&#0;", "&#xFFFE;", "a &#11; b", "__x__", "<b>", "{{ x }}", "[a](b)", "- ",
          "# h", "    code", "\u202eRTL", "\u0085", "x" * 300, "a \u2029 c", "a\u2028b",
          "\U0005fffe", "\U0010ffff", "&#x2029;", "*" * 60 + "x" + "*" * 60]


# Every general category of Unicode but the surrogates (a UTF-8 file cannot hold them; the
# encoding tests cover them), and every plane, each drawn whole, so that rare categories
# (Zl, Zp, Cf, Co, Cn) and the planes beyond the first appear in every run.
CATEGORIES = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd",
              "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc",
              "Cf", "Co", "Cn"]
IN_A_CATEGORY = st.sampled_from(CATEGORIES).flatmap(
    lambda category: st.characters(categories=[category]))
IN_A_PLANE = st.integers(0, 16).flatmap(lambda plane: st.characters(
    min_codepoint=plane << 16, max_codepoint=plane << 16 | 0xFFFF, exclude_categories=["Cs"]))
NONCHARACTERS = st.integers(0, 16).flatmap(
    lambda plane: st.sampled_from([chr(plane << 16 | 0xFFFE), chr(plane << 16 | 0xFFFF)]))
ANY_TEXT = st.lists(st.one_of(IN_A_CATEGORY, IN_A_PLANE, NONCHARACTERS, st.characters()),
                    max_size=40).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          derandomize=True)
@given(field=st.sampled_from(TEXT_FIELDS),
       text=st.one_of(ANY_TEXT, st.text(max_size=80), st.sampled_from(TRICKY)))
def test_any_unicode_in_any_text_field_gives_both_outputs_or_a_located_error(
        tmp_path_factory, field, text):
    import yaml

    import guidegen

    data = yaml.safe_load((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    data["sections"] = [{"title": "Closing", "body": "The end."}]
    data["comparisons"][0]["rows"][0]["values"] = {"alpha": "yes", "beta": "no"}
    data["comparisons"].append({"kind": "per-subject", "title": "P",
                                "values": {"alpha": "a", "beta": ["b", "c"]}})
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = text
    path = tmp_path_factory.mktemp("any") / "g.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        guide = guidegen.load(path)
    except ContentError as exc:
        assert exc.problems and all(p.location.line for p in exc.problems)
        return
    try:
        rendered = guidegen.render(guide, ["pdf", "docx"])
    except ResourceError as exc:  # characters no installed font has: named where they are
        assert exc.exit_code == 5
        assert exc.problems and all(p.location.line for p in exc.problems)
        assert all("no installed font has" in p.message for p in exc.problems)
        return
    assert rendered["pdf"].data.startswith(b"%PDF-") and rendered["pdf"].pages >= 1
    with zipfile.ZipFile(io.BytesIO(rendered["docx"].data)) as package:
        assert "word/document.xml" in package.namelist()
    assert docx.Document(io.BytesIO(rendered["docx"].data)).paragraphs
