"""Rendering paths: the DOCX built beside the PDF in a helper process, and --jobs."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

import guidegen
from guidegen import caches
from guidegen.builder.processes import PdfHelper
from guidegen.errors import RenderError

from .conftest import DATA, DEFAULT_GUIDE, FRESH_1, FRESH_2, JOBS_2


def test_the_pdf_helper_process_gives_the_same_bytes_as_one_process(a4):
    # one process's: the session's A4 build of every fixture (jobs=1, the theme's paper)
    guide = guidegen.load(DATA / "five-subjects.yaml")
    helped = guidegen.render(guide, ["pdf", "docx", "html"], JOBS_2)
    assert PdfHelper._running is not None and PdfHelper._running.process.is_alive()
    for name in ("pdf", "docx", "html"):
        assert helped[name].data == a4.path("five-subjects", name).read_bytes(), name


def test_the_helper_is_reused_by_later_builds_in_the_same_program(project):
    with_a_small_guide(project)
    guidegen.build(options=guidegen.BuildOptions(jobs=2, jobs_over_cpus=True, force=True))
    first = PdfHelper.get().process.pid
    guidegen.build(options=guidegen.BuildOptions(jobs=2, jobs_over_cpus=True, force=True))
    assert PdfHelper.get().process.pid == first


def test_a_helper_that_dies_is_a_render_error_and_is_replaced(project, cli):
    helper = PdfHelper.get()
    helper.process.kill()
    helper.process.join()
    # what is tested is the helper's replacement, not the layout: the smallest guide
    guide = guidegen.load(DATA / "minimal.yaml")
    from guidegen.builder.pipeline import render

    try:
        helper.submit(guide, 5)
        helper.result()
    except RenderError as exc:
        assert "the PDF helper process stopped unexpectedly" in str(exc)
    else:
        raise AssertionError("no error")
    assert render(guide, ["pdf", "docx"], JOBS_2)["pdf"].pages == 1  # a new helper
    assert PdfHelper._running is not helper and PdfHelper._running.process.is_alive()


def test_an_unexpected_writer_failure_is_reported(project, cli, monkeypatch):
    def broken(guide, context):
        raise ValueError("boom")

    monkeypatch.setattr("guidegen.renderers.docx.prepare", broken)
    result = cli("build")
    assert result.exit_code == 70
    assert "internal error: ValueError: boom" in result.stderr


def test_jobs_build_several_guides_in_worker_processes(project, cli, one_process):
    for name in ("b", "c"):
        (project / "content" / f"{name}.yaml").write_bytes((DATA / "minimal.yaml").read_bytes())
    result = cli("build", "--jobs", "2", "--jobs-over-cpus")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (project / "output").iterdir()
                     if not p.name.startswith("."))
    assert written == ["b.docx", "b.pdf", "c.docx", "c.pdf", "cmo-cdmo-cro.docx",
                       "cmo-cdmo-cro.pdf"]
    # b.yaml is minimal.yaml: its PDF is the one rendered in one process
    assert (project / "output" / "b.pdf").read_bytes() == one_process(DATA / "minimal.yaml")["pdf"]


def test_errors_in_worker_processes_keep_their_locations(project, cli):
    (project / "content" / "b.yaml").write_bytes((DATA / "minimal.yaml").read_bytes())
    (project / "mine" / "blocks").mkdir(parents=True)
    (project / "mine" / "blocks" / "table.html.j2").write_text("\n{{ nope }}\n")
    result = cli("build", "--jobs", "2", "--jobs-over-cpus", "--templates", "mine")
    assert result.exit_code == 1
    assert result.stderr.startswith("mine/blocks/table.html.j2:2: error: 'nope' is undefined")
    assert not (project / "output").exists()


def test_a_failed_build_does_not_leave_its_pdf_for_the_next_one(project, monkeypatch):
    def broken(guide, context):
        raise ValueError("boom")

    monkeypatch.setattr("guidegen.renderers.docx.prepare", broken)
    default = guidegen.load(DEFAULT_GUIDE)
    with pytest.raises(ValueError, match="boom"):
        guidegen.render(default, ["pdf", "docx"], JOBS_2)
    monkeypatch.undo()
    minimal = guidegen.load(DATA / "minimal.yaml")
    pdf = guidegen.render(minimal, ["pdf", "docx"], JOBS_2)["pdf"]
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        assert str(document.docinfo["/Title"]) == "Alpha vs Beta"


def test_the_pdf_helpers_code_needs_neither_the_content_model_nor_jinja():
    # the helper is forked before the content loads; whatever its code imports is on the
    # critical path of a cold build (pydantic and the model alone were a fifth of it)
    import subprocess
    import sys

    code = ("import sys; from guidegen.renderers.pdf import lay_out; "
            "from guidegen.builder.processes import PdfHelper; "
            "print(sorted(m for m in ('pydantic', 'jinja2', 'yaml', 'docx', "
            "'guidegen.content.model', 'guidegen.layout.guide') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def with_a_small_guide(project: Path) -> Path:
    """Return ``project`` with the minimal guide in place of the default one.

    The tests of when the helper is forked run whole builds as the command line does
    (a new process each); what they check is which process forks when, not the layout,
    so the guide they build is the smallest (one layout, one page).
    """
    (project / "content" / DEFAULT_GUIDE.name).unlink()
    (project / "content" / "minimal.yaml").write_bytes((DATA / "minimal.yaml").read_bytes())
    return project


def test_a_forced_build_forks_its_pdf_helper_before_it_imports_the_build(project):
    # with --force every output renders: the helper's WeasyPrint import may start before
    # the build's machinery, YAML and the content model are imported (and overlap them)
    with_a_small_guide(project)
    import subprocess
    import sys

    code = ("import sys; from guidegen.builder.processes import PdfHelper; "
            "get = PdfHelper.get.__func__; seen = []; "
            "PdfHelper.get = classmethod(lambda cls, *args: seen.append(sorted(m for m in ("
            "'guidegen.builder.session', 'guidegen.content.model', 'pydantic') "
            "if m in sys.modules)) or get(cls, *args)); "
            "from guidegen.cli import main; "
            "main(['-q', 'build', '--jobs', '2', '--jobs-over-cpus'] + sys.argv[1:], "
            "standalone_mode=False); print(seen)")
    forced, unforced = (subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                                       text=True, check=True).stdout.splitlines()[-1]
                        for args in (["--force"], ["-o", "again"]))
    assert forced.startswith("[[]")
    assert "guidegen.builder.session" in unforced  # found out of date first, as before


def forked_first(*args: str) -> tuple[list[list[str]], set[int], bool]:
    """Return what ``guidegen ARGS``, run as the console script, had imported at each
    ``PdfHelper.get``, the helpers' process ids, and whether a helper ran at the end."""
    import json
    import subprocess
    import sys

    code = ("import json, sys; sys.argv = ['guidegen', *sys.argv[1:]]; "
            "from guidegen.builder.processes import PdfHelper; "
            "get = PdfHelper.get.__func__; seen = []; pids = set(); "
            "PdfHelper.get = classmethod(lambda cls, *a: seen.append(sorted(m for m in ("
            "'click', 'yaml', 'guidegen.cli.group', 'guidegen.project.config') "
            "if m in sys.modules)) or pids.add(get(cls, *a).process.pid) or cls._running); "
            "from guidegen.cli import main; main(sys.argv[1:], standalone_mode=False); "
            "print(json.dumps([seen, sorted(pids), PdfHelper._running is not None]))")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                            text=True, check=True)
    seen, pids, running = json.loads(result.stdout.splitlines()[-1])
    return seen, set(pids), running


def test_the_command_line_forks_the_helper_of_a_forced_build_before_click(project):
    # guidegen build --force: the helper is forked before click, YAML and the project
    # file are read (its wait, making what its first layout needs, starts sooner), and
    # the build keeps that one helper
    with_a_small_guide(project)
    import os

    seen, pids, running = forked_first("-q", "build", "--force")
    if len(os.sched_getaffinity(0)) > 1:
        assert seen[0] == [] and len(seen) >= 2 and len(pids) == 1 and running
    else:  # one CPU: no helper (the default jobs are one per CPU)
        assert seen == [] and not running
    # options that may want no helper or another: forked, if at all, once the options
    # are read, as before
    for args in (["build", "--force", "--jobs", "1"],
                 ["build", "--force", "--memory-limit", "900"], ["check"]):
        seen, _, _ = forked_first("-q", *args)
        assert all("guidegen.project.config" in imported for imported in seen), args


def test_a_build_into_an_output_folder_without_state_forks_its_helper_first(project):
    # a first guidegen build (no --force) into a fresh output folder is as cold as a
    # forced one: forked before click, YAML and the project file; a second one, up to
    # date (the state file is there), forks nothing at all
    with_a_small_guide(project)
    import os

    from guidegen.builder.state import STATE_FILE

    many = len(os.sched_getaffinity(0)) > 1  # one CPU: no helper at all
    for args in (["build"], ["build", "-o", "elsewhere"], ["-c", "guidegen.yaml", "build"]):
        if args[0] == "-c":  # the project file's plain output line names the folder
            (project / "guidegen.yaml").write_text("output: third # ours\n", encoding="utf-8")
        seen, pids, running = forked_first("-q", *args)
        assert (seen[:1] == [[]] and len(pids) == 1 and running) if many else not seen, args
        assert forked_first("-q", *args) == ([], set(), False), args  # up to date
    for folder in ("output", "elsewhere", "third"):
        assert (project / folder / STATE_FILE).is_file()
    # a wrong guess (YAML's null is the default folder, built above) costs a helper
    # stopped at once; a folder named in a way the text alone does not tell forks nothing
    (project / "guidegen.yaml").write_text("output: null\n", encoding="utf-8")
    seen, pids, running = forked_first("-q", "build")
    assert seen == ([[]] if many else []) and len(pids) == many and not running
    (project / "guidegen.yaml").write_text('"output": fourth\n', encoding="utf-8")
    seen, _, _ = forked_first("-q", "build")
    assert seen and all("guidegen.project.config" in imported for imported in seen)


def test_a_helper_forked_first_is_stopped_if_the_project_wants_none(project):
    # the project file asks for one process: the helper forked on the command line's
    # guess is stopped once the options are read, and the build renders here
    with_a_small_guide(project)
    (project / "guidegen.yaml").write_text("jobs: 1\n", encoding="utf-8")
    import os

    seen, pids, running = forked_first("-q", "build", "--force")
    assert not running
    if len(os.sched_getaffinity(0)) > 1:  # forked first (one CPU: none at all)
        assert seen == [[]] and len(pids) == 1
    assert (project / "output" / "minimal.pdf").stat().st_size > 10_000


def weasyprint_in_a_fresh_process(cache: str) -> dict:
    """Return what importing WeasyPrint the fast way did in a new process with ``cache``."""
    import json
    import subprocess
    import sys

    code = ("import json, sys; from guidegen.renderers.speed import import_weasyprint; "
            "import_weasyprint(); from weasyprint.text.ffi import ffi; "
            "print(json.dumps({'pycparser': 'pycparser' in sys.modules, "
            "'subsetter': 'fontTools.subset' in sys.modules, 'ffi': type(ffi).__name__}))")
    import os

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ,
                                             "GUIDEGEN_CACHE_DIR": os.path.join(cache, "guidegen")})
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_weasyprint_starts_from_compiled_declarations_cached_once(tmp_path):
    first = weasyprint_in_a_fresh_process(str(tmp_path))
    (compiled,) = (tmp_path / "guidegen").glob("weasyprint-ffi-*.py")
    second = weasyprint_in_a_fresh_process(str(tmp_path))
    assert first["ffi"] == second["ffi"] == "_CompiledFFI"
    assert second == {"pycparser": False, "subsetter": False, "ffi": "_CompiledFFI"}
    assert list((tmp_path / "guidegen").glob("weasyprint-ffi-*.py")) == [compiled]
    compiled.chmod(0o666)  # someone else could have written it: not trusted, written again
    assert weasyprint_in_a_fresh_process(str(tmp_path))["ffi"] == "_CompiledFFI"
    assert compiled.stat().st_mode & 0o777 == 0o600


def test_without_a_cache_weasyprint_imports_as_usual_and_pdfs_do_not_change(tmp_path,
                                                                            one_process):
    (tmp_path / "file").write_text("not a folder")
    plain = weasyprint_in_a_fresh_process(str(tmp_path / "file"))  # cannot cache: falls back
    assert plain["ffi"] == "FFI" and plain["pycparser"]
    import os
    import subprocess
    import sys

    # the PDF of a build that cannot cache anything (WeasyPrint's declarations parsed by
    # pycparser, no fit hint, nothing compiled kept) is the PDF of this test process, whose
    # WeasyPrint took its declarations compiled from the cache (conftest.one_process)
    subprocess.run([sys.executable, "-m", "guidegen", "build", str(DEFAULT_GUIDE), "-f",
                    "pdf", "--force", "-o", str(tmp_path / "out")], check=True,
                   capture_output=True,
                   env={**os.environ, "GUIDEGEN_CACHE_DIR": str(tmp_path / "file" / "guidegen")})
    assert (tmp_path / "out" / "cmo-cdmo-cro.pdf").read_bytes() == one_process(
        DEFAULT_GUIDE)["pdf"]
    from weasyprint.text.ffi import ffi

    assert type(ffi).__name__ == "_CompiledFFI"  # what one_process drew with


# Make a dataclass and an annotation in a fresh process, after ``fast_start`` if argv[2]
# is "trick", with GUIDEGEN_CACHE_DIR set to argv[1]/guidegen; save what was compiled; print
# what the methods are and do, and how many texts guidegen compiled (none read from the cache).
MADE = """
import dataclasses, json, sys, typing
from guidegen.renderers import speed
if sys.argv[2] == "trick":
    speed.fast_start()
read = len(speed._CODE)  # the code read from the cache

@dataclasses.dataclass(frozen=True, order=True)
class Point:
    x: int
    y: "tuple[str, ...]" = dataclasses.field(default_factory=tuple)

point = Point(1, ("a",))

def frozen(point):
    try:
        point.x = 2
    except dataclasses.FrozenInstanceError:
        return True
ref = typing.ForwardRef("tuple[int, ...]")  # an annotation written as text
compiled = len(speed._CODE) - read
speed.save_compiled()
print(json.dumps({"compiled": compiled, "repr": repr(point),
                  "hash": hash(point) == hash((1, ("a",))), "order": Point(0) < point,
                  "annotations": repr(Point.__init__.__annotations__),
                  "eq": point == Point(1, ("a",)), "frozen": frozen(point),
                  "ref": repr(eval(ref.__forward_code__))}))
"""


def made_in_a_fresh_process(cache: Path, trick: bool, code: str = MADE) -> dict:
    """Return what ``code`` (:data:`MADE`) printed, run with the cache folder ``cache``."""
    import json
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", code, str(cache),
                             "trick" if trick else "plain"], capture_output=True, text=True,
                            check=True,
                            env={**os.environ, "GUIDEGEN_CACHE_DIR": str(cache / "guidegen")})
    made: dict = json.loads(result.stdout)
    return made


def test_dataclass_methods_and_annotations_are_compiled_once_and_do_what_they_did(tmp_path):
    plain = made_in_a_fresh_process(tmp_path, trick=False)
    assert plain["compiled"] == 0  # exec compiles the text itself
    assert not (tmp_path / "guidegen").exists()  # nothing to save without the trick
    first = made_in_a_fresh_process(tmp_path, trick=True)
    (saved,) = (tmp_path / "guidegen").glob("compiled-*.marshal")
    assert saved.stat().st_mode & 0o777 == 0o600
    second = made_in_a_fresh_process(tmp_path, trick=True)
    assert first["compiled"] >= 6  # __init__, __repr__, __eq__, __lt__..., the annotation
    assert second["compiled"] == 0  # every method's code from the cache
    # the same methods: no __future__ flags of guidegen's (annotations stay objects)
    assert {**first, "compiled": 0} == second == {**plain, "compiled": 0}
    assert "<class 'int'>" in plain["annotations"]
    assert plain["hash"] and plain["order"] and plain["eq"] and plain["frozen"]
    assert plain["ref"] == "tuple[int, ...]"
    saved.chmod(0o664)  # another could have written it: not read, compiled and written again
    assert made_in_a_fresh_process(tmp_path, trick=True)["compiled"] == first["compiled"]
    assert saved.stat().st_mode & 0o777 == 0o600


# Compile regular expressions in a fresh process as MADE does; print how many re parsed
# and what each pattern is and finds.
PATTERNS = """
import json, re, sys
from re import _parser
from guidegen.renderers import speed
if sys.argv[2] == "trick":
    speed.fast_start()
parsed, parse = [], _parser.parse
_parser.parse = lambda *args: (parsed.append(1), parse(*args))[1]
re.purge()
found = []
for pattern, flags, text in [(r"(?P<word>\\w+)-(?P<n>\\d+)", 0, "abc-12"), ("é+", re.I, "xÉé"),
                             (rb"(?i)ab+c", 0, b"xABBC"), (r"(a) | (b)", re.X, "b")]:
    compiled = re.compile(pattern, flags)
    match = compiled.search(text)
    found.append([repr(compiled), compiled.groups, dict(compiled.groupindex),
                  repr(match.group(0)), repr(match.groups())])
speed.save_compiled()
print(json.dumps({"compiled": len(parsed), "found": found}))
"""


def test_regular_expressions_are_parsed_once_and_find_what_they_found(tmp_path):
    plain = made_in_a_fresh_process(tmp_path, False, PATTERNS)
    first = made_in_a_fresh_process(tmp_path, True, PATTERNS)
    second = made_in_a_fresh_process(tmp_path, True, PATTERNS)
    assert plain["compiled"] == first["compiled"] == 4 and second["compiled"] == 0
    assert plain["found"] == first["found"] == second["found"]
    assert plain["found"][0][1:] == [2, {"word": 1, "n": 2}, "'abc-12'", "('abc', '12')"]
    assert plain["found"][1][3] == "'Éé'" and plain["found"][2][3] == "b'ABBC'"


def test_a_command_saves_the_methods_and_patterns_it_compiled_as_it_ends(tmp_path):
    import os
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "guidegen", "-q", "check", str(DEFAULT_GUIDE)],
                   check=True, capture_output=True,
                   env={**os.environ, "GUIDEGEN_CACHE_DIR": str(tmp_path / "guidegen")})
    (saved,) = (tmp_path / "guidegen").glob("compiled-*.marshal")
    import marshal

    kept = marshal.loads(saved.read_bytes())
    texts = [key for key in kept if isinstance(key, str)]
    # the methods of the errors, the tree, the options, the theme...
    assert sum(text.startswith("exec:def __create_fn__(") for text in texts) > 200
    assert any(text.startswith("eval:") for text in texts)  # annotations pydantic read
    assert sum(isinstance(key, tuple) for key in kept) > 20  # the patterns it compiled


# The command line imported as for `guidegen check`: whether the options' __init__ was
# made from code the cache holds, and how many texts were compiled afresh.
CLI_IMPORT = """
import sys
sys.argv = ["guidegen", "-q", "check"]
import guidegen.cli
from guidegen.builder.options import BuildOptions
kept = sys.modules["guidegen.renderers.speed.kept"]
made = BuildOptions.__init__.__code__

def inner(code):  # the code objects inside (dataclasses' text defines a function's maker)
    for const in code.co_consts:
        if isinstance(const, type(code)):
            yield const
            yield from inner(const)

print(sum(made is const for code in kept._CODE.values() for const in inner(code)),
      len(kept._CODE) - kept._SAVED[0])
"""


def test_the_command_lines_own_imports_take_their_methods_from_the_cache(tmp_path):
    # build and check set the cache up before the command line's imports (148 methods)
    import os
    import subprocess
    import sys

    env = {**os.environ, "GUIDEGEN_CACHE_DIR": str(tmp_path / "guidegen")}
    subprocess.run([sys.executable, "-m", "guidegen", "-q", "check", str(DEFAULT_GUIDE)],
                   check=True, capture_output=True, env=env)
    done = subprocess.run([sys.executable, "-c", CLI_IMPORT], check=True,
                          capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["1", "0"]  # from the cache, nothing compiled afresh


# A namedtuple made after the command line's set-up (as for `guidegen check`): whether its
# __new__ is code the cache holds, whether it works, and how many texts were compiled afresh.
NAMEDTUPLE = """
import collections, sys
sys.argv = ["guidegen", "-q", "check"]
import guidegen.cli
kept = sys.modules["guidegen.renderers.speed.kept"]
Pair = collections.namedtuple("Pair", "left right")
made = Pair.__new__.__code__
print(any(made in code.co_consts for text, code in kept._CODE.items() if text.startswith("eval:")),
      Pair(1, right=2) == (1, 2), len(kept._CODE) - kept._SAVED[0])
kept.save_compiled()
"""


def test_a_namedtuples_new_is_compiled_once_per_machine(tmp_path):
    # namedtuple evaluates each class's __new__ from text (30 before the hand-off, 5 ms)
    import os
    import subprocess
    import sys

    env = {**os.environ, "GUIDEGEN_CACHE_DIR": str(tmp_path / "guidegen")}
    said = [subprocess.run([sys.executable, "-c", NAMEDTUPLE], check=True, capture_output=True,
                           text=True, env=env).stdout.split() for _ in range(2)]
    assert said[0][:2] == said[1][:2] == ["True", "True"]
    assert int(said[0][2]) > 0 and said[1][2] == "0"  # then from the cache, none afresh


def test_a_build_keeps_its_caches_in_the_project_and_writes_nothing_in_home(tmp_path):
    # nothing is written outside the project unless the user names it (GUIDEGEN_CACHE_DIR)
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    env = {name: value for name, value in os.environ.items() if name != "GUIDEGEN_CACHE_DIR"}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    project = tmp_path / "project"
    for command, where in ((["new", str(project)], tmp_path),
                           (["build", "-f", "pdf", "--force"], project / "content")):
        subprocess.run([sys.executable, "-m", "guidegen", "-q", *command], cwd=where,
                       check=True, capture_output=True, env=env)
    cache = project / ".guidegen-cache"  # found from a folder inside the project
    assert sorted({path.name.split("-")[0] for path in cache.iterdir()
                   if path.suffix != ".seal"}) == ["breaks", "compiled", "drawn", "parsed",
                                                   "subset", "templates", "ua",
                                                   "validated", "weasyprint"]
    # subset: each font's; validated, parsed: the YAML files' (common/remember); breaks:
    # where the words may break (layout/keptbreaks); drawn: the HTML (renderers/speed/drawn);
    # ua: WeasyPrint's user-agent style sheets as rules (renderers/speed/ua)
    assert all(caches.sealed(path) for path in cache.iterdir()  # each written here
               if path.is_file() and path.suffix != ".seal")
    assert list(home.iterdir()) == []
    assert ".guidegen-cache" in (project / ".gitignore").read_text()


def test_a_build_with_a_project_file_from_elsewhere_keeps_its_caches_in_the_project(tmp_path):
    # guidegen -c OTHER/guidegen.yaml build, run from another folder: the caches (the
    # main process's and the helper's) go in the project, nothing in the working folder
    import os
    import subprocess
    import sys

    env = {name: value for name, value in os.environ.items() if name != "GUIDEGEN_CACHE_DIR"}
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    elsewhere.mkdir()
    subprocess.run([sys.executable, "-m", "guidegen", "-q", "new", str(project)],
                   cwd=tmp_path, check=True, capture_output=True, env=env)
    for build in (["build"], ["build", "--force"]):  # a fresh output folder, then forced
        subprocess.run([sys.executable, "-m", "guidegen", "-q", "-c",
                        str(project / "guidegen.yaml"), *build], cwd=elsewhere, check=True,
                       capture_output=True, env=env)
    assert list(elsewhere.iterdir()) == []
    kept = sorted(path.name.split("-")[0] for path in
                  (project / ".guidegen-cache").iterdir() if path.suffix != ".seal")
    assert "parsed" in kept  # each YAML file's parse (common/remember)
    assert "layout" in kept  # the PDF's layouts (renderers/speed/layouts)
    assert "drawn" in kept  # the HTML of each level drawn (renderers/speed/drawn)
    assert [name for name in kept if name not in ("subset", "parsed", "layout", "drawn")] == [
        "breaks", "compiled", "fit", "reference", "reference", "style", "stylesheets", "templates",
        "ua", *["validated"] * 5, "weasyprint"]  # fit: builder/fithint's; reference: the DOCX's,
    # at two levels; style: the rules made of the stylesheets (renderers/speed/css_made);
    # ua: WeasyPrint's user-agent style sheets as rules (renderers/speed/ua);
    # validated: the guide, theme, style sheet, catalogue and labels (common/validated)
    assert "subset" in kept  # each font's subset, in the PDF (renderers/speed/subsets)

def test_a_bug_in_the_pdf_helper_is_an_internal_error_as_in_one_process(project, cli,
                                                                          monkeypatch):
    # the helper is forked from this process, so it runs the patched code too
    import guidegen.renderers.pdf as pdf

    def broken(layout, *args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(pdf, "laid_pages", broken)  # in the helper and in one process alike
    from guidegen.builder.processes import PdfHelper

    if PdfHelper._running is not None:
        PdfHelper._running.stop()  # a helper forked before the patch would not see it
    helped = cli("build", "content/cmo-cdmo-cro.yaml", "-j", "2", "--force")
    alone = cli("build", "content/cmo-cdmo-cro.yaml", "-j", "1", "--force")
    assert helped.exit_code == alone.exit_code == 70
    assert "internal error: HelperCrashError: KeyError: 'boom' (in the PDF helper process)" \
        in helped.stderr
    PdfHelper._running.stop()  # not to be reused by later tests with the patch in it


STOPPED_IMPORT = '''
import importlib.abc, sys
from guidegen.renderers.speed import import_weasyprint

class Stopped(BaseException):  # as a time limit stops whatever runs
    pass

class StopOnce(importlib.abc.MetaPathFinder):
    armed = True
    def find_spec(self, name, path, target=None):
        if self.armed and name == "weasyprint.svg":  # after build.py took weasyprint.html
            self.armed = False
            raise Stopped
        return None

sys.meta_path.insert(0, StopOnce())
try:
    import_weasyprint()
except Stopped:
    print("stopped")
print(len(import_weasyprint().HTML(string="<p>x</p>").write_pdf()) > 0)
'''


def test_an_import_of_weasyprint_stopped_halfway_leaves_nothing_half_imported(tmp_path):
    # a time limit that rang while WeasyPrint was being imported left weasyprint.html
    # half made inside finished modules; every later PDF of that process failed
    # ("module 'weasyprint.html' has no attribute 'handle_element'")
    done = subprocess.run([sys.executable, "-c", STOPPED_IMPORT], capture_output=True,
                          text=True, check=False, cwd=tmp_path,
                          env={**os.environ, "GUIDEGEN_CACHE_DIR": str(tmp_path / "cache")})
    assert done.stdout.split() == ["stopped", "True"], done.stderr


def rendered_by_a_new_helper(path):
    """Return the guide at ``path`` and its PDF and DOCX, laid out by a helper forked now.

    Forked now, the helper runs what the test patched; it is stopped after, not to be
    reused by later tests with the patches in it.
    """
    if PdfHelper._running is not None:
        PdfHelper._running.stop()
    try:
        guide = guidegen.load(path)
        return guide, guidegen.render(guide, ["pdf", "docx"], FRESH_2)
    finally:
        PdfHelper._running.stop()


@pytest.mark.parametrize(("path", "pages"), [(DATA / "minimal.yaml", 1), (DEFAULT_GUIDE, 2)])
def test_the_docx_is_finished_while_the_helper_writes_the_pdf(monkeypatch, path, pages,
                                                             one_process):
    # the helper (forked after the patches) writes the PDF only once this process has
    # finished the DOCX with the page map it sent: without the early page map, the two
    # would wait for each other until the event's timeout, and the helper would say so.
    # The minimal guide keeps its first layout; the default guide is fitted (its first
    # layout is three pages, the last near-empty): its PDF is written at the level found
    import multiprocessing
    from contextlib import contextmanager

    import guidegen.renderers.docx.oxml as oxml
    import guidegen.renderers.pdf.engine as engine

    finished = multiprocessing.get_context("fork").Event()
    glyph_misses, save = engine.glyph_misses, oxml.save_reproducibly

    @contextmanager
    def after_the_docx():
        if not finished.wait(60):  # only a broken build waits this long
            raise RenderError("the PDF was written before the DOCX was finished")
        with glyph_misses() as missing:
            yield missing

    def saved(*args, **kwargs):
        data = save(*args, **kwargs)
        finished.set()
        return data

    monkeypatch.setattr(engine, "glyph_misses", after_the_docx)
    monkeypatch.setattr(oxml, "save_reproducibly", saved)
    _, helped = rendered_by_a_new_helper(path)
    monkeypatch.undo()
    assert helped["docx"].data == one_process(path)["docx"] and helped["pdf"].pages == pages


@pytest.mark.parametrize(("path", "layouts", "pages", "processes"), [
    # its first layout, the guess and the level below side by side (then halvings, as
    # far as the levels below fit too)
    (DATA / "qa-qc-one-page.yaml", 3, 1, 2),
    # its first layout and the fit model's first try, alone: the level below is sure not
    # to fit, so the twin is not forked (that layout would compete with the DOCX)
    (DEFAULT_GUIDE, 2, 2, 1),
    # its first layout; the least level (nothing below it to try beside), the tightest:
    # no fit, so the helper writes the first layout's pages, which it kept
    (DATA / "acht-dienstleister.yaml", 3, 5, 1),
])
def test_a_fitted_guide_is_tried_side_by_side_and_only_its_pdf_is_written(
        monkeypatch, path, layouts, pages, processes, one_process):
    # the one-page QA/QC guide's first layout takes two pages, so it is fitted: the
    # helper and its twin (forked from it, warm) lay out the fitter's first guess and the
    # level below at once, and only the PDF kept is written (each try was written before:
    # three PDFs for one), while the DOCX is finished at the level found. The default
    # guide's first try fits and the level below certainly does not: one try, no twin. The
    # eight-subject guide keeps its first layout after its tries (a page saved would
    # leave one near-empty before the last): the helper still holds its pages to write
    import multiprocessing
    import os

    import guidegen.renderers.pdf as pdf
    import guidegen.renderers.pdf.engine as engine
    from guidegen.builder.processes import _may_twin

    pids = multiprocessing.get_context("fork").Array("i", 16)  # who laid out, in turn
    writes = multiprocessing.get_context("fork").Value("i", 0)
    lay_out, write_pdf = pdf.laid_pages, engine.Laid.write_pdf

    def counted_lay_out(*args, **kwargs):
        with pids.get_lock():
            pids[next(n for n, pid in enumerate(pids) if not pid)] = os.getpid()
        return lay_out(*args, **kwargs)

    def counted_write(self, *args, **kwargs):
        with writes.get_lock():
            writes.value += 1
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(pdf, "laid_pages", counted_lay_out)  # each layout asked for
    monkeypatch.setattr(engine.Laid, "write_pdf", counted_write)
    _, helped = rendered_by_a_new_helper(path)
    monkeypatch.undo()
    laid = [pid for pid in pids if pid]
    assert len(laid) >= layouts and writes.value == 1
    assert len(set(laid[1:3])) == (processes if _may_twin() else 1)  # side by side
    assert helped["pdf"].data == one_process(path)["pdf"] and helped["pdf"].pages == pages
    assert helped["docx"].data == one_process(path)["docx"]


def test_a_try_that_fails_beside_another_leaves_no_answer_behind(monkeypatch, one_process):
    # one of the two tries laid out side by side fails: the build says so, and the
    # other's answer is read too, so the next build in the program gets its own answers
    import multiprocessing

    import guidegen.renderers.pdf.engine as engine

    calls = multiprocessing.get_context("fork").Value("i", 0)
    lay_out = engine.lay_out

    def third_fails(*args, **kwargs):
        with calls.get_lock():
            calls.value += 1
            failing = calls.value == 3  # a try: the helper's or the twin's, whichever is last
        if failing:
            raise RenderError("this try failed")
        return lay_out(*args, **kwargs)

    monkeypatch.setattr(engine, "lay_out", third_fails)
    if PdfHelper._running is not None:
        PdfHelper._running.stop()  # one forked after the patch
    guide = guidegen.load(DATA / "qa-qc-one-page.yaml")  # two tries at once (the default: one)
    try:
        with pytest.raises(RenderError, match="this try failed"):
            guidegen.render(guide, ["pdf", "docx"], FRESH_2)
        again = guidegen.render(guide, ["pdf", "docx"], FRESH_2)  # the same helper, twin
    finally:
        PdfHelper._running.stop()  # not to be reused by later tests with the patch in it
    monkeypatch.undo()
    assert again["pdf"].data == one_process(DATA / "qa-qc-one-page.yaml")["pdf"]
    assert again["docx"].data == one_process(DATA / "qa-qc-one-page.yaml")["docx"]


def test_in_one_process_a_fitted_guide_writes_only_the_pdf_kept(monkeypatch):
    # --jobs 1 (and each worker of a pool) lays the fitter's tries out in turn, as the
    # helper does unwritten: one PDF written for two layouts (the first and the level the
    # fit model predicts: test_fit_model), each written before
    import guidegen.renderers.pdf as pdf
    import guidegen.renderers.pdf.engine as engine

    counts = {"layouts": 0, "writes": 0}
    lay_out, write_pdf = pdf.laid_pages, engine.Laid.write_pdf

    def counted_lay_out(*args, **kwargs):
        counts["layouts"] += 1
        return lay_out(*args, **kwargs)

    def counted_write(self, *args, **kwargs):
        counts["writes"] += 1
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(pdf, "laid_pages", counted_lay_out)  # each layout asked for
    monkeypatch.setattr(engine.Laid, "write_pdf", counted_write)
    guide = guidegen.load(DEFAULT_GUIDE)
    alone = guidegen.render(guide, ["pdf", "docx"], FRESH_1)
    assert counts["layouts"] == 2 and counts["writes"] == 1  # the first, one try
    monkeypatch.undo()
    if PdfHelper._running is not None:
        PdfHelper._running.stop()  # one forked without the patches
    helped = guidegen.render(guide, ["pdf", "docx"], JOBS_2)
    assert alone["pdf"].data == helped["pdf"].data and alone["pdf"].pages == 2


def test_builds_in_the_test_processes_fork_warm_and_make_a_cold_builds_bytes(project,
                                                                           warm_forks):
    # conftest.warm_forks imports the renderers in this process, so the helpers and pool
    # workers its builds fork start warm; the outputs are a cold command line's bytes
    from guidegen import system

    assert warm_forks == (system.start_method() == "fork")
    if warm_forks:
        assert {"weasyprint", "guidegen.renderers.pdf"} <= set(sys.modules)
    guidegen.build(options=guidegen.BuildOptions(jobs=2, jobs_over_cpus=True, force=True,
                                                 out=project / "warm"))
    subprocess.run([sys.executable, "-m", "guidegen", "-q", "build", "--force", "-o", "cold"],
                   check=True, capture_output=True)
    made = sorted(path.name for path in (project / "warm").iterdir()
                  if path.is_file() and not path.name.startswith("."))
    assert {"cmo-cdmo-cro.pdf", "cmo-cdmo-cro.docx"} <= set(made)
    for name in made:
        assert (project / "warm" / name).read_bytes() == (project / "cold" / name).read_bytes()
