"""Hostile input, second pass (issue 13): what guidegen writes.

Only regular files are replaced; builds into one folder take turns; a build's files
are moved into place through a journal, so a kill between two moves is finished by
the next build; the message after Ctrl-C says what is true.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
from pathlib import Path

import pytest

from guidegen.builder.outputs import locked

from .attacks import MINIMAL, guidegen_process, outputs, small_project
from .conftest import write_yaml
from .readers import docx_text, pdf_text

# -- 8. schema -o and reference-doc -o ----------------------------------------------------


@pytest.mark.parametrize("command", ["schema", "reference-doc"])
def test_o_writes_only_regular_files_and_dash_is_standard_output(tmp_path, monkeypatch, cli,
                                                                 command):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "target").write_text("keep")
    (tmp_path / "link").symlink_to(tmp_path / "target")
    os.mkfifo(tmp_path / "fifo")
    for path, kind in (("link", "a symlink"), ("/dev/null", "a device, FIFO or socket"),
                       ("fifo", "a device, FIFO or socket")):
        result = cli(command, "-o", path)
        assert result.exit_code == 4
        assert result.stderr == f"error: cannot write {path}: it is {kind}, and guidegen " \
                                "replaces only regular files\n"
    assert (tmp_path / "link").is_symlink() and (tmp_path / "target").read_text() == "keep"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode)
    result = cli(command, "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"{" if command == "schema" else b"PK")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo", "link", "target"]


# -- 9. two builds into one folder -----------------------------------------------------------

def test_a_build_waits_for_another_writing_into_the_same_folder(project):
    out = project / "output"
    out.mkdir()
    in_flight = out / ".guidegen-cmo-cdmo-cro.pdf.other.tmp"  # the other build's
    in_flight.write_bytes(b"half a PDF")
    with locked(out):  # the other build, writing into output/ (flock, or filelock)
        process = guidegen_process(project, "build", "-f", "html")
        assert process.stderr is not None
        line = process.stderr.readline().decode()  # waits for the build to say something
        assert line == "waiting for another guidegen writing into output to finish\n"
        assert in_flight.exists() and not (out / "cmo-cdmo-cro.html").exists()
    _, stderr = process.communicate()
    assert process.returncode == 0, stderr
    assert (out / "cmo-cdmo-cro.html").exists()
    assert not in_flight.exists()  # a dead build's, once the folder was free


def test_two_builds_at_once_into_one_folder_both_succeed_and_keep_their_records(project):
    write_yaml(project / "content", "second.yaml", MINIMAL)
    first = guidegen_process(project, "build", "content/cmo-cdmo-cro.yaml", "-f", "html,docx")
    second = guidegen_process(project, "build", "content/second.yaml", "-f", "html,docx")
    for process in (first, second):
        _, stderr = process.communicate()
        assert process.returncode == 0, stderr
    names = sorted(outputs(project))
    assert names == [".guidegen-state.json", "cmo-cdmo-cro.docx", "cmo-cdmo-cro.html",
                     "second.docx", "second.html"]
    import json

    state = json.loads(outputs(project)[".guidegen-state.json"])
    assert sorted(state) == names[1:]


# -- 10. all or nothing, and a true message --------------------------------------------------

KILL_AFTER_THE_PDF = """
import os, signal, sys
real = os.replace
def replace(source, target):
    real(source, target)
    if str(target).endswith(".pdf"):
        os.kill(os.getpid(), signal.SIGKILL)  # between the PDF's move and the DOCX's
os.replace = replace
sys.argv = ["guidegen", "build", "-j", "1"]
from guidegen.cli import main
main()
"""


def test_a_build_killed_between_two_moves_is_finished_by_the_next_build(project, cli):
    small_project(project)
    assert cli("build").exit_code == 0
    before = outputs(project)
    guide = project / "content" / "minimal.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace(
        "Alpha vs Beta", "Renamed Guide"), encoding="utf-8")
    import subprocess

    killed = subprocess.run([sys.executable, "-c", KILL_AFTER_THE_PDF], cwd=project,
                            capture_output=True, check=False)
    assert killed.returncode == -signal.SIGKILL
    during = outputs(project)
    assert ".guidegen-commit.json" in during  # the journal of the moves
    assert during["minimal.pdf"] != before["minimal.pdf"]
    assert during["minimal.docx"] == before["minimal.docx"]
    result = cli("build")  # finishes the moves first: the new set, which is up to date
    assert result.exit_code == 0
    assert result.stdout.startswith("unchanged output/minimal.pdf")
    after = outputs(project)
    assert sorted(after) == [".guidegen-state.json", "minimal.docx", "minimal.pdf"]
    out = project / "output"
    assert "Renamed Guide" in pdf_text(out / "minimal.pdf")
    assert "Renamed Guide" in docx_text(out / "minimal.docx")


def test_ctrl_c_while_files_are_moved_lets_them_finish_and_says_so(project, cli):
    small_project(project)
    real = os.replace

    def replace(source: Path, target: Path) -> None:
        real(source, target)
        if str(target).endswith(".pdf"):
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C between two moves

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("guidegen.builder.outputs.os.replace", replace)
        result = cli("build", "-j", "1")
    assert result.exit_code == 130
    assert result.stderr == "interrupted after the outputs were written\n"
    assert sorted(outputs(project)) == [".guidegen-state.json", "minimal.docx",
                                        "minimal.pdf"]
    assert cli("build").stdout.startswith("unchanged")  # the whole new set, and its state


def test_ctrl_c_before_the_moves_changes_nothing_and_says_so(project, cli, hook):
    small_project(project)  # what is interrupted is the writing, not the pages
    assert cli("build", "-f", "docx").exit_code == 0
    before = outputs(project)
    hook("before-commit=interrupt")  # rendered, nothing written yet (guidegen.testhook)
    result = cli("build", "-f", "docx", "--force", "-j", "1")
    assert result.exit_code == 130
    assert result.stderr == "interrupted; no output was changed\n"
    assert outputs(project) == before


def test_ctrl_c_after_finishing_a_killed_builds_moves_says_so(project, cli, hook):
    out = project / "output"
    out.mkdir()
    (out / ".guidegen-x.tmp").write_bytes(b"what the killed build wrote")
    (out / ".guidegen-commit.json").write_text('[[".guidegen-x.tmp", "x.html"]]')
    hook("render=interrupt")
    result = cli("build", "-f", "docx", "-j", "1")
    assert result.exit_code == 130
    assert result.stderr == ("interrupted; the outputs are those of an earlier, killed build, "
                             "whose writing this one finished\n")
    assert outputs(project) == {"x.html": b"what the killed build wrote"}
