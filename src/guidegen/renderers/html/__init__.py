"""The HTML renderer: the document tree drawn by the Jinja templates, stylesheet inlined.

The PDF renderer lays out the same HTML with WeasyPrint; ``-f html`` writes it as one
self-contained file.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from markupsafe import Markup

from ...errors import Location, TemplateError
from ...tree import Document, Metadata, parts
from .. import RenderContext, Rendered
from ..urls import base_url, refusal
from .templating import DOCUMENT_TEMPLATE, STYLESHEET_TEMPLATE, render_template
from .urls import fetched_urls


def render(document: Document, context: RenderContext) -> Rendered:
    """Return the document as one HTML file, its stylesheet inlined.

    Every URL it would fetch must pass the PDF's URL policy (:mod:`..urls`).
    """
    html = render_html(document, context)
    folders = context.templates.folders
    for url in fetched_urls(html, base_url(folders)):
        refused = refusal(url, folders)
        if refused is not None:
            raise TemplateError(refused)
    return Rendered(html.encode("utf-8"))


def render_html(document: Document, context: RenderContext,
                sources: Sources | None = None) -> str:
    """Return the document as HTML text.

    With ``sources``, the elements drawn for blocks carry ``data-src``, an index into
    ``sources.locations`` (the PDF's layout preflight maps what it finds back to the
    content with it); the HTML output itself carries no such attributes.
    """
    folders, theme = context.templates.folders, context.templates.theme
    css = render_template(folders, STYLESHEET_TEMPLATE, theme=theme, document=document,
                          parts=parts(document))
    return render_template(folders, DOCUMENT_TEMPLATE, document=document, theme=theme,
                           stylesheet=Markup(css), meta=html_meta(document.meta),
                           source=sources or _no_source)


class Sources:
    """Where in the content each tagged HTML element came from (see :func:`render_html`).

    ``known`` places keep their indexes (those of another layout of the same content).
    """

    def __init__(self, known: Sequence[Location] = ()) -> None:
        self.locations: list[Location] = list(known)
        self._index: dict[Location, int] = {place: n for n, place in enumerate(known)}

    def __call__(self, block: object) -> Markup:
        """Return the ``data-src`` attribute of the element drawn for ``block``."""
        location = getattr(block, "source", None)
        if location is None:
            return Markup("")
        index = self._index.setdefault(location, len(self.locations))
        if index == len(self.locations):
            self.locations.append(location)
        return Markup(' data-src="%d"') % index


def _no_source(block: object) -> Markup:
    return Markup("")


def html_meta(meta: Metadata) -> dict[str, str]:
    """Return the ``<meta>`` names and contents WeasyPrint turns into PDF metadata."""
    found = {"author": meta.author, "description": meta.subtitle,
             "keywords": ", ".join(meta.keywords), "generator": "guidegen"}
    if meta.date is not None:
        when = meta.date.astimezone(datetime.UTC)
        stamp = f"{when.year:04d}-{when:%m-%dT%H:%M:%S}Z"  # %Y pads no year below 1000
        found |= {"dcterms.created": stamp, "dcterms.modified": stamp}
    return {name: value for name, value in found.items() if value}
