"""The translation starter keeps its source's shape, and what it writes passes ``check``."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from guidegen.content.translations import TO_TRANSLATE, TO_TRANSLATE_COMMENT

from .conftest import DATA, DEFAULT_GUIDE, GOOD_FIXTURES, write_yaml

FIXTURES = [*GOOD_FIXTURES, DATA / "eight-sites-portrait.yaml"]  # every guide that loads


def start(project, cli, source, language="fr"):
    """Return the text of the translation started from ``source`` (copied into content/)."""
    shutil.copy(source, project / "content")
    result = cli("new", "--translate", f"content/{source.name}", "--language", language)
    assert result.exit_code == 0, result.output
    return (project / "content" / f"{source.stem}.{language}.yaml").read_text("utf-8")


def body(text):
    """Return the lines of a started file after its header, without ``translation_of``."""
    lines = text.splitlines()
    header = next(n for n, line in enumerate(lines) if "guidegen translations --confirm" in line)
    return [line for line in lines[header + 1:] if not line.startswith("translation_of: ")]


def unmarked(line):
    """Return ``line`` without marks, quotes and runs of spaces (what a start may change)."""
    line = line.replace(TO_TRANSLATE, "").replace(TO_TRANSLATE_COMMENT, "")
    return re.sub(r"\s+", " ", re.sub(r"[\"']", "", line)).strip()


@pytest.mark.parametrize("source", FIXTURES, ids=lambda p: p.stem)
def test_the_start_of_every_fixture_guide_passes_check_at_once(project, cli, source):
    start(project, cli, source)
    checked = cli("check", f"content/{source.stem}.fr.yaml")
    assert checked.exit_code == 0, checked.output
    assert [w.split(": warning: ")[1].split(" (")[0] for w in checked.stderr.splitlines()
            if "translation_of: not confirmed" not in w] == [
        re.search(r"\d+ texts? still marked 'TODO\(translate\):'", checked.stderr).group()]


@pytest.mark.parametrize("source", FIXTURES, ids=lambda p: p.stem)
def test_the_start_keeps_the_sources_comments_keys_blocks_and_lists(project, cli, source):
    text = start(project, cli, source)
    original = source.read_text("utf-8")
    ours = [unmarked(line) for line in body(text) if not line.lstrip().startswith("language:")]
    theirs = [unmarked(line) for line in original.splitlines()
              if not line.lstrip().startswith(("language:", "# yaml-language-server:"))]
    # the same lines in the same order, but a flow mapping the source broke over lines
    assert " ".join(ours) == " ".join(theirs)
    for line in original.splitlines():  # comments and block scalars exactly as they were
        if line.lstrip().startswith("#") or re.search(r": [|>][-+]?$", line):
            assert line in text, line
    started, data = yaml.safe_load(text), yaml.safe_load(original)
    assert started["guide"]["language"] == "fr"
    assert list(started) == ["translation_of", *(k for k in data if k != "labels")]


def test_a_list_keeps_its_items_with_the_mark_after_the_marker(project, cli):
    text = start(project, cli, DATA / "five-subjects.yaml")
    assert "      - TODO(translate): [ICH E6(R3)](https://www.ich.org/page/efficacy-guidelines)" \
        in text.splitlines()


def test_a_text_the_mark_would_change_gets_a_comment_above(project, cli):
    source = write_yaml(project, "nested.yaml", DATA.joinpath("minimal.yaml").read_text(
        "utf-8").replace("intro: Two things compared.\n",
                         "intro: |  # two lists\n  - - nested first\n  - second\n"))
    text = start(project, cli, source)
    assert "# TODO(translate)\nintro: |  # two lists\n  - - nested first\n  - second\n" in text
    checked = cli("check", "content/nested.fr.yaml")
    assert checked.exit_code == 0, checked.output
    lines = text.splitlines()
    marked = [n for n, line in enumerate(lines, 1)
              if TO_TRANSLATE in line or line == "# TODO(translate)"]
    assert lines.index("# TODO(translate)") + 1 in marked  # the comment counts as a mark
    assert f"content/nested.fr.yaml:{marked[0]}:11: warning: {len(marked)} texts still " \
        "marked 'TODO(translate):' (the first here)" in checked.stderr


def test_marked_text_is_never_single_quoted_so_an_apostrophe_is_safe(project, cli):
    source = write_yaml(project, "quoted.yaml", DATA.joinpath("minimal.yaml").read_text(
        "utf-8").replace("summary: Alpha is first.", "summary: 'Alpha''s the first.'"))
    text = start(project, cli, source)
    assert "summary: \"TODO(translate): Alpha's the first.\"" in text
    # a translator writes French over every mark, apostrophes and all: it still checks
    french = re.sub(re.escape(TO_TRANSLATE) + r"[^\"\n]*", "l'audit d'aujourd'hui", text)
    (project / "content" / "quoted.fr.yaml").write_text(french, "utf-8")
    checked = cli("check", "--strict", "content/quoted.fr.yaml")
    assert checked.stderr.splitlines() == [
        "content/quoted.fr.yaml:7:17: error: translation_of: not confirmed against "
        "content/quoted.yaml yet; once it is reviewed, run `guidegen translations "
        "--confirm content/quoted.fr.yaml`", "1 error in 1 file (warnings are errors with "
        "--strict)"]


def test_ids_marks_numbers_dates_and_the_document_number_stay(project, cli):
    text = start(project, cli, DEFAULT_GUIDE)
    for kept in ("  - id: cmo", "    number: TRN-GD-001", '    version: "1.0"',
                 "    effective: 2026-11-24", "        values: {cmo: yes, cdmo: no, cro: no}",
                 "  - kind: matrix"):
        assert kept in text.splitlines(), kept
    numbers = start(project, cli, DATA / "eight-sites-portrait.yaml")
    assert '          bre: "4711000012345678"' in numbers.splitlines()  # as written
