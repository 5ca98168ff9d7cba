"""Write a guide as a Typst document, so Typst typesets the same words as guidegen.

Like :mod:`markdown_export`, the document is written from guidegen's document tree
(``guidegen.layout``), so its words and their order are guidegen's, running header and
footer included; the theme styles it (paper, margins, Carlito with DejaVu Sans for the
symbols, sizes, colours): title block, running header with the guide title and the
current part, "Page X of Y" footer, subjects, matrices as real tables with a header row
and the tree's column widths, the mark key, per-subject dimensions and the closing
sections.

All text goes into Typst string literals (``#"..."``), so no character of the content
can be read as Typst markup.

Usage: ``python bench/typst_export.py content/cmo-cdmo-cro.yaml > guide.typ``
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

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
    Paragraph,
    Span,
    Strong,
    Table,
    Text,
    plain_text,
)
from outline import list_lines, load_document, parts

# The fonts guidegen's theme uses; Typst reads these only, not every font the machine has.
FONT_DIRS = (Path("/usr/share/fonts/truetype/crosextra"), Path("/usr/share/fonts/truetype/dejavu"))
STRONG_SPANS = ("label", "who")  # spans guidegen's stylesheet sets in bold


def string(text: str) -> str:
    """Return ``text`` as a Typst string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def text(value: str) -> str:
    """Return ``value`` as literal text in Typst markup."""
    return f"#{string(value)}" if value else ""


def language(tag: str) -> str:
    """Return a BCP 47 tag as Typst's ``lang`` (and ``region`` when the tag has one)."""
    parts = tag.split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return f'lang: "{parts[0].lower()}"' + (f', region: "{region.upper()}"' if region else "")


class Writer:
    """Writes the blocks of one document tree as Typst, styled by guidegen's theme."""

    def __init__(self, theme: Any) -> None:
        self.theme = theme
        c = theme.colors
        self.marks = {"mark-yes": f'fill: rgb("{c.yes}"), weight: "bold"',
                      "mark-no": f'fill: rgb("{c.no}")',
                      "mark-partial": f'fill: rgb("{c.partial}"), style: "italic"'}

    def small(self, body: str, style: str = "") -> str:
        """Return ``body`` in the theme's small, muted type."""
        return (f"#text(size: {self.theme.sizes.small}pt, {style}"
                f'fill: rgb("{self.theme.colors.muted}"))[{body}]')

    def inlines(self, nodes: Iterable[Inline]) -> str:
        """Return inline nodes as Typst markup."""
        out: list[str] = []
        words = ""  # text nodes in a row become one string literal
        for node in nodes:
            if isinstance(node, Text):
                words += node.text
                continue
            out.append(text(words))
            words = ""
            if isinstance(node, Code):
                out.append(f"#raw({string(node.text)})")
            elif isinstance(node, LineBreak):
                out.append("#linebreak()")
            elif isinstance(node, Strong) or (isinstance(node, Span)
                                                     and node.role in STRONG_SPANS):
                out.append(f"#strong[{self.inlines(node.children)}]")
            elif isinstance(node, Emph):
                out.append(f"#emph[{self.inlines(node.children)}]")
            elif isinstance(node, Link):
                out.append(f"#link({string(node.href)})[{self.inlines(node.children)}]")
            elif isinstance(node, Span) and node.role in self.marks:
                out.append(f"#text({self.marks[node.role]})[{text(plain_text(node.children))}]")
            elif isinstance(node, Span):
                out.append(self.inlines(node.children))
        return "".join(out) + text(words)

    def block(self, node: Block, indent: str = "") -> list[str]:
        """Return one block of the tree as Typst markup lines."""
        s, c = self.theme.sizes, self.theme.colors
        if isinstance(node, Heading):
            if node.level == 1:  # the document's title
                return [f'#text(size: {s.title}pt, weight: "bold", fill: rgb("{c.heading}"))'
                        f"[#title[{text(node.text)}]]"]
            return ["=" * (node.level - 1) + " " + text(node.text)]
        if isinstance(node, Paragraph):
            if node.role == "subtitle":
                return [f'#text(size: {s.subtitle}pt, fill: rgb("{c.muted}"))'
                        f"[{self.inlines(node.inlines)}]"]
            if node.role == "status":
                return [self.small(text(plain_text(node.inlines).upper()), 'weight: "bold", ')]
            if node.role == "legend":
                return [self.small(text(plain_text(node.inlines)))]
            return [indent + self.inlines(node.inlines)]
        if isinstance(node, ListBlock):
            return list_lines(node, self.block, indent)
        if isinstance(node, Fields):
            cells = ", ".join(f'[#text(size: {s.small - 0.5}pt, fill: rgb("{c.muted}"))'
                              f"[{text(k.upper())}] \\ #strong[{text(v)}]]"
                              for k, v in node.items)
            return [f"#grid(columns: {len(node.items)}, column-gutter: 2.2em, {cells})"]
        if isinstance(node, Table):
            return self.table(node)
        if isinstance(node, Contents):  # the parts, with their page numbers
            return ["#outline(title: none, depth: 1)"]
        return []  # an image (the theme's logo)

    def table(self, node: Table) -> list[str]:
        """Return a table with a repeating header row; the tree's column widths."""
        c = self.theme.colors

        def cell(value: Cell) -> str:
            body = self.inlines(value.inlines)
            body = f"#strong[{body}]" if value.header else body
            if value.note:
                body += (f"#linebreak()#text(size: {self.theme.sizes.small}pt)"
                         f"[{self.inlines(value.note)}]")
            return f"[{body}]"

        widths = ", ".join(f"{round(w * 100, 3):g}fr" for w in node.widths)
        head = ", ".join(f"[{self.inlines(h.inlines)}]" for h in node.head)
        return [
            f"#table(columns: ({widths}), inset: 0.45em,",
            f'  stroke: (bottom: 0.5pt + rgb("{c.rule}")),',
            "  align: (x, y) => if x == 0 { left } else { center },",
            f'  fill: (x, y) => if y == 0 {{ rgb("{c.table_header}") }} '
            f'else if calc.even(y) {{ rgb("{c.table_stripe}") }},',
            f"  table.header(repeat: true, {head}),",
            *("  " + ", ".join(map(cell, row)) + "," for row in node.rows),
            ")",
        ]


def preamble(document: Document, theme: Any) -> list[str]:
    """Return the set and show rules: page, header and footer, fonts, headings, lists."""
    meta, running = document.meta, document.running
    c, s, m = theme.colors, theme.sizes, theme.margins
    fonts = f"({string(theme.fonts.body.family)}, {string(theme.fonts.symbols.family)})"
    page = "".join(text(value) if kind == "text" else
                   "#counter(page).display()" if kind == "page" else
                   "#counter(page).final().first()" for kind, value in running.page)
    info = [f"title: {string(meta.title)}"]
    if meta.author:  # guidegen joins the authors with "; "
        info.append("author: (" + "".join(f"{string(a)}, "
                                          for a in meta.author.split("; ")) + ")")
    if meta.keywords:
        info.append("keywords: (" + "".join(f"{string(k)}, " for k in meta.keywords) + ")")
    if meta.date:
        d = meta.date
        info.append(f"date: datetime(year: {d.year}, month: {d.month}, day: {d.day})")
    return [
        f"#set document({', '.join(info)})",
        f'#set page(paper: "{theme.paper}", margin: (top: {m.top}mm, bottom: {m.bottom}mm, '
        f"left: {m.left}mm, right: {m.right}mm),",
        "  header: context if here().page() > 1 {",
        f'    set text(size: {s.small}pt, fill: rgb("{c.muted}"))',
        "    let parts = query(heading.where(level: 1).before(here()))",
        f"    [{text(running.title)} #h(1fr) #if parts.len() > 0 {{ parts.last().body }}]",
        "  },",
        "  footer: context {",
        f'    set text(size: {s.small}pt, fill: rgb("{c.muted}"))',
        f"    [{text(running.control)} #h(1fr) {page}]",
        "  })",
        f"#set text(font: {fonts}, size: {s.body}pt, {language(meta.language.tag)}, "
        f'fill: rgb("{c.text}"))',
        f"#set par(leading: {round(s.line_height - 0.65, 2)}em, spacing: 1.1em)",
        "#set list(indent: 0.4em, body-indent: 0.6em)",
        f'#show heading: set text(fill: rgb("{c.heading}"))',
        f"#show heading.where(level: 1): it => block(above: 1.6em, below: 0.6em, "
        f'stroke: (bottom: 0.75pt + rgb("{c.rule}")), inset: (bottom: 0.25em), '
        f"width: 100%, text(size: {s.heading1}pt, it))",
        f"#show heading.where(level: 2): it => block(above: 1.3em, below: 0.5em, "
        f'text(size: {s.heading2}pt, fill: rgb("{c.accent}"), it))',
        f'#show link: set text(fill: rgb("{c.accent}"))',
        f'#show raw: set text(font: {string(theme.fonts.mono.family)}, size: 0.9em)',
    ]


def to_typst(document: Document, theme: Any) -> str:
    """Return the whole document as one Typst document, styled by ``theme``."""
    writer = Writer(theme)
    out = preamble(document, theme)
    for role, blocks in parts(document):
        for node in blocks:
            out += ["", *writer.block(node)]
        if role == "title-block":  # the rule under the title block
            out += ["", f'#line(length: 100%, stroke: 2pt + rgb("{theme.colors.heading}"))']
    return "\n".join(out) + "\n"


def compile_pdf(source: str | bytes, standards: Sequence[str] = ("ua-1",)) -> bytes:
    """Return the PDF Typst makes of ``source``, with the fonts guidegen uses."""
    import typst

    data = source.encode("utf-8") if isinstance(source, str) else source
    options: dict[str, Any] = {"font_paths": [str(d) for d in FONT_DIRS if d.is_dir()],
                               "ignore_system_fonts": True, "format": "pdf"}
    if standards:
        options["pdf_standards"] = list(standards)
    return typst.compile(data, **options)


def main(argv: Sequence[str]) -> int:
    """Print the Typst source of the guide named on the command line (``--pdf OUT``: compile)."""
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--pdf"):
        print("usage: typst_export.py GUIDE.yaml [--pdf OUT.pdf]", file=sys.stderr)
        return 2
    source = to_typst(*load_document(argv[0]))
    if len(argv) == 3:
        Path(argv[2]).write_bytes(compile_pdf(source))
    else:
        sys.stdout.write(source)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
