"""Keep the README honest: its quick start, its command list, and CI's test command."""

from __future__ import annotations

import re

from guidegen.cli import main
from guidegen.clidocs import option_table

from .conftest import ROOT
from .readers import yaml_1_2

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
    example = re.search(r"```yaml[^\n]*\n(.*?)```", section, re.S).group(1)
    schema = json.loads((ROOT / "schema" / "styles.schema.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(
        yaml.safe_load(example))) == []
    (tmp_path / "styles.yaml").write_text(example, encoding="utf-8")
    styles, builtin = load_templates(tmp_path).styles, load_templates().styles
    assert styles.paragraph("heading").size == 18 != builtin.paragraph("heading").size
    assert styles.paragraph("heading").border_after is None
    assert styles.spans["who"].italic and not builtin.spans["who"].italic


# -- parts generated from the code: `python -m tests.test_readme` rewrites them --------------

GENERATED = re.compile(r"(<!-- generated: (?P<name>[a-z-]+) [^\n]*-->\n)(?P<body>.*?)"
                       r"(<!-- end of generated part -->)", re.S)




def help_of(*command: str) -> str:
    """Return ``guidegen COMMAND --help`` as printed 80 columns wide, in a text block."""
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=80,
                                prog_name="guidegen")
    assert result.exit_code == 0, result.output
    return f"```text\n{result.output}```\n"


def generated_parts() -> dict[str, str]:
    """Return every part of the README generated from the code, by its marker's name."""
    return {"build-options": option_table() + "\n", "help": help_of(),
            "check-help": help_of("check")}


def regenerated(text: str) -> str:
    """Return the README ``text`` with every generated part made again from the code."""
    parts = generated_parts()
    return GENERATED.sub(lambda m: m.group(1) + parts[m.group("name")] + m.group(4), text)


def test_the_generated_parts_are_the_codes():
    found = [m.group("name") for m in GENERATED.finditer(README)]
    assert sorted(found) == sorted(generated_parts())
    assert regenerated(README) == README, "run `python -m tests.test_readme` to regenerate"


def test_the_option_table_lists_what_the_code_declares():
    table = option_table()
    assert "| `-j, --jobs N` | Processes that may render at once;" in table
    assert "| `--paper a4\\|letter` |" in table and "Default: `120`." in table


# -- every YAML example is valid against the schema it names ---------------------------------

SCHEMA_NAMES = ("guide", "packet", "theme", "project", "styles")
FOREIGN = ("github-actions",)  # examples of other tools' files


def yaml_examples() -> list[tuple[int, list[str], str]]:
    """Return each ```yaml block of the README: its line, the words after yaml, its text."""
    return [(README[:m.start()].count("\n") + 1, m.group(1).split(), m.group(2))
            for m in re.finditer(r"(?m)^```yaml([^\n]*)\n(.*?)^```", README, re.S)]




def test_every_yaml_example_names_its_schema():
    examples = yaml_examples()
    assert len(examples) >= 7
    for line, words, _ in examples:
        names = [w for w in words if w != "fragment"]
        known = bool(names) and all(n in SCHEMA_NAMES for n in names)
        assert known or (len(names) == 1 and names[0] in FOREIGN), \
            f"README.md:{line}: name the schema after ```yaml ({', '.join(SCHEMA_NAMES)})"


def test_every_yaml_example_is_valid_against_the_shipped_schemas():
    import copy
    import json

    import jsonschema

    from guidegen.theme.folders import package_folder

    schemas = {name: json.loads((package_folder("schema") / f"{name}.schema.json")
                                .read_text(encoding="utf-8")) for name in SCHEMA_NAMES}
    checked = 0
    for line, words, text in yaml_examples():
        data = yaml_1_2(text)
        for name in (w for w in words if w in SCHEMA_NAMES):
            schema = schemas[name]
            if "fragment" in words:  # some keys of a file: each as the file would hold it
                schema = copy.deepcopy(schema)
                schema.pop("required", None)
            errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in
                      jsonschema.Draft202012Validator(schema).iter_errors(data)]
            assert errors == [], f"README.md:{line}: not a valid {name} file: {errors}"
            checked += 1
    assert checked >= 7


def test_the_schema_check_finds_a_mistake():
    import json

    import jsonschema

    from guidegen.theme.folders import package_folder

    schema = json.loads((package_folder("schema") / "project.schema.json").read_text())
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(
        yaml_1_2("jobs: 0\npaper: a5\n")))


if __name__ == "__main__":  # rewrite the README's generated parts
    (ROOT / "README.md").write_text(regenerated(README), encoding="utf-8")
