"""The user guide (docs/, mkdocs): it builds strictly, with pictures of real pages made at
build time and never committed; every YAML example is valid; every command on it runs.
"""

from __future__ import annotations

import contextlib
import copy
import importlib.util
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from unittest import mock

import pytest

from .conftest import PATIENCE, ROOT
from .readers import yaml_1_2

DOCS = ROOT / "docs"
SCHEMA_NAMES = ("guide", "packet", "theme", "project", "styles")
FOREIGN = ("github-actions", "kubernetes")  # examples of other tools' files
PAGES = sorted(DOCS.glob("*.md"))


def hook_module() -> ModuleType:
    """Return the docs build's hook module (docs/hooks/guidegen_docs.py)."""
    spec = importlib.util.spec_from_file_location("guidegen_docs",
                                                  DOCS / "hooks" / "guidegen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


HOOK = hook_module()


def docs_env(tmp_path: Path) -> dict[str, str]:
    """Return the environment of a docs build that writes nothing into the checkout.

    Bytecode is kept only where ``PYTHONPYCACHEPREFIX`` puts it (``./dev test`` sets it,
    outside the sources): the processes the build starts (a transcript's shell) then
    compile nothing an earlier run compiled. Without a prefix, none is written beside the
    sources.
    """
    env = {**os.environ, "GUIDEGEN_DOCS_CACHE": str(tmp_path / "cache"),
           "NO_MKDOCS_2_WARNING": "1"}
    if not env.get("PYTHONPYCACHEPREFIX"):
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of the site ``mkdocs build --strict`` made.

    Built as ``mkdocs build`` builds it (its configuration loaded, then its build), in
    this process: a new one would import mkdocs, its theme, guidegen and WeasyPrint and
    load the fonts again, which this test process has done (conftest.warm_forks). The
    environment is the build's while it runs (``docs_env``), and the working folder the
    checkout; a warning fails it (strict). What mkdocs loads as the hook module is
    ``HOOK`` again after it.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    work = tmp_path_factory.mktemp("docs")
    with mock.patch.dict(os.environ, docs_env(work), clear=True), contextlib.chdir(ROOT):
        try:
            config = load_config(config_file=str(ROOT / "mkdocs.yml"),
                                 site_dir=str(work / "site"), strict=True)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        finally:
            sys.modules[HOOK.__name__] = HOOK
    return work / "site"


def classes(info: str) -> tuple[str, list[str]]:
    """Return a fence's language and its classes: ``{ .yaml .guide }`` -> yaml, [guide]."""
    if info.startswith("{"):
        names = re.findall(r"(?<![\w\"])\.([\w-]+)", re.sub(r'"[^"]*"', '""', info))
        return (names[0] if names else ""), names[1:]
    return info.split()[0] if info else "", []


def page_fences(page: Path) -> list:
    return list(HOOK.fences(page.read_text(encoding="utf-8")))


# -- the site ---------------------------------------------------------------------------

def test_the_site_builds_strictly_with_a_picture_for_every_picture_fence(site):
    from PIL import Image

    wanted = sum(fence.info == "picture" for page in PAGES for fence in page_fences(page))
    assert wanted >= 7
    listed = json.loads((site / "pictures" / "index.json").read_text(encoding="utf-8"))
    assert len(listed) == wanted
    for name in set(listed):
        with Image.open(site / name) as picture:
            assert picture.format == "PNG" and picture.width >= 400, name  # 0.75 of a page
            gray = picture.convert("L")
            assert gray.getextrema()[0] < 80, f"{name}: nothing printed on it"
    html = (site / "writing-a-guide" / "index.html").read_text(encoding="utf-8")
    assert html.count('class="page-picture"') >= 6
    assert "```picture" not in html and "source: content/" not in html


def test_a_picture_holds_the_lines_from_its_anchor_to_the_next(site):
    """The matrix's crop holds its heading and rows, and stops above the next part."""
    import pypdfium2

    # the PDF the site's pictures of this guide are drawn from (built with no options)
    built = HOOK.build_folder(site.parent / "cache" / "project", ())
    picture = HOOK.Picture("x.md:1", {"source": "content/deviation-capa-change.yaml",
                                      "page": 2, "from": "Which one do I open?",
                                      "to": "Who owns the record", "alt": "x"})
    document = pypdfium2.PdfDocument(str(built / "deviation-capa-change.pdf"))
    page = HOOK.page_of(document, picture, "x.pdf")
    above, below = HOOK.crop_of(page, picture)
    shown = page.get_textpage().get_text_bounded(0, below, page.get_width(),
                                                  page.get_height() - above)
    assert shown.lstrip().startswith("Which one do I open?")
    assert "Situations and processes" in shown and "Typical time to close" in shown
    assert "Key to the marks" in shown and "Who owns the record" not in shown
    assert "Change control (Change)" not in shown  # the subject above it
    picture.spec["to"] = ["Which one do I open?", 2]
    with pytest.raises(HOOK.PluginError, match="fewer than 2 lines on the page start with"):
        HOOK.crop_of(page, picture)
    document.close()


def test_no_picture_is_committed():
    tracked = subprocess.run(["git", "ls-files", "docs"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    assert not [name for name in tracked if name.endswith((".png", ".jpg", ".svg"))]
    assert "/build/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_a_picture_whose_anchor_is_not_on_the_page_fails_the_build(site):
    PluginError = HOOK.PluginError  # noqa: N806
    # the site's example project: its build for pictures without options is up to date
    # (made by the site's build), so the build here renders nothing and the drawing fails
    pictures = HOOK.Pictures(site.parent / "cache" / "project")
    fence = HOOK.Fence(0, 4, "picture", "source: content/cmo-cdmo-cro.yaml\npage: 1\n"
                       "from: No such words\nalt: x")
    with pytest.raises(PluginError, match="no line on the page starts with 'No such words'"):
        pictures.make([pictures.read(fence, "x.md:1")])
    with pytest.raises(PluginError, match="unknown picture keys"):
        pictures.read(HOOK.Fence(0, 2, "picture", "source: a\npage: 1\nalt: b\nsize: 2"),
                      "x.md:1")


def test_fences_inside_another_fence_are_left_alone():
    text = "````markdown\n```picture\nsource: x\n```\n````\n\n```picture\na: 1\n```\n"
    found = list(HOOK.fences(text))
    assert [(f.info, f.body) for f in found] == [("markdown", "```picture\nsource: x\n```"),
                                                 ("picture", "a: 1")]


# -- every YAML example is valid against the schema it names -----------------------------

def included(text: str) -> str:
    """Return ``text`` with each ``--8<-- "FILE[:SECTION]"`` line replaced as snippets does."""
    def include(match: re.Match[str]) -> str:
        name, _, section = match.group(2).partition(":")
        for base in (DOCS / "examples", ROOT):
            if (base / name).is_file():
                lines = (base / name).read_text(encoding="utf-8").splitlines()
                break
        else:
            raise AssertionError(f"no snippet {name}")
        if section:
            start = next(n for n, line in enumerate(lines) if f"[start:{section}]" in line)
            end = next(n for n, line in enumerate(lines) if f"[end:{section}]" in line)
            lines = lines[start + 1:end]
        return "\n".join(match.group(1) + line for line in lines if "--8<--" not in line)

    return re.sub(r'(?m)^([ \t]*)--8<-- "([^"]+)"$', include, text)


def yaml_examples() -> list[tuple[str, str, list[str], str]]:
    """Return each YAML fence of the pages: where, its language, classes and text."""
    found = []
    for page in PAGES:
        for fence in page_fences(page):
            language, names = classes(fence.info)
            if language == "yaml":
                found.append((f"{page.name}:{fence.start + 1}", language, names,
                              included(fence.body)))
    return found




def test_a_transcript_line_runs_as_a_shell_runs_it(tmp_path):
    # the docs build runs guidegen in its own process and moves for cd itself: a cd into
    # no folder fails the line, as bash's does, instead of the build; globs, braces and
    # a lone & are the shell's (bash runs those lines)
    (tmp_path / "here").mkdir()
    env = HOOK.reader_env()
    (tmp_path / "here" / "a.txt").write_text("a")
    for line in ("cd here && guidegen --version", "cd nowhere && guidegen --version",
                 "cd here && guidegen check a.tx?", "guidegen check here/{a,b}.txt",
                 "guidegen check here/[a].txt", "cd here && guidegen --version&"):
        shell = subprocess.run(["bash", "-c", line], cwd=tmp_path, capture_output=True,
                               text=True, env=env)
        assert HOOK.run_line(line, tmp_path) == (shell.returncode,
                                                 shell.stdout + shell.stderr)


def test_every_yaml_example_names_its_schema():
    examples = yaml_examples()
    assert len(examples) >= 10
    for where, _, names, _ in examples:
        kinds = [n for n in names if n != "fragment"]
        assert (kinds and all(n in SCHEMA_NAMES for n in kinds)) or \
            (len(kinds) == 1 and kinds[0] in FOREIGN), \
            f"{where}: name the schema: ``` {{ .yaml .guide }} ({', '.join(SCHEMA_NAMES)})"


def optional_everywhere(schema: object) -> object:
    """Return ``schema`` with no key required at any depth; what keys there are checked."""
    if isinstance(schema, dict):
        return {key: optional_everywhere(value) for key, value in schema.items()
                if key != "required"}
    if isinstance(schema, list):
        return [optional_everywhere(value) for value in schema]
    return schema


def test_every_yaml_example_is_valid_against_the_shipped_schemas():
    import jsonschema

    def schema_of(name: str) -> dict:
        return json.loads((ROOT / "src" / "guidegen" / "schema" / f"{name}.schema.json")
                          .read_text(encoding="utf-8"))

    checked = 0
    for where, _, names, text in yaml_examples():
        data = yaml_1_2(text)
        for name in (n for n in names if n in SCHEMA_NAMES):
            schema = schema_of(name)
            if "fragment" in names:  # some keys of a file (an override: at any depth)
                schema = optional_everywhere(copy.deepcopy(schema))
                if data is None:  # only comments
                    continue
            errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in
                      jsonschema.Draft202012Validator(schema).iter_errors(data)]
            assert errors == [], f"{where}: not a valid {name} file: {errors}"
            checked += 1
    assert checked >= 10


def test_the_schema_check_finds_a_mistake():
    import jsonschema

    schema = json.loads((ROOT / "src" / "guidegen" / "schema" / "guide.schema.json")
                        .read_text(encoding="utf-8"))
    schema.pop("required", None)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(
        yaml_1_2(included('guide:\n--8<-- "content/deviation-capa-change.yaml:guide"\n'
                          'subjects: 3'))))


# -- every command on a page runs ------------------------------------------------------

def commands(page: Path) -> list[str]:
    """Return the lines of the page's ``sh`` fences, in order (not those run elsewhere)."""
    lines = []
    for fence in page_fences(page):
        language, names = classes(fence.info)
        if language == "sh" and "elsewhere" not in names:
            lines += [line for line in fence.body.splitlines() if line.strip()]
    return lines


def test_the_commands_run_elsewhere_are_install_and_shell_set_up_only():
    elsewhere = {page.name: [fence.body.split()[0] for fence in page_fences(page)
                             if "elsewhere" in classes(fence.info)[1]] for page in PAGES}
    assert {name: found for name, found in elsewhere.items() if found} == {
        "getting-started.md": ["sudo", "brew", "wsl", "eval", "_GUIDEGEN_COMPLETE=fish_source"],
    }


def run_line(line: str, cwd: Path, env: dict[str, str]) -> tuple[Path, int, str]:
    """Run one documented command line as a reader's shell would; return the folder it
    leaves the shell in, its status and what it printed (its last part, on success).

    ``guidegen`` runs in this process through click's runner (the page's commands are
    about what guidegen does, not about starting it: the installed command is tested
    below), with the line's ``NAME=value`` prefixes in its environment; ``cd`` moves the
    shell; any other command, and a line with the shell's own syntax (``$``, pipes,
    redirections), runs in bash. ``&&`` runs the next part only after success.
    """
    from click.testing import CliRunner

    from guidegen.cli import main

    if set(line) & set("$`|;<>()*"):  # the shell's own work: all of it in bash
        ran = subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True,
                             text=True, timeout=PATIENCE)
        return cwd, ran.returncode, ran.stdout + ran.stderr
    words = shlex.split(line)
    status, printed = 0, ""
    while words:
        part = words[:words.index("&&")] if "&&" in words else words
        words = words[len(part) + 1:]
        assigned = dict(word.split("=", 1) for word in itertools.takewhile(
            lambda word: re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", word) is not None, part))
        command = part[len(assigned):]
        if command[0] == "cd":
            cwd, printed = cwd / command[1], ""
            continue
        if command[0] != "guidegen":
            ran = subprocess.run(["bash", "-c", shlex.join(part)], cwd=cwd, env=env,
                                 capture_output=True, text=True, timeout=PATIENCE)
            status, printed = ran.returncode, ran.stdout + ran.stderr
        else:
            os.chdir(cwd)
            result = CliRunner().invoke(main, command[1:], env=assigned,
                                        catch_exceptions=False)
            status, printed = result.exit_code, result.output
        if status != 0:
            return cwd, status, printed
    return cwd, 0, printed


@pytest.mark.parametrize("page", [page for page in PAGES if commands(page)],
                         ids=lambda page: page.name)
def test_every_command_on_the_page_runs(page, tmp_path, monkeypatch, request):
    cwd = HOOK.example_project(tmp_path / "project")
    shared = page.name == "packets.md"
    if shared:
        # the page builds the example packet alone, then for its roster: what conftest's
        # example_roster builds once per run (through the API, read by the packet tests).
        # Its folder is the output folder here, so each build on the page must find every
        # file it would write already written with its inputs (packet, guides, roster,
        # options, templates: each file's key): the command as written makes those very
        # files. The roster built from the command line is rendered in test_packets.
        shutil.copytree(request.getfixturevalue("example_roster"),
                        cwd / "output" / "new-starter")
    (tmp_path / "home").mkdir()
    env = {**HOOK.reader_env(), "HOME": str(tmp_path / "home")}
    for name in set(os.environ) - set(env):
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    for line in commands(page):
        cwd, status, printed = run_line(line, cwd, env)
        assert status == 0, f"{page.name}: {line}\n{printed}"
        if shared and "guidegen build" in line:
            assert "unchanged output/new-starter/" in printed, f"{line}\n{printed}"
            assert "\nwrote " not in f"\n{printed}", f"{line}: built again\n{printed}"


def test_shell_completion_works_through_the_installed_command():
    env = {**os.environ, "_GUIDEGEN_COMPLETE": "bash_complete",
           "COMP_WORDS": "guidegen build --paper ", "COMP_CWORD": "3"}
    guidegen = Path(sys.executable).parent / "guidegen"
    completed = subprocess.run([str(guidegen)], env=env, capture_output=True, text=True)
    assert completed.stdout.split() == ["plain,a4", "plain,letter"]
    for shell, marker in (("zsh", "#compdef guidegen"), ("fish", "complete --no-files")):
        script = subprocess.run([str(guidegen)], capture_output=True, text=True, env={
            **os.environ, "_GUIDEGEN_COMPLETE": f"{shell}_source"}).stdout
        assert marker in script, shell


# -- the reference parts: commands, options, exit codes ----------------------------------

def test_every_command_is_documented_and_every_documented_command_exists():
    from guidegen.cli import main

    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`guidegen ([a-z-]+)", text)) - {"--version"}
    assert documented == set(main.commands)


def test_the_option_table_lists_every_option_the_code_declares():
    from guidegen.cli import main

    table = HOOK.option_table()
    for param in main.commands["build"].params:
        for flag in param.opts:
            if flag.startswith("--"):
                assert f"`{flag}" in table or f", {flag}" in table, flag
    assert "| `-j, --jobs N` | Processes that may render at once;" in table
    assert "| `--paper a4\\|letter` |" in table and "Default: `120`." in table
    assert "| `--shard K/N\\|auto[/N]` |" in table


def test_the_exit_table_says_every_exit_code():
    from guidegen.errors import EXIT_CODES

    table = HOOK.exit_table()
    for code in EXIT_CODES.values():
        assert f"| `{code}` |" in table, code


def test_the_label_table_has_every_key_with_its_english_text():
    from guidegen.common.labels import LabelTexts

    table = HOOK.label_table()
    assert len(table.splitlines()) == len(LabelTexts.model_fields) + 2
    assert "| `packet_page` | Packet page {page} of {pages} | The page number across a " \
           "whole packet. Takes {page}, {pages}. |" in table


def test_the_restyling_example_is_a_style_sheet_that_restyles():
    from guidegen.theme import load_templates

    styles = load_templates(DOCS / "examples" / "restyle").styles
    builtin = load_templates().styles
    assert styles.paragraph("heading").size == 18 != builtin.paragraph("heading").size
    assert styles.paragraph("heading").border_after is None
    assert styles.spans["who"].italic and not builtin.spans["who"].italic
