"""Controlled documents: the document block's rules, each a located error; release; packets.

Every guide below is the minimal fixture with a ``document`` block written as a team
would; the messages are asserted whole, at the line and column of the key they name.
"""

from __future__ import annotations

import datetime
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from guidegen.content.control import version_key
from guidegen.content.loader import load
from guidegen.errors import ContentError, collect_warnings

from .conftest import DATA, DEFAULT_GUIDE, ROOT

MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")
PAST, FUTURE = "2020-01-31", "2099-12-31"  # a review date passed, and one to come


def guide_with(document: str) -> str:
    """Return the minimal guide with ``document`` (YAML under ``document:``) in its block."""
    block = textwrap.indent(textwrap.dedent(document).strip("\n"), "    ")
    return MINIMAL.replace("  title: Alpha vs Beta\n",
                           f"  title: Alpha vs Beta\n  document:\n{block}\n", 1)


def problems(tmp_path: Path, document: str) -> list[str]:
    """Return the error lines of the minimal guide with ``document``, as g.yaml:L:C: ..."""
    path = tmp_path / "g.yaml"
    path.write_text(guide_with(document), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load(path)
    return [str(p).replace(str(path), "g.yaml") for p in caught.value.problems]


EFFECTIVE = """\
number: QA-SOP-001
version: "2.0"
status: effective
effective: 2026-03-01
review_due: 2099-03-01
approvals:
  - {role: Head of QA, name: Dr Ines Vaz, date: 2026-02-20, meaning: Approved for use}
history:
  - {version: "2.0", date: 2026-02-18, author: Ines Vaz, change: Rewritten, change_control: CC-9}
  - {version: "1.0", date: 2024-05-02, change: Initial release}
"""


def test_a_whole_document_block_loads_typed(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(guide_with(EFFECTIVE), encoding="utf-8")
    document = load(path).guide.document
    assert document.status == "effective"
    assert document.review_due == datetime.date(2099, 3, 1)
    assert [(a.role, a.name, a.meaning) for a in document.approvals] == [
        ("Head of QA", "Dr Ines Vaz", "Approved for use")]
    assert [(h.version, h.change_control) for h in document.history] == [("2.0", "CC-9"),
                                                                         ("1.0", None)]


@pytest.mark.parametrize(("document", "expected"), [
    # the old free-text status: says how to move it
    ('number: X-1\nversion: "1"\nstatus: Uncontrolled when printed\n',
     "g.yaml:6:13: error: guide.document.status: 'Uncontrolled when printed' is not a status; "
     "the line printed under the control block is now print_notice: move it there "
     "(print_notice: Uncontrolled when printed) and write the document's status here, one "
     "of draft, in-review, effective, superseded, obsolete"),
    # a status misspelt
    ('number: X-1\nversion: "1"\nstatus: Effective\n',
     "g.yaml:6:13: error: guide.document.status: unknown status 'Effective' (did you mean "
     "'effective'?); one of draft, in-review, effective, superseded, obsolete"),
    ('number: X-1\nversion: "1"\nstatus: in review\n',
     "g.yaml:6:13: error: guide.document.status: unknown status 'in review' (did you mean "
     "'in-review'?); one of draft, in-review, effective, superseded, obsolete"),
    # the old approver: says how to move it into approvals
    ('number: X-1\nversion: "1"\napprover: Head of QA\n',
     "g.yaml:6:15: error: guide.document.approver: approver is now an entry of approvals, "
     "with the day of the approval: write approvals: [{role: Head of QA, date: YYYY-MM-DD}] "
     "instead (a name and a meaning may follow)"),
])
def test_an_old_document_block_says_how_to_move_it(tmp_path, document, expected):
    assert problems(tmp_path, document) == [expected]


@pytest.mark.parametrize(("document", "expected"), [
    # versions unique: the second is named, with the first's place
    (EFFECTIVE.replace('"1.0", date: 2024', '"2.0", date: 2024'),
     "g.yaml:13:19: error: guide.document.history[1].version: version '2.0' is in the "
     "history twice (g.yaml:12:19)"),
    # ordered: one way through
    (EFFECTIVE.replace("  - {version: \"1.0\"", "  - {version: \"3.0\", date: 2026-02-19, "
                       "change: Late}\n  - {version: \"1.0\""),
     "g.yaml:13:19: error: guide.document.history[1].version: version '3.0' is out of "
     "order: the history runs newest first (from '2.0' to '1.0'), so it goes before '2.0'"),
    # dates run with the versions
    (EFFECTIVE.replace("date: 2024-05-02", "date: 2026-02-19"),
     "g.yaml:13:32: error: guide.document.history[1].date: version '2.0' is dated "
     "2026-02-18, before the older version '1.0' (2026-02-19)"),
    # the newest entry is the document's version
    (EFFECTIVE.replace('version: "2.0"\nstatus', 'version: "2.1"\nstatus'),
     "g.yaml:5:14: error: guide.document.version: the document is version '2.1', but the "
     "newest version in its history is '2.0' (g.yaml:12:19); the history's newest entry "
     "is the version the document is"),
    # nothing approved or revised after the effective date; the review after it
    (EFFECTIVE.replace("date: 2026-02-20", "date: 2026-03-02"),
     "g.yaml:10:53: error: guide.document.approvals[0].date: approved on 2026-03-02, after "
     "the effective date 2026-03-01 (g.yaml:7:16); a version is approved before it takes "
     "effect"),
    (EFFECTIVE.replace("date: 2026-02-18", "date: 2026-03-05"),
     "g.yaml:12:32: error: guide.document.history[0].date: version '2.0' is dated "
     "2026-03-05, after the effective date 2026-03-01 (g.yaml:7:16)"),
    (EFFECTIVE.replace("review_due: 2099-03-01", "review_due: 2026-03-01"),
     "g.yaml:8:17: error: guide.document.review_due: the review is due on 2026-03-01, not "
     "after the effective date 2026-03-01 (g.yaml:7:16); the periodic review comes after "
     "it"),
    # an effective document: its effective date, and an approval on or before it
    (EFFECTIVE.replace("effective: 2026-03-01\n", ""),
     "g.yaml:6:13: error: guide.document.status: an effective document needs its effective "
     "date (effective: YYYY-MM-DD)"),
    (EFFECTIVE.replace("date: 2026-02-20, ", ""),
     "g.yaml:10:7: error: guide.document.approvals: an effective document needs at least "
     "one approval dated on or before its effective date 2026-03-01: approvals: [{role: "
     "..., name: ..., date: YYYY-MM-DD, meaning: Approved for use}]"),
    (EFFECTIVE.split("approvals:")[0] + "history:" + EFFECTIVE.split("history:")[1],
     "g.yaml:6:13: error: guide.document.status: an effective document needs at least one "
     "approval dated on or before its effective date 2026-03-01: approvals: [{role: ..., "
     "name: ..., date: YYYY-MM-DD, meaning: Approved for use}]"),
])
def test_each_rule_of_document_control_is_a_located_error(tmp_path, document, expected):
    assert expected in problems(tmp_path, document)


def test_a_history_may_run_oldest_first_and_a_draft_need_not_be_approved(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(guide_with("""\
        number: QA-SOP-001
        version: "1.10"
        status: draft
        approvals: [{role: Head of QA, name: Dr Ines Vaz}]
        history:
          - {version: "1.9", date: 2025-01-01, change: Before}
          - {version: "1.10", date: 2026-01-01, change: After}
        """), encoding="utf-8")
    assert load(path).guide.document.approvals[0].date is None


def test_versions_order_as_people_count_them():
    assert version_key("1.10") > version_key("1.9") > version_key("1.2.3") > version_key("1")
    assert version_key("B") > version_key("A")
    assert version_key("2.0") == version_key("2-0")


def test_a_review_date_passed_is_a_warning_and_with_strict_an_error(project, cli):
    guide = Path("content/cmo-cdmo-cro.yaml")
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("    effective: 2026-11-24\n", "    effective: 2026-11-24\n"
                                  "    review_due: 2026-11-25\n"), encoding="utf-8")
    line = text.splitlines().index("    effective: 2026-11-24") + 2
    expected = (f"content/cmo-cdmo-cro.yaml:{line}:17: warning: guide.document.review_due: "
                "the periodic review was due on 2026-11-25; review the document and set the "
                "next review date")
    checked = cli("check", str(guide))
    assert checked.exit_code == 0
    assert checked.stderr.splitlines() == [expected]
    strict = cli("check", "--strict", str(guide))
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[0] == expected.replace("warning:", "error:")
    # superseded and obsolete documents are not reviewed any more
    guide.write_text(guide.read_text("utf-8").replace("status: effective", "status: obsolete"),
                     encoding="utf-8")
    assert cli("check", "--strict", str(guide)).exit_code == 0


def test_release_needs_an_effective_approved_document_within_its_review_date(project, cli):
    guide = Path("content/cmo-cdmo-cro.yaml")
    text = guide.read_text(encoding="utf-8")
    line = text.splitlines().index("    effective: 2026-11-24") + 1
    # the default guide is effective and approved, but names no review date: a warning
    released = cli("check", "--release", str(guide))
    assert released.exit_code == 0
    assert released.stderr.splitlines() == [
        f"content/cmo-cdmo-cro.yaml:{line - 3}:5: warning: guide.document: no review_due: a "
        "controlled document names the date of its next periodic review (review_due: "
        "YYYY-MM-DD)"]
    guide.write_text(text.replace("    effective: 2026-11-24\n", "    effective: 2026-11-24\n"
                                  f"    review_due: {FUTURE}\n"), encoding="utf-8")
    assert cli("check", "--release", "--strict", str(guide)).stderr == ""
    guide.write_text(text.replace("    effective: 2026-11-24\n", "    effective: 2026-11-24\n"
                                  "    review_due: 2026-11-25\n")
                     .replace("status: effective", "status: draft"), encoding="utf-8")
    refused = cli("check", "--release", str(guide))
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        f"content/cmo-cdmo-cro.yaml:{line - 1}:13: error: guide.document.status: the status "
        "is 'draft' and every page prints a watermark; a released document is effective",
        f"content/cmo-cdmo-cro.yaml:{line + 1}:17: error: guide.document.review_due: the "
        "periodic review was due on 2026-11-25; review the document and set the next review "
        "date",
        "2 errors in 1 file"]
    guide.write_text(MINIMAL, encoding="utf-8")
    uncontrolled = cli("check", "--release", str(guide))
    assert uncontrolled.stderr.splitlines()[0] == (
        "content/cmo-cdmo-cro.yaml:2:3: error: guide: no document block: a released guide is "
        "a controlled document (document: number, version, status: effective, effective, "
        "approvals, review_due)")


@pytest.fixture
def packet_project(project: Path) -> Path:
    """Return the project with the example packet and its guides."""
    shutil.copytree(ROOT / "packets", project / "packets")
    return project


@pytest.mark.parametrize(("status", "said"), [
    ("draft", "a draft (content/cmo-cdmo-cro.yaml:{line}:13)"),
    ("in-review", "in review (content/cmo-cdmo-cro.yaml:{line}:13)"),
    ("obsolete", "obsolete (content/cmo-cdmo-cro.yaml:{line}:13)"),
])
def test_a_packet_refuses_a_guide_that_is_not_effective_unless_allowed(packet_project, cli,
                                                                      status, said):
    guide = Path("content/cmo-cdmo-cro.yaml")
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("status: effective", f"status: {status}"), encoding="utf-8")
    line = text.splitlines().index("    status: effective") + 1
    packet_line = Path("packets/new-starter.yaml").read_text("utf-8").splitlines().index(
        "  - cmo-cdmo-cro") + 1
    expected = (f"packets/new-starter.yaml:{packet_line}:5: error: guides[0]: cmo-cdmo-cro is "
                f"{said.format(line=line)}; a packet holds effective guides only "
                "(--allow-draft lets it hold this one, with its watermark)")
    for command in ("check", "build"):
        refused = cli(command, "packets/new-starter.yaml", *(("-f", "html") if command ==
                                                              "build" else ()))
        assert refused.exit_code == 1
        assert refused.stderr.splitlines() == [expected, "1 error in 1 file"]
    assert not Path("output").exists()
    assert cli("check", "--allow-draft", "packets/new-starter.yaml").exit_code == 0
    # --release holds a packet's guides to it, --allow-draft or not
    assert expected in cli("check", "--release", "--allow-draft",
                           "packets/new-starter.yaml").stderr


def test_a_packet_refuses_an_uncontrolled_guide_and_an_up_to_date_one_too(packet_project,
                                                                         cli):
    built = cli("build", "-f", "html", "packets/new-starter.yaml")
    assert built.exit_code == 0, built.output
    shutil.copy(DATA / "minimal.yaml", "packets/guides/")
    packet = Path("packets/new-starter.yaml")
    packet.write_text(packet.read_text("utf-8").replace(
        "  - cmo-cdmo-cro\n", "  - cmo-cdmo-cro\n  - guides/minimal.yaml\n"), "utf-8")
    refused = cli("check", "packets/new-starter.yaml")
    assert "guides[1]: guides/minimal.yaml is not a controlled document (it has no document " \
        "block)" in refused.stderr
    allowed = cli("build", "-f", "html", "--allow-draft", "packets/new-starter.yaml")
    assert allowed.exit_code == 0, allowed.output
    # built with --allow-draft, the packet is not "up to date" for a build without it
    again = cli("build", "-f", "html", "packets/new-starter.yaml")
    assert again.exit_code == 1
    assert "guides/minimal.yaml is not a controlled document" in again.stderr


def test_the_shipped_guides_and_packet_pass_the_rules():
    with collect_warnings() as warnings:
        for path in [*sorted((ROOT / "content").glob("*.yaml")),
                     *sorted((ROOT / "packets" / "guides").glob("*.yaml"))]:
            assert load(path).guide.document.status == "effective", path
    assert list(warnings) == []


def test_the_default_guide_gains_its_first_release_and_its_approver_and_nothing_else(
        a4, a4_libreoffice):
    import docx

    from .readers import normalize, pdf_text

    # the user's content: the approver the guide named (approver: Head of Learning &
    # Development) on its effective date, and a 1.0 "Initial release" entry; no name,
    # meaning, author, change control, review date or superseded document made up
    document = load(DEFAULT_GUIDE).guide.document
    effective = datetime.date(2026, 11, 24)
    assert (document.number, document.version, document.status, document.effective) == (
        "TRN-GD-001", "1.0", "effective", effective)
    assert [(a.role, a.name, a.date, a.meaning) for a in document.approvals] == [
        ("Head of Learning & Development", None, effective, None)]
    assert [(h.version, h.date, h.change, h.author, h.change_control, h.approver)
            for h in document.history] == [("1.0", effective, "Initial release", None, None,
                                            None)]
    assert document.supersedes is None and document.review_due is None
    # printed so in the DOCX's tables, and on the PDF's and LibreOffice's pages
    word = docx.Document(str(a4.path("cmo-cdmo-cro", "docx")))
    rows = {table.style.name: [[cell.text for cell in row.cells] for row in table.rows[1:]]
            for table in word.tables if table.style.name in ("Approvals Table", "History Table")}
    assert rows == {
        "Approvals Table": [["Head of Learning & Development", "—", "November 24, 2026",
                             "—"]],
        "History Table": [["1.0", "November 24, 2026", "—", "Initial release", "—", "—"]]}
    for pdf in (a4.path("cmo-cdmo-cro", "pdf"), a4_libreoffice["cmo-cdmo-cro"]):
        text = normalize(pdf_text(pdf))
        assert ("Approvals Role Name Date Meaning Head of Learning & Development — "
                "November 24, 2026 —") in text, pdf
        assert "1.0 November 24, 2026 — Initial release — —" in text, pdf
        # each table's date whole on its row's line (the history's column was too narrow
        # for it: "November 24," over "2026")
        lines = pdf_text(pdf, "-layout").splitlines()
        assert any(re.match(r"\s*1\.0\s+November 24, 2026\s+—\s+Initial release", line)
                   for line in lines), pdf
        assert any(re.search(r"\s—\s+November 24, 2026\s+—$", line) for line in lines), pdf
