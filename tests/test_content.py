"""The default guide: the whole seed text, faithfully, in every output; schema files current."""

from __future__ import annotations

import json

import pytest

from guidegen.common.yamlsource import load_yaml
from guidegen.content.loader import load
from guidegen.project.schema import json_schema_text

from .conftest import DEFAULT_GUIDE, ROOT
from .readers import docx_text, html_text, missing_in_order, seed_pieces


def test_seed_pieces_cover_the_seed():
    pieces = seed_pieces()
    assert pieces[0] == "CMO vs CDMO vs CRO: A Comprehensive Guide"
    assert "Medical and clinical oversight" in pieces
    assert pieces[-1] == "CDMO: Data management,"
    assert len(pieces) > 40


def test_every_seed_sentence_is_in_the_html_and_docx_in_order(a4):
    # the default guide's HTML and DOCX as the session's A4 build wrote them: the bytes
    # of `guidegen build --format html,docx` in a project holding it (compared: equal)
    html = html_text(a4.path(DEFAULT_GUIDE.stem, "html").read_bytes())
    assert missing_in_order(html, seed_pieces()) == []
    assert missing_in_order(docx_text(a4.path(DEFAULT_GUIDE.stem, "docx")),
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


def test_example_packet_matches_the_published_json_schema():
    import jsonschema
    import yaml

    schema = json.loads((ROOT / "schema" / "packet.schema.json").read_text(encoding="utf-8"))
    # as an editor reads it: plain YAML, true is a boolean (and a date is text in JSON)
    data = json.loads(json.dumps(yaml.safe_load(
        (ROOT / "packets" / "new-starter.yaml").read_text(encoding="utf-8")), default=str))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    data["guides"].append({"guide": "x", "colour": "red"})
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) != []


def test_packaged_schema_files_are_current():
    from guidegen.project.schema import SCHEMAS
    from guidegen.theme.folders import package_folder

    for name, file in SCHEMAS.items():
        packaged = (package_folder("schema") / file).read_text(encoding="utf-8")
        assert packaged == json_schema_text(name), "run: guidegen schema --write schema"
        # the checkout's schema/ is the package's, for the editor hints of content/
        assert (ROOT / "schema" / file).read_text(encoding="utf-8") == packaged


@pytest.mark.parametrize(("path", "hint"), [
    ("content/cmo-cdmo-cro.yaml", "../schema/guide.schema.json"),
    ("src/guidegen/templates/theme.yaml", "../schema/theme.schema.json"),
    ("guidegen.yaml", "schema/project.schema.json"),
    ("packets/new-starter.yaml", "../schema/packet.schema.json"),
    ("packets/guides/qa-vs-qc.yaml", "../../schema/guide.schema.json")])
def test_files_point_editors_at_a_schema_that_is_there(path, hint):
    first = (ROOT / path).read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema={hint}"
    assert ((ROOT / path).parent / hint).is_file()


def test_the_packaged_example_is_the_default_guide():
    from guidegen.theme.folders import package_folder

    example = package_folder("examples") / DEFAULT_GUIDE.name
    assert example.read_bytes() == DEFAULT_GUIDE.read_bytes()
