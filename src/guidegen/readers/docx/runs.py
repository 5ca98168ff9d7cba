"""The inline content of a Word paragraph read into runs (:class:`~.model.Run`).

Hyperlinks, tracked insertions and deletions, fields and symbols are read here, and
what is not text is noted (:class:`~.model.Unmapped`): a text box (whose paragraphs the
body reader reads, to follow the paragraph), a footnote, a field, an equation, a chart,
an embedded object. A field may run over several paragraphs (a table of contents does),
so the fields open are the reader's, not a paragraph's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ...tree.keys import KEY_PREFIX
from ..ooxml import Element, Package, attr, flag, qn
from .model import Block, Change, Paragraph, ParagraphLocation, Picture, Run, Unmapped
from .styles import Styles, is_monospace

# Check marks and crosses as the symbol fonts draw them (Insert ▸ Symbol, or the font).
_SYMBOLS = {
    "wingdings": {0xFC: "✓", 0xFB: "✗", 0xFE: "☑", 0xFD: "☒", 0x6C: "●", 0xA1: "○",
                  0x77: "◆", 0xA8: "☐"},
    "wingdings 2": {0x50: "✓", 0x4F: "✗", 0x52: "☑", 0x54: "☒", 0x51: "✗"},
}
_FIELD_LINK = re.compile(r'^\s*HYPERLINK\s+"([^"]*)"', re.IGNORECASE)
_CONTENTS_FIELDS = ("TOC", "PAGEREF")
# fields whose shown text is the text: a link's, and a document property's (a controlled
# document's number and version, as guidegen writes them)
_KEPT_FIELDS = ("HYPERLINK", "DOCPROPERTY")
_BREAKS_THAT_ARE_LINES = ("", "textWrapping")


@dataclass
class _Field:
    """A complex field being read: its instruction, and whether its shown text has begun."""

    instruction: str = ""
    showing: bool = False

    @property
    def name(self) -> str:
        return self.instruction.split()[0].upper() if self.instruction.split() else ""


@dataclass
class Found:
    """What one paragraph holds, gathered while its children are read."""

    runs: list[Run] = field(default_factory=list)
    bookmarks: list[str] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    after: list[Block] = field(default_factory=list)  # a text box's paragraphs
    contents: bool = False
    keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """The hyperlink and tracked change the runs being read are inside."""

    link: str = ""
    group: int = 0
    change: Change | None = None


class RunReader:
    """Reads the runs of paragraphs; :meth:`blocks` (a text box's) is the body reader's."""

    def __init__(self, package: Package, part: str, styles: Styles) -> None:
        self.package = package
        self.file = package.file
        self.relationships = package.relationships(part)
        self.styles = styles
        self.notes = {kind: _notes(package, package.related(part, kind))
                      for kind in ("footnotes", "endnotes")}
        self.count = 0
        self.fields: list[_Field] = []
        self.links = 0
        self.contents = 0  # table-of-contents content controls we are inside
        self.comment_places: dict[str, ParagraphLocation] = {}
        self.keys: dict[str, str] = {}  # the key bookmarks open, by id
        self.page = 1
        self.paged = False  # whether Word noted where its pages broke

    def bookmark(self, element: Element, found: Found | None) -> None:
        """Note a bookmark's start or end: a guidegen key stays open until its end."""
        ident = attr(element, "w:id")
        if element.tag == qn("w:bookmarkEnd"):
            self.keys.pop(ident, None)
            return
        name = attr(element, "w:name")
        if name.startswith(KEY_PREFIX):
            self.keys[ident] = name
            if found is not None and name not in found.keys:
                found.keys.append(name)
        elif found is not None and name and not name.startswith("_"):  # _GoBack, _Toc…
            found.bookmarks.append(name)

    def blocks(self, container: Element) -> list[Block]:
        """Return the paragraphs and tables of ``container`` (a text box's)."""
        raise NotImplementedError

    def inline(self, parent: Element, found: Found, context: Context) -> None:
        """Gather the runs and marks of ``parent`` (a paragraph, link, change) into ``found``."""
        for child in parent:
            tag = child.tag
            if tag == qn("w:r"):
                self.run(child, found, context)
            elif tag == qn("w:hyperlink"):
                self.links += 1
                relation = self.relationships.get(attr(child, "r:id"))
                href = relation.target if relation is not None and relation.external else ""
                if not href and not found.contents:
                    found.unmapped.append(Unmapped("a link to a place in the document",
                                                   _text_of(child)))
                self.inline(child, found, Context(href, self.links, context.change))
            elif tag in (qn("w:ins"), qn("w:moveTo"), qn("w:del"), qn("w:moveFrom")):
                kind = "insert" if tag in (qn("w:ins"), qn("w:moveTo")) else "delete"
                change = Change(kind, attr(child, "w:author"), attr(child, "w:date"))
                self.inline(child, found, Context(context.link, context.group, change))
            elif tag == qn("w:fldSimple"):
                self.fields.append(_Field(attr(child, "w:instr"), showing=True))
                self._field_begins(found)
                self.inline(child, found, context)
                self.fields.pop()
            elif tag in (qn("w:smartTag"), qn("w:customXml")):
                self.inline(child, found, context)
            elif tag == qn("w:sdt"):
                self.inline(content_of(child), found, context)
            elif tag == qn("mc:AlternateContent"):
                self.inline(chosen(child), found, context)
            elif tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
                self.bookmark(child, found)
            elif tag == qn("w:commentRangeStart"):
                found.comments.append(attr(child, "w:id"))
            elif tag in (qn("m:oMath"), qn("m:oMathPara")):
                text = "".join(t.text or "" for t in child.iter(qn("m:t")))
                found.runs.append(Run(text, change=context.change))
                found.unmapped.append(Unmapped("an equation, kept as its text", text))

    def run(self, element: Element, found: Found, context: Context) -> None:
        """Gather one run: its text in pieces, and what else it holds."""
        properties = element.find(qn("w:rPr"))
        style_id = attr(child_of(properties, "w:rStyle"), "w:val")
        style_bold, style_italic, style_code = self.styles.character(style_id)
        fonts = child_of(properties, "w:rFonts")
        font = attr(fonts, "w:ascii") or attr(fonts, "w:hAnsi")
        bold = flag(child_of(properties, "w:b"))
        italic = flag(child_of(properties, "w:i"))
        base = Run("", bool(style_bold) if bold is None else bold,
                   bool(style_italic) if italic is None else italic,
                   style_code or is_monospace(font), context.link, context.group,
                   self.styles.name(style_id) if style_id else "", context.change)
        restyled = child_of(properties, "w:rPrChange")
        if restyled is not None:
            was = restyled.find(qn("w:rPr"))
            old_bold, old_italic = flag(child_of(was, "w:b")), flag(child_of(was, "w:i"))
            base = replace(base, restyled=Change("format", attr(restyled, "w:author"),
                                                 attr(restyled, "w:date")),
                           was=(bool(style_bold) if old_bold is None else old_bold,
                                bool(style_italic) if old_italic is None else old_italic))
        hidden = flag(child_of(properties, "w:vanish")) or False
        for child in element:
            text = self._piece(child, found, font)
            if text is None or not self._shown():
                continue
            if hidden:
                found.unmapped.append(Unmapped("hidden text, left out", text))
                continue
            found.runs.append(self._in_field(base, text))

    def _piece(self, child: Element, found: Found, font: str) -> str | None:
        """Return the text ``child`` of a run adds (None: none), noting what it is not."""
        tag = child.tag
        if tag in (qn("w:t"), qn("w:delText")):
            return _symbol_text(child.text or "", font)
        if tag in (qn("w:tab"), qn("w:ptab")):
            return "\t"
        if tag == qn("w:br"):
            return "\n" if attr(child, "w:type") in _BREAKS_THAT_ARE_LINES else None
        if tag == qn("w:cr"):
            return "\n"
        if tag == qn("w:lastRenderedPageBreak"):
            self.page += 1
        if tag == qn("w:noBreakHyphen"):
            return "-"
        if tag == qn("w:sym"):
            return self._symbol(child, found)
        if tag == qn("w:fldChar"):
            self._field_char(attr(child, "w:fldCharType"), found)
        elif tag == qn("w:instrText") and self.fields and not self.fields[-1].showing:
            self.fields[-1].instruction += child.text or ""
        elif tag in (qn("w:drawing"), qn("w:pict"), qn("mc:AlternateContent")):
            self.drawing(child, found)
        elif tag in (qn("w:footnoteReference"), qn("w:endnoteReference")):
            kind = "footnotes" if tag == qn("w:footnoteReference") else "endnotes"
            found.unmapped.append(Unmapped(f"a{'' if kind == 'footnotes' else 'n'} "
                                           f"{kind[:-1]}, left out",
                                           self.notes[kind].get(attr(child, "w:id"), "")))
        elif tag == qn("w:commentReference") and attr(child, "w:id") not in found.comments:
            found.comments.append(attr(child, "w:id"))
        elif tag in (qn("w:object"), qn("w:embedded")):
            found.unmapped.append(Unmapped("an embedded object, left out"))
        return None

    def _symbol(self, element: Element, found: Found) -> str | None:
        font = attr(element, "w:font")
        code = int(attr(element, "w:char", "0") or "0", 16) & 0xFF if re.fullmatch(
            r"[0-9A-Fa-f]{1,4}", attr(element, "w:char")) else 0
        symbol = _SYMBOLS.get(font.lower(), {}).get(code)
        if symbol is None:
            found.unmapped.append(Unmapped(f"a symbol of the font {font or '?'}, left out"))
        return symbol

    def _field_char(self, kind: str, found: Found) -> None:
        if kind == "begin":
            self.fields.append(_Field())
        elif kind == "separate" and self.fields:
            self.fields[-1].showing = True
            self._field_begins(found)
        elif kind == "end" and self.fields:
            self.fields.pop()

    def _field_begins(self, found: Found) -> None:
        """Note the field whose shown text begins, unless it is a link or the contents."""
        name = self.fields[-1].name
        if name in _CONTENTS_FIELDS:
            found.contents = True
        elif name not in _KEPT_FIELDS and not found.contents and not self._in_contents():
            found.unmapped.append(Unmapped(f"a field ({name or '?'}), kept as the text it "
                                           "showed"))

    def _shown(self) -> bool:
        """Return whether text read now is shown (not a field's instruction)."""
        return all(f.showing for f in self.fields)

    def _in_contents(self) -> bool:
        return any(f.name in _CONTENTS_FIELDS for f in self.fields)

    def _in_field(self, run: Run, text: str) -> Run:
        """Return ``run`` holding ``text``, made a link if it shows a HYPERLINK field."""
        for open_field in reversed(self.fields):
            matched = _FIELD_LINK.match(open_field.instruction)
            if matched and matched.group(1).startswith(("http://", "https://", "mailto:")):
                return Run(text, run.bold, run.italic, run.code, matched.group(1),
                           -len(self.fields), run.style, run.change, "HYPERLINK")
        name = self.fields[-1].name if self.fields else ""
        return Run(text, run.bold, run.italic, run.code, run.link, run.group, run.style,
                   run.change, name)

    def drawing(self, element: Element, found: Found) -> None:
        """Note the pictures, text boxes and charts of a drawing."""
        element = chosen(element) if element.tag == qn("mc:AlternateContent") else element
        boxes = list(element.iter(qn("w:txbxContent")))
        for box in boxes:
            blocks = self.blocks(box)
            text = " ".join(b.text for b in blocks if isinstance(b, Paragraph))
            found.unmapped.append(Unmapped("a text box, its text kept as paragraphs after "
                                           "this one", text))
            found.after += [_in_textbox(b) for b in blocks]
        if boxes:
            return
        for blip in [*element.iter(qn("a:blip")), *element.iter(qn("v:imagedata"))]:
            relation = self.relationships.get(attr(blip, "r:embed") or attr(blip, "r:id"))
            data = self.package.read(relation.target) if relation is not None else None
            if data is not None and relation is not None:
                described = next(iter(element.iter(qn("wp:docPr"))), None)
                found.pictures.append(Picture(relation.target, data,
                                              attr(described, "descr") if described is
                                              not None and described.get("descr") else ""))
        for graphic in element.iter(qn("a:graphicData")):
            uri = graphic.get("uri", "")
            if uri.endswith("/chart"):
                found.unmapped.append(Unmapped("a chart, left out"))
            elif uri.endswith("/diagram"):
                found.unmapped.append(Unmapped("a SmartArt diagram, left out"))


# -- helpers ---------------------------------------------------------------------------------

def child_of(element: Element | None, name: str) -> Element | None:
    """Return the first ``name`` child of ``element`` (None if either is missing)."""
    return None if element is None else element.find(qn(name))


def children(element: Element, name: str) -> list[Element]:
    """Return the ``name`` children of ``element``, looking through content controls."""
    found = []
    for child in element:
        if child.tag == qn(name):
            found.append(child)
        elif child.tag in (qn("w:sdt"), qn("w:customXml")):
            inner = child.find(qn("w:sdtContent"))
            found += children(inner if inner is not None else child, name)
    return found


def content_of(control: Element) -> Element:
    """Return the content of the content control ``control`` (an empty element if none)."""
    content = control.find(qn("w:sdtContent"))
    return content if content is not None else Element("none")


def chosen(element: Element) -> Element:
    """Return the first choice of an ``mc:AlternateContent`` (never its fallback)."""
    choice = element.find(qn("mc:Choice"))
    return choice if choice is not None else Element("none")


def integer(text: str) -> int | None:
    """Return ``text`` as a whole number, or None if it is not one."""
    try:
        return int(text)
    except ValueError:
        return None


def _symbol_text(text: str, font: str) -> str:
    """Return ``text`` as its characters look in a symbol font (ü in Wingdings is ✓)."""
    table = _SYMBOLS.get(font.lower())
    if not table:
        return text
    return "".join(table.get(ord(c) & 0xFF, c) if ord(c) < 0x100 or 0xF000 <= ord(c) < 0xF100
                   else c for c in text)


def _in_textbox(block: Block) -> Block:
    if isinstance(block, Paragraph):
        return replace(block, heading=0, role="textbox", list=None)
    return block


def _text_of(element: Element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _notes(package: Package, part: str | None) -> dict[str, str]:
    """Return the text of each footnote (or endnote) of ``part`` by its id."""
    root = package.xml(part) if part else None
    if root is None:
        return {}
    return {attr(note, "w:id"): " ".join(_text_of(p) for p in note.iter(qn("w:p"))).strip()
            for note in root if note.tag in (qn("w:footnote"), qn("w:endnote"))}


__all__ = ["Context", "Found", "RunReader", "child_of", "children", "chosen", "content_of",
           "integer"]
