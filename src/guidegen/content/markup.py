"""Markdown text → nodes of the document tree: paragraphs, lists and their inlines.

Parsing is markdown-it-py's CommonMark, with bare ``https://`` and e-mail addresses made
links; this module only maps its syntax tree onto the tree's nodes (:mod:`guidegen.tree`)
and rejects constructs a guide has no place for (headings, code blocks, images, raw HTML
is never interpreted: it stays literal text). The layout gives the blocks it takes
from here their place in the content (``source``).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from ..common.characters import BAD_CHARACTERS
from ..tree.blocks import ListBlock, Paragraph
from ..tree.inlines import Code, Emph, Inline, LineBreak, Link, Strong, Text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from markdown_it.tree import SyntaxTreeNode


Block = Paragraph | ListBlock  # what Markdown text holds: paragraphs and lists

MAX_NESTING = 24  # levels of lists, emphasis and links inside each other (the tokens' levels)
LINK_SCHEMES = ("http://", "https://", "mailto:")
# Text CommonMark reads as itself, one paragraph of one text node (a speed trick: most of
# a guide's texts, all 29 of the default guide's, so a cold build need not import
# markdown-it and linkify-it, 28-45 ms of CPU, nor parse them, 6 ms; the tests hold it to
# markdown-it's reading): one line (ending in newlines or not) that starts with a letter
# (no block marker, no indentation) and ends without a space, with no character that
# may start an inline construct (escape, code, emphasis, link, autolink or HTML, entity),
# no address linkify-it would make a link (an "@" or a scheme), no other line break.
_PLAIN = re.compile(
    r"[^\W\d_](?:[^\\`*_\[<&@\r\n\t\v\f\x00\x85\u2028\u2029]*[^\s\\`*_\[<&@\x00])?\n*\Z")
_SCHEME = re.compile(r"(?i)(?:https?|mailto):")


class MarkupError(ValueError):
    """Text uses Markdown that a guide cannot hold; ``line`` counts from 1 in the text."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


_UNSUPPORTED = {
    "heading": "headings are not allowed here; the guide's structure makes the headings",
    "code_block": "indented code blocks are not supported (is the text indented 4 spaces?)",
    "fence": "code blocks are not supported",
    "blockquote": "block quotes are not supported",
    "hr": "horizontal rules are not supported",
    "html_block": "raw HTML is not supported",
    "image": "images are not supported in text",
    "table": "tables are not supported in text; use a comparison matrix",
}


@cache
def _parser() -> MarkdownIt:
    """Return the parser: CommonMark, with bare web and e-mail addresses made links.

    Only ``http(s)://`` addresses and e-mail addresses become links (linkify-it-py);
    ``ftp:`` and ``//host`` stay text, as does a bare ``www.`` or ``example.org``.
    """
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    parser.enable("linkify")
    linkify = parser.linkify
    assert linkify is not None  # linkify-it-py is a dependency
    linkify.set({"fuzzy_link": False, "fuzzy_email": True, "fuzzy_ip": False})
    linkify.add("ftp:", None).add("//", None)
    return parser


def parse_blocks(source: str) -> tuple[Block, ...]:
    """Return the blocks of Markdown ``source``; raise :class:`MarkupError` if unsupported."""
    plain = _plain(source)
    return (Paragraph((Text(plain),)),) if plain is not None else parsed_blocks(source)


def parsed_blocks(source: str) -> tuple[Block, ...]:
    """Return the blocks of Markdown ``source`` as markdown-it reads them (no shortcut)."""
    from markdown_it.tree import SyntaxTreeNode

    tokens = _parser().parse(source)
    _check_nesting(tokens)
    tree = SyntaxTreeNode(tokens)
    return tuple(_block(child) for child in tree.children)


def _plain(source: str) -> str | None:
    """Return the text of ``source`` if CommonMark reads it as plain text (see ``_PLAIN``)."""
    if _PLAIN.match(source) and not _SCHEME.search(source) \
            and not BAD_CHARACTERS.search(source):
        return source.rstrip("\n")
    return None


def paragraph_lines(source: str) -> list[tuple[int, int]]:
    """Return the lines of each paragraph of Markdown ``source``: (first, end), from 0."""
    return [(token.map[0], token.map[1]) for token in _parser().parse(source)
            if token.type == "paragraph_open" and token.map]


def _check_nesting(tokens: list[Token]) -> None:
    """Raise :class:`MarkupError` if lists, emphasis and links nest too deeply."""
    for token in tokens:
        depth = token.level + max((child.level for child in token.children or ()), default=0)
        if depth > MAX_NESTING:
            raise MarkupError(f"lists, emphasis and links are nested more than {MAX_NESTING} "
                              "levels deep", token.map[0] + 1 if token.map else None)


def parse_inlines(source: str) -> tuple[Inline, ...]:
    """Return the inline nodes of one-paragraph Markdown ``source``."""
    blocks = parse_blocks(source)
    if not blocks:
        return ()
    if len(blocks) != 1 or not isinstance(blocks[0], Paragraph):
        raise MarkupError("expected a single line of text (no blank lines or lists)")
    return blocks[0].inlines


def _line(node: SyntaxTreeNode) -> int | None:
    return node.map[0] + 1 if node.map else None


def _block(node: SyntaxTreeNode) -> Block:
    if node.type == "paragraph":
        return Paragraph(_inlines(node.children[0].children if node.children else []))
    if node.type in ("bullet_list", "ordered_list"):
        items = tuple(_item(child) for child in node.children)
        if node.type == "bullet_list":
            return ListBlock(items)
        return ListBlock(items, ordered=True, start=int(node.attrs.get("start", 1)))
    raise MarkupError(_UNSUPPORTED.get(node.type, f"{node.type} is not supported"), _line(node))


def _item(node: SyntaxTreeNode) -> tuple[Block, ...]:
    return tuple(_block(child) for child in node.children)


def _inlines(nodes: list[SyntaxTreeNode]) -> tuple[Inline, ...]:
    result: list[Inline] = []
    for node in nodes:
        inline = _inline(node)
        if inline is None or inline == Text(""):  # markdown-it leaves some by delimiters
            continue
        if isinstance(inline, Text) and result and isinstance(result[-1], Text):
            result[-1] = Text(result[-1].text + inline.text)
        else:
            result.append(inline)
    return tuple(result)


def _inline(node: SyntaxTreeNode) -> Inline | None:
    kind = node.type
    bad = BAD_CHARACTERS.search(node.content or str(node.attrs.get("href", "")))
    if bad:  # a character reference such as &#12; decodes to what YAML refused
        raise MarkupError(f"character U+{ord(bad.group()):04X} is not allowed in text")
    if kind in ("text", "html_inline"):
        return Text(node.content)
    if kind == "softbreak":
        return Text(" ")
    if kind == "hardbreak":
        return LineBreak()
    if kind == "code_inline":
        return Code(node.content)
    if kind == "strong":
        return Strong(_inlines(node.children))
    if kind == "em":
        return Emph(_inlines(node.children))
    if kind == "link":
        href = str(node.attrs.get("href", ""))
        if not href.startswith(LINK_SCHEMES):
            raise MarkupError(
                f"link target {href!r} must be an absolute http(s):// or mailto: address")
        return Link(href, _inlines(node.children))
    raise MarkupError(_UNSUPPORTED.get(kind, f"{kind} is not supported"))
