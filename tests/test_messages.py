"""How errors are said: located first on their line, the source line and a caret on a
terminal only, and ``--debug`` (before or after the command) adding the traceback."""

from __future__ import annotations

import re

import pytest

from .conftest import on_a_terminal as terminal
from .conftest import write_yaml

BROKEN = """\
guide:
  title: Alpha vs Beta
  language: ja
intro: Two things compared.
subjects:
  - id: alpha
    short: A
    name: Alpha
    summary: Alpha is first.
  - id: beta
    short: B
    name: Beta
    summary: Beta is second.
comparisons:
  - kind: matrix
    title: Traits
    rows:
      - criterion: Fast
        values: {alpha: 一部の, btea: no, beta: no}
"""
ERROR = ("content/broken.yaml:19:30: error: comparisons[0].rows[0].values: unknown subject "
         "'btea' (known: alpha, beta)")


@pytest.fixture
def broken(project):
    (project / "content" / "cmo-cdmo-cro.yaml").unlink()
    write_yaml(project / "content", "broken.yaml", BROKEN)
    return project


def test_piped_errors_are_one_line_each_without_source_lines(broken, cli):
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [ERROR, "1 error in 1 file"]


@pytest.mark.parametrize("args", [("--debug", "check"), ("check", "--debug"),
                                  ("check", "content", "--debug")])
def test_debug_before_or_after_the_command_adds_the_traceback_to_the_messages(broken, cli,
                                                                              args):
    result = cli(*args)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "guidegen.errors.ContentError: 1 error in 1 file" in lines
    assert lines[-2:] == [ERROR, "1 error in 1 file"]  # the located message, last


def test_debug_after_a_double_dash_is_a_file_name(broken, cli):
    result = cli("check", "--", "--debug")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("--debug:")


def test_debug_shows_an_internal_error_with_its_traceback(broken, cli, monkeypatch):
    import guidegen.builder.pipeline

    def fail(*args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(guidegen.builder.pipeline, "check", fail)
    quiet = cli("check")
    assert quiet.exit_code == 70
    assert quiet.stderr == ("internal error: RuntimeError: a bug (run with --debug for the "
                            "traceback)\n")
    loud = cli("check", "--debug")
    assert loud.exit_code == 70
    assert "in fail\n" in loud.stderr and "RuntimeError: a bug\n" in loud.stderr
    assert loud.stderr.splitlines()[-1] == "internal error: RuntimeError: a bug"


def on_a_terminal(*args: str, **env: str) -> str:
    """Return what ``guidegen ARGS`` writes on a pseudo-terminal (it fails: status 1)."""
    status, said = terminal(*args, **env)
    assert status == 1
    return said


def test_a_terminal_shows_the_source_line_with_a_caret_under_the_column(broken):
    said = on_a_terminal("check")
    lines = [re.sub("\x1b\\[[0-9;]*m", "", line) for line in said.splitlines()]
    assert lines[0] == ERROR
    assert ": \x1b[1;31merror\x1b[0m: " in said  # the severity in red
    source = "        values: {alpha: 一部の, btea: no, beta: no}"
    assert lines[1] == f"  19 | {source}"
    # the caret sits under the 'b' of 'btea': each Japanese character takes two columns
    before = source[:source.index("btea")]
    assert lines[2] == "     | " + " " * (len(before) + 3) + "^"
    assert said.splitlines()[2].endswith("\x1b[1;31m^\x1b[0m")  # the caret in red
    assert lines[3] == "1 error in 1 file"


def test_no_color_keeps_the_caret_and_drops_the_colour(broken):
    said = on_a_terminal("check", NO_COLOR="1")
    assert "\x1b[" not in said
    assert said.splitlines()[1:3] == [
        "  19 | " + "        values: {alpha: 一部の, btea: no, beta: no}",
        "     | " + " " * 32 + "^"]


def test_a_warning_on_a_terminal_shows_its_line_too(project):
    guide = project / "content" / "cmo-cdmo-cro.yaml"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("title: ", "title: Zero\u200bwidth ", 1), encoding="utf-8")
    said = on_a_terminal("check", "--strict", NO_COLOR="1")
    lines = said.splitlines()
    where = next(n for n, line in enumerate(lines) if ": error: " in line)
    assert lines[where + 1].endswith("title: Zero\ufffdwidth " + text.split("title: ", 1)[1]
                                     .split("\n", 1)[0])
    column = int(lines[where].split(":")[2])
    assert lines[where + 2].index("^") - lines[where + 2].index("|") - 2 == column - 1
