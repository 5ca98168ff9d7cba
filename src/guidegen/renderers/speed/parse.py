"""The PDF's HTML parsed by libxml2 (lxml) where that gives tinyhtml5's tree exactly.

WeasyPrint parses every document it lays out with tinyhtml5, in Python: 18-23 ms of
CPU for the default guide's 35 kB (most of it the ``<style>``), in the helper and in its
twin, after the hand-off. libxml2's HTML parser, through lxml, makes the same tree in
0.5-1 ms (the elements built by :class:`xml.etree.ElementTree.TreeBuilder`, as
tinyhtml5's are) when the markup is what the built-in templates write: every element
closed where it was opened, tables with their ``tbody``, no paragraph holding a block,
no comment, script, form or foreign (SVG, MathML) element, only the entities Jinja
writes, no control character. :func:`parsed` checks all of that, before and after the
parse, and answers None for anything else (a user's templates, whatever they write):
WeasyPrint then parses it itself. The HTML5 parser's one difference on such markup is
where it puts the line breaks around ``<head>`` and after ``</body>`` (moved as it
does). ``tests/test_parse.py`` compares the trees on every fixture guide.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

START = "<!DOCTYPE html>\n<html"
END = "</body>\n</html>\n"
VOID = frozenset({"meta", "link", "base", "br", "col", "img", "hr", "wbr"})
PHRASING = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del",
                      "dfn", "em", "i", "img", "ins", "kbd", "mark", "q", "s", "samp", "small",
                      "span", "strong", "sub", "sup", "time", "u", "var", "wbr"})
BLOCK = frozenset({"address", "article", "aside", "blockquote", "div", "dl", "dt", "dd",
                   "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                   "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "ul",
                   "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr",
                   "td", "th"})
HEAD = frozenset({"meta", "title", "style", "link", "base"})
ALLOWED = PHRASING | BLOCK | HEAD | {"html", "head", "body"}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
TABLE_CHILDREN = {"table": {"caption", "colgroup", "thead", "tbody", "tfoot"},
                  "colgroup": {"col"}, "thead": {"tr"}, "tbody": {"tr"}, "tfoot": {"tr"},
                  "tr": {"td", "th"}}
PARENTS = {child: {parent for parent, children in TABLE_CHILDREN.items() if child in children}
           for children in TABLE_CHILDREN.values() for child in children}
_FORBIDDEN = re.compile(  # characters and markup the two parsers may read differently
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
    "|&(?!(?:amp|lt|gt|quot|#34|#39);)|<\\?|</?[A-Z]|</(?:meta|link|base|br|col|img|hr|wbr)\\b")
_RAW = re.compile(r"<(style|title)\b[^>]*>(.*?)</\1>", re.DOTALL)
_TAGS = re.compile(r"<(/?)([a-z][a-z0-9]*)")


class _Builder:
    """lxml's parser target: xml.etree elements, as tinyhtml5 makes them.

    A void element ends where it starts: libxml2 knows HTML 4's only, and holds a
    ``<wbr>`` open until its parent ends (its end then comes from libxml2, ignored).
    """

    def __init__(self) -> None:
        from xml.etree.ElementTree import TreeBuilder  # not in the main process (3-5 ms)

        self._builder = TreeBuilder()

    def start(self, tag: str, attrib: Any) -> None:
        self._builder.start(tag, dict(attrib))
        if tag in VOID:
            self._builder.end(tag)

    def end(self, tag: str) -> None:
        if tag not in VOID:
            self._builder.end(tag)

    def data(self, data: str) -> None:
        self._builder.data(data)

    def close(self) -> Element:
        return self._builder.close()


def load() -> None:
    """Import lxml now (a helper does, waiting for its first document: 5-7 ms of CPU)."""
    import lxml.etree  # type: ignore[import-untyped]  # noqa: F401


def parsed(html: str) -> Element | None:
    """Return the root of the tree tinyhtml5 makes of ``html``, or None if not shown the same.

    As ``tinyhtml5.parse(html, namespace_html_elements=False)`` returns it.
    """
    if not (html.startswith(START) and html.endswith(END)) or _FORBIDDEN.search(html) or \
            "<!" in html[2:]:
        return None
    if any("<" in raw for _, raw in _RAW.findall(html)):
        return None
    tags = Counter(_TAGS.findall(html))
    starts = sum(count for (end, _), count in tags.items() if not end)
    if any(count != tags[("/", name)] for (end, name), count in tags.items()
           if not end and name not in VOID) or \
            any(count != tags[("", name)] for (end, name), count in tags.items() if end):
        return None  # an element closed without its end tag, or an end tag too many
    import lxml.etree

    parser = lxml.etree.HTMLParser(target=_Builder(), no_network=True, huge_tree=True)
    try:
        root: Element = lxml.etree.fromstring(html, parser)
    except Exception:
        return None
    if len(parser.error_log) or sum(1 for _ in root.iter()) != starts or \
            not _as_html5(root):
        return None
    return root


def _as_html5(root: Element) -> bool:
    """Return whether the HTML5 parser builds ``root`` as it is, and move its line breaks.

    Nothing the HTML5 tree builder closes, inserts or moves on its own: html holding
    head and body, only head's elements in head, tables in their rows, no block in a
    paragraph or heading, no link in a link, items in their lists.
    """
    if root.tag != "html" or [child.tag for child in root] != ["head", "body"] or \
            (root.text or "").strip() or (root[1].tail or "").strip():
        return False
    head, body = root
    if any(child.tag not in HEAD for child in head) or (head.tail or "").strip():
        return False
    if not _fits(body, ()):
        return False
    root.text = None  # before <head>: the HTML5 parser drops it
    after = (body.tail or "") + "\n"  # after </body> and </html>: into the body's end
    body.tail = None
    if len(body):
        body[-1].tail = (body[-1].tail or "") + after
    else:
        body.text = (body.text or "") + after
    return True


def _fits(element: Element, above: tuple[str, ...]) -> bool:
    """Return whether ``element``, inside ``above`` (its ancestors' tags), is read as written."""
    tag = element.tag
    if not isinstance(tag, str) or tag not in ALLOWED or tag in HEAD or \
            tag in ("html", "head") or (tag == "body") != (not above):
        return False
    parent = above[-1] if above else ""
    if (tag in BLOCK and "p" in above) or (tag in HEADINGS and HEADINGS & set(above)) or \
            (tag == "a" and "a" in above) or \
            (tag == "li" and parent not in ("ul", "ol")) or \
            (tag in ("dt", "dd") and not (parent == "dl" or above[-2:] == ("dl", "div"))) or \
            (tag in PARENTS and parent not in PARENTS[tag]) or \
            (tag == "pre" and (element.text or "").startswith("\n")):
        return False
    if tag in HEADINGS and any(child.tag not in PHRASING for child in element):
        return False
    allowed = TABLE_CHILDREN.get(tag)
    if allowed is not None and ((element.text or "").strip() or any(
            child.tag not in allowed or (child.tail or "").strip() for child in element)):
        return False  # the HTML5 parser would move the text, or add an element
    return all(_fits(child, (*above, tag)) for child in element)
