"""The LibreOffice kept running for the tests' conversions (tests/office.py)."""

from __future__ import annotations

import re
import subprocess

from . import office
from .conftest import DEFAULT_GUIDE
from .readers import libreoffice_pdfs


def test_a_conversion_handed_to_the_kept_libreoffice_is_one_of_its_own(a4, tmp_path):
    document = a4.path(DEFAULT_GUIDE.stem, "docx")
    kept = office.profile_for(tmp_path / "unused")
    assert kept != tmp_path / "unused" and office.kept_running()
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
