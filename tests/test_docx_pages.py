"""Where the DOCX cannot start a page as the PDF does, the build says so, located.

The DOCX breaks its pages where the PDF's start (renderers/docx/pages.py); a page the PDF
starts inside a paragraph is left to the word processor. The build knows which pages
those are from the PDF's page map alone, without a word processor, and warns at each
(``--strict``: an error). LibreOffice, a reader the build does not run, shows where the
pages start: every page it starts otherwise than the PDF is one the build warned about.
tests/data/pages/batch-record-review.yaml's long paragraphs break across a page on A4,
not on Letter.
"""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import DATA
from .readers import libreoffice_pdfs, page_starts
from .test_page_balance import text_area

FIXTURE = DATA / "pages" / "batch-record-review.yaml"
WARNED = re.compile(r"^batch-record-review\.yaml:(\d+):\d+: warning: page (\d+) of the PDF "
                    r"starts inside (.*?): Word and LibreOffice break the page where their "
                    r"own lines fall, so the DOCX's page \2 may start with other words",
                    re.M)


def build_on_papers(folder, fixture) -> dict[str, tuple]:
    """Return, by paper, the folder ``fixture`` was built into (in ``folder``), and the
    build's messages."""
    from click.testing import CliRunner

    from guidegen.cli import main

    shutil.copy(fixture, folder)
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        # A4 as a user's build lays it out (the PDF helper, its twin for the fitter's
        # tries, the pages sent before the PDF), Letter with -j 1 (in this process): each
        # test checks both ways. With both -j 1 (f4af975), a helper sending no page map
        # failed 1 test here and in test_table_tails, not 4 (and saved no more than the
        # noise of a whole file, 15.7 / 15.6 / 14.5 -> 16.6 / 13.8 / 15.0 s, load 7-9)
        for paper, jobs in (("a4", []), ("letter", ["-j", "1"])):
            result = CliRunner().invoke(main, ["-q", "build", fixture.name, "--paper", paper,
                                               "-o", paper, *jobs],
                                        catch_exceptions=False)
            assert result.exit_code == 0, result.output
            found[paper] = (folder / paper, result.stderr)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Return, by paper, the folder the fixture was built into and the build's messages."""
    return build_on_papers(tmp_path_factory.mktemp("docx-pages"), FIXTURE)


def test_a_page_the_pdf_starts_inside_a_paragraph_is_a_warning_at_its_text(built):
    _, said = built["a4"]
    ((line, page, what),) = WARNED.findall(said)
    assert said.count("warning") == 1
    assert (line, page, what) == ("35", "2", "paragraph 2 of this text")
    assert FIXTURE.read_text(encoding="utf-8").splitlines()[34].strip() == "body: |"
    assert built["letter"][1] == ""  # its pages start at blocks: nothing to warn


def test_every_page_libreoffice_starts_otherwise_is_one_the_build_warned_about(
        built, tmp_path):
    top, bottom = text_area()
    documents = {paper: folder / "batch-record-review.docx"
                 for paper, (folder, _) in built.items()}
    converted = {}
    for paper, document in documents.items():  # one LibreOffice run each: same names
        converted |= {paper: libreoffice_pdfs([document], tmp_path / paper,
                                              tmp_path / "profile")[document]}
    for paper, (folder, said) in built.items():
        pdf = folder / "batch-record-review.pdf"
        ours, theirs = page_starts(pdf, top, bottom), page_starts(converted[paper], top, bottom)
        assert len(ours) == len(theirs), (paper, ours, theirs)
        differ = {n for n, (a, b) in enumerate(zip(ours, theirs, strict=True), 1)
                  if not (a.startswith(b) or b.startswith(a))}
        warned = {int(page) for _, page, _ in WARNED.findall(said)}
        assert differ <= warned, (paper, ours, theirs)


def test_with_strict_a_page_the_docx_may_not_keep_fails_the_build(tmp_path, cli,
                                                                   monkeypatch):
    shutil.copy(FIXTURE, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = cli("build", FIXTURE.name, "--paper", "a4", "-o", "out", "--strict")
    assert result.exit_code == 1
    assert re.search(WARNED.pattern.replace("warning:", "error:"), result.stderr, re.M)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    # a DOCX built alone knows it too: its PDF is laid out, not written
    result = cli("build", FIXTURE.name, "--paper", "a4", "-o", "docx", "-f", "docx")
    assert result.exit_code == 0 and WARNED.search(result.stderr)
    assert not list((tmp_path / "docx").glob("*.pdf"))
