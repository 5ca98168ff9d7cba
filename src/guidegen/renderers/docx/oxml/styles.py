"""Style definitions python-docx has no API for: fonts per script, rules, lists, tables.

:mod:`..styles` decides every value from the style sheet; this module writes them as
WordprocessingML into a style (a python-docx style object) or the document's defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from docx.oxml.ns import qn

from ._xml import Border, border, element, hex_color, insert, paragraph_border, remove_all

# what follows a w:spacing in run properties, and w:suppressAutoHyphens in paragraph
# properties, in the schema's order
_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
                  "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
                  "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
_AFTER_SUPPRESS_HYPHENS = ("w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
                           "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                           "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                           "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                           "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
                           "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


class Fonts(NamedTuple):
    """The fonts of a style: Latin text's, East Asian text's, complex scripts' (Arabic)."""

    latin: str
    east_asian: str
    complex: str


class ListLevel(NamedTuple):
    """One level of a Word list: number format, marker text, indent, marker colour."""

    format: str  # bullet, decimal, lowerLetter, ...
    marker: str  # "•", "%1."
    indent: float  # points from the margin to the text
    hanging: float  # points the marker hangs left of the text
    color: str | None = None  # "#rrggbb"


def set_fonts(style: Any, fonts: Fonts) -> None:
    """Name ``fonts`` in ``style``'s run properties (its theme fonts removed)."""
    _set_fonts(style.element.get_or_add_rPr(), fonts)


def set_default_fonts(document: Any, fonts: Fonts) -> None:
    """Name ``fonts`` in the document's defaults and its Normal style, which others inherit."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for properties in (rpr, document.styles["Normal"].element.get_or_add_rPr()):
        _set_fonts(properties, fonts)


def _set_fonts(rpr: Any, fonts: Fonts) -> None:
    found = rpr.get_or_add_rFonts()
    for attribute, value in (("w:ascii", fonts.latin), ("w:hAnsi", fonts.latin),
                             ("w:eastAsia", fonts.east_asian), ("w:cs", fonts.complex)):
        found.set(qn(attribute), value)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        found.attrib.pop(qn(attribute), None)


def add_style(document: Any, name: str, kind: Any) -> Any:
    """Return a new style ``name`` of ``kind`` in ``document``, which has no style of that name.

    As python-docx's ``Styles.add_style`` adds it, without its first looking for the name
    through every style in Python (reading each one's name: 44 styles added to the 160
    of the default guide's reference document took a fifth of its DOCX's time); the
    caller has just looked the name up with ``Styles[name]`` (one XPath query).
    """
    from docx.styles import BabelFish
    from docx.styles.style import StyleFactory

    return StyleFactory(document.styles.element.add_style_of_type(
        BabelFish.ui2internal(name), kind, False))


def replace_styles(document: Any, xml: bytes) -> None:
    """Give ``document`` the styles part ``xml`` (a ``word/styles.xml``), as if it had it.

    python-docx reads its styles from the part's element whenever asked (each proxy holds
    the element it was made over) and writes the element when it saves.
    """
    from docx.oxml.parser import parse_xml

    document.part._styles_part._element = parse_xml(xml)


def reset_style(style: Any) -> None:
    """Remove a template style's rules, tab stops, letter and contextual spacing, hyphens."""
    remove_all(style.element, "w:pPr/w:pBdr", "w:pPr/w:tabs", "w:rPr/w:spacing",
               "w:pPr/w:contextualSpacing", "w:pPr/w:suppressAutoHyphens")


def set_letter_spacing(style: Any, points: float) -> None:
    """Set the space added between letters of ``style``'s text, in points."""
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    insert(rpr, element("w:spacing", val=str(round(points * 20))), *_AFTER_SPACING)


def suppress_hyphens(style: Any, suppressed: bool = True) -> None:
    """Never hyphenate ``style``'s lines (``suppressed=False``: do again, below a base's)."""
    suppress = element("w:suppressAutoHyphens")
    if not suppressed:
        suppress.set(qn("w:val"), "0")
    insert(style.element.get_or_add_pPr(), suppress, *_AFTER_SUPPRESS_HYPHENS)


def set_rule_under(style: Any, rule: Border) -> None:
    """Draw ``rule`` under every paragraph of ``style``."""
    paragraph_border(style.element.get_or_add_pPr(), rule)


def define_list(document: Any, levels: Sequence[ListLevel]) -> int:
    """Define one multi-level Word list of ``levels``; return its list (``numId``)."""
    numbering = document.part.numbering_part.element
    abstract_id = 1 + max((int(a.get(qn("w:abstractNumId")))
                           for a in numbering.findall(qn("w:abstractNum"))), default=-1)
    abstract = element("w:abstractNum", abstractNumId=str(abstract_id))
    abstract.append(element("w:multiLevelType", val="multilevel"))
    for ilvl, level in enumerate(levels):
        parts = [
            element("w:start", val="1"),
            element("w:numFmt", val=level.format),
            element("w:lvlText", val=level.marker),
            element("w:lvlJc", val="left"),
            element("w:pPr", [element("w:ind", left=str(round(level.indent * 20)),
                                      hanging=str(round(level.hanging * 20)))]),
        ]
        if level.color is not None:
            parts.append(element("w:rPr", [element("w:color", val=hex_color(level.color))]))
        abstract.append(element("w:lvl", parts, ilvl=str(ilvl)))
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    return int(numbering.add_num(abstract_id).numId)


def use_list(style: Any, num_id: int, level: int) -> None:
    """Make every paragraph of ``style`` an item of list ``num_id`` at ``level``."""
    num_pr = style.element.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_numId().val = num_id
    num_pr.get_or_add_ilvl().val = level


def set_table_frame(style: Any, borders: dict[str, Border],
                    padding: tuple[float, float]) -> None:
    """Give table ``style`` its rules (by side: ``top``, ``insideH``) and cell padding.

    ``padding`` is vertical and horizontal, in points. The style's old table properties
    and conditional parts go.
    """
    table = style.element
    for old in table.findall(qn("w:tblPr")) + table.findall(qn("w:tblStylePr")):
        table.remove(old)
    vertical, horizontal = (str(round(value * 20)) for value in padding)
    table.append(element("w:tblPr", [
        element("w:tblBorders", [border(f"w:{side}", rule) for side, rule in borders.items()]),
        element("w:tblCellMar", [_width("w:top", vertical), _width("w:left", horizontal),
                                 _width("w:bottom", vertical), _width("w:right", horizontal)]),
    ]))


def _width(tag: str, twips: str) -> Any:
    return element(tag, w=twips, type="dxa")


def set_header_row(style: Any, bold: bool, color: str, rule: Border | None,
                   fill: str | None) -> None:
    """Give table ``style``'s header row its type (``bold``, ``color``), rule and fill."""
    run = [element("w:b")] if bold else []
    run.append(element("w:color", val=hex_color(color)))
    cell = []
    if rule is not None:
        cell.append(element("w:tcBorders", [border("w:bottom", rule)]))
    if fill is not None:
        cell.append(_shading(fill))
    style.element.append(_conditional("firstRow", [element("w:rPr", run), element("w:tblPr"),
                                                   element("w:tcPr", cell)]))


def set_stripes(style: Any, fill: str) -> None:
    """Shade every second body row of tables in ``style`` with ``fill``."""
    style.element.append(_conditional("band2Horz", [element("w:tblPr"), element("w:tcPr", [
        _shading(fill)])]))


def _conditional(kind: str, parts: list[Any]) -> Any:
    found = element("w:tblStylePr", parts)
    found.set(qn("w:type"), kind)
    return found


def _shading(fill: str) -> Any:
    return element("w:shd", val="clear", color="auto", fill=hex_color(fill))
