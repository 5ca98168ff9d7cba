"""The PDF writer: the guide's HTML laid out by WeasyPrint, tagged for accessibility.

Two steps: :func:`prepare_layout` renders the templates (it needs the model and
Jinja), :func:`lay_out` runs WeasyPrint on the result (it needs nothing else), so a
helper process that only imported WeasyPrint can do the second step.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GuidegenError, RenderError, TemplateError
from ..fonts import require_fonts
from ..weasy import import_weasyprint
from . import RenderContext, Rendered

if TYPE_CHECKING:
    from ..model import Guide


@dataclass(frozen=True)
class Layout:
    """What WeasyPrint needs to lay out one guide; small, picklable, model-free."""

    html: str
    folders: tuple[Path, ...]
    variant: str | None


def write(guide: Guide, context: RenderContext) -> Rendered:
    """Return the guide as a PDF: page numbers, outline, metadata, embedded fonts."""
    return lay_out(prepare_layout(guide, context))


def prepare_layout(guide: Guide, context: RenderContext) -> Layout:
    """Return the guide's HTML and what laying it out needs; check the fonts are there."""
    from ..templating import render_document

    fonts = context.theme.fonts
    require_fonts(f.family for f in (fonts.body, fonts.heading, fonts.mono, fonts.symbols))
    html = render_document(guide, context.theme, context.folders, context.date)
    return Layout(html, context.folders, context.pdf_variant)


def lay_out(layout: Layout) -> Rendered:
    """Return the PDF WeasyPrint makes of ``layout``, fetching only what the project ships."""
    HTML = import_weasyprint().HTML  # noqa: N806 - the class, imported late
    options = {"pdf_variant": layout.variant, "pdf_tags": True, "pdf_identifier": b"guidegen"}
    fetcher = project_fetcher(layout.folders)
    with refused_urls_as_errors():
        # relative URLs resolve in the first templates folder: the user's, if given
        document = HTML(string=layout.html, base_url=layout.folders[0].as_uri() + "/",
                        url_fetcher=fetcher).render(**options)
        data = document.write_pdf(**options)
    if fetcher.refused:  # refused inside an SVG image, where WeasyPrint carries on
        raise TemplateError(fetcher.refused[0])
    return Rendered(data, len(document.pages))


def project_fetcher(folders: Sequence[Path]):  # noqa: ANN201 - weasyprint type, lazily imported
    """Return a URL fetcher that allows ``data:`` URLs and files inside ``folders`` only."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [folder.resolve() for folder in folders]

    class ProjectFetcher(URLFetcher):
        """Fetch only what the project ships; refuse the rest and stop the render."""

        refused: list[str]

        def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: ANN202
            if url.startswith("data:") or _inside(url, roots):
                return super().fetch(url, headers)
            message = (f"refused to fetch {url!r}: only files in the template folders and "
                       "data: URLs are allowed")
            self.refused.append(message)
            raise FatalURLFetchingError(message)

    fetcher = ProjectFetcher(timeout=5, allowed_protocols=("file", "data"))
    fetcher.refused = []
    return fetcher


def _inside(url: str, roots: Sequence[Path]) -> bool:
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return any(path.is_relative_to(root) for root in roots)


class refused_urls_as_errors:  # noqa: N801 - used as a context manager
    """Turn WeasyPrint's fatal fetch errors into :class:`TemplateError`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> bool:
        from weasyprint.urls import FatalURLFetchingError

        if isinstance(exc, FatalURLFetchingError):
            raise TemplateError(f"{exc}") from None
        if isinstance(exc, Exception) and not isinstance(exc, GuidegenError):
            logging.getLogger("guidegen").debug("render failed", exc_info=exc)
            raise RenderError(f"PDF layout failed: {exc}") from exc
        return False
