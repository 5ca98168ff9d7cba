"""Hostile input, second pass (issue 13): what ``check`` accepts, ``build`` builds.

``check`` runs the validators the writers rely on: dates, Word styles, the logo,
``reference.docx``, and text that WeasyPrint and Word accept; what fails them is a
located error in both commands, never a crash (exit 70).
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import docx
import pytest

from guidegen.content.loader import load
from guidegen.errors import ContentError

from .attacks import MINIMAL, outputs, png, use_guide
from .conftest import write_yaml
from .readers import docx_text


def check_and_build_fail(cli, *args: str) -> str:
    """Return the errors ``check ARGS`` prints, having seen ``build ARGS`` fail alike."""
    checked = cli("check", *args)
    built = cli("build", *args)
    assert (checked.exit_code, built.exit_code) == (1, 1), checked.output + built.output
    assert "internal error" not in checked.stderr + built.stderr
    first = checked.stderr.splitlines()[0]
    assert built.stderr.splitlines()[0] == first
    return checked.stderr


# -- 5 and 15. reference.docx: zip bombs and external entities ---------------------------

def reference_doc(project: Path, cli, parts: dict[str, bytes], edit=None) -> None:
    """Put a ``reference.docx`` into ``mine/``: guidegen's, with ``parts`` added."""
    assert cli("reference-doc", "-o", "plain.docx").exit_code == 0
    (project / "mine").mkdir(exist_ok=True)
    with zipfile.ZipFile(project / "plain.docx") as source, \
            zipfile.ZipFile(project / "mine" / "reference.docx", "w",
                            zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, edit(info.filename, data) if edit else data)
        for name, data in parts.items():
            target.writestr(name, data)


@pytest.mark.parametrize(("parts", "message"), [
    ({"word/media/bomb.bin": bytes(40 << 20)}, "part word/media/bomb.bin is larger than 32 MB"),
    ({f"word/media/b{n}.bin": bytes(30 << 20) for n in range(3)},
     "its parts are larger than 64 MB together"),
    ({f"x/{n}": b"" for n in range(1001)}, "it has 1,0"),
])
def test_a_reference_docx_zip_bomb_is_refused_by_check_and_build(project, cli, parts, message):
    reference_doc(project, cli, parts)
    assert (project / "mine" / "reference.docx").stat().st_size < 2 << 20
    errors = check_and_build_fail(cli, "--templates", "mine")
    assert errors.startswith(f"mine/reference.docx: error: not a usable .docx: {message}")
    assert not (project / "output").exists()


def test_a_reference_docx_with_an_external_entity_is_refused(project, cli):
    def entity(name: str, data: bytes) -> bytes:
        if name != "word/styles.xml":
            return data
        return data.replace(b"?>", b'?><!DOCTYPE w:styles [<!ENTITY xxe SYSTEM '
                            b'"file:///etc/passwd">]>', 1).replace(
            b"<w:docDefaults>", b"<w:docDefaults>&xxe;", 1)

    reference_doc(project, cli, {}, entity)
    errors = check_and_build_fail(cli, "--templates", "mine")
    assert errors.startswith("mine/reference.docx: error: not a usable .docx: part "
                             "word/styles.xml declares a DOCTYPE (entities), which an Office "
                             "file never has")


def test_a_good_reference_docx_gives_a_docx_python_docx_opens(project, cli):
    reference_doc(project, cli, {"word/media/note.bin": b"small"})
    assert cli("check", "--templates", "mine").exit_code == 0
    assert cli("build", "-f", "docx", "--templates", "mine").exit_code == 0
    assert docx.Document(str(project / "output" / "cmo-cdmo-cro.docx")).paragraphs


# -- 12. dates a zip cannot hold -----------------------------------------------------------

@pytest.mark.parametrize("epoch", ["", "4354819200"])  # the guide's 2108-01-01; 2108 again
def test_dates_after_2107_build_with_the_last_zip_date(project, cli, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    use_guide(project, "date-2108.yaml")
    assert cli("check").exit_code == 0
    result = cli("build", "-f", "pdf,docx,html")
    assert result.exit_code == 0, result.output
    path = project / "output" / "date-2108.docx"
    with zipfile.ZipFile(path) as package:
        assert {info.date_time for info in package.infolist()} == {(2107, 12, 31, 23, 59, 58)}
    assert docx.Document(str(path)).core_properties.created.year == 2108


def test_dates_before_the_year_1000_are_errors_in_check(project, cli, monkeypatch):
    write_yaml(project / "content", "cmo-cdmo-cro.yaml",
               MINIMAL.replace("  title: Alpha vs Beta\n", "  title: A\n  date: 0999-12-31\n"))
    errors = check_and_build_fail(cli)
    assert errors.startswith("content/cmo-cdmo-cro.yaml:3:9: error: guide.date: dates start in "
                             "the year 1000, got '0999-12-31'")
    write_yaml(project / "content", "cmo-cdmo-cro.yaml", MINIMAL)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "-30610224001")  # 0999-12-31T23:59:59Z
    result = cli("check")
    assert result.exit_code == 2
    assert result.stderr == "error: SOURCE_DATE_EPOCH='-30610224001' is before the year 1000\n"


# -- 13. Style sheets and logos the writers cannot use ---------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("paragraphs:\n  table-corner: {base: no-such-role}\n",
     "mine/styles.yaml:2:24: error: paragraphs.table-corner.base: 'no-such-role' is not a "
     "paragraph role"),
    ("paragraphs:\n  audience: {space_after: 1e30}\n",
     "mine/styles.yaml:2:27: error: paragraphs.audience.space_after: input should be less "
     "than or equal to 1584"),
    ("paragraphs:\n  table-cell: {base: table-row-head}\n",
     "mine/styles.yaml:2:22: error: paragraphs.table-cell.base: roles based on each other: "
     "table-cell -> table-row-head -> table-cell"),
    ("paragraphs:\n  footer: {size: 0.5}\n", "mine/styles.yaml:2:18: error: "),
])
def test_style_sheets_the_writers_cannot_apply_fail_check(project, cli, text, message):
    (project / "mine").mkdir(exist_ok=True)
    write_yaml(project / "mine", "styles.yaml", text)
    assert message in check_and_build_fail(cli, "--templates", "mine")
    assert not (project / "output").exists()


def _truncated() -> bytes:
    return png(8, 2)[:40]


def _bad_checksum() -> bytes:
    data = bytearray(png(8, 2))
    data[-13] ^= 0xFF  # inside the last IDAT byte's checksum
    return bytes(data)


def _lying_header() -> bytes:  # says 8 x 8, holds far more pixels: a bomb in disguise
    rows = (b"\x00" + bytes(1)) * 8 + bytes(50 << 20)
    data = png(8, 8, rows)
    return data


def _bad_filter() -> bytes:
    return png(8, 2, b"\x09\xff" * 2)


@pytest.mark.parametrize(("make", "message"), [
    (_truncated, "the PNG ends inside a chunk (a truncated file?)"),
    (lambda: png(20_000, 20_000), "the image is 20,000 x 20,000 pixels; the limit is "
                                  "16,000,000 pixels (a logo needs far fewer)"),
    (_lying_header, "the PNG's pixel data is more than its header promises (a damaged file "
                    "or a decompression bomb)"),
    (_bad_checksum, "the PNG's b'IDAT' chunk is damaged (wrong checksum)"),
    (_bad_filter, "the PNG's pixel data is damaged (bad row filter)"),
    (lambda: b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF", "the JPEG ends inside a "
                                                                    "segment"),
    (lambda: b"GIF89a", "not a PNG or JPEG image"),
])
def test_a_logo_that_does_not_decode_fails_check(project, cli, make, message):
    (project / "mine").mkdir()
    (project / "mine" / "logo.png").write_bytes(make())
    write_yaml(project / "mine", "theme.yaml", "logo: logo.png\n")
    errors = check_and_build_fail(cli, "--templates", "mine")
    assert errors.startswith(f"mine/logo.png: error: {message}")


def test_a_logo_that_decodes_reaches_both_writers(project, cli):
    (project / "mine").mkdir()
    (project / "mine" / "logo.png").write_bytes(png(64, 16))
    write_yaml(project / "mine", "theme.yaml", "logo: logo.png\n")
    assert cli("check", "--templates", "mine").exit_code == 0
    assert cli("build", "--templates", "mine").exit_code == 0
    document = docx.Document(str(project / "output" / "cmo-cdmo-cro.docx"))
    assert len(document.inline_shapes) == 1


# -- 14. characters WeasyPrint and Word refuse ------------------------------------------------

SEPARATORS_AND_NONCHARACTERS = ["\u2028", "\u2029", "\ufdd0", "\ufdef"] + [
    chr(plane << 16 | last) for plane in range(17) for last in (0xFFFE, 0xFFFF)]


@pytest.mark.parametrize("character", SEPARATORS_AND_NONCHARACTERS,
                         ids=[f"U+{ord(c):04X}" for c in SEPARATORS_AND_NONCHARACTERS])
def test_separators_and_the_noncharacters_of_every_plane_are_located_errors(tmp_path,
                                                                           character):
    escape = f"\\U{ord(character):08X}"
    path = write_yaml(tmp_path, "g.yaml", MINIMAL.replace("Alpha is first.",
                                                         f'"a {escape} c"'))
    with pytest.raises(ContentError) as caught:
        load(path)
    assert str(caught.value.problems[0]).endswith(
        f"g.yaml:8:14: error: subjects[0].summary: character U+{ord(character):04X} is not "
        "allowed in text")


def test_the_separators_guide_fails_check_and_build_alike(project, cli):
    use_guide(project, "separators.yaml")
    errors = check_and_build_fail(cli)
    assert errors.splitlines()[:2] == [
        "content/separators.yaml:8:14: error: subjects[0].summary: character U+2029 is not "
        "allowed in text",
        "content/separators.yaml:12:14: error: subjects[1].summary: character U+5FFFE is not "
        "allowed in text"]
    assert outputs(project) == {}


# -- not promised: text that shows one thing and says another ----------------------------------

def test_bidi_overrides_and_invisible_characters_are_located_warnings(project, cli):
    use_guide(project, "hidden.yaml")
    warnings = [
        "content/hidden.yaml:3:8: warning: intro: character U+202E (RIGHT-TO-LEFT OVERRIDE) "
        "reorders the text around it: the text may not say what it shows; remove it unless "
        "it is meant",
        "content/hidden.yaml:10:61: warning: subjects[0].summary: character U+200B (ZERO "
        "WIDTH SPACE) is invisible: the text may not say what it shows; remove it unless it "
        "is meant"]
    result = cli("check")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == warnings  # not the Persian joiner between letters
    result = cli("build", "-f", "docx")
    assert result.exit_code == 0 and result.stderr.splitlines() == warnings
    assert "\u200c" in docx_text(project / "output" / "hidden.docx")
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr.splitlines() == [
        line.replace(": warning: ", ": error: ") for line in warnings] + [
        "2 errors in 1 file (warnings are errors with --strict)"]


@pytest.mark.parametrize(("text", "warned"), [
    ("a\u200db", True), ("\u200dx", True), ("\U0001f469\u200d\U0001f4bb", False),
    ("\u0645\u06cc\u200c\u062e", False), ("a \u2066b\u2069", True), ("\ufeffstart", True),
])
def test_which_joiners_and_isolates_are_warned(tmp_path, text, warned):
    from guidegen.errors import collect_warnings

    path = write_yaml(tmp_path, "g.yaml", MINIMAL.replace("Alpha is first.", f'"{text}"'))
    with collect_warnings() as found:
        load(path)
    assert bool(found) is warned

