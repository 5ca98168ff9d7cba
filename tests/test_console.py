"""The console (issue 18 item 3): progress, the closing summary, colour, -q and -v.

On a pseudo-terminal a build shows its batch's progress (``[n/3] name``) and the
summary; piped, the progress is one plain line per item and nothing is coloured; with
``NO_COLOR`` a terminal gets no colour codes either.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import Result

from .attacks import MINIMAL
from .conftest import on_a_terminal as terminal

SUMMARY = re.compile(r"built 3 guides: 3 files, \d+\.\d s, 0 warnings")


def three_guides(project: Path) -> None:
    """Give ``project`` three small guides in place of the default one."""
    for path in (project / "content").iterdir():
        path.unlink()
    for name in ("one", "two", "three"):
        (project / "content" / f"{name}.yaml").write_text(MINIMAL, encoding="utf-8")


def on_a_terminal(project: Path, *args: str, **env: str) -> str:
    """Return what ``guidegen ARGS`` writes on a pseudo-terminal in ``project`` (status 0)."""
    status, said = terminal(*args, cwd=project, **env)
    assert status == 0, said
    return said


def test_a_terminal_shows_progress_in_colour_and_the_summary(project):
    three_guides(project)
    said = on_a_terminal(project, "build", "-f", "html", "-v", "-j", "1")
    assert "[0/3] guides …" in said  # drawn at once with -v, then updated in place
    assert "\x1b[" in said
    plain = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", said)
    assert SUMMARY.search(plain), plain
    assert "wrote output/one.html" in plain


def test_no_color_on_a_terminal_means_no_colour_codes(project):
    three_guides(project)
    said = on_a_terminal(project, "build", "-f", "html", "-v", "-j", "1", NO_COLOR="1")
    assert "\x1b[3" not in said and "\x1b[1;" not in said  # no colour (the cursor still moves)
    assert SUMMARY.search(said)


def test_piped_progress_is_a_plain_line_per_item_then_the_summary(project):
    three_guides(project)
    result = subprocess.run([sys.executable, "-m", "guidegen", "build", "-f", "html", "-j",
                             "1"], cwd=project, capture_output=True, text=True, check=True)
    assert "\x1b" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert [line.split(" … ")[0] for line in lines[:3]] == [
        "[1/3] one", "[2/3] three", "[3/3] two"]  # in the order they render
    assert re.fullmatch(r"\[1/3\] one … \d+:\d\d left", lines[0])
    assert SUMMARY.fullmatch(lines[3])
    assert len(lines) == 4
    assert [line.split("  ")[0] for line in result.stdout.splitlines()] == [
        "wrote output/one.html", "wrote output/three.html", "wrote output/two.html"]


def test_quiet_says_only_the_problems(project):
    from click.testing import CliRunner

    from guidegen.cli import main

    def cli(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    three_guides(project)
    result = cli("build", "-f", "html", "-q")
    assert result.exit_code == 0
    assert result.stderr == ""  # no progress, no summary
    assert result.stdout.startswith("wrote output/one.html")  # the results stay
    assert (project / "output" / "two.html").exists()
    (project / "content" / "four.yaml").write_text(MINIMAL, encoding="utf-8")
    normal = cli("build", "-f", "html")  # one guide to render: no progress line
    assert normal.stderr.splitlines()[0].startswith("built 4 guides: 4 files (3 unchanged), ")
    (project / "content" / "four.yaml").write_text(MINIMAL + "\n", encoding="utf-8")
    loud = cli("-v", "build", "-f", "html")  # -v: even a single item's progress
    assert loud.stderr.splitlines()[0] == "[1/1] four"
    assert cli("build", "-q", "-v").exit_code == 2  # one or the other


def test_verbose_progress_shows_its_first_frame_before_the_first_item(monkeypatch):
    # with -v the progress is drawn at once, in the calling thread: a timer's thread drawing
    # it could start after the first guide was done (seen under load: "[1/3]" drawn first)
    import threading

    from guidegen import console as consoles

    monkeypatch.setattr(threading, "Timer", None)  # no timer may draw the frame
    console = consoles.Console(consoles.VERBOSE)
    console.terminal = True
    shown: list[str] = []
    monkeypatch.setattr(consoles._Batch, "show", lambda batch: shown.append(batch.line()))
    console.begin("guides", 3)
    assert shown == ["[0/3] guides …"]
