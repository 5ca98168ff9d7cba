"""The reading order of a guide, shared by the Markdown and Typst exporters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from guidegen.model import Guide, Matrix


@dataclass(frozen=True)
class Renderer:
    """How one output language writes the pieces of a guide, as lists of lines."""

    blocks: Callable[[Any], list[str]]
    bullets: Callable[[Iterable[str]], list[str]]
    inlines: Callable[[Any], str]
    matrix: Callable[[Guide, Any], list[str]]
    per_subject: Callable[[Guide, Any], list[str]]


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
                body += render.per_subject(guide, comparison)
            yield 2, comparison.title, body
    for closing in guide.sections:
        yield 1, closing.title, render.blocks(closing.body)
