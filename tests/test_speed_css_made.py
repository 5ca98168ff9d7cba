"""The style rules a helper made, kept in the cache folder and loaded by the next one.

guidegen.renderers.speed.css_made, used by speed.css (premake, save_laid and each
document's stylesheet): what is loaded is what WeasyPrint would have made, the file is
keyed by everything that makes it, and a stale or damaged file changes nothing.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sys
import types

import pytest

import guidegen
from guidegen import BuildOptions
from guidegen.renderers.pdf.engine_hooks import refusing_fetcher
from guidegen.renderers.speed import css as speed_css
from guidegen.renderers.speed import css_made

from .conftest import DATA


def pdf_of(name: str) -> bytes:
    fresh = BuildOptions(jobs=1, force=True)  # laid out for real (speed/layouts)
    return guidegen.render(guidegen.load(DATA / name), ["pdf"], fresh)["pdf"].data


def new_process() -> None:
    """Forget what this process made and read, as a new helper starts."""
    speed_css._RULES.clear()
    speed_css._SAVED.clear()
    speed_css._STORED.clear()
    speed_css._LAID.clear()


def counts() -> tuple[int, int]:
    return speed_css._STATE["made"], speed_css._STATE["loaded"]


def test_the_rules_made_are_loaded_by_the_next_process_and_make_the_same_pdf(
        tmp_path, no_rules_kept):
    first = pdf_of("five-subjects.yaml")
    speed_css.save_laid(tmp_path)
    path = tmp_path / css_made.file_name()
    assert path.is_file()
    written = path.stat().st_mtime_ns
    new_process()
    made, loaded = counts()
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) > 50
    assert counts()[0] == made and counts()[1] - loaded > 50  # none made: all loaded
    assert pdf_of("five-subjects.yaml") == first
    assert counts()[0] == made  # the document's stylesheet: every rule loaded
    speed_css.save_laid(tmp_path)
    assert path.stat().st_mtime_ns == written  # nothing new: not written again
    new_process()  # a layout whose rules were not made ahead loads them too
    speed_css._STORED[tmp_path] = css_made.read(path)
    assert pdf_of("five-subjects.yaml") == first and counts()[0] == made


def test_another_version_or_changed_code_reads_another_file(monkeypatch, tmp_path):
    import cssselect2  # type: ignore[import-untyped]
    import tinycss2
    import weasyprint

    def name() -> str:
        css_made.file_name.cache_clear()
        return css_made.file_name()

    names = {name()}
    for module in (weasyprint, tinycss2, cssselect2):
        monkeypatch.setattr(module, "__version__", "0.0.1")
        names.add(name())
    copy = tmp_path / "cssselect2"  # a file of a package changed in place, same version
    shutil.copytree(os.path.dirname(cssselect2.__file__), copy)
    monkeypatch.setitem(sys.modules, "cssselect2", types.SimpleNamespace(
        __file__=str(copy / "__init__.py"), __version__="0.0.1"))
    names.add(name())
    os.utime(copy / "compiler.py", ns=(1, 1))
    names.add(name())
    monkeypatch.setattr(css_made, "_FORMAT", css_made._FORMAT + 1)
    names.add(name())
    monkeypatch.undo()
    css_made.file_name.cache_clear()
    assert len(names) == 7 and css_made.file_name() in names


def test_a_rule_is_loaded_only_for_its_own_key(tmp_path, no_rules_kept):
    pdf_of("minimal.yaml")
    speed_css.save_laid(tmp_path)
    (rules, base_url, media), = speed_css._read_laid(tmp_path / speed_css._SHEETS_FILE)
    stored = css_made.read(tmp_path / css_made.file_name())
    text, line, column = rules[-1]
    assert (text, line, column, base_url, media) in stored
    for other in ((text, line + 1, column, base_url, media), (text, line, column + 1, base_url,
                  media), (text, line, column, "file:///elsewhere/", media),
                  (text, line, column, base_url, "screen"), (text + " ", line, column, base_url,
                  media)):
        assert other not in stored
        new_process()
        speed_css._STORED[tmp_path] = stored
        assert speed_css._stored(other) is None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "entries", "foreign", "stale",
                                    "a byte"])
def test_a_damaged_or_stale_file_changes_nothing(tmp_path, no_rules_kept, damage):
    first = pdf_of("minimal.yaml")
    speed_css.save_laid(tmp_path)
    path = tmp_path / css_made.file_name()
    data = path.read_bytes()
    entries = css_made.read(path)
    if damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "entries":  # each rule's entry cut short, or not a pickle
        css_made.write(path, {key: blob[: len(blob) // 2] if i % 2 else os.urandom(len(blob))
                              for i, (key, blob) in enumerate(entries.items())})
    elif damage == "foreign":  # naming what it may not: not loaded, nothing run
        class Runs:
            def __reduce__(self):
                return os.system, ("touch " + str(tmp_path / "ran"),)
        css_made.write(path, {key: pickle.dumps(Runs()) for key in entries})
    elif damage == "a byte":  # one byte of a rule's entry changed, the entry still loads
        for blob in entries.values():  # a colour's digit (review15a: another PDF)
            at = blob.find(b"#") + 1
            changed = blob[:at] + (b"1" if blob[at:at + 1] == b"0" else b"0") + blob[at + 1:]
            if at and css_made.load(changed) is not None:
                break
        else:
            raise AssertionError("no rule with a colour to change")
        assert data.count(blob) == 1
        path.write_bytes(data.replace(blob, changed))
    else:  # another version's file, whose rules are others': not read at all
        blobs = list(entries.values())
        (tmp_path / css_made.file_name()).unlink()
        css_made.file_name.cache_clear()
        import weasyprint

        version = weasyprint.__version__
        weasyprint.__version__ = "0.0.1"
        try:
            css_made.write(tmp_path / css_made.file_name(),
                           {key: blobs[0] for key in entries})
        finally:
            weasyprint.__version__ = version
            css_made.file_name.cache_clear()
    new_process()
    made, loaded = counts()
    assert speed_css.premake(tmp_path, lambda: False, refusing_fetcher()) > 10
    assert counts()[0] - made > 10 and counts()[1] == loaded  # all made, none loaded
    assert pdf_of("minimal.yaml") == first
    assert not (tmp_path / "ran").exists()


def test_a_rule_that_cannot_be_kept_is_made_each_time_and_the_file_not_written_again(
        tmp_path, no_rules_kept, monkeypatch):
    first = pdf_of("minimal.yaml")
    monkeypatch.setattr(css_made, "dump", lambda kept: b"")
    speed_css.save_laid(tmp_path)
    path = tmp_path / css_made.file_name()
    written = path.stat().st_ino  # (a file written again is a new one: os.replace)
    new_process()
    made, _ = counts()
    speed_css.premake(tmp_path, lambda: False, refusing_fetcher())
    assert counts()[0] - made > 10
    assert pdf_of("minimal.yaml") == first
    speed_css.save_laid(tmp_path)
    assert path.stat().st_ino == written
