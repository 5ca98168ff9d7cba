"""The portable paths (guidegen.system): what macOS and Windows builds run, run here.

``GUIDEGEN_PORTABLE=1`` makes guidegen take, on Linux, the paths it takes where the
system lacks ``fork``, ``SIGALRM``, ``flock`` on a folder or ``O_NONBLOCK``. These tests
make each of those raise, in this process, and build with the PDF helper, with a pool of
workers and to a time limit: the builds succeed (or stop at the limit) only because the
portable paths do not touch them. The same builds on the Linux paths do touch them (the
last test), so the patches would have caught a path taken by mistake. ``.ci/run`` runs
the build, packet, roster, limits and interruption tests a second time in this mode.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import stat
from collections.abc import Iterator

import pytest

from guidegen import system

from .attacks import HOSTILE, MINIMAL, outputs, small_project
from .conftest import write_yaml
from .readers import pdf_text


class UnavailableError(OSError):
    """What a patched system call raises: it is not there on macOS or Windows."""


LINUX_CALLS = ("os.fork", "SIGALRM", "flock on a folder")


def refuse_linux_calls(monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...] = LINUX_CALLS
                       ) -> list[str]:
    """Make the calls ``names`` raise; return the list of those called, as they are."""
    called: list[str] = []
    real_signal, real_flock = signal.signal, fcntl.flock

    def refuse(name: str) -> None:
        called.append(name)
        raise UnavailableError(f"{name} is not available on this system")

    def fork() -> int:
        refuse("os.fork")
        return 0

    def setitimer(*args: object) -> tuple[float, float]:
        refuse("SIGALRM")
        return 0.0, 0.0

    def alarm_refused(number: int, handler: object) -> object:
        if number == signal.SIGALRM:
            refuse("SIGALRM")
        return real_signal(number, handler)  # type: ignore[arg-type]

    def flock_refused(descriptor: int, operation: int) -> None:
        if stat.S_ISDIR(os.fstat(descriptor).st_mode):  # the Linux path locks the folder
            refuse("flock on a folder")
        real_flock(descriptor, operation)

    if "os.fork" in names:
        monkeypatch.setattr(os, "fork", fork)
    if "SIGALRM" in names:
        monkeypatch.setattr(signal, "setitimer", setitimer)
        monkeypatch.setattr(signal, "signal", alarm_refused)
    if "flock on a folder" in names:
        monkeypatch.setattr(fcntl, "flock", flock_refused)
    return called


@pytest.fixture
def linux_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make fork, SIGALRM and flock on a folder raise; return the names of those called."""
    return refuse_linux_calls(monkeypatch)


@pytest.fixture(autouse=True)
def no_helper() -> Iterator[None]:
    """Start each test without a PDF helper (a new one is started the test's way)."""
    from guidegen.builder.processes import PdfHelper

    def stop() -> None:
        if PdfHelper._running is not None:
            PdfHelper._running.stop()

    stop()
    yield
    stop()


@pytest.fixture
def portable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(system.PORTABLE, "1")


def test_the_switch_selects_every_portable_path(portable):
    assert system.described() == (
        "processes: spawn; time limits: watchdog thread; folder locks: filelock; "
        "special files: stat first; memory limits: RLIMIT_DATA")
    assert not system.has_death_signal()


def test_linux_takes_its_own_paths(monkeypatch):
    monkeypatch.delenv(system.PORTABLE, raising=False)
    assert system.described() == (
        "processes: fork; time limits: SIGALRM; folder locks: flock; "
        "special files: O_NONBLOCK; memory limits: RLIMIT_DATA")


def test_a_guide_builds_beside_a_spawned_pdf_helper(project, cli, portable, linux_only,
                                                    monkeypatch):
    import filelock

    locks: list[int] = []
    lock = filelock.lock_descriptor

    def lock_counted(descriptor: int, **options: object) -> bool:
        locks.append(descriptor)
        return lock(descriptor, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(filelock, "lock_descriptor", lock_counted)
    result = cli("build", "-j", "2", "--jobs-over-cpus")
    assert result.exit_code == 0, result.stderr
    assert linux_only == []
    assert locks, "the output folder was not locked"
    built = outputs(project)
    assert {"cmo-cdmo-cro.pdf", "cmo-cdmo-cro.docx"} <= set(built)
    assert ".guidegen-lock" not in built  # there while the build writes, gone after
    assert "CMO vs CDMO vs CRO" in pdf_text(project / "output" / "cmo-cdmo-cro.pdf")
    from guidegen.builder.processes import PdfHelper

    helper = PdfHelper._running
    assert helper is not None and helper.process._start_method == "spawn"


def test_guides_build_in_a_pool_of_spawned_workers(project, cli, portable, linux_only):
    write_yaml(project / "content", "second.yaml", MINIMAL)
    result = cli("build", "-j", "2", "--jobs-over-cpus", "-f", "pdf")
    assert result.exit_code == 0, result.stderr
    assert linux_only == []
    assert {"cmo-cdmo-cro.pdf", "second.pdf"} <= set(outputs(project))
    assert "Alpha" in pdf_text(project / "output" / "second.pdf")


def test_a_runaway_render_stops_at_the_watchdogs_time_limit(project, cli, portable,
                                                           linux_only):
    (project / "mine" / "blocks").mkdir(parents=True)
    shutil.copy(HOSTILE / "templates" / "slow.html.j2",
                project / "mine" / "blocks" / "heading.html.j2")
    result = cli("build", "-f", "pdf", "-j", "1", "--templates", "mine", "--time-limit", "2")
    assert result.exit_code == 3
    assert "took longer than 2 s and was stopped" in result.stderr
    assert linux_only == []
    assert outputs(project) == {}  # the folder made for the build, lock file and all, is gone


def test_a_fifo_is_refused_before_it_is_opened(project, cli, portable):
    fifo = project / "content" / "waiting.yaml"
    os.mkfifo(fifo)
    result = cli("check", str(fifo))
    assert result.exit_code != 0
    assert "is a FIFO (named pipe), not a regular file" in result.stderr


@pytest.mark.parametrize("call", LINUX_CALLS)
def test_the_linux_paths_would_have_been_caught(project, monkeypatch, call):
    from click.testing import CliRunner

    from guidegen.cli import main

    monkeypatch.delenv(system.PORTABLE, raising=False)
    called = refuse_linux_calls(monkeypatch, (call,))
    result = CliRunner().invoke(main, ["-q", "build", "-j", "2", "--jobs-over-cpus",
                                       "--time-limit", "600"])
    assert called[:1] == [call]
    assert result.exit_code != 0
    from guidegen.builder import limits

    assert limits._LIMITS == []  # a limit that could not start is not left in force


@pytest.mark.parametrize("guides", [1, 2])  # the PDF helper; a pool of workers
def test_spawned_processes_keep_their_caches_in_the_project(project, cli, portable, linux_only,
                                                             monkeypatch, tmp_path_factory,
                                                             guides):
    # guidegen -c PROJECT/guidegen.yaml build, from another folder: a spawned helper wrote
    # WeasyPrint's compiled declarations and its style rules in that folder's cache
    monkeypatch.delenv("GUIDEGEN_CACHE_DIR", raising=False)
    write_yaml(project, "guidegen.yaml", "content: content\noutput: output\njobs: 2\n"
                                         "jobs_over_cpus: true\n")
    if guides == 2:
        write_yaml(project / "content", "second.yaml", MINIMAL)
    else:  # the helper's caches, whatever it lays out: the minimal guide, not a fitted one
        small_project(project)
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # outside the project's folder
    monkeypatch.chdir(elsewhere)
    result = cli("-c", str(project / "guidegen.yaml"), "build")
    assert result.exit_code == 0, result.stderr
    assert linux_only == []
    assert list(elsewhere.iterdir()) == []
    assert any((project / ".guidegen-cache").glob("weasyprint-ffi-*.py"))
