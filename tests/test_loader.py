"""The loader: YAML → validated Guide, and every mistake reported with file:line:col."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from guidegen.content.loader import load, load_all
from guidegen.content.model import Mark
from guidegen.errors import ContentError
from guidegen.tree import Emph, Link, ListBlock, Paragraph, Strong, Text

from .conftest import DATA, DEFAULT_GUIDE, comparisons_heading, document_of, write_yaml

BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")


def problems(tmp_path: Path, text: str) -> list[str]:
    """Return the error lines for guide ``text`` (written as g.yaml), without the summary."""
    path = write_yaml(tmp_path, "g.yaml", textwrap.dedent(text))
    with pytest.raises(ContentError) as caught:
        load(path)
    return [str(p).replace(str(path), "g.yaml") for p in caught.value.problems]


def test_default_guide_loads_into_an_immutable_typed_model():
    guide = load(DEFAULT_GUIDE)
    assert [s.id for s in guide.subjects] == ["cmo", "cdmo", "cro"]
    assert guide.subjects[0].heading == "Chief Medical Officer (CMO)"
    matrix = guide.comparisons[0]
    assert [row.values["cmo"].mark for row in matrix.rows] == [Mark.YES, Mark.NO, Mark.NO]
    assert guide.guide.document.version == "1.0"
    with pytest.raises(Exception, match="frozen"):
        guide.guide.title = "changed"


def test_minimal_guide_loads():
    guide = load(DATA / "minimal.yaml")
    assert comparisons_heading(guide) == "Comparing A and B"
    assert guide.guide.language is None  # the project's language, else English
    assert document_of(guide).meta.language.tag == "en"


@pytest.mark.parametrize(("snippet", "expected"), [
    # unknown key, with a suggestion, at the key
    ("guide:\n  title: T\n  titel: U\n", "g.yaml:3:3: error: guide: unknown key 'titel' "
     "(did you mean 'title'?)"),
    # missing key, at the mapping that lacks it
    ("guide:\n  subtitle: S\n", "g.yaml:2:3: error: guide: missing required key 'title'"),
    # wrong type
    ("guide:\n  title: [a, b]\n", "g.yaml:2:10: error: guide.title: expected text, got a list"),
    # duplicate key, with both places
    ("guide:\n  title: T\n  title: U\n", "g.yaml:3:3: error: guide.title: duplicate key "
     "'title' (first defined at g.yaml:2:3)"),
])
def test_guide_block_errors_are_located(tmp_path, snippet, expected):
    text = snippet + BASE.split("\n", 2)[2]
    assert expected in problems(tmp_path, text)


def test_unknown_subject_in_a_matrix_row_names_the_known_ones(tmp_path):
    text = BASE.replace("{alpha: yes, beta: no}", "{alpha: yes, beta: no, gamma: no}")
    assert problems(tmp_path, text) == [
        "g.yaml:18:40: error: comparisons[0].rows[0].values: unknown subject 'gamma' "
        "(known: alpha, beta)"]


def test_a_matrix_row_that_leaves_a_subject_out(tmp_path):
    text = BASE.replace("{alpha: yes, beta: no}", "{alpha: yes}")
    assert problems(tmp_path, text) == [
        "g.yaml:18:17: error: comparisons[0].rows[0].values: no value for subject 'beta' "
        "(every subject needs one)"]


def test_duplicate_subject_ids(tmp_path):
    text = BASE.replace("id: beta", "id: alpha").replace("beta: no", "")
    assert "g.yaml:9:9: error: subjects[1].id: duplicate subject id 'alpha' (first used at " \
           "g.yaml:5:9)" in problems(tmp_path, text)


@pytest.mark.parametrize(("text", "where"), [("", "1:1"), ("# only a comment\n", "1:1"),
                                            ("---\n", "2:1")])
def test_empty_guide(tmp_path, text, where):
    assert problems(tmp_path, text) == [
        f"g.yaml:{where}: error: the guide is empty; it needs at least 'guide', 'intro' and "
        "'subjects'"]


def test_yaml_syntax_error_is_located(tmp_path):
    assert problems(tmp_path, "guide:\n  title: [unclosed\nintro: x\n") == [
        "g.yaml:3:6: error: invalid YAML: did not find expected ',' or ']'"]


def test_matrix_cells_accept_yaml_booleans_and_words(tmp_path):
    text = BASE.replace("{alpha: yes, beta: no}", "{alpha: NO, beta: 'Partial'}")
    guide = load(write_yaml(tmp_path, "g.yaml", text))
    values = guide.comparisons[0].rows[0].values
    assert (values["alpha"].mark, values["beta"].mark) == (Mark.NO, Mark.PARTIAL)


def test_ambiguous_yaml_boolean_in_a_cell_is_rejected(tmp_path):
    text = BASE.replace("{alpha: yes, beta: no}", "{alpha: on, beta: 'off'}")
    assert problems(tmp_path, text) == [
        "g.yaml:18:25: error: comparisons[0].rows[0].values.alpha: YAML reads unquoted 'on' "
        "as a boolean; write yes, no or partial, or put text in quotes"]


def test_quoted_ambiguous_word_is_text_and_numbers_stay_as_written(tmp_path):
    text = BASE.replace("{alpha: yes, beta: no}", "{alpha: 'off', beta: 1.10}")
    guide = load(write_yaml(tmp_path, "g.yaml", text))
    values = guide.comparisons[0].rows[0].values
    assert values["alpha"].text == (Text("off"),)
    assert values["beta"].text == (Text("1.10"),)


def test_empty_cell_and_bad_cell_mapping(tmp_path):
    text = BASE.replace("{alpha: yes, beta: no}", "{alpha: '', beta: {text: x}}")
    assert problems(tmp_path, text) == [
        "g.yaml:18:25: error: comparisons[0].rows[0].values.alpha: empty cell; write yes, no, "
        "partial or text",
        "g.yaml:18:35: error: comparisons[0].rows[0].values.beta: a cell mapping takes 'value' "
        "(required) and 'note'; got 'text'"]


def test_unknown_comparison_kind_lists_the_kinds(tmp_path):
    text = BASE.replace("kind: matrix", "kind: grid")
    assert problems(tmp_path, text) == [
        "g.yaml:14:5: error: comparisons[0]: unknown kind 'grid' (one of: matrix, per-subject)"]


def test_subject_count_limits(tmp_path):
    one = BASE.split("  - id: beta")[0] + "comparisons: []\n"
    assert problems(tmp_path, one) == [
        "g.yaml:5:3: error: subjects: needs at least 2 items, got 1"]


def test_markdown_becomes_nodes():
    from guidegen.content.model import Section

    section = Section.model_validate({"title": "T", "body": (
        "Read **this** and *that* at [the site](https://example.org).\n\n- one\n- two\n")})
    paragraph, bullets = section.body
    assert isinstance(paragraph, Paragraph)
    assert paragraph.inlines[1] == Strong((Text("this"),))
    assert paragraph.inlines[3] == Emph((Text("that"),))
    assert paragraph.inlines[5] == Link("https://example.org", (Text("the site"),))
    assert bullets == ListBlock(((Paragraph((Text("one"),)),), (Paragraph((Text("two"),)),)))


@pytest.mark.parametrize(("markdown", "message"), [
    ("# Title", "headings are not allowed here"),
    ("![x](https://e.org/x.png)", "images are not supported in text"),
    ("[x](docs/page.html)", "must be an absolute http(s):// or mailto: address"),
    ("```\ncode\n```", "code blocks are not supported"),
])
def test_unsupported_markdown_is_a_located_error(tmp_path, markdown, message):
    text = BASE.replace("intro: Two things compared.", f"intro: {markdown!r}".replace(
        "'", '"').replace("\n", "\\n"))
    lines = problems(tmp_path, text)
    assert len(lines) == 1
    assert lines[0].startswith("g.yaml:3:8: error: intro: ") and message in lines[0]


def test_unsafe_link_schemes_stay_literal_text(tmp_path):
    text = BASE.replace("Two things compared.",
                        "'[x](file:///etc/passwd) [y](javascript:alert(1))'")
    guide = load(write_yaml(tmp_path, "g.yaml", text))
    assert guide.intro == (Paragraph((Text(
        "[x](file:///etc/passwd) [y](javascript:alert(1))"),)),)


def test_raw_html_stays_literal_text(tmp_path):
    text = BASE.replace("Two things compared.", "'<script>alert(1)</script> & {{ x }}'")
    guide = load(write_yaml(tmp_path, "g.yaml", text))
    assert guide.intro == (Paragraph((Text("<script>alert(1)</script> & {{ x }}"),)),)


def test_five_mistakes_are_reported_at_once():
    with pytest.raises(ContentError) as caught:
        load(DATA / "five-mistakes.yaml")
    lines = [str(p).split(": error: ", 1) for p in caught.value.problems]
    where = [place.rsplit("/", 1)[-1] for place, _ in lines]
    assert where == ["five-mistakes.yaml:3:3", "five-mistakes.yaml:10:9",
                     "five-mistakes.yaml:19:28", "five-mistakes.yaml:22:19",
                     "five-mistakes.yaml:24:5"]
    assert [message.split(" ", 1)[1].split(" (")[0] for _, message in lines] == [
        "unknown key 'colour'", "duplicate subject id 'cmo'", "unknown subject 'cdm'",
        "expected text, got a mapping", "missing required key 'body'"]
    assert caught.value.message == "5 errors in 1 file"


def test_errors_of_all_files_come_together(tmp_path):
    first = write_yaml(tmp_path, "a.yaml", "guide: {}\n")
    second = write_yaml(tmp_path, "b.yaml", "intro: x\n")
    with pytest.raises(ContentError) as caught:
        load_all([first, second])
    files = {p.location.file.rsplit("/", 1)[-1] for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml"}
    assert caught.value.message.endswith("in 2 files")


@pytest.mark.parametrize(("text", "expected"), [
    ("guide:\n  title: GMP vs GDP: The GxP Family\n",
     "g.yaml:2:20: error: invalid YAML: mapping values are not allowed in this context; a "
     "colon followed by a space starts a key: put text that holds ': ' in quotes"),
    ("guide:\n  title: x\n\tsubtitle: y\n",
     "g.yaml:3:1: error: invalid YAML: found a tab character that violates indentation; "
     "indent with spaces, not tabs"),
    ("subjects:\n  - id: a\n   short: A\n",
     "g.yaml:3:4: error: invalid YAML: did not find expected '-' indicator; the items of "
     "one list, and the keys of one mapping, start in the same column"),
])
def test_yaml_mistakes_say_what_to_do(tmp_path, text, expected):
    with pytest.raises(ContentError) as caught:
        load(write_yaml(tmp_path, "g.yaml", text))
    said = str(caught.value.problems[0])
    assert said.split("g.yaml", 1)[1].startswith(expected.split("g.yaml", 1)[1]), said


def test_a_wrong_id_says_what_an_id_looks_like_not_a_pattern(tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("id: alpha", "id: Alpha")
    with pytest.raises(ContentError) as caught:
        load(write_yaml(tmp_path, "g.yaml", text))
    message = str(caught.value.problems[0])
    assert "expected an id of lower-case letters, digits, - and _, starting with a letter " \
           "(like cmo), got 'Alpha'" in message
    assert "pattern" not in message
