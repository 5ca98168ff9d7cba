"""The DOCX renderer: the document tree as a real, editable Word file, via python-docx.

Real Word styles for every part (from the reference document, :mod:`.styles`), real
lists and tables (:mod:`.blocks`), header and footer with PAGE/NUMPAGES fields whose
cached results are right, core and custom properties, and a zip written reproducibly
(:mod:`.oxml`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from docx.shared import Mm

from ...common.language import Language
from ...theme import Templates
from ...theme.resolve import Styles
from ...tree import Document, Metadata, Running
from ...tree import parts as parts_of
from .. import Finisher, PageMap, RenderContext, Rendered
from . import levels, oxml
from .blocks import BlockWriter
from .chapters import print_chapters
from .parts import PartWriter, furniture
from .properties import shown_properties
from .styles import apply_styles, generated_reference, reference_document

CORE_PROPERTY_LIMIT = 255  # characters, in python-docx and Word alike
# the custom property holding the hash of the guide file a DOCX was built from
REVISION_PROPERTY = "Source revision"
POINTS_PER_MM = 72 / 25.4


def render(document: Document, context: RenderContext) -> Rendered:
    """Return the document as DOCX bytes, identical for identical input."""
    return prepare(document, context)(context.page_map or PageMap(context.pages_hint))


def prepare(document: Document, context: RenderContext) -> Finisher:
    """Build the Word document; return the function that adds the PDF's page numbers.

    The finisher takes where the PDF's layout put things (:class:`PageMap`): the page
    count, each part's pages, and the page of each contents entry. Its ``again`` gives
    the finisher of the same tree at another level, from the body written here
    (:mod:`.levels`), or None where it cannot.
    """
    templates = context.templates
    word = reference_document(templates, document.meta.language)
    set_page(word.sections[0], templates.theme, templates.styles)
    writer = BlockWriter(word, templates.styles, document.meta.language,
                         _variants(word, document, context))
    writer.properties = shown_properties(document)
    parts = PartWriter(writer)
    parts.add_blocks(document.blocks)
    set_properties(word, document.meta)
    return _Written(word, writer, parts, document, templates.styles).at(templates)


class _Written:
    """The Word document of one tree, written once; the finisher of each level it takes."""

    def __init__(self, word: Any, writer: BlockWriter, parts: PartWriter,
                 document: Document, styles: Styles) -> None:
        self.word, self.writer, self.parts, self.document = word, writer, parts, document
        self.styles = styles  # the level whose styles ``word`` has
        self.finished = False

    def at(self, templates: Templates) -> _Finish:
        """Return the finisher at ``templates``' level, the document moved to it."""
        self.level(templates)
        return _Finish(self, templates)

    def again(self, document: Document, context: RenderContext) -> _Finish | None:
        """Return :meth:`at` ``context``'s level if ``document`` is this one's tree, else None.

        Not once finished, nor with a user's ``reference.docx``, fitted parts' styles or
        pages turned (their sections took the first level's header distance), nor to a
        level with other type sizes, nor where the levels' reference documents differ in
        more than their styles.
        """
        templates, language = context.templates, document.meta.language
        if self.finished or templates.reference is not None or self.writer.variants or \
                len(self.word.sections) != 1 or document != self.document or \
                not levels.same_type(self.styles, templates.styles):
            return None
        if not levels.same_but_styles(_reference(self.styles, language),
                                      _reference(templates.styles, language)):
            return None
        return self.at(templates)

    def level(self, templates: Templates) -> None:
        """Give the document ``templates``' Word styles, block space and page furniture."""
        styles, writer = templates.styles, self.writer
        if self.styles.key == styles.key:
            return
        language = self.document.meta.language
        levels.swap_styles(self.word, _reference(styles, language))
        oxml.set_language(self.word, language.tag, language.east_asian)  # as set_properties
        oxml.remember_style_ids(self.word)
        writer.styles = styles
        writer.spacing.relevel(styles)
        self.styles = styles
        set_page(self.word.sections[0], templates.theme, styles)


class _Finish:
    """Finishes a :class:`_Written` document at one level (a :class:`Finisher`)."""

    def __init__(self, written: _Written, templates: Templates) -> None:
        self.written, self.templates = written, templates

    def again(self, document: Document, context: RenderContext) -> Finisher | None:
        """Return the finisher of ``document`` at ``context``'s level, from this body."""
        return self.written.again(document, context)

    def __call__(self, page_map: PageMap | None) -> Rendered:
        written, templates = self.written, self.templates
        written.level(templates)  # another level's finisher may have moved it
        written.finished = True
        word, writer, parts, document = written.word, written.writer, written.parts, \
            written.document
        writer.spacing.finish()
        add_header_footer(word, document.running, writer.styles,
                          page_map.pages if page_map else None, writer.properties)
        parts.finish(document.running, page_map)
        parts.furnish_turned(writer.turned, document.running, page_map)
        writer.contents.fill(page_map)
        loose = writer.pages.keep(page_map) if page_map is not None else []
        if page_map is not None:
            starts = writer.pages.starts(page_map) | parts.starts(page_map)
            print_chapters(word, starts, page_map, parts.owners(document.running),
                           templates.styles)
        return Rendered(oxml.save_reproducibly(word, document.meta.date),
                        warnings=tuple(loose))


def _reference(styles: Styles, language: Language) -> bytes:
    """Return the generated reference document of ``styles`` (made once per level)."""
    return generated_reference(styles.key, styles, language)


def _variants(word: Any, document: Document, context: RenderContext) -> dict[float, Styles]:
    """Return the Word styles of each level a part is laid out at, added to ``word``.

    A part fitted to its pages (a packet's guide) takes the style sheet at its level under
    names of their own ("Normal (fitted 0.5)"), each based on the document's style of its
    role. A user's ``reference.docx`` sets every style itself: its parts keep them.
    """
    templates, found = context.templates, {}
    if templates.reference is not None:
        return {}
    for part in parts_of(document):
        level = part.tightened
        if level and level not in found:
            tight = templates.with_theme(templates.theme.tightened(level)).styles
            found[level] = tight.renamed(f" (fitted {level:g})")
            apply_styles(word, found[level], document.meta.language, templates.styles)
    return found


def set_page(section: Any, theme: Any, styles: Styles) -> None:
    """Give ``section`` the theme's paper and margins, its header and footer where the PDF's are.

    The style sheet's gap is between the text and the header's last line (the footer's
    first); Word measures from the edge of the paper to the header's top (footer's foot).
    """
    width, height = theme.page_size_mm
    margins = theme.margins
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(margins.top), Mm(margins.bottom)
    section.left_margin, section.right_margin = Mm(margins.left), Mm(margins.right)
    for role, margin, gap, side in (("header", margins.top, styles.header_gap, "header"),
                                    ("footer", margins.bottom, styles.footer_gap, "footer")):
        look = styles.paragraph(role)
        line = (look.line_pitch or look.size * 1.2) / POINTS_PER_MM
        setattr(section, f"{side}_distance", Mm(max(0.0, margin - gap - line)))


def add_header_footer(word: Any, running: Running, styles: Styles, pages: int | None,
                      properties: Mapping[str, str]) -> None:
    """Add the running title, the control line, and "Page X of Y" fields.

    The first page has no header (the title block is there). The Word sections of pages
    turned to landscape, and of the upright ones after them, get the furniture of the
    part they are in (:meth:`PartWriter.furnish_turned`).
    """
    furniture(word.sections[0], running, styles, pages, properties=properties)


def _property_text(text: str) -> str:
    """Return ``text`` cut to the 255 characters a DOCX core property holds."""
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1] + "…"


def set_properties(word: Any, meta: Metadata) -> None:
    """Set core properties, the language, and the custom properties."""
    core = word.core_properties
    for name, value in (("title", meta.title), ("subject", meta.subtitle),
                        ("author", meta.author), ("keywords", ", ".join(meta.keywords)),
                        ("language", meta.language.tag), ("comments", meta.audience),
                        ("category", ""), ("last_modified_by", "guidegen"),
                        ("version", meta.version), ("content_status", meta.status)):
        setattr(core, name, _property_text(value))
    core.revision = 1
    oxml.set_core_dates(word, meta.date)
    oxml.drop_thumbnail(word)
    oxml.set_language(word, meta.language.tag, meta.language.east_asian)
    custom = dict(meta.custom)
    if meta.revision:
        custom[REVISION_PROPERTY] = meta.revision
    oxml.set_custom_properties(word, custom, dates=[name for name, _, _ in meta.dates])


__all__ = ["REVISION_PROPERTY", "prepare", "render"]
