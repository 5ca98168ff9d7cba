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

from ...theme.resolve import Styles
from ...tree import Document, Metadata, Running
from ...tree import parts as parts_of
from .. import Finisher, PageMap, RenderContext, Rendered
from . import oxml
from .blocks import BlockWriter
from .chapters import print_chapters
from .parts import PartWriter, furniture
from .properties import shown_properties
from .styles import apply_styles, reference_document

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
    count, each part's pages, and the page of each contents entry.
    """
    templates = context.templates
    word = reference_document(templates, document.meta.language)
    set_page(word.sections[0], templates.theme, templates.styles)
    writer = BlockWriter(word, templates.styles, document.meta.language,
                         _variants(word, document, context))
    writer.properties = shown_properties(document)
    parts = PartWriter(writer)
    parts.add_blocks(document.blocks)
    writer.spacing.finish()
    set_properties(word, document.meta)

    def finish(page_map: PageMap | None) -> Rendered:
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

    return finish


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
