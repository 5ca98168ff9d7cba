"""The DOCX writer's generated reference documents, kept in the cache folder.

A speed trick (:mod:`guidegen.renderers.speed.references`): a reference document is made
once per machine, read back by the next process only if it is ours and whole, and made
again whenever what writes it changes. The outputs keep their bytes.
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest

import guidegen
from guidegen import caches
from guidegen.builder import fithint
from guidegen.common.language import Language
from guidegen.renderers.docx import styles as word_styles
from guidegen.renderers.speed import references

from .conftest import DEFAULT_GUIDE, JOBS_1
from .test_fit_hint import fit as hint_fit

ENGLISH = Language.of("en")


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """Return a cache folder of the test's own; no reference document made in this process."""
    monkeypatch.setenv("GUIDEGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(word_styles, "_MADE", {})
    return tmp_path / "cache"


def reference() -> bytes:
    """Return the default theme's generated reference document."""
    from guidegen.theme import load_templates

    styles = load_templates().styles
    return word_styles.generated_reference(styles.key, styles, ENGLISH)


def kept(cache) -> list:
    return sorted(cache.glob("reference-*.docx"))


def parts(data: bytes) -> dict[str, bytes]:
    """Return each part of a DOCX by name (made again, its zip's times differ)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_a_reference_document_is_made_once_per_machine(fresh, monkeypatch):
    made = reference()
    (path,) = kept(fresh)
    assert path.read_bytes() == made
    monkeypatch.setattr(word_styles, "_MADE", {})  # another process, as it were

    def not_again(*args, **kwargs):
        raise AssertionError("made again")

    monkeypatch.setattr(word_styles, "apply_styles", not_again)
    assert reference() == made


def zipped(**parts: bytes) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name.replace("__", "/"), data)
    return stream.getvalue()


@pytest.mark.parametrize("planted", [
    b"not a zip", zipped(other=b"x"), zipped(word__styles=b"<w:styles/>")[:-30],
    zipped(word__styles=b"<w:styles/>", big=b"\0" * (9 << 20)),
    zipped(word__styles=b"<w:styles/>") + b"\0" * (1 << 20),
])
def test_a_damaged_reference_document_is_made_again(fresh, monkeypatch, planted):
    # not a zip, no styles part, cut short, a part too big unpacked, a file too big: made
    # again (as it was made in an empty cache) and the kept file made whole again
    made = reference()
    (path,) = kept(fresh)
    path.write_bytes(planted)
    monkeypatch.setattr(word_styles, "_MADE", {})
    again = reference()
    assert parts(again) == parts(made) and path.read_bytes() == again


def test_a_reference_document_someone_else_could_write_is_not_read(fresh, monkeypatch):
    made = reference()
    (path,) = kept(fresh)
    os.chmod(path, 0o664)
    planted = zipped(word__styles=b"<w:styles/>")
    path.write_bytes(planted)
    monkeypatch.setattr(word_styles, "_MADE", {})
    assert parts(reference()) == parts(made)


def test_what_writes_a_reference_document_is_in_its_key(tmp_path):
    # the code by each source file's size and modification time, as Python's bytecode
    # and the languages' (which scripts are East Asian picks the fonts the styles name)
    for name in ("renderers/docx/oxml/styles.py", "theme/resolve.py", "layout/guide.py",
                 "common/language.py", "common/paper.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("pass\n")
    code = references._code(tmp_path)
    assert "renderers/docx/oxml/styles.py" in code and "theme/resolve.py" in code
    assert "layout" not in code and "common/paper.py" not in code
    os.utime(tmp_path / "common/language.py", ns=(1, 1))
    assert references._code(tmp_path) != code
    code = references._code(tmp_path)
    os.utime(tmp_path / "theme/resolve.py", ns=(1, 1))
    assert references._code(tmp_path) != code
    code = references._code(tmp_path)
    (tmp_path / "renderers/docx/oxml/styles.py").write_text("pass  \n")
    os.utime(tmp_path / "renderers/docx/oxml/styles.py", ns=(1, 1))
    assert references._code(tmp_path) != code


def test_a_docx_from_a_kept_reference_document_has_the_same_bytes(fresh, monkeypatch):
    # the default guide (fitted: two levels' reference documents), in an empty cache,
    # then with them kept
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    guide = guidegen.load(DEFAULT_GUIDE)
    made = guidegen.render(guide, ["docx"], JOBS_1)["docx"].data
    assert len(kept(fresh)) == 2
    monkeypatch.setattr(word_styles, "_MADE", {})
    monkeypatch.setattr(word_styles, "apply_styles", None)  # not called: read back
    assert guidegen.render(guide, ["docx"], JOBS_1)["docx"].data == made


def test_where_files_have_no_owner_nothing_is_kept_or_read_and_the_docx_is_made(
        fresh, monkeypatch):
    # Windows has no os.getuid: the build takes its slower way, and does not fail
    made = reference()
    (path,) = kept(fresh)
    monkeypatch.delattr(os, "getuid")
    assert not caches.trusted(path) and not caches.keep(fresh / "other", b"x")
    assert not (fresh / "other").exists()
    monkeypatch.setattr(word_styles, "_MADE", {})
    path.unlink()
    assert parts(reference()) == parts(made) and not kept(fresh)
    fithint.remember(hint_fit(), (0.75,))
    assert not (fresh / fithint.HINT_FILE).exists() and fithint.hinted(hint_fit()) is None
