"""What a helper or worker prints reaches the user, unless it died or ran out of memory.

Under ``--memory-limit`` 1-4, 21 builds in 90 printed more than guidegen's one error
line: GLib's "GLib-ERROR **: creating thread '[pango] FcFontSetSort': Error creating
thread" as it aborted the helper, or CPython's "Exception ignored in: ... MemoryError"
as a failed layout unwound (:mod:`guidegen.builder.heldstderr`). The test hook's ``die``
writes such a line to file descriptor 2 and kills the process; ``warn`` writes one and
goes on, as a C library's warning does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from guidegen.builder import heldstderr

from .attacks import MINIMAL, guidegen_process, outputs, small_project
from .conftest import hooked, write_yaml
from .test_memory_ceiling import one_helper, two_tasks

HINT = ("it may have needed more than the 64 MB of memory that --memory-limit gives each "
        "helper and worker process")
BUILD = ("-q", "build", "-j", "2", "--jobs-over-cpus", "--memory-limit", "64")


def build(project, spec, *args):
    """Return the exit status and standard error of a build stopped where ``spec`` says."""
    process = guidegen_process(project, *BUILD, *args, env=hooked(spec))
    _, stderr = process.communicate()
    return process.returncode, stderr.decode()


@pytest.mark.parametrize(("guides", "spec", "said"), [
    (1, "lay=die", "error: the PDF helper process stopped unexpectedly (killed by SIGKILL); "),
    (2, "render=die", "error: a worker process stopped unexpectedly; "),
])
def test_a_process_that_dies_leaves_only_guidegens_line(project, guides, spec, said):
    # the helper (one guide, -j 2) or a worker (two guides) writes GLib's last words to
    # its standard error and dies; the portable pass spawns them
    small_project(project)
    if guides == 2:
        write_yaml(project / "content", "second.yaml", MINIMAL)
    status, stderr = build(project, spec)
    assert status == 3
    assert stderr.splitlines() == [said + HINT]  # before: the GLib-ERROR line above it
    assert outputs(project) == {}


@pytest.mark.parametrize(("spec", "signal"), [("lay=abort", "SIGABRT"),
                                              ("lay=segfault", "SIGSEGV")])
def test_a_helper_that_crashes_not_of_memory_is_told_with_its_last_words(
        project, spec, signal, tmp_path_factory):
    # a C library's abort() or a bad pointer: what it printed just before was dropped with
    # the held file; now the caller reads the file it made and says its last lines
    small_project(project)
    temporary = tmp_path_factory.mktemp("temporary")  # where the caller made the file
    process = guidegen_process(project, *BUILD, env={**hooked(spec), "TMPDIR": str(temporary)})
    _, said = process.communicate()
    assert process.returncode == 3
    lines = said.decode().splitlines()
    assert lines[0] == ("error: the PDF helper process stopped unexpectedly "
                        f"(killed by {signal}); " + HINT)
    assert lines[1] == "what it printed last:"
    assert len(lines) == 3 and lines[2].startswith("  guidegen test hook: lay crashing in ")
    assert outputs(project) == {}
    assert list(temporary.iterdir()) == []  # unlinked


def test_a_crashs_last_words_are_the_last_lines_not_passed_on_and_bounded(tmp_path):
    # what the file took past its head's mark: at most WORDS lines and bytes, whole lines
    reserved = heldstderr.reserve()
    assert reserved is not None
    file, path = reserved
    try:
        passed = b"passed on already\n" * 3
        os.pwrite(file, (heldstderr.HEAD + len(passed)).to_bytes(heldstderr.HEAD, "little")
                  + passed, 0)
        assert heldstderr.last_words(file) == []
        os.lseek(file, 0, os.SEEK_END)
        os.write(file, b"one\n\ntwo\n")
        assert heldstderr.last_words(file) == ["one", "two"]
        lines, most = heldstderr.WORDS
        os.write(file, b"".join(b"line %d\n" % n for n in range(500)))
        words = heldstderr.last_words(file)
        assert len(words) == lines and words[-1] == "line 499"
        os.write(file, b"x" * (3 * most) + b"\nlast\n")
        assert heldstderr.last_words(file) == ["last"]  # the long line cut: left out
    finally:
        heldstderr.unreserve(reserved)
    assert not os.path.exists(path)


@pytest.mark.parametrize(("guides", "spec"), [(1, "lay=warn"), (2, "render=warn")])
def test_what_a_helper_or_worker_warns_still_reaches_the_user(project, guides, spec):
    small_project(project)
    if guides == 2:
        write_yaml(project / "content", "second.yaml", MINIMAL)
    status, stderr = build(project, spec)
    assert status == 0, stderr
    lines = stderr.splitlines()  # once in each process that passed the point
    assert 1 <= len(lines) <= guides and len(set(lines)) == len(lines)
    for line in lines:
        assert line.startswith(f"guidegen test hook: {spec.split('=')[0]} warned in process ")
    assert len(outputs(project)) == 2 * guides + 1  # PDF, DOCX, and the state file


def _dumping(layout, *args, **kwargs):
    os.write(2, b"Exception ignored in: <generator object iter_subtree>\nMemoryError\n")
    raise MemoryError


def _warning(layout, *args, **kwargs):
    from guidegen.errors import RenderError

    os.write(2, b"Fontconfig warning: a warning of the helper\n")
    raise RenderError("layout failed")


def test_a_helper_that_runs_out_of_memory_drops_what_it_printed(project, cli, monkeypatch,
                                                                  capfd):
    # the helper is forked from this process (the patched laid_pages); what it printed
    # as its layout ran out of memory goes nowhere, and it is quiet after: the one line
    small_project(project)
    with one_helper(cli, monkeypatch, _dumping, 64) as run:
        result = run()
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "error: laying out the PDF ran out of memory; " + HINT]
    assert capfd.readouterr().err == ""  # before: the dump


def test_a_helpers_warning_before_an_error_of_its_own_is_passed_on(project, cli, monkeypatch,
                                                                    capfd):
    small_project(project)
    with one_helper(cli, monkeypatch, _warning, 64) as run:
        result = run()
    assert result.exit_code == 3 and result.stderr.splitlines() == ["error: layout failed"]
    assert capfd.readouterr().err == "Fontconfig warning: a warning of the helper\n"


def _render_printing(task):
    if task.n == 1:
        os.write(2, b"Exception ignored in: <generator object iter_subtree>\n")
        raise MemoryError
    os.write(2, f"warning of guide {task.n}\n".encode())
    return {}


def test_a_worker_drops_what_a_render_out_of_memory_printed_and_passes_on_the_rest(
        monkeypatch, capfd):
    failed, rendered = two_tasks(monkeypatch, _render_printing, 64)
    assert "rendering 'guide 1' ran out of memory" in str(failed.exception())
    assert rendered.result() == {}
    assert capfd.readouterr().err == "warning of guide 2\n"  # before: the dump too


PASSING_ON = r"""
import json, os
from guidegen.builder import heldstderr

heldstderr.hold()
for n in range(4000):  # 400 kB: lines across the file's reads, a long one, an unfinished one
    os.write(2, b"%06d %s\n" % (n, b"x" * (n % 97)))
os.write(2, b"y" * 10000 + b"\n" + b"unfinished")
real, write, written = heldstderr._REAL[0], os.write, []

def recorded(fd, data):
    if fd == real:
        written.append(bytes(data).decode())
    return write(fd, data)

os.write = recorded
heldstderr.passed_on()
print(json.dumps(written))
"""


def test_what_a_process_held_goes_out_in_whole_lines_a_pipe_takes_uncut():
    # each write of at most PIPE_BUF bytes: a helper's and its twin's lines, passed on at
    # once into the same pipe, are not torn apart (with 64 KiB writes, a line was cut)
    done = subprocess.run([sys.executable, "-c", PASSING_ON], capture_output=True,
                          check=True)
    written = json.loads(done.stdout)
    assert "".join(written).encode() == done.stderr  # all of it, in order
    assert done.stderr.endswith(b"y\nunfinished") and done.stderr.count(b"\n") == 4001
    assert written[-1] == "unfinished"
    for piece in written[:-1]:
        assert piece.endswith("\n")
        assert len(piece) <= heldstderr.PIPE_BUF or piece.count("\n") == 1


def test_with_faulthandler_on_a_crash_of_a_process_that_holds_is_still_told():
    # python -X faulthandler (PYTHONFAULTHANDLER): its traceback of a segfault went into
    # the held file, gone with the process; at 738c12e it reached the user
    crashing = ("import os, signal\nfrom guidegen.builder import heldstderr\n"
                "heldstderr.hold()\nos.kill(os.getpid(), signal.SIGSEGV)\n")
    done = subprocess.run([sys.executable, "-X", "faulthandler", "-c", crashing],
                          capture_output=True, check=False)
    assert done.returncode == -11
    assert b"Fatal Python error: Segmentation fault" in done.stderr, done.stderr
