"""Keep the README honest: its quick start, CI's test command, its links to the user guide."""

from __future__ import annotations

import re

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


def test_the_installed_quick_start_is_what_the_install_test_runs():
    section = README.split("### Installed, in a folder of your own", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    assert commands[:3] == ["pip install .", "guidegen new my-guides",
                            "cd my-guides && guidegen build"]
    install_test = (ROOT / "tests" / "test_install.py").read_text(encoding="utf-8")
    assert '"new", "my-guides"' in install_test and '"--subjects",' in install_test


def test_the_readme_links_every_page_of_the_user_guide():
    import yaml

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]

    def pages(entries: list) -> list[str]:
        found = []
        for entry in entries:
            for value in entry.values() if isinstance(entry, dict) else [entry]:
                found += pages(value) if isinstance(value, list) else [value]
        return found

    linked = set(re.findall(r"\]\(docs/([a-z-]+\.md)", README))
    assert set(pages(nav)) - {"changelog.md"} - linked == set()
    assert all((ROOT / "docs" / page).is_file() for page in linked)


def test_the_readme_is_what_the_project_is_the_quick_start_and_links():
    sections = re.findall(r"(?m)^## (.+)$", README)
    assert sections == ["Quick start", "User guide", "Development"]
    assert len(README.splitlines()) < 120
