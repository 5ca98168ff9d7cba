"""The PDF renderer: the document's HTML laid out by WeasyPrint, tagged for accessibility.

Two steps: :func:`prepare_layout` draws the HTML (it needs Jinja and the tree),
:func:`lay_out` runs WeasyPrint on it (it needs nothing else), so a helper process that
only imported WeasyPrint can do the second step while this one builds the DOCX.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...errors import TemplateError
from ...layout.tree import Document
from .. import RenderContext, Rendered
from ..urls import base_url
from .fetcher import project_fetcher, refused_urls_as_errors
from .fonts import require_fonts
from .pagemap import page_map
from .weasy import import_weasyprint


@dataclass(frozen=True)
class Layout:
    """What WeasyPrint needs to lay out one document; small and picklable."""

    html: str
    folders: tuple[Path, ...]
    variant: str | None


def render(document: Document, context: RenderContext) -> Rendered:
    """Return the document as a PDF: page numbers, outline, metadata, embedded fonts."""
    return lay_out(prepare_layout(document, context))


def prepare_layout(document: Document, context: RenderContext) -> Layout:
    """Return the document's HTML and what laying it out needs; check the fonts are there."""
    from ..html import render_html

    theme = context.templates.theme
    fonts = theme.fonts
    own = theme.script_font(document.meta.language)  # the guide's script must print
    require_fonts(f.family for f in (fonts.body, fonts.heading, fonts.mono, fonts.symbols,
                                     *([own] if own else [])))
    html = render_html(document, context)
    return Layout(html, context.templates.folders, context.pdf_variant)


def lay_out(layout: Layout) -> Rendered:
    """Return the PDF WeasyPrint makes of ``layout``, fetching only what the project ships."""
    HTML = import_weasyprint().HTML  # noqa: N806 - the class, imported late
    options = {"pdf_variant": layout.variant, "pdf_tags": True, "pdf_identifier": b"guidegen"}
    fetcher = project_fetcher(layout.folders)
    with refused_urls_as_errors():
        document = HTML(string=layout.html, base_url=base_url(layout.folders),
                        url_fetcher=fetcher).render(**options)
        data = document.write_pdf(**options)
    if fetcher.refused:  # refused inside an SVG image, where WeasyPrint carries on
        raise TemplateError(fetcher.refused[0])
    return Rendered(data, len(document.pages), page_map=page_map(document))
