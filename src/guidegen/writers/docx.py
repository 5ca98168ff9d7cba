"""The Word writer: the guide as a real, editable .docx built with python-docx.

Same words in the same order as the PDF: Title, Subtitle, Heading 1-2 for the
parts, real Word lists, a real table in the ``Guide Matrix`` style with a repeating
header row, header and footer with PAGE/NUMPAGES fields, core and custom properties.
Every style comes from the reference document (:mod:`guidegen.docx_styles`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm

from .. import docx_xml as xml
from ..docx_styles import reference_document
from ..folders import find_image
from ..markup import (
    Block,
    BulletList,
    Code,
    Emph,
    Inline,
    LineBreak,
    Link,
    OrderedList,
    Paragraph,
    Strong,
    Text,
)
from ..model import Guide, Matrix, PerSubject, Subject
from ..theme import Theme
from . import RenderContext, Rendered

CORE_PROPERTY_LIMIT = 255  # characters, in python-docx and Word alike
_STYLE_OF = {Strong: "Strong", Emph: "Emphasis", Code: "Code", Link: "Hyperlink"}


def write(guide: Guide, context: RenderContext) -> Rendered:
    """Return the guide as DOCX bytes, identical for identical input."""
    return prepare(guide, context)(context.pages_hint)


def prepare(guide: Guide, context: RenderContext) -> Callable[[int | None], Rendered]:
    """Build the document; return the function that adds the page count and saves it."""
    document = reference_document(context.theme, context.folders)
    builder = DocxBuilder(document, context.theme, context.folders)
    builder.add_guide(guide)
    builder.set_properties(guide, context.date)

    def finish(pages: int | None) -> Rendered:
        builder.add_header_footer(guide, pages)
        return Rendered(xml.save_reproducibly(document, context.date))

    return finish


def _property_text(text: str) -> str:
    """Return ``text`` cut to the 255 characters a DOCX core property holds."""
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1] + "…"


class DocxBuilder:
    """Adds the parts of a guide to a python-docx document, in reading order."""

    def __init__(self, document: Any, theme: Theme, folders: Sequence[Path] = ()) -> None:
        self.document = document
        self.theme = theme
        self.folders = folders
        # python-docx finds a style by name with an XPath search over every style, for
        # each paragraph and run; the names do not change while we write, so remember.
        part = document.part
        lookup = part.get_style_id
        by_name = functools.cache(lookup)
        part.get_style_id = lambda style, kind: (
            by_name(style, kind) if isinstance(style, str) or style is None
            else lookup(style, kind))
        self.section = document.sections[0]
        self._set_page()

    def _set_page(self) -> None:
        width, height = self.theme.page_size_mm
        margins = self.theme.margins
        section = self.section
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
        section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
        section.header_distance = section.footer_distance = Mm(min(margins.top,
                                                                   margins.bottom) / 2)

    @property
    def text_width(self) -> int:
        """Return the width between the margins, in EMU."""
        section = self.section
        return section.page_width - section.left_margin - section.right_margin

    # -- the guide, part by part -------------------------------------------------------

    def add_guide(self, guide: Guide) -> None:
        """Add the title block, intro, subjects, comparisons and closing sections."""
        self.add_title_block(guide)
        self.add_blocks(guide.intro)
        for subject in guide.subjects:
            self.add_subject(subject)
        if guide.comparisons or guide.comparisons_intro:
            self.document.add_paragraph(guide.comparisons_heading, "Heading 1")
            self.add_blocks(guide.comparisons_intro or ())
            for comparison in guide.comparisons:
                if isinstance(comparison, Matrix):
                    self.add_matrix(comparison, guide.subjects)
                else:
                    self.add_per_subject(comparison, guide.subjects)
        for section in guide.sections:
            self.document.add_paragraph(section.title, "Heading 1")
            self.add_blocks(section.body)

    def add_title_block(self, guide: Guide) -> None:
        """Add title, subtitle, audience and the document-control fields."""
        info, labels = guide.guide, self.theme.labels
        if self.theme.logo:
            logo, _ = find_image(self.folders, self.theme.logo)
            self.document.add_picture(str(logo), height=Mm(self.theme.logo_height))
        self.document.add_paragraph(info.title, "Title")
        if info.subtitle:
            self.document.add_paragraph(info.subtitle, "Subtitle")
        if info.audience:
            paragraph = self.document.add_paragraph(style="Audience")
            paragraph.add_run(f"{labels.audience}:", "Label")
            paragraph.add_run(f" {info.audience}")
        doc = info.document
        if doc is None:
            return
        fields = [(labels.document, doc.number), (labels.version, doc.version)]
        if doc.effective:
            fields.append((labels.effective, doc.effective.isoformat()))
        if doc.approver:
            fields.append((labels.approver, doc.approver))
        for style, column in (("Control Labels", 0), ("Control Values", 1)):
            paragraph = self.document.add_paragraph("\t".join(f[column] for f in fields), style)
            self._tab_stops(paragraph, len(fields))
        if doc.status:
            self.document.add_paragraph(doc.status, "Status")

    def _tab_stops(self, paragraph: Any, columns: int) -> None:
        step = self.text_width // max(columns, 1)
        for column in range(1, columns):
            paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(step * column))

    def add_subject(self, subject: Subject) -> None:
        """Add a subject's heading, summary, responsibilities and bullet groups."""
        self.document.add_paragraph(subject.heading, "Heading 1")
        self.add_blocks(subject.summary)
        for item in subject.responsibilities:
            self.add_inlines(self.document.add_paragraph(style="List Bullet"), item)
        for group in subject.groups:
            self.document.add_paragraph(group.title, "Heading 2")
            self.add_blocks(group.intro or ())
            for item in group.items:
                self.add_inlines(self.document.add_paragraph(style="List Bullet"), item)

    def add_matrix(self, matrix: Matrix, subjects: Sequence[Subject]) -> None:
        """Add a matrix as a real table with a repeating header row, and its key."""
        self.document.add_paragraph(matrix.title, "Heading 2")
        self.add_blocks(matrix.intro or ())
        table = self.document.add_table(rows=1 + len(matrix.rows), cols=1 + len(subjects))
        table.style = self.document.styles["Guide Matrix"]
        xml.set_table_look(table)
        first = int(self.text_width * self.theme.matrix_criteria_width / 100)
        rest = (self.text_width - first) // len(subjects)
        xml.set_column_widths(table, [first] + [rest] * len(subjects))
        header = table.rows[0]
        xml.mark_header_row(header)
        xml.keep_row_together(header)
        self._cell_text(header.cells[0], matrix.corner, "Table Heading", WD_ALIGN_PARAGRAPH.LEFT)
        for cell, subject in zip(header.cells[1:], subjects, strict=True):
            self._cell_text(cell, subject.short, "Table Heading")
        used = []
        for row, data in zip(table.rows[1:], matrix.rows, strict=True):
            xml.keep_row_together(row)
            paragraph = row.cells[0].paragraphs[0]
            paragraph.style = "Table Text"
            paragraph.add_run(data.criterion, "Strong")
            if data.note:
                self.add_inlines(row.cells[0].add_paragraph(style="Table Note"), data.note)
            for cell, subject in zip(row.cells[1:], subjects, strict=True):
                value = data.values[subject.id]
                if value.mark is not None:
                    used.append(value.mark)
                    self._cell_text(cell, str(self.theme.mark_label(value.mark)), "Table Cell",
                                    run_style=f"Mark {value.mark.value.capitalize()}")
                else:
                    cell.paragraphs[0].style = "Table Cell"
                    self.add_inlines(cell.paragraphs[0], value.text)
                if value.note:
                    self.add_inlines(cell.add_paragraph(style="Table Cell Note"), value.note)
        self._add_legend(used)

    def _cell_text(self, cell: Any, text: str, style: str, align: Any = None,
                   run_style: str | None = None) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = style
        if align is not None:
            paragraph.alignment = align
        paragraph.add_run(text, run_style)

    def _add_legend(self, used: list[Any]) -> None:
        from ..model import Mark

        marks = [mark for mark in Mark if mark in used]
        if not marks:
            return
        paragraph = self.document.add_paragraph(style="Legend")
        paragraph.add_run(f"{self.theme.labels.legend}:", "Label")
        paragraph.add_run(" " + self.theme.labels.separator.join(
            str(self.theme.mark_label(m)) for m in marks))

    def add_per_subject(self, dimension: PerSubject, subjects: Sequence[Subject]) -> None:
        """Add a per-subject dimension as a list with one item per subject."""
        self.document.add_paragraph(dimension.title, "Heading 2")
        self.add_blocks(dimension.intro or ())
        for subject in subjects:
            entry = dimension.values[subject.id]
            paragraph = self.document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{subject.short}:", "Strong")
            if not entry.is_list:
                paragraph.add_run(" ")
                self.add_inlines(paragraph, entry.lines[0])
                continue
            for line in entry.lines:
                self.add_inlines(self.document.add_paragraph(style="List Bullet 2"), line)

    # -- Markdown nodes ------------------------------------------------------------------

    def add_blocks(self, blocks: Sequence[Block], level: int = 0) -> None:
        """Add paragraphs and lists; nested lists go one list level deeper."""
        for block in blocks:
            if isinstance(block, Paragraph):
                self.add_inlines(self.document.add_paragraph(), block.inlines)
            elif isinstance(block, BulletList):
                self._add_list(block.items, "List Bullet", level)
            elif isinstance(block, OrderedList):
                self._add_list(block.items, "List Number", level, block.start)

    def _add_list(self, items: Sequence[Sequence[Block]], style: str, level: int,
                  start: int | None = None) -> None:
        name = style if level == 0 else f"{style} 2"
        restart = None if start is None else xml.restart_numbering(self.document, name, start)
        for item in items:
            lead = item[0] if item and isinstance(item[0], Paragraph) else None
            paragraph = self.document.add_paragraph(style=name)
            if restart:
                xml.use_numbering(paragraph, *restart)
            if lead is not None:
                self.add_inlines(paragraph, lead.inlines)
            for block in item[1 if lead is not None else 0:]:
                if isinstance(block, Paragraph):  # a further paragraph of the same item
                    paragraph.add_run().add_break()
                    self.add_inlines(paragraph, block.inlines)
                else:
                    self.add_blocks([block], level + 1)

    def add_inlines(self, paragraph: Any, inlines: Sequence[Inline],
                    styles: tuple[str, ...] = (), link: Any = None) -> None:
        """Append ``inlines`` to ``paragraph`` as runs, styled by their nesting."""
        for node in inlines:
            if isinstance(node, Text):
                self._run(paragraph, node.text, styles, link)
            elif isinstance(node, LineBreak):
                self._run(paragraph, "", styles, link).add_break()
            elif isinstance(node, Code):
                self._run(paragraph, node.text, (*styles, "Code"), link)
            elif isinstance(node, Link):
                target = link if link is not None else xml.add_hyperlink(paragraph, node.href)
                self.add_inlines(paragraph, node.children, (*styles, "Hyperlink"), target)
            else:
                self.add_inlines(paragraph, node.children, (*styles, _STYLE_OF[type(node)]),
                                 link)

    @staticmethod
    def _run(paragraph: Any, text: str, styles: tuple[str, ...], link: Any) -> Any:
        run = paragraph.add_run(text, styles[-1] if styles else None)
        if "Strong" in styles[:-1]:
            run.bold = True
        if "Emphasis" in styles[:-1]:
            run.italic = True
        if link is not None:
            link.append(run._r)
        return run

    # -- header, footer, properties ------------------------------------------------------

    def add_header_footer(self, guide: Guide, pages_hint: int | None) -> None:
        """Add the running title, the control line, and "Page X of Y" fields."""
        section = self.section
        section.different_first_page_header_footer = True
        xml.empty_story(section.header, "Header").add_run(guide.guide.title)
        xml.empty_story(section.first_page_header, "Header")
        doc = guide.guide.document
        for footer in (section.footer, section.first_page_footer):
            paragraph = xml.empty_story(footer, "Footer")
            paragraph.paragraph_format.tab_stops.add_tab_stop(
                Emu(self.text_width), WD_TAB_ALIGNMENT.RIGHT)
            if doc:
                paragraph.add_run(self.theme.control_line(doc))
            paragraph.add_run("\t")
            for kind, text in self.theme.page_label():
                if kind == "text":
                    paragraph.add_run(text)
                else:
                    xml.add_field(paragraph, *(("PAGE", "1") if kind == "page"
                                               else ("NUMPAGES", str(pages_hint or 1))))

    def set_properties(self, guide: Guide, date: Any) -> None:
        """Set core properties, language, and document-control custom properties."""
        info = guide.guide
        core = self.document.core_properties
        doc = info.document
        for name, value in (("title", info.title), ("subject", info.subtitle),
                            ("author", info.author_line), ("keywords", ", ".join(info.keywords)),
                            ("language", info.language), ("comments", info.audience),
                            ("category", ""), ("last_modified_by", "guidegen"),
                            ("version", doc.version if doc else ""),
                            ("content_status", doc.status if doc else "")):
            setattr(core, name, _property_text(value or ""))
        core.revision = 1
        xml.set_core_dates(self.document, date)
        xml.drop_thumbnail(self.document)
        self._set_language(info.language)
        doc = info.document
        custom = {} if doc is None else {
            "Document number": doc.number, "Version": doc.version,
            "Effective date": doc.effective.isoformat() if doc.effective else "",
            "Approver": doc.approver or "", "Status": doc.status or ""}
        if info.owner:
            custom["Owner"] = info.owner
        xml.set_custom_properties(self.document, {k: v for k, v in custom.items() if v})

    def _set_language(self, language: str) -> None:
        rpr = self.document.styles["Normal"].element.get_or_add_rPr()
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), language)
