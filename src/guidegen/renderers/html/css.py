"""CSS rules generated from the style sheet: every role's look, for the PDF and the HTML.

``document.css.j2`` holds only what is not a role's look (``@page`` boxes, screen rules,
breaks and flex layout); it writes ``{{ styles.rules() }}`` where the roles' rules go
and ``{{ styles.declarations("header") }}`` inside the page's margin boxes. A paragraph
role's rule says every property (font, size, weight, style, colour, alignment, caps,
letter spacing, line height, margins, hyphenation), so its look never depends on what
surrounds it, as a Word style's does not; a span role's says only what it sets. The
rules of one resolved style sheet and language are made once (:func:`role_css`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from markupsafe import Markup

from ...common.language import Language
from ...theme.resolve import (
    FieldsLook,
    LevelLook,
    ParagraphLook,
    SectionLook,
    SpanLook,
    Styles,
    TableLook,
)
from .templating import css_string

# CSS list-style-type of Word's number formats and of the usual bullets
_LIST_TYPES = {"decimal": "decimal", "lowerLetter": "lower-alpha", "upperLetter": "upper-alpha",
               "lowerRoman": "lower-roman", "upperRoman": "upper-roman"}
_BULLETS = {"•": "disc", "◦": "circle", "▪": "square", "■": "square"}
_MARKER_GAP = 0.2  # em between a list marker and its text (the list item's left padding)


class StyleRules:
    """The CSS of a resolved style sheet in one language, as the stylesheet template uses it."""

    def __init__(self, styles: Styles, language: Language) -> None:
        self.styles = styles
        self.language = language
        self._rules = Markup("\n".join(self._all_rules()))

    def rules(self) -> Markup:
        """Return the rules of every role that has a selector, lists, tables and fields."""
        return self._rules

    def scoped(self, scope: str) -> Markup:
        """Return every rule of :meth:`rules` for the elements inside ``scope`` only.

        The root's rule (``html``) applies to ``scope`` itself. A scoped rule outranks
        the document's own (an id selector), so a part may take a style sheet of its own
        (a packet's guide, fitted to its pages).
        """
        return Markup("\n".join(_scoped(rule, scope) for rule in self._all_rules() if rule))

    def declarations(self, role: str) -> Markup:
        """Return the type of paragraph role ``role`` for a page's margin box.

        Without its margins and alignment: the box's place on the page decides those.
        """
        return Markup("; ".join(_paragraph(self.styles.paragraph(role), self.family,
                                           box=True)))

    def family(self, font: str) -> str:
        """Return the CSS font-family of theme font ``font`` in this language."""
        stack = [css_string(name) for name in self.styles.theme.font_stack(font, self.language)]
        return ", ".join([*stack, "monospace" if font == "mono" else "sans-serif"])

    def _all_rules(self) -> Iterator[str]:
        body = self.styles.paragraph("body")
        yield _rule("html", [f"font-family: {self.family(body.font)}",
                             f"font-size: {_pt(body.size)}", f"line-height: {_lh(body)}",
                             f"color: {body.color}",
                             f"hyphens: {'manual' if body.hyphenate else 'none'}"])
        for look in self.styles.paragraphs.values():
            if look.html:
                yield _rule(look.html, _paragraph(look, self.family))
        for span in self.styles.spans.values():
            if span.html:
                yield _rule(span.html, _span(span, self.family))
        for kind, levels in self.styles.lists.items():
            yield from _list(kind, levels, self.styles)
        for table in self.styles.tables.values():
            yield from _table(table)
        for fields in self.styles.fields.values():
            yield from _fields(fields)
        for section in self.styles.sections.values():
            if section.html:
                yield _rule(section.html, list(_section(section)))


_MADE: dict[tuple[str, Language], StyleRules] = {}
_KEEP = 32  # style sheets and languages whose rules are kept


def role_css(styles: Styles, language: Language) -> StyleRules:
    """Return the CSS of ``styles`` in ``language``.

    Made once per style sheet, theme and language: a build renders many documents, and
    page fitting tries several themes.
    """
    key = (styles.key, language)
    found = _MADE.get(key)
    if found is None:
        if len(_MADE) >= _KEEP:
            _MADE.pop(next(iter(_MADE)))
        found = _MADE[key] = StyleRules(styles, language)
    return found


def _scoped(rule: str, scope: str) -> str:
    """Return ``rule`` ("selectors { declarations }") for what is inside ``scope`` only."""
    selectors, body = rule.split(" { ", 1)
    return f"{', '.join(_within(s.strip(), scope) for s in _top_level(selectors))} {{ {body}"


def _within(selector: str, scope: str) -> str:
    return scope if selector == "html" else f"{scope} {selector}"


def _top_level(selectors: str) -> list[str]:
    """Return the selectors of a comma-separated list (commas inside brackets kept)."""
    found, depth, start = [], 0, 0
    for n, char in enumerate(selectors):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and not depth:
            found.append(selectors[start:n])
            start = n + 1
    return [*found, selectors[start:]]


def _rule(selector: str, declarations: list[str]) -> str:
    return f"{selector} {{ {'; '.join(declarations)}; }}" if declarations else ""


def _pt(value: float) -> str:
    return f"{value:g}pt" if value else "0"


def _lh(look: ParagraphLook) -> str:
    return "normal" if look.line_height is None else f"{look.line_height:g}"


def _bold(value: bool) -> str:
    return "bold" if value else "normal"


def _italic(value: bool) -> str:
    return "italic" if value else "normal"


def _caps(value: bool) -> str:
    return "uppercase" if value else "none"


def _spacing(value: float) -> str:
    return _pt(value) if value else "normal"


# a text property of a look, the CSS property it is, and how its value is written
_TEXT: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("size", "font-size", _pt), ("bold", "font-weight", _bold),
    ("italic", "font-style", _italic), ("color", "color", str),
    ("caps", "text-transform", _caps), ("letter_spacing", "letter-spacing", _spacing))


def _text(look: ParagraphLook | SpanLook, family: Callable[[str], str]) -> list[str]:
    """Return the declarations of what ``look`` says of its text (a span: what it sets)."""
    found = [] if look.font is None else [f"font-family: {family(look.font)}"]
    for name, css, write in _TEXT:
        value = getattr(look, name)
        if value is not None:
            found.append(f"{css}: {write(value)}")
    return found


def _paragraph(look: ParagraphLook, family: Callable[[str], str],
               box: bool = False) -> list[str]:
    """Return every declaration of a paragraph role's look (``box``: a page's margin box)."""
    found = [*_text(look, family), f"line-height: {_lh(look)}",
             f"hyphens: {'manual' if look.hyphenate else 'none'}"]
    if box:
        return found
    found += [f"text-align: {look.align}",
              f"margin: {_pt(look.space_before)} 0 {_pt(look.space_after)}"]
    if look.underline:
        found.append("text-decoration: underline")
    if look.indent:
        found.append(f"padding-left: {_pt(look.indent)}")
    if look.border_after is not None:
        rule = look.border_after
        found += [f"border-bottom: {_pt(rule.width)} solid {rule.color}",
                  f"padding-bottom: {_pt(rule.padding)}"]
    if look.keep_with_next:
        found.append("break-after: avoid")
    if look.keep_together:
        found.append("break-inside: avoid")
    return found


def _span(look: SpanLook, family: Callable[[str], str]) -> list[str]:
    """Return the declarations of what a span role sets."""
    found = _text(look, family)
    if look.underline is not None:
        found.append(f"text-decoration: {'underline' if look.underline else 'none'}")
    return found


def _list(kind: str, levels: tuple[LevelLook, ...], styles: Styles) -> Iterator[str]:
    """Return the rules of a list kind's levels: space, indent, marker type and colour."""
    tag = "ol" if kind == "number" else "ul"
    outer = 0.0
    for depth, level in enumerate(levels):
        selector = " > ".join(["li", tag] * depth) if depth else tag
        gap = round(_MARKER_GAP * styles.paragraph(level.role).size, 3)
        marker = _BULLETS.get(level.marker, "disc") if level.format == "bullet" \
            else _LIST_TYPES.get(level.format, "decimal")
        yield _rule(selector, [f"margin: {_pt(level.space_before)} 0 {_pt(level.space_after)}",
                               f"padding-left: {_pt(round(level.indent - outer - gap, 3))}",
                               f"list-style-type: {marker}"])
        yield _rule(f"{selector} > li", [f"padding-left: {_pt(gap)}"])
        if level.keep_intro:  # (WeasyPrint has no :has(): the list keeps to what is before)
            yield _rule(f"p + {tag}", ["break-before: avoid"])
        if level.color is not None:
            yield _rule(f"{selector} > li::marker", [f"color: {level.color}"])
        outer = level.indent


def _table(table: TableLook) -> Iterator[str]:
    """Return the rules of a table role: spacing, rules, header fill, stripes, padding."""
    name = f"table.{table.role}"
    yield _rule(name, [f"margin: {_pt(table.space_before)} 0 {_pt(table.space_after)}"])
    cell = [f"padding: {_pt(table.padding_vertical)} {_pt(table.padding_horizontal)}"]
    if table.rule is not None:
        cell.append(f"border-bottom: {_pt(table.rule.width)} solid {table.rule.color}")
    yield _rule(f"{name} th, {name} td", cell)
    head = []
    if table.header_fill is not None:
        head.append(f"background: {table.header_fill}")
    if table.header_rule is not None:
        head.append(f"border-bottom: {_pt(table.header_rule.width)} solid "
                    f"{table.header_rule.color}")
    if table.rule is not None and table.rule_above:
        head.append(f"border-top: {_pt(table.rule.width)} solid {table.rule.color}")
    yield _rule(f"{name} thead th", head)
    if table.stripes is not None:
        yield _rule(f"{name} tbody tr:nth-child(even)", [f"background: {table.stripes}"])
    if table.keep_intro:  # (WeasyPrint has no :has(): the table's box keeps to the intro)
        yield _rule(f"p + .table-box.{table.role}-box", ["break-before: avoid"])
    if table.keep_rows > 1:  # a split leaves keep_rows rows on each side; shorter: whole
        ends = f"-n+{table.keep_rows - 1}"
        yield _rule(f"{name} tbody tr:nth-child({ends})", ["break-after: avoid"])
        yield _rule(f"{name} tbody tr:nth-last-child({ends})", ["break-before: avoid"])


def _fields(fields: FieldsLook) -> Iterator[str]:
    """Return the rules of a fields role: columns that wrap, or rows over lines."""
    name = f"dl.{fields.role}"
    yield _rule(name, [f"margin: {_pt(fields.space_before)} 0 {_pt(fields.space_after)}"])
    if fields.layout == "columns":
        yield _rule(name, [f"gap: {_pt(fields.row_gap)} {_pt(fields.gap)}"])
        return
    yield _rule(f"{name} dt", [f"flex: 0 0 {_pt(fields.label_width)}"])
    if fields.rule is not None:
        yield _rule(f"{name} div", [f"border-bottom: {_pt(fields.rule.width)} solid "
                                    f"{fields.rule.color}"])


def _section(section: SectionLook) -> Iterator[str]:
    """Return the declarations of a section role: its margins and the rule under it."""
    yield f"margin: {_pt(section.space_before)} 0 {_pt(section.space_after)}"
    if section.border_after is not None:
        rule = section.border_after
        yield f"padding-bottom: {_pt(rule.padding)}"
        yield f"border-bottom: {_pt(rule.width)} solid {rule.color}"
    if section.keep_together:
        yield "break-inside: avoid"
