"""Rosters across machines: --shard auto from a batch engine's environment, and one
manifest merged from the shards' (equal to the unsharded build's)."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from guidegen import BuildOptions
from guidegen.builder.shards import resolve
from guidegen.errors import InputError, UsageError

from .conftest import copy_project

MOST = 100_000
ROSTER = "packets/new-starter-roster.csv"  # five new starters
PACKET = "packets/new-starter.yaml"


# -- the environment ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "environ", "shard"), [
    ("auto", {"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "4"}, "3/4"),  # GitLab: from 1
    ("auto/4", {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "4"}, "1/4"),
    ("auto/4", {"JOB_COMPLETION_INDEX": "0"}, "1/4"),  # Kubernetes: from 0
    ("auto/4", {"JOB_COMPLETION_INDEX": "3"}, "4/4"),
    (" AUTO / 8 ", {"JOB_COMPLETION_INDEX": " 5 "}, "6/8"),
])
def test_auto_takes_the_shard_from_the_engines_variables(text, environ, shard, caplog):
    with caplog.at_level(logging.INFO, logger="guidegen"):
        assert resolve(text, environ, MOST) == shard
    (note,) = caplog.messages
    assert note.startswith(f"--shard auto: shard {shard.replace('/', ' of ')}, from ")
    assert next(iter(environ)) in note  # says which variable it read


@pytest.mark.parametrize(("text", "environ", "message"), [
    ("auto", {}, "no batch engine's shard variable is set (looked for CI_NODE_INDEX of "
                 "GitLab CI (a job with parallel:), JOB_COMPLETION_INDEX of a Kubernetes "
                 "Indexed Job)"),
    ("auto", {"CI_NODE_TOTAL": "1"}, "no batch engine's shard variable"),  # not parallel
    ("auto", {"JOB_COMPLETION_INDEX": "2"},
     "a Kubernetes Indexed Job gives this shard's index (JOB_COMPLETION_INDEX=2), but it "
     "does not say how many shards there are (the Job's completions); write --shard auto/N"),
    ("auto", {"CI_NODE_INDEX": "2"}, "but CI_NODE_TOTAL is not set"),
    ("auto/3", {"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "4"},
     "GitLab CI (a job with parallel:) says CI_NODE_TOTAL=4; write --shard auto"),
    ("auto/4", {"JOB_COMPLETION_INDEX": "4"}, "(shard 5 of 4)"),
    ("auto/4", {"CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "4"}, "(shard 0 of 4)"),
    ("auto/4", {"JOB_COMPLETION_INDEX": "-1"}, "holds '-1', not a whole number"),
    ("auto/x", {"JOB_COMPLETION_INDEX": "1"}, "--shard auto/N holds 'x'"),
    ("auto/4", {"JOB_COMPLETION_INDEX": "1", "CI_NODE_INDEX": "2"},
     "the variables of two batch engines are set"),
    ("auto/200000", {"JOB_COMPLETION_INDEX": "1"}, "of at most 100,000 shards"),
])
def test_auto_without_a_shard_in_the_environment_is_a_usage_error(text, environ, message):
    with pytest.raises(UsageError) as raised:
        resolve(text, environ, MOST)
    assert message in str(raised.value)
    assert raised.value.exit_code == 2


def test_build_options_resolve_auto_once(monkeypatch):
    monkeypatch.setenv("CI_NODE_INDEX", "2")
    monkeypatch.setenv("CI_NODE_TOTAL", "3")
    options = BuildOptions(shard="auto")
    assert options.shard == "2/3" and options.shard_slice == (2, 3)
    monkeypatch.delenv("CI_NODE_INDEX")
    assert options.replace(jobs=1).shard_slice == (2, 3)  # resolved, not read again


def test_the_command_line_says_what_it_found_and_exits_2_when_nothing(project, cli,
                                                                      monkeypatch):
    monkeypatch.delenv("CI_NODE_INDEX", raising=False)
    monkeypatch.delenv("JOB_COMPLETION_INDEX", raising=False)
    result = cli("build", "--shard", "auto", "--roster", "x.csv")
    assert result.exit_code == 2
    assert "no batch engine's shard variable is set" in result.output
    assert not (project / "output").exists()


# -- merging the shards' manifests --------------------------------------------------------

def build_roster(folder, out, shard=None, roster=ROSTER):
    """Build the roster (its ``shard``) into ``folder/out``, in this process.

    One process: a shard of a few recipients gains nothing from two (each would fit
    its curriculum's guides again: 14.7 s of CPU for four shards instead of 20.0), and
    the shards' files then equal those the whole roster's two processes made.
    """
    from guidegen import build

    options = BuildOptions(out=folder / out, formats=("pdf", "docx"), roster=folder / roster,
                           shard=shard, jobs=1, root=folder, content=folder / "content")
    return build([folder / PACKET], options)


@pytest.fixture(scope="module")
def whole(example_roster):
    """Return the packet folder of the roster built without shards (conftest's build)."""
    return example_roster


@pytest.fixture(scope="module")
def sharded(example_shards):
    """Return the packet folder of the roster built in three shards (1, 2 and 2 rows;
    conftest's build: a first, a middle and a last shard)."""
    return example_shards[0]


def built_on(folder):
    """Return the one date the roster manifest in ``folder`` says its files were built."""
    rows = json.loads((folder / "manifest-new-starter-roster.csv.json").read_bytes())
    (day,) = {row["built"] for row in rows["files"]}
    return day


def same_day(manifest, folder):
    """Return ``manifest``'s bytes as if built on the day ``folder``'s roster was.

    The session's unsharded roster may have been built the day before the shards (a run
    across midnight); each manifest names its build's date, and only that may differ.
    """
    whole, sharded = built_on(manifest.parent), built_on(folder)
    assert_built_in_turn(whole, sharded)
    return manifest.read_bytes().replace(whole.encode(), sharded.encode())


def assert_built_in_turn(earlier, later):
    """Assert ``later`` is this build date (today's, UTC, or ``SOURCE_DATE_EPOCH``'s; or
    the day before, just past midnight) and ``earlier`` the same day or the one before."""
    import datetime

    from guidegen.builder.manifest import today as build_date

    today = datetime.date.fromisoformat(build_date())
    day = datetime.date.fromisoformat(later)
    assert day in (today, today - datetime.timedelta(days=1)), later
    assert datetime.date.fromisoformat(earlier) in (day, day - datetime.timedelta(days=1))


def copy_of(folder, tmp_path):
    return shutil.copytree(folder, tmp_path / folder.name)


def test_a_roster_in_shards_merges_into_the_unsharded_manifest(whole, sharded,
                                                                    tmp_path, cli):
    folder = copy_of(sharded, tmp_path)
    result = cli("manifest", "merge", str(folder))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {folder / 'manifest-new-starter-roster.csv.csv'}",
        f"wrote {folder / 'manifest-new-starter-roster.csv.json'}"]
    for suffix in ("csv", "json"):  # same rows, same hashes: the same bytes
        merged = (folder / f"manifest-new-starter-roster.csv.{suffix}").read_bytes()
        assert merged == same_day(whole / f"manifest-new-starter-roster.csv.{suffix}", folder)
    rows = json.loads((folder / "manifest-new-starter-roster.csv.json").read_bytes())
    assert len(rows["files"]) == 10 and rows["roster"]["recipients"] == 5
    assert [row["row"] for row in rows["files"][::2]] == [2, 3, 4, 5, 6]
    assert "shard" not in rows
    state = json.loads((folder / ".guidegen-state.json").read_bytes())
    assert state["manifest-new-starter-roster.csv.json"]["owner"] == (
        "the packet packets/new-starter.yaml with the roster packets/new-starter-roster.csv")


def test_a_shard_that_never_ran_is_named_with_its_rows_and_nothing_is_written(sharded,
                                                                             tmp_path, cli):
    folder = copy_of(sharded, tmp_path)
    for name in ("manifest-new-starter-roster.csv-2-of-3.csv",
                 "manifest-new-starter-roster.csv-2-of-3.json", ".guidegen-state-2-of-3.json",
                 "2026-12-08-Tanaka-Yuki.pdf", "2026-12-08-Tanaka-Yuki.docx"):
        (folder / name).unlink()
    before = sorted(path.name for path in folder.iterdir())
    result = cli("manifest", "merge", str(folder))
    assert result.exit_code == 1
    assert f"{folder.name}: error: shard 2 of 3 of the roster new-starter-roster.csv has " \
           "no manifest (manifest-new-starter-roster.csv-2-of-3.json): it never ran, or did " \
           "not finish (recipients 2–3 of 5; roster rows 3–4); build it with --shard 2/3, " \
           "then merge again" in result.output.replace(str(tmp_path) + "/", "")
    assert sorted(path.name for path in folder.iterdir()) == before


def test_a_file_changed_since_its_shard_wrote_it_is_named(sharded, tmp_path, cli):
    folder = copy_of(sharded, tmp_path)
    pdf = folder / "2026-12-01-Müller-Jonas.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%% edited\n")
    (folder / "2027-01-05-O-Neill-Tom.docx").unlink()
    result = cli("manifest", "merge", str(folder))
    assert result.exit_code == 1
    assert "2026-12-01-Müller-Jonas.pdf: error: changed since its shard wrote it" in result.output
    assert "2027-01-05-O-Neill-Tom.docx: error: listed by a shard's manifest, but cannot be " \
           "read" in result.output
    assert not (folder / "manifest-new-starter-roster.csv.json").exists()


def test_shards_of_another_roster_version_are_not_merged(sharded, tmp_path):
    from guidegen.builder.merge import merge_manifests

    folder = copy_of(sharded, tmp_path)
    other = json.loads((folder / "manifest-new-starter-roster.csv-3-of-3.json").read_bytes())
    other["roster"]["sha256"] = "0" * 64  # as if the roster changed before shard 3 ran
    (folder / "manifest-new-starter-roster.csv-3-of-3.json").write_text(json.dumps(other))
    with pytest.raises(InputError) as raised:
        merge_manifests(folder)
    (problem,) = raised.value.problems
    assert Path(problem.location.file).resolve() == folder.resolve()  # not the roster
    assert problem.message.startswith("the shards of the roster new-starter-roster.csv were "
                                      "built from different rosters or split differently: ")
    assert "manifest-new-starter-roster.csv-3-of-3.json (roster 000000000000, 3 shards)" in \
        problem.message


def test_a_folder_without_shards_is_a_usage_error(whole, tmp_path):
    from guidegen.builder.merge import merge_manifests

    with pytest.raises(UsageError, match="holds no shard's manifest"):
        merge_manifests(copy_of(whole, tmp_path))
    with pytest.raises(UsageError, match="is not a folder"):
        merge_manifests(tmp_path / "nothing")


def test_a_manifest_reads_back_as_it_was_written(sharded):
    from guidegen.builder.manifest import manifest_json, read_entries

    data = (sharded / "manifest-new-starter-roster.csv-3-of-3.json").read_bytes()
    raw = json.loads(data)
    about = {key: value for key, value in raw.items() if key != "files"}
    assert manifest_json(read_entries(raw["files"]), about) == data
    assert raw["shard"] == {"index": 3, "count": 3, "rows": [5, 6]}


# -- a shard reuses what the roster's other builds wrote ------------------------------------

def manifest_rows(folder, name="manifest-new-starter-roster.csv.json"):
    return json.loads((folder / f"{name}").read_bytes())


def test_a_shard_reuses_the_files_the_roster_built_whole_wrote(whole, tmp_path, cli):
    project = shutil.copytree(whole.parent.parent, tmp_path / "project")
    folder = project / "out" / "new-starter"
    files = {path.name: path.read_bytes() for path in folder.glob("2*")}
    manifest = folder / "manifest-new-starter-roster.csv.json"
    whole_rows = manifest_rows(folder)
    for row in whole_rows["files"]:  # as if the roster was built whole long ago
        row["built"] = "2026-01-01"
    manifest.write_text(json.dumps(whole_rows))
    tanaka = folder / "2026-12-08-Tanaka-Yuki.pdf"
    tanaka.write_bytes(tanaka.read_bytes() + b"%% edited\n")  # not up to date: built again
    outputs = [output for shard in ("1/2", "2/2")
               for output in build_roster(project, "out", shard)]
    assert sorted(output.path.name for output in outputs) == sorted(files)
    assert sorted(output.path.name for output in outputs if not output.skipped) == [
        "2026-12-08-Tanaka-Yuki.docx", "2026-12-08-Tanaka-Yuki.pdf"]
    assert {path.name: path.read_bytes() for path in folder.glob("2*")} == files
    dates = {row["file"]: row["built"] for k in (1, 2) for row in manifest_rows(
        folder, f"manifest-new-starter-roster.csv-{k}-of-2.json")["files"]}
    # each file keeps the date it was first built (Tanaka's again: the same bytes)
    assert sorted(dates) == sorted(files) and set(dates.values()) == {"2026-01-01"}
    result = cli("manifest", "merge", str(folder))
    assert result.exit_code == 0, result.output
    merged = manifest_rows(folder)
    assert merged == whole_rows  # the hashes the roster built whole recorded


def test_the_roster_built_whole_reuses_the_files_its_shards_wrote(whole, sharded, tmp_path):
    project = copy_project(tmp_path / "project")
    folder = shutil.copytree(sharded, project / "out" / "new-starter")
    files = {path.name: path.read_bytes() for path in folder.glob("2*")}
    outputs = build_roster(project, "out")
    assert len(outputs) == 10 and all(output.skipped for output in outputs)
    assert {path.name: path.read_bytes() for path in folder.glob("2*")} == files
    manifest = folder / "manifest-new-starter-roster.csv.json"
    assert manifest.read_bytes() == same_day(whole / manifest.name, folder)
