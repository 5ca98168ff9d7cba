"""The command line, run in-process with click's CliRunner in a temporary project."""

from __future__ import annotations

import json
import shutil

import pytest

from guidegen import __version__

from .attacks import small_project
from .conftest import DATA


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"guidegen, version {__version__}"


def test_build_writes_pdf_and_docx_named_after_the_guide(project, cli):
    result = cli("build")
    assert result.exit_code == 0, result.output
    pdf, docx = project / "output" / "cmo-cdmo-cro.pdf", project / "output" / "cmo-cdmo-cro.docx"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert docx.read_bytes().startswith(b"PK")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("wrote output/cmo-cdmo-cro.pdf  (") and " pages, " in lines[0]
    assert lines[1].startswith("wrote output/cmo-cdmo-cro.docx  (") and " kB, " in lines[1]


def test_build_one_format_into_another_folder(project, cli):
    result = cli("build", "content/cmo-cdmo-cro.yaml", "--format", "html", "--out", "site")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (project / "site").iterdir())
    assert written == [".guidegen-state.json", "cmo-cdmo-cro.html"]
    assert not (project / "output").exists()


def test_check_good_content(project, cli):
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout == "ok content/cmo-cdmo-cro.yaml  (3 subjects, 3 comparisons)\n"


def test_check_bad_content_prints_located_errors_and_exits_1(project, cli):
    shutil.copy(DATA / "five-mistakes.yaml", project / "content" / "broken.yaml")
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 6
    assert all(line.startswith("content/broken.yaml:") and ": error: " in line
               for line in lines[:5])
    assert lines[5] == "5 errors in 1 file"
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_failed_build_leaves_previous_outputs_untouched(project, cli):
    small_project(project)  # what is tested is the outputs kept, not what they hold
    assert cli("build").exit_code == 0
    before = {p.name: p.read_bytes() for p in (project / "output").iterdir()}
    assert {"minimal.docx", "minimal.pdf"} <= set(before)
    guide = project / "content" / "minimal.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("alpha: yes", "alpha: maybe?:"),
                     encoding="utf-8")
    result = cli("build")
    assert result.exit_code == 1
    after = {p.name: p.read_bytes() for p in (project / "output").iterdir()}
    assert after == before


def test_unchanged_guide_is_not_rendered_again_unless_forced(project, cli):
    assert cli("build").stdout.startswith("wrote ")
    again = cli("build")
    assert again.exit_code == 0
    assert again.stdout.splitlines() == [
        "unchanged output/cmo-cdmo-cro.pdf  (2 pages, "
        f"{(project / 'output' / 'cmo-cdmo-cro.pdf').stat().st_size / 1000:.1f} kB)",
        "unchanged output/cmo-cdmo-cro.docx  ("
        f"{(project / 'output' / 'cmo-cdmo-cro.docx').stat().st_size / 1000:.1f} kB)"]
    assert cli("build", "--force").stdout.startswith("wrote ")


@pytest.mark.parametrize("change", ["content", "template", "option", "output"])
def test_any_changed_input_or_damaged_output_renders_again(project, cli, change):
    assert cli("build", "-f", "html").exit_code == 0
    args = ["build", "-f", "html"]
    if change == "content":
        guide = project / "content" / "cmo-cdmo-cro.yaml"
        guide.write_text(guide.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "template":
        (project / "mine").mkdir()
        (project / "mine" / "theme.yaml").write_text("paper: letter\n", encoding="utf-8")
        args += ["--templates", "mine"]
    elif change == "option":
        args += ["--paper", "letter"]
    else:
        (project / "output" / "cmo-cdmo-cro.html").write_text("edited by hand")
    assert cli(*args).stdout.startswith("wrote output/cmo-cdmo-cro.html")


@pytest.mark.parametrize("args", [("build", "--format", "odt"), ("build", "--paper", "a5"),
                                  ("nonsense",)])
def test_usage_errors_exit_2(project, cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_guide_file_is_a_content_error(project, cli):
    result = cli("check", "content/nope.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("content/nope.yaml: error: No such file or directory")


def test_unwritable_output_is_exit_4(project, cli):
    (project / "output" / "cmo-cdmo-cro.html").mkdir(parents=True)  # in the way
    result = cli("build", "--format", "html")
    assert result.exit_code == 4
    assert result.stderr.startswith("error: cannot write output/cmo-cdmo-cro.html: ")
    assert sorted(p.name for p in (project / "output").iterdir()) == ["cmo-cdmo-cro.html"]


def test_schema_is_json_schema_of_the_guide(cli):
    result = cli("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "guidegen guide file"
    assert set(schema["required"]) == {"guide", "intro", "subjects"}
    theme = json.loads(cli("schema", "--theme").stdout)
    assert "colors" in theme["properties"]


def test_library_api_matches_the_cli(project):
    import guidegen

    outputs = guidegen.build(options=guidegen.BuildOptions(formats=("html",), out="lib"))
    assert [o.path.name for o in outputs] == ["cmo-cdmo-cro.html"]
    assert guidegen.check()[0].guide.title == guidegen.load(
        "content/cmo-cdmo-cro.yaml").guide.title
