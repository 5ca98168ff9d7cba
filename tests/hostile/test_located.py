"""Hostile input, third pass (issue 23): located errors where internal errors (exit 70) were.

The project file's values go through the build options' one validator (located at the
key); a templates folder is walked without recursion, to a depth; ``new`` takes any
title and any path; margins leave room for the text on every paper; an output folder
removed during a build is made again.
"""

from __future__ import annotations

import os
import shutil

import pytest

from .small import PROJECT_FILE


@pytest.mark.parametrize("line, message", [
    ("jobs: ²", "guidegen.yaml:5:7: error: jobs: expected a whole number of at least 1, "
     "got '²'"),
    ("memory_limit: 99999999999", "guidegen.yaml:5:15: error: memory_limit: expected a "
     "whole number of at least 1 and at most 1048576, got '99999999999'"),
], ids=["superscript-two", "memory-limit"])
def test_a_bad_project_value_is_located_for_every_command(small, cli, line, message):
    small.write("guidegen.yaml", PROJECT_FILE + line + "\n")
    for command in (("check",), ("build", "-f", "html"), ("new", "--guide", "A vs B"),
                    ("translations",)):
        result = cli(*command)
        assert result.exit_code == 1, (command, result.stderr)
        assert result.stderr == f"{message}\n1 error in 1 file\n", command


@pytest.fixture
def deep(small):
    """Return ``templates/d/d/...``, a thousand folders deep; removed again afterwards.

    Removed from the bottom up here: ``shutil.rmtree`` (and pytest's clean-up of old
    temporary folders with it) recurses, and fails on a folder this deep.
    """
    folder = small.root / "templates"
    os.chdir(folder)
    try:
        for _ in range(1000):
            os.mkdir("d")
            os.chdir("d")
    finally:
        os.chdir(small.root)
    yield folder
    os.chdir(folder)
    try:
        while os.path.isdir("d"):
            os.chdir("d")
        while os.getcwd() != str(folder):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(small.root)


def test_a_templates_folder_a_thousand_folders_deep_is_refused_by_name(small, cli, deep):
    for command in (("check",), ("build", "-f", "html")):
        result = cli(*command)
        assert result.exit_code == 1, result.stderr
        assert result.stderr == ("templates" + "/d" * 33 + ": error: folders nested more "
                                 "than 32 deep in a templates folder\n1 error in 1 file\n")
    assert small.files() == []


def test_new_takes_a_300_character_title_and_names_a_300_character_path(small, cli):
    result = cli("new", "--guide", "Quality assurance " * 17)
    assert result.exit_code == 0, result.stderr
    name = "quality-assurance-quality-assurance-quality-assurance.yaml"
    assert result.stdout == f"wrote content/{name}\n"
    assert cli("check", f"content/{name}").exit_code == 0
    path = "p" * 300
    result = cli("new", path)
    assert result.exit_code == 2
    assert result.stderr == f"error: cannot start a project in {path}: File name too long\n"


def test_margins_that_leave_no_room_are_refused_by_check_as_by_build(small, cli):
    small.write("templates/theme.yaml", "margins: {left: 100, right: 100}\n")
    for command in (("check", "packets/pk.yaml"), ("build", "packets/pk.yaml", "-f", "docx")):
        result = cli(*command)
        assert result.exit_code == 1, result.stderr
        assert result.stderr == (
            "templates/theme.yaml:1:10: error: margins: left and right together take 200 mm "
            "of a 210 mm page, leaving 10 mm; they may take at most 110 mm (100 mm stay for "
            "the text)\n1 error in 1 file\n")
    small.write("templates/theme.yaml", "margins: {top: 60, bottom: 60}\n")
    assert "top and bottom together take 120 mm" in cli("check").stderr


def test_an_output_folder_removed_during_a_build_is_made_again(small, cli, monkeypatch):
    from guidegen.builder import state

    assert cli("build", "-f", "html").exit_code == 0
    fresh = state.BuildState.fresh

    def then_removed(self, target, key):
        found = fresh(self, target, key)
        shutil.rmtree(small.root / "output", ignore_errors=True)  # the user, meanwhile
        return found

    monkeypatch.setattr(state.BuildState, "fresh", then_removed)
    result = cli("build", "-f", "html")
    assert result.exit_code == 0, result.stderr
    assert [line.split("  ")[0] for line in result.stdout.splitlines()] == [
        "wrote output/ab.html", "wrote output/pk/pk.html"]
    assert sorted(small.files()) == [".guidegen-state.json", "ab.html",
                                     "pk/.guidegen-state.json", "pk/manifest.csv",
                                     "pk/manifest.json", "pk/pk.html"]
