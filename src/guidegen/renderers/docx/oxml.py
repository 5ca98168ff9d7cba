"""WordprocessingML that python-docx has no API for.

Fields, bookmarks, hyperlinks, table-row flags, list restarts, custom properties, and a
reproducible zip container.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP_END = (2107, 12, 31, 23, 59, 58)  # zip times count two seconds


def empty_story(story: Any, style: str) -> Any:
    """Remove everything from a header or footer; return its one new, empty paragraph."""
    element = story._element
    for child in list(element):
        element.remove(child)
    return story.add_paragraph(style=style)


def add_field(paragraph: Any, instruction: str, result: str) -> None:
    """Append a complex field (``PAGE``, ``NUMPAGES``) showing ``result`` until updated."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None),
                       ("result", result), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "result":
            run.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def bookmark_name(anchor: str) -> str:
    """Return ``anchor`` as a Word bookmark name: a letter, then letters, digits and ``_``.

    Word takes at most 40 characters: a longer name is cut and ends in a hash of the
    whole anchor, so two long anchors that begin alike (two long subject ids) never
    share a name. (``guidegen import`` reads a subject's id back from a name that fits.)
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", anchor)
    name = name if name[:1].isalpha() else f"b_{name}"
    if len(name) <= 40:
        return name
    import hashlib

    return f"{name[:29]}_{hashlib.sha256(anchor.encode()).hexdigest()[:10]}"


def add_bookmark(paragraph: Any, anchor: str, ident: int, name: str | None = None) -> None:
    """Mark the whole of ``paragraph`` as the bookmark ``anchor`` (a link target).

    ``name``: the bookmark's name as it is (a key's), instead of one made from ``anchor``.
    """
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name or bookmark_name(anchor))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    p = paragraph._p
    properties = p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def add_hyperlink(paragraph: Any, url: str) -> Any:
    """Append an external hyperlink to ``url`` and return its element; append runs to it."""
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    paragraph._p.append(link)
    return link


def describe_picture(shape: Any, text: str) -> None:
    """Give inline picture ``shape`` its alternative text, what a screen reader says for it."""
    shape._inline.docPr.set("descr", text)


def mark_header_row(row: Any) -> None:
    """Flag ``row`` to repeat at the top of every page the table runs onto."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row: Any) -> None:
    """Flag ``row`` so that Word never splits it across pages."""
    _row_flag(row, "w:cantSplit")


def _row_flag(row: Any, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn(tag)) is None:
        properties.append(OxmlElement(tag))


def set_table_look(table: Any, *, first_row: bool = True, banded_rows: bool = True) -> None:
    """Tell Word which conditional parts of the table style apply."""
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tbl_pr.append(look)
    values = {"w:firstRow": first_row, "w:lastRow": False, "w:firstColumn": False,
              "w:lastColumn": False, "w:noHBand": not banded_rows, "w:noVBand": True}
    for key, value in values.items():
        look.set(qn(key), "1" if value else "0")
    flags = (0x20 if first_row else 0) | (0 if banded_rows else 0x200) | 0x400
    look.set(qn("w:val"), f"{flags:04X}")


def set_column_widths(table: Any, widths: Sequence[int]) -> None:
    """Fix the table's layout to ``widths`` (EMU) on the grid and in every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def restart_numbering(document: Any, style_name: str, start: int) -> tuple[str, int]:
    """Return a new list id and level numbering like ``style_name``, from ``start``."""
    numbering = document.part.numbering_part.element
    num_pr = document.styles[style_name].element.pPr.numPr
    level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
    abstract_id = numbering.num_having_numId(num_pr.numId.val).abstractNumId.val
    num = numbering.add_num(abstract_id)
    override = num.add_lvlOverride(ilvl=level)
    override.add_startOverride(start)
    return str(num.numId), level


def use_numbering(paragraph: Any, num_id: str, level: int = 0) -> None:
    """Put ``paragraph`` in list ``num_id`` at ``level``."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = int(num_id)


def set_custom_properties(document: Any, properties: dict[str, str]) -> None:
    """Store ``properties`` as the document's only custom properties (File ▸ Properties)."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):  # a reference document may have some
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rel_id]
    if not properties:
        return
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    items = "".join(
        f'<property fmtid="{fmtid}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
           f'2006/docPropsVTypes">{items}</Properties>')
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES,
                xml.encode("utf-8"), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def set_language(document: Any, language: str, east_asian: bool = False) -> None:
    """Set ``language`` on the document's defaults and the Normal style, which others inherit.

    ``east_asian``: the language is Chinese, Japanese or Korean, so it is also the
    language of East Asian text (``w:eastAsia``), which picks the glyphs and line breaks.
    """
    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in (default_rpr, document.styles["Normal"].element.get_or_add_rPr()):
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), language)
        if east_asian:
            lang.set(qn("w:eastAsia"), language)


# the settings that come after w:autoHyphenation in the schema's fixed order, nearest first
_AFTER_HYPHENATION = ("w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps",
                      "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
                      "w:defaultTableStyle", "w:evenAndOddHeaders", "w:characterSpacingControl",
                      "w:savePreviewPicture", "w:updateFields", "w:compat", "w:rsids")


def set_auto_hyphenation(document: Any) -> None:
    """Turn on automatic hyphenation (in the language of the text) for the whole document."""
    settings = document.settings.element
    if settings.find(qn("w:autoHyphenation")) is not None:
        return
    element = OxmlElement("w:autoHyphenation")
    element.set(qn("w:val"), "true")
    later = next((found for name in _AFTER_HYPHENATION
                  if (found := settings.find(qn(name))) is not None), None)
    if later is not None:
        later.addprevious(element)
    else:
        settings.append(element)


def drop_thumbnail(document: Any) -> None:
    """Remove the template's thumbnail, which would show a blank page in file browsers."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]


def set_core_dates(document: Any, date: datetime.datetime | None) -> None:
    """Set created/modified to ``date``, or remove them: never the time of the build."""
    core = document.core_properties
    element = core._element
    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for child in element.findall(qn(tag)):
            element.remove(child)
    if date is not None:
        naive = date.astimezone(datetime.UTC).replace(tzinfo=None)
        core.created = core.modified = naive


def save_reproducibly(document: Any, date: datetime.datetime | None) -> bytes:
    """Return ``document`` saved as DOCX bytes with fixed zip timestamps and attributes.

    python-docx stamps every zip entry with the current time; this writes the same
    package through python-docx's own package writer, but with one fixed date (the
    build's date, or 1980-01-01, the first date a zip holds; 2107-12-31 the last) and
    fixed permissions, in a single pass.
    """
    from docx.opc.pkgwriter import PackageWriter

    stamp = ZIP_EPOCH
    if date is not None:  # zip dates hold 1980 to 2107: a date outside takes the nearest
        when = date.astimezone(datetime.UTC)
        stamp = max(ZIP_EPOCH, min(ZIP_END, (when.year, when.month, when.day, when.hour,
                                              when.minute, when.second)))
    package = document.part.package
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        writer: Any = _FixedDateWriter(archive, stamp)  # what PackageWriter writes through
        parts = list(package.iter_parts())
        package_writer: Any = PackageWriter  # its parts' writers are untyped internals
        package_writer._write_content_types_stream(writer, parts)
        package_writer._write_pkg_rels(writer, package.rels)
        package_writer._write_parts(writer, parts)
    return output.getvalue()


class _FixedDateWriter:
    """The physical-package writer python-docx's PackageWriter expects, with fixed dates."""

    def __init__(self, archive: zipfile.ZipFile,
                 stamp: tuple[int, int, int, int, int, int]) -> None:
        self.archive = archive
        self.stamp = stamp

    def write(self, pack_uri: Any, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=self.stamp)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        entry.create_system = 3
        self.archive.writestr(entry, blob)
