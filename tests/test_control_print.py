"""Controlled documents in print: the control block, the watermark, in both formats.

One German guide as a team writes it (approvals, a revision history of three versions,
a print notice), built twice: as it is (effective) and as a draft. Read back with
poppler (pdftotext), python-docx, the DOCX's raw header XML and LibreOffice's rendering.
"""

from __future__ import annotations

import datetime
import math
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from guidegen.common.language import Language
from guidegen.content.loader import load
from guidegen.layout.guide import layout_guide
from guidegen.layout.labels import labels_for
from guidegen.layout.widths import watermark_width
from guidegen.theme import load_templates
from guidegen.tree import Section, Table, walk

from .conftest import DATA, Built, build_logged, once_per_run
from .readers import (
    dehyphenate,
    docx_text,
    libreoffice_pdfs,
    libreoffice_with_properties,
    normalize,
    pdf_page_texts,
    pdf_pages,
    pdf_text,
)

GERMAN = DATA / "acht-dienstleister.yaml"
WATERMARK = "ENTWURF — NICHT FÜR SCHULUNGEN VERWENDEN"
SHADE = (0xC9, 0xD0, 0xD8)  # the theme's watermark colour


def squeezed(text: str) -> str:
    """Return ``text`` without white space: a turned line's letters, read one by one."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def built(a4: Built, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Return the German guide built as it is ("gueltig") and as a draft ("entwurf"), PDF
    and DOCX.

    As it is, it is the session's build of it on A4, the theme's paper (``a4``: the same
    bytes as the guide built alone); the draft is built once per test run.
    """
    def make(folder: Path) -> Built:
        text = GERMAN.read_text(encoding="utf-8")
        (folder / "src").mkdir()
        draft = folder / "src" / "entwurf.yaml"
        draft.write_text(text.replace("status: effective", "status: draft", 1),
                         encoding="utf-8")
        return build_logged(folder / "out", [draft], formats=("pdf", "docx"))

    found = once_per_run(tmp_path_factory, "control-print", make)
    found.outputs |= {("gueltig", fmt): a4.outputs[(GERMAN.stem, fmt)] for fmt in ("pdf", "docx")}
    return found


@pytest.fixture(scope="module")
def rendered(built: Built, a4_libreoffice: dict[str, Path],
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return LibreOffice's PDF of each DOCX, by stem (the guide as it is: ``a4``'s)."""
    folder = tmp_path_factory.mktemp("control-libreoffice")
    document = built.path("entwurf", "docx")
    return {"entwurf": libreoffice_pdfs([document], folder, folder / "profile")[document],
            "gueltig": a4_libreoffice[GERMAN.stem]}


def test_a_draft_prints_its_watermark_on_every_page_of_the_pdf(built):
    pdf = built.path("entwurf", "pdf")
    pages = pdf_pages(pdf)
    assert pages >= 3
    texts = pdf_page_texts(pdf, "-raw")
    for page in range(1, pages + 1):
        assert squeezed(WATERMARK) in squeezed(texts[page - 1]), page
    # a document in force has none
    assert "ENTWURF" not in pdf_text(built.path("gueltig", "pdf"))


def test_a_draft_docx_has_its_watermark_in_every_header(built):
    def headers(stem: str) -> list[str]:
        with zipfile.ZipFile(built.path(stem, "docx")) as package:
            return [package.read(name).decode("utf-8") for name in package.namelist()
                    if re.fullmatch(r"word/header\d+\.xml", name)]

    found = headers("entwurf")
    assert found
    # as wide as the PDF's letters (Word and LibreOffice stretch the text to the shape)
    width = watermark_width(WATERMARK, load_templates(None, None).styles)
    for xml in found:  # Word's watermark: a turned WordArt shape behind the text
        assert f'string="{WATERMARK}"' in xml
        assert "rotation:315" in xml and "PowerPlusWaterMarkObject" in xml
        assert re.search(r"width:([\d.]+)pt", xml)[1] == str(round(width, 1))
    assert not any("PowerPlusWaterMarkObject" in xml for xml in headers("gueltig"))


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_language_s_watermark_runs_within_the_page(tmp_path, paper):
    # set as the PDF sets it (measured in the theme's fonts), each status's watermark in
    # every catalogue runs at 45 degrees within 85 per cent of the page's narrower side,
    # as the size the style sheet gives it means (a Chinese or Japanese character is as
    # wide as its size: at the Latin letters' two thirds, Japanese ran off the page)
    from guidegen.theme.locales import catalogue_tags, load_catalogue

    (tmp_path / "theme.yaml").write_text(f"paper: {paper}\n", encoding="utf-8")
    styles = load_templates(tmp_path, None).styles
    across = min(styles.theme.page_size_mm) * math.sqrt(2) * 72 / 25.4
    for tag in catalogue_tags().values():
        labels = load_catalogue(tag).labels
        for status in ("draft", "in_review", "superseded", "obsolete"):
            text = getattr(labels, f"watermark_{status}")
            assert watermark_width(text, styles) <= 0.86 * across, (tag, text)


def shaded_pixels(pdf: Path, folder: Path) -> list[int]:
    """Return, per page of ``pdf``, how many pixels have the watermark's colour."""
    import subprocess

    subprocess.run(["pdftoppm", "-r", "40", str(pdf), str(folder / "page")], check=True)
    counts = []
    for image in sorted(folder.glob("page-*.ppm")):
        data = image.read_bytes()
        header = data.split(b"\n", 3)
        width, height = map(int, header[1].split())
        pixels = header[3][:width * height * 3]
        counts.append(sum(1 for i in range(0, len(pixels), 3)
                          if all(abs(pixels[i + k] - SHADE[k]) <= 3 for k in range(3))))
    return counts


def test_libreoffice_draws_the_docx_watermark_on_every_page(rendered, tmp_path):
    (tmp_path / "draft").mkdir()
    (tmp_path / "effective").mkdir()
    draft = shaded_pixels(rendered["entwurf"], tmp_path / "draft")
    effective = shaded_pixels(rendered["gueltig"], tmp_path / "effective")
    assert len(draft) >= 3 and len(draft) == len(effective)
    # the effective guide's pages have a few such pixels (the edges of grey lettering); a
    # draft's page has hundreds more than the same page in force (at 40 dpi its letters
    # take about 500, fewer where a table's shaded cells cover them)
    assert all(count > 2 * same + 200 for count, same in zip(draft, effective, strict=True)), \
        (draft, effective)


def test_the_control_block_prints_approvals_and_history_newest_first(built, rendered):
    texts = [dehyphenate(normalize(pdf_text(built.path("gueltig", "pdf")))).lower(),
             docx_text(built.path("gueltig", "docx")).lower(),
             dehyphenate(normalize(pdf_text(rendered["gueltig"]))).lower()]
    for text in texts:  # (the control block's captions are set in capitals)
        for words in ("Dokumentenlenkung", "Ersetzt", "QS-SOP-117 Version 3.1",
                      "Nächste Überprüfung", "14. September 2028", "Freigaben",
                      "Katharina", "Änderungshistorie", "Änderungsantrag", "Status",
                      "Gültig"):
            assert words.lower() in text, words
        # newest first, whichever way the file lists them
        assert text.index("7. september 2026") < text.index("18. märz 2025") \
            < text.index("15. januar 2024")
    document = docx.Document(str(built.path("gueltig", "docx")))
    history = next(t for t in document.tables if t.style.name == "History Table")
    assert [c.text for c in history.rows[0].cells] == [
        "Version", "Datum", "Autor", "Änderung", "Änderungsantrag", "Freigegeben von"]
    assert [row.cells[0].text for row in history.rows[1:]] == ["3.2", "3.1", "3.0"]


def test_the_theme_places_the_control_block(tmp_path):
    guide = load(GERMAN)
    templates = load_templates(None, None)
    labels = labels_for(guide, templates, Language.of("en"))

    def order() -> list[str]:
        document = layout_guide(guide, templates, labels)
        return [block.role or "" for block in document.blocks if isinstance(block, Section)]

    assert order()[-1] == "document-control"  # the built-in theme: at the end
    (tmp_path / "theme.yaml").write_text("document_control: after-title\n", encoding="utf-8")
    templates = load_templates(tmp_path, None)
    assert order()[:2] == ["title-block", "document-control"]
    tables = [b.role for b in walk(layout_guide(guide, templates, labels).blocks)
              if isinstance(b, Table)]
    assert tables[:2] == ["approvals", "history"]


def test_the_docx_shows_its_control_properties_through_docproperty_fields(built, rendered):
    import subprocess

    import pikepdf

    path = built.path("gueltig", "docx")
    with zipfile.ZipFile(path) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
        parts = {name: package.read(name).decode("utf-8") for name in package.namelist()
                 if re.fullmatch(r"word/(document|footer\d+)\.xml", name)}
    properties = dict(re.findall(r'name="([^"]+)"><vt:(?:lpwstr|filetime)>([^<]*)<', custom))
    assert properties["Document number"] == "QS-SOP-117" and properties["Version"] == "3.2"
    assert properties["Status"] == "Gültig"  # as printed, in the guide's language
    assert properties["Effective date"] == "2026-09-14T00:00:00Z"  # a date, as Word types it
    assert '<vt:filetime>2026-09-14T00:00:00Z</vt:filetime>' in custom
    # what each field prints once Word updates it: the property, a date in its picture
    shown = {**properties, "Effective date": "14. September 2026"}
    field = re.compile(r'<w:instrText[^>]*> DOCPROPERTY "([^"]+)"([^<]*)</w:instrText>.*?'
                       r'<w:fldChar w:fldCharType="separate"/>.*?<w:t[^>]*>([^<]*)</w:t>', re.S)
    for name, xml in parts.items():  # the title and control blocks; every page's footer
        cached = field.findall(xml)
        expected = {"Document number", "Version", "Effective date"} | (
            {"Status"} if name == "word/document.xml" else set())
        assert {n for n, _, _ in cached} == expected, name
        assert all(shown[n] == value for n, _, value in cached), (name, cached)
        pictures = {switches.strip() for n, switches, _ in cached if n == "Effective date"}
        assert pictures <= {"\\@ \"d'. 'MMMM yyyy\""}, pictures  # German: "d. MMMM y"
    # python-docx reads the same properties
    assert docx.Document(str(path)).core_properties.version == "3.2"
    # LibreOffice's rendering shows them: in the title block and on every page's footer
    pages = pdf_pages(rendered["gueltig"])
    texts = pdf_page_texts(rendered["gueltig"])
    first = normalize(texts[0])
    assert "14. September 2026" in first and "Gültig" in first
    for page in range(1, pages + 1):
        text = normalize(texts[page - 1])
        assert "QS-SOP-117 · Version 3.2 · Gültig ab 14. September 2026" in text, page
    # the PDF's document information carries them too, and its XMP metadata the same
    pdf = built.path("gueltig", "pdf")
    info = subprocess.run(["pdfinfo", "-custom", str(pdf)],
                          capture_output=True, text=True, check=True).stdout
    values = {"documentnumber": "QS-SOP-117", "version": "3.2",
              "effectivedate": "2026-09-14", "status": "Gültig"}
    for key, value in values.items():
        assert re.search(rf"(?m)^{key}:\s+{re.escape(value)}$", info), (key, info)
    with pikepdf.open(pdf) as opened:
        xmp = {key.rsplit("}", 1)[1].lower(): value
               for key, value in opened.open_metadata().items()
               if key.startswith("{http://ns.guidegen.org/document-control/1.0/}")}
    assert xmp == values


def test_a_version_changed_in_the_properties_changes_every_place_it_is_printed(built,
                                                                              tmp_path):
    # as an editor does in LibreOffice: File > Properties > Custom Properties, then the
    # fields updated; the title block and every page's control line follow the properties
    # (a value printed as plain text somewhere, in a header, footer or the title block,
    # would still say 3.2 or Gültig)
    # the macro opens a copy: LibreOffice's lock file is not made beside the document
    # (here a4's, the session's build folder; other workers read it), seen in its folder
    mine = tmp_path / "gueltig"
    mine.mkdir()
    document = Path(shutil.copy(built.path("gueltig", "docx"), mine))
    before = mine.stat().st_mtime_ns
    pdf = libreoffice_with_properties(document, {"Version": "9.9", "Status": "Außer Kraft"},
                                      tmp_path / "changed.pdf", tmp_path / "profile")
    assert mine.stat().st_mtime_ns == before
    pages = pdf_pages(pdf)
    assert pages >= 3
    texts = pdf_page_texts(pdf)
    first = normalize(texts[0])
    assert "QS-SOP-117 9.9 14. September 2026" in first  # the title block's control fields
    assert "Außer Kraft" in first
    assert not re.search("Gültig(?! ab)", normalize("".join(texts)))  # the label stays
    for page in range(1, pages + 1):
        text = normalize(texts[page - 1])
        assert "QS-SOP-117 · Version 9.9" in text, page
        assert "Version 3.2" not in text, page
    # the revision history is the guide's record, not the property: 3.2 stays its newest
    assert re.search(r"(?m)^3\.2\s", pdf_text(pdf, "-layout"))


def test_a_draft_s_status_property_is_printed_and_reads_back(built):
    from guidegen.readers.properties import printed_status

    with zipfile.ZipFile(built.path("entwurf", "docx")) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
    status = dict(re.findall(r'name="([^"]+)"><vt:lpwstr>([^<]*)<', custom))["Status"]
    assert status == "Entwurf"
    # import reads a printed status back as the status, in any language guidegen prints
    assert printed_status(status) == "draft" and printed_status("発効") == "effective"
    assert printed_status("Uncontrolled when printed") is None  # an older file's notice


def test_a_packet_s_footer_dates_its_guide_as_long_as_the_line_holds_it():
    # a packet's footer prints its page label at the right (as Word's), the control line
    # has the rest: the effective date goes medium where the long form would not fit; it
    # is never left out, nor the print notice cut (a line that cannot hold them wraps and
    # the preflight warns)
    from types import SimpleNamespace

    from guidegen.layout.labels import resolve_labels
    from guidegen.layout.running import fitting_control

    styles, labels = load_templates().styles, resolve_labels(Language.of("de"))

    def line(notice: str | None, label: str = "Seite 99 von 99 der Mappe") -> str:
        document = SimpleNamespace(number="QS-SOP-117", version="3.2", print_notice=notice,
                                   effective=datetime.date(2026, 9, 14))
        return fitting_control(document, labels, label, styles)

    long = "QS-SOP-117 · Version 3.2 · Gültig ab 14. September 2026"
    assert line("Gelenkte Kopie") == f"{long} · Gelenkte Kopie"
    notice = "Gelenkte Kopie nur im Dokumentenmanagementsystem"
    assert line(notice, "") == f"{long} · {notice}"
    assert line(notice) == f"QS-SOP-117 · Version 3.2 · Gültig ab 14.09.2026 · {notice}"
    much = f"{notice} der Qualitätssicherung am Standort Basel, Abteilung Lieferanten"
    assert line(much) == f"QS-SOP-117 · Version 3.2 · Gültig ab 14.09.2026 · {much}"
