"""--print-room: one PDF of every recipient's packet, in roster order, each padded for
duplex, bookmarked by recipient; read back with pypdf, poppler and qpdf."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys

from pypdf import PdfReader

from .conftest import hooked
from .readers import pdf_pages, pdf_text
from .test_packets import copy_project, outline, with_guides, write_roster

# the recipients of test_curricula.ROWS, in its order
FILES = ("2026-12-01-Okafor-Amara", "2026-12-01-Müller-Jonas", "2026-12-08-Tanaka-Yuki")
NAMES = ("Amara Okafor", "Jonas Müller", "Yuki Tanaka")


def test_the_print_room_file_pads_each_packet_and_bookmarks_each_recipient(
        three_roles, tmp_path, cli, monkeypatch):
    # the three roles built once per run with --print-room (conftest.three_roles):
    # each guide on a right-hand page: packets of 7, 5 and 7 pages (cover, contents, a
    # blank page after the one-page guide, its two-page ones, the sheet); without, all
    # three were even and the duplex padding went untested. -j 1: the recipients render
    # in one process, not in a pool of workers (the same files; what is tested is the
    # print room's file made of them)
    project = shutil.copytree(three_roles, tmp_path / "project", symlinks=True)
    monkeypatch.chdir(project)
    folder = project / "output" / "new-starter"
    room = folder / "print-room-hires.csv.pdf"
    pages = [pdf_pages(folder / f"{name}.pdf") for name in FILES]
    # some packet gets a blank page for duplex (2), some more for booklets (4, below)
    assert any(count % 2 for count in pages), pages
    assert any(-count % 4 > count % 2 for count in pages), pages
    padded = [count + count % 2 for count in pages]
    assert pdf_pages(room) == sum(padded)
    assert subprocess.run(["qpdf", "--check", str(room)], capture_output=True).returncode == 0
    marks = outline(PdfReader(room))
    starts = [sum(padded[:n]) + 1 for n in range(3)]
    assert [(title, page) for depth, title, page in marks if depth == 1] == list(
        zip(NAMES, starts, strict=True))
    # each recipient's own bookmarks beneath their name, at their pages in the file
    for name, start in zip(FILES, starts, strict=True):
        own = outline(PdfReader(folder / f"{name}.pdf"))
        mine = [(depth - 1, title, page - start + 1) for depth, title, page in marks
                if depth > 1 and start <= page < start + pdf_pages(folder / f"{name}.pdf")]
        assert mine == own
    for n, (count, start) in enumerate(zip(pages, starts, strict=True)):
        text = pdf_text(room, "-f", str(start), "-l", str(start + padded[n] - 1))
        assert NAMES[n] in text.split("\f")[0]  # its cover
        if count % 2:
            assert not text.split("\f")[padded[n] - 1].strip()  # the padding is blank
    listed = json.loads((folder / "manifest-hires.csv.json").read_text("utf-8"))["files"]
    assert listed[-1]["file"] == room.name and listed[-1]["pages"] == sum(padded)
    again = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "pdf",
                "--print-room", "--allow-draft", "-j", "1")
    assert again.exit_code == 0 and f"unchanged output/new-starter/{room.name}" in again.stdout
    made = room.read_bytes()
    room.unlink()  # made again from the packets as they are, by the command line
    again = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "pdf",
                "--print-room", "--allow-draft", "-j", "1")
    assert again.exit_code == 0, again.stderr
    assert f"wrote output/new-starter/{room.name}" in again.stdout
    assert "wrote output/new-starter/2026" not in again.stdout and room.read_bytes() == made
    booklets = cli("build", "packets/new-starter.yaml", "--roster", "hires.csv", "-f", "pdf",
                   "--print-room", "4", "--allow-draft", "-j", "1")
    assert booklets.exit_code == 0, booklets.stderr
    assert "wrote output/new-starter/2026" not in booklets.stdout  # the packets as they were
    fours = [count + -count % 4 for count in pages]
    assert pdf_pages(room) == sum(fours)
    for n, count in enumerate(pages):  # each packet, then its blank pages to a multiple of 4
        start = sum(fours[:n]) + 1
        text = pdf_text(room, "-f", str(start), "-l", str(start + fours[n] - 1)).split("\f")
        assert NAMES[n] in text[0]
        assert all(not page.strip() for page in text[count:fours[n]]), (n, count)


def test_a_killed_roster_build_makes_its_print_room_file_when_it_finishes(tmp_path, cli,
                                                                         monkeypatch):
    folder = copy_project(tmp_path)
    with_guides(folder)  # what is tested is the roster's files, not the guides' pages
    # three: the kill point needs two (one batch), the next run one more
    write_roster(folder, "".join(f"Ann{n},Lee,QC Analyst,Cork,,2026-12-{n + 1:02d}\n"
                                 for n in range(3)))
    command = [sys.executable, "-m", "guidegen", "build", "packets/new-starter.yaml",
               "--roster", "hires.csv", "--jobs", "1", "-f", "pdf", "--print-room",
               "--allow-draft"]
    out = folder / "output" / "new-starter"
    killed = subprocess.run(command, cwd=folder, capture_output=True,
                            env=hooked("after-commit:1=kill"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(list(out.glob("*.pdf"))) == 2 and not (out / "print-room-hires.csv.pdf").exists()
    monkeypatch.chdir(folder)  # the next run: a build like any other (in this process)
    again = cli(*command[3:])
    assert again.exit_code == 0, again.stderr
    room = out / "print-room-hires.csv.pdf"
    assert [title for depth, title, _ in outline(PdfReader(room)) if depth == 1] == [
        f"Ann{n} Lee" for n in range(3)]
    pages = [pdf_pages(out / f"2026-12-{n + 1:02d}-Lee-Ann{n}.pdf") for n in range(3)]
    assert pdf_pages(room) == sum(count + count % 2 for count in pages)


def test_the_print_room_needs_a_roster_and_pdfs(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(copy_project(tmp_path))
    result = cli("build", "packets/new-starter.yaml", "--print-room")
    assert result.exit_code == 2 and "--print-room goes with a roster" in result.stderr
    result = cli("build", "packets/new-starter.yaml", "--print-room", "--roster",
                 "packets/new-starter-roster.csv", "-f", "html")
    assert result.exit_code == 2 and "build the PDF format too" in result.stderr
    result = cli("build", "packets/new-starter.yaml", "--print-room", "3", "--roster",
                 "packets/new-starter-roster.csv")
    assert result.exit_code == 2 and "expected one of 2, 4" in result.stderr
    assert not (tmp_path / "output").exists()
