"""The cache folder stays bounded: the kept parses, models and style rules past their bound go.

guidegen.common.remember keeps a file per source it parsed or validated, and
guidegen.renderers.speed.css_made a file per version of the code that makes style rules;
both grew for good (every guide ever checked, every test's folder, every edit of the
code). Past the bound the oldest go with their seals, the newest stay and are read, and
what a build makes is the same bytes however few are kept.
"""

from __future__ import annotations

import os

import pytest

import guidegen
from guidegen.caches import keep
from guidegen.common import remember
from guidegen.renderers.speed import css_made

from .conftest import DEFAULT_GUIDE


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(folder))
    monkeypatch.setattr(remember, "_EVERY", 1)  # each result kept drops the oldest
    return folder


def names(folder, pattern):
    return sorted(path.name for path in folder.glob(pattern))


def aged(path, n):
    """Make ``path`` (and its seal) written ``n`` seconds after the epoch: older than now."""
    for each in (path, path.with_name(path.name + ".seal")):
        os.utime(each, ns=(n * 10**9, n * 10**9))


def test_past_the_count_the_oldest_results_of_a_kind_go_and_the_newest_stay(
        cache, monkeypatch):
    monkeypatch.setattr(remember, "_KEEP", 3)
    paths = [remember.file_of("parsed", f"source {n}.yaml") for n in range(5)]
    for n, path in enumerate(paths[:4]):
        remember.remember(path, "key", {"n": n})
        aged(path, n + 1)
    other = remember.file_of("validated", "a model")
    remember.remember(other, "key", "another kind")
    aged(other, 0)  # the oldest of all: not counted with the parses
    remember.remember(paths[4], "key", {"n": 4})
    assert names(cache, "parsed-*") == sorted(
        name for path in paths[2:] for name in (path.name, path.name + ".seal"))
    assert remember.recall(paths[4], "key") == {"n": 4}  # the newest is read back
    assert other.exists()


def test_past_the_bytes_the_oldest_results_go_however_few(cache, monkeypatch):
    big = ["x" * 100_000]
    paths = [remember.file_of("parsed", f"big {n}.yaml") for n in range(4)]
    for n, path in enumerate(paths[:3]):
        remember.remember(path, "key", big)
        aged(path, n + 1)
    size = paths[0].stat().st_size
    monkeypatch.setattr(remember, "_BYTES", 2 * size + size // 2)
    remember.remember(paths[3], "key", big)
    assert [path.exists() for path in paths] == [False, False, True, True]
    assert not paths[0].with_name(paths[0].name + ".seal").exists()
    assert remember.recall(paths[3], "key") == big


def test_a_process_drops_at_its_first_result_of_a_kind_then_after_every_so_many(
        cache, monkeypatch):
    monkeypatch.setattr(remember, "_KEEP", 1)
    monkeypatch.setattr(remember, "_EVERY", 3)
    monkeypatch.setattr(remember, "_WRITTEN", {})
    left = []
    for n in range(5):
        path = remember.file_of("parsed", f"source {n}.yaml")
        remember.remember(path, "key", n)
        aged(path, n + 1)
        left.append(len(list(cache.glob("parsed-*.pickle"))))
    assert left == [1, 2, 3, 1, 2]  # dropped at the first and the fourth


def test_a_result_written_again_drops_nothing_a_new_one_does(cache, monkeypatch):
    # a guide edited and built again rewrites its file: no folder listed for it
    first, second, third = (remember.file_of("parsed", f"{n}.yaml") for n in range(3))
    remember.remember(first, "key", 1)
    remember.remember(second, "key", 2)
    aged(first, 1)
    monkeypatch.setattr(remember, "_KEEP", 1)
    remember.remember(second, "another key", 2)
    assert first.exists() and second.exists()
    remember.remember(third, "key", 3)
    assert names(cache, "parsed-*.pickle") == [third.name]


def test_a_build_keeping_one_result_of_each_kind_makes_the_same_bytes(cache, monkeypatch):
    cold = guidegen.render(guidegen.load(DEFAULT_GUIDE), ["html"])["html"].data
    assert len(list(cache.glob("parsed-*.pickle"))) > 1  # a guide reads more than one file
    monkeypatch.setattr(remember, "_KEEP", 1)
    for path in [*cache.glob("parsed-*"), *cache.glob("validated-*")]:
        path.unlink()
    for _ in range(2):  # each kept result drops the last: none is read back
        guide = guidegen.load(DEFAULT_GUIDE)
        assert guidegen.render(guide, ["html"])["html"].data == cold
        assert len(list(cache.glob("parsed-*.pickle"))) == 1
        assert len(list(cache.glob("validated-*.pickle"))) == 1


def test_the_style_rules_of_old_code_go_past_the_count(cache):
    cache.mkdir()
    olds = [cache / f"style-rules-old{n}.pickle" for n in range(5)]
    for n, old in enumerate(olds):
        assert keep(old, b"made by older code")
        aged(old, n + 1)
    current = cache / css_made.file_name()
    css_made.write(current, {})
    left = names(cache, "style-rules-*.pickle")
    assert len(left) == css_made._FILES
    assert left == sorted([current.name, *(old.name for old in olds[-css_made._FILES + 1:])])
    assert not any(cache.glob("style-rules-old0.pickle*"))
    assert css_made.read(current) == {}  # the newest is read back


def test_the_compiled_declarations_and_code_of_other_versions_go_past_the_count(
        cache, monkeypatch):
    from guidegen.renderers.speed import ffi, kept

    cache.mkdir()
    olds = {pattern: [cache / pattern.replace("*", f"old{n}") for n in range(5)]
            for pattern in ("weasyprint-ffi-*.py", "compiled-*.marshal")}
    for files in olds.values():
        for n, old in enumerate(files):
            assert keep(old, b"# of another version\n")
            aged(old, n + 1)
    path = cache / "weasyprint-ffi-new.py"
    assert b"ffi" in ffi._write_compiled("int abs(int);", path)
    monkeypatch.setattr(kept, "_SAVED", [-1, -1])  # as if this process compiled some
    kept.save_compiled()
    for pattern, files in olds.items():
        left = names(cache, pattern)
        newest = path.name if pattern.startswith("weasyprint") else kept._code_file().name
        assert left == sorted([newest, *(old.name for old in files[-3:])]), pattern
        assert not any(cache.glob(files[0].name + "*"))
