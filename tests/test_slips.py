"""No silent slips: YAML and Markdown that change the text without a word are said, located."""

from __future__ import annotations

import pytest

from guidegen.errors import collect_warnings

from .conftest import DATA, GOOD_FIXTURES, write_yaml

GUIDE = """\
guide:
  title: Supplier quality
  language: {language}
intro: {intro}
subjects:
  - id: qa
    short: QA
    name: Quality assurance
    summary: {summary}
    responsibilities:
{responsibilities}
  - id: qc
    short: QC
    name: Quality control
    summary: Tests.
comparisons:
  - kind: matrix
    title: Duties
    rows:
      - criterion: {criterion}
        values: {{qa: {qa}, qc: {qc}}}
"""
PLAIN = dict(language="en", intro="What it covers.", summary="Assures.",
             responsibilities="      - Writing the manual.\n      - Running audits.",
             criterion="Supplier audits", qa="yes", qc="no")


def guide(project, name="qa.yaml", **changes: str):
    """Write a guide made of ``PLAIN`` with ``changes`` into the project's content folder."""
    (project / "content" / "cmo-cdmo-cro.yaml").unlink(missing_ok=True)
    return write_yaml(project / "content", name, GUIDE.format(**{**PLAIN, **changes}))


def test_the_plain_guide_has_no_slips(project, cli):
    guide(project)
    result = cli("check", "--strict")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_an_item_indented_one_space_too_far_joins_the_item_above(project, cli):
    guide(project, responsibilities="      - Writing the manual.\n"
                                    "       - Reviewing batch records.\n"
                                    "      - Running audits.")
    result = cli("check")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "content/qa.yaml:12:8: warning: subjects[0].responsibilities[0]: '- Reviewing batch "
        "records.' is not a list item: YAML joins this line to the item above, so it prints "
        "inside it; start its '-' in the same column as the items above"]
    assert cli("check", "--strict").exit_code == 1


def test_a_list_in_a_folded_block_is_one_paragraph(project, cli):
    guide(project, intro=">\n  It covers:\n  - audits\n  - releases\n\n  - recalls")
    lines = cli("check").stderr.splitlines()
    assert [line.split(": warning: ")[0] for line in lines] == [
        "content/qa.yaml:6:3", "content/qa.yaml:7:3"]  # not the item after a blank line
    assert lines[0].endswith("intro: '- audits' is not a list item: a folded block (>) "
                             "joins this line to the one above, so it prints inside that "
                             "paragraph; write a list in a literal block (|)")


def test_a_literal_block_item_indented_too_far_joins_the_paragraph(project, cli):
    guide(project, summary="|\n      - Keeps the manual.\n            - Reviews records.\n"
                           "      - Runs audits.")
    assert cli("check").stderr.splitlines() == [
        "content/qa.yaml:11:13: warning: subjects[0].summary: '- Reviews records.' is not a "
        "list item: Markdown takes this line into the paragraph above (its '-' is indented "
        "4 or more spaces past that text); indent it like the items above"]
    # a nested list (indented past the item's text, by less than four) is no slip
    guide(project, summary="|\n      - Keeps the manual.\n        - Reviews records.")
    assert cli("check").stderr == ""


def test_a_hash_glued_to_a_word_in_an_unquoted_value_is_text_yaml_dropped(project, cli):
    guide(project, criterion="Supplier audits #1 priority")
    assert cli("check").stderr.splitlines() == [
        "content/qa.yaml:21:36: warning: comparisons[0].rows[0].criterion: YAML reads "
        "'#1 priority' as a comment and drops it, so the value is 'Supplier audits'; quote "
        "the value to keep the text (\"Supplier audits #1 priority\")"]
    guide(project, criterion='"Supplier audits #1 priority"')  # quoted: the text
    assert cli("check").stderr == ""
    guide(project, criterion="Supplier audits  # the first row")  # a comment, meant
    assert cli("check").stderr == ""


@pytest.mark.parametrize(("language", "cell", "mark", "prints"), [
    ("en", "partal", "partial", ""),
    ("en", "Yse", "yes", ""),
    ("en-GB", "Partiall", "partial", ""),
    ("de", "Teilwiese", "partial", ", which prints as 'Teilweise'"),
    ("de", "Ja", "yes", ", which prints as 'Ja'"),
    ("es", "Si", "yes", ", which prints as 'Sí'"),
    ("ja", "一部", "partial", ", which prints as '一部'"),
])
def test_a_misspelt_mark_is_an_error_with_did_you_mean(project, cli, language, cell, mark,
                                                       prints):
    row = guide(project, language=language, qc=cell).read_text(encoding="utf-8").splitlines()[21]
    result = cli("check")
    assert result.exit_code == 1
    column = row.index("qc: ") + len("qc: ") + 1
    assert result.stderr.splitlines() == [
        f"content/qa.yaml:22:{column}: error: comparisons[0].rows[0].values.qc: unknown mark "
        f"{cell!r} (did you mean {mark!r}{prints}?); a mark is written yes, no or partial; "
        "put text in quotes to print it as written", "1 error in 1 file"]


@pytest.mark.parametrize("cell", ['"partal"', "Partly", "CEO", "Ja", "Limited access",
                                  "{value: '2 sites', note: partal}"])
def test_text_that_is_no_near_mark_is_text(project, cli, cell):
    guide(project, qc=cell)  # English: "Ja" is text; quotes keep text as written
    result = cli("check", "--strict")
    assert result.exit_code == 0, result.output


def test_a_file_named_like_a_translation_without_translation_of_gets_a_hint(project, cli):
    guide(project)
    guide(project, "qa.fr.yaml")
    guide(project, "qa.bak.yaml")  # a backup, not Bashkir
    result = cli("check", "--strict")  # a hint is no warning: strict passes
    assert result.exit_code == 0
    said = ("content/qa.fr.yaml:1:1: hint: named like the fr translation of qa.yaml, but it "
            "has no translation_of: add 'translation_of: qa.yaml' so that check keeps it in "
            "step with its source (or rename the file)")
    assert result.stderr.splitlines() == [said]
    guide(project, "qa.fr.yaml", criterion="Audits #1")  # a warning, an error when strict
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[0] == said  # the hint is still said
    assert ": error: comparisons[0].rows[0].criterion: YAML reads '#1'" in strict.stderr


def test_the_fixture_guides_have_no_slips():
    import guidegen

    for path in [*GOOD_FIXTURES, DATA / "eight-sites-portrait.yaml"]:
        with collect_warnings() as found:
            guidegen.load(path)
        assert found == [], path
