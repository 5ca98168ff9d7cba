"""The default guide: the whole seed text, faithfully, in every output; schema files current."""

from __future__ import annotations

import json

from guidegen.loader import load
from guidegen.schema import json_schema_text
from guidegen.yamlsource import load_yaml

from .conftest import DEFAULT_GUIDE, ROOT
from .readers import docx_text, html_text, missing_in_order, seed_pieces


def test_seed_pieces_cover_the_seed():
    pieces = seed_pieces()
    assert pieces[0] == "CMO vs CDMO vs CRO: A Comprehensive Guide"
    assert "Medical and clinical oversight" in pieces
    assert pieces[-1] == "CDMO: Data management,"
    assert len(pieces) > 40


def test_every_seed_sentence_is_in_the_html_and_docx_in_order(project, cli):
    assert cli("build", "--format", "html,docx").exit_code == 0
    html = html_text((project / "output" / "cmo-cdmo-cro.html").read_bytes())
    assert missing_in_order(html, seed_pieces()) == []
    assert missing_in_order(docx_text(project / "output" / "cmo-cdmo-cro.docx"),
                            seed_pieces()) == []


def test_skills_section_is_finished_for_all_three_roles_and_the_guide_concludes():
    guide = load(DEFAULT_GUIDE)
    skills = guide.comparisons[-1]
    assert skills.title == "Skills and Qualifications"
    assert set(skills.values) == {"cmo", "cdmo", "cro"}
    assert guide.sections[-1].title == "Conclusion"


def test_default_guide_matches_the_published_json_schema():
    import jsonschema

    schema = json.loads((ROOT / "schema" / "guide.schema.json").read_text(encoding="utf-8"))
    data, _ = load_yaml(DEFAULT_GUIDE)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []


def test_committed_schema_files_are_current():
    for name in ("guide", "theme"):
        committed = (ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
        assert committed == json_schema_text(name), f"run: guidegen schema --{name} -o ..."


def test_content_and_theme_point_editors_at_the_schema():
    first = DEFAULT_GUIDE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/guide.schema.json"
    theme = (ROOT / "templates" / "theme.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert theme == "# yaml-language-server: $schema=../schema/theme.schema.json"
