"""Hostile input, second pass (issue 13): what guidegen reads.

Every file is read by one function: a regular file, inside the folder it belongs to,
no larger than its limit counted while reading, with a located error otherwise.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from guidegen.errors import ContentError, InputError, TemplateError
from guidegen.files import read_file

from .attacks import HOSTILE, SECRET, SECRET_BYTES, outputs, png
from .conftest import write_yaml


def templates(project: Path, heading: str = "include-leak.html.j2") -> Path:
    """Return a user templates folder whose heading template is hostile ``heading``."""
    mine = project / "mine"
    (mine / "blocks").mkdir(parents=True)
    (mine / "partials").mkdir()
    shutil.copy(HOSTILE / "templates" / heading, mine / "blocks" / "heading.html.j2")
    return mine


# -- 1. nothing is read through a symlink out of its folder -------------------------------

def test_an_include_of_a_symlink_to_etc_passwd_is_refused(project, cli):
    mine = templates(project)
    (mine / "partials" / "leak.html.j2").symlink_to(SECRET)
    for command in (["check"], ["build", "-f", "pdf,html"]):
        result = cli(*command, "--templates", "mine")
        assert result.exit_code == 1, command
        assert result.stderr.startswith(
            "mine/partials/leak.html.j2: error: is a symlink to /etc/passwd, outside mine; "
            "guidegen reads no file outside the folder it belongs to"), result.stderr
    assert outputs(project) == {}


def test_the_jinja_loader_itself_refuses_the_symlink(project):
    from guidegen.renderers.html.templating import render_template
    from guidegen.theme import load_templates

    mine = templates(project)
    (mine / "partials" / "leak.html.j2").symlink_to(SECRET)
    folders = load_templates(mine).folders
    with pytest.raises(TemplateError) as caught:
        render_template(folders, "blocks/heading.html.j2", block={"text": "x"})
    assert str(caught.value.problems[0]).startswith("mine/partials/leak.html.j2: error: is a "
                                                    "symlink to /etc/passwd")
    assert SECRET_BYTES.decode() not in str(caught.value.problems[0])


@pytest.mark.parametrize("name", ["theme.yaml", "styles.yaml", "reference.docx",
                                  "logo.png", "blocks/heading.html.j2"])
def test_no_file_of_a_templates_folder_is_read_through_a_symlink_out(project, cli, name):
    mine = project / "mine"
    (mine / "blocks").mkdir(parents=True)
    if name == "logo.png":
        write_yaml(mine, "theme.yaml", "logo: logo.png\n")
    (mine / name).symlink_to(SECRET)
    result = cli("check", "--templates", "mine")
    assert result.exit_code == 1
    assert f"mine/{name}: error: is a symlink to /etc/passwd, outside mine" in result.stderr


def test_a_huge_file_in_a_templates_folder_is_refused_and_never_read(project, cli):
    (project / "mine").mkdir()
    with (project / "mine" / "video.bin").open("wb") as sparse:  # 1.5 GB, no disk used
        sparse.truncate(1_500_000_000)
    for command in (["check"], ["build", "-f", "html"]):
        result = cli(*command, "--templates", "mine")
        assert result.exit_code == 1
        assert result.stderr.startswith(
            "mine/video.bin: error: file is 1,500,000,000 bytes; the limit is 16,777,216")
    assert outputs(project) == {}


def test_a_templates_folder_linking_out_to_a_folder_is_refused(project, cli):
    (project / "mine").mkdir()
    (project / "mine" / "partials").symlink_to("/etc")
    result = cli("check", "--templates", "mine")
    assert result.exit_code == 1
    assert "mine/partials: error: is a symlink to /etc, outside mine" in result.stderr


def test_a_guide_linking_out_of_the_project_is_refused_one_named_outside_is_read(
        project, cli, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    shutil.copy(project / "content" / "cmo-cdmo-cro.yaml", elsewhere / "outside.yaml")
    (project / "content" / "linked.yaml").symlink_to(elsewhere / "outside.yaml")
    result = cli("check")
    assert result.exit_code == 1
    assert "content/linked.yaml: error: is a symlink to " in result.stderr
    assert "outside the working folder" in result.stderr
    assert cli("check", str(elsewhere / "outside.yaml")).exit_code == 0


# -- 4. only regular files, never waiting, never past the cap ---------------------------

@pytest.mark.parametrize(("make", "message"), [
    (os.mkfifo, "is a FIFO (named pipe), not a regular file"),
    (lambda path: path.symlink_to("/dev/zero"), "is a symlink to /dev/zero, outside the "
                                               "working folder"),
])
def test_a_guide_that_is_no_regular_file_is_refused_without_waiting(project, cli, make,
                                                                    message):
    make(project / "content" / "x.yaml")
    for command in ("check", "build"):
        result = cli(command)  # the content folder, as listed
        assert result.exit_code == 1
        assert result.stderr.startswith(f"content/x.yaml: error: {message}")
    assert outputs(project) == {}


def test_a_device_named_outright_is_refused(project, cli):
    result = cli("check", "/dev/zero")
    assert result.exit_code == 1
    assert result.stderr.startswith("/dev/zero: error: is a device, not a regular file")


@pytest.mark.parametrize("name", ["theme.yaml", "blocks/heading.html.j2"])
def test_a_fifo_in_a_templates_folder_is_refused_without_waiting(project, cli, name):
    (project / "mine" / "blocks").mkdir(parents=True)
    os.mkfifo(project / "mine" / name)
    result = cli("build", "-f", "html", "--templates", "mine")
    assert result.exit_code == 1
    assert f"mine/{name}: error: is a FIFO (named pipe), not a regular file" in result.stderr


def test_a_folder_is_no_file(tmp_path):
    with pytest.raises(InputError) as caught:
        read_file(tmp_path, 100)
    assert caught.value.problems[0].message == "is a folder, not a regular file"


def test_the_size_cap_holds_while_reading_whatever_the_size_says():
    # /proc files say they are empty; this one holds far more than the cap
    path = Path("/proc/self/maps")
    assert path.stat().st_size == 0
    with pytest.raises(InputError) as caught:
        read_file(path, 100)
    assert caught.value.problems[0].message == "file is more than 100 bytes (the limit)"


# -- 15. a state file guidegen cannot use is ignored, never fatal -----------------------

@pytest.mark.parametrize(("make", "message"), [
    (lambda path: path.write_text("[" * 100_000), "not a state file guidegen wrote "
                                                  "(RecursionError)"),
    (lambda path: path.open("wb").truncate(600 << 20), "file is 629,145,600 bytes; the limit "
                                                       "is 8,388,608"),
    (lambda path: path.write_text('{"x.pdf": {"key": 1}}'), "not a state file guidegen wrote "
                                                            "(ValueError)"),
])
def test_a_state_file_nested_deep_huge_or_strange_is_ignored_with_a_warning(project, cli,
                                                                           make, message):
    assert cli("build", "-f", "html").exit_code == 0
    state = project / "output" / ".guidegen-state.json"
    state.unlink()
    make(state)
    result = cli("build", "-f", "html")
    assert result.exit_code == 0, result.output
    assert f"output/.guidegen-state.json: warning: {message}; ignored, so every output is " \
           "rendered again" in result.stderr
    assert result.stdout.startswith("wrote output/cmo-cdmo-cro.html")
    assert state.is_file() and state.stat().st_size < 1000  # a good one again
    assert cli("build", "-f", "html").stdout.startswith("unchanged")


def test_a_state_file_that_is_a_fifo_is_neither_read_nor_replaced(project, cli):
    (project / "output").mkdir()
    os.mkfifo(project / "output" / ".guidegen-state.json")
    result = cli("build", "-f", "html")
    assert result.exit_code == 4
    assert result.stderr.splitlines() == [
        "output/.guidegen-state.json: warning: is a FIFO (named pipe), not a regular file; "
        "ignored, so every output is rendered again",
        "error: cannot write output/.guidegen-state.json: it is a device, FIFO or socket, and "
        "guidegen replaces only regular files"]
    assert [p.name for p in (project / "output").iterdir()] == [".guidegen-state.json"]


# -- not promised: the encoding named, with a place ---------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    ("guide: {title: x}\n".encode("utf-16-le"),
     "g.yaml:1:1: error: file is not UTF-8 (it looks like UTF-16 or UTF-32 without a "
     "byte-order mark); save it as UTF-8"),
    (b"guide:\n  title: caf\xc3\xa9 \x07 bell\n",
     "g.yaml:2:15: error: character U+0007 is not allowed in a YAML file (write it as an "
     "escape in double quotes, if it is meant)"),
])
def test_utf16_without_a_bom_and_raw_controls_are_named_with_a_place(tmp_path, data, message):
    from guidegen.content.loader import load

    (tmp_path / "g.yaml").write_bytes(data)
    with pytest.raises(ContentError) as caught:
        load(tmp_path / "g.yaml")
    assert str(caught.value.problems[0]).endswith(message)


def test_files_the_pdf_fetches_are_read_with_the_same_rules(tmp_path):
    from guidegen.renderers.pdf.engine import URLRefusedError
    from guidegen.renderers.pdf.fetcher import project_fetcher

    (tmp_path / "ok.png").write_bytes(png(4, 4))
    os.mkfifo(tmp_path / "pipe.png")
    with (tmp_path / "huge.png").open("wb") as sparse:
        sparse.truncate(1 << 30)
    fetcher = project_fetcher([tmp_path])
    assert fetcher.open((tmp_path / "ok.png").as_uri()) == png(4, 4)
    for name, message in (("pipe.png", "is a FIFO (named pipe), not a regular file"),
                          ("huge.png", "file is 1,073,741,824 bytes; the limit is 16,777,216")):
        with pytest.raises(URLRefusedError) as caught:
            fetcher.open((tmp_path / name).as_uri())
        assert str(caught.value) == f"refused to fetch {(tmp_path / name).as_uri()!r}: {message}"


# -- rosters are read like every input ------------------------------------------------------

@pytest.mark.parametrize(("name", "make", "message"), [
    ("hires.csv", os.mkfifo, "hires.csv: error: is a FIFO (named pipe), not a regular file"),
    ("hires.xlsx", lambda path: _zip(path, {"xl/bomb.bin": bytes(40 << 20)}),
     "hires.xlsx: error: not a readable .xlsx file: part xl/bomb.bin is larger than 32 MB"),
    ("hires.xlsx", lambda path: _zip(path, {"xl/workbook.xml": b'<?xml version="1.0"?>'
                                            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/'
                                            b'passwd">]><x>&e;</x>'}),
     "hires.xlsx: error: not a readable .xlsx file: part xl/workbook.xml declares a DOCTYPE"),
])
def test_a_roster_that_is_a_fifo_a_zip_bomb_or_has_an_entity_is_refused(
        tmp_path, monkeypatch, name, make, message):
    from guidegen.content.packet import Roster
    from guidegen.content.roster import read_roster

    monkeypatch.chdir(tmp_path)
    make(tmp_path / name)
    with pytest.raises(ContentError) as caught:
        read_roster(Path(name), Roster(columns={"first_name": "First name"}))
    assert str(caught.value.problems[0]).startswith(message)


def _zip(path: Path, parts: dict[str, bytes]) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for part, data in parts.items():
            package.writestr(part, data)
