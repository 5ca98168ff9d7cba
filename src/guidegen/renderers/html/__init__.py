"""The HTML renderer: the document tree drawn by the Jinja templates, stylesheet inlined.

The PDF renderer lays out the same HTML with WeasyPrint; ``-f html`` writes it as one
self-contained file.
"""

from __future__ import annotations

import datetime

from markupsafe import Markup

from ...layout.tree import Document, Metadata, parts
from .. import RenderContext, Rendered
from .templating import DOCUMENT_TEMPLATE, STYLESHEET_TEMPLATE, render_template


def render(document: Document, context: RenderContext) -> Rendered:
    """Return the document as one HTML file, its stylesheet inlined."""
    return Rendered(render_html(document, context).encode("utf-8"))


def render_html(document: Document, context: RenderContext) -> str:
    """Return the document as HTML text."""
    folders, theme = context.templates.folders, context.templates.theme
    css = render_template(folders, STYLESHEET_TEMPLATE, theme=theme, document=document,
                          parts=parts(document))
    return render_template(folders, DOCUMENT_TEMPLATE, document=document, theme=theme,
                           stylesheet=Markup(css), meta=html_meta(document.meta))


def html_meta(meta: Metadata) -> dict[str, str]:
    """Return the ``<meta>`` names and contents WeasyPrint turns into PDF metadata."""
    found = {"author": meta.author, "description": meta.subtitle,
             "keywords": ", ".join(meta.keywords), "generator": "guidegen"}
    if meta.date is not None:
        stamp = meta.date.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        found |= {"dcterms.created": stamp, "dcterms.modified": stamp}
    return {name: value for name, value in found.items() if value}
