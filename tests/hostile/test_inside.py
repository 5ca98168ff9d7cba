"""Hostile input, third pass (issue 23): nothing outside the project is read or written.

One rule for every input (guides named by packets, rosters, translation sources, the
project file's folders): inside the project, symlinks followed; a file the user names
outside it is read where it is; a project file pointing out needs ``--allow-outside``.
The journal finisher moves only guidegen's temporary files onto plain names directly
in its folder, over a regular file or nothing.
"""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from ..conftest import DEFAULT_GUIDE, TRANSLATIONS
from .small import PACKET, SECRET

# -- a planted journal --------------------------------------------------------------------


def plant_journal(folder, moves, temp=".guidegen-x.tmp"):
    """Plant in ``folder`` a temporary file and a journal moving it by ``moves``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / temp).write_text("PWNED")
    (folder / ".guidegen-commit.json").write_text(json.dumps(moves))


def test_a_planted_journal_in_content_does_not_write_outside(small, cli):
    (small.root / "content" / "lnk").symlink_to(small.outside)
    plant_journal(small.root / "content", [[".guidegen-x.tmp", "lnk/victim.txt"]])
    result = cli("new", "--guide", "QA vs QC", "--subjects", "qa,qc")
    assert result.exit_code == 0, result.stderr
    assert small.victim.read_text() == "original"
    assert (small.root / "content" / "qa-vs-qc.yaml").is_file()
    assert not (small.root / "content" / ".guidegen-commit.json").exists()


def test_a_planted_journal_in_output_does_not_write_outside(small, cli):
    (small.root / "output").mkdir()
    (small.root / "output" / "lnk").symlink_to(small.outside)
    plant_journal(small.root / "output", [[".guidegen-x.tmp", "lnk/victim.txt"]])
    result = cli("build", "content/ab.yaml", "-f", "html")
    assert result.exit_code == 0, result.stderr
    assert small.victim.read_text() == "original"
    assert small.files() == [".guidegen-state.json", "ab.html"]  # and the link, a folder


@pytest.mark.parametrize("moves", [
    [[".guidegen-x.tmp", "link.txt"]],  # a target that is a symlink out
    [["lnk/.guidegen-y.tmp", "ab.html"]],  # a temporary file through a symlinked folder
    [[".guidegen-link.tmp", "ab.html"]],  # a "temporary file" that is a symlink out
], ids=["symlink-target", "symlinked-temp", "symlink-temp"])
def test_the_finisher_moves_only_its_own_files_onto_plain_names(small, cli, moves):
    out = small.root / "output"
    (small.outside / ".guidegen-y.tmp").write_text("the outside's file")
    out.mkdir()
    (out / "lnk").symlink_to(small.outside)
    (out / "link.txt").symlink_to(small.victim)
    (out / ".guidegen-link.tmp").symlink_to(small.victim)
    plant_journal(out, moves)
    result = cli("build", "content/ab.yaml", "-f", "html")
    assert result.exit_code == 0, result.stderr
    assert small.victim.read_text() == "original"
    assert (small.outside / ".guidegen-y.tmp").read_text() == "the outside's file"
    assert (out / "link.txt").is_symlink()
    assert not (out / "ab.html").is_symlink()


def test_a_packet_folder_that_is_a_symlink_out_is_refused(small, cli):
    (small.root / "output").mkdir()
    (small.root / "output" / "pk").symlink_to(small.outside)
    result = cli("build", "packets/pk.yaml", "-f", "html")
    assert result.exit_code == 4
    assert result.stderr == ("error: cannot write into output/pk: it is not a folder but a "
                             "symlink; a packet's files go into a folder of its own\n")
    assert sorted(p.name for p in small.outside.iterdir()) == ["g.yaml", "r.csv",
                                                               "victim.txt"]


@pytest.mark.parametrize("file, stem", [("...yaml", ".."), ("..yaml", "."),
                                        (".hidden.yaml", ".hidden")])
def test_a_packet_named_dots_writes_nothing_above_or_beside_the_guides(small, cli, file,
                                                                      stem):
    small.write(f"packets/{file}", PACKET)
    for command in ("check", "build"):
        result = cli(command, f"packets/{file}")
        assert result.exit_code == 2, result.stderr
        assert result.stderr == (
            f"error: packets/{file}: a packet's files go into a folder named after the "
            f"file, and {stem!r} is not a name guidegen gives a folder; rename the file "
            "(letters, digits, - and _)\n")
    assert small.files() == []
    assert sorted(p.name for p in small.root.iterdir()) == ["content", "guidegen.yaml",
                                                           "packets", "templates"]


# -- what packets, rosters and translations name -----------------------------------------

@pytest.mark.parametrize("named", ["../../outside/g.yaml", "{outside}/g.yaml"],
                         ids=["dotdot", "absolute"])
def test_a_packets_guide_outside_the_project_is_never_read(small, cli, named):
    named = named.format(outside=small.outside)
    small.packet(PACKET.replace("guides: [ab]", f"guides: [ab, {named}]"))
    for command in ("check", "build"):
        result = cli(command, "packets/pk.yaml")
        assert result.exit_code == 1, result.stderr
        shown = named if named.startswith("/") else f"packets/{named}"
        assert result.stderr.startswith(f"packets/pk.yaml:5:14: error: guides[1]: {shown} "
                                        "is outside the project (the working folder); a "
                                        "file named by another file must be inside the "
                                        "project\n")
        assert SECRET not in result.stdout + result.stderr
    assert small.files() == []


def test_a_roster_linking_out_of_the_project_is_not_read(small, cli):
    (small.root / "packets" / "lnk.csv").symlink_to(small.outside / "r.csv")
    for command in ("check", "build"):
        result = cli(command, "packets/pk.yaml", "--roster", "packets/lnk.csv")
        assert result.exit_code == 1
        assert result.stderr.startswith("packets/lnk.csv: error: is a symlink to ")
        assert "Secret header" not in result.stderr
    # named outside the project on the command line, it is the user's choice
    result = cli("check", "packets/pk.yaml", "--roster", str(small.outside / "r.csv"))
    assert "no column 'First name'" in result.stderr


def translation(small, source):
    """Write the German translation of the default guide naming ``source``."""
    text = TRANSLATIONS[0].read_text(encoding="utf-8")
    text = re.sub(r"translation_of:.*\n(  .*\n)*", f"translation_of: {source}\n", text, count=1)
    return small.write("content/cmo-cdmo-cro.de.yaml", text)


def test_a_translation_source_outside_the_project_is_never_read_nor_copied_in(small, cli):
    shutil.copy(DEFAULT_GUIDE, small.outside / "src.yaml")
    translation(small, "../../outside/src.yaml")
    message = ("content/cmo-cdmo-cro.de.yaml:5:17: error: translation_of: content/../../"
               "outside/src.yaml is outside the project (the working folder); a file named "
               "by another file must be inside the project\n")
    for command in (("check",), ("build", "-f", "html"),
                    ("translations", "--confirm", "content/cmo-cdmo-cro.de.yaml")):
        result = cli(*command, *([] if command[0] == "translations" else
                                 ["content/cmo-cdmo-cro.de.yaml"]))
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith(message)
    assert not (small.root / "content" / "confirmed").exists()
    assert "structure differs" in cli("translations").stdout


def test_a_symlinked_confirmed_folder_is_not_written_through(small, cli):
    shutil.copy(DEFAULT_GUIDE, small.root / "content")
    translation(small, "cmo-cdmo-cro.yaml")
    (small.root / "content" / "confirmed").symlink_to(small.outside)
    result = cli("translations", "--confirm", "content/cmo-cdmo-cro.de.yaml")
    assert result.exit_code == 4
    assert result.stderr == (f"error: cannot write into content/confirmed: it leads to "
                             f"{small.outside}, outside {small.root}; guidegen writes only "
                             "inside the folder it was given\n")
    assert sorted(p.name for p in small.outside.iterdir()) == ["g.yaml", "r.csv",
                                                               "victim.txt"]
    assert "translation_of: cmo-cdmo-cro.yaml\n" in (
        small.root / "content" / "cmo-cdmo-cro.de.yaml").read_text()


# -- the project file ---------------------------------------------------------------------

@pytest.mark.parametrize("key, value, message", [
    ("content", "../..", "content: {parent} is outside the project (the working folder)"),
    ("templates", "templates-link", "templates: templates-link is a symlink to {outside}, "
     "outside the project (the working folder)"),
    ("output", "output-link", "output: output-link is a symlink to {outside}, outside the "
     "project (the working folder)"),
])
def test_a_project_file_pointing_out_needs_allow_outside(small, cli, key, value, message):
    for link in ("templates-link", "output-link"):
        (small.root / link).symlink_to(small.outside)
    small.write("guidegen.yaml", f"{key}: {value}\n")
    expected = message.format(parent=small.root.parent.parent, outside=small.outside)
    column = len(key) + 3
    for command in (("check",), ("build", "-f", "html"), ("new", "--guide", "A vs B")):
        result = cli(*command)
        assert result.exit_code == 1, result.stderr
        assert result.stderr.startswith(f"guidegen.yaml:1:{column}: error: {expected}; "
                                        "guidegen uses a folder outside the project only "
                                        "when you name it on the command line or run with "
                                        "--allow-outside\n"), result.stderr
    assert sorted(p.name for p in small.outside.iterdir()) == ["g.yaml", "r.csv",
                                                               "victim.txt"]
    if key != "content":
        result = cli("--allow-outside", "build", "content/ab.yaml", "-f", "html")
        assert result.exit_code == 0, result.stderr


def test_a_default_output_folder_that_links_out_is_refused_unless_named(small, cli):
    small.write("guidegen.yaml", "content: content\n")
    (small.root / "output").symlink_to(small.outside)
    result = cli("build", "content/ab.yaml", "-f", "html")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"guidegen.yaml: error: output: output is a symlink to "
                                    f"{small.outside}, outside the project")
    assert not (small.outside / "ab.html").exists()
    named = cli("build", "content/ab.yaml", "-f", "html", "-o", "output")
    assert named.exit_code == 0, named.stderr
    assert (small.outside / "ab.html").is_file()
    os.remove(small.outside / "ab.html")


def test_a_symlink_out_in_content_is_never_opened_not_even_to_sort_it(small, cli,
                                                                      monkeypatch):
    """Sorting guides from packets reads a file's first lines: only inside the project."""
    (small.outside / "pk.yaml").write_text(PACKET.replace("Welcome", SECRET), "utf-8")
    (small.root / "content" / "lnk.yaml").symlink_to(small.outside / "pk.yaml")
    opened = []
    real_open = os.open

    def recording(path, *args, **kwargs):
        opened.append(os.path.realpath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording)
    result = cli("check")
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr.startswith("content/lnk.yaml: error: is a symlink to ")
    assert SECRET not in result.stdout + result.stderr
    assert not [path for path in opened if path.startswith(str(small.outside))]
