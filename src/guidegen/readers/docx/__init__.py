"""The DOCX reader: any Word document → :class:`~.model.WordDocument`.

The package is checked before anything in it is parsed (:mod:`..ooxml`); then the
document part's body is read in reading order (:mod:`.body`), with its styles and list
definitions (:mod:`.styles`), its core and custom properties, and its comments. Nothing
about guides is known here: :mod:`guidegen.readers.wordguide` maps the result onto one.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import ContentError, Location, Problem
from ..ooxml import Element, Package, attr, open_package, qn
from .body import BodyReader
from .model import Comment, ParagraphLocation, WordDocument
from .styles import read_numbering, read_styles

_WORD_DOCUMENT = "wordprocessingml.document"


def read_docx(path: Path) -> WordDocument:
    """Return what the Word document at ``path`` says; raise if it is not a readable one."""
    package = open_package(path, "Word")
    main = package.main_part()
    types = package.read("[Content_Types].xml") or b""
    root = package.xml(main) if main else None
    body = root.find(qn("w:body")) if root is not None else None
    if body is None or _WORD_DOCUMENT.encode() not in types:
        raise ContentError.collect([Problem(Location(package.file), "not a Word document "
                                            "(.docx): it has no document body")])
    assert main is not None
    styles = read_styles(package.xml(package.related(main, "styles")))
    numbering = read_numbering(package.xml(package.related(main, "numbering")))
    reader = BodyReader(package, main, styles, numbering)
    reader.paged = b"lastRenderedPageBreak" in (package.read(main) or b"")
    blocks = tuple(reader.blocks(body))
    return WordDocument(package.file, _core(package), _custom(package), blocks,
                        _comments(package, main, reader.comment_places),
                        styles.language)


def _core(package: Package) -> dict[str, str]:
    """Return the core properties (title, creator, …) by their element's local name."""
    part = package.related("", "core-properties")
    root = package.xml(part) if part else None
    if root is None:
        return {}
    return {child.tag.rsplit("}", 1)[-1]: (child.text or "").strip() for child in root
            if (child.text or "").strip()}


def _custom(package: Package) -> dict[str, str]:
    """Return the custom properties (File ▸ Properties ▸ Custom) as text, by name."""
    part = package.related("", "custom-properties")
    root = package.xml(part) if part else None
    if root is None:
        return {}
    return {attr_name: "".join(value.itertext()).strip()
            for prop in root.iter(qn("op:property"))
            if (attr_name := prop.get("name", "")) and (value := _first(prop)) is not None}


def _first(element: Element) -> Element | None:
    return next(iter(element), None)


def _comments(package: Package, main: str,
              places: dict[str, ParagraphLocation]) -> tuple[Comment, ...]:
    """Return the comments of the document, each with the paragraph it is anchored to."""
    part = package.related(main, "comments")
    root = package.xml(part) if part else None
    if root is None:
        return ()
    found = []
    for comment in root.iter(qn("w:comment")):
        ident = attr(comment, "w:id")
        text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                         for p in comment.iter(qn("w:p"))).strip()
        found.append(Comment(ident, attr(comment, "w:author"), attr(comment, "w:date"), text,
                             places.get(ident)))
    return tuple(found)


__all__ = ["WordDocument", "read_docx"]
