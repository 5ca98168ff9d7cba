"""The fit hint: the level a guide settled at last time, laid out beside its first layout.

A speed trick (:mod:`guidegen.builder.fithint`): what it may change is which process lays
out which level and when, never the bytes of an output. Each build here runs in this
process with a helper forked after the patches (which count the layouts in every
process), in a cache folder of its own holding only the hint planted.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import NamedTuple

import pytest

import guidegen
from guidegen.builder import fithint
from guidegen.builder.fitting import LADDER, Fit
from guidegen.builder.options import BuildOptions
from guidegen.builder.processes import PdfHelper, _may_twin

from .conftest import DATA, DEFAULT_GUIDE

KEY = "ab" * 32
FORMATS = ("pdf", "docx", "html")


def fit(key: str = KEY) -> Fit:
    """Return a fit that only names its hint (what fithint reads of it)."""
    return Fit(None, None, hint=key)  # type: ignore[arg-type]


def plant(folder: Path, text: str | bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / fithint.HINT_FILE).write_bytes(text.encode() if isinstance(text, str) else text)
    (folder / fithint.HINT_FILE).chmod(0o600)  # as the cache writes it (caches.trusted)


def test_a_hint_is_kept_by_its_key_and_written_only_when_it_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path / "cache"))
    assert fithint.hinted(fit()) is None  # no file yet
    fithint.remember(fit(), (0.75,))
    path = tmp_path / "cache" / fithint.HINT_FILE
    assert fithint.hinted(fit()) == (0.75,) and fithint.hinted(fit("cd" * 32)) is None
    written = path.stat()
    fithint.remember(fit(), (0.75,))  # the same: not written again
    assert path.stat().st_ino == written.st_ino and path.stat().st_mtime_ns == written.st_mtime_ns
    fithint.remember(fit(), (0.0,))  # no fit: kept, and no hint to lay out
    assert json.loads(path.read_text()) == {KEY: [0.0]} and fithint.hinted(fit()) is None
    for n in range(70):  # the latest 64 kept
        fithint.remember(fit(f"{n:064x}"), (0.5,))
    kept = json.loads(path.read_text())
    assert len(kept) == 64 and f"{69:064x}" in kept and f"{5:064x}" not in kept
    assert not fithint.hinted(Fit(None, None))  # type: ignore[arg-type]


def entries(*pairs: str) -> str:
    """Return a hint file's text of the given keys and levels, written as they are."""
    return "{" + ", ".join(f'"{key}": {levels}' for key, levels in zip(
        pairs[::2], pairs[1::2], strict=True)) + "}"


@pytest.mark.parametrize("text", [
    "not json", "[]", entries(KEY, "[0.75]")[:-1], entries("short", "[0.75]"),
    entries(KEY, "[0.3]"), entries(KEY, "[true]"), entries(KEY, "[0.75, 0.5]"),
    entries(KEY, '"0.75"'), entries(KEY, "[[0.75]]"), entries(KEY, "[0.75]", "cd" * 32, "[9]"),
    json.dumps({f"{n:064x}": [0.75] for n in range(65)} | {KEY: [0.75]}),
    json.dumps({KEY: [0.75]}) + " " * (1 << 16),
])
def test_a_hint_file_not_all_hints_is_ignored_whole(tmp_path, monkeypatch, text):
    # a project may come with its cache folder: a file too big, not JSON, or with one
    # entry that is not a hash and a level of the ladder gives no hint at all
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path))
    plant(tmp_path, text)
    assert fithint.hinted(fit()) is None
    plant(tmp_path, json.dumps({KEY: [0.75]}))
    assert fithint.hinted(fit()) == (0.75,)  # the same folder, a good file


def test_a_hint_file_someone_else_could_write_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path))
    plant(tmp_path, json.dumps({KEY: [0.75]}))
    os.chmod(tmp_path / fithint.HINT_FILE, 0o666)
    assert fithint.hinted(fit()) is None
    os.chmod(tmp_path / fithint.HINT_FILE, 0o600)
    os.rename(tmp_path / fithint.HINT_FILE, tmp_path / "elsewhere.json")
    (tmp_path / fithint.HINT_FILE).symlink_to(tmp_path / "elsewhere.json")
    assert fithint.hinted(fit()) is None


class Counted:
    """Counts, across the processes of an in-process build, what the hint may change."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import guidegen.renderers.docx.levels as levels
        import guidegen.renderers.pdf as pdf

        self.pids = multiprocessing.get_context("fork").Array("i", 16)  # who laid out
        self.made: list[tuple[float, ...]] = []  # levels this process laid a tree out at
        self.moved = 0  # DOCX bodies moved to another level
        laid_pages, document, swap = pdf.laid_pages, Fit.document, levels.swap_styles

        def counted_layout(*args, **kwargs):
            with self.pids.get_lock():
                self.pids[next(n for n, pid in enumerate(self.pids) if not pid)] = os.getpid()
            return laid_pages(*args, **kwargs)

        def counted_document(fit, levels, *args, **kwargs):
            self.made.append(levels)
            return document(fit, levels, *args, **kwargs)

        def counted_swap(*args):
            self.moved += 1
            return swap(*args)

        monkeypatch.setattr(pdf, "laid_pages", counted_layout)
        monkeypatch.setattr(Fit, "document", counted_document)
        monkeypatch.setattr(levels, "swap_styles", counted_swap)

    def build(self, guide: Path, cache: Path, out: Path, monkeypatch) -> dict[str, bytes]:
        """Return the outputs of a forced build of ``guide``, with a helper forked now."""
        monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(cache))
        self.pids[:] = [0] * len(self.pids)
        self.made.clear()
        self.moved = 0
        if PdfHelper._running is not None:
            PdfHelper._running.stop()
        try:
            guidegen.build([guide], BuildOptions(out=out, force=True, formats=FORMATS, jobs=2,
                                                 jobs_over_cpus=True))
        finally:
            if PdfHelper._running is not None:
                PdfHelper._running.stop()  # not to be reused with the patches in it
        return {path.name: path.read_bytes() for path in sorted(out.iterdir())
                if path.suffix[1:] in FORMATS}

    @property
    def layouts(self) -> list[int]:
        """Return the process of each layout, in turn."""
        return [pid for pid in self.pids if pid]


def kept_hint(cache: Path) -> tuple[str, tuple[float, ...]]:
    """Return the one hint a build kept in ``cache``."""
    (key, levels), = json.loads((cache / fithint.HINT_FILE).read_text()).items()
    return key, tuple(levels)


EPOCH = "1700000000"


@pytest.fixture
def epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


class Unhinted(NamedTuple):
    """A build of the default guide with no hint: its outputs, the hint it kept, what it
    laid out (``made``, ``layouts``: see :class:`Counted`) and how often it moved the DOCX."""

    outputs: dict[str, bytes]
    key: str
    levels: tuple[float, ...]
    made: list[tuple[float, ...]]
    layouts: list[int]
    moved: int


@pytest.fixture(scope="module")
def unhinted(tmp_path_factory: pytest.TempPathFactory) -> Unhinted:
    """Return the default guide built once with an empty cache, for the tests that plant
    a hint beside it (each plants its own in a cache of its own)."""
    folder = tmp_path_factory.mktemp("unhinted")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        counted = Counted(monkeypatch)
        outputs = counted.build(DEFAULT_GUIDE, folder / "fresh", folder / "alone", monkeypatch)
        key, levels = kept_hint(folder / "fresh")
        return Unhinted(outputs, key, levels, list(counted.made), counted.layouts,
                        counted.moved)


def test_the_twin_lays_out_the_hinted_level_beside_the_first_layout(
        tmp_path, monkeypatch, epoch, unhinted):
    # the default guide is fitted (three pages to two) at the level its fit model
    # predicts: a build without a hint lays that level out after its first layout, in
    # the helper, and moves the DOCX to it; with the hint its previous build kept, the
    # twin lays it out beside the first layout and the DOCX is written at it straight
    # away: no layout more, none after the first, the same bytes
    twin = _may_twin()
    alone, key, levels = unhinted.outputs, unhinted.key, unhinted.levels
    assert levels[0] in LADDER and unhinted.made == [levels] and unhinted.moved == 1
    if twin:  # its first layout, then that level's, both the helper's
        assert len(unhinted.layouts) == 2 and len(set(unhinted.layouts)) == 1
    counted = Counted(monkeypatch)
    plant(tmp_path / "hinted", json.dumps({key: list(levels)}))
    hinted = counted.build(DEFAULT_GUIDE, tmp_path / "hinted", tmp_path / "out", monkeypatch)
    assert hinted == alone and counted.made == [levels]  # made once, laid out once
    # where processes are forked, the twin laid the hinted level out and the DOCX was
    # written at it; spawned helpers (GUIDEGEN_PORTABLE=1) have no twin: no hint is read
    assert counted.moved == (0 if twin else 1)
    if twin:  # the layouts of forked helpers are counted (their first, then the twin's)
        assert len(counted.layouts) == len(set(counted.layouts)) == 2
    assert kept_hint(tmp_path / "hinted") == (key, levels)


@pytest.mark.parametrize("wrong", [0.25, 1.0, 1.5])
def test_a_wrong_hint_is_dropped_and_the_outputs_keep_their_bytes(
        tmp_path, monkeypatch, epoch, unhinted, wrong):
    # a level below the one the guide settles at, above it, past a small tightening
    # (another type size: the DOCX is written again; the default guide has no budget, so
    # its search stops at the small tightening, and every level past it, the tightest
    # too, is a hint it could never have kept, handled as this one): laid out by the
    # twin, dropped, and the search goes on as without a hint; the hint is put right
    counted = Counted(monkeypatch)
    alone, key, levels = unhinted.outputs, unhinted.key, unhinted.levels
    assert wrong != levels[0]
    plant(tmp_path / "hinted", json.dumps({key: [wrong]}))
    hinted = counted.build(DEFAULT_GUIDE, tmp_path / "hinted", tmp_path / "out", monkeypatch)
    assert hinted == alone
    assert counted.made == ([(wrong,), levels] if _may_twin() else [levels])
    if _may_twin():  # the hinted level's layout: one more
        assert len(counted.layouts) == 3
    assert kept_hint(tmp_path / "hinted") == (key, levels)


def test_a_hint_for_a_guide_that_keeps_its_first_layout_is_dropped(tmp_path, monkeypatch,
                                                                   epoch):
    # the minimal guide fits its page as it is: its first layout is kept; a hint planted
    # for it is laid out by the twin and dropped unread by any search
    counted = Counted(monkeypatch)
    guide = DATA / "minimal.yaml"
    alone = counted.build(guide, tmp_path / "fresh", tmp_path / "alone", monkeypatch)
    key, levels = kept_hint(tmp_path / "fresh")
    assert levels == (0.0,) and counted.made == []
    plant(tmp_path / "hinted", json.dumps({key: [0.5]}))
    hinted = counted.build(guide, tmp_path / "hinted", tmp_path / "out", monkeypatch)
    assert hinted == alone and counted.made == ([(0.5,)] if _may_twin() else [])
    if _may_twin():
        assert len(counted.layouts) == 2 and counted.moved == 1  # the DOCX moved back
    assert kept_hint(tmp_path / "hinted") == (key, (0.0,))
