"""The PDF's first step, which the main process takes before it hands the layout off.

:func:`prepare_layout` draws the HTML (it needs Jinja and the tree) into a small,
picklable :class:`Layout`, which the PDF helper lays out (:mod:`.steps`). This module
imports neither WeasyPrint's adapter (:mod:`.engine`) nor the preflight and page readers
a layout needs after it, so the main process does not import them before the hand-off
(:mod:`..speed`); the package imports them when they are first asked for.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import Location
from ...theme.fonts import require_theme_fonts
from ..speed import settle
from .limits import Limits, mark_words

if TYPE_CHECKING:  # the helper, which imports this module too, needs neither (.limits)
    from ...tree import Document
    from .. import RenderContext

ARCHIVAL = "pdf/a-3b"  # WeasyPrint's name of the variant that embeds the sources


@dataclass(frozen=True)
class Layout:
    """What WeasyPrint needs to lay out one document; small and picklable.

    ``sources`` are the places in the content the HTML's ``data-src`` attributes index;
    ``fallback`` is where a finding outside every tagged element is reported.
    """

    html: str
    folders: tuple[Path, ...]
    variant: str | None
    sources: tuple[Location, ...]
    fallback: Location
    limits: Limits
    digest: str = ""  # of the template folders' files (the fonts a layout may load)
    attachments: tuple[tuple[str, bytes], ...] = ()  # embedded as the PDF's sources
    date: datetime.datetime | None = None  # of the attachments (reproducible bytes)
    fresh: bool = False  # laid out again, never a kept layout's (--force: ..speed.layouts)


def prepare_layout(document: Document, context: RenderContext,
                   known: Sequence[Location] = ()) -> Layout:
    """Return the document's HTML and what laying it out needs; check the fonts are there.

    ``known`` are places in the content whose ``data-src`` indexes are kept (those of
    another layout whose pages this one's go with).
    """
    from ...layout.metrics import Measure
    from ..html import Sources, render_html

    theme = context.templates.theme
    require_theme_fonts(theme, [document.meta.language])  # the guide's script must print
    sources = Sources(known)
    html = render_html(document, context, sources)
    first = next((found for block in document.walk()
                  if (found := getattr(block, "source", None)) is not None), None)
    limits = Limits(column_chars=theme.matrix_column_min,
                    ch=Measure(theme, document.meta.language).ch(1.0),
                    page=theme.fit.page / 100, fit_last_page=theme.fit.last_page / 100,
                    table_rows=theme.table_min_rows,
                    mark_words=mark_words(document), line_height=theme.sizes.line_height,
                    east_asian=document.meta.language.east_asian)
    # an archival PDF (PDF/A-3) carries what made it: the YAML sources, as Source files
    attachments = document.meta.sources if context.pdf_variant == ARCHIVAL else ()
    settle()  # the first hand-off: what the start made is kept (..speed)
    return Layout(html, context.templates.folders, context.pdf_variant,
                  tuple(sources.locations), Location(first.file) if first else
                  Location(document.meta.title), limits, context.templates.digest,
                  attachments, document.meta.date, context.fresh)


__all__ = ["ARCHIVAL", "Layout", "prepare_layout"]
