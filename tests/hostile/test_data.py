"""Hostile input, third pass (issue 23): data kept, messages true.

Word bookmark names stay one per anchor however long the ids; the temporary files of a
killed write in a packet's folder go with the next build; Ctrl-C after a roster's first
batch says what was written; ``new`` prints a command that works as printed.
"""

from __future__ import annotations

import shlex
import zipfile

from docx.oxml.ns import qn
from lxml import etree

from .small import MINIMAL

LONG = "quality_assurance_sterile_filling"  # anchors alike for Word's 40 characters


def test_long_subject_ids_get_a_bookmark_each(small, cli):
    text = MINIMAL.replace("id: alpha", f"id: {LONG}_a").replace("id: beta", f"id: {LONG}_b")
    text = text.replace("alpha:", f"{LONG}_a:").replace("beta:", f"{LONG}_b:")
    small.write("content/ab.yaml", text.replace("intro: Two", "contents: true\nintro: Two"))
    result = cli("build", "content/ab.yaml", "-f", "docx", "-j", "1")
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(small.root / "output" / "ab.docx") as package:
        body = etree.fromstring(package.read("word/document.xml"))
    names = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    assert len(names) == len(set(names)) and all(len(name) <= 40 for name in names)
    links = [link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))
             if link.get(qn("w:anchor"))]
    assert len(links) == 3 and len(set(links)) == 3 and set(links) <= set(names)


def test_a_killed_writes_temporaries_in_a_packet_folder_go_with_the_next_build(small, cli):
    assert cli("build", "packets/pk.yaml", "-f", "html").exit_code == 0
    folder = small.root / "output" / "pk"
    left = [".guidegen-.guidegen-state.json.k1.tmp", ".guidegen-manifest.csv.k2.tmp",
            ".guidegen-k3.tmp"]  # the state file's, a manifest's, a journal's
    for name in left:
        (folder / name).write_text("half")
    result = cli("build", "packets/pk.yaml", "-f", "html")  # up to date: nothing renders
    assert result.stdout.startswith("unchanged output/pk/pk.html")
    assert sorted(small.files("output/pk")) == [".guidegen-state.json", "manifest.csv",
                                                "manifest.json", "pk.html"]


def test_ctrl_c_after_a_roster_batch_says_what_was_written(small, cli):
    from guidegen import testhook

    small.write("packets/three.csv", "First name,Last name,Start date\nA,One,2026-12-01\n"
                "B,Two,2026-12-01\nC,Three,2026-12-01\n")
    testhook.arm("after-commit=interrupt")  # as Ctrl-C, once the first batch is written
    try:
        result = cli("build", "packets/pk.yaml", "--roster", "packets/three.csv", "-f",
                     "html", "-j", "1")
    finally:
        testhook.arm(None)
    assert result.exit_code == 130
    assert result.stderr == (  # -q: no progress lines (see tests/test_console.py)
        "interrupted after 2 of the 3 packets to build were written, each whole (listed "
        "above); not written: 1 packet, the manifest (output/pk/manifest-three.csv.csv and "
        "manifest-three.csv.json, written once every packet of the roster is); the next "
        "build skips the 2 and builds the rest\n")
    assert [line.split("  ")[0] for line in result.stdout.splitlines()] == [
        "wrote output/pk/2026-12-01-One-A.html", "wrote output/pk/2026-12-01-Two-B.html"]
    assert sorted(small.files("output/pk")) == [
        ".guidegen-state.json", "2026-12-01-One-A.html", "2026-12-01-Two-B.html"]
    again = cli("build", "packets/pk.yaml", "--roster", "packets/three.csv", "-f", "html")
    assert [line.split("  ")[0] for line in again.stdout.splitlines()] == [
        "unchanged output/pk/2026-12-01-One-A.html",
        "unchanged output/pk/2026-12-01-Two-B.html",
        "wrote output/pk/2026-12-01-Three-C.html"]


def test_new_prints_a_cd_that_works_as_printed(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    result = cli("new", "my guides")
    assert result.exit_code == 0, result.stderr
    line = result.stdout.splitlines()[-1]
    assert line == "next: cd 'my guides' && guidegen build"
    assert shlex.split(line.removeprefix("next: "))[:2] == ["cd", "my guides"]
