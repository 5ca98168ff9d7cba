"""Office files (a DOCX, an XLSX) checked before a library opens them.

python-docx and openpyxl read a package's parts whole, and their XML parsers leave
entity references in place: a zip bomb costs gigabytes, an external entity yields a
file that cannot be opened. :func:`package_problem` checks a package without trusting
what its headers say: at most :data:`MAX_PARTS` parts, each at most :data:`MAX_PART`
bytes once decompressed and all together at most :data:`MAX_TOTAL`, read a megabyte at
a time; no XML part may declare a DOCTYPE (where entities are declared: Office
never writes one); and no relationship may point outside the package (an attached
template, a linked picture or object on a server or in the file system), but for a
hyperlink, which is only text to guidegen.
"""

from __future__ import annotations

import io
import zipfile

from .files import MIB

MAX_PARTS = 1000
MAX_PART = 32 * MIB
MAX_TOTAL = 64 * MIB
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK = "/hyperlink"  # the end of the hyperlink relationship's type, in every dialect


def package_problem(data: bytes) -> str | None:
    """Return what is wrong with the zip package ``data``, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            parts = package.infolist()
            if len(parts) > MAX_PARTS:
                return f"it has {len(parts):,} parts; the limit is {MAX_PARTS:,}"
            total = 0
            for part in parts:
                size = _part_size(package, part)
                if size is None:
                    return f"part {part.filename} is larger than {MAX_PART // MIB} MB"
                total += size
                if total > MAX_TOTAL:
                    return f"its parts are larger than {MAX_TOTAL // MIB} MB together"
            for part in parts:
                if part.filename.endswith(".rels"):
                    outside = _external_target(package.read(part))
                    if outside is not None:
                        return (f"part {part.filename} links to {outside!r} outside the file; "
                                "guidegen opens nothing an Office file points to")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            NotImplementedError, ValueError) as exc:  # zipfile's ways of saying "broken"
        return f"not a zip package ({exc})"
    except _DoctypeError as exc:
        return f"part {exc} declares a DOCTYPE (entities), which an Office file never has"
    return None


class _DoctypeError(Exception):
    """An XML part declares a DOCTYPE; the message is the part's name."""


def _part_size(package: zipfile.ZipFile, part: zipfile.ZipInfo) -> int | None:
    """Return the decompressed size of ``part``, reading at most :data:`MAX_PART` + 1."""
    if part.file_size > MAX_PART:
        return None
    size, tail, xml = 0, b"", part.filename.endswith((".xml", ".rels"))
    with package.open(part) as stream:
        while chunk := stream.read(MIB):
            size += len(chunk)
            if size > MAX_PART:
                return None
            if xml and _declares_doctype(tail + chunk):
                raise _DoctypeError(part.filename)
            tail = chunk[-32:]  # a declaration may straddle two chunks
    return size


def _external_target(data: bytes) -> str | None:
    """Return the target of the first relationship in ``data`` that leads outside, or None.

    ``data`` has passed the DOCTYPE check, so it declares no entity to expand.
    """
    from xml.etree import ElementTree  # pyexpat: 3 ms a DOCX build would import for nothing

    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return None  # not a relationship part a reader will follow
    for relation in root.iter(_RELATIONSHIP):
        if (relation.get("TargetMode", "").lower() == "external"
                and not relation.get("Type", "").endswith(_HYPERLINK)):
            return relation.get("Target", "")
    return None


def _declares_doctype(chunk: bytes) -> bool:
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        if "<!DOCTYPE".encode(encoding) in chunk or "<!ENTITY".encode(encoding) in chunk:
            return True
    return False
