"""A templates folder's ``reference.docx``, read and checked before python-docx opens it.

python-docx reads every part of a package whole, and its XML parser leaves entity
references in place, so a hostile ``reference.docx`` could cost gigabytes (a zip bomb)
or yield a DOCX that cannot be opened (an external entity). Here it is read by
:func:`~guidegen.files.read_file` (a regular file of at most 16 MB inside its folder),
and its zip is checked without trusting what its headers say: at most
:data:`MAX_PARTS` parts, each at most :data:`MAX_PART` bytes once decompressed and all
together at most :data:`MAX_TOTAL`, read a bounded amount at a time; no XML part may
declare a DOCTYPE (where entities are declared: Office never writes one).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import Location, Problem, TemplateError, display_name
from ..files import MAX_TEMPLATE_FILE, MIB, read_file

REFERENCE_FILE = "reference.docx"
MAX_PARTS = 1000
MAX_PART = 32 * MIB
MAX_TOTAL = 64 * MIB


def find_reference(folders: Sequence[Path]) -> Path | None:
    """Return the ``reference.docx`` of the first template folder that has one."""
    return next((folder / REFERENCE_FILE for folder in folders
                 if os.path.lexists(folder / REFERENCE_FILE)), None)


def read_reference(path: Path, root: Path) -> bytes:
    """Return the bytes of the reference document at ``path`` once they pass the checks."""
    data = read_file(path, MAX_TEMPLATE_FILE, root=root, error=TemplateError)
    problem = _package_problem(data)
    if problem is not None:
        raise TemplateError.collect([Problem(Location(display_name(path)),
                                             f"not a usable .docx: {problem}")])
    return data


def _package_problem(data: bytes) -> str | None:
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
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            NotImplementedError, ValueError) as exc:  # zipfile's ways of saying "broken"
        return f"not a zip package ({exc})"
    except _DoctypeError as exc:
        return (f"part {exc} declares a DOCTYPE (entities), which a Word document never "
                "has")
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


def _declares_doctype(chunk: bytes) -> bool:
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        if "<!DOCTYPE".encode(encoding) in chunk or "<!ENTITY".encode(encoding) in chunk:
            return True
    return False
