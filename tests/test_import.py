"""``guidegen import``: Word documents written by hand, and an Excel matrix, into guides.

Each document is written as a team would write it (python-docx, with raw
WordprocessingML for what it has no API for: a text box, a footnote, a field, a tracked
change); each imports to a guide that checks and builds, and what the guide could not
take over is a warning at its paragraph.
"""

from __future__ import annotations

import re

import docx
import openpyxl
import pytest
import yaml

import guidegen
from guidegen.content.loader import load

from . import wordfiles as word

# -- three Word guides written by hand --------------------------------------------------------


def qa_vs_qc(path):
    """An English guide: Title, headings, bullets, a Yes/No/Partial table, a footnote, a picture."""
    document = word.new_document(title="QA vs QC", author="Dana Reyes", language="en-US")
    document.core_properties.keywords = "QA, QC, GMP"
    document.add_heading("QA vs QC: Who Does What", 0)
    document.add_paragraph("A one-page overview for new laboratory staff", style="Subtitle")
    intro = document.add_paragraph("New starters often mix up ")
    intro.add_run("Quality Assurance").bold = True
    intro.add_run(" and ")
    intro.add_run("Quality Control").italic = True
    intro.add_run(". The ")
    word.hyperlink(intro, "https://www.ema.europa.eu/en/human-regulatory", "EMA's GMP pages")
    intro.add_run(" explain both.")
    document.add_heading("Quality Assurance (QA)", 1)
    document.add_paragraph("QA owns the quality system: the SOPs, the training and the "
                           "release of every batch.")
    document.add_paragraph("Key responsibilities:")
    for item in ("Approves SOPs and specifications", "Runs the deviation and CAPA process",
                 "Releases batches"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Typical background", 2)
    for item in ("Pharmacy", "Chemistry or biology"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Quality Control (QC)", 1)
    summary = document.add_paragraph("QC tests raw materials, in-process samples and "
                                     "finished product")
    word.footnote(document, summary, "Stability testing is QC's too.")
    summary.add_run(".")
    document.add_paragraph("Key responsibilities:")
    for item in ("Tests samples against specifications", "Keeps the laboratory qualified"):
        document.add_paragraph(item, style="List Bullet")
    word.picture(document.add_paragraph())
    document.add_heading("Comparison", 1)
    document.add_paragraph("The table shows who does what.")
    document.add_heading("Responsibilities", 2)
    word.table(document, [["Task", "QA", "QC"], ["Approves SOPs", "Yes", "No"],
                          ["Tests samples", "No", "Yes"],
                          ["Reviews batch records", "Partial", "Yes"]])
    document.add_heading("Where you find them", 2)
    document.add_paragraph("QA: Head office and every site.", style="List Bullet")
    document.add_paragraph("QC: The laboratory.", style="List Bullet")
    document.add_paragraph()  # an empty line after the list, as people leave one
    document.add_heading("Conclusion", 1)
    document.add_paragraph("When in doubt:")
    document.add_paragraph("ask your supervisor,", style="List Number")
    document.add_paragraph("then ask QA.", style="List Number")
    return word.save(document, path)


def lieferanten(path):
    """A German guide: no Title paragraph, Ja/Nein/Teilweise with notes, a text box."""
    document = word.new_document(title="Lieferantenqualifizierung: Einkauf, QS und Logistik",
                                 author="Qualitätssicherung; Einkauf", language="de-DE")
    document.add_paragraph("Drei Abteilungen qualifizieren gemeinsam unsere Lieferanten. "
                           "Diese Übersicht zeigt, wer was tut.")
    document.add_heading("Einkauf", 1)
    document.add_paragraph("Der Einkauf wählt Lieferanten aus und verhandelt die Verträge.")
    document.add_heading("Qualitätssicherung (QS)", 1)
    document.add_paragraph("Die QS auditiert Lieferanten und gibt sie frei.")
    document.add_heading("Logistik", 1)
    box = document.add_paragraph("Die Logistik nimmt Ware an und prüft die Lieferpapiere.")
    word.text_box(box, "Tipp: Wareneingang immer mit Lieferschein.")
    document.add_heading("Vergleich", 1)
    document.add_heading("Zuständigkeiten", 2)
    word.table(document, [
        ["Aufgabe", "Einkauf", "QS", "Logistik", "Bemerkungen"],
        ["Lieferant auswählen", "Ja", "Teilweise", "Nein", ""],
        ["Audit durchführen", "Nein", "Ja", "Nein", "Alle drei Jahre"],
        ["Wareneingang prüfen", "Nein", "Teilweise", "Ja", "Stichproben durch QS"]])
    document.add_heading("Ansprechpartner", 2)
    word.table(document, [["Einkauf", "Strategischer Einkauf"],
                          ["QS", "Lieferantenqualifizierung"], ["Logistik", "Wareneingang"]])
    document.add_heading("Fazit", 1)
    document.add_paragraph("Keine Abteilung qualifiziert einen Lieferanten allein.")
    return word.save(document, path)


def clinical_systems(path):
    """A looser guide: one Heading 1 over Heading 2 parts, symbols, merged cells, review marks."""
    document = word.new_document(author="Clinical Systems Team")
    document.add_heading("Clinical systems at a glance", 1)
    stamp = document.add_paragraph("Status as of ")
    word.field(stamp, 'DATE \\@ "d MMMM yyyy"', "9 March 2026")
    stamp.add_run(".")
    for short, name, text in (("EDC", "Electronic Data Capture", "Where sites enter data."),
                              ("CTMS", "Clinical Trial Management System",
                               "Where the study is run."),
                              ("eTMF", "electronic Trial Master File",
                               "Where documents are kept.")):
        document.add_heading(f"{short} – {name}", 2)
        paragraph = document.add_paragraph(text)
        if short == "CTMS":
            word.tracked(paragraph, " Sites and visits too.", " And invoices.", "Anna Lee")
        if short == "EDC":
            document.add_comment(paragraph.runs[0], text="Name the vendor?", author="Ben Ode",
                                 initials="BO")
    document.add_heading("Capabilities compared", 2)
    capabilities = word.table(document, [["Capability", "EDC", "CTMS", "eTMF"],
                                         ["Captures CRF data", "✓", "✗", "✗"],
                                         ["Tracks site visits", "◐", "", "✗"],
                                         ["Stores documents", "✗", "◐", ""]])
    word.wingdings_check(capabilities.cell(2, 2))
    word.wingdings_check(capabilities.cell(3, 3))
    document.add_heading("Vendors", 3)
    vendors = word.table(document, [["Vendors", "", ""], ["Medidata", "Veeva", "Oracle"]])
    vendors.cell(0, 0).merge(vendors.cell(0, 2))
    document.add_heading("Summary", 2)
    document.add_paragraph("Three systems, one study.")
    return word.save(document, path)


def _import(cli, source, *args):
    result = cli("import", str(source), *args)
    assert result.exit_code == 0, result.output
    return result


def _warnings(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


def _built(project, guide) -> None:
    """Check and build ``guide`` in ``project``: PDF and DOCX, in this process."""
    assert load(guide) is not None
    outputs = guidegen.build([str(guide)], guidegen.BuildOptions(
        out=project / "output", formats=("pdf", "docx"), jobs=1, force=True))
    assert {o.format for o in outputs} == {"pdf", "docx"}


def test_an_english_guide_written_by_hand_imports_and_builds(project, cli):
    source = qa_vs_qc(project / "qa-vs-qc.docx")
    result = _import(cli, source)
    assert result.stdout.splitlines()[0] == ("wrote content/qa-vs-qc.yaml  (2 subjects, "
                                             "2 comparisons)")
    guide = project / "content" / "qa-vs-qc.yaml"
    data = yaml.safe_load(guide.read_text(encoding="utf-8"))
    assert data["guide"]["title"] == "QA vs QC: Who Does What"
    assert data["guide"]["subtitle"] == "A one-page overview for new laboratory staff"
    assert data["guide"]["authors"] == ["Dana Reyes"]
    assert data["guide"]["keywords"] == ["QA", "QC", "GMP"]
    assert data["guide"]["language"] == "en-US"
    assert data["intro"].strip() == (
        "New starters often mix up **Quality Assurance** and *Quality Control*. The [EMA's GMP "
        "pages](https://www.ema.europa.eu/en/human-regulatory) explain both.")
    qa, qc = data["subjects"]
    assert (qa["id"], qa["short"], qa["name"]) == ("qa", "QA", "Quality Assurance")
    assert qa["summary"].strip().endswith("Key responsibilities:")
    assert qa["responsibilities"] == ["Approves SOPs and specifications",
                                      "Runs the deviation and CAPA process", "Releases batches"]
    assert qa["groups"] == [{"title": "Typical background",
                             "items": ["Pharmacy", "Chemistry or biology"]}]
    assert qc["responsibilities"][-1] == "Keeps the laboratory qualified"
    matrix, where = data["comparisons"]
    assert data["comparisons_title"] == "Comparison"
    assert data["comparisons_intro"] == "The table shows who does what."
    assert (matrix["kind"], matrix["title"], matrix["corner"]) == ("matrix", "Responsibilities",
                                                                   "Task")
    assert [row["values"] for row in matrix["rows"]] == [
        {"qa": True, "qc": False}, {"qa": False, "qc": True}, {"qa": "partial", "qc": True}]
    assert where == {"kind": "per-subject", "title": "Where you find them",
                     "values": {"qa": "Head office and every site.", "qc": "The laboratory."}}
    assert data["sections"] == [{"title": "Conclusion",
                                 "body": "When in doubt:\n\n1. ask your supervisor,\n"
                                         "2. then ask QA.\n"}]
    warnings = _warnings(result)
    assert any(re.fullmatch(r'qa-vs-qc\.docx: paragraph \d+ "QC tests raw materials, in-pr…": '
                            r'warning: a footnote, left out \("Stability testing is QC\'s '
                            r'too\."\)', w) for w in warnings), warnings
    picture = project / "content" / "qa-vs-qc-images" / "image1.png"
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert any("a picture, saved as qa-vs-qc-images/image1.png" in w for w in warnings)
    assert re.search(r"\n    # picture qa-vs-qc-images/image1.png was here \(qa-vs-qc.docx, "
                     r"paragraph \d+\)\n    summary:", guide.read_text(encoding="utf-8"))
    assert len(warnings) == 2, warnings
    _built(project, guide)


def test_a_german_guide_with_ja_nein_and_a_text_box_imports_and_builds(project, cli):
    source = lieferanten(project / "lieferanten.docx")
    result = _import(cli, source, "-o", "content/lieferanten.de.yaml")
    guide = project / "content" / "lieferanten.de.yaml"
    data = yaml.safe_load(guide.read_text(encoding="utf-8"))
    assert data["guide"]["title"] == "Lieferantenqualifizierung: Einkauf, QS und Logistik"
    assert data["guide"]["language"] == "de-DE"
    assert data["guide"]["authors"] == ["Qualitätssicherung", "Einkauf"]
    assert [(s["id"], s["short"], s["name"]) for s in data["subjects"]] == [
        ("einkauf", "Einkauf", "Einkauf"), ("qs", "QS", "Qualitätssicherung"),
        ("logistik", "Logistik", "Logistik")]
    logistik = data["subjects"][2]["summary"]
    assert logistik.strip() == ("Die Logistik nimmt Ware an und prüft die Lieferpapiere.\n\n"
                                "Tipp: Wareneingang immer mit Lieferschein.")
    assert data["comparisons_title"] == "Vergleich"
    matrix, contacts = data["comparisons"]
    assert [row["criterion"] for row in matrix["rows"]] == [
        "Lieferant auswählen", "Audit durchführen", "Wareneingang prüfen"]
    assert matrix["rows"][0]["values"] == {"einkauf": True, "qs": "partial", "logistik": False}
    assert "note" not in matrix["rows"][0]
    assert matrix["rows"][2]["note"] == "Stichproben durch QS"
    assert contacts["values"] == {"einkauf": "Strategischer Einkauf",
                                  "qs": "Lieferantenqualifizierung", "logistik": "Wareneingang"}
    assert data["sections"][0]["title"] == "Fazit"
    warnings = _warnings(result)
    assert len(warnings) == 1, warnings
    assert re.fullmatch(r'lieferanten\.docx: paragraph \d+ "Die Logistik nimmt Ware an un…": '
                        r"warning: a text box, its text kept as paragraphs after this one "
                        r'\("Tipp: Wareneingang immer mit Lieferschein\."\)', warnings[0])
    _built(project, guide)


def test_a_loose_guide_with_merged_cells_symbols_and_review_marks_imports_and_builds(project,
                                                                                     cli):
    source = clinical_systems(project / "clinical-systems.docx")
    result = _import(cli, source)
    guide = project / "content" / "clinical-systems.yaml"
    data = yaml.safe_load(guide.read_text(encoding="utf-8"))
    assert data["guide"]["title"] == "Clinical systems at a glance"
    assert [(s["id"], s["short"], s["name"]) for s in data["subjects"]] == [
        ("edc", "EDC", "Electronic Data Capture"),
        ("ctms", "CTMS", "Clinical Trial Management System"),
        ("etmf", "eTMF", "electronic Trial Master File")]
    assert data["subjects"][1]["summary"].strip() == ("Where the study is run. Sites and "
                                                      "visits too.")
    assert data["intro"].strip() == "Status as of 9 March 2026."
    matrix = data["comparisons"][0]
    assert [row["values"] for row in matrix["rows"]] == [
        {"edc": True, "ctms": False, "etmf": False},
        {"edc": "partial", "ctms": True, "etmf": False},
        {"edc": False, "ctms": "partial", "etmf": True}]
    assert len(data["comparisons"]) == 1
    assert "Vendors" in data["comparisons_intro"] and "Medidata · Veeva · Oracle" in \
        data["comparisons_intro"]
    assert data["sections"] == [{"title": "Summary", "body": "Three systems, one study."}]
    warnings = "\n".join(_warnings(result))
    for expected in (
            r'paragraph \d+ "Status as of 9 March 2026\.": warning: a field \(DATE\), kept as '
            r"the text it showed",
            r'paragraph \d+ "Where sites enter data\.": warning: a comment by Ben Ode on '
            r'\d{4}-\d\d-\d\d: "Name the vendor\?"; comments are not imported',
            r'paragraph \d+ "Where the study is run\. Sites…": warning: tracked changes by Anna '
            r"Lee: read as if accepted",
            r'paragraph \d+ "Vendors": warning: a table with merged cells, kept as text',
            r'paragraph \d+ "Vendors": warning: the part \'Vendors\' compares nothing a guide '
            r"can hold"):
        assert re.search(r"clinical-systems\.docx: " + expected, warnings), (expected, warnings)
    _built(project, guide)


PANDOC_GUIDE = """\
---
title: "GMP vs GCP"
subtitle: Two rulebooks, two worlds
lang: en-GB
---

Both are *good practices*; they govern different work. See
[ICH](https://www.ich.org) for the texts.

# Good Manufacturing Practice (GMP)

GMP governs how medicines are **made**.

- Batch records
- Qualified Person release

# Good Clinical Practice (GCP)

GCP governs how trials are **run**.

- Informed consent
- Monitoring

# Compared

| Question | GMP | GCP |
|---|---|---|
| Applies to factories | Yes | No |
| Applies to trial sites | No | Yes |
| Inspected by the authority | ✓ Yes | ◐ Partial sponsor audits first |

## Who to ask

- GMP: the site's QA department.
- GCP: the sponsor's clinical QA.

# Further reading

1. EudraLex Volume 4
2. ICH E6(R3)
"""


def test_a_docx_written_by_pandoc_imports_and_builds(project, cli):
    import pypandoc

    (project / "gmp-gcp.md").write_text(PANDOC_GUIDE, encoding="utf-8")
    pypandoc.convert_file(str(project / "gmp-gcp.md"), "docx",
                          outputfile=str(project / "gmp-gcp.docx"))
    result = _import(cli, project / "gmp-gcp.docx")
    data = yaml.safe_load((project / "content" / "gmp-gcp.yaml").read_text(encoding="utf-8"))
    assert (data["guide"]["title"], data["guide"]["subtitle"]) == ("GMP vs GCP",
                                                                   "Two rulebooks, two worlds")
    assert data["intro"].strip() == ("Both are *good practices*; they govern different work. "
                                     "See [ICH](https://www.ich.org) for the texts.")
    assert [(s["id"], s["responsibilities"]) for s in data["subjects"]] == [
        ("gmp", ["Batch records", "Qualified Person release"]),
        ("gcp", ["Informed consent", "Monitoring"])]
    matrix, where = data["comparisons"]
    assert [row["values"] for row in matrix["rows"]] == [
        {"gmp": True, "gcp": False}, {"gmp": False, "gcp": True},
        {"gmp": True, "gcp": {"value": "partial", "note": "sponsor audits first"}}]
    assert (matrix["title"], where["title"]) == ("Compared", "Who to ask")
    assert where["values"] == {"gmp": "the site’s QA department.",  # pandoc's apostrophes
                               "gcp": "the sponsor’s clinical QA."}
    assert data["sections"] == [{"title": "Further reading",
                                 "body": "1. EudraLex Volume 4\n2. ICH E6(R3)\n"}]
    assert _warnings(result) == []
    _built(project, project / "content" / "gmp-gcp.yaml")


def test_an_excel_matrix_imports_as_a_skeleton_that_builds(project, cli):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Supplier checks"
    sheet.append(["Supplier qualification matrix"])
    sheet.append([])
    sheet.append(["Check", "QA", "QC", "Production", "Notes"])
    sheet.append(["Approves suppliers", "Yes", "No", "No", "Per SOP-QA-012"])
    sheet.append(["Audits on site", "✓", "✗", "◐", None])
    sheet.append(["Tests incoming *material*", "No", "Yes", "Partial (sampling only)", ""])
    sheet.append(["Signs the CoA", True, False, None, ""])
    sheet.append(["Keeps the <retained> samples", "[QA]", "Yes", "Nope", None])
    book.save(project / "matrix.xlsx")
    result = _import(cli, project / "matrix.xlsx", "--header-row", "3")
    data = yaml.safe_load((project / "content" / "matrix.yaml").read_text(encoding="utf-8"))
    assert data["guide"] == {"title": "Supplier qualification matrix", "language": "en"}
    assert [s["id"] for s in data["subjects"]] == ["qa", "qc", "production"]
    matrix = data["comparisons"][0]
    assert (matrix["title"], matrix["corner"]) == ("Supplier checks", "Check")
    assert matrix["rows"][0] == {"criterion": "Approves suppliers", "note": "Per SOP-QA-012",
                                 "values": {"qa": True, "qc": False, "production": False}}
    assert matrix["rows"][2]["values"]["production"] == {"value": "partial",
                                                         "note": "sampling only"}
    assert matrix["rows"][3]["values"] == {"qa": True, "qc": False, "production": "–"}
    guide = load(project / "content" / "matrix.yaml")
    cell = guide.comparisons[0].rows[4].values["qa"]
    assert cell.text[0].text == "[QA]"  # literal text, not a link
    nope = guide.comparisons[0].rows[4].values["production"]  # text, not a misspelt "No"
    assert (nope.mark, nope.text[0].text) == (None, "Nope")
    assert guide.comparisons[0].rows[2].criterion == "Tests incoming *material*"
    assert _warnings(result) == ["matrix.xlsx:Supplier checks!D7: warning: an empty matrix "
                                 "cell, written as '–'"]
    _built(project, project / "content" / "matrix.yaml")


def test_a_document_that_is_only_a_table_takes_its_subjects_from_the_header_row(project, cli):
    document = word.new_document(language="de")
    document.add_heading("Reinraumklassen im Überblick", 0)
    document.add_paragraph("Welche Tätigkeit in welcher Reinraumklasse erlaubt ist.")
    document.add_paragraph("Erlaubte Tätigkeiten")
    word.table(document, [["Tätigkeit", "Klasse A", "Klasse B", "Klasse C"],
                          ["Aseptische Abfüllung", "Ja", "Nein", "Nein"],
                          ["Umkleiden", "Nein", "Teilweise", "Ja"]])
    document.add_paragraph("Stand: Annex 1 (2022).")
    word.save(document, project / "reinraum.docx")
    result = _import(cli, project / "reinraum.docx")
    data = yaml.safe_load((project / "content" / "reinraum.yaml").read_text(encoding="utf-8"))
    assert [(s["id"], s["short"]) for s in data["subjects"]] == [
        ("klasse-a", "Klasse A"), ("klasse-b", "Klasse B"), ("klasse-c", "Klasse C")]
    matrix = data["comparisons"][0]
    assert (matrix["title"], matrix["corner"]) == ("Erlaubte Tätigkeiten", "Tätigkeit")
    assert matrix["intro"] == "Stand: Annex 1 (2022)."
    assert matrix["rows"][1]["values"] == {"klasse-a": False, "klasse-b": "partial",
                                           "klasse-c": True}
    assert data["intro"] == "Welche Tätigkeit in welcher Reinraumklasse erlaubt ist."
    warnings = _warnings(result)
    assert "reinraum.docx: warning: Klasse A, Klasse B, Klasse C: each heads a column of a " \
        "comparison but has no part of its own; the summary says what to write" in warnings
    assert any(re.fullmatch(r'reinraum\.docx: paragraph \d+ "Stand: Annex 1 \(2022\)\.": '
                            r"warning: text after a comparison's table, moved to its intro "
                            r"\(before the table\)", w) for w in warnings), warnings
    _built(project, project / "content" / "reinraum.yaml")


def test_the_sheet_and_header_row_are_chosen_and_bad_choices_say_so(project, cli):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Just a note"])
    other = book.create_sheet("Matrix")
    other.append(["", "Alpha", "Beta"])
    other.append(["Fast", "Ja", "Nein"])
    book.save(project / "m.xlsx")
    assert cli("import", "m.xlsx", "--sheet", "matrix").exit_code == 0
    data = yaml.safe_load((project / "content" / "m.yaml").read_text(encoding="utf-8"))
    assert data["guide"]["language"] == "de"
    assert data["comparisons"][0]["rows"] == [{"criterion": "Fast",
                                               "values": {"alpha": True, "beta": False}}]
    missing = cli("import", "m.xlsx", "--sheet", "Sheet9", "-o", "content/n.yaml")
    assert missing.exit_code == 2
    assert "m.xlsx has no sheet 'Sheet9' (it has 'Notes', 'Matrix')" in missing.stderr
    empty = cli("import", "m.xlsx", "-o", "content/n.yaml")
    assert empty.exit_code == 1
    assert "m.xlsx:Notes!A1: error: no header row naming two subjects" in empty.stderr
    assert not (project / "content" / "n.yaml").exists()


def test_an_existing_guide_is_replaced_only_with_force(project, cli):
    source = qa_vs_qc(project / "qa-vs-qc.docx")
    target = project / "content" / "cmo-cdmo-cro.yaml"
    before = target.read_bytes()
    refused = cli("import", str(source), "-o", "content/cmo-cdmo-cro.yaml")
    assert refused.exit_code == 2
    assert "content/cmo-cdmo-cro.yaml exists already; --force replaces it" in refused.stderr
    assert target.read_bytes() == before
    assert cli("import", str(source), "-o", "content/cmo-cdmo-cro.yaml", "--force").exit_code == 0
    assert b"QA vs QC" in target.read_bytes()


def test_a_failed_import_writes_nothing(project, cli):
    document = word.new_document(title="Only one")
    document.add_heading("Quality Assurance", 1)
    document.add_paragraph("QA alone is no comparison.")
    word.picture(document.add_paragraph())
    word.save(document, project / "alone.docx")
    result = cli("import", "alone.docx")
    assert result.exit_code == 1
    assert ("alone.docx: error: a guide compares 2 to 8 subjects, and this document gives 1 "
            "(Quality Assurance)") in result.stderr
    assert sorted(p.name for p in (project / "content").iterdir()) == ["cmo-cdmo-cro.yaml"]


@pytest.mark.parametrize(("args", "message"), [
    (("notes.txt",), "notes.txt: guidegen imports Word (.docx) and Excel (.xlsx) files"),
    (("qa-vs-qc.docx", "--sheet", "x"), "--sheet and --header-row choose a matrix in an .xlsx"),
    (("qa-vs-qc.docx", "-o", "content/x.txt"), "content/x.txt: a guide file ends in .yaml"),
])
def test_what_import_cannot_do_is_a_usage_error(project, cli, args, message):
    (project / "notes.txt").write_text("hello", encoding="utf-8")
    qa_vs_qc(project / "qa-vs-qc.docx")
    result = cli("import", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_document_that_is_not_word_is_refused(project, cli):
    (project / "fake.docx").write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    result = cli("import", "fake.docx")
    assert result.exit_code == 1
    assert "fake.docx: error: not a Word document (.docx): it has no document body" in \
        result.stderr


def test_the_yaml_is_what_a_person_would_write(project, cli):
    _import(cli, qa_vs_qc(project / "qa-vs-qc.docx"))
    text = (project / "content" / "qa-vs-qc.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/guide.schema.json\n")
    assert not re.search(r"^\s*[\w-]+: '|^\s*- '", text, re.MULTILINE)  # no single quotes
    assert "intro: >\n  New starters often mix up **Quality Assurance**" in text
    assert "    summary: |\n      QA owns the quality system" in text
    assert "        values: {qa: yes, qc: no}\n" in text
    assert "    values:\n      qa: Head office and every site.\n" in text
    keys = [line.split(":")[0] for line in text.splitlines() if re.match(r"^[a-z_]+:", line)]
    assert keys == ["guide", "intro", "subjects", "comparisons_title", "comparisons_intro",
                    "comparisons", "sections"]
    docx.Document(str(project / "qa-vs-qc.docx"))  # the fixture is a real Word document


# -- hostile files are refused by the zip and XML checks ----------------------------------------

def _repacked(source, target, edit=None, extra=None):
    """Write ``target``: the package ``source`` with parts edited and ``extra`` parts added."""
    import zipfile

    with zipfile.ZipFile(source) as original, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for info in original.infolist():
            data = original.read(info.filename)
            package.writestr(info, edit(info.filename, data) if edit else data)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return target


def _external_image(name, data):
    if name != "word/_rels/document.xml.rels":
        return data
    return data.replace(b"</Relationships>", (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/image" Target="file:///etc/passwd" TargetMode="External"/>'
        b"</Relationships>"))


def _doctype(name, data):
    if name != "word/document.xml":
        return data
    return data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
                        b'"file:///etc/passwd">]>', 1).replace(b"<w:body>", b"<w:body>&x;", 1)


@pytest.mark.parametrize(("edit", "extra", "message"), [
    (None, {"word/media/bomb.bin": bytes(40 << 20)},
     "part word/media/bomb.bin is larger than 32 MB"),
    (_external_image, None, "part word/_rels/document.xml.rels links to 'file:///etc/passwd' "
     "outside the file; guidegen opens nothing an Office file points to"),
    (_doctype, None, "part word/document.xml declares a DOCTYPE (entities), which an Office "
     "file never has"),
])
def test_a_hostile_docx_is_refused_and_nothing_is_written(project, cli, edit, extra, message):
    from .attacks import SECRET_BYTES

    made = qa_vs_qc(project / "made.docx")
    hostile = _repacked(made, project / "hostile.docx", edit, extra)
    assert hostile.stat().st_size < 2 << 20
    result = cli("import", "hostile.docx")
    assert result.exit_code == 1
    assert f"hostile.docx: error: not a readable Word file: {message}" in result.stderr
    assert SECRET_BYTES.decode() not in result.output
    assert sorted(p.name for p in (project / "content").iterdir()) == ["cmo-cdmo-cro.yaml"]


@pytest.mark.parametrize(("edit", "extra", "message"), [
    (None, {"xl/media/bomb.bin": bytes(40 << 20)}, "part xl/media/bomb.bin is larger than 32 MB"),
    (lambda name, data: data.replace(b"</Relationships>", (
        b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/externalLink" Target="https://example.org/book.xlsx" '
        b'TargetMode="External"/></Relationships>')) if name == "xl/_rels/workbook.xml.rels"
     else data, None, "part xl/_rels/workbook.xml.rels links to 'https://example.org/book.xlsx'"),
    (lambda name, data: b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + data
     if name == "xl/workbook.xml" else data, None, "part xl/workbook.xml declares a DOCTYPE"),
])
def test_a_hostile_xlsx_is_refused_and_nothing_is_written(project, cli, edit, extra, message):
    book = openpyxl.Workbook()
    book.active.append(["", "Alpha", "Beta"])
    book.active.append(["Fast", "Yes", "No"])
    book.save(project / "made.xlsx")
    _repacked(project / "made.xlsx", project / "hostile.xlsx", edit, extra)
    result = cli("import", "hostile.xlsx")
    assert result.exit_code == 1
    assert f"hostile.xlsx: error: not a readable .xlsx file: {message}" in result.stderr
    assert sorted(p.name for p in (project / "content").iterdir()) == ["cmo-cdmo-cro.yaml"]
