"""An Office Open XML package (a DOCX) opened for reading: its parts, relationships, XML.

This is the readers' one place that knows how a package is put together. The file is
read by :func:`guidegen.files.read_file` and must pass :func:`guidegen.zips.package_problem`
(no zip bomb, no DOCTYPE and so no entity, no relationship leading outside the file)
before any part is parsed; parts are parsed with the standard library's XML parser,
which expands no external entity.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from ..errors import ContentError, Location, Problem, display_name
from ..files import read_file
from ..zips import MAX_TOTAL, package_problem

Element = ElementTree.Element

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NAMESPACES = {
    "w": W,
    "r": R,
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "v": "urn:schemas-microsoft-com:vml",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "op": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
_OFFICE_DOCUMENT = "/officeDocument"


def qn(name: str) -> str:
    """Return ``prefix:local`` as ElementTree's ``{namespace}local``."""
    prefix, local = name.split(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def attr(element: Element | None, name: str, default: str = "") -> str:
    """Return the attribute ``prefix:local`` of ``element`` (``default`` if absent)."""
    if element is None:
        return default
    return element.get(qn(name), default)


def flag(element: Element | None) -> bool | None:
    """Return an on/off property (``<w:b/>``, ``<w:b w:val="0"/>``), or None if absent."""
    if element is None:
        return None
    return attr(element, "w:val", "true").lower() not in ("0", "false", "off", "none")


@dataclass(frozen=True)
class Relationship:
    """Where a relationship of a part leads: another part, or an address outside."""

    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """Return the last word of the relationship's type (``image``, ``hyperlink``)."""
        return self.type.rsplit("/", 1)[-1]


class Package:
    """The parts of a checked Office package, read on demand."""

    def __init__(self, data: bytes, file: str) -> None:
        self.file = file
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = {info.filename for info in self.zip.infolist()}

    def read(self, name: str) -> bytes | None:
        """Return the bytes of part ``name`` (no leading ``/``), or None if missing."""
        return self.zip.read(name) if name in self.names else None

    def xml(self, name: str | None) -> Element | None:
        """Return the parsed XML of part ``name``, or None if missing; bad XML is an error."""
        data = self.read(name) if name else None
        if data is None:
            return None
        try:
            return ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise ContentError.collect([Problem(Location(self.file), f"not a readable Word "
                                                f"file: part {name} is not XML ({exc})")]
                                       ) from None

    def relationships(self, name: str) -> dict[str, Relationship]:
        """Return the relationships of part ``name`` by id, targets resolved to part names."""
        folder, base = posixpath.split(name)
        root = self.xml(posixpath.join(folder, "_rels", f"{base}.rels"))
        found = {}
        for relation in root.iter(qn("pr:Relationship")) if root is not None else ():
            external = relation.get("TargetMode", "").lower() == "external"
            target = relation.get("Target", "")
            if not external:
                target = posixpath.normpath(posixpath.join(folder, target)).lstrip("/") \
                    if not target.startswith("/") else target.lstrip("/")
            found[relation.get("Id", "")] = Relationship(relation.get("Type", ""), target,
                                                         external)
        return found

    def main_part(self) -> str | None:
        """Return the name of the package's main document part (``word/document.xml``)."""
        for relation in self.relationships("").values():
            if relation.type.endswith(_OFFICE_DOCUMENT) and not relation.external:
                return relation.target
        return None

    def related(self, name: str, kind: str) -> str | None:
        """Return the part that part ``name`` relates to by type ``kind``, if it has one."""
        for relation in self.relationships(name).values():
            if relation.kind == kind and not relation.external and relation.target in \
                    self.names:
                return relation.target
        return None


def open_package(path: Path, kind: str = "Word") -> Package:
    """Return the package at ``path`` once its file and its parts pass the checks."""
    file = display_name(path)
    data = read_file(path, MAX_TOTAL, error=ContentError, display=file)
    problem = package_problem(data)
    if problem is not None:
        raise ContentError.collect([Problem(Location(file), f"not a readable {kind} file: "
                                            f"{problem}")])
    return Package(data, file)


__all__ = ["NAMESPACES", "Element", "Package", "Relationship", "attr", "flag", "open_package",
           "qn"]
