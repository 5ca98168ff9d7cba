"""Write a guide as pandoc Markdown, so pandoc typesets the same words as guidegen.

The Markdown is generated from the validated model (``guidegen.load``), not from the
YAML, so pandoc and guidegen see exactly the same text: title block, intro, one
section per subject (summary, responsibilities, groups), the comparisons (matrices as
pipe tables with "✓ Yes" / "— No" / "◐ Partial" and their key, per-subject
dimensions as "**CMO:** text" bullets) and the closing sections.

Usage: ``python bench/markdown_export.py content/cmo-cdmo-cro.yaml > guide.md``
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from guidegen import markup
from guidegen.model import Guide, Matrix
from outline import Renderer, sections

# ASCII punctuation that means something to pandoc's Markdown inside a line; pandoc
# accepts a backslash before any ASCII punctuation, so over-escaping is harmless.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~^$@#])")
_LINE_START = re.compile(r"^(\s*)([-+*>=]|\d+[.)])")


def theme_labels() -> Any:
    """Return the labels of the built-in theme (mark words, key, audience ...)."""
    from guidegen.folders import template_folders
    from guidegen.theme import load_theme

    return load_theme(list(reversed(template_folders()))).labels


def escape(text: str) -> str:
    """Return ``text`` with the characters Markdown would interpret backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def inlines(nodes: Iterable[markup.Inline]) -> str:
    """Return inline nodes as one line of Markdown."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, markup.Text):
            out.append(escape(node.text))
        elif isinstance(node, markup.Code):
            out.append(f"`` {node.text} ``" if "`" in node.text else f"`{node.text}`")
        elif isinstance(node, markup.LineBreak):
            out.append("\\\n")
        elif isinstance(node, markup.Strong):
            out.append(f"**{inlines(node.children)}**")
        elif isinstance(node, markup.Emph):
            out.append(f"*{inlines(node.children)}*")
        elif isinstance(node, markup.Link):
            out.append(f"[{inlines(node.children)}](<{node.href}>)")
    return "".join(out)


def paragraph(text: str) -> str:
    """Return ``text`` as a paragraph that cannot be mistaken for a list or heading."""
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


def blocks(nodes: Sequence[markup.Block], indent: str = "", tight: bool = False) -> list[str]:
    """Return Markdown blocks as lines (blank lines between blocks).

    ``tight`` (inside a list item) puts a nested list right under the line before it,
    so the outer list stays tight, as guidegen prints it.
    """
    lines: list[str] = []
    for node in nodes:
        if lines and not (tight and not isinstance(node, markup.Paragraph)):
            lines.append("")
        if isinstance(node, markup.Paragraph):
            lines.append(indent + paragraph(inlines(node.inlines)))
        else:
            ordered = isinstance(node, markup.OrderedList)
            start = node.start if isinstance(node, markup.OrderedList) else 1
            for number, item in enumerate(node.items, start):
                marker = f"{number}. " if ordered else "- "
                lines += list_item(marker, item, indent)
    return lines


def list_item(marker: str, item: Sequence[markup.Block], indent: str) -> list[str]:
    """Return one list item; nested blocks are indented under the marker."""
    inner = indent + " " * len(marker)
    body = blocks(item, inner, tight=True)
    if not body:
        return [indent + marker.rstrip()]
    return [indent + marker + body[0][len(inner):], *body[1:]]


def bullets(items: Iterable[str], indent: str = "") -> list[str]:
    """Return a tight bullet list of already formatted lines."""
    return [f"{indent}- {item}" for item in items]


def front_matter(guide: Guide) -> list[str]:
    """Return the YAML metadata block pandoc reads the title, subtitle and language from."""
    info = guide.guide

    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["---", f"title: {quoted(escape(info.title))}"]
    if info.subtitle:
        lines.append(f"subtitle: {quoted(escape(info.subtitle))}")
    if info.authors:
        lines.append("author: [" + ", ".join(quoted(escape(a)) for a in info.authors) + "]")
    if info.date:
        lines.append(f"date: {info.date.isoformat()}")
    if info.keywords:
        lines.append("keywords: [" + ", ".join(quoted(escape(k)) for k in info.keywords) + "]")
    lines += [f"lang: {info.language}", "---"]
    return lines


def title_block(guide: Guide, labels: Any) -> list[str]:
    """Return the audience and document-control lines guidegen prints under the title."""
    info, doc = guide.guide, guide.guide.document
    lines: list[str] = []
    if info.audience:
        lines += [f"**{escape(labels.audience)}:** {escape(info.audience)}", ""]
    if doc:
        fields = [(labels.document, doc.number), (labels.version, doc.version)]
        if doc.effective:
            fields.append((labels.effective, doc.effective.isoformat()))
        if doc.approver:
            fields.append((labels.approver, doc.approver))
        lines += [" · ".join(f"{escape(k)}: **{escape(v)}**" for k, v in fields), ""]
        if doc.status:
            lines += [escape(doc.status.upper()), ""]
    return lines


def matrix(guide: Guide, comparison: Matrix, labels: Any) -> list[str]:
    """Return a matrix as a pipe table, followed by the key of the marks it uses."""
    def cell(text: str) -> str:
        return text.replace("\n", " ")

    header = [escape(comparison.corner), *(escape(s.short) for s in guide.subjects)]
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join([":---", *([":---:"] * len(guide.subjects))]) + "|"]
    used: list[Any] = []
    for row in comparison.rows:
        first = f"**{escape(row.criterion)}**"
        if row.note:
            first += f" {inlines(row.note)}"
        cells = [first]
        for subject in guide.subjects:
            value = row.values[subject.id]
            if value.mark is not None:
                label = getattr(labels, value.mark.value)
                text = f"{label.symbol} {escape(label.word)}"
                if value.mark not in used:
                    used.append(value.mark)
            else:
                text = inlines(value.text)
            if value.note:
                text += f" {inlines(value.note)}"
            cells.append(cell(text))
        lines.append("| " + " | ".join(cells) + " |")
    if used:
        order = [m for m in ("yes", "no", "partial") if any(u.value == m for u in used)]
        keys = [f"{getattr(labels, m).symbol} {escape(getattr(labels, m).word)}" for m in order]
        lines += ["", f"{escape(labels.legend)}: " + " · ".join(keys)]
    return lines


def to_markdown(guide: Guide, labels: Any | None = None) -> str:
    """Return the whole guide as one pandoc Markdown document."""
    labels = labels or theme_labels()
    out = [*front_matter(guide), "", *title_block(guide, labels), *blocks(guide.intro)]

    render = Renderer(blocks, bullets, inlines, lambda g, c: matrix(g, c, labels),
                      lambda t: f"**{escape(t)}**")
    for level, title, body in sections(guide, render):
        out.extend(["", "#" * (level + 1) + " " + escape(title), "", *body])
    return "\n".join(out) + "\n"


def main(argv: Sequence[str]) -> int:
    """Print the Markdown of the guide named on the command line."""
    import guidegen

    if len(argv) != 1:
        print("usage: markdown_export.py GUIDE.yaml", file=sys.stderr)
        return 2
    sys.stdout.write(to_markdown(guidegen.load(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
