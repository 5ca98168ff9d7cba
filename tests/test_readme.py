"""Keep the README honest: its quick start, its command list, and CI's test command."""

from __future__ import annotations

import re

from guidegen.cli import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_quick_start_is_two_commands_build_then_test():
    assert quick_start_commands() == ["./dev build", "./dev test"]


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == quick_start_commands()[1]
    assert (ROOT / ".ci" / "run").stat().st_mode & 0o111


def test_every_command_is_documented_and_every_documented_command_exists():
    documented = set(re.findall(r"`guidegen ([a-z-]+)", README)) - {"--version"}
    assert documented == set(main.commands)


def test_every_build_option_is_documented():
    for param in main.commands["build"].params:
        for flag in param.opts:
            if flag.startswith("--"):
                assert f"`{flag}" in README or f", {flag}" in README, flag


def test_documented_exit_codes_match_the_error_classes():
    from guidegen.errors import EXIT_CODES

    for code in EXIT_CODES.values():
        if code:
            assert f"`{code}`" in README, code


def test_the_installed_quick_start_is_what_the_install_test_runs():
    section = README.split("### Installed, in a folder of your own", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    assert commands[:3] == ["pip install .", "guidegen new my-guides",
                            "cd my-guides && guidegen build"]
    install_test = (ROOT / "tests" / "test_install.py").read_text(encoding="utf-8")
    assert '"new", "my-guides"' in install_test and '"--subjects",' in install_test


def test_the_restyling_example_is_a_valid_style_sheet_that_restyles(tmp_path):
    import json

    import jsonschema
    import yaml

    from guidegen.theme import load_templates

    section = README.split("## Restyling", 1)[1].split("\n## ", 1)[0]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    schema = json.loads((ROOT / "schema" / "styles.schema.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(
        yaml.safe_load(example))) == []
    (tmp_path / "styles.yaml").write_text(example, encoding="utf-8")
    styles, builtin = load_templates(tmp_path).styles, load_templates().styles
    assert styles.paragraph("heading").size == 18 != builtin.paragraph("heading").size
    assert styles.paragraph("heading").border_after is None
    assert styles.spans["who"].italic and not builtin.spans["who"].italic
