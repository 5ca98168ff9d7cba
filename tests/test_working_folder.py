"""What guidegen writes and says about the working folder: none of a project, or deleted.

``guidegen.load(path)`` in a folder of no project (no ``guidegen.yaml`` from it up, no
``GUIDEGEN_CACHE_DIR``) keeps nothing: the caller named a file, not a folder to write
in (it made ``.guidegen-cache/`` there). A command, ``guidegen.check`` and
``guidegen.build`` take the folder for their project and keep their cache in it, as
docs/commands.md says. A working folder deleted meanwhile is a ResourceError with its
message and exit status 5, not a FileNotFoundError's traceback.
"""

from __future__ import annotations

import shutil

import pytest

import guidegen
from guidegen.caches import CACHE_NAME
from guidegen.errors import ResourceError

from .conftest import DEFAULT_GUIDE

GONE = "the working folder no longer exists"


@pytest.fixture
def no_project(tmp_path, monkeypatch):
    """Return a working folder of no project holding the default guide."""
    monkeypatch.delenv("GUIDEGEN_CACHE_DIR", raising=False)
    folder = tmp_path / "loose"
    folder.mkdir()
    shutil.copy(DEFAULT_GUIDE, folder / "guide.yaml")
    monkeypatch.chdir(folder)
    return folder


def test_load_in_a_folder_of_no_project_writes_nothing(no_project):
    first = guidegen.load("guide.yaml")
    assert sorted(path.name for path in no_project.iterdir()) == ["guide.yaml"]
    assert guidegen.load("guide.yaml") == first


def test_load_keeps_its_parse_in_the_project_around_the_folder(no_project):
    (no_project / "guidegen.yaml").write_text("", encoding="utf-8")
    inner = no_project / "inner"
    inner.mkdir()
    shutil.move(no_project / "guide.yaml", inner / "guide.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(inner)
        guidegen.load("guide.yaml")
    assert any((no_project / CACHE_NAME).glob("parsed-*.pickle"))
    assert not (inner / CACHE_NAME).exists()


def test_check_in_a_folder_of_no_project_takes_it_for_the_project(no_project, cli):
    result = cli("check", "guide.yaml")
    assert result.exit_code == 0, result.output
    assert any((no_project / CACHE_NAME).glob("parsed-*.pickle"))
    for path in (no_project / CACHE_NAME).glob("*"):  # then load() is told it, and keeps
        if path.is_file():
            path.unlink()
    guidegen.load("guide.yaml")
    assert any((no_project / CACHE_NAME).glob("parsed-*.pickle"))


@pytest.fixture
def deleted(tmp_path, monkeypatch):
    """Return the default guide's path and the guide, the working folder deleted."""
    path = tmp_path / "guide.yaml"
    shutil.copy(DEFAULT_GUIDE, path)
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    guide = guidegen.load(path)
    here.rmdir()
    return path, guide


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_command_in_a_deleted_folder_says_so_with_status_5(deleted, cli, command):
    result = cli(command, str(deleted[0]))
    assert result.exit_code == ResourceError.exit_code == 5
    assert GONE in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


@pytest.mark.parametrize("call", ["load", "check", "build", "project_options", "render"])
def test_the_library_in_a_deleted_folder_raises_a_resource_error(deleted, call):
    path, guide = deleted
    calls = {"load": lambda: guidegen.load(path),
             "check": lambda: guidegen.check([path]),
             "build": lambda: guidegen.build([path]),
             "project_options": guidegen.project_options,
             "render": lambda: guidegen.render(guide, ["html"])}
    with pytest.raises(ResourceError, match=GONE):
        calls[call]()
