"""mkdocs hooks that make guidegen's user guide from the code, at every docs build.

The pages are Markdown with three kinds of fence this module replaces before Markdown
reads them (fences nested inside another fence are left alone, so the development page
can show them):

``picture``
    A YAML mapping naming a page of a real build: ``source`` (a guide or packet of the
    example project), ``page``, and optionally ``from``/``to`` (crop from the line where
    this text starts to the line where that one starts), ``templates``, ``paper``,
    ``pages`` (a page budget), ``roster``, ``shard`` (build only the recipient a roster
    picture shows: ``--shard K/N``), ``output`` (which PDF of a packet's folder),
    ``scale`` and ``alt``. The
    example project is built with guidegen (``--strict``: the examples build without a
    warning), the page drawn by pypdfium2, and the picture added to the site as a
    generated file: pictures are never committed.
``transcript``
    Lines ``$ COMMAND`` (optionally ending ``# exit N``): each runs in a fresh copy of the
    example project, in order, and the block shows it with what it printed. A command
    that exits otherwise than its ``# exit N`` (0 when not said) fails the docs build.
``guidegen-help``
    A command's name (``build``; empty: the group): its ``--help`` as printed.
``guidegen-table``
    The name of a table made from the code's declarations (:data:`TABLES`): the build
    options, the label keys, the message catalogues, the exit codes.

The *example project* is this repository's project (``guidegen.yaml``, ``content/``,
``packets/``) with ``docs/examples/`` laid over it, assembled in the cache folder
(``GUIDEGEN_DOCS_CACHE``, default ``build/docs`` in the checkout).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from guidegen.clidocs import option_table

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
PROJECT_PARTS = ("guidegen.yaml", "content", "packets")  # of the checkout's own project
PICTURE_KEYS = {"source", "page", "from", "to", "templates", "paper", "pages", "roster",
                "shard", "output", "scale", "alt"}
FENCE = re.compile(r"^(?P<indent> *)(?P<mark>`{3,}|~{3,})\s*(?P<info>[^`\n]*)$")
log = logging.getLogger("mkdocs.hooks.guidegen_docs")


@dataclass(frozen=True)
class Fence:
    """A top-level fenced block of a page: its lines ``[start, end]``, info and text.

    A fence inside a content tab or an admonition is indented: ``indent`` is taken off
    each line of ``body``, and put before each line that replaces it.
    """

    start: int
    end: int
    info: str
    body: str
    indent: str = ""


def fences(markdown: str) -> Iterator[Fence]:
    """Yield every top-level fenced block of ``markdown`` (not those nested in another)."""
    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, mark = opening.group("indent"), opening.group("mark")
        closing = re.compile(rf"^ {{{len(indent)},{len(indent) + 3}}}"
                             rf"{re.escape(mark[0])}{{{len(mark)},}}\s*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        body = [line.removeprefix(indent) for line in lines[index + 1:end]]
        yield Fence(index, end, opening.group("info").strip(), "\n".join(body), indent)
        index = end + 1


def replace_fences(markdown: str, replace: dict[str, Any]) -> str:
    """Return ``markdown`` with each fence whose info is a key of ``replace`` replaced.

    ``replace[info](fence)`` returns the Markdown that stands in its place.
    """
    lines = markdown.split("\n")
    for fence in reversed(list(fences(markdown))):
        if fence.info in replace:
            lines[fence.start:fence.end + 1] = [
                fence.indent + line if line else line
                for line in replace[fence.info](fence).split("\n")]
    return "\n".join(lines)


# -- the example project ------------------------------------------------------------------

def cache_folder() -> Path:
    """Return the folder the docs build keeps its builds in (made if missing)."""
    folder = Path(os.environ.get("GUIDEGEN_DOCS_CACHE") or ROOT / "build" / "docs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


def example_project(target: Path) -> Path:
    """Return ``target``, made (again) a copy of the example project."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in PROJECT_PARTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    shutil.copytree(EXAMPLES, target, dirs_exist_ok=True)
    (target / "schema").symlink_to(ROOT / "src" / "guidegen" / "schema")
    return target


def reader_env() -> dict[str, str]:
    """Return the environment of a reader's terminal: this one, less CI's and tests' own.

    ``guidegen`` is this Python's; no batch engine's shard variables (the docs may be
    built by one) and no test hook.
    """
    env = {name: value for name, value in os.environ.items() if name not in (
        "GUIDEGEN_TEST_HOOK", "CI_NODE_INDEX", "CI_NODE_TOTAL", "JOB_COMPLETION_INDEX")}
    env.update({"NO_COLOR": "1", "COLUMNS": "88",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"})
    return env


def guidegen(*args: str, cwd: Path) -> tuple[int, str, str]:
    """Return the exit status, standard output and error of ``guidegen ARGS`` run in ``cwd``.

    In this process, not a new one each (the pictures' builds, the transcripts): it is
    what guidegen does that the site shows, not its start (the installed command is tested
    in tests/test_docs.py and tests/test_install.py). Each run then starts with guidegen,
    WeasyPrint and the fonts already loaded by the one before (the site's four picture
    builds: 9.1-9.6 -> 7.6-8.5 s of CPU, load 9). The environment is a reader's
    (:func:`reader_env`: no test hook, no batch engine's shard variables) while it runs.
    """
    from click.testing import CliRunner

    from guidegen.cli import main

    with contextlib.chdir(cwd), _environment(reader_env()):
        result = CliRunner().invoke(main, list(args), prog_name="guidegen")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


_SHELL = set("$`|;<>()*?[]{}!\\'\"=~")  # what makes a line the shell's to read


def run_line(line: str, cwd: Path) -> tuple[int, str]:
    """Return the exit status of a reader's command ``line`` run in ``cwd``, and its output.

    The output: its standard output, then its standard error, as a captured shell's.
    ``guidegen ...`` runs in this process (:func:`guidegen`), ``cd`` moves the line's
    folder, ``&&`` runs the next part only after success; a line with the shell's own
    syntax (``$``, quotes, globs, braces, pipes, redirections, ``&``), and any other
    command, runs in bash.
    """
    def in_bash(command: str) -> tuple[int, str, str]:
        run = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True,
                             text=True, timeout=900, env=reader_env())
        return run.returncode, run.stdout, run.stderr

    if set(line) & _SHELL or any("&" in word and word != "&&" for word in line.split()):
        status, out, err = in_bash(line)
        return status, out + err
    words, status, out, err = line.split(), 0, "", ""
    while words and status == 0:
        part = words[:words.index("&&")] if "&&" in words else words
        words = words[len(part) + 1:]
        if part[0] == "cd" and len(part) == 2 and (cwd / part[1]).is_dir():
            cwd = cwd / part[1]
            continue  # (a folder that is not there: bash's cd says so and fails)
        status, printed, warned = (guidegen(*part[1:], cwd=cwd) if part[0] == "guidegen"
                                   else in_bash(" ".join(part)))
        out, err = out + printed, err + warned
    return status, out + err


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """Make ``env`` this process's environment while the block runs, then put it back."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# -- pictures ---------------------------------------------------------------------------

@dataclass
class Picture:
    """One ``picture`` fence: where it is, what it shows, and the file it becomes."""

    where: str
    spec: dict[str, Any]
    name: str = ""

    @property
    def build(self) -> tuple[str, ...]:
        """Return the options of the build that makes the picture's PDF."""
        options = []
        for key in ("templates", "paper", "pages", "roster", "shard"):
            if self.spec.get(key):
                options += [f"--{key}", str(self.spec[key])]
        return tuple(options)


@dataclass
class Pictures:
    """Every picture of the site, made once per docs build."""

    project: Path
    made: dict[str, Picture] = field(default_factory=dict)  # by the fence's text

    def read(self, fence: Fence, where: str) -> Picture:
        """Return the picture ``fence`` describes; raise PluginError naming ``where``."""
        try:
            spec = yaml.safe_load(fence.body)
        except yaml.YAMLError as exc:
            raise PluginError(f"{where}: a picture fence holds no YAML mapping: {exc}") from exc
        if not isinstance(spec, dict) or not {"source", "page", "alt"} <= set(spec):
            raise PluginError(f"{where}: a picture names its source, page and alt")
        if set(spec) - PICTURE_KEYS:
            raise PluginError(f"{where}: unknown picture keys {sorted(set(spec) - PICTURE_KEYS)}"
                              f" (known: {', '.join(sorted(PICTURE_KEYS))})")
        return Picture(where, spec)

    def make(self, pictures: list[Picture]) -> dict[str, bytes]:
        """Return the PNG of every picture by its site path, building what they show."""
        builds: dict[tuple[str, ...], list[Picture]] = {}
        for picture in pictures:
            builds.setdefault(picture.build, []).append(picture)
        made = {}
        for options, group in builds.items():
            out = build_folder(self.project, options)
            sources = sorted({str(p.spec["source"]) for p in group})
            # -j 1: the guides render in the build's own process, not in a pool of
            # workers each laying out again what it needs: the same bytes, less CPU (the
            # five guides without options 8.6-9.2 -> 6.5 s, load 4; a docs build mostly
            # runs beside other work: the test suite's two workers, or CI's)
            status, _, printed = guidegen("build", *sources, "-f", "pdf", "--strict", "-j",
                                          "1", "-o", str(out), *options, cwd=self.project)
            if status != 0:
                raise PluginError(f"{group[0].where}: guidegen build {' '.join(sources)} "
                                  f"{' '.join(options)} failed:\n{printed}")
            for picture in group:
                png = draw(pdf_of(out, picture), picture)
                picture.name = (f"pictures/{Path(picture.spec['source']).stem}-p"
                                f"{picture.spec['page']}-"
                                f"{hashlib.sha256(png).hexdigest()[:10]}.png")
                made[picture.name] = png
        return made


def build_folder(project: Path, options: tuple[str, ...]) -> Path:
    """Return the folder the pictures' build with ``options`` of ``project`` writes."""
    return project.parent / ("out-" + hashlib.sha256("\0".join(options).encode())
                             .hexdigest()[:12])


def pdf_of(out: Path, picture: Picture) -> Path:
    """Return the PDF a picture shows, in the build folder ``out``."""
    source = Path(picture.spec["source"])
    path = out / f"{source.stem}.pdf"
    if source.parts[0] == "packets" or picture.spec.get("output"):
        path = out / source.stem / str(picture.spec.get("output") or f"{source.stem}.pdf")
    if not path.is_file():
        raise PluginError(f"{picture.where}: the build wrote no {path.relative_to(out)}")
    return path


def draw(pdf: Path, picture: Picture) -> bytes:
    """Return the PNG of the picture's page of ``pdf``, cropped as it says."""
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        page = page_of(document, picture, pdf.name)
        above, below = crop_of(page, picture)
        image = trimmed(page.render(scale=float(picture.spec.get("scale", 1.5)),
                                    crop=(0, below, 0, above)).to_pil())
        stream = io.BytesIO()
        image.save(stream, "PNG", optimize=True)
        return stream.getvalue()
    finally:
        document.close()


def page_of(document: Any, picture: Picture, name: str) -> Any:
    """Return the page of pypdfium2's ``document`` (the PDF ``name``) the picture shows."""
    number = int(picture.spec["page"])
    if not 1 <= number <= len(document):
        raise PluginError(f"{picture.where}: {name} has {len(document)} pages, not a "
                          f"page {number}")
    return document[number - 1]


def crop_of(page: Any, picture: Picture) -> tuple[float, float]:
    """Return the points to cut off the top and the bottom of ``page`` for ``picture``.

    From a little above the line ``from`` starts to just above the line ``to`` starts.
    """
    height = page.get_height()
    top = line_top(page, picture.spec.get("from"), picture.where)
    bottom = line_top(page, picture.spec.get("to"), picture.where)
    above = 0.0 if top is None else max(height - top - 10, 0)
    below = 0.0 if bottom is None else bottom + 4
    if height - above - below < 20:
        raise PluginError(f"{picture.where}: 'to' is not below 'from' on the page")
    return above, below


def trimmed(image: Any, margin: int = 16) -> Any:
    """Return ``image`` without the blank paper above and below what is printed on it.

    The page's side margins stay, so pictures of one page line up with each other.
    """
    from PIL import ImageOps

    box = ImageOps.invert(image.convert("L")).getbbox()
    if box is None:
        return image
    return image.crop((0, max(box[1] - margin, 0), image.width,
                       min(box[3] + margin, image.height)))


def line_top(page: Any, anchor: str | list[Any] | None, where: str) -> float | None:
    """Return the top (in points from the bottom) of the line that ``anchor`` starts.

    ``anchor`` is a text, or ``[text, n]`` for its n-th occurrence at the start of a line
    (a heading after the same words in the contents); a text that starts no line is taken
    where it first is.
    """
    if not anchor:
        return None
    text, nth = (str(anchor[0]), int(anchor[1])) if isinstance(anchor, list) \
        else (str(anchor), 1)
    textpage = page.get_textpage()
    searcher = textpage.search(text, match_case=True)
    hits = []
    while (hit := searcher.get_next()) is not None:
        hits.append(hit[0])
    starts = [i for i in hits if i == 0 or textpage.get_text_range(i - 1, 1) in ("\n", "\r")]
    found = (starts or hits)[nth - 1:nth]
    if not found:
        raise PluginError(f"{where}: no line on the page starts with {text!r}" if nth == 1
                          else f"{where}: fewer than {nth} lines on the page start with "
                          f"{text!r}")
    first = found[0]
    return float(max(textpage.get_charbox(first + n)[3] for n in range(min(len(text), 8))))


# -- transcripts and help texts --------------------------------------------------------

def transcript(fence: Fence, project: Path, where: str) -> str:
    """Return a console block of the fence's commands run in ``project``, with their output."""
    shown = []
    for line in fence.body.splitlines():
        if not line.startswith("$ "):
            raise PluginError(f"{where}: a transcript holds only lines '$ COMMAND'")
        command, _, expected = line[2:].partition("# exit ")
        status, printed = run_line(command.strip(), project)
        want = int(expected or 0)
        if status != want:
            raise PluginError(f"{where}: `{command.strip()}` exited {status}, not "
                              f"{want}:\n{printed}")
        shown += [line.rstrip(), *printed.rstrip("\n").splitlines()]
    return "```console\n" + "\n".join(shown) + "\n```"


def help_text(fence: Fence, where: str) -> str:
    """Return ``guidegen COMMAND --help`` as printed 80 columns wide, in a text block."""
    from click.testing import CliRunner

    from guidegen.cli import main

    command = fence.body.split()
    result = CliRunner().invoke(main, [*command, "--help"], terminal_width=80,
                                prog_name="guidegen")
    if result.exit_code != 0:
        raise PluginError(f"{where}: guidegen {' '.join(command)} --help failed")
    return f"```text\n{result.output.rstrip()}\n```"




def label_table() -> str:
    """Return the table of every label key: its English text and what it is for."""
    from guidegen.common.labels import LabelTexts
    from guidegen.theme.locales import load_catalogue

    english = load_catalogue("en").labels
    rows = ["| Key | English | What it is |", "| --- | --- | --- |"]
    for key, spec in LabelTexts.model_fields.items():
        text = getattr(english, key).replace("|", "\\|")
        rows.append(f"| `{key}` | {text} | {spec.description} |")
    return "\n".join(rows)


def catalogue_table() -> str:
    """Return the table of the built-in catalogues: tag, language, who wrote it."""
    from guidegen.theme.locales import catalogue_tags, load_catalogue

    rows = ["| Tag | Language | Written by |", "| --- | --- | --- |"]
    for tag in sorted(catalogue_tags().values()):
        catalogue = load_catalogue(tag)
        rows.append(f"| `{tag}` | {catalogue.name} | {catalogue.written_by} |")
    return "\n".join(rows)


def exit_table() -> str:
    """Return the table of exit codes, from the error classes."""
    from guidegen.errors import EXIT_CODES

    rows = ["| Exit | Meaning |", "| --- | --- |"]
    meaning = {"ok": "success", "input": "a content, project, theme or template error",
               "usage": "a usage error (an option or argument)",
               "render": "rendering failed (time or memory limit, renderer)",
               "output": "an output file could not be written",
               "resource": "a font, template or folder guidegen needs is missing",
               "internal": "an internal error: a bug, please report it",
               "interrupted": "interrupted (Ctrl-C)"}
    for name, code in sorted(EXIT_CODES.items(), key=lambda item: item[1]):
        if name not in meaning:
            raise PluginError(f"the exit code {code} ({name}) has no meaning in exit_table")
        rows.append(f"| `{code}` | {meaning[name]} |")
    return "\n".join(rows)


TABLES = {"build-options": option_table, "labels": label_table,
          "catalogues": catalogue_table, "exit-codes": exit_table}


def table(fence: Fence, where: str) -> str:
    """Return the table the fence names."""
    name = fence.body.strip()
    if name not in TABLES:
        raise PluginError(f"{where}: no table {name!r} (known: {', '.join(TABLES)})")
    return TABLES[name]()


# -- the hooks ---------------------------------------------------------------------------

@dataclass
class Site:
    """What one docs build made: the pictures by fence, the transcripts' projects."""

    pictures: Pictures | None = None
    by_fence: dict[tuple[str, int], Picture] = field(default_factory=dict)  # page, ordinal
    transcripts: dict[str, Path] = field(default_factory=dict)


SITE = Site()


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Build every picture the pages show and add it to the site's files."""
    cache = cache_folder()
    SITE.pictures = pictures = Pictures(example_project(cache / "project"))
    SITE.by_fence, SITE.transcripts = {}, {}
    found = []
    for page in files.documentation_pages():
        markdown = Path(page.abs_src_path or "").read_text(encoding="utf-8")
        shown = (fence for fence in fences(markdown) if fence.info == "picture")
        for ordinal, fence in enumerate(shown):
            picture = pictures.read(fence, f"{page.src_uri}:{fence.start + 1}")
            SITE.by_fence[(page.src_uri, ordinal)] = picture
            found.append(picture)
    for name, png in pictures.make(found).items():
        files.append(File.generated(config, name, content=png))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig,
                     files: Files) -> str:
    """Replace the page's picture, transcript and help fences with what they stand for."""
    source = page.file.src_uri
    if SITE.pictures is None:
        raise PluginError("guidegen_docs: on_files did not run")
    ordinals = {fence.start: n for n, fence in enumerate(
        f for f in fences(markdown) if f.info == "picture")}

    def picture(fence: Fence) -> str:
        made = SITE.by_fence[(source, ordinals[fence.start])]
        link = posixpath.relpath(made.name, posixpath.dirname(source) or ".")
        alt = str(made.spec["alt"]).replace("]", "\\]")
        return f"![{alt}]({link}){{ .page-picture loading=lazy }}"

    def run(fence: Fence) -> str:
        if source not in SITE.transcripts:
            folder = cache_folder() / "transcripts" / re.sub(r"\W", "-", source)
            SITE.transcripts[source] = example_project(folder)
        return transcript(fence, SITE.transcripts[source], f"{source}:{fence.start + 1}")

    return replace_fences(markdown, {
        "picture": picture, "transcript": run,
        "guidegen-help": lambda fence: help_text(fence, f"{source}:{fence.start + 1}"),
        "guidegen-table": lambda fence: table(fence, f"{source}:{fence.start + 1}")})


def on_post_build(config: MkDocsConfig) -> None:
    """Say how many pictures the site has (the test reads the site itself)."""
    count = len(SITE.by_fence)
    log.info("guidegen_docs: %d pictures of real pages, %d pages with transcripts",
             count, len(SITE.transcripts))
    (Path(config.site_dir) / "pictures" / "index.json").write_text(
        json.dumps(sorted(p.name for p in SITE.by_fence.values())), encoding="utf-8")


