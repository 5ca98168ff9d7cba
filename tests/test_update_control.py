"""``guidegen import --update`` and a controlled document's document-control block.

The block's fields read back where they are the guide's own words (what it supersedes);
what it prints rather than holds (the status in the guide's language, dates in their
long form) and its records (approvals, revision history: signatures and dates, the
history newest first) are reported where the reviewer edited them, and kept.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from .conftest import DATA
from .test_update import copied, find, retype


@pytest.fixture
def forty(a4, project) -> tuple[Path, docx.Document]:
    """Return the 40-row fixture (a draft 4.0 with approvals and history) and its DOCX."""
    return copied(project, DATA / "forty-checks.yaml"), docx.Document(
        a4.path("forty-checks", "docx"))


def test_supersedes_reads_back_and_the_records_are_kept_each_edit_located(forty, project, cli):
    guide, document = forty
    before = guide.read_text(encoding="utf-8")
    supersedes = find(document, "QA-AUD-009 version 3.2")  # its runs: where it may break
    run = next(r for r in supersedes.runs if "3.2" in r.text)
    run.text = run.text.replace("3.2", "3.3")
    retype(document, "Engineering added as a fourth department", "Engineering added")
    retype(document, "Tomasz Wiśniewski", "Tomasz Wisniewski")
    reviewed = project / "reviewed.docx"
    document.save(reviewed)
    done = cli("import", "--update", str(guide), str(reviewed))
    assert done.exit_code == 0, done.stderr
    assert "(1 edit from reviewed.docx)" in done.stdout
    assert guide.read_text(encoding="utf-8") == before.replace(
        "supersedes: QA-AUD-009 version 3.2", "supersedes: QA-AUD-009 version 3.3")
    warnings = done.stderr.splitlines()
    assert len(warnings) == 2, done.stderr
    history, approvals = sorted(warnings, key=lambda w: "approvals" in w)
    assert history.startswith('reviewed.docx: paragraph ')
    assert '"Engineering added"' in history  # the cell the reviewer changed
    assert "guide.document.history" in history
    assert "the revision history table is printed from the guide file's records; edit them " \
        "there; not applied" in history
    assert '"Tomasz Wisniewski"' in approvals and "guide.document.approvals" in approvals


def test_the_status_is_printed_not_read_back(forty, project, cli):
    guide, document = forty
    before = guide.read_bytes()
    control = next(t for t in document.tables if t.rows[0].cells[0].text == "Status")
    cell = control.rows[1].cells[0]  # the block's fields: labels over values
    assert cell.text == "Draft"  # as the English labels print it
    cell.paragraphs[0].runs[0].text = "Effective"
    reviewed = project / "reviewed.docx"
    document.save(reviewed)
    done = cli("import", "--update", str(guide), str(reviewed))
    assert done.exit_code == 0, done.stderr
    assert "unchanged" in done.stdout
    assert "guide.document.status" in done.stderr
    assert "the status is printed in the guide's language; edit it in the guide file; " \
        "not applied" in done.stderr
    assert guide.read_bytes() == before
