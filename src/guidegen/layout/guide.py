"""A validated guide laid out as one document tree (:mod:`guidegen.layout.tree`).

This is where it is decided which blocks a guide has and in what order: title block,
control block, intro, one part per subject, the comparisons with their tables and keys,
the closing sections. Every printed label is resolved here, from the theme.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from ..content import markup
from ..content.model import Cell as MatrixCell
from ..content.model import Guide, GuideInfo, Mark, Matrix, PerSubject, Subject
from ..theme import Templates
from ..theme.theme import Labels
from .tree import (
    Block,
    Cell,
    Document,
    Fields,
    Heading,
    Image,
    Inline,
    ListBlock,
    Metadata,
    Paragraph,
    Running,
    Section,
    Span,
    Table,
)

DEFAULT_LANGUAGE = "en"


def layout_guide(guide: Guide, templates: Templates, *, date: datetime.datetime | None = None,
                 language: str = DEFAULT_LANGUAGE) -> Document:
    """Return the document tree of ``guide``, its labels taken from ``templates``."""
    return _GuideLayout(guide, templates, guide.guide.language or language).document(date)


class _GuideLayout:
    def __init__(self, guide: Guide, templates: Templates, language: str) -> None:
        self.guide = guide
        self.templates = templates
        self.labels: Labels = templates.theme.labels
        self.language = language

    def document(self, date: datetime.datetime | None) -> Document:
        info = self.guide.guide
        running = Running(info.title, self.control_line(info), page_parts(self.labels.page))
        return Document(self.metadata(date), running, tuple(self.blocks()))

    def metadata(self, date: datetime.datetime | None) -> Metadata:
        info, doc = self.guide.guide, self.guide.guide.document
        custom = [] if doc is None else [
            ("Document number", doc.number), ("Version", doc.version),
            ("Effective date", doc.effective.isoformat() if doc.effective else ""),
            ("Approver", doc.approver or ""), ("Status", doc.status or "")]
        custom.append(("Owner", info.owner or ""))
        return Metadata(
            title=info.title, language=self.language, subtitle=info.subtitle or "",
            author="; ".join(info.authors or ([info.owner] if info.owner else [])),
            keywords=info.keywords, audience=info.audience or "",
            version=doc.version if doc else "", status=(doc.status or "") if doc else "",
            date=date, custom=tuple((name, value) for name, value in custom if value))

    def control_line(self, info: GuideInfo) -> str:
        doc = info.document
        if doc is None:
            return ""
        parts = [doc.number, f"{self.labels.version} {doc.version}"]
        return self.labels.separator.join(parts + ([doc.status] if doc.status else []))

    def blocks(self) -> list[Block]:
        guide = self.guide
        found: list[Block] = [self.title_block(),
                              Section(blocks(guide.intro), role="intro")]
        found += [self.subject(subject) for subject in guide.subjects]
        if guide.comparisons or guide.comparisons_intro:
            found.append(self.comparisons())
        found += [Section((Heading(2, section.title, f"section-{n}"), *blocks(section.body)),
                          role="closing")
                  for n, section in enumerate(guide.sections, 1)]
        return found

    # -- parts -------------------------------------------------------------------------

    def title_block(self) -> Section:
        info, labels = self.guide.guide, self.labels
        children: list[Block] = []
        logo = self.templates.logo()
        if logo is not None:
            children.append(Image(logo[0], logo[1], self.templates.theme.logo_height,
                                  alt=info.owner or info.title, role="logo"))
        children.append(Heading(1, info.title, "title"))
        if info.subtitle:
            children.append(Paragraph((markup.Text(info.subtitle),), "subtitle"))
        if info.audience:
            children.append(Paragraph((Span("label", (markup.Text(f"{labels.audience}:"),)),
                                       markup.Text(f" {info.audience}")), "audience"))
        doc = info.document
        if doc is not None:
            fields = [(labels.document, doc.number), (labels.version, doc.version)]
            if doc.effective:
                fields.append((labels.effective, doc.effective.isoformat()))
            if doc.approver:
                fields.append((labels.approver, doc.approver))
            children.append(Fields(tuple(fields), "control"))
            if doc.status:
                children.append(Paragraph((markup.Text(doc.status),), "status"))
        return Section(tuple(children), role="title-block")

    def subject(self, subject: Subject) -> Section:
        children: list[Block] = [Heading(2, subject.heading, f"subject-{subject.id}"),
                                 *blocks(subject.summary)]
        if subject.responsibilities:
            children.append(bullets(subject.responsibilities, "responsibilities"))
        for n, group in enumerate(subject.groups, 1):
            children += [Heading(3, group.title, f"subject-{subject.id}-{n}"),
                         *blocks(group.intro or ()), bullets(group.items)]
        return Section(tuple(children), role="subject")

    def comparisons(self) -> Section:
        guide = self.guide
        heading = guide.comparisons_title or self.labels.comparing.format(
            subjects=join_names([s.short for s in guide.subjects]))
        children: list[Block] = [Heading(2, heading, "comparisons"),
                                 *blocks(guide.comparisons_intro or ())]
        for n, comparison in enumerate(guide.comparisons, 1):
            parts = (self.matrix(comparison) if isinstance(comparison, Matrix)
                     else self.per_subject(comparison))
            children.append(Section(
                (Heading(3, comparison.title, f"comparison-{n}"),
                 *blocks(comparison.intro or ()), *parts),
                role=f"dimension {comparison.kind}"))
        return Section(tuple(children), role="comparisons")

    def matrix(self, matrix: Matrix) -> list[Block]:
        subjects = self.guide.subjects
        head = (Cell((markup.Text(matrix.corner),), header=True, role="corner"),
                *(Cell((markup.Text(s.short),), header=True) for s in subjects))
        rows, used = [], set()
        for row in matrix.rows:
            cells = [Cell((markup.Text(row.criterion),), row.note or (), header=True)]
            for subject in subjects:
                value = row.values[subject.id]
                if value.mark is not None:
                    used.add(value.mark)
                cells.append(self.cell(value))
            rows.append(tuple(cells))
        first = self.templates.theme.matrix_criteria_width / 100
        widths = (first, *[(1 - first) / len(subjects)] * len(subjects))
        table = Table(head, tuple(rows), widths, role="matrix")
        legend = self.legend([mark for mark in Mark if mark in used])
        return [table, legend] if legend else [table]

    def cell(self, value: MatrixCell) -> Cell:
        if value.mark is not None:
            return Cell((self.mark(value.mark),), value.note, role="mark")
        return Cell(value.text, value.note, role="text")

    def mark(self, mark: Mark) -> Span:
        label = getattr(self.labels, mark.value)
        return Span(f"mark-{mark.value}", (Span("symbol", (markup.Text(label.symbol),)),
                                           markup.Text(f" {label.word}")))

    def legend(self, marks: Sequence[Mark]) -> Paragraph | None:
        if not marks:
            return None
        inlines: list[Inline] = [Span("label", (markup.Text(f"{self.labels.legend}:"),)),
                                 markup.Text(" ")]
        for n, mark in enumerate(marks):
            if n:
                inlines.append(markup.Text(self.labels.separator))
            inlines.append(self.mark(mark))
        return Paragraph(tuple(inlines), "legend")

    def per_subject(self, dimension: PerSubject) -> list[Block]:
        items: list[tuple[Block, ...]] = []
        for subject in self.guide.subjects:
            entry = dimension.values[subject.id]
            who = Span("who", (markup.Text(f"{subject.short}:"),))
            if entry.is_list:
                items.append((Paragraph((who,)), bullets(entry.lines)))
            else:
                items.append((Paragraph((who, markup.Text(" "), *entry.lines[0])),))
        return [ListBlock(tuple(items), role="per-subject")]


# -- Markdown blocks → tree blocks ---------------------------------------------------------

def blocks(nodes: Sequence[markup.Block]) -> tuple[Block, ...]:
    """Return Markdown ``nodes`` as tree blocks."""
    return tuple(_block(node) for node in nodes)


def _block(node: markup.Block) -> Block:
    if isinstance(node, markup.Paragraph):
        return Paragraph(node.inlines)
    items = tuple(blocks(item) for item in node.items)
    if isinstance(node, markup.OrderedList):
        return ListBlock(items, ordered=True, start=node.start)
    return ListBlock(items)


def bullets(lines: Sequence[tuple[markup.Inline, ...]], role: str = "") -> ListBlock:
    """Return a bullet list with one single-paragraph item per line."""
    return ListBlock(tuple((Paragraph(line),) for line in lines), role=role)


def join_names(names: Sequence[str]) -> str:
    """Return ``names`` as an English list: "A and B", "A, B, and C"."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def page_parts(label: str) -> tuple[tuple[str, str], ...]:
    """Return a page label (``"Page {page} of {pages}"``) as text and counter parts."""
    pieces = re.split(r"\{(page|pages)\}", label)
    return tuple(("text", piece) if i % 2 == 0 else (piece, "")
                 for i, piece in enumerate(pieces) if piece or i % 2)
