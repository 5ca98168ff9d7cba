"""Paragraphs and runs: fields, bookmarks, links, pictures' alternative text, list numbers."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ._xml import element


def empty_story(story: Any, style: Any) -> Any:
    """Remove everything from a header or footer; return its one new, empty paragraph."""
    story_element = story._element
    for child in list(story_element):
        story_element.remove(child)
    return story.add_paragraph(style=style)


def add_field(paragraph: Any, instruction: str, result: str) -> None:
    """Append a complex field (``PAGE``, ``NUMPAGES``) showing ``result`` until updated."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None),
                       ("result", result), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            run._r.append(_instruction(str(text)))
        elif kind == "result":
            run.text = text
        else:
            run._r.append(element("w:fldChar", fldCharType=kind))


def _instruction(text: str) -> Any:
    found = OxmlElement("w:instrText")
    found.set(qn("xml:space"), "preserve")
    found.text = f" {text} "
    return found


def begin_field(target: Any, instruction: str) -> None:
    """Append the start of a field to ``target`` (a paragraph or a link): its result follows."""
    parent = _parent(target)
    parent.append(_field_char("begin"))
    parent.append(element("w:r", [_instruction(instruction)]))
    parent.append(_field_char("separate"))


def end_field(target: Any) -> None:
    """Append the end of the field last begun to ``target`` (a paragraph or a link)."""
    _parent(target).append(_field_char("end"))


def _field_char(kind: str) -> Any:
    return element("w:r", [element("w:fldChar", fldCharType=kind)])


def _parent(target: Any) -> Any:
    """Return the element to append runs to: a paragraph's, or a link element itself."""
    return getattr(target, "_p", target)


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
    return f"{name[:29]}_{hashlib.sha256(anchor.encode()).hexdigest()[:10]}"


def add_bookmark(paragraph: Any, anchor: str, ident: int, name: str | None = None) -> None:
    """Mark the whole of ``paragraph`` as the bookmark ``anchor`` (a link target).

    ``name``: the bookmark's name as it is (a key's), instead of one made from ``anchor``.
    """
    start = element("w:bookmarkStart", id=str(ident), name=name or bookmark_name(anchor))
    end = element("w:bookmarkEnd", id=str(ident))
    p = paragraph._p
    properties = p.pPr
    if properties is not None:
        properties.addnext(start)
    else:
        p.insert(0, start)
    p.append(end)


def add_hyperlink(paragraph: Any, url: str) -> Any:
    """Append an external hyperlink to ``url`` and return it; :func:`add_to_link` fills it."""
    link = element("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    paragraph._p.append(link)
    return link


def add_internal_link(paragraph: Any, anchor: str) -> Any:
    """Append a hyperlink to the bookmark of ``anchor`` and return it."""
    link = element("w:hyperlink", anchor=bookmark_name(anchor), history="1")
    paragraph._p.append(link)
    return link


def add_to_link(link: Any, run: Any) -> None:
    """Move ``run`` (a python-docx run of the link's paragraph) into ``link``."""
    link.append(run._r)


def add_link_text(link: Any, text: str) -> Any:
    """Append a run of ``text`` (a tab, for a tab) to ``link``; return it for :func:`set_text`."""
    if text == "\t":
        run = element("w:r", [element("w:tab")])
    else:
        shown = OxmlElement("w:t")
        shown.set(qn("xml:space"), "preserve")
        shown.text = text
        run = element("w:r", [shown])
    link.append(run)
    return run


def add_text(run: Any, text: str, address: bool = False) -> None:
    """Append ``text`` to ``run``, each soft hyphen (U+00AD) as Word's optional hyphen.

    The layout decided where a word may break (:mod:`guidegen.layout.hyphenate`); Word
    and LibreOffice break there and nowhere else (the document asks for no automatic
    hyphenation), and read the word whole (``w:softHyphen`` is no text). ``address``:
    ``text`` is a web or e-mail address, whose hyphens are Word's non-breaking hyphen
    (a line end at one would read as a hyphenated word; it breaks after a ``/``).
    """
    character, element = ("-", "w:noBreakHyphen") if address else ("\u00ad", "w:softHyphen")
    for n, piece in enumerate(text.split(character)):
        if n:
            run._r.append(OxmlElement(element))
        if piece:
            run.add_text(piece)


def set_text(run: Any, text: str) -> None:
    """Set the text of a run :func:`add_link_text` made."""
    run.find(qn("w:t")).text = text


def describe_picture(shape: Any, text: str) -> None:
    """Give inline picture ``shape`` its alternative text, what a screen reader says for it."""
    shape._inline.docPr.set("descr", text)


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
