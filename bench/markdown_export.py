"""Write a guide as pandoc Markdown, so pandoc typesets the same words as guidegen.

The Markdown is written from guidegen's document tree (``guidegen.layout``, the tree its
HTML, PDF and DOCX renderers walk), so pandoc gets exactly guidegen's words in
guidegen's order: the title block (title, subtitle, author, date and language as
pandoc metadata; audience, document control and status as paragraphs), intro, one
section per subject, the comparisons (matrices as pipe tables with "✓ Yes" / "— No" /
"◐ Partial" and their key, per-subject dimensions as "**CMO:** text" bullets) and the
closing sections.

Usage: ``python bench/markdown_export.py content/cmo-cdmo-cro.yaml > guide.md``
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence

from guidegen.tree import (
    Block,
    Cell,
    Code,
    Contents,
    Document,
    Emph,
    Fields,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Paragraph,
    Span,
    Strong,
    Table,
    Text,
    plain_text,
)
from outline import list_lines, load_document, parts

# ASCII punctuation that means something to pandoc's Markdown inside a line; pandoc
# accepts a backslash before any ASCII punctuation, so over-escaping is harmless.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~^$@#])")
_LINE_START = re.compile(r"^(\s*)(>|(?:[-+*=]|\d+[.)])(?=\s|$))")
STRONG_SPANS = ("label", "who")  # spans guidegen's stylesheet sets in bold


def escape(text: str) -> str:
    """Return ``text`` with the characters Markdown would interpret backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def inlines(nodes: Iterable[Inline]) -> str:
    """Return inline nodes as one line of Markdown."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(escape(node.text))
        elif isinstance(node, Code):
            out.append(f"`` {node.text} ``" if "`" in node.text else f"`{node.text}`")
        elif isinstance(node, LineBreak):
            out.append("\\\n")
        elif isinstance(node, Strong) or (isinstance(node, Span)
                                                 and node.role in STRONG_SPANS):
            out.append(f"**{inlines(node.children)}**")
        elif isinstance(node, Emph):
            out.append(f"*{inlines(node.children)}*")
        elif isinstance(node, Link):
            out.append(f"[{inlines(node.children)}](<{node.href}>)")
        elif isinstance(node, Span):  # a mark or a symbol: its words
            out.append(inlines(node.children))
    return "".join(out)


def paragraph(text: str) -> str:
    """Return ``text`` as a paragraph that cannot be mistaken for a list or heading."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def block(node: Block, indent: str = "") -> list[str]:
    """Return one block of the tree as Markdown lines (none for what the metadata holds)."""
    if isinstance(node, Heading):  # the title (level 1) is pandoc's metadata
        return [] if node.level == 1 else ["#" * node.level + " " + escape(node.text)]
    if isinstance(node, Paragraph):
        if node.role == "subtitle":  # pandoc's metadata too
            return []
        if node.role in ("legend", "status"):  # small print; the status in capitals
            text = plain_text(node.inlines)
            return [indent + escape(text.upper() if node.role == "status" else text)]
        return [indent + paragraph(inlines(node.inlines))]
    if isinstance(node, ListBlock):
        return list_lines(node, block, indent)
    if isinstance(node, Fields):
        return [" · ".join(f"{escape(k)}: **{escape(v)}**" for k, v in node.items)]
    if isinstance(node, Table):
        return table(node)
    if isinstance(node, Contents):  # guidegen adds the page numbers
        return [f"- {escape(entry.text)}" for entry in node.entries]
    return []  # an image (the theme's logo)


def table(node: Table) -> list[str]:
    """Return a table as a pipe table: the first column left-aligned, the others centred."""
    def cell(value: Cell) -> str:
        text = inlines(value.inlines)
        text = f"**{text}**" if value.header else text
        return (f"{text} {inlines(value.note)}" if value.note else text).replace("\n", " ")

    lines = ["| " + " | ".join(inlines(c.inlines) for c in node.head) + " |",
             "|" + "|".join([":---", *([":---:"] * (len(node.head) - 1))]) + "|"]
    return lines + ["| " + " | ".join(map(cell, row)) + " |" for row in node.rows]


def front_matter(meta: Metadata) -> list[str]:
    """Return the YAML metadata block pandoc reads the title, subtitle and language from."""
    def quoted(value: str) -> str:
        return '"' + escape(value).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["---", f"title: {quoted(meta.title)}"]
    if meta.subtitle:
        lines.append(f"subtitle: {quoted(meta.subtitle)}")
    if meta.author:  # guidegen joins the authors with "; "
        lines.append("author: [" + ", ".join(map(quoted, meta.author.split("; "))) + "]")
    if meta.date:
        lines.append(f"date: {meta.date.date().isoformat()}")
    if meta.keywords:
        lines.append("keywords: [" + ", ".join(map(quoted, meta.keywords)) + "]")
    return [*lines, f"lang: {meta.language.tag}", "---"]


def to_markdown(document: Document) -> str:
    """Return the whole document as one pandoc Markdown document."""
    out = front_matter(document.meta)
    for _, blocks in parts(document):
        for node in blocks:
            lines = block(node)
            out += ["", *lines] if lines else []
    return "\n".join(out) + "\n"


def main(argv: Sequence[str]) -> int:
    """Print the Markdown of the guide named on the command line."""
    if len(argv) != 1:
        print("usage: markdown_export.py GUIDE.yaml", file=sys.stderr)
        return 2
    sys.stdout.write(to_markdown(load_document(argv[0])[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
