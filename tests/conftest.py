"""Shared fixtures: a project folder to build in, the CLI runner, the test guides."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from guidegen import BuildOptions

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
DEFAULT_GUIDE = ROOT / "content" / "cmo-cdmo-cro.yaml"
TRANSLATIONS = [ROOT / "content" / f"cmo-cdmo-cro.{language}.yaml" for language in ("de", "ja")]
JOBS_1 = BuildOptions(jobs=1)  # everything in the calling process
# the PDF laid out by the helper process, whatever the CPUs
JOBS_2 = BuildOptions(jobs=2, jobs_over_cpus=True)


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
    """Return a function that runs ``guidegen ARGS`` in-process and returns click's result."""
    from guidegen.cli import main

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


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
    """Outputs of one build, and the WeasyPrint warnings logged while making them."""

    def __init__(self, folder: Path, outputs: list, warnings: list[str]) -> None:
        self.folder = folder
        self.outputs = {(o.path.stem, o.format): o for o in outputs}
        self.warnings = warnings

    def path(self, stem: str, fmt: str) -> Path:
        return self.outputs[(stem, fmt)].path


def build_logged(folder: Path, guides: list[Path], **options: object) -> Built:
    """Build ``guides`` into ``folder``, collecting every WeasyPrint warning logged."""
    import logging

    import guidegen

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
        outputs = guidegen.build([str(g) for g in guides],
                                 guidegen.BuildOptions(out=folder, force=True, **options))
    finally:
        logger.removeHandler(handler)
    return Built(folder, outputs, handler.messages)


GUIDES = [DEFAULT_GUIDE, DATA / "five-subjects.yaml"]
# Fixtures made to go wrong: five-mistakes does not load; eight-sites-portrait forces a
# matrix too wide for upright pages, so its material numbers break without a hyphen.
BROKEN = {"five-mistakes", "eight-sites-portrait"}
GOOD_FIXTURES = [DEFAULT_GUIDE, *(p for p in sorted(DATA.glob("*.yaml")) if p.stem not in BROKEN)]


@pytest.fixture(scope="session")
def a4(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return both test guides built on A4 in every format."""
    return build_logged(tmp_path_factory.mktemp("a4"), GUIDES)


@pytest.fixture(scope="session")
def letter(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return both test guides built on US Letter in every format."""
    return build_logged(tmp_path_factory.mktemp("letter"), GUIDES, paper="letter")


def document_of(guide, **options):
    """Return the document tree of a loaded ``guide``, laid out with the built-in templates."""
    from guidegen.layout.guide import layout_guide
    from guidegen.theme import load_templates

    return layout_guide(guide, load_templates(), **options)


def comparisons_heading(guide) -> str:
    """Return the heading the layout gives the comparisons part of ``guide``."""
    from guidegen.tree import Heading

    return next(block.text for block in document_of(guide).walk()
                if isinstance(block, Heading) and block.anchor == "comparisons")
