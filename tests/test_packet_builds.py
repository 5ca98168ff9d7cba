"""Builds with packets: what a failed build leaves, what check refuses, whose manifest is
whose. Everything ``check`` accepts, ``build`` builds; a build that fails writes nothing."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import guidegen
from guidegen import BuildOptions
from guidegen.common.language import Language
from guidegen.errors import ContentError

from .test_packets import ROSTER_HEADER, TANAKA, copy_project, write_roster

KOREAN = "packets/ko.yaml"
NO_LABELS = ("packets/ko.yaml:8:13: error: packet.language: no labels for language 'ko'; "
             "printing them in English")


def korean_packet(folder: Path) -> Path:
    """Write a copy of the example packet whose language has no labels (a warning)."""
    packet = folder / KOREAN
    text = (folder / "packets" / "new-starter.yaml").read_text(encoding="utf-8")
    packet.write_text(text.replace("language: en", "language: ko"), encoding="utf-8")
    return packet


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) \
        if folder.exists() else []


def test_a_packet_failing_strict_leaves_the_guides_it_was_built_with_unwritten(
        tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    korean_packet(tmp_path)
    result = cli("build", "--strict", "-f", "html", "content/cmo-cdmo-cro.yaml", KOREAN)
    assert result.exit_code == 1
    assert result.stderr.startswith(NO_LABELS)
    assert files_under(tmp_path / "output") == []
    # without --strict both are built, the packet's warning printed once
    result = cli("build", "-f", "html", "content/cmo-cdmo-cro.yaml", KOREAN)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("no labels for language 'ko'") == 1
    assert files_under(tmp_path / "output") == [
        ".guidegen-state.json", "cmo-cdmo-cro.html", "ko/.guidegen-state.json",
        "ko/ko.html", "ko/manifest.csv", "ko/manifest.json"]


def test_check_strict_refuses_what_build_strict_refuses_for_packets(tmp_path, cli,
                                                                    monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    korean_packet(tmp_path)
    checked = cli("check", "--strict", KOREAN)
    assert checked.exit_code == 1 and checked.stderr.startswith(NO_LABELS)
    assert cli("check", KOREAN).exit_code == 0
    # a guide laid out in a language the packet names for it: located at that entry
    packet = tmp_path / "packets" / "new-starter.yaml"
    packet.write_text(packet.read_text(encoding="utf-8").replace(
        "  - guide: guides/gmp-gcp-glp.yaml\n",
        "  - guide: guides/gmp-gcp-glp.yaml\n    language: ko\n"), encoding="utf-8")
    for command in ("check", "build"):  # the warning is the layout's, in every format
        result = cli(command, "--strict", "packets/new-starter.yaml",
                     *(("-f", "html") if command == "build" else ()))
        assert result.exit_code == 1
        assert result.stderr.startswith("packets/new-starter.yaml:26:15: error: "
                                        "guides[2].language: no labels for language 'ko'")
    assert files_under(tmp_path / "output") == []


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_bad_source_date_epoch_is_refused_with_packets_alone(tmp_path, cli, monkeypatch,
                                                               command):
    monkeypatch.chdir(copy_project(tmp_path))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    result = cli(command, "packets/new-starter.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: SOURCE_DATE_EPOCH='abc' is not a Unix timestamp\n"


@pytest.mark.parametrize("command", ["check", "build"])
def test_two_guides_or_two_packets_writing_the_same_files_are_refused(tmp_path, cli,
                                                                      monkeypatch, command):
    monkeypatch.chdir(copy_project(tmp_path))
    (tmp_path / "other").mkdir()
    shutil.copy(tmp_path / "content" / "cmo-cdmo-cro.yaml", tmp_path / "other")
    result = cli(command, "content/cmo-cdmo-cro.yaml", "other/cmo-cdmo-cro.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: content/cmo-cdmo-cro.yaml and "
                                    "other/cmo-cdmo-cro.yaml would both write output/")
    shutil.copytree(tmp_path / "packets", tmp_path / "other" / "packets")
    result = cli(command, "packets/new-starter.yaml", "other/packets/new-starter.yaml")
    assert result.exit_code == 2
    assert result.stderr == ("error: packets/new-starter.yaml and other/packets/"
                             "new-starter.yaml would both write into output/new-starter; "
                             "rename one, or build them into different folders\n")
    assert files_under(tmp_path / "output") == []
    # the same packet named twice is one packet
    twice = cli(command, "packets/new-starter.yaml", "./packets/new-starter.yaml",
                *(("-f", "html") if command == "build" else ()))
    assert twice.exit_code == 0, twice.stderr
    assert len(twice.stdout.splitlines()) == 1


def test_a_packet_guide_linking_out_of_the_project_is_refused(tmp_path, tmp_path_factory,
                                                              monkeypatch):
    folder = copy_project(tmp_path)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    guide = folder / "packets" / "guides" / "qa-vs-qc.yaml"
    shutil.move(guide, elsewhere / "qa-vs-qc.yaml")
    guide.symlink_to(elsewhere / "qa-vs-qc.yaml")
    monkeypatch.chdir(tmp_path_factory.mktemp("somewhere-else"))  # the project is root
    options = BuildOptions(root=folder, content=folder / "content", out=folder / "output",
                           formats=("html",))
    packet = folder / "packets" / "new-starter.yaml"
    for run in (guidegen.check, guidegen.build):
        with pytest.raises(ContentError) as raised:
            run([packet], options)
        (problem,) = raised.value.problems
        assert problem.location.file == str(guide)
        assert f"is a symlink to {elsewhere / 'qa-vs-qc.yaml'}, outside" in problem.message
    assert files_under(folder / "output") == []


def test_check_loads_each_packet_once_and_prints_what_it_checked(tmp_path, cli,
                                                                 monkeypatch):
    from guidegen.content import roster

    monkeypatch.chdir(copy_project(tmp_path))
    reads: list[Path] = []
    original = roster.read_roster
    monkeypatch.setattr(roster, "read_roster", lambda path, *rest: reads.append(path) or
                        original(path, *rest))
    result = cli("check", "content/cmo-cdmo-cro.yaml", "packets/new-starter.yaml",
                 "--roster", "packets/new-starter-roster.csv")
    assert result.exit_code == 0, result.stderr
    assert reads == [Path("packets/new-starter-roster.csv")]
    assert result.stdout == ("ok content/cmo-cdmo-cro.yaml  (3 subjects, 3 comparisons)\n"
                             "ok packets/new-starter.yaml  (3 guides, 5 recipients)\n")


def manifest_rows(folder: Path, name: str) -> list[tuple[str, str]]:
    """Return (file, recipient) of each row of manifest ``name`` (CSV and JSON agree)."""
    rows = list(csv.DictReader((folder / f"{name}.csv").read_text(encoding="utf-8-sig")
                               .splitlines()))
    entries = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["files"]
    found = [(row["file"], row["recipient"]) for row in rows]
    assert found == [(entry["file"], entry["recipient"]) for entry in entries]
    return found


def test_each_roster_keeps_its_own_manifest(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    march = write_roster(tmp_path, "Ann,Lee,QC Analyst,Cork,,2026-03-02\n", "march.csv")
    april = write_roster(tmp_path, TANAKA, "april.csv")
    build = ("build", "packets/new-starter.yaml", "-f", "html")
    for extra in (("--roster", str(march)), (), ("--roster", str(april)),
                  ("--roster", str(april), "--shard", "1/1")):
        result = cli(*build, *extra)
        assert result.exit_code == 0, result.stderr
    folder = tmp_path / "output" / "new-starter"
    assert manifest_rows(folder, "manifest") == [("new-starter.html", "")]
    assert manifest_rows(folder, "manifest-march.csv") == [("2026-03-02-Lee-Ann.html", "Ann Lee")]
    assert manifest_rows(folder, "manifest-april.csv") == manifest_rows(
        folder, "manifest-april.csv-1-of-1") == [("2026-12-08-Tanaka-Yuki.html", "Yuki Tanaka")]
    # each record stays what its build made: building march again changes nothing
    again = cli(*build, "--roster", str(march))
    assert again.exit_code == 0 and again.stdout.startswith("unchanged ")


def test_the_cover_prints_a_roster_date_as_its_language_writes_dates(tmp_path):
    from guidegen.builder.packetload import load_packets
    from guidegen.builder.session import Session
    from guidegen.layout.packet import PacketLayout
    from guidegen.theme import load_templates
    from guidegen.tree import Fields

    folder = copy_project(tmp_path)
    packet = folder / "packets" / "new-starter.yaml"
    packet.write_text(packet.read_text(encoding="utf-8").replace("language: en",
                                                                 "language: de"), "utf-8")
    roster = folder / "hires.csv"
    roster.write_text(ROSTER_HEADER + TANAKA, encoding="utf-8")
    (loaded,) = load_packets(Session(BuildOptions(content=folder / "content",
                                                  roster=roster)), [packet])
    layout = PacketLayout(loaded.packet, loaded.guides, load_templates(None, None),
                          language=Language.of("en"))
    assert loaded.recipients is not None
    cover = layout.document(loaded.recipients[0]).blocks[0]
    (fields,) = [block for block in cover.children if isinstance(block, Fields)]
    assert dict(fields.items)["Eintrittsdatum"] == "8. Dezember 2026"
    assert loaded.recipients[0].stem == "2026-12-08-Tanaka-Yuki"  # the file name keeps ISO
