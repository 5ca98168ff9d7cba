"""Each font's subset, kept in the cache folder and read back by the next PDF.

guidegen.renderers.speed.subsets, installed over WeasyPrint's ``Font._harfbuzz_subset``:
what is read is what HarfBuzz made, the key names everything the subset depends on, and
a stale, damaged, foreign or planted file changes no PDF and fails no build.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import guidegen
from guidegen import BuildOptions
from guidegen.caches import keep
from guidegen.renderers.speed import import_weasyprint, subsets

from .conftest import DATA

GUIDE = "minimal.yaml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return an empty cache folder the PDFs of this test keep their subsets in."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(folder))
    import_weasyprint()
    if not subsets._STATE["installed"]:
        pytest.fail("the subsets are not kept here (WeasyPrint 70.0, Linux, HarfBuzz)")
    return folder


def pdf_of(name: str = GUIDE) -> bytes:
    fresh = BuildOptions(jobs=1, force=True)  # laid out for real (speed/layouts)
    return guidegen.render(guidegen.load(DATA / name), ["pdf"], fresh)["pdf"].data


def kept_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("subset-*.font"))


def counts() -> tuple[int, int]:
    return subsets._STATE["made"], subsets._STATE["read"]


def test_a_kept_subset_makes_the_same_pdf(cache):
    made, read = counts()
    first = pdf_of()
    files = kept_files(cache)
    assert len(files) >= 2 and counts()[0] - made == len(files)
    assert all((cache / (path.name + ".seal")).is_file() for path in files)
    made, read = counts()
    assert pdf_of() == first
    assert counts() == (made, read + len(files))  # every subset read, none made
    assert [path.stat().st_mtime_ns for path in kept_files(cache)] == \
        [path.stat().st_mtime_ns for path in files]  # nothing written again


def test_the_key_names_everything_the_subset_depends_on(monkeypatch):
    font, glyphs = b"\0\1\0\0" + bytes(range(256)) * 40, {3: "a", 7: "b", 9: "c"}
    keys = {subsets.key(font, 0, glyphs, False, False)}
    assert subsets.key(font, 0, dict(glyphs), False, False) in keys  # the same, made again
    variants = [
        (font[:-1] + b"\1", 0, glyphs, False, False),  # the font file's last byte
        (font, 1, glyphs, False, False),  # another face of the file
        (font, 0, {**glyphs, 11: "d"}, False, False),  # one glyph more
        (font, 0, {3: "a", 7: "b", 10: "c"}, False, False),  # one glyph another
        (font, 0, {3: "a", 7: "b"}, False, False),  # one glyph fewer
        (font, 0, glyphs, True, False),  # a character missing: .notdef's outline kept
        (font, 0, glyphs, False, True),  # hinting kept
    ]
    for variant in variants:
        keys.add(subsets.key(*variant))
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "0.0.1")
    keys.add(subsets.key(font, 0, glyphs, False, False))
    monkeypatch.undo()
    monkeypatch.setattr(subsets, "mapped", lambda *_: (("/lib/libharfbuzz.so.0", 1, 2),))
    keys.add(subsets.key(font, 0, glyphs, False, False))
    assert len(keys) == len(variants) + 3


def test_the_harfbuzz_libraries_are_named_by_their_files():
    libraries = subsets.mapped("libharfbuzz")
    assert any("libharfbuzz-subset" in path for path, _, _ in libraries)
    assert all(os.path.isfile(path) and size > 0 and time > 0 for path, size, time in libraries)


def damaged(path: Path, other: Path) -> dict[str, bytes]:
    """Return what ``path`` is rewritten with, each sealed as a build's: none of it to read."""
    data, another = path.read_bytes(), other.read_bytes()
    flipped = bytearray(data)
    flipped[-1] ^= 1
    return {"garbage": b"not a font" * 10, "empty": b"", "truncated": data[:len(data) // 2],
            "a byte changed": bytes(flipped), "another key's": another,
            "digest of a wrong body": data[:32] + data[33:]}


def test_a_damaged_or_foreign_file_changes_no_pdf(cache):
    first = pdf_of()
    files = kept_files(cache)
    for what, data in damaged(files[0], files[1]).items():
        assert keep(files[0], data), what
        made, read = counts()
        assert pdf_of() == first, what
        assert counts() == (made + 1, read + len(files) - 1), what  # that one made again


def test_a_planted_file_is_not_read(cache):
    first = pdf_of()
    files = kept_files(cache)
    for path in files:  # the same bytes, written by someone else: its seal does not match
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
        os.chmod(path, 0o600)
    made, read = counts()
    assert pdf_of() == first
    assert counts() == (made + len(files), read)


def test_without_a_cache_folder_the_fonts_are_subset_as_usual(tmp_path, monkeypatch, cache):
    first = pdf_of()
    blocked = tmp_path / "a file"
    blocked.write_bytes(b"")
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(blocked))
    made, read = counts()
    assert pdf_of() == first
    assert counts()[1] == read and counts()[0] > made  # made, not kept, nothing read


def test_the_kept_subsets_hold_at_most_their_bytes(cache, monkeypatch):
    """Past ``subsets._BYTES`` the oldest go, seals too (the newest always stays): 48 CJK
    subsets of ~0.8 MB took 39 MB of a project's cache folder."""
    first = pdf_of()
    files = kept_files(cache)
    made = sum(path.stat().st_size for path in files)
    olds = [cache / f"subset-old{n}.font" for n in range(4)]
    for n, old in enumerate(olds):  # older subsets, each as big as all of this PDF's
        assert keep(old, b"\0" * made)
        os.utime(old, ns=(n + 1, n + 1))
    monkeypatch.setattr(subsets, "_BYTES", 2 * made)
    for path in files:  # made again, so kept again
        path.unlink()
    assert pdf_of() == first
    left = kept_files(cache)
    assert set(files) < set(left) and sum(path.stat().st_size for path in left) <= 2 * made
    assert left == sorted(files + olds[-1:])  # the newest old one fits, no other
    assert not any(cache.glob("subset-old[012].font*"))
