"""Translations that cannot drift: located errors and warnings, states, confirm, new --translate."""

from __future__ import annotations

import re
import shutil

import pytest

import guidegen
from guidegen.content.translations import TO_TRANSLATE, describe_changes

from .conftest import TRANSLATIONS

GERMAN = "content/cmo-cdmo-cro.de.yaml"
SOURCE = "content/cmo-cdmo-cro.yaml"


@pytest.fixture
def translated(project):
    """Return the project with the German and Japanese translations beside the source."""
    for path in TRANSLATIONS:
        shutil.copy(path, project / "content")
    shutil.copytree(TRANSLATIONS[0].parent / "confirmed", project / "content" / "confirmed")
    return project


def edit(project, name, old, new, count=1):
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(project, name, text):
    """Return the line number of the first line of ``name`` holding ``text``."""
    lines = (project / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_the_shipped_translations_are_current_and_build_with_the_source(translated, cli):
    result = cli("translations")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{GERMAN}  de  of {SOURCE}  current",
        f"content/cmo-cdmo-cro.ja.yaml  ja  of {SOURCE}  current"]
    built = cli("build", "--strict", "-f", "html")
    assert built.exit_code == 0, built.output
    assert sorted(p.name for p in (translated / "output").glob("*.html")) == [
        "cmo-cdmo-cro.de.html", "cmo-cdmo-cro.html", "cmo-cdmo-cro.ja.html"]


def test_a_changed_mark_is_a_located_error(translated, cli):
    edit(translated, GERMAN, "values: {cmo: no, cdmo: yes, cro: no}",
         "values: {cmo: no, cdmo: no, cro: no}")
    result = cli("check", GERMAN)
    assert result.exit_code == 1
    row = line_of(translated, GERMAN, "values: {cmo: no, cdmo: no, cro: no}")
    source_row = line_of(translated, SOURCE, "values: {cmo: no, cdmo: yes, cro: no}")
    assert result.stderr.splitlines()[0] == (
        f"{GERMAN}:{row}:33: error: comparisons[0].rows[1].values.cdmo: the mark 'no' where "
        f"the source has the mark 'yes' ({SOURCE}:{source_row}:33): a translation keeps "
        "every mark")
    assert "structure differs" in cli("translations").stdout


def test_a_missing_subject_is_a_located_error(translated, cli):
    text = (translated / GERMAN).read_text(encoding="utf-8")
    start, end = text.index("  - id: cro\n"), text.index("comparisons_title:")
    text = re.sub(r", cro: \w+\}", "}", text[:start] + text[end:])  # its matrix cells
    text = re.sub(r"\n      cro: (>-\n(        .*\n)+|.*\n)", "\n", text)  # its entries
    (translated / GERMAN).write_text(text, encoding="utf-8")
    result = cli("check", GERMAN)
    assert result.exit_code == 1
    subjects = line_of(translated, GERMAN, "  - id: cmo")
    source = line_of(translated, SOURCE, "  - id: cro")
    assert f"{GERMAN}:{subjects}:3: error: subjects: the source's subject 'cro' is missing " \
           f"({SOURCE}:{source}:5)" in result.stderr.splitlines()


def test_an_extra_row_is_a_located_error(translated, cli):
    edit(translated, GERMAN, "        values: {cmo: no, cdmo: no, cro: yes}\n",
         "        values: {cmo: no, cdmo: no, cro: yes}\n"
         "      - criterion: Audits\n        values: {cmo: no, cdmo: no, cro: yes}\n")
    result = cli("check", GERMAN)
    assert result.exit_code == 1
    extra = line_of(translated, GERMAN, "criterion: Audits")
    rows = line_of(translated, SOURCE, "- criterion: Medical and clinical oversight")
    assert result.stderr.splitlines()[0] == (
        f"{GERMAN}:{extra}:9: error: comparisons[0].rows[3]: row 4 is not in the source, "
        f"which has 3 rows ({SOURCE}:{rows}:7)")


def test_list_items_document_number_and_version_are_kept(translated, cli):
    edit(translated, GERMAN, "      - Die Einhaltung von Datenschutz und Datensicherheit "
         "sicherstellen.\n", "")
    edit(translated, GERMAN, 'version: "1.0"', 'version: "1.1"')
    edit(translated, GERMAN, '{version: "1.0"', '{version: "1.1"')  # the history's too
    result = cli("check", GERMAN)
    assert result.exit_code == 1
    messages = [line.split(": error: ", 1)[1] for line in result.stderr.splitlines()[:-1]]
    assert messages == [
        "guide.document.version: version '1.1' differs from the source's '1.0' "
        f"({SOURCE}:{line_of(translated, SOURCE, 'version: ')}:14)",
        "guide.document.history[0].version: version '1.1' differs from the source's "
        f"'1.0' ({SOURCE}:{line_of(translated, SOURCE, '{version: ')}:19)",
        "subjects[1].responsibilities: has 4 responsibilities; the source has 5 "
        f"({SOURCE}:{line_of(translated, SOURCE, '- Developing and implementing data')}:7)"]


def test_a_list_added_to_a_closing_section_is_a_located_error(translated, cli):
    edit(translated, GERMAN, "  - title: Fazit\n    body: >\n",
         "  - title: Fazit\n    body: |\n      - Erstens.\n      - Zweitens.\n\n")
    result = cli("check", GERMAN)
    assert result.exit_code == 1
    body = line_of(translated, GERMAN, "- Erstens.")
    assert result.stderr.splitlines()[0].startswith(
        f"{GERMAN}:{body - 1}:11: error: sections[0].body: has 2 list items; the source "
        "has 0")


def test_a_stale_source_hash_warns_naming_the_changed_lines(translated, cli):
    edit(translated, SOURCE, "Regulatory compliance\n", "Regulatory compliance and audits\n")
    edit(translated, SOURCE, "ensuring compliance with regulatory standards",
         "making sure regulatory standards are met")
    changed = sorted([line_of(translated, SOURCE, "Regulatory compliance and audits"),
                      line_of(translated, SOURCE, "making sure regulatory standards")])
    result = cli("check", GERMAN)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{GERMAN}:6:3: warning: translation_of: {SOURCE} changed since this translation "
        f"was confirmed: lines {changed[0]}, {changed[1]}; update the translation, then run "
        f"`guidegen translations --confirm {GERMAN}`"]
    assert cli("check", "--strict", GERMAN).exit_code == 1
    listed = cli("translations").stdout.splitlines()[0]
    assert listed == (f"{GERMAN}  de  of {SOURCE}  source changed (lines {changed[0]}, "
                      f"{changed[1]})")
    # confirming makes it current again, and keeps the file's other lines as they were
    before = (translated / GERMAN).read_text(encoding="utf-8").splitlines()
    assert cli("translations", "--confirm", GERMAN).exit_code == 0
    after = (translated / GERMAN).read_text(encoding="utf-8").splitlines()
    assert [n for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [6]
    assert cli("check", "--strict", GERMAN).exit_code == 0
    assert cli("translations").stdout.splitlines()[0].endswith("  current")


def test_a_changed_source_rebuilds_its_translations(translated, cli):
    assert cli("build", "-f", "html").exit_code == 0
    edit(translated, SOURCE, "Regulatory compliance\n", "Regulatory compliance and audits\n")
    lines = cli("build", "-f", "html").stdout.splitlines()
    assert all(line.startswith("wrote ") for line in lines), lines


def test_describe_changes_names_lines_and_removals():
    assert describe_changes(["a", "b", "c"], ["a", "B", "c"]) == "line 2"
    assert describe_changes(["a", "b", "c", "d"], ["a", "x", "y", "d", "e"]) == "lines 2-3, 5"
    assert describe_changes(["a", "b", "c"], ["a", "c"]) == "removed after line 1"


def test_new_translate_writes_a_starting_file_that_check_accepts(project, cli):
    result = cli("new", "--translate", SOURCE, "--language", "fr")
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote content/cmo-cdmo-cro.fr.yaml\n"
    started = guidegen.load(project / "content" / "cmo-cdmo-cro.fr.yaml")
    source = guidegen.load(project / SOURCE)
    assert started.guide.language == "fr"
    assert started.translation_of.source == "cmo-cdmo-cro.yaml"
    assert [s.id for s in started.subjects] == [s.id for s in source.subjects]
    marks = [[c.mark for c in row.values.values()] for row in started.comparisons[0].rows]
    assert marks == [[c.mark for c in row.values.values()] for row in source.comparisons[0].rows]
    assert started.guide.title == TO_TRANSLATE + source.guide.title
    assert started.guide.document.number == source.guide.document.number
    checked = cli("check", "content/cmo-cdmo-cro.fr.yaml")
    assert checked.exit_code == 0
    warnings = checked.stderr.splitlines()
    assert any("not confirmed against" in w for w in warnings)
    assert any(f"still marked {TO_TRANSLATE.strip()!r}" in w for w in warnings)
    assert cli("new", "--translate", SOURCE, "--language", "fr").exit_code == 2  # exists
    assert cli("new", "--translate", SOURCE).exit_code == 2  # no language
