"""A Word document's styles and list definitions, as the reader needs them.

Styles are found by name, not id: Word writes the names of its built-in styles in
English whatever the language of its menus (``heading 1``, ``Title``), while the ids
are translated (``berschrift1``). A style's heading level comes from its name or its
outline level, through the styles it is based on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ooxml import Element, attr, flag, qn

_HEADING = re.compile(r"(?i)^heading\s*([1-9])$")
MONOSPACE = ("courier", "consolas", "mono", "menlo", "monaco", "lucida console", "source code")
CODE_STYLES = {"code", "html code", "verbatim char", "source code", "inline code",
               "html typewriter"}


@dataclass
class Style:
    """One style: name, type, what it is based on, and the few properties the reader uses."""

    id: str
    name: str
    kind: str
    base: str = ""
    outline: int | None = None  # 0 for Heading 1
    num_id: str = ""
    num_level: int | None = None
    bold: bool | None = None
    italic: bool | None = None
    font: str = ""


@dataclass
class Styles:
    """The styles of a document by id, with the defaults for what names none."""

    by_id: dict[str, Style] = field(default_factory=dict)
    default_paragraph: str = ""
    language: str = ""

    def name(self, style_id: str) -> str:
        """Return the name of the style ``style_id`` (of the default paragraph style if empty)."""
        style = self.by_id.get(style_id or self.default_paragraph)
        return style.name if style else style_id

    def chain(self, style_id: str) -> list[Style]:
        """Return the style ``style_id`` and those it is based on, nearest first."""
        found: list[Style] = []
        style = self.by_id.get(style_id or self.default_paragraph)
        while style is not None and style not in found and len(found) < 20:
            found.append(style)
            style = self.by_id.get(style.base)
        return found

    def heading(self, style_id: str) -> int:
        """Return the heading level of paragraph style ``style_id`` (1 for Heading 1), or 0."""
        for style in self.chain(style_id):
            matched = _HEADING.match(style.name)
            if matched:
                return int(matched.group(1))
            if style.outline is not None and style.outline < 9:
                return style.outline + 1
        return 0

    def role(self, style_id: str) -> str:
        """Return ``title`` or ``subtitle`` for those styles (or styles based on them)."""
        for style in self.chain(style_id):
            if style.name.lower() in ("title", "subtitle"):
                return style.name.lower()
        return ""

    def numbering(self, style_id: str) -> tuple[str, int] | None:
        """Return the list and level a paragraph style puts its paragraphs in, if any."""
        for style in self.chain(style_id):
            if style.num_id:
                return style.num_id, style.num_level or 0
        return None

    def character(self, style_id: str) -> tuple[bool | None, bool | None, bool]:
        """Return whether character style ``style_id`` is bold, italic, and code."""
        bold = italic = None
        code = False
        for style in self.chain(style_id) if style_id else ():
            bold = style.bold if bold is None else bold
            italic = style.italic if italic is None else italic
            code = code or style.name.lower() in CODE_STYLES or is_monospace(style.font)
        return bold, italic, code


def is_monospace(font: str) -> bool:
    """Return whether the font named ``font`` is one whose letters are all one width."""
    lowered = font.lower()
    return bool(lowered) and any(name in lowered for name in MONOSPACE)


def read_styles(root: Element | None) -> Styles:
    """Return the styles of the ``styles.xml`` part ``root`` (none if the part is missing)."""
    styles = Styles()
    if root is None:
        return styles
    for element in root.iter(qn("w:style")):
        style = _style(element)
        styles.by_id[style.id] = style
        if style.kind == "paragraph" and attr(element, "w:default") in ("1", "true", "on"):
            styles.default_paragraph = style.id
    defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"
                         f"/{qn('w:lang')}")
    styles.language = attr(defaults, "w:val")
    return styles


def _style(element: Element) -> Style:
    properties = element.find(qn("w:pPr"))
    run = element.find(qn("w:rPr"))
    num = properties.find(qn("w:numPr")) if properties is not None else None
    outline = properties.find(qn("w:outlineLvl")) if properties is not None else None
    level = num.find(qn("w:ilvl")) if num is not None else None
    return Style(
        id=attr(element, "w:styleId"),
        name=attr(element.find(qn("w:name")), "w:val") or attr(element, "w:styleId"),
        kind=attr(element, "w:type", "paragraph"),
        base=attr(element.find(qn("w:basedOn")), "w:val"),
        outline=_integer(attr(outline, "w:val")),
        num_id=attr(num.find(qn("w:numId")) if num is not None else None, "w:val"),
        num_level=_integer(attr(level, "w:val")),
        bold=flag(run.find(qn("w:b"))) if run is not None else None,
        italic=flag(run.find(qn("w:i"))) if run is not None else None,
        font=attr(run.find(qn("w:rFonts")) if run is not None else None, "w:ascii"))


def _integer(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


@dataclass
class Numbering:
    """The list definitions of a document: whether each list's levels count, and from where.

    :meth:`place` also keeps count, as Word does, of the items of each list seen so far,
    so that an item's number is the one the document shows.
    """

    formats: dict[str, dict[int, tuple[str, int]]] = field(default_factory=dict)
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    def place(self, num_id: str, level: int) -> tuple[bool, int] | None:
        """Return whether list ``num_id`` counts at ``level``, and the next item's number.

        None if the list does not exist (``numId`` 0 takes a paragraph out of its list).
        """
        levels = self.formats.get(num_id)
        if not levels:
            return None
        kind, start = levels.get(level, ("bullet", 1))
        counts = self.counters.setdefault(num_id, {})
        number = counts.get(level, start - 1) + 1
        counts[level] = number
        for deeper in [n for n in counts if n > level]:
            del counts[deeper]
        return kind not in ("bullet", "none"), number


def read_numbering(root: Element | None) -> Numbering:
    """Return the list definitions of the ``numbering.xml`` part ``root``."""
    numbering = Numbering()
    if root is None:
        return numbering
    abstract: dict[str, dict[int, tuple[str, int]]] = {}
    for element in root.iter(qn("w:abstractNum")):
        levels = {}
        for lvl in element.iter(qn("w:lvl")):
            level = _integer(attr(lvl, "w:ilvl")) or 0
            start = _integer(attr(lvl.find(qn("w:start")), "w:val"))
            levels[level] = (attr(lvl.find(qn("w:numFmt")), "w:val", "decimal"),
                             1 if start is None else start)
        abstract[attr(element, "w:abstractNumId")] = levels
    for num in root.iter(qn("w:num")):
        levels = dict(abstract.get(attr(num.find(qn("w:abstractNumId")), "w:val"), {}))
        for override in num.iter(qn("w:lvlOverride")):
            level = _integer(attr(override, "w:ilvl")) or 0
            start = _integer(attr(override.find(qn("w:startOverride")), "w:val"))
            if start is not None:
                levels[level] = (levels.get(level, ("decimal", 1))[0], start)
        numbering.formats[attr(num, "w:numId")] = levels
    return numbering


__all__ = ["Numbering", "Style", "Styles", "is_monospace", "read_numbering", "read_styles"]
