"""Shared fixtures: a project folder to build in, the CLI runner, the test guides."""

from __future__ import annotations

import os
import pty
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner, Result

from guidegen import BuildOptions

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
DEFAULT_GUIDE = ROOT / "content" / "cmo-cdmo-cro.yaml"
TRANSLATIONS = [ROOT / "content" / f"cmo-cdmo-cro.{language}.yaml" for language in ("de", "ja")]
T = TypeVar("T")
# Builds run in many temporary projects: they share the repository's speed caches
# (renderers/speed/) rather than each start cold in its own .guidegen-cache/.
os.environ.setdefault("GUIDEGEN_CACHE_DIR", str(ROOT / ".guidegen-cache"))
# Seconds a wait on another process (chromium, a guidegen run) gives up after: a bound
# only a machine far slower than any CI runner reaches (the suite passes at load 30 on
# 2 cores); never slept, never a measure of speed.
PATIENCE = 600
JOBS_1 = BuildOptions(jobs=1)  # everything in the calling process
# the PDF laid out by the helper process, whatever the CPUs
JOBS_2 = BuildOptions(jobs=2, jobs_over_cpus=True)
# the same, each PDF laid out for real (force: never a kept layout, renderers/speed/layouts),
# for the tests of what happens in a layout (speed tricks, tries, helpers' answers)
FRESH_1 = BuildOptions(jobs=1, force=True)
FRESH_2 = BuildOptions(jobs=2, jobs_over_cpus=True, force=True)

# A suite started in the background of a non-interactive shell inherits Ctrl-C ignored, and
# every guidegen it starts would ignore it too (Python installs no KeyboardInterrupt then):
# the tests that press Ctrl-C need it delivered, wherever the suite was started from.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# pytest-xdist hands out whole files in collection order (see --no-loadscope-reorder in
# pyproject.toml), each worker its next file when it has two tests of its last one left.
# The files go out slowest first (longest processing time first), so that what is left at
# the end is small files that fill both workers to the same end, not one long file a
# worker runs while the other has nothing left. ``SLOW_FILES`` lead: they build the
# session fixtures (test_packets the example packet's, test_print_quality ``a4`` and
# ``letter``) that the next files read, one worker each. ``COSTS``: seconds a file took
# (its tests' wall on an idle machine, or their CPU where more; the suite at 2925ebd),
# rounded; a file not listed takes less than 2 s and goes after them, in its place.
SLOW_FILES = ("test_packets.py", "test_print_quality.py")
COSTS = {
    "test_rendering.py": 30, "test_packet_fitting.py": 24, "test_contract.py": 17,
    "test_docs.py": 16, "test_hardening.py": 15, "test_styles.py": 15, "test_speed_ua.py": 14,
    "test_install.py": 11, "test_lint.py": 9, "test_portable.py": 8, "test_preview.py": 8,
    "test_fit_hint.py": 7, "test_curricula.py": 7, "test_east_asian_docx.py": 7,
    "test_responsive.py": 7, "test_hyphenation.py": 7, "test_control_print.py": 7,
    "test_table_tails.py": 7, "test_editions.py": 6, "test_write_ahead.py": 6,
    "test_docx_levels.py": 6, "test_held_files.py": 5, "test_layout.py": 5, "test_edges.py": 5,
    "test_idle_helper.py": 5, "test_update.py": 5, "test_cache_trust.py": 5,
    "test_languages.py": 5, "test_speed_css_made.py": 4, "test_page_balance.py": 4,
    "test_speed_layouts.py": 4, "test_session.py": 4, "hostile/test_html.py": 4,
    "test_office.py": 4, "test_memory_ceiling.py": 4, "test_hostile_budgets.py": 4,
    "test_docx.py": 4, "test_hostile_writes.py": 4, "test_preflight.py": 4, "test_partial.py": 4,
    "test_painting.py": 3, "test_provenance.py": 3, "test_held_stderr.py": 3,
    "test_hostile_check.py": 3, "test_parse.py": 3, "test_printroom.py": 3,
    "test_structure.py": 3, "test_balance.py": 3, "test_import_roundtrip.py": 3,
    "test_import.py": 2, "test_starter.py": 2, "test_accessibility.py": 2, "test_fit_model.py": 2,
    "test_records.py": 2, "test_kept_references.py": 2,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the tests of ``SLOW_FILES`` first, then the other files by ``COSTS``, slowest
    first; each file's tests stay together, in their order."""
    tests = Path(__file__).parent

    def cost(item: pytest.Item) -> tuple[bool, int]:
        path = item.path
        name = path.relative_to(tests).as_posix() if path.is_relative_to(tests) else path.name
        return item.path.name not in SLOW_FILES, -COSTS.get(name, 0)

    items.sort(key=cost)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # node: xdist's WorkerController
    """Start (in the controller of xdist workers) the one LibreOffice the workers hand their
    conversions to, and name its folder to each worker (tests/office.py)."""
    from . import office

    node.workerinput[office.SHARED] = office.share()


def pytest_configure(config: pytest.Config) -> None:
    """In an xdist worker, hand the conversions to the controller's LibreOffice."""
    from . import office

    shared = getattr(config, "workerinput", {}).get(office.SHARED)
    if shared:
        office.use_shared(shared)


def pytest_sessionfinish() -> None:
    """End the LibreOffice this test process kept running for conversions (tests/office.py):
    in the controller of xdist workers, the one they shared (they have ended)."""
    from . import office

    office.stop()


@pytest.fixture(scope="session", autouse=True)
def warm_forks() -> bool:
    """Import the renderers (WeasyPrint with them) once in each test process, first thing.

    The PDF helper and the pool workers an in-process build forks then start with them
    imported, as those of a warm ``guidegen serve`` do, instead of each importing
    WeasyPrint anew: about 0.6 s of CPU a fork, and a run forks over a hundred. Builds
    in ``guidegen`` subprocesses and spawned processes (``GUIDEGEN_PORTABLE=1``) start
    cold as ever. The outputs are the same bytes (test_rendering checks it). Return
    whether it warmed them (where processes are forked).
    """
    from guidegen import system
    from guidegen.common.language import Language
    from guidegen.renderers import RENDERERS

    if system.start_method() != "fork":
        return False
    for renderer in RENDERERS.values():
        renderer.warm_up(Language.of("en"))
    return True


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a temporary project folder holding the default guide, as the working folder.

    Only the English guide: the tests of translations copy theirs (see ``TRANSLATIONS``).
    """
    (tmp_path / "content").mkdir()
    shutil.copy(DEFAULT_GUIDE, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def hook() -> Iterator[Callable[[str], None]]:
    """Return :func:`guidegen.testhook.arm` for builds in this process; disarmed after."""
    from guidegen import testhook

    yield testhook.arm
    testhook.arm(None)


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Return a function that runs ``guidegen -q ARGS`` in-process and returns click's result.

    Quiet: standard error holds only the problems (no progress, no closing summary, which
    tests/test_console.py tests); standard output the results, as without ``-q``.
    """
    from guidegen.cli import main

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["-q", *args], catch_exceptions=False)

    return run


def on_a_terminal(*args: str, cwd: Path | None = None, **env: str) -> tuple[int, str]:
    """Return the status of ``guidegen ARGS`` run on a pseudo-terminal, and what it wrote.

    Standard output and error both go to the terminal; ``NO_COLOR`` only if given.
    """
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
    process = subprocess.Popen([sys.executable, "-m", "guidegen", *args], cwd=cwd,
                               stdin=follower, stdout=follower, stderr=follower,
                               env=environment)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's last writer has gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(), b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def hooked(spec: str) -> dict[str, str]:
    """Return this process's environment with ``GUIDEGEN_TEST_HOOK=spec``.

    A guidegen started with it stops where ``spec`` says (see :mod:`guidegen.testhook`).
    """
    return {**os.environ, "GUIDEGEN_TEST_HOOK": spec}


def paused(process: subprocess.Popen[bytes], count: int = 1) -> list[int]:
    """Return the ids of the ``count`` processes of ``process`` a ``pause`` hook stopped.

    Reads ``process``'s standard error up to the hook's ``count``-th line, so it waits
    exactly until they are there; fails if the process ends first.
    """
    assert process.stderr is not None
    found: list[int] = []
    while len(found) < count:
        line = process.stderr.readline().decode()
        assert line, f"the process ended before the hook stopped it: {process.wait()}"
        if line.startswith("guidegen test hook: "):
            found.append(int(line.split()[-1]))
    return found


def exited(pid: int, timeout: float = 120.0) -> bool:
    """Return True once process ``pid`` has ended (or is gone); False after ``timeout`` s.

    Waits on the kernel's notice that it ended (a pidfd), never by checking again and
    again; the timeout only bounds a machine far slower than any CI runner.
    """
    import select

    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([handle], [], [], timeout)[0])
    finally:
        os.close(handle)


def write_yaml(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` as ``folder/name`` and return the path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


class Built:
    """Outputs of one build, and the warnings made while making them.

    ``warnings`` are WeasyPrint's logged warnings; ``problems`` guidegen's own (located)
    warnings, as text.
    """

    def __init__(self, folder: Path, outputs: list, warnings: list[str],
                 problems: list[str] | None = None) -> None:
        self.folder = folder
        self.outputs = {(o.path.stem, o.format): o for o in outputs}
        self.warnings = warnings
        self.problems = problems or []

    def path(self, stem: str, fmt: str) -> Path:
        return self.outputs[(stem, fmt)].path


def build_logged(folder: Path, guides: list[Path], **options: object) -> Built:
    """Build ``guides`` into ``folder``, collecting every warning (WeasyPrint's and ours)."""
    import logging

    import guidegen
    from guidegen.errors import collect_warnings

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    handler = Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        options.setdefault("formats", ("pdf", "docx", "html"))
        with collect_warnings() as found:
            outputs = guidegen.build([str(g) for g in guides],
                                     guidegen.BuildOptions(out=folder, force=True, **options))
    finally:
        logger.removeHandler(handler)
    return Built(folder, outputs, handler.messages, [str(problem) for problem in found])


def once_per_run(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """Return ``make(folder)``, made once per test run even with several xdist workers.

    The first worker to ask makes it in a folder all workers share, the others wait for
    it on a file lock (no polling) and read what it made (pickled). Tests only read it.
    """
    import fcntl
    import pickle

    if "PYTEST_XDIST_WORKER" not in os.environ:
        return make(factory.mktemp(name))
    shared = factory.getbasetemp().parent  # the run's folder, above each worker's own
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        made = shared / name / ".made.pickle"
        if not made.exists():
            (shared / name).mkdir()
            made.write_bytes(pickle.dumps(make(shared / name)))
        return pickle.loads(made.read_bytes())


# Fixtures made to go wrong: five-mistakes does not load; eight-sites-portrait forces a
# matrix too wide for upright pages, so its material numbers break without a hyphen.
BROKEN = {"five-mistakes", "eight-sites-portrait"}
GOOD_FIXTURES = [DEFAULT_GUIDE, *(p for p in sorted(DATA.glob("*.yaml")) if p.stem not in BROKEN)]


# The session's builds of several guides render them in this process (jobs=1), not in a
# pool of workers: the same bytes, warnings and page counts (compared file by file), for
# less CPU: A4 14.0-14.5 -> 12.7 s, the translations 4.3 -> 3.2 s (load 7-9). The pool is
# tested where it is the point (test_portable, test_hardening, test_rendering).
@pytest.fixture(scope="session")
def a4(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return every good fixture built on A4 in every format, once per test run."""
    return once_per_run(tmp_path_factory, "a4",
                        lambda folder: build_logged(folder, GOOD_FIXTURES, paper="a4", jobs=1))


@pytest.fixture(scope="session")
def letter(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return every good fixture built on US Letter in every format, once per test run."""
    return once_per_run(tmp_path_factory, "letter",
                        lambda folder: build_logged(folder, GOOD_FIXTURES, paper="letter",
                                                    jobs=1))


# the example packet with lines to fill in, and one recipient's (test_packets.PACKETS)
EXAMPLE_SHOWN = ("new-starter", "2026-12-08-Tanaka-Yuki")


def copy_project(folder: Path) -> Path:
    """Return ``folder``, holding a copy of the example project's guides and packets."""
    shutil.copytree(ROOT / "content", folder / "content")
    shutil.copytree(ROOT / "packets", folder / "packets")
    return folder


@pytest.fixture(scope="session")
def example_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the packet folder of the example packet built alone, then for its roster.

    Made once per test run (PDF and DOCX, the default formats, the roster's recipients
    composed in two worker processes whatever the CPUs); tests only read it.
    """
    import guidegen

    def make(folder: Path) -> Path:
        copy_project(folder)
        options = BuildOptions(out=folder / "out", content=folder / "content", root=folder,
                               force=True, jobs=2, jobs_over_cpus=True)
        packet = folder / "packets" / "new-starter.yaml"
        guidegen.build([packet], options)
        guidegen.build([packet], options.replace(
            roster=folder / "packets" / "new-starter-roster.csv"))
        return folder / "out" / "new-starter"

    return once_per_run(tmp_path_factory, "example-roster", make)


@pytest.fixture(scope="session")
def three_roles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the example project, its packet with test_curricula's curricula and
    roster ``hires.csv`` of ``test_curricula.ROWS`` (three roles, a recipient each: each
    laid out whole), built once per test run as ``guidegen build packets/new-starter.yaml
    --roster hires.csv -f pdf --print-room --allow-draft -j 1`` builds it there (into
    ``output/``). test_curricula and test_printroom read it (the latter builds a copy again).
    """
    import guidegen

    from .test_curricula import ROWS, with_curricula
    from .test_packets import write_roster

    def make(folder: Path) -> Path:
        packet = with_curricula(copy_project(folder))
        guidegen.build([packet], BuildOptions(
            out=folder / "output", content=folder / "content", root=folder, jobs=1,
            formats=("pdf",), roster=write_roster(folder, ROWS), allow_draft=True,
            print_room="2"))
        return folder

    return once_per_run(tmp_path_factory, "three-roles", make)


@pytest.fixture
def no_rules_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the test start with no style rule kept, nor any saved stylesheet or made rule
    read (guidegen.renderers.speed.css: test_idle_helper, test_speed_css_made)."""
    from guidegen.renderers.speed import css as speed_css

    monkeypatch.setattr(speed_css, "_RULES", type(speed_css._RULES)())
    monkeypatch.setattr(speed_css, "_SAVED", {})
    monkeypatch.setattr(speed_css, "_STORED", {})
    monkeypatch.setattr(speed_css, "_LAID", type(speed_css._LAID)(maxlen=speed_css._LAID_KEPT))


def composed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Return a list that records, for each PDF rendered in this process with a shared
    layout, whether its pages were composed from it (False: laid out whole)."""
    from guidegen.renderers.pdf import compose as module

    calls: list[bool] = []
    original = module.compose

    def spy(document, context):
        result = original(document, context)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(module, "compose", spy)
    return calls


@pytest.fixture(scope="session")
def example_shards(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[bool]]]:
    """Return the packet folder of the example roster built in three shards (1, 2 and 2
    rows: Okafor alone, laid out whole; then two whose recipients share a layout), and what
    ``composed`` recorded of each shard's PDFs.

    Made once per test run, each shard in the making process (jobs 1: its files equal those
    the whole roster's two processes made; PDF and DOCX). Three shards have a first, a
    middle and a last one, as more would; each lays out and fits the packet's guides again.
    test_shards merges them, test_packets compares them with ``example_roster``.
    """
    import guidegen

    def make(folder: Path) -> tuple[Path, list[list[bool]]]:
        copy_project(folder)
        calls = []
        for index in (1, 2, 3):
            options = BuildOptions(out=folder / "sharded", formats=("pdf", "docx"),
                                   roster=folder / "packets" / "new-starter-roster.csv",
                                   shard=f"{index}/3", jobs=1, root=folder,
                                   content=folder / "content")
            with pytest.MonkeyPatch.context() as patch:
                calls.append(composed(patch))
                guidegen.build([folder / "packets" / "new-starter.yaml"], options)
        return folder / "sharded" / "new-starter", calls

    return once_per_run(tmp_path_factory, "example-shards", make)


@pytest.fixture(scope="session")
def example_libreoffice(example_roster: Path, tmp_path_factory: pytest.TempPathFactory
                        ) -> dict[str, Path]:
    """Return, by stem, LibreOffice's PDF of the DOCX of the example packet built alone and
    of one recipient's (``example_roster``), converted once per test run."""
    from .readers import libreoffice_pdfs

    def convert(folder: Path) -> dict[str, Path]:
        documents = [example_roster / f"{stem}.docx" for stem in EXAMPLE_SHOWN]
        converted = libreoffice_pdfs(documents, folder, folder / "profile")
        return {document.stem: pdf for document, pdf in converted.items()}

    return once_per_run(tmp_path_factory, "example-libreoffice", convert)


@pytest.fixture(scope="session")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the default guide's translations built in every format, once per test run."""
    return once_per_run(tmp_path_factory, "translated",
                        lambda folder: build_logged(folder, TRANSLATIONS, jobs=1))


@pytest.fixture(scope="session")
def japanese_libreoffice(translated: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return LibreOffice's PDF of the Japanese default guide's DOCX (of ``translated``),
    converted once per test run."""
    from .readers import libreoffice_pdfs

    def convert(folder: Path) -> Path:
        document = translated.path("cmo-cdmo-cro.ja", "docx")
        return libreoffice_pdfs([document], folder, folder / "profile")[document]

    return once_per_run(tmp_path_factory, "japanese-libreoffice", convert)


@pytest.fixture(scope="session")
def docx_alone(a4: Built, translated: Built, tmp_path_factory: pytest.TempPathFactory
               ) -> Callable[[Path], Path]:
    """Return a function giving the DOCX of a guide rendered alone, made once per test run.

    A good fixture's is the one of ``a4``, a translation's the one of ``translated`` (a
    DOCX built alone is that DOCX byte for byte: tests/test_print_quality.py), others' are
    rendered once (in one worker) on first use. Tests only read them.
    """
    import guidegen
    from guidegen.content.loader import load

    def render(source: Path, folder: Path) -> Path:
        path = folder / f"{source.stem}.docx"
        guide = load(source, translations=False)
        path.write_bytes(guidegen.render(guide, ["docx"], JOBS_1)["docx"].data)
        return path

    def of(source: Path) -> Path:
        if source in GOOD_FIXTURES:
            return a4.path(source.stem, "docx")
        if source in TRANSLATIONS:
            return translated.path(source.stem, "docx")
        return once_per_run(tmp_path_factory, f"alone-{source.stem}",
                            lambda folder: render(source, folder))

    return of


@pytest.fixture(scope="session")
def one_process(tmp_path_factory: pytest.TempPathFactory, a4: Built
                ) -> Callable[[Path], dict[str, bytes]]:
    """Return a function giving the PDF and DOCX of the guide at a path rendered in one
    process (``JOBS_1``), by format, made once per test run: what the tests of the PDF
    helper compare its outputs with (test_rendering, test_write_ahead). Tests only read them.

    A good fixture's are ``a4``'s files, which that build made in this way (jobs=1, the
    theme's A4): the same bytes as a render of its own (compared for the default guide,
    minimal, qa-qc-one-page and acht-dienstleister), not made a second time.
    """
    import functools

    import guidegen

    def render(path: Path) -> dict[str, bytes]:
        rendered = guidegen.render(guidegen.load(path), ["pdf", "docx"], JOBS_1)
        return {name: output.data for name, output in rendered.items()}

    @functools.cache
    def of(path: Path) -> dict[str, bytes]:
        if path in GOOD_FIXTURES:
            return {name: a4.path(path.stem, name).read_bytes() for name in ("pdf", "docx")}
        return once_per_run(tmp_path_factory, f"one-process-{path.stem}",
                            lambda folder: render(path))

    return of


def libreoffice_of(built: Built, factory: pytest.TempPathFactory, name: str) -> dict[str, Path]:
    """Return, by stem, the PDF LibreOffice makes of each DOCX of ``built``, once per run.

    One LibreOffice process converts them all.
    """
    from .readers import libreoffice_pdfs

    def convert(folder: Path) -> dict[str, Path]:
        documents = [path for (stem, fmt), path in sorted(
            (key, output.path) for key, output in built.outputs.items()) if fmt == "docx"]
        converted = libreoffice_pdfs(documents, folder, folder / "profile")
        return {document.stem: pdf for document, pdf in converted.items()}

    return once_per_run(factory, name, convert)


@pytest.fixture(scope="session")
def a4_libreoffice(a4: Built, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return, by stem, LibreOffice's PDF of each DOCX of ``a4``."""
    return libreoffice_of(a4, tmp_path_factory, "a4-libreoffice")


@pytest.fixture(scope="session")
def letter_libreoffice(letter: Built, tmp_path_factory: pytest.TempPathFactory
                       ) -> dict[str, Path]:
    """Return, by stem, LibreOffice's PDF of each DOCX of ``letter``."""
    return libreoffice_of(letter, tmp_path_factory, "letter-libreoffice")


def document_of(guide, language="en", templates=None, **options):
    """Return the document tree of a loaded ``guide``, laid out with the built-in templates.

    ``language`` is the project's (the guide's own wins), ``templates`` others.
    """
    from guidegen.common.language import Language
    from guidegen.layout.guide import layout_guide
    from guidegen.layout.labels import labels_for
    from guidegen.theme import load_templates

    templates = templates or load_templates()
    labels = labels_for(guide, templates, Language.of(language))
    return layout_guide(guide, templates, labels, **options)


def comparisons_heading(guide) -> str:
    """Return the heading the layout gives the comparisons part of ``guide``."""
    from guidegen.tree import Heading

    return next(block.text for block in document_of(guide).walk()
                if isinstance(block, Heading) and block.anchor == "comparisons")
