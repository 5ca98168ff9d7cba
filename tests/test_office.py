"""The LibreOffice kept running for the tests' conversions (tests/office.py)."""

from __future__ import annotations

import os
import re
import select
import subprocess
from pathlib import Path

from . import office
from .conftest import DEFAULT_GUIDE
from .readers import libreoffice_pdfs


def test_a_conversion_handed_to_the_kept_libreoffice_is_one_of_its_own(a4, tmp_path):
    document = a4.path(DEFAULT_GUIDE.stem, "docx")
    kept = office.profile_for(tmp_path / "unused")
    assert kept != tmp_path / "unused" and office.kept_running()
    # in a worker of a run, the controller's (office.share), not one of its own
    assert (office._joined is not None) == ("PYTEST_XDIST_WORKER" in os.environ)
    handed = libreoffice_pdfs([document], tmp_path / "handed", tmp_path / "unused")[document]
    assert not (tmp_path / "unused").exists()  # no LibreOffice of its own was started
    own = tmp_path / "own"
    subprocess.run([office.soffice(), f"-env:UserInstallation={(own / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(own),
                    str(document)], check=True, capture_output=True, timeout=office.PATIENCE)

    def words(pdf):  # every word of every page, in its box
        text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        return re.sub(r"<meta name=\"CreationDate\".*\n", "", text)

    assert words(handed) == words(own / f"{DEFAULT_GUIDE.stem}.pdf")
    assert "<word" in words(handed)


def test_a_stopped_libreoffice_leaves_no_socket_or_folder_in_tmp(tmp_path, monkeypatch):
    # its temporary folders (lu*.tmp, in TMPDIR: two a test process were left) are in its
    # own folder, removed with it
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    started = office._start()  # another kept one, as the first conversion starts
    assert started is not None
    process, folder = started
    pipe = office.single_instance_pipe(folder / "profile")
    assert pipe.is_socket()  # the name LibreOffice gave its single-instance pipe
    office._stop(process, folder)
    assert process.poll() is not None and not pipe.exists() and not folder.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_runs_libreoffice_starts_when_a_worker_first_asks_and_ends_with_the_run(
        tmp_path, monkeypatch):
    # this process as the controller of a run (conftest.pytest_configure_node)
    monkeypatch.setattr(office, "_sharing", None)
    starts: list[Path | None] = []
    start = office._start

    def recorded(within=None):
        starts.append(within)
        return start(within)

    monkeypatch.setattr(office, "_start", recorded)
    folder = Path(office.share())
    office._unshare()  # no worker asked (its tests converted nothing): none started
    assert starts == [] and not folder.exists()
    folder = Path(office.share())
    joined = office._join(folder)  # a worker's first conversion: started, and ready
    assert joined is not None and starts == [folder]
    profile, ended = joined
    assert profile == folder / "kept" / "profile" and office.single_instance_pipe(
        profile).is_socket() and not select.select([ended], [], [], 0)[0]
    again = office._join(folder)
    assert again is not None and starts == [folder]  # the same one
    os.close(again[1])
    office._unshare()
    assert select.select([ended], [], [], 0)[0] and not folder.exists()  # it ended
    os.close(ended)
