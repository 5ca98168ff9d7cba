"""The command line's start before click: the early fork's guess and Ctrl-C in that window.

``guidegen build`` forks its PDF helper before the command line's imports when it guesses
a cold build (:func:`guidegen.cli.start._fork_helper_first`; test_rendering checks when). These
check that the guess never changes what the build does: a project file that is not a
regular file is not read by it, and Ctrl-C before click is there ends as it does later.
"""

from __future__ import annotations

import os
import subprocess
import sys

SAFETY = 600  # seconds: only so that a regression that hangs fails instead of hanging CI


def guidegen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Return the run of ``python -m guidegen ARGS`` (the program, as the console script)."""
    return subprocess.run([sys.executable, "-m", "guidegen", *args], capture_output=True,
                          text=True, timeout=SAFETY, env={**os.environ, **(env or {})})


def test_a_project_file_that_is_a_named_pipe_is_refused_not_waited_on(project):
    # the early guess reads the project file's output line; a named pipe there (nobody
    # writing) must not stop the build in open() or read(): the loader refuses it, located
    os.mkfifo(project / "guidegen.yaml")
    result = guidegen("build")
    assert result.returncode == 1, result.stderr
    assert "guidegen.yaml" in result.stderr and "FIFO" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "output").exists()


def test_ctrl_c_while_the_helper_is_forked_first_ends_as_an_interrupted_build(project):
    # Ctrl-C (the test hook's interrupt) right after the early fork, before click and its
    # handler are imported: the same line and status as an interrupted build, no output
    result = guidegen("build", "--force", env={"GUIDEGEN_TEST_HOOK": "forked-first=interrupt"})
    if len(os.sched_getaffinity(0)) == 1:  # one CPU: no helper, the point is never passed
        assert result.returncode == 0, result.stderr
        return
    assert (result.returncode, result.stderr) == (130, "interrupted; no output was changed\n")
    assert not (project / "output").exists()


def test_the_guess_reads_only_regular_files(tmp_path):
    from guidegen.cli.start import _regular_text

    (tmp_path / "guidegen.yaml").write_text("output: there\n", encoding="utf-8")
    assert _regular_text(tmp_path / "guidegen.yaml") == "output: there\n"
    os.mkfifo(tmp_path / "pipe.yaml")
    assert _regular_text(tmp_path / "pipe.yaml") is None
    assert _regular_text("/dev/null") is None
