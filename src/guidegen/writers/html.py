"""The HTML writer: the guide as one self-contained HTML file (CSS inlined)."""

from __future__ import annotations

from ..model import Guide
from ..templating import render_document
from . import RenderContext, Rendered


def write(guide: Guide, context: RenderContext) -> Rendered:
    """Return the guide as one HTML document, its stylesheet inlined."""
    html = render_document(guide, context.theme, context.folders, context.date)
    return Rendered(html.encode("utf-8"))
