"""Hostile input, third pass (issue 23): no build silently replaces another build's file.

The state file records which build made each file (a guide file, a packet file, a
packet with a roster); a build whose output exists and was made by another build is
refused (exit 4) before it renders, naming both, and nothing is written.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil

from .small import MINIMAL, PACKET

APRIL = "First name,Last name,Start date\nAmara,Okafor,2026-12-01\n"
MAY = APRIL + "Jonas,Muller,2026-12-02\n"


def manifest_matches(folder, name):
    """Return whether every file ``manifest-NAME.json`` lists has the SHA-256 it records."""
    entries = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))["files"]
    return all(hashlib.sha256((folder / e["file"]).read_bytes()).hexdigest() == e["sha256"]
               for e in entries) and entries


def test_two_rosters_making_one_file_name_do_not_replace_each_other(small, cli):
    small.write("packets/april.csv", APRIL)
    small.write("packets/may.csv", MAY)
    first = cli("build", "packets/pk.yaml", "--roster", "packets/april.csv", "-f", "html")
    assert first.exit_code == 0, first.stderr
    folder = small.root / "output" / "pk"
    before = {name: (folder / name).read_bytes() for name in small.files("output/pk")}
    second = cli("build", "packets/pk.yaml", "--roster", "packets/may.csv", "-f", "html")
    assert second.exit_code == 4
    assert second.stderr == (
        "error: cannot write output/pk/2026-12-01-Okafor-Amara.html: the packet "
        "packets/pk.yaml with the roster packets/april.csv made it, and the packet "
        "packets/pk.yaml with the roster packets/may.csv would replace it; build one of "
        "them into another folder (-o), or remove the file first\n")
    assert {name: (folder / name).read_bytes() for name in small.files("output/pk")} == before
    again = cli("build", "packets/pk.yaml", "--roster", "packets/april.csv", "-f", "html")
    assert again.stdout.startswith("unchanged output/pk/2026-12-01-Okafor-Amara.html")
    assert manifest_matches(folder, "manifest-april.csv")
    # into a folder of its own, May's roster builds
    elsewhere = cli("build", "packets/pk.yaml", "--roster", "packets/may.csv", "-f", "html",
                    "-o", "may")
    assert elsewhere.exit_code == 0, elsewhere.stderr


def test_a_recipient_named_as_the_packet_is_refused_at_its_row(small, cli):
    small.write("packets/self.csv", "First name,Last name,Start date\npk,x,2026-12-01\n")
    small.packet(PACKET + '  file_name: "{first_name}"\n')
    for command in ("check", "build"):
        result = cli(command, "packets/pk.yaml", "--roster", "packets/self.csv")
        assert result.exit_code == 1, result.stderr
        assert result.stderr == (
            "packets/self.csv:2:1: error: the file name 'pk' is the packet's own (its files "
            "built without a roster); make roster.file_name tell them apart\n"
            "1 error in 1 file\n")
    assert small.files() == []


def test_a_roster_named_like_a_shard_does_not_replace_the_shards_manifest(small, cli):
    shutil.copy(small.root / "packets" / "r.csv", small.root / "packets" / "r-1-of-2.csv")
    for shard in ("1/2", "2/2"):  # the shards of one roster share the folder
        result = cli("build", "packets/pk.yaml", "--roster", "packets/r.csv", "--shard",
                     shard, "-f", "html")
        assert result.exit_code == 0, result.stderr
    folder = small.root / "output" / "pk"
    shard_manifest = (folder / "manifest-r.csv-1-of-2.csv").read_bytes()
    # its manifest has a name of its own (the roster's extension kept); its files not
    result = cli("build", "packets/pk.yaml", "--roster", "packets/r-1-of-2.csv", "-f", "html")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: cannot write output/pk/2026-12-01-Okafor-Amara"
                                    ".html: the packet packets/pk.yaml with the roster "
                                    "packets/r.csv made it, and the packet packets/pk.yaml "
                                    "with the roster packets/r-1-of-2.csv would replace it")
    assert (folder / "manifest-r.csv-1-of-2.csv").read_bytes() == shard_manifest
    assert not (folder / "manifest-r-1-of-2.csv.csv").exists()
    rows = list(csv.reader((folder / "manifest-r.csv-1-of-2.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    assert [r[0] for r in rows[1:]] == ["2026-12-01-Okafor-Amara.html"]


def test_a_guide_of_the_same_name_elsewhere_does_not_replace_the_first(small, cli):
    assert cli("build", "content/ab.yaml", "-f", "html").exit_code == 0
    small.write("other/ab.yaml", MINIMAL.replace("Alpha vs Beta", "Another guide"))
    result = cli("build", "other/ab.yaml", "-f", "html")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: cannot write output/ab.html: the guide "
                                    "content/ab.yaml made it, and the guide other/ab.yaml "
                                    "would replace it")
    assert "Alpha vs Beta" in (small.root / "output" / "ab.html").read_text(encoding="utf-8")
