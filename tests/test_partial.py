"""--keep-going and --clean (issue 18 item 4)."""

from __future__ import annotations

import json
import pickle
import shutil

import pytest

from guidegen.errors import PartialBuildError

from .attacks import MINIMAL
from .conftest import ROOT
from .test_preflight import uncovered_character

BROKEN = MINIMAL.replace("subjects:\n", "subjects:\n  - bogus\n", 1)


def test_keep_going_builds_what_can_be_built_and_names_the_rest(project, cli):
    content = project / "content"
    (content / "good.yaml").write_text(MINIMAL, encoding="utf-8")
    (content / "bad.yaml").write_text(BROKEN, encoding="utf-8")
    stopped = cli("build", "-f", "html")
    assert stopped.exit_code == 1
    assert not (project / "output").exists()  # all or nothing without --keep-going
    result = cli("build", "-f", "html", "--keep-going")
    assert result.exit_code == 1
    assert sorted(p.name for p in (project / "output").glob("*.html")) == [
        "cmo-cdmo-cro.html", "good.html"]
    lines = result.stderr.splitlines()
    assert lines[0].startswith("content/bad.yaml:")
    assert lines[0].split(": ")[1] == "error"
    assert lines[-1] == "not built: content/bad.yaml (1 of 3; the others were written)"
    assert [line.split("  ")[0] for line in result.stdout.splitlines()] == [
        "wrote output/cmo-cdmo-cro.html", "wrote output/good.html"]
    (content / "bad.yaml").write_text(MINIMAL, encoding="utf-8")
    fixed = cli("build", "-f", "html", "--keep-going")
    assert fixed.exit_code == 0
    assert [line.split("  ")[0] for line in fixed.stdout.splitlines()] == [
        "wrote output/bad.html", "unchanged output/cmo-cdmo-cro.html",
        "unchanged output/good.html"]


def test_outputs_of_a_removed_guide_are_warned_about_then_cleaned(project, cli):
    content = project / "content"
    (content / "old.yaml").write_text(MINIMAL, encoding="utf-8")
    assert cli("build", "-f", "html").exit_code == 0
    (content / "old.yaml").unlink()
    warned = cli("build", "-f", "html")
    assert warned.exit_code == 0
    assert warned.stderr == ("output/old.html: warning: made from content/old.yaml, which is "
                             "no longer in the project; --clean removes it\n")
    assert (project / "output" / "old.html").exists()
    cleaned = cli("build", "-f", "html", "--clean")
    assert cleaned.exit_code == 0, cleaned.stderr
    assert cleaned.stderr == ""
    assert not (project / "output" / "old.html").exists()
    state = json.loads((project / "output" / ".guidegen-state.json").read_text())
    assert sorted(state) == ["cmo-cdmo-cro.html"]
    assert cli("build", "-f", "html").stderr == ""  # nothing left to warn about


def test_the_folder_of_a_removed_packet_is_warned_about_then_cleaned(project, cli):
    shutil.copytree(ROOT / "packets", project / "packets")
    packet = project / "packets" / "new-starter.yaml"
    for extra in ((), ("--roster", "packets/new-starter-roster.csv")):
        built = cli("build", "-f", "html", "packets/new-starter.yaml", *extra)
        assert built.exit_code == 0, built.stderr
    folder = project / "output" / "new-starter"
    made = sorted(path.name for path in folder.iterdir())
    assert len(made) == 1 + 2 + 5 + 2 + 1  # packet, 2 manifests, 5 recipients, 2, state
    packet.rename(packet.with_name("welcome.yaml"))
    warned = cli("build", "-f", "html")
    assert warned.exit_code == 0
    assert warned.stderr == ("output/new-starter: warning: made from packets/new-starter.yaml,"
                             " which is no longer in the project; --clean removes its 10 "
                             "files\n")
    assert sorted(path.name for path in folder.iterdir()) == made
    cleaned = cli("build", "-f", "html", "--clean")
    assert cleaned.exit_code == 0, cleaned.stderr
    assert cleaned.stderr == ""
    assert not folder.exists()
    assert (project / "output" / ".guidegen-state.json").exists()  # the guides' own
    assert cli("build", "-f", "html").stderr == ""  # nothing left to warn about


HEADING = (ROOT / "src" / "guidegen" / "templates" / "blocks" / "heading.html.j2").read_text(
    encoding="utf-8")


def boom_guide(project, failure):
    """Write content/boom.yaml, which fails in rendering as ``failure`` says, beside minimal."""
    content = project / "content"
    (content / "cmo-cdmo-cro.yaml").unlink()
    (content / "minimal.yaml").write_text(MINIMAL, encoding="utf-8")
    text = MINIMAL.replace("title: Alpha vs Beta", "title: Boom", 1)
    if failure == "glyph":  # a ResourceError with a located problem (exit 5)
        text = text.replace("criterion: Fast", f"criterion: Fast {uncovered_character()}", 1)
    elif failure == "script":  # a TemplateError without a problem (exit 1)
        (project / "mine" / "blocks").mkdir(parents=True)
        (project / "mine" / "blocks" / "heading.html.j2").write_text(
            "{% if 'Boom' in block.lines|string %}<script>x()</script>{% endif %}" + HEADING,
            encoding="utf-8")
    else:  # an OutputError without a problem (exit 4)
        (project / "output" / "boom.html").mkdir(parents=True)
    assert "Boom" in text
    (content / "boom.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(("failure", "status"), [("glyph", 5), ("script", 1), ("folder", 4)])
def test_keep_going_says_why_a_guide_failed_in_rendering(project, cli, failure, status, jobs):
    boom_guide(project, failure)
    formats = "pdf" if failure == "glyph" else "html"
    args = ["build", "-f", formats, "-j", jobs, "--jobs-over-cpus",
            *(["--templates", "mine"] if failure == "script" else [])]
    alone = cli(*args, "content/boom.yaml")
    assert alone.exit_code == status
    reason = alone.stderr.splitlines()[0]
    assert "error: " in reason and "not built" not in reason
    result = cli(*args, "--keep-going")
    assert result.exit_code == status
    assert result.stderr.splitlines() == [
        reason, "not built: content/boom.yaml (1 of 2; the others were written)"]
    assert [line.split("  ")[0] for line in result.stdout.splitlines()] == [
        f"wrote output/minimal.{formats}"]
    assert (project / "output" / f"minimal.{formats}").is_file()


@pytest.mark.parametrize(("failure", "status"), [("glyph", 5), ("folder", 4)])
def test_keep_going_with_a_pool_writes_the_good_guides_around_a_failing_one(
        project, cli, monkeypatch, failure, status):
    # three guides, -j 2: the first try renders them in a pool of two workers, and the
    # middle one fails (in its worker, or as its output is written); each is then built
    # alone, and the two good ones are written
    from guidegen.builder import scheduler

    boom_guide(project, failure)
    (project / "content" / "able.yaml").write_text(
        MINIMAL.replace("title: Alpha vs Beta", "title: Able", 1), encoding="utf-8")
    pools: list[int] = []
    start_pool = scheduler.start_pool
    monkeypatch.setattr(scheduler, "start_pool",
                        lambda processes, memory: pools.append(processes)
                        or start_pool(processes, memory))
    formats = "pdf" if failure == "glyph" else "html"
    args = ["build", "-f", formats, "-j", "2", "--jobs-over-cpus"]
    reason = cli(*args, "content/boom.yaml").stderr.splitlines()[0]  # alone: no pool
    assert pools == [] and "error: " in reason
    result = cli(*args, "--keep-going")
    assert pools == [2]  # the first try only: then one guide at a time
    assert result.exit_code == status
    assert result.stderr.splitlines() == [
        reason, "not built: content/boom.yaml (1 of 3; the others were written)"]
    assert [line.split("  ")[0] for line in result.stdout.splitlines()] == [
        f"wrote output/able.{formats}", f"wrote output/minimal.{formats}"]
    state = json.loads((project / "output" / ".guidegen-state.json").read_text())
    assert sorted(state) == [f"able.{formats}", f"minimal.{formats}"]


def test_a_partial_build_error_keeps_its_reasons_when_pickled():
    error = PartialBuildError("not built: b.yaml (1 of 2; the others were written)", (), 3,
                              ["error: rendering 'B' took longer than 2 s"])
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.exit_code, copy.reasons) == (3, error.reasons)
    assert copy.summary() == ("error: rendering 'B' took longer than 2 s\n"
                              "not built: b.yaml (1 of 2; the others were written)")
