"""``check`` is ``build`` minus rendering: what build refuses, check refuses first."""

from __future__ import annotations

import shutil

import pytest

from .conftest import ROOT, write_yaml

NO_FONT = "fonts:\n  body: {family: No Such Font, word: X}\n"
FONT_MESSAGE = ("error: font 'No Such Font' is not installed, and the PDF would silently use "
                "another (install it, e.g. Debian's fonts-crosextra-carlito, fonts-dejavu-core "
                "and fonts-noto-cjk, or change fonts in theme.yaml)")


def templates(project, name, text):
    (project / "mine" / name).parent.mkdir(parents=True, exist_ok=True)
    return write_yaml((project / "mine" / name).parent, (project / "mine" / name).name, text)


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_theme_font_that_is_not_installed_fails_check_as_it_fails_build(project, cli,
                                                                          command):
    templates(project, "theme.yaml", NO_FONT)
    result = cli(command, "--templates", "mine")
    assert result.exit_code == 5
    assert result.stderr == FONT_MESSAGE + "\n"
    assert not (project / "output").exists()


def test_a_missing_script_font_is_checked_for_the_guides_that_need_it(project, cli):
    templates(project, "theme.yaml", "scripts:\n  japanese: {family: No Such Font, "
              "word: X}\n")
    assert cli("check", "--templates", "mine").exit_code == 0  # no Japanese guide
    shutil.copy(ROOT / "content" / "cmo-cdmo-cro.ja.yaml", project / "content")
    shutil.copytree(ROOT / "content" / "confirmed", project / "content" / "confirmed")
    result = cli("check", "--templates", "mine")
    assert result.exit_code == 5
    assert result.stderr == FONT_MESSAGE + "\n"


def test_fonts_are_not_asked_of_a_project_that_writes_only_html(project, cli):
    templates(project, "theme.yaml", NO_FONT)
    write_yaml(project, "guidegen.yaml", "formats: [html]\n")
    assert cli("check", "--templates", "mine").exit_code == 0
    assert cli("build", "--templates", "mine").exit_code == 0


VAI = ("ab.yaml:3:8: error: ꔀ (U+A500) ꔁ (U+A501): no installed font has these Vai "
       "characters, so they would print as empty boxes; install one (Debian: fonts-noto-core)")


@pytest.mark.parametrize("command", ["check", "build"])
def test_guide_text_no_font_has_fails_check_as_it_fails_build(project, cli, command):
    (project / "content" / "cmo-cdmo-cro.yaml").unlink()
    guide = (ROOT / "tests" / "data" / "minimal.yaml").read_text("utf-8")
    assert "intro: Two things compared.\n" in guide
    write_yaml(project / "content", "ab.yaml", guide.replace(
        "intro: Two things compared.", "intro: Two things compared ꔀ and ꔁꔀ, 日本."))
    result = cli(command)
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [f"content/{VAI}", "1 error in 1 file"]
    assert not (project / "output").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_template_syntax_error_fails_check_as_it_fails_build(project, cli, command):
    templates(project, "blocks/heading.html.j2", "<h2>\n{% if block.level %}\n</h2>\n")
    templates(project, "blocks/paragraph.html.j2", "{{ block.text | }}\n")
    result = cli(command, "--templates", "mine", "-f", "html") if command == "build" else \
        cli(command, "--templates", "mine")
    assert result.exit_code == 1
    if command == "check":  # every template at once
        assert result.stderr.splitlines() == [
            "mine/blocks/heading.html.j2:3: error: Unexpected end of template. Jinja was "
            "looking for the following tags: 'elif' or 'else' or 'endif'. The innermost "
            "block that needs to be closed is 'if'.",
            "mine/blocks/paragraph.html.j2:1: error: expected token 'name', got 'end of "
            "print statement'",
            "2 errors in 2 files"]
    else:
        assert result.stderr.startswith("mine/blocks/heading.html.j2:3: error: Unexpected "
                                        "end of template.")
    assert not (project / "output").exists()


def test_an_override_that_compiles_passes_check(project, cli):
    templates(project, "blocks/heading.html.j2",
              "<h{{ block.level + 1 }}>{{ block.text }}</h{{ block.level + 1 }}>\n")
    assert cli("check", "--templates", "mine").exit_code == 0


@pytest.fixture
def packets(project):
    shutil.copytree(ROOT / "packets", project / "packets")
    for name in ("cmo-cdmo-cro.de.yaml", "cmo-cdmo-cro.ja.yaml"):
        shutil.copy(ROOT / "content" / name, project / "content")
    shutil.copytree(ROOT / "content" / "confirmed", project / "content" / "confirmed")
    write_yaml(project, "guidegen.yaml", "packets: packets\n")
    return project


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize(("named", "found"), [
    (["content/cmo-cdmo-cro.yaml"], 0),  # guides only
    (["content"], 0),
    (["packets/new-starter.yaml", "packets/second.yaml"], 2),
])
def test_roster_needs_exactly_one_packet(packets, cli, command, named, found):
    shutil.copy(packets / "packets" / "new-starter.yaml", packets / "packets" / "second.yaml")
    result = cli(command, *named, "--roster", "packets/new-starter-roster.csv")
    assert result.exit_code == 2
    assert result.stderr == (f"error: --roster goes with exactly one packet file; {found} "
                             "were named or found\n")
    assert not (packets / "output").exists()


def test_roster_with_its_one_packet_checks(packets, cli):
    result = cli("check", "packets/new-starter.yaml", "--roster",
                 "packets/new-starter-roster.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok packets/new-starter.yaml  (3 guides, 5 recipients)\n"
