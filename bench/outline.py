"""The reading order of a guide, shared by the Markdown and Typst exporters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from guidegen.model import Guide, Matrix


@dataclass(frozen=True)
class Renderer:
    """How one output language writes the pieces of a guide, as lists of lines."""

    blocks: Callable[[Any], list[str]]
    bullets: Callable[..., list[str]]
    inlines: Callable[[Any], str]
    matrix: Callable[[Guide, Any], list[str]]
    strong: Callable[[str], str]


def sections(guide: Guide, render: Renderer) -> Iterator[tuple[int, str, list[str]]]:
    """Yield (level, heading, body lines) in reading order; parts are level 1."""
    for subject in guide.subjects:
        body = render.blocks(subject.summary)
        if subject.responsibilities:
            body += ["", *render.bullets(render.inlines(i) for i in subject.responsibilities)]
        yield 1, subject.heading, body
        for group in subject.groups:
            intro = [*render.blocks(group.intro), ""] if group.intro else []
            yield 2, group.title, intro + render.bullets(render.inlines(i) for i in group.items)
    if guide.comparisons or guide.comparisons_intro:
        yield 1, guide.comparisons_heading, render.blocks(guide.comparisons_intro or ())
        for comparison in guide.comparisons:
            body = [*render.blocks(comparison.intro), ""] if comparison.intro else []
            if isinstance(comparison, Matrix):
                body += render.matrix(guide, comparison)
            else:
                body += per_subject(guide, comparison, render)
            yield 2, comparison.title, body
    for closing in guide.sections:
        yield 1, closing.title, render.blocks(closing.body)


def per_subject(guide: Guide, comparison: Any, render: Renderer) -> list[str]:
    """Return a per-subject dimension as bullets led by the subject's short name."""
    lines: list[str] = []
    for subject in guide.subjects:
        entry = comparison.values[subject.id]
        who = render.strong(f"{subject.short}:")
        if entry.is_list:
            lines.append(f"- {who}")
            lines += render.bullets((render.inlines(line) for line in entry.lines), "  ")
        else:
            lines.append(f"- {who} {render.inlines(entry.lines[0])}")
    return lines
