"""Building WordprocessingML elements: the few helpers every part of :mod:`..oxml` shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


class Border(NamedTuple):
    """A rule: its width and its distance from the text in points, its colour ``#rrggbb``."""

    width: float
    space: float
    color: str


def element(tag: str, children: Sequence[Any] = (), **attributes: str) -> Any:
    """Return a new ``w:`` element ``tag`` holding ``children``, with ``attributes``."""
    made = OxmlElement(tag)
    for key, value in attributes.items():
        made.set(qn(f"w:{key}"), value)
    for child in children:
        made.append(child)
    return made


def border(tag: str, rule: Border) -> Any:
    """Return the border element ``tag`` (``w:bottom``, ``w:insideH``) drawing ``rule``."""
    return element(tag, val="single", sz=str(round(rule.width * 8)),
                   space=str(round(rule.space)), color=hex_color(rule.color))


def hex_color(color: str) -> str:
    """Return ``#rrggbb`` as WordprocessingML writes it: ``RRGGBB``."""
    return color[1:].upper()


def insert(parent: Any, child: Any, *later: str) -> None:
    """Put ``child`` into ``parent`` before the first of the ``later`` tags it has.

    WordprocessingML fixes the order of an element's children; ``later`` are the tags
    that come after ``child``'s in that order.
    """
    parent.insert_element_before(child, *later)


def remove_all(parent: Any, *paths: str) -> None:
    """Remove every element at each of ``paths`` (``w:pPr/w:tabs``) under ``parent``."""
    for path in paths:
        for child in parent.findall("/".join(qn(step) for step in path.split("/"))):
            child.getparent().remove(child)


def paragraph_border(properties: Any, rule: Border) -> None:
    """Draw ``rule`` under the paragraph (or paragraph style) of ``properties`` (a pPr)."""
    insert(properties, element("w:pBdr", [border("w:bottom", rule)]), "w:shd", "w:tabs",
           "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")
