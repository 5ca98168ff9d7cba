"""Write a guide as a Typst document, so Typst typesets the same words as guidegen.

Like :mod:`markdown_export`, the document is generated from the validated model, and
it follows the theme (paper, margins, Carlito with DejaVu Sans for the symbols, sizes,
colours, labels): title block, running header with the guide title and the current
part, "Page X of Y" footer, subjects, matrices as real tables with a header row, the
mark key, per-subject dimensions and the closing sections.

All text goes into Typst string literals (``#"..."``), so no character of the content
can be read as Typst markup.

Usage: ``python bench/typst_export.py content/cmo-cdmo-cro.yaml > guide.typ``
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from guidegen import markup
from guidegen.model import Guide, Matrix
from outline import Renderer, sections

FONT_DIRS = (Path("/usr/share/fonts/truetype/crosextra"), Path("/usr/share/fonts/truetype/dejavu"))


def builtin_theme() -> Any:
    """Return guidegen's built-in theme."""
    from guidegen.folders import template_folders
    from guidegen.theme import load_theme

    return load_theme(list(reversed(template_folders())))


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


def inlines(nodes: Iterable[markup.Inline]) -> str:
    """Return inline nodes as Typst markup."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, markup.Text):
            out.append(text(node.text))
        elif isinstance(node, markup.Code):
            out.append(f"#raw({string(node.text)})")
        elif isinstance(node, markup.LineBreak):
            out.append("#linebreak()")
        elif isinstance(node, markup.Strong):
            out.append(f"#strong[{inlines(node.children)}]")
        elif isinstance(node, markup.Emph):
            out.append(f"#emph[{inlines(node.children)}]")
        elif isinstance(node, markup.Link):
            out.append(f"#link({string(node.href)})[{inlines(node.children)}]")
    return "".join(out)


def blocks(nodes: Sequence[markup.Block], indent: str = "") -> list[str]:
    """Return Markdown blocks as Typst markup lines (blank lines between blocks)."""
    lines: list[str] = []
    for node in nodes:
        if lines:
            lines.append("")
        if isinstance(node, markup.Paragraph):
            lines.append(indent + inlines(node.inlines))
            continue
        marker = "+ " if isinstance(node, markup.OrderedList) else "- "
        if isinstance(node, markup.OrderedList) and node.start != 1:
            lines.append(f"{indent}#set enum(start: {node.start})")
        for item in node.items:
            inner = indent + "  "
            body = blocks(item, inner)
            lines.append(indent + marker + (body[0][len(inner):] if body else ""))
            lines += body[1:]
    return lines


def bullets(items: Iterable[str], indent: str = "") -> list[str]:
    """Return a tight bullet list of already formatted Typst lines."""
    return [f"{indent}- {item}" for item in items]


def preamble(guide: Guide, theme: Any) -> list[str]:
    """Return the set and show rules: page, header and footer, fonts, headings, lists."""
    info, doc, c, s, m = guide.guide, guide.guide.document, theme.colors, theme.sizes, \
        theme.margins
    fonts = f"({string(theme.fonts.body.family)}, {string(theme.fonts.symbols.family)})"
    control = " · ".join([doc.number, f"{theme.labels.version} {doc.version}",
                          *([doc.status] if doc.status else [])]) if doc else ""
    page_label = theme.labels.page.replace("{page}", "\x00").replace("{pages}", "\x01")
    before, _, rest = page_label.partition("\x00")
    between, _, after = rest.partition("\x01")
    meta = [f"title: {string(info.title)}"]
    if info.authors:
        meta.append("author: (" + "".join(f"{string(a)}, " for a in info.authors) + ")")
    if info.keywords:
        meta.append("keywords: (" + "".join(f"{string(k)}, " for k in info.keywords) + ")")
    if info.date:
        d = info.date
        meta.append(f"date: datetime(year: {d.year}, month: {d.month}, day: {d.day})")
    return [
        f"#set document({', '.join(meta)})",
        f'#set page(paper: "{theme.paper}", margin: (top: {m.top}mm, bottom: {m.bottom}mm, '
        f"left: {m.left}mm, right: {m.right}mm),",
        "  header: context if here().page() > 1 {",
        f'    set text(size: {s.small}pt, fill: rgb("{c.muted}"))',
        "    let parts = query(heading.where(level: 1).before(here()))",
        f"    [{text(info.title)} #h(1fr) #if parts.len() > 0 {{ parts.last().body }}]",
        "  },",
        "  footer: context {",
        f'    set text(size: {s.small}pt, fill: rgb("{c.muted}"))',
        f"    [{text(control)} #h(1fr) {text(before)}#counter(page).display()"
        f"{text(between)}#counter(page).final().first(){text(after)}]",
        "  })",
        f"#set text(font: {fonts}, size: {s.body}pt, {language(info.language)}, "
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


def title_block(guide: Guide, theme: Any) -> list[str]:
    """Return page 1's title, subtitle, audience and document-control fields."""
    info, doc, labels, c, s = guide.guide, guide.guide.document, theme.labels, theme.colors, \
        theme.sizes
    lines = [f'#text(size: {s.title}pt, weight: "bold", fill: rgb("{c.heading}"))'
             f"[#title[{text(info.title)}]]", ""]
    if info.subtitle:
        lines += [f'#text(size: {s.subtitle}pt, fill: rgb("{c.muted}"))[{text(info.subtitle)}]',
                  ""]
    if info.audience:
        lines += [f"#strong[{text(labels.audience + ':')}] {text(info.audience)}", ""]
    if doc:
        fields = [(labels.document, doc.number), (labels.version, doc.version)]
        if doc.effective:
            fields.append((labels.effective, doc.effective.isoformat()))
        if doc.approver:
            fields.append((labels.approver, doc.approver))
        cells = ", ".join(f'[#text(size: {s.small - 0.5}pt, fill: rgb("{c.muted}"))'
                          f"[{text(k.upper())}] \\ #strong[{text(v)}]]" for k, v in fields)
        lines += [f"#grid(columns: {len(fields)}, column-gutter: 2.2em, {cells})", ""]
        if doc.status:
            lines += [f'#text(size: {s.small}pt, weight: "bold", fill: rgb("{c.muted}"))'
                      f"[{text(doc.status.upper())}]", ""]
    return [*lines, f'#line(length: 100%, stroke: 2pt + rgb("{c.heading}"))', ""]


def matrix(guide: Guide, comparison: Matrix, theme: Any) -> list[str]:
    """Return a matrix as a table with a repeating header row, then the mark key."""
    c, labels = theme.colors, theme.labels
    styles = {"yes": f'fill: rgb("{c.yes}"), weight: "bold"', "no": f'fill: rgb("{c.no}")',
              "partial": f'fill: rgb("{c.partial}"), style: "italic"'}
    n = len(guide.subjects)
    head = ", ".join(f"[{text(name)}]" for name in
                     [comparison.corner, *(subject.short for subject in guide.subjects)])
    rows: list[str] = []
    used: list[str] = []
    for row in comparison.rows:
        first = f"#strong[{text(row.criterion)}]"
        if row.note:
            first += f"#linebreak()#text(size: {theme.sizes.small}pt)[{inlines(row.note)}]"
        cells = [f"[{first}]"]
        for subject in guide.subjects:
            value = row.values[subject.id]
            if value.mark is not None:
                mark = value.mark.value
                label = getattr(labels, mark)
                body = f"#text({styles[mark]})[{text(f'{label.symbol} {label.word}')}]"
                used += [] if mark in used else [mark]
            else:
                body = inlines(value.text)
            if value.note:
                body += f"#linebreak()#text(size: {theme.sizes.small}pt)[{inlines(value.note)}]"
            cells.append(f"[{body}]")
        rows.append("  " + ", ".join(cells) + ",")
    lines = [
        f"#table(columns: (36%, {', '.join(['1fr'] * n)}), inset: 0.45em,",
        f'  stroke: (bottom: 0.5pt + rgb("{c.rule}")),',
        "  align: (x, y) => if x == 0 { left } else { center },",
        f'  fill: (x, y) => if y == 0 {{ rgb("{c.table_header}") }} '
        f'else if calc.even(y) {{ rgb("{c.table_stripe}") }},',
        f"  table.header(repeat: true, {head}),",
        *rows,
        ")",
    ]
    if used:
        keys = " · ".join(f"{getattr(labels, m).symbol} {getattr(labels, m).word}"
                          for m in ("yes", "no", "partial") if m in used)
        lines += ["", f'#text(size: {theme.sizes.small}pt, fill: rgb("{c.muted}"))'
                      f"[{text(f'{labels.legend}: {keys}')}]"]
    return lines


def to_typst(guide: Guide, theme: Any | None = None) -> str:
    """Return the whole guide as one Typst document."""
    theme = theme or builtin_theme()
    out = [*preamble(guide, theme), "", *title_block(guide, theme), *blocks(guide.intro)]

    render = Renderer(blocks, bullets, inlines, lambda g, c: matrix(g, c, theme),
                      lambda t: f"#strong[{text(t)}]")
    for level, title, body in sections(guide, render):
        out.extend(["", "=" * level + " " + text(title), "", *body])
    return "\n".join(out) + "\n"


def compile_pdf(source: str | bytes, standards: Sequence[str] = ("ua-1",)) -> bytes:
    """Return the PDF Typst makes of ``source``, with the fonts guidegen uses."""
    import typst

    data = source.encode("utf-8") if isinstance(source, str) else source
    options: dict[str, Any] = {"font_paths": [str(d) for d in FONT_DIRS if d.is_dir()],
                               "format": "pdf"}
    if standards:
        options["pdf_standards"] = list(standards)
    return typst.compile(data, **options)


def main(argv: Sequence[str]) -> int:
    """Print the Typst source of the guide named on the command line (``--pdf OUT``: compile)."""
    import guidegen

    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--pdf"):
        print("usage: typst_export.py GUIDE.yaml [--pdf OUT.pdf]", file=sys.stderr)
        return 2
    source = to_typst(guidegen.load(argv[0]))
    if len(argv) == 3:
        Path(argv[2]).write_bytes(compile_pdf(source))
    else:
        sys.stdout.write(source)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
