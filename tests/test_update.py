"""``guidegen import --update``: a reviewed DOCX that guidegen built, back into its guide.

The DOCX files are the ones the test run builds once (``a4``), copied and edited the way
reviewers edit them: with python-docx (typing inside a paragraph, as Word does), with
tracked changes and comments written as WordprocessingML, and opened and saved by
LibreOffice. The guide files are copies in a project folder; each test compares their
text before and after.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml

from guidegen.content.loader import load

from .conftest import DATA, DEFAULT_GUIDE, TRANSLATIONS
from .readers import libreoffice_pdfs

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
WHEN = "2026-04-02T10:00:00Z"
COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"


# -- editing a DOCX as reviewers do ------------------------------------------------------------

def paragraphs(document):
    """Return every paragraph of ``document``, those in table cells too."""
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def find(document, text: str):
    """Return the one paragraph whose text holds ``text``."""
    found = [p for p in paragraphs(document) if text in p.text]
    assert len(found) == 1, (text, [p.text for p in found])
    return found[0]


def retype(document, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` inside the run holding it, as typing in Word does."""
    run = next(r for r in find(document, old).runs if old in r.text)
    run.text = run.text.replace(old, new)


def comment(document, paragraph, text: str, author: str) -> None:
    """Anchor a comment by ``author`` to the whole of ``paragraph`` (a comments part)."""
    paragraph._p.insert(1, parse_xml(f'<w:commentRangeStart {W} w:id="7"/>'))
    paragraph._p.append(parse_xml(f'<w:commentRangeEnd {W} w:id="7"/>'))
    paragraph._p.append(parse_xml(f'<w:r {W}><w:commentReference w:id="7"/></w:r>'))
    xml = (f'<w:comments {W}><w:comment w:id="7" w:author="{author}" w:date="{WHEN}"><w:p>'
           f'<w:r><w:t>{text}</w:t></w:r></w:p></w:comment></w:comments>')
    part = Part(PackURI("/word/comments.xml"), COMMENTS, xml.encode(), document.part.package)
    document.part.relate_to(part, RT.COMMENTS)


def copied(project: Path, source: Path) -> Path:
    """Copy the guide ``source`` into the project's content folder; return the copy."""
    (project / "content").mkdir(exist_ok=True)
    return Path(shutil.copy(source, project / "content" / source.name))


@pytest.fixture
def forty(a4, project) -> tuple[Path, docx.Document]:
    """Return the 40-row fixture copied into the project, and its built DOCX to edit."""
    return copied(project, DATA / "forty-checks.yaml"), docx.Document(
        a4.path("forty-checks", "docx"))


# -- round trip and edits ------------------------------------------------------------------------

EDITS = {  # in the 40-row fixture: a paragraph, a list item, a matrix's note
    "intro": ("is a team effort", "is teamwork"),
    "subjects[0].responsibilities[1]": ("Classifies findings", "Grades findings"),
    "comparisons[0].rows[1].note": ("Clause 7 in the template", "Clause 8 of the template"),
}


@pytest.mark.parametrize("saved_by", ["python-docx", "libreoffice"])
def test_edits_go_back_into_exactly_their_values(forty, project, cli, saved_by):
    guide, document = forty
    before = guide.read_text(encoding="utf-8")
    for old, new in EDITS.values():
        retype(document, old, new)
    reviewed = project / "edited" / "reviewed.docx"
    reviewed.parent.mkdir()
    document.save(reviewed)
    if saved_by == "libreoffice":  # opened and saved again in LibreOffice Writer
        reviewed = libreoffice_pdfs([reviewed], project, project / "profile", to="docx")[
            reviewed]
    dry = cli("import", "--update", str(guide), str(reviewed), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "-  A supplier audit is a team effort." in dry.stdout
    assert "+  A supplier audit is teamwork." in dry.stdout
    assert "3 edits (--dry-run: nothing written)" in dry.stdout
    assert guide.read_text(encoding="utf-8") == before
    done = cli("import", "--update", str(guide), str(reviewed))
    assert done.exit_code == 0, done.stderr
    assert f"updated content/forty-checks.yaml  (3 edits from {reviewed.relative_to(project)})" \
        in done.stdout
    expected = before
    for old, new in EDITS.values():
        assert expected.count(old) == 1
        expected = expected.replace(old, new)
    assert guide.read_text(encoding="utf-8") == expected  # comments, quotes, lines: all kept
    assert done.stderr == ""


def test_an_unedited_docx_changes_nothing(forty, cli):
    guide, document = forty
    before = guide.read_bytes()
    saved = guide.parent / "same.docx"
    document.save(saved)
    result = cli("import", "--update", str(guide), str(saved))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "content/forty-checks.yaml: unchanged (no edits in content/same.docx)\n"
    assert guide.read_bytes() == before


# -- tracked changes, comments, revisions -------------------------------------------------------

@pytest.fixture
def default(a4, project) -> tuple[Path, docx.Document]:
    """Return the default guide in the project, and its built DOCX to edit."""
    return project / "content" / DEFAULT_GUIDE.name, docx.Document(
        a4.path("cmo-cdmo-cro", "docx"))


def test_tracked_changes_are_refused_each_located_then_accepted_or_rejected(default, project,
                                                                            cli):
    guide, document = default
    before = guide.read_text(encoding="utf-8")
    summary = find(document, "The CMO is responsible for overseeing")
    tracked_in(summary, "responsible", "accountable", "Anna Lee", 901)
    tracked_in(find(document, "Overseeing clinical trials"), "Overseeing", "Running",
               "Ben Ode", 903)
    comment(document, find(document, "The CDMO is responsible"), "Is this the right title?",
            "Cem Ay")
    document.save(project / "reviewed.docx")

    refused = cli("import", "--update", str(guide), "reviewed.docx")
    assert refused.exit_code == 1
    lines = refused.stderr.splitlines()
    located = r'reviewed\.docx: paragraph \d+ "{}…": error: {}: {} by {} on 2026-04-02: "{}"'
    for start, key, what, who, text in [
            ("The CMO is accountable for ov", "subjects[0].summary", "a deletion", "Anna Lee",
             "responsible"),
            ("The CMO is accountable for ov", "subjects[0].summary", "an insertion",
             "Anna Lee", "accountable"),
            ("Running clinical trials and e", "subjects[0].responsibilities[1]", "a deletion",
             "Ben Ode", "Overseeing"),
            ("Running clinical trials and e", "subjects[0].responsibilities[1]",
             "an insertion", "Ben Ode", "Running")]:
        pattern = located.format(start, re.escape(key), what, who, text)
        assert any(re.fullmatch(pattern, line) for line in lines), (pattern, lines)
    assert "4 errors in 1 file; accept or reject them (in Word, or here with " \
        "--accept-changes or --reject-changes)" in refused.stderr
    assert guide.read_text(encoding="utf-8") == before

    rejected = cli("import", "--update", str(guide), "reviewed.docx", "--reject-changes")
    assert rejected.exit_code == 0, rejected.stderr
    assert "unchanged" in rejected.stdout
    assert guide.read_text(encoding="utf-8") == before
    the_comment = re.compile(r'reviewed\.docx: paragraph \d+ "The CDMO is responsible for m…": '
                             r'warning: subjects\[1\]\.summary: a comment by Cem Ay on '
                             r'2026-04-02: "Is this the right title\?"')
    assert the_comment.search(rejected.stderr)

    accepted = cli("import", "--update", str(guide), "reviewed.docx", "--accept-changes")
    assert accepted.exit_code == 0, accepted.stderr
    assert the_comment.search(accepted.stderr)
    assert guide.read_text(encoding="utf-8") == before.replace(
        "The CMO is responsible", "The CMO is accountable").replace(
        "- Overseeing clinical trials", "- Running clinical trials")


def tracked_in(paragraph, old: str, new: str, author: str, ident: int) -> None:
    """Replace ``old`` by ``new`` in ``paragraph`` with Track Changes on (w:del, w:ins)."""
    run = next(r for r in paragraph.runs if old in r.text)
    before, after = run.text.split(old, 1)
    tail = copy.deepcopy(run._r)  # its formatting, with its text (pieces between optional
    for child in list(tail):      # hyphens, w:softHyphen) as one piece
        if child.tag != docx.oxml.ns.qn("w:rPr"):
            tail.remove(child)
    tail.append(parse_xml(f'<w:t {W} xml:space="preserve">{after}</w:t>'))
    run.text = before
    deleted = parse_xml(f'<w:del {W} w:id="{ident}" w:author="{author}" w:date="{WHEN}"><w:r>'
                        f'<w:delText xml:space="preserve">{old}</w:delText></w:r></w:del>')
    inserted = parse_xml(f'<w:ins {W} w:id="{ident + 1}" w:author="{author}" w:date="{WHEN}">'
                         f'<w:r><w:t xml:space="preserve">{new}</w:t></w:r></w:ins>')
    run._r.addnext(deleted)
    deleted.addnext(inserted)
    inserted.addnext(tail)


def test_a_docx_of_an_older_revision_is_refused_unless_forced(default, project, cli):
    import hashlib

    guide, document = default
    built = "sha256:" + hashlib.sha256(guide.read_bytes()).hexdigest()
    later = guide.read_text(encoding="utf-8") + "# a line the author added after the build\n"
    guide.write_text(later, encoding="utf-8")
    now = "sha256:" + hashlib.sha256(guide.read_bytes()).hexdigest()
    retype(document, "The CMO is responsible", "The CMO is accountable")
    document.save(project / "reviewed.docx")
    refused = cli("import", "--update", str(guide), "reviewed.docx")
    assert refused.exit_code == 1
    assert (f"reviewed.docx: error: built from revision {built[:19]}… of "
            f"content/cmo-cdmo-cro.yaml, which is now at revision {now[:19]}…") in refused.stderr
    assert guide.read_text(encoding="utf-8") == later
    forced = cli("import", "--update", str(guide), "reviewed.docx", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert guide.read_text(encoding="utf-8") == later.replace("The CMO is responsible",
                                                              "The CMO is accountable")


def test_a_docx_guidegen_did_not_build_is_refused(project, cli):
    foreign = docx.Document()
    foreign.add_paragraph("A guide written by hand.")
    foreign.save(project / "foreign.docx")
    result = cli("import", "--update", "content/cmo-cdmo-cro.yaml", "foreign.docx")
    assert result.exit_code == 1
    assert "foreign.docx: error: not built by guidegen from a guide (it records no source " \
        "revision); import it as a new guide with `guidegen import`" in result.stderr
    for wrong in (["--sheet", "A"], ["-o", "x.yaml"]):
        misuse = cli("import", "--update", "content/cmo-cdmo-cro.yaml", "foreign.docx", *wrong)
        assert misuse.exit_code == 2
    both = cli("import", "--update", "content/cmo-cdmo-cro.yaml", "foreign.docx",
               "--accept-changes", "--reject-changes")
    assert both.exit_code == 2
    alone = cli("import", "foreign.docx", "--dry-run")
    assert alone.exit_code == 2
    assert "go with --update" in alone.stderr


# -- changes of structure ---------------------------------------------------------------------

def new_list_item(after, text: str):
    """Add a list item after the list paragraph ``after``, as pressing Enter at its end does."""
    made = copy.deepcopy(after._p)
    for child in list(made):
        if child.tag != docx.oxml.ns.qn("w:pPr"):
            made.remove(child)  # its runs, and its bookmarks (Word leaves them behind)
    after._p.addnext(made)
    paragraph = docx.text.paragraph.Paragraph(made, after._parent)
    paragraph.add_run(text)
    return paragraph


def matrix_cell(document, criterion: str, column: int):
    """Return the cell of the default guide's matrix in ``criterion``'s row, ``column``."""
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Role")
    row = next(r for r in table.rows if r.cells[0].text == criterion)
    return row.cells[column]


def test_lists_and_matrix_rows_marks_and_notes_change_where_clear(default, project, cli):
    guide, document = default
    before = guide.read_text(encoding="utf-8")
    new_list_item(find(document, "Overseeing clinical trials"),
                  "Chairs the **safety** board.")  # Markdown typed in Word stays text
    last = find(document, "Ensuring data privacy and security compliance")
    last._p.getparent().remove(last._p)  # the CDMO's last responsibility deleted
    mark = matrix_cell(document, "Medical and clinical oversight", 2).paragraphs[0]
    for run in mark.runs:
        run.text = ""
    mark.runs[0].text = "✓ Yes"  # the CDMO's mark: no → yes
    matrix_cell(document, "Regulatory compliance", 3).add_paragraph("for submissions only")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Role")
    row = table.add_row()
    for cell, text in zip(row.cells, ["Signs the batch record", "— No", "No", "◐ Partial"],
                          strict=True):
        cell.paragraphs[0].add_run(text)
    document.save(project / "reviewed.docx")

    result = cli("import", "--update", str(guide), "reviewed.docx")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    after = guide.read_text(encoding="utf-8")
    assert after == before.replace(
        "      - Overseeing clinical trials and ensuring compliance with regulatory standards.\n",
        "      - Overseeing clinical trials and ensuring compliance with regulatory standards.\n"
        "      - Chairs the \\*\\*safety\\*\\* board.\n").replace(
        "      - Ensuring data privacy and security compliance.\n", "").replace(
        "        values: {cmo: yes, cdmo: no, cro: no}",
        "        values: {cmo: yes, cdmo: yes, cro: no}").replace(
        "        values: {cmo: no, cdmo: no, cro: yes}\n",
        "        values: {cmo: no, cdmo: no, cro: {value: yes, note: for submissions only}}\n"
        "      - criterion: Signs the batch record\n"
        "        values: {cmo: no, cdmo: no, cro: partial}\n")
    updated = load(guide)
    assert updated.subjects[0].responsibilities[2][0].text == "Chairs the **safety** board."
    assert len(updated.comparisons[0].rows) == 4


# -- every guide, translations, validation ------------------------------------------------------

EVERY_GUIDE = [DEFAULT_GUIDE, *TRANSLATIONS,
               *sorted(p for p in DATA.glob("*.yaml") if p.stem != "five-mistakes")]


@pytest.mark.parametrize("source", EVERY_GUIDE, ids=lambda p: p.stem)
def test_every_guide_comes_back_byte_identical_from_its_unedited_docx(project, source,
                                                                    docx_alone):
    """Every fixture and shipped guide: DOCX built, ``--update`` from it changes no byte.

    The DOCX is the one rendered alone from the guide (the same bytes from its copy here).
    """
    from guidegen.errors import collect_warnings
    from guidegen.readers.update import update_guide

    guide = copied(project, source)
    if source in TRANSLATIONS:
        shutil.copy(DEFAULT_GUIDE, project / "content")
    before = guide.read_bytes()
    built = docx_alone(source)
    with collect_warnings() as warnings:
        updated = update_guide(guide, built, root=project)
    assert (updated.diff, updated.edits, updated.written) == ("", 0, False)
    assert [str(w) for w in warnings] == []
    assert guide.read_bytes() == before


@pytest.fixture
def german(project, docx_alone) -> tuple[Path, docx.Document]:
    """Return the German translation (confirmed) in the project, and its DOCX to edit.

    The DOCX is the session's (``docx_alone``: the same bytes as built in the project).
    """
    for path in TRANSLATIONS:
        shutil.copy(path, project / "content")
    shutil.copytree(TRANSLATIONS[0].parent / "confirmed", project / "content" / "confirmed")
    return project / "content" / TRANSLATIONS[0].name, docx.Document(
        docx_alone(TRANSLATIONS[0]))


def test_a_translation_updates_the_same_way_and_needs_confirming_again(german, project, cli):
    guide, document = german
    before = guide.read_text(encoding="utf-8")
    listed = cli("translations")
    assert "content/cmo-cdmo-cro.de.yaml  de  of content/cmo-cdmo-cro.yaml  current" \
        in listed.stdout
    assert before.count("Der CMO verantwortet") == 1
    retype(document, "Der CMO verantwortet", "Der CMO steuert")
    document.save(project / "geprueft.docx")
    result = cli("import", "--update", str(guide), "geprueft.docx")
    assert result.exit_code == 0, result.stderr
    assert "content/cmo-cdmo-cro.de.yaml: not confirmed any more; once reviewed: guidegen " \
        "translations --confirm content/cmo-cdmo-cro.de.yaml" in result.stdout
    after = guide.read_text(encoding="utf-8")
    assert after.replace("Der CMO steuert", "Der CMO verantwortet").replace(
        "translation_of: cmo-cdmo-cro.yaml  # updated from geprueft.docx by `guidegen import "
        "--update`: confirm it again (`guidegen translations --confirm`)\n",
        "translation_of:  # confirmed: written by `guidegen translations --confirm`\n"
        "  source: cmo-cdmo-cro.yaml\n"
        "  confirmed: sha256:4a8f4a8ce01d270b5687fd046c258224e1ddfafec2b18c5896fec3b8dc12ba06\n"
    ) == before  # the one edit, and the confirmation withdrawn
    listed = cli("translations")
    assert re.search(r"content/cmo-cdmo-cro\.de\.yaml  de  of content/cmo-cdmo-cro\.yaml  "
                     r"not confirmed", listed.stdout), listed.stdout
    confirmed = cli("translations", "--confirm", "content/cmo-cdmo-cro.de.yaml")
    assert confirmed.exit_code == 0, confirmed.stderr
    assert "current" in cli("translations").stdout.splitlines()[0]


def test_an_update_that_check_would_refuse_writes_nothing(german, project, cli):
    guide, document = german
    before = guide.read_text(encoding="utf-8")
    retype(document, "Der CMO verantwortet", "Der CMO steuert")
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Rolle")
    row = table.add_row()  # a row the English source does not have
    for cell, text in zip(row.cells, ["Gibt die Charge frei", "Nein", "Nein", "Ja"], strict=True):
        cell.paragraphs[0].add_run(text)
    document.save(project / "geprueft.docx")
    for dry in ([], ["--dry-run"]):
        result = cli("import", "--update", str(guide), "geprueft.docx", *dry)
        assert result.exit_code == 1
        assert re.search(r"content/cmo-cdmo-cro\.de\.yaml:\d+:\d+: error: comparisons\[0\]"
                         r"\.rows\[3\]: row 4 is not in the source", result.stderr), result.stderr
        assert "1 error in 1 file (the lines of content/cmo-cdmo-cro.de.yaml as the edits " \
            "from geprueft.docx would write it; nothing written)" in result.stderr
        assert result.stdout == ""
        assert guide.read_text(encoding="utf-8") == before


def typed_after(after, like, text: str):
    """Add a paragraph styled like ``like`` after ``after``: typed by a reviewer (no keys)."""
    made = copy.deepcopy(like._p)
    for child in list(made):
        if child.tag != docx.oxml.ns.qn("w:pPr"):
            made.remove(child)
    after._p.addnext(made)
    paragraph = docx.text.paragraph.Paragraph(made, after._parent)
    paragraph.add_run(text)
    return paragraph


def test_a_closing_section_deleted_and_one_added(a4, project, cli):
    guide = copied(project, DATA / "five-subjects.yaml")
    document = docx.Document(a4.path("five-subjects", "docx"))
    before = guide.read_text(encoding="utf-8")
    heading, body = find(document, "Conclusion"), find(document, "Five systems, one trial.")
    last = find(document, "TMF Reference Model")
    title = typed_after(last, heading, "Next steps")
    typed_after(title, body, "Ask the system owner for an account.")
    for paragraph in (heading, body):  # the first section, deleted
        paragraph._p.getparent().remove(paragraph._p)
    document.save(project / "reviewed.docx")

    result = cli("import", "--update", str(guide), "reviewed.docx")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    after = guide.read_text(encoding="utf-8")
    first = before.index("  - title: Conclusion\n")
    second = before.index("  - title: Further reading\n")
    assert after == before[:first] + before[second:] + (
        "  - title: Next steps\n    body: Ask the system owner for an account.\n")
    assert [s.title for s in load(guide).sections] == ["Further reading", "Next steps"]
