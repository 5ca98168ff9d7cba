"""A validated guide laid out as one document tree (:mod:`guidegen.tree`).

This is where it is decided which blocks a guide has and in what order: title block,
control block, intro, one part per subject, the comparisons with their tables and keys,
the closing sections. Every printed label is resolved here, once, in the guide's
language (:mod:`.labels`).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from ..common.labels import fill
from ..common.language import Language
from ..common.yamlsource import format_path
from ..content.model import Cell as MatrixCell
from ..content.model import (
    ControlledDocument,
    Guide,
    GuideInfo,
    Mark,
    Matrix,
    PerSubject,
    Subject,
)
from ..errors import Location
from ..theme import Templates
from ..tree import (
    Block,
    Cell,
    Contents,
    ContentsEntry,
    Document,
    Fields,
    Heading,
    Image,
    Inline,
    ListBlock,
    Metadata,
    Orientation,
    Paragraph,
    Running,
    Section,
    Span,
    Table,
    Text,
    walk,
)
from ..tree.roles import ListRole, SpanRole
from .balance import balance_blocks
from .capitals import keep_mixed_case
from .control import control_section, source_files, status_text, watermark
from .hyphenate import hyphenate_blocks
from .labels import Labels, control_line
from .links import print_addresses
from .running import fitting_control, running_title
from .widths import matrix_widths

MARK_ROLES: dict[Mark, SpanRole] = {Mark.YES: "mark-yes", Mark.NO: "mark-no",
                                    Mark.PARTIAL: "mark-partial"}


def layout_guide(guide: Guide, templates: Templates, labels: Labels, *,
                 date: datetime.datetime | None = None,
                 page_label: str = "", undated: bool = False) -> Document:
    """Return the document tree of ``guide``, printing ``labels`` (in the guide's language).

    The labels are resolved once, by whoever lays the guide out (:func:`.labels_for`; a
    packet resolves its guides' own), and carry the document's :class:`Language`.
    ``page_label``: the guide is a packet's part, whose footer prints this at its right
    (the packet's page label): its control line writes the effective date as short as it
    must to fit beside it (``undated``: or not at all, :func:`.fitting_control`).
    """
    document = _GuideLayout(guide, templates, labels, page_label, undated).document(date)
    return dataclasses.replace(document, blocks=finish_blocks(
        document.blocks, templates, labels.language, guide.locate()))


def finish_blocks(blocks: Sequence[Block], templates: Templates, language: Language,
                  where: Location | None) -> tuple[Block, ...]:
    """Return laid-out ``blocks`` as printed: link addresses, hyphens, balanced headings.

    ``language`` is the blocks', ``where`` the guide's source (for what is said about them).
    """
    printed = print_addresses(blocks, templates.styles, language, where)
    hyphenated = hyphenate_blocks(keep_mixed_case(printed, templates.styles),
                                  templates.styles, language)
    return balance_blocks(hyphenated, templates.styles, language)


class _GuideLayout:
    def __init__(self, guide: Guide, templates: Templates, labels: Labels,
                 page_label: str = "", undated: bool = False) -> None:
        self.guide = guide
        self.page_label, self.undated = page_label, undated
        self.templates = templates
        self.labels = labels
        self.text = labels.texts
        self.language = labels.language

    def document(self, date: datetime.datetime | None) -> Document:
        info = self.guide.guide
        title = running_title(info.title, info.short_title, self.templates.styles,
                              self.language)
        running = Running(title, self.control_line(info), self.labels.page_parts(),
                          watermark=watermark(self.labels, info.document))
        return Document(self.metadata(date), running, tuple(self.blocks()))

    def metadata(self, date: datetime.datetime | None) -> Metadata:
        info, doc = self.guide.guide, self.guide.guide.document
        custom = [] if doc is None else [
            ("Document number", doc.number), ("Version", doc.version),
            ("Effective date", doc.effective.isoformat() if doc.effective else ""),
            ("Approver", self.approvers(doc)), ("Status", status_text(self.labels, doc.status))]
        custom.append(("Owner", info.owner or ""))
        # the authors as written: the author property falls back to the owner, so that
        # alone cannot tell `guidegen import` whether the guide named its authors
        custom.append(("Authors", "; ".join(info.authors)))
        return Metadata(
            title=info.title, language=self.language,
            subtitle=info.subtitle or "",
            author="; ".join(info.authors or ([info.owner] if info.owner else [])),
            keywords=info.keywords, audience=info.audience or "",
            version=doc.version if doc else "", status=(doc.status or "") if doc else "",
            date=date, custom=tuple((name, value) for name, value in custom if value),
            dates=(("Effective date", self.labels.date(doc.effective),
                    self.labels.date_pattern()),) if doc and doc.effective else (),
            revision=self.guide.revision, sources=source_files(self.guide))

    def approvers(self, doc: ControlledDocument) -> str:
        """Return who approved ``doc``, as the title block says it: the last approval's role.

        (Approvals run as people sign them: author, reviewer, the one who releases it.)
        """
        return doc.approvals[-1].role if doc.approvals else ""

    def control_line(self, info: GuideInfo) -> str:
        if not self.page_label:
            return control_line(info.document, self.labels)
        return fitting_control(info.document, self.labels, self.page_label,
                               self.templates.styles, self.undated)

    def blocks(self) -> list[Block]:
        guide = self.guide
        at = guide.locate
        found: list[Block] = [Section(lead(blocks(guide.intro, at("intro"), "intro")),
                                      role="intro", source=at("intro"))]
        found += [self.subject(n, subject) for n, subject in enumerate(guide.subjects)]
        if guide.comparisons or guide.comparisons_intro:
            found.append(self.comparisons())
        found += [Section((Heading(2, section.title, f"section-{n + 1}",
                                   key=key("sections", n, "title"),
                                   source=at("sections", n, "title")),
                           *blocks(section.body, at("sections", n, "body"),
                                   key("sections", n, "body"))),
                          role="closing", source=at("sections", n))
                  for n, section in enumerate(guide.sections)]
        control = control_section(guide.guide.document, self.labels, self.templates, at)
        if control is not None and self.templates.theme.document_control == "end":
            found.append(control)
        contents = [contents_section(found)] if guide.contents else []
        title = [self.title_block()]
        if control is not None and self.templates.theme.document_control == "after-title":
            title.append(control)
        return [*title, *contents, *found]

    # -- parts -------------------------------------------------------------------------

    def title_block(self) -> Section:
        info, labels = self.guide.guide, self.text
        children: list[Block] = []
        logo = self.templates.logo()
        if logo is not None:
            children.append(Image(logo[0], logo[1], alt=info.owner or info.title))
        at = self.guide.locate
        children.append(Heading(1, info.title, "title", key=key("guide", "title"),
                                source=at("guide", "title")))
        if info.subtitle:
            children.append(Paragraph((Text(info.subtitle),), "subtitle",
                                      key=key("guide", "subtitle"),
                                      source=at("guide", "subtitle")))
        if info.audience:
            children.append(Paragraph(self.captioned(labels.audience, "label",
                                                     Text(info.audience)),
                                      "audience", key=key("guide", "audience"),
                                      source=at("guide", "audience")))
        doc = info.document
        if doc is not None:
            fields = [(labels.document, doc.number, "number"),
                      (labels.version, doc.version, "version")]
            if doc.effective:
                fields.append((labels.effective, self.labels.date(doc.effective), "effective"))
            if doc.approvals:
                fields.append((labels.approver, self.approvers(doc), ""))  # a role, not a value
            if doc.status:
                fields.append((labels.status, status_text(self.labels, doc.status), ""))
            children.append(Fields(tuple((label, value) for label, value, _ in fields),
                                   "control", tuple(name and key("guide", "document", name)
                                                    for _, _, name in fields),
                                   source=at("guide", "document")))
            if doc.print_notice:
                children.append(Paragraph((Text(doc.print_notice),), "status",
                                          key=key("guide", "document", "print_notice"),
                                          source=at("guide", "document", "print_notice")))
        return Section(tuple(children), role="title-block", source=at("guide"))

    def subject(self, index: int, subject: Subject) -> Section:
        def at(*path: str | int) -> Location | None:
            return self.guide.locate("subjects", index, *path)

        def here(*path: str | int) -> str:
            return key("subjects", index, *path)

        heading = subject.name if subject.short == subject.name else fill(
            self.text.subject_heading, name=subject.name, short=subject.short)
        children: list[Block] = [Heading(2, heading, f"subject-{subject.id}", key=here("name"),
                                         source=at("name")),
                                 *blocks(subject.summary, at("summary"), here("summary"))]
        if subject.responsibilities:
            children.append(bullets(subject.responsibilities, "responsibilities",
                                    at("responsibilities"), here("responsibilities")))
        for n, group in enumerate(subject.groups):
            children += [Heading(3, group.title, f"subject-{subject.id}-{n + 1}",
                                 key=here("groups", n, "title"),
                                 source=at("groups", n, "title")),
                         *blocks(group.intro or (), at("groups", n, "intro"),
                                 here("groups", n, "intro")),
                         bullets(group.items, source=at("groups", n, "items"),
                                 key=here("groups", n, "items"))]
        return Section(tuple(children), role="subject", source=at())

    def comparisons(self) -> Section:
        guide = self.guide
        heading = guide.comparisons_title or fill(
            self.text.comparing, subjects=self.labels.join([s.short for s in guide.subjects]))
        at = guide.locate
        head: list[Block] = [
            Heading(2, heading, "comparisons", key="comparisons_title",
                    source=at("comparisons_title")),
            *blocks(guide.comparisons_intro or (), at("comparisons_intro"), "comparisons_intro")]
        parts = [self.dimension(n, comparison) for n, comparison in enumerate(guide.comparisons)]
        if parts and parts[0].orientation == "landscape":
            # the part's heading goes with its first dimension, not alone on the page before
            first = dataclasses.replace(parts[0], orientation=None)
            parts[0] = Section((*head, first), orientation="landscape", source=first.source)
            head = []
        return Section((*head, *parts), role="comparisons", source=at("comparisons"))

    def dimension(self, index: int, comparison: Matrix | PerSubject) -> Section:
        at = self.guide.locate
        turned: Orientation | None = None
        if isinstance(comparison, Matrix):
            parts, orientation = self.matrix(index, comparison)
            turned = "landscape" if orientation == "landscape" else None
        else:
            parts = self.per_subject(index, comparison)
        return Section((Heading(3, comparison.title, f"comparison-{index + 1}",
                                key=key("comparisons", index, "title"),
                                source=at("comparisons", index, "title")),
                        *blocks(comparison.intro or (), at("comparisons", index, "intro"),
                                key("comparisons", index, "intro")),
                        *parts),
                       role="dimension", orientation=turned,
                       source=at("comparisons", index))

    def matrix(self, index: int, matrix: Matrix) -> tuple[list[Block], Orientation]:
        def at(*path: str | int) -> Location | None:
            return self.guide.locate("comparisons", index, *path)

        def here(*path: str | int) -> str:
            return key("comparisons", index, *path)

        subjects = self.guide.subjects
        head = (Cell((Text(matrix.corner or self.text.criterion),), header=True,
                     role="corner", key=here("corner"), source=at("corner")),
                *(Cell((Text(s.short),), header=True, key=key("subjects", n, "short"),
                       source=self.guide.locate("subjects", n, "short"))
                  for n, s in enumerate(subjects)))
        rows, used = [], set()
        for r, row in enumerate(matrix.rows):
            cells = [Cell((Text(row.criterion),), row.note or (), header=True,
                          key=here("rows", r, "criterion"), note_key=here("rows", r, "note"),
                          source=at("rows", r, "criterion"))]
            for subject in subjects:
                value = row.values[subject.id]
                if value.mark is not None:
                    used.add(value.mark)
                cells.append(self.cell(value, at("rows", r, "values", subject.id),
                                       here("rows", r, "values", subject.id)))
            rows.append(tuple(cells))
        theme = self.templates.theme
        widths, orientation = matrix_widths(head, rows, self.templates.styles,
                                            matrix.orientation or theme.matrix_orientation,
                                            self.language)
        table = Table(head, tuple(rows), widths, role="matrix", source=at())
        legend = self.legend([mark for mark in Mark if mark in used])
        return ([table, legend] if legend else [table]), orientation

    def cell(self, value: MatrixCell, source: Location | None, where: str) -> Cell:
        if value.mark is not None:
            return Cell((self.mark(value.mark),), value.note, role="mark", key=where,
                        note_key=f"{where}.note", source=source)
        return Cell(value.text, value.note, role="text", key=where, note_key=f"{where}.note",
                    source=source)

    def mark(self, mark: Mark) -> Span:
        symbol, word = (getattr(self.text, f"mark_{mark.value}{part}")
                        for part in ("_symbol", ""))
        return Span(MARK_ROLES[mark], (Span("symbol", (Text(symbol),)),
                                       Text(f" {word}")))

    def legend(self, marks: Sequence[Mark]) -> Paragraph | None:
        if not marks:
            return None
        inlines: list[Inline] = list(self.captioned(self.text.legend, "label"))
        for n, mark in enumerate(marks):
            if n:
                inlines.append(Text(self.text.separator))
            inlines.append(self.mark(mark))
        return Paragraph(tuple(inlines), "legend")

    def captioned(self, label: str, role: SpanRole, *value: Inline) -> tuple[Inline, ...]:
        """Return ``label`` and its colon as a span of ``role``, then the space and ``value``."""
        head, gap = self.labels.caption(label)
        return (Span(role, (Text(head),)), *((Text(gap),) if gap else ()), *value)

    def per_subject(self, index: int, dimension: PerSubject) -> list[Block]:
        items: list[tuple[Block, ...]] = []
        for subject in self.guide.subjects:
            entry = dimension.values[subject.id]
            at = self.guide.locate("comparisons", index, "values", subject.id)
            here = key("comparisons", index, "values", subject.id)
            if entry.is_list:
                items.append((Paragraph(self.captioned(subject.short, "who")[:1], key=here,
                                        source=at),
                              bullets(entry.lines, source=at, key=here)))
            else:
                items.append((Paragraph(self.captioned(subject.short, "who", *entry.lines[0]),
                                        key=here, source=at),))
        return [ListBlock(tuple(items), role="per-subject",
                          source=self.guide.locate("comparisons", index, "values"))]


# -- Markdown blocks, placed -----------------------------------------------------------------

def key(*path: str | int) -> str:
    """Return the key of the guide's value at ``path``: its path as messages show it."""
    return format_path(path)


def blocks(nodes: Sequence[Block], source: Location | None = None,
           where: str = "") -> tuple[Block, ...]:
    """Return the blocks of Markdown text written at ``source``, each knowing it came from there.

    ``where`` is the text's key, which each of its paragraphs carries.
    """
    return tuple(_placed(node, source, where) for node in nodes)


def _placed(node: Block, source: Location | None, where: str) -> Block:
    if isinstance(node, ListBlock):
        return dataclasses.replace(node, items=tuple(blocks(item, source, where)
                                                     for item in node.items), source=source)
    if isinstance(node, Paragraph):  # Markdown holds nothing else
        return dataclasses.replace(node, source=source, key=where)
    return node


def lead(found: tuple[Block, ...]) -> tuple[Block, ...]:
    """Return ``found`` with its first block, a paragraph, in the ``lead`` role."""
    if found and isinstance(found[0], Paragraph) and found[0].role is None:
        return (dataclasses.replace(found[0], role="lead"), *found[1:])
    return found


def bullets(lines: Sequence[tuple[Inline, ...]], role: ListRole | None = None,
            source: Location | None = None, key: str = "") -> ListBlock:
    """Return a bullet list with one single-paragraph item per line.

    ``key`` is the list's in the guide: item ``n``'s paragraph has ``key[n]``.
    """
    return ListBlock(tuple((Paragraph(line, key=f"{key}[{n}]" if key else "", source=source),)
                           for n, line in enumerate(lines)), role=role, source=source)


def contents_section(found: Sequence[Block]) -> Section:
    """Return a table of contents of the parts (level-2 headings) in ``found``."""
    entries = [ContentsEntry(block.level, block.text, block.anchor)
               for block in walk(tuple(found))
               if isinstance(block, Heading) and block.level == 2 and block.anchor]
    return Section((Contents(tuple(entries)),), role="guide-contents")

