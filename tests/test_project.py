"""The project file and ``guidegen new``: options from defaults, the file, the command line."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pytest

from guidegen import BuildOptions
from guidegen.builder.kinds import Flag, Whole
from guidegen.builder.options import option_fields
from guidegen.cli import main
from guidegen.errors import ProjectError, UsageError
from guidegen.project.config import load_project

from .conftest import DATA, write_yaml


def test_defaults_are_declared_once_and_the_cli_leaves_them_to_the_project():
    build = {p.name: p for p in main.commands["build"].params}
    # named guides and packets take their place; the project file's place is the root;
    # --release is check's alone
    assert set(option_fields()) - set(build) == {"content", "packets", "root", "release"}
    assert "release" in {p.name for p in main.commands["check"].params}
    for name, spec in option_fields().items():
        if name in ("content", "packets", "root", "release"):
            continue
        assert build[name].default in (None, False, ()), name  # not given: project/default
        assert spec.help.split(";")[0] in build[name].help
        assert set(build[name].opts) | set(build[name].secondary_opts) == set(spec.flags)
    assert BuildOptions().formats == ("pdf", "docx") and BuildOptions().jobs is None


def test_the_project_file_sets_options_and_the_command_line_wins(project, cli):
    # which options win is the point, not the layout: the smallest guide (one page)
    (project / "content" / "cmo-cdmo-cro.yaml").unlink()
    shutil.copy(DATA / "minimal.yaml", project / "content")
    write_yaml(project, "guidegen.yaml", "output: site\nformats: [html]\npaper: letter\n")
    options = load_project().options()
    assert (options.out, options.formats, options.paper) == (Path("site"), ("html",), "letter")
    assert cli("build").exit_code == 0
    assert (project / "site" / "minimal.html").is_file()
    assert cli("build", "-f", "pdf", "-o", "elsewhere").exit_code == 0
    assert sorted(p.name for p in (project / "elsewhere").iterdir()) == [
        ".guidegen-state.json", "minimal.pdf"]


def test_flags_left_off_the_command_line_keep_the_project_files_value(project, cli):
    write_yaml(project, "guidegen.yaml", "strict: true\n")
    write_yaml(project / "content", "cmo-cdmo-cro.yaml", (project / "content" /
               "cmo-cdmo-cro.yaml").read_text(encoding="utf-8").replace(
                   "  language: en\n", "  language: ko\n"))  # no catalogue: a warning
    result = cli("check")
    assert result.exit_code == 1, result.output
    assert "warnings are errors with --strict" in result.stderr


def test_strict_options_make_warnings_errors_in_the_library_too(project):
    import guidegen
    from guidegen.errors import StrictError, collect_warnings

    guide = project / "content" / "cmo-cdmo-cro.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace(
        "  language: en\n", "  language: ko\n"), encoding="utf-8")
    with pytest.raises(StrictError):
        guidegen.check([guide], BuildOptions(strict=True))
    with collect_warnings() as found:
        assert guidegen.check([guide], BuildOptions())
    assert [p.severity for p in found] == ["warning"]


def test_the_project_file_is_found_from_a_folder_below_and_its_folders_are_its_own(
        project, cli, monkeypatch):
    write_yaml(project, "guidegen.yaml", "content: guides\noutput: out\nformats: [html]\n")
    (project / "content").rename(project / "guides")
    (project / "guides" / "deeper").mkdir()
    monkeypatch.chdir(project / "guides" / "deeper")
    result = cli("build")
    assert result.exit_code == 0, result.output
    assert (project / "out" / "cmo-cdmo-cro.html").is_file()


def test_every_mistake_in_the_project_file_is_located(project, cli):
    write_yaml(project, "guidegen.yaml",
               "outptu: site\nformats: [pdf, odt]\njobs: 0\npaper: a5\nlanguage: 'de_DE'\n")
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "guidegen.yaml:1:1: error: unknown key 'outptu' (did you mean 'output'?)",
        "guidegen.yaml:2:10: error: formats: unknown value 'odt' (one of: pdf, docx, html)",
        "guidegen.yaml:3:7: error: jobs: expected a whole number of at least 1, got '0'",
        "guidegen.yaml:4:8: error: paper: expected one of a4, letter, got 'a5'",
        "guidegen.yaml:5:11: error: language: expected a language tag like en, en-GB or de, "
        "got 'de_DE'",
        "5 errors in 1 file"]


def test_the_published_project_schema_accepts_a_new_projects_file(cli, tmp_path):
    import jsonschema
    import yaml

    assert cli("new", str(tmp_path / "p")).exit_code == 0
    schema = json.loads(cli("schema", "--project").stdout)
    data = yaml.safe_load((tmp_path / "p" / "guidegen.yaml").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []
    assert set(schema["properties"]) == {spec.key for spec in option_fields().values()
                                         if spec.key}


def test_new_refuses_a_folder_that_is_not_empty(cli, tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "notes.txt").write_text("mine")
    result = cli("new", str(tmp_path / "p"))
    assert result.exit_code == 2
    assert "is not an empty folder" in result.stderr
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(("args", "message"), [
    (("--guide", "X", "--subjects", "only"), "--subjects needs 2 to 8 ids, got 1"),
    (("--guide", "X", "--subjects", "a,A b"), "subject ids are lower-case words"),
    (("--subjects", "a,b"), "--subjects goes with --guide")])
def test_new_guide_refuses_bad_subjects(project, cli, args, message):
    result = cli("new", *args)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize(("name", "value", "message"), [
    ("jobs", "0", "expected a whole number of at least 1, got '0'"),
    ("memory_limit", "2000000", "expected a whole number of at least 1 and at most 1048576"),
    ("time_limit", "0", "expected a number of seconds above 0 and at most 86400, got '0'"),
    ("paper", "a5", "expected one of a4, letter, got 'a5'"),
    ("language", "de_DE", "expected a language tag like en, en-GB or de, got 'de_DE'"),
    ("language", "ar", "'ar' is written right to left"),
    ("strict", "maybe", "expected true or false, got 'maybe'"),
    ("formats", "pdf,odt", "unknown value 'odt' (one of: pdf, docx, html)")])
def test_one_validator_says_the_same_on_the_command_line_in_the_project_file_and_the_api(
        project, cli, name, value, message):
    spec = option_fields()[name]
    flag = spec.flag
    given = cli("build", flag, value) if not isinstance(spec.kind, Flag) else None
    if given is not None:
        assert given.exit_code == 2 and message in given.stderr, given.stderr
    written = f"[{value}]" if name == "formats" else value
    write_yaml(project, "guidegen.yaml", f"{spec.key}: {written}\n")
    from_file = cli("check")
    assert from_file.exit_code == 1
    assert from_file.stderr.startswith(f"guidegen.yaml:1:{len(spec.key) + 3}: error: "
                                       f"{spec.key}: {message.split(', got')[0]}")
    typed = int(value) if isinstance(spec.kind, Whole) else value
    with pytest.raises(UsageError, match=f"^{flag}: {re.escape(message.split(', got')[0])}"):
        BuildOptions(**{name: typed})


def test_what_the_outputs_depend_on_is_declared_with_each_option():
    affecting = {name for name, spec in option_fields().items() if spec.affects_output}
    assert affecting == {"formats", "paper", "templates", "language", "pdf_variant", "pages",
                         "strict", "allow_draft"}
    assert [name for name, _ in BuildOptions().output_settings()] == [
        name for name in option_fields() if name in affecting]
    from guidegen.builder.jobs import settings_of

    same = settings_of(BuildOptions())
    assert settings_of(BuildOptions(jobs=1, time_limit=5, force=True, out=Path("x"))) == same
    for changed in ({"paper": "letter"}, {"language": "de"}, {"strict": True},
                    {"formats": ("pdf",)}, {"pages": 2}, {"pdf_variant": "a-3b"},
                    {"allow_draft": True}):
        assert settings_of(BuildOptions(**changed)) != same, changed


def test_options_refuse_impossible_values_as_usage_errors():
    for change in ({"formats": ("odt",)}, {"jobs": 0}, {"time_limit": 0},
                   {"pdf_variant": "x"}, {"language": "not a tag"}):
        with pytest.raises(UsageError):
            dataclasses.replace(BuildOptions(), **change)
    assert BuildOptions(formats=("html", "pdf", "html")).formats == ("pdf", "html")


def test_a_broken_project_file_is_a_located_yaml_error(project, cli):
    write_yaml(project, "guidegen.yaml", "formats: [pdf\n")
    result = cli("build")
    assert result.exit_code == 1
    assert result.stderr.startswith("guidegen.yaml:2:1: error: invalid YAML")
    with pytest.raises(ProjectError):
        load_project(project / "guidegen.yaml")


def test_schema_write_puts_every_schema_where_the_hints_point(project, cli):
    result = cli("schema", "--write", "schema")
    assert result.exit_code == 0
    assert sorted(p.name for p in (project / "schema").iterdir()) == [
        "guide.schema.json", "packet.schema.json", "project.schema.json", "styles.schema.json",
        "theme.schema.json"]
