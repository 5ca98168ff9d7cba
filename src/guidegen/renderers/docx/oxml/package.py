"""The package around the text: properties, settings, and a reproducible zip container."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn

from ...escaping import escape
from ._xml import element, insert

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP_END = (2107, 12, 31, 23, 59, 58)  # zip times count two seconds
# what follows w:autoSpaceDN in a paragraph's properties (WordprocessingML's order)
_AFTER_AUTO_SPACE = ("w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                     "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                     "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                     "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                     "w:pPrChange")


def set_custom_properties(document: Any, properties: dict[str, str],
                          dates: Sequence[str] = ()) -> None:
    """Store ``properties`` as the document's only custom properties (File ▸ Properties).

    Those named in ``dates`` (their values YYYY-MM-DD) are dates, as Word types them.
    """
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):  # a reference document may have some
        if rel.reltype == RT.CUSTOM_PROPERTIES:
            del package.rels[rel_id]
    if not properties:
        return
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    items = "".join(
        f'<property fmtid="{fmtid}" pid="{pid}" name="{escape(name, quote=True)}">'
        + (f"<vt:filetime>{value}T00:00:00Z</vt:filetime>" if name in dates else
           f"<vt:lpwstr>{escape(value)}</vt:lpwstr>") + "</property>"
        for pid, (name, value) in enumerate(properties.items(), start=2))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
           f'2006/docPropsVTypes">{items}</Properties>')
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES,
                xml.encode("utf-8"), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


#: the language of Latin text (acronyms, names) in a Chinese, Japanese or Korean document
LATIN_IN_EAST_ASIAN = "en-US"


def set_language(document: Any, language: str, east_asian: bool = False) -> None:
    """Set ``language`` on the document's defaults and the Normal style, which others inherit.

    ``east_asian``: the language is Chinese, Japanese or Korean: it is the language of
    East Asian text (``w:eastAsia``, which picks the glyphs and line breaks), and Latin
    text (``w:val``) is English, so a word processor keeps "CDMO" whole instead of
    breaking it between any two letters as in Japanese. Its paragraphs add no space
    between East Asian text and Latin letters or digits (``w:autoSpaceDE``/``DN`` off),
    as the PDF adds none: Word's would lengthen lines ("2026 年 6 月 1 日"). LibreOffice
    reads neither setting and keeps its gap (:mod:`guidegen.layout.widths` leaves a
    date room for it).
    """
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if east_asian:
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            insert(ppr, element(tag, val="0"), *_AFTER_AUTO_SPACE)
    default_rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in (default_rpr, document.styles["Normal"].element.get_or_add_rPr()):
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = element("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LATIN_IN_EAST_ASIAN if east_asian else language)
        if east_asian:
            lang.set(qn("w:eastAsia"), language)


def drop_thumbnail(document: Any) -> None:
    """Remove the template's thumbnail, which would show a blank page in file browsers."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]


def set_core_dates(document: Any, date: datetime.datetime | None) -> None:
    """Set created/modified to ``date``, or remove them: never the time of the build."""
    core = document.core_properties
    properties = core._element
    for tag in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        for child in properties.findall(qn(tag)):
            properties.remove(child)
    if date is not None:
        naive = date.astimezone(datetime.UTC).replace(tzinfo=None)
        core.created = core.modified = naive


def save_reproducibly(document: Any, date: datetime.datetime | None) -> bytes:
    """Return ``document`` saved as DOCX bytes with fixed zip timestamps and attributes.

    python-docx stamps every zip entry with the time it saves; its saved package is
    written again here, entry by entry in its own order, each with one fixed date (the
    build's date, or 1980-01-01, the first date a zip holds; 2107-12-31 the last) and
    fixed permissions.
    """
    stamp = ZIP_EPOCH
    if date is not None:  # zip dates hold 1980 to 2107: a date outside takes the nearest
        when = date.astimezone(datetime.UTC)
        stamp = max(ZIP_EPOCH, min(ZIP_END, (when.year, when.month, when.day, when.hour,
                                              when.minute, when.second)))
    saved = io.BytesIO()
    document.save(saved)
    return rezip(saved.getvalue(), stamp)


def rezip(saved: bytes, stamp: tuple[int, int, int, int, int, int], again: bool = False) -> bytes:
    """Return the zip ``saved`` written again, each entry dated ``stamp``, 0644.

    A speed trick: each entry python-docx deflated is copied as it deflated it (the
    same zlib, level and method give the same bytes), not deflated a second time: the
    default guide's DOCX holds 891 kB of XML (its style parts), ~8 ms of CPU after the
    hand-off. ``again``: deflated again (how it was done before; the tests compare).
    """
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for found in source.infolist():
            entry = zipfile.ZipInfo(found.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            data = source.read(found)  # inflated: its CRC checked
            if again or found.compress_type != zipfile.ZIP_DEFLATED:
                archive.writestr(entry, data)
                continue
            entry.file_size = len(data)  # as writestr does, before the header is written
            with archive.open(entry, "w") as written:
                if getattr(written, "_compressor", None) is not None:  # (zipfile's own)
                    written._compressor = _Deflated(_deflated(saved, found))  # type: ignore[attr-defined]
                written.write(data)  # its CRC and size taken, its bytes those deflated
    return output.getvalue()


def _deflated(saved: bytes, found: zipfile.ZipInfo) -> bytes:
    """Return entry ``found``'s bytes in the zip ``saved``, as they were compressed."""
    start = found.header_offset
    name, extra = int.from_bytes(saved[start + 26:start + 28], "little"), \
        int.from_bytes(saved[start + 28:start + 30], "little")  # its local header's
    begin = start + 30 + name + extra
    return saved[begin:begin + found.compress_size]


class _Deflated:
    """A compressor for zipfile that gives what was deflated already, once."""

    def __init__(self, deflated: bytes) -> None:
        self.deflated = deflated

    def compress(self, data: bytes) -> bytes:
        """Return the deflated bytes (of all the data; written in one piece)."""
        found, self.deflated = self.deflated, b""
        return found

    def flush(self) -> bytes:
        """Return nothing more."""
        return b""
