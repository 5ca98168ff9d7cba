"""Kept layouts: what the PDF renderer laid out, kept in the cache folder for the next.

guidegen.renderers.speed.layouts, behind ``renderers.pdf.steps.laid_pages``: a hit gives
the PDF and the facts a layout would; the key holds everything the layout and the write
read (each part changed misses); a damaged, unsealed or other key's entry is laid out
as usual; a layout that raised is not kept; ``--force`` lays out again.
"""

from __future__ import annotations

import datetime
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

import guidegen
from guidegen.caches import keep
from guidegen.common import remember
from guidegen.errors import GuidegenError, Location, Problem
from guidegen.renderers import RenderContext, Rendered
from guidegen.renderers.pdf import engine, prepare_layout, steps
from guidegen.renderers.pdf.fetcher import fetched_now
from guidegen.renderers.speed import layouts
from guidegen.theme import load_templates

from .conftest import DATA, DEFAULT_GUIDE, document_of


def png(red: int, green: int, blue: int) -> bytes:
    """Return a PNG of one pixel of this colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes([0, red, green, blue])))
            + chunk(b"IEND", b""))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return an empty cache folder this test's layouts are kept in."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(scope="module")
def layout() -> steps.Layout:
    """Return the layout of the small guide (built-in templates)."""
    templates = load_templates()
    return prepare_layout(document_of(guidegen.load(DATA / "minimal.yaml"), templates=templates),
                          RenderContext(templates))


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("layout-*.pickle"))


def counted() -> tuple[int, int]:
    return layouts.STATE["hits"], layouts.STATE["misses"]


def kept_key(layout: steps.Layout) -> str:
    """Return the key ``layout`` is kept by where its facts hold no trace of its files."""
    return layouts.key(layouts.moved_layout(layout), steps._engine_key(layout))


def moved(layout: steps.Layout, folder: str) -> steps.Layout:
    """Return ``layout`` of the same guide read from files in ``folder``."""
    return replace(layout, sources=tuple(replace(place, file=folder + Path(place.file).name)
                                         for place in layout.sources),
                   fallback=replace(layout.fallback,
                                    file=folder + Path(layout.fallback.file).name))


def places(value: object) -> set[str]:
    """Return the files of the places in ``value`` (facts: data classes and tuples)."""
    if isinstance(value, Location):
        return {value.file}
    if isinstance(value, tuple):
        return set().union(*(places(item) for item in value))
    if hasattr(value, "__dataclass_fields__"):
        return set().union(*(places(getattr(value, name)) for name in value.__dataclass_fields__))
    return set()


def laid(layout: steps.Layout) -> tuple[Rendered, Rendered]:
    """Return the facts and the PDF of ``layout`` (through the kept layouts)."""
    facts, write = steps.laid_pages(layout)
    return facts, write()


def test_a_hit_gives_the_same_pdf_and_facts(cache, layout):
    fresh = laid(replace(layout, fresh=True))
    assert entries(cache) == []  # fresh: nothing kept
    hits, misses = counted()
    first = laid(layout)
    assert counted() == (hits, misses + 1) and len(entries(cache)) == 1
    second = laid(layout)
    assert counted() == (hits + 1, misses + 1)
    assert first == second == fresh
    assert first[1].data.startswith(b"%PDF") and first[0].data == b""
    assert first[1].pages == fresh[1].pages and first[1].page_map == fresh[1].page_map


def test_the_guide_from_other_files_takes_the_layout_with_its_own_places(cache, layout):
    """The files a layout's places name are not in its key where its facts hold no trace
    of them (the same guide in another project): a hit gives the PDF and facts a miss
    gives, each place in the current layout's files."""
    there = moved(layout, "/elsewhere/project/")
    here = laid(layout)
    hits, misses = counted()
    taken = laid(there)
    assert counted() == (hits + 1, misses) and len(entries(cache)) == 1
    fresh = laid(replace(there, fresh=True))
    assert taken == fresh and taken[1].data == here[1].data
    assert places(taken) == {place.file for place in there.sources} | {there.fallback.file}
    assert places(here) == {place.file for place in layout.sources} | {layout.fallback.file}
    assert laid(layout) == here and counted() == (hits + 2, misses)


@pytest.mark.parametrize("trace", ["named", "elsewhere"])
def test_facts_with_a_trace_of_a_file_are_kept_by_it(cache, layout, trace):
    """A warning whose text names the guide's file, or a place in a file the layout's
    places do not name: kept by the files, so the guide from other files misses."""

    def lay(each: steps.Layout) -> tuple[Rendered, steps.Writer]:
        facts, write = steps._laid_pages(each)
        where = each.fallback if trace == "named" else Location("/project/theme.yaml", 3)
        text = f"see {each.fallback.file}" if trace == "named" else "see the theme"
        warning = Problem(where, text, "", "warning")
        return (replace(facts, warnings=(warning,)),
                lambda: replace(write(), warnings=(warning,)))

    def laid_here(each: steps.Layout) -> tuple[Rendered, Rendered]:
        facts, write = layouts.laid_pages(each, lay, steps._engine_key, fetched_now)
        return facts, write()

    here = laid_here(layout)
    assert laid_here(layout) == here  # kept, and taken
    hits, misses = counted()
    there = moved(layout, "/elsewhere/project/")
    taken = laid_here(there)
    assert counted() == (hits, misses + 1) and len(entries(cache)) == 2
    assert taken[1].warnings == laid_here(replace(there, fresh=True))[1].warnings


def test_facts_kept_unwritten_then_written_on_a_hit(cache, layout):
    facts, _ = steps.laid_pages(layout)  # a fitting try: never written
    path = entries(cache)[0]
    assert remember.recall(path, kept_key(layout),
                           layouts._MAX, layouts._HELD)[2] is None  # facts only
    hits = counted()[0]
    again, write = steps.laid_pages(layout)
    assert again == facts and counted()[0] == hits + 1
    pdf = write()  # laid out again and written, then kept with its bytes
    assert pdf == laid(replace(layout, fresh=True))[1]
    assert laid(layout)[1] == pdf and counted()[0] == hits + 2


def test_the_kept_layouts_stay_within_their_bound(cache, layout, monkeypatch):
    monkeypatch.setattr(layouts, "_KEEP", 2)  # (each new file drops past it)
    dated = [replace(layout, html=layout.html.replace("</body>", f"<p>{n}</p></body>"))
             for n in range(3)]
    for each in dated:
        steps.laid_pages(each)  # facts kept, a new file each
    kept = [remember.recall(path, kept_key(each), layouts._MAX,
                            layouts._HELD) is not None
            for each in dated for path in entries(cache)]
    assert len(entries(cache)) == 2 and sum(kept) == 2  # the first dropped, the last two kept
    assert not any(kept[:2])


def test_the_key_changes_with_every_part_of_the_layout(layout):
    engine_key = steps._engine_key(layout)
    keys = {layouts.key(layout, engine_key)}
    assert layouts.key(replace(layout), engine_key) in keys  # the same, made again
    assert layouts.key(replace(layout, fresh=True), engine_key) in keys  # --force: not a part
    changed = [
        replace(layout, html=layout.html.replace("</body>", "<p>one more</p></body>")),
        replace(layout, variant="pdf/a-3b"),
        replace(layout, date=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC)),
        replace(layout, attachments=(("guide.yaml", b"title: x\n"),)),
        replace(layout, attachments=(("guide.yaml", b"title: y\n"),)),
        replace(layout, sources=layout.sources[:-1]),
        replace(layout, fallback=replace(layout.fallback, file="other.yaml")),
        replace(layout, limits=replace(layout.limits, page=0.5)),
        replace(layout, limits=replace(layout.limits, mark_words=frozenset({"Ja"}))),
        replace(layout, digest="0" * 64),  # the template folders' files
        replace(layout, folders=(Path("/elsewhere"),)),
    ]
    for other in changed:
        keys.add(layouts.key(other, engine_key))
    keys.add(layouts.key(layout, engine_key + " "))  # what the engine adds
    assert len(keys) == len(changed) + 2


def test_the_key_holds_the_sets_in_one_order():
    """A set's order follows the process's string hashes: not the key's."""
    script = (
        "from guidegen.errors import Location\n"
        "from guidegen.renderers.pdf.handoff import Layout\n"
        "from guidegen.renderers.pdf.limits import Limits\n"
        "from guidegen.renderers.speed.layouts import key\n"
        "words = frozenset('Yes No Ja Nein Oui Non Si Hai Iie Tak Nie'.split())\n"
        "limits = Limits(column_chars=5.0, ch=0.5, mark_words=words)\n"
        "print(key(Layout('<p>x</p>', (), None, (), Location('a.yaml'), limits), ''))\n")
    keys = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2", "3")}
    assert len(keys) == 1 and len(keys.pop()) == 65


def test_the_engine_key_holds_the_installed_fonts(layout, tmp_path, monkeypatch):
    found = engine.fontconfig_files((layout.folders, layout.digest))
    assert any(Path(path).is_dir() for path in found)  # fontconfig's font folders
    assert any(path.endswith(".conf") for path in found)  # and its configuration files
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    monkeypatch.setattr(engine, "fontconfig_files", lambda _: [str(fonts)])
    before = steps._engine_key(layout)
    (fonts / "new.ttf").write_bytes(b"\0")  # a font installed: the folder's status changes
    os.utime(fonts, ns=(1, 1))
    after = steps._engine_key(layout)
    assert after != before
    assert steps._engine_key(replace(layout, variant="pdf/a-3b")) != after  # the options


def test_the_key_holds_the_code(layout, tmp_path, monkeypatch):
    package = tmp_path / "guidegen"
    package.mkdir()
    (package / "module.py").write_text("x = 1\n")
    monkeypatch.setattr(remember, "_PACKAGE", package)
    remember.code.cache_clear()
    try:
        before = layouts.key(layout, "")
        os.utime(package / "module.py", ns=(1, 1))
        remember.code.cache_clear()
        assert layouts.key(layout, "") != before
    finally:
        monkeypatch.undo()
        remember.code.cache_clear()


def test_a_fetched_file_changed_misses(cache, layout, tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "logo.png").write_bytes(png(255, 0, 0))
    shutil.copytree(layout.folders[0], folder, dirs_exist_ok=True)
    shown = replace(layout, folders=(folder,), html=layout.html.replace(
        "</body>", '<img src="logo.png" alt="logo"></body>'))
    red = laid(shown)
    assert laid(shown) == red
    hits, misses = counted()
    (folder / "logo.png").write_bytes(png(0, 0, 255))
    blue = laid(shown)
    assert counted() == (hits, misses + 1)
    assert blue[1] == laid(replace(shown, fresh=True))[1] != red[1]
    (folder / "logo.png").unlink()
    with pytest.raises(GuidegenError):  # refused now: laid out again, and it says so
        laid(shown)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "unsealed", "foreign", "malformed"])
def test_a_damaged_or_foreign_entry_is_laid_out_again(cache, layout, damage):
    expected = laid(layout)
    path = entries(cache)[0]
    data = path.read_bytes()
    if damage == "truncated":
        keep(path, data[:-100])
    elif damage == "garbage":
        keep(path, data[:64] + bytes(len(data) - 64))
    elif damage == "unsealed":
        path.unlink()
        path.write_bytes(data)  # the same bytes, another inode: its seal does not match
        path.chmod(0o600)
    elif damage == "foreign":  # another key's entry, sealed and whole, with another PDF
        remember.remember(path, "another key", (replace(expected[0], pages=99), (),
                                                b"%PDF-other"), layouts._MAX)
    else:  # this key's, sealed and whole, not what is kept
        stored = pickle.loads(data[64:])[0]
        remember.remember(path, stored, (expected[0], "urls", None), layouts._MAX)
    hits, misses = counted()
    assert laid(layout) == expected
    assert counted() == (hits, misses + 1)


def test_a_layout_that_raised_is_not_kept(cache, layout):
    refused = replace(layout, html=layout.html.replace(
        "</body>", '<img src="https://example.com/logo.png" alt="x"></body>'))
    with pytest.raises(GuidegenError, match="refused"):
        laid(refused)
    assert entries(cache) == []

    def failing_write(layout: steps.Layout):
        facts, _ = steps._laid_pages(layout)

        def write() -> Rendered:
            raise GuidegenError("no glyph")

        return facts, write

    _, write = layouts.laid_pages(layout, failing_write, steps._engine_key, steps.fetched_now)
    assert len(entries(cache)) == 1  # its facts, until the write
    with pytest.raises(GuidegenError):
        write()
    assert entries(cache) == []


def test_force_lays_out_again(project, cli, cache):
    """A kept entry with another PDF (sealed, whole, this key) is what a build takes,
    unless ``--force``: then it lays out again."""
    assert cli("build", "--format", "pdf").exit_code == 0
    made = (project / "output" / "cmo-cdmo-cro.pdf").read_bytes()
    planted = 0
    for path in entries(cache):
        stored, (facts, urls, data) = pickle.loads(path.read_bytes()[64:])
        if data is not None:
            planted += remember.remember(path, stored, (facts, urls, b"%PDF-kept" + data[4:]),
                                         layouts._MAX)
    assert planted
    assert cli("build", "--format", "pdf", "--out", "again").exit_code == 0
    assert (project / "again" / "cmo-cdmo-cro.pdf").read_bytes().startswith(b"%PDF-kept")
    assert cli("build", "--format", "pdf", "--out", "forced", "--force").exit_code == 0
    assert (project / "forced" / "cmo-cdmo-cro.pdf").read_bytes() == made


def test_the_default_guide_is_keyed_without_the_project_folder(project):
    """Its layout holds no trace of the project's folder: a hit across projects."""
    templates = load_templates()
    made = prepare_layout(document_of(guidegen.load(project / "content" / DEFAULT_GUIDE.name),
                                      templates=templates), RenderContext(templates))
    assert str(project) not in repr(made)


@pytest.mark.parametrize("library", ["PIL", "lxml"])
def test_the_key_holds_the_libraries_a_layout_runs(layout, tmp_path, monkeypatch, library):
    # Pillow decodes and re-encodes the images' streams, lxml parses the built-in markup
    # (speed.parse): one upgraded alone changes a fresh PDF, so it must miss a kept one
    module = tmp_path / "__init__.py"
    module.write_text("x = 1\n")
    found = layouts.importlib.util.find_spec

    def spec(name: str, *args: object) -> object:
        if name == library:
            return layouts.importlib.util.spec_from_file_location(name, module)
        return found(name, *args)

    monkeypatch.setattr(layouts.importlib.util, "find_spec", spec)
    layouts._libraries.cache_clear()
    try:
        before = layouts.key(layout, "")
        module.write_text("x = 22\n")
        layouts._libraries.cache_clear()
        assert layouts.key(layout, "") != before
    finally:
        monkeypatch.undo()
        layouts._libraries.cache_clear()


def test_the_key_holds_the_text_libraries_pango_maps():
    # libthai and libdatrie break Thai lines, Graphite shapes a Graphite font: Pango and
    # HarfBuzz load them with WeasyPrint, and an upgrade of one changes a fresh layout
    engine.load()
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
        loaded = maps.read()
    held = layouts._libraries()
    for name in ("libpango", "libharfbuzz", "libthai", "libdatrie", "libgraphite2"):
        assert (name in held) == (name in loaded), name
