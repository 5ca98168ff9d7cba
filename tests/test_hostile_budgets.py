"""Hostile input, second pass (issue 13): work bounded before it is done.

Aliases are budgeted in characters as well as values, Markdown nesting is limited,
processes are capped at the CPUs and each helper and worker at its memory, and Ctrl-C
stops a pool's renders at once.
"""

from __future__ import annotations

import signal
import tracemalloc
from types import SimpleNamespace

import pytest

from guidegen import BuildOptions, system
from guidegen.builder import scheduler as scheduler_module
from guidegen.builder.options import cpu_count
from guidegen.builder.scheduler import Scheduler
from guidegen.content.loader import load
from guidegen.errors import ContentError, RenderError
from guidegen.renderers.html.templating import template_errors
from guidegen.renderers.pdf.fetcher import refused_urls_as_errors

from .attacks import MINIMAL, children, guidegen_process, outputs, use_guide
from .conftest import exited, hooked, paused, write_yaml
from .readers import docx_text, html_text, pdf_text

# -- 3. aliases that repeat one long text ---------------------------------------------------


def test_an_alias_repeating_a_long_text_is_refused_by_its_characters(tmp_path, monkeypatch):
    from guidegen.common import yamlsource

    text = MINIMAL + 'extra: &s "' + "x" * 60_000 + '"\nmore: [' + ", ".join(["*s"] * 15_000) \
        + "]\n"
    path = write_yaml(tmp_path, "g.yaml", text)
    built = []
    monkeypatch.setattr(yamlsource._Builder, "build",
                        lambda self, node, path: built.append(path))
    tracemalloc.start()
    with pytest.raises(ContentError) as caught:
        load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert str(caught.value.problems[0]).endswith(
        "g.yaml:20:7: error: document expands to more than 4,000,000 characters of text "
        "(aliases repeated too often?)")
    assert built == []  # counted on the composed nodes, before any value is built
    assert peak < 30_000_000  # the file's own size, a few times over


def test_the_character_budget_leaves_real_guides_alone(project, cli):
    assert cli("check").exit_code == 0


# -- 7. Markdown nested too deeply -------------------------------------------------------------

def test_emphasis_nested_600_and_400_deep_is_a_located_error(project, cli):
    use_guide(project, "emphasis-600.yaml")
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "content/emphasis-600.yaml:8:14: error: subjects[0].summary: lists, emphasis and "
        "links are nested more than 24 levels deep",
        "content/emphasis-600.yaml:12:14: error: subjects[1].summary: lists, emphasis and "
        "links are nested more than 24 levels deep"]
    assert cli("build").exit_code == 1
    assert outputs(project) == {}


def test_the_deepest_nesting_allowed_builds_in_every_format(project, cli):
    def nested(depth: int) -> str:
        return '"' + "*a " * depth + "deepest" + " a*" * depth + '"'

    deepest = MINIMAL.replace("Alpha is first.", nested(23))  # 24 levels with the paragraph
    write_yaml(project / "content", "cmo-cdmo-cro.yaml", deepest)
    assert cli("build", "-f", "pdf,docx,html").exit_code == 0
    out = project / "output"
    for text in (pdf_text(out / "cmo-cdmo-cro.pdf"), docx_text(out / "cmo-cdmo-cro.docx"),
                 html_text((out / "cmo-cdmo-cro.html").read_bytes())):
        assert "deepest" in text
    write_yaml(project / "content", "cmo-cdmo-cro.yaml", MINIMAL.replace("Alpha is first.",
                                                                         nested(24)))
    assert cli("check").exit_code == 1


# -- 6. processes and memory ---------------------------------------------------------------------

def test_jobs_are_capped_at_the_cpus_unless_asked_for_by_name():
    assert BuildOptions(jobs=60).processes == cpu_count()
    assert BuildOptions().processes == cpu_count()
    assert BuildOptions(jobs=60, jobs_over_cpus=True).processes == 60
    assert BuildOptions(jobs=1).processes == 1


def test_jobs_over_cpus_is_a_project_key(project, cli):
    write_yaml(project, "guidegen.yaml", "jobs: 60\njobs_over_cpus: true\nmemory_limit: 2048\n")
    from guidegen.project.config import load_project

    options = load_project(project / "guidegen.yaml").options()
    assert (options.processes, options.memory_limit) == (60, 2048)


@pytest.mark.parametrize("guides", [1, 2])  # the PDF helper; a pool of workers
def test_a_render_over_its_memory_limit_stops_with_a_clear_message(project, guides):
    if guides == 2:
        write_yaml(project / "content", "second.yaml", MINIMAL)
    process = guidegen_process(project, "build", "-j", "2", "--jobs-over-cpus",
                               "--memory-limit", "1", "--force")  # laid out: not a kept layout
    _, stderr = process.communicate()
    message = stderr.decode().strip().splitlines()[-1]
    assert process.returncode == 3, stderr
    assert message.startswith("error: ")
    assert message.endswith("it may have needed more than the 1 MB of memory that "
                            "--memory-limit gives each helper and worker process")
    assert "Traceback" not in stderr.decode()
    assert outputs(project) == {}


# In a process of its own: a soft RLIMIT_DATA (the user's ``ulimit -d``, in megabytes; 0:
# 8 more than the process holds), then a worker's render under --memory-limit 64, then the
# helper's limit (for good).
WORKER_LIMITS = """
import json, resource, sys
from guidegen import native
from guidegen.builder import pool

def soft():
    found = resource.getrlimit(resource.RLIMIT_DATA)[0]
    return None if found == resource.RLIM_INFINITY else found >> 20

user = int(sys.argv[1]) if len(sys.argv) > 1 else resource.RLIM_INFINITY
user = user or (native.data_size() >> 20) + 8
resource.setrlimit(resource.RLIMIT_DATA, (user if user == resource.RLIM_INFINITY
                                          else user << 20, resource.RLIM_INFINITY))
pool.WORKER_MEMORY.append(64)
with pool.limited_worker_memory():
    rendering = soft()
after = soft()
native.limit_memory(64)
print(json.dumps([native.data_size() >> 20, rendering, after, soft(), user]))
"""


@pytest.mark.parametrize("user", [None, 2048, 0])
def test_a_worker_is_held_to_its_memory_limit_while_it_renders_within_the_users(user):
    # --memory-limit 64 on top of what the worker holds, only while it renders (lifted
    # after: concurrent.futures pickles its result outside guidegen's code); a user's
    # tighter ulimit -d (8 MB more than the process holds) is kept, never raised to it
    import json
    import subprocess
    import sys

    found = subprocess.run([sys.executable, "-c", WORKER_LIMITS,
                            *([] if user is None else [str(user)])],
                           capture_output=True, text=True, check=True)
    held, rendering, after, helper, tight = json.loads(found.stdout)
    if user == 0:
        assert rendering == after == helper == tight < held + 64
    else:
        assert held + 64 - 2 <= rendering <= held + 64 + 16 + 2  # + the spawn slack
        assert after == user
        assert held + 64 - 2 <= helper <= held + 64 + 2


def test_a_helper_or_worker_reads_fontconfig_before_its_memory_limit():
    # a spawned worker that first read fontconfig's configuration under --memory-limit 1
    # printed "Fontconfig error: Cannot load default config file" dozens of times
    import threading

    from guidegen.renderers import RENDERERS
    from guidegen.renderers.pdf import engine

    made = []  # in a thread of its own: font configurations are kept by thread
    thread = threading.Thread(target=lambda: (RENDERERS["pdf"].warm_up(None),
                                              made.append(dict(engine._kept()))))
    thread.start()
    thread.join()
    assert list(made[0]) == [engine._SPARE]


class _FailingPool:
    """A pool whose results end in ``failure``, as a worker's unpickled exception does."""

    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    def map(self, *_):
        raise self.failure

    def shutdown(self, cancel_futures):
        pass


NULL = SystemError("<function _process_chunk at 0x7f5> returned NULL without setting an exception")


@pytest.mark.parametrize("failure", [NULL, MemoryError()])
def test_a_workers_failed_allocation_names_the_memory_limit(failure):
    # a CI run's worker under --memory-limit 1 failed outside render_task with this NULL
    scheduler = Scheduler(("pdf",), 2, 7)
    scheduler.pool = _FailingPool(failure)
    with pytest.raises(RenderError, match=f"failed \\({type(failure).__name__}\\); it may "
                       "have needed more than the 7 MB of memory that --memory-limit"):
        scheduler.run([])


def test_a_render_whose_c_code_fails_an_allocation_names_the_memory_limit(monkeypatch):
    def fail(task):
        raise NULL

    monkeypatch.setattr(scheduler_module, "render_formats", fail)
    task = SimpleNamespace(document=SimpleNamespace(meta=SimpleNamespace(title="Guide")))
    with pytest.raises(RenderError, match="rendering 'Guide' ran out of memory; it may have"):
        scheduler_module.render_task(task)


@pytest.mark.parametrize("failure", [NULL, MemoryError()])
def test_a_failed_allocation_is_not_taken_for_a_layout_or_a_template_fault(failure, tmp_path):
    # a CI worker under --memory-limit 1 said "PDF layout failed: error return without
    # exception set" (exit 3, but without naming the limit)
    for wrapper in (refused_urls_as_errors(), template_errors([tmp_path])):
        with pytest.raises(type(failure)), wrapper:
            raise failure


def _lxml_error(code: int) -> Exception:
    import lxml.etree

    return lxml.etree.XMLSyntaxError("unknown error", code, 0, 0, "<string>")


def test_libxml2s_failed_allocation_is_out_of_memory():
    import lxml.etree

    from guidegen.errors import out_of_memory

    assert lxml.etree.ErrorTypes.ERR_NO_MEMORY == 2
    assert out_of_memory(_lxml_error(2)) and out_of_memory(NULL) and out_of_memory(MemoryError())
    assert not out_of_memory(_lxml_error(lxml.etree.ErrorTypes.ERR_DOCUMENT_END))
    assert not out_of_memory(KeyError("boom"))


def test_libxml2s_failed_allocation_in_an_xpath_query_is_out_of_memory():
    # a worker at --memory-limit 4 ended a build with exit 70: "WorkerCrashError:
    # XPathEvalError: unknown error" (python-docx's XPath; libxml2 logs the code only)
    import lxml.etree

    from guidegen.errors import out_of_memory

    document = lxml.etree.XML("<a/>")
    with pytest.raises(lxml.etree.XPathEvalError) as raised:
        document.xpath("$undefined")
    assert not out_of_memory(raised.value)  # a query's own error
    failed = lxml.etree.XPathEvalError("unknown error")
    for code in (lxml.etree.ErrorTypes.ERR_NO_MEMORY, lxml.etree.ErrorTypes.XPATH_MEMORY_ERROR):
        failed.error_log = [SimpleNamespace(type=code)]  # what libxml2 logged
        assert out_of_memory(failed)


def test_libxml2s_failed_allocation_is_not_taken_for_a_bad_reference_or_template(
        tmp_path, monkeypatch):
    import docx

    from guidegen.renderers.docx import styles

    def fail(*_):
        raise _lxml_error(2)

    monkeypatch.setattr(docx, "Document", fail)  # python-docx opening the reference
    with pytest.raises(type(_lxml_error(2))):
        styles._open(b"", tmp_path / "reference.docx")
    for wrapper in (refused_urls_as_errors(), template_errors([tmp_path])):
        with pytest.raises(type(_lxml_error(2))), wrapper:
            fail()


def test_what_a_worker_raises_pickles_for_its_caller(monkeypatch):
    # a worker's python-docx, at --memory-limit 1 or 5, failed an allocation in libxml2:
    # lxml's XMLSyntaxError (code 2) cannot be pickled, and the build ended with exit 70
    # "TypeError: cannot pickle 'lxml.etree._ListErrorLog' object"
    import pickle

    from guidegen.builder.pool import WorkerCrashError

    task = SimpleNamespace(document=SimpleNamespace(meta=SimpleNamespace(title="Guide")))
    for failure, kind, message in [
            (_lxml_error(2), RenderError, "rendering 'Guide' ran out of memory; it may have"),
            (_lxml_error(5), WorkerCrashError,
             r"XMLSyntaxError: unknown error \(<string>, line 0\) \(in a worker process\)")]:
        def fail(task, failure=failure):
            raise failure

        monkeypatch.setattr(scheduler_module, "render_formats", fail)
        with pytest.raises(kind, match=message) as raised:
            scheduler_module.render_task(task)
        again = pickle.loads(pickle.dumps(raised.value))
        assert type(again) is kind and str(again) == str(raised.value)


@pytest.mark.parametrize("failure", ["lxml", "report"])
def test_the_pdf_helper_out_of_memory_anywhere_says_so_without_a_traceback(
        project, cli, monkeypatch, capfd, failure):
    # libxml2's failed allocation in the helper; or one in making the report of a failure
    # (its traceback), past the answers' handling, which printed multiprocessing's
    # traceback. The helper is forked from this process: it runs the patched code too;
    # here, not inside click's runner, so that it prints where capfd reads. Forked, then,
    # in the portable pass too (a spawned helper would not run the patch).
    import guidegen.renderers.pdf as pdf
    from guidegen.builder.processes import PdfHelper

    class ExhaustingError(Exception):
        def __str__(self):
            raise MemoryError

    def broken(layout, *args, **kwargs):
        raise _lxml_error(2) if failure == "lxml" else ExhaustingError()

    monkeypatch.setattr(pdf, "laid_pages", broken)
    monkeypatch.delenv(system.PORTABLE, raising=False)
    if PdfHelper._running is not None:
        PdfHelper._running.stop()  # a helper forked before the patch would not see it
    PdfHelper.get()
    result = cli("build", "-j", "2", "--jobs-over-cpus", "--force")
    if PdfHelper._running is not None:  # not to be reused by later tests with the patch in it
        PdfHelper._running.stop()
    assert result.exit_code == 3, result.stderr
    assert result.stderr.strip().splitlines()[-1].endswith(
        "it may have needed more than the 1024 MB of memory that --memory-limit gives each "
        "helper and worker process")
    assert "Traceback" not in capfd.readouterr().err
    assert outputs(project) == {}


# -- 11. Ctrl-C with a pool -----------------------------------------------------------------------

def test_ctrl_c_stops_the_pools_renders_at_once(project):
    write_yaml(project / "content", "second.yaml", MINIMAL)
    # each worker stops in the middle of its render and stays there (guidegen.testhook)
    process = guidegen_process(project, "build", "-j", "2", "--jobs-over-cpus", "-f", "pdf",
                               env=hooked("render=pause"))
    workers = paused(process, 2)
    assert sorted(workers) == sorted(children(process.pid))  # the pool's, both rendering
    process.send_signal(signal.SIGINT)
    assert exited(process.pid), "Ctrl-C waited for the renders"
    _, stderr = process.communicate()
    assert process.returncode == 130
    assert stderr.decode().strip() == "interrupted; no output was changed"
    assert all(exited(pid) for pid in workers), "a worker outlived the build"
    assert outputs(project) == {}
