"""Running out of memory under ``--memory-limit``: handled above the ceiling.

1 build in 64 at ``--memory-limit 1`` (fork, one guide, fit hint) ended with the PDF
helper aborted by CPython, "Fatal Python error: _Py_CheckRecursiveCall: Cannot recover
from stack overflow" on stderr. The handlers that run while a failed layout's traceback
still holds its memory (the ``with`` blocks' exits on the way up) allocate too; under the
ceiling each failure there chains one more MemoryError, and once CPython's 16 spare ones
were all held, making the next one failed in turn and recursed in C until the
interpreter gave up. Where work under the ceiling stops, the ceiling is lifted first
(:func:`guidegen.native.lift_memory_ceiling`), and a helper sets it again for its next
message.
"""

from __future__ import annotations

import gc
import inspect
import json
import subprocess
import sys
from contextlib import contextmanager

from guidegen import system

from .attacks import outputs, small_project


def exhaust() -> None:
    """Take all the memory the ceiling leaves (down to small blocks), then raise MemoryError.

    What it took stays held by the exception. Refused where no ceiling is set (nor any
    limit near what the process holds): it would take the machine's memory.
    """
    import resource

    from guidegen import native

    # (256 MB of slack: a helper forked from a test worker can free, and unmap, garbage the
    # worker held when its ceiling was set, so its ceiling may lie tens of MB above what it
    # holds + the limit; CI saw 'no memory ceiling is set' so, with 64 MB of slack)
    soft = resource.getrlimit(resource.RLIMIT_DATA)[0]
    if soft == resource.RLIM_INFINITY or soft > (native.data_size() or 0) + (256 << 20):
        raise RuntimeError("no memory ceiling is set")
    error = MemoryError()
    error.held = held = []  # as a failed layout's traceback holds what it made
    for size in (1 << 20, 1 << 16, 1 << 12, 1 << 9, *range(480, -1, -16)):
        try:
            while True:
                held.append(bytes(size) if size < 1024 else bytearray(size))
        except MemoryError:
            pass
    raise error


# In a process of its own: work that takes all the memory, then its handler's megabyte.
LIFTED = inspect.getsource(exhaust) + """
import json, resource, sys
from guidegen import native

def soft():
    found = resource.getrlimit(resource.RLIMIT_DATA)[0]
    return None if found == resource.RLIM_INFINITY else found >> 20

user = soft()
ceiling = native.limit_memory(16) >> 20
try:
    native.lifting(exhaust)()
except MemoryError:
    handled = len("".join(str(n) for n in range(200_000)))  # a megabyte, in the handler
print(json.dumps([user, ceiling, soft(), handled]))
"""


def test_work_that_takes_all_the_memory_is_handled_above_the_ceiling():
    # without the lift, the handler's megabyte fails: MemoryError, or CPython's abort
    found = subprocess.run([sys.executable, "-c", LIFTED], capture_output=True, text=True)
    assert found.returncode == 0 and found.stderr == "", found.stderr[-2000:]
    user, ceiling, after, handled = json.loads(found.stdout)
    assert ceiling and after == user  # the process's own limit back, not raised past it
    assert handled > 1_000_000


# In a process of its own: WeasyPrint's layout, then its PDF write, take all the memory.
IN_THE_ENGINE = inspect.getsource(exhaust) + """
import json, resource
from guidegen import native
from guidegen.renderers.pdf import engine
import weasyprint

def soft():
    found = resource.getrlimit(resource.RLIMIT_DATA)[0]
    return None if found == resource.RLIM_INFINITY else found >> 20

user, lifted = soft(), []
fetcher = engine.url_fetcher(lambda url: None)
laid = engine.lay_out("<p>laid out before</p>", "file:///", fetcher, None)
weasyprint.HTML.render = lambda self, **kwargs: exhaust()
laid._document.write_pdf = lambda **kwargs: exhaust()
for work in (lambda: engine.lay_out("<p>x</p>", "file:///", fetcher, None), laid.write_pdf):
    native.limit_memory(16)
    try:
        work()
    except MemoryError:
        lifted.append(soft())  # in the handler, the failed work's memory still held
print(json.dumps([user, lifted]))
"""


def test_the_engine_lifts_the_ceiling_where_weasyprint_runs_out():
    # engine.lay_out and Laid.write_pdf lift it first thing (the helper's and a worker's
    # handlers run above it): without, the ceiling is still set in the handler
    found = subprocess.run([sys.executable, "-c", IN_THE_ENGINE], capture_output=True,
                           text=True)
    assert found.returncode == 0 and found.stderr == "", found.stderr[-2000:]
    user, lifted = json.loads(found.stdout)
    assert lifted == [user, user]


def _exhausting(layout, *args, **kwargs):
    exhaust()


@contextmanager
def one_helper(cli, monkeypatch, laid_pages, memory_limit):
    """Yield what builds the project (its result) by one new PDF helper, stopped after.

    The helper is forked from this process after ``laid_pages`` replaced the PDF
    renderer's (forked in the portable pass too), with ``--memory-limit memory_limit``;
    it is still alive after each build.
    """
    import guidegen.renderers.pdf as pdf
    from guidegen.builder.processes import PdfHelper

    monkeypatch.setattr(pdf, "laid_pages", laid_pages)
    monkeypatch.delenv(system.PORTABLE, raising=False)
    if PdfHelper._running is not None:
        PdfHelper._running.stop()  # a helper forked before the patch would not see it
    gc.collect()  # the garbage earlier tests left: not freed in the helper under its ceiling
    helper = PdfHelper.get(memory_limit)

    def build():
        result = cli("build", "-j", "2", "--jobs-over-cpus", "--force",
                     "--memory-limit", str(memory_limit))
        assert PdfHelper._running is helper and helper.process.is_alive()
        return result

    try:
        yield build
    finally:
        helper.stop()  # not to be reused by later tests with the patch in it


def test_a_helper_whose_layout_takes_all_its_memory_says_so(project, cli, monkeypatch,
                                                              capfd):
    # the helper is forked from this process (it runs the patched laid_pages), its layout
    # takes all that --memory-limit 16 leaves; it answers the error naming the limit, and
    # lays out the next under the ceiling again (else exhaust() refuses: an internal
    # error). Forked in the portable pass too.
    with one_helper(cli, monkeypatch, _exhausting, 16) as build:
        for _ in range(2):
            result = build()
            assert result.exit_code == 3, result.stderr
            assert result.stderr.strip().splitlines() == [
                "error: laying out the PDF ran out of memory; it may have needed more than "
                "the 16 MB of memory that --memory-limit gives each helper and worker "
                "process"]
    err = capfd.readouterr().err
    assert "Fatal Python error" not in err and "Traceback" not in err, err[-2000:]
    assert outputs(project) == {}


_LAID_OUT: list[int] = []  # in the helper: how many layouts it was asked for


def _holding_40_mb(layout, *args, **kwargs):
    from guidegen.errors import RenderError

    held = bytearray(40 << 20)  # what a layout holds: its frame's, while it fails
    _LAID_OUT.append(len(held))
    raise RenderError(f"layout {len(_LAID_OUT)} failed")


def test_a_failed_layouts_memory_is_freed_before_the_next_message(project, cli, monkeypatch):
    # a layout that fails with an error of its own (a missing glyph, a refused URL) holds
    # what it made in its traceback; the helper's next layout, under the same ceiling,
    # has all of --memory-limit again, not what the failed one left
    small_project(project)  # one layout a build
    with one_helper(cli, monkeypatch, _holding_40_mb, 56) as build:
        for n in (1, 2):  # before, the second said it ran out of memory
            assert build().stderr.strip().splitlines() == [f"error: layout {n} failed"]


def _render_holding_40_mb(task):
    from guidegen.errors import RenderError

    held = bytearray(40 << 20)  # what a render holds: its frame's, while it fails
    if task.n == 1:
        raise MemoryError  # said as the --memory-limit's error, made in its handler
    raise RenderError(f"guide {task.n} failed after its {len(held) >> 20} MB")


def two_tasks(monkeypatch, render_formats, memory_limit):
    """Return the futures of tasks 1 and 2 rendered by ``render_formats``, done.

    By one worker, forked from this process (in the portable pass too), with
    ``--memory-limit memory_limit``; each task has its number ``n`` and its title.
    """
    from types import SimpleNamespace

    from guidegen.builder import scheduler
    from guidegen.builder.pool import start_pool

    monkeypatch.setattr(scheduler, "render_formats", render_formats)
    monkeypatch.delenv(system.PORTABLE, raising=False)  # forked: with the patch
    pool = start_pool(1, memory_limit)
    try:
        found = [pool.submit(scheduler.render_task, SimpleNamespace(
            n=n, document=SimpleNamespace(meta=SimpleNamespace(title=f"guide {n}")))
        ) for n in (1, 2)]
        for future in found:
            future.exception()  # done
    finally:
        pool.shutdown()
    return found


def test_a_failed_renders_memory_is_freed_before_the_workers_next_task(monkeypatch):
    # a worker's render that fails holds what it made in the error's chained exception
    # (concurrent.futures keeps the last error sent until the next); its next task has
    # all of --memory-limit again (before: the second ran out of memory too)
    failed = [future.exception() for future in
              two_tasks(monkeypatch, _render_holding_40_mb, 56)]
    assert "rendering 'guide 1' ran out of memory" in str(failed[0])
    assert str(failed[1]) == "guide 2 failed after its 40 MB"


_RECORDS: list[str] = []  # in the helper: the file it records its soft limits in


def _soft() -> int:
    import resource

    return resource.getrlimit(resource.RLIMIT_DATA)[0]


def _record(what: str) -> None:
    with open(_RECORDS[0], "a", encoding="utf-8") as file:
        file.write(f"{what} {_soft()}\n")


def _laying_out_of_memory(layout, *args, **kwargs):
    _record("lay")
    raise MemoryError


def test_the_idle_work_after_a_failed_layout_runs_under_the_ceiling(project, cli, monkeypatch,
                                                                     tmp_path):
    # the failed layout lifts the ceiling (its handlers run above it); the helper's idle
    # work (font configuration, premade rules) ran so until the next message: before, its
    # soft limit there was the process's own
    import guidegen.renderers.pdf as pdf

    small_project(project)
    _RECORDS[:] = [str(tmp_path / "records")]
    monkeypatch.setattr(pdf, "idle", lambda waiting: _record("idle"), raising=False)
    with one_helper(cli, monkeypatch, _laying_out_of_memory, 16) as build:
        for _ in range(2):  # the idle work after the first answer runs before the second
            assert build().exit_code == 3
    records = (tmp_path / "records").read_text(encoding="utf-8").split()
    ceiling = records[3]  # the first layout's: under the ceiling
    assert records[:6] == ["idle", str(_soft()), "lay", ceiling, "idle", ceiling]
    assert ceiling != records[1]  # not the process's own limit
    assert records[6:8] == ["lay", ceiling]
