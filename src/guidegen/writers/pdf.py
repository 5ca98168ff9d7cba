"""The PDF writer: the guide's HTML laid out by WeasyPrint, tagged for accessibility."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from ..errors import GuidegenError, RenderError, TemplateError
from ..fonts import require_fonts
from ..model import Guide
from ..templating import render_document
from ..weasy import import_weasyprint
from . import RenderContext, Rendered


def write(guide: Guide, context: RenderContext) -> Rendered:
    """Return the guide as a PDF: page numbers, outline, metadata, embedded fonts."""
    HTML = import_weasyprint().HTML  # noqa: N806 - the class, imported late

    fonts = context.theme.fonts
    require_fonts(f.family for f in (fonts.body, fonts.heading, fonts.mono, fonts.symbols))
    html = render_document(guide, context.theme, context.folders, context.date)
    fetcher = project_fetcher(context.folders)
    options = {"pdf_variant": context.pdf_variant, "pdf_tags": True,
               "pdf_identifier": b"guidegen"}
    with refused_urls_as_errors():
        document = HTML(string=html, base_url=context.folders[-1].as_uri() + "/",
                        url_fetcher=fetcher).render(**options)
        data = document.write_pdf(**options)
    return Rendered(data, len(document.pages))


def project_fetcher(folders: Sequence[Path]):  # noqa: ANN201 - weasyprint type, lazily imported
    """Return a URL fetcher that allows ``data:`` URLs and files inside ``folders`` only."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [folder.resolve() for folder in folders]

    class ProjectFetcher(URLFetcher):
        """Fetch only what the project ships; refuse the rest and stop the render."""

        def fetch(self, url: str, headers: dict[str, str] | None = None):  # noqa: ANN202
            if url.startswith("data:") or _inside(url, roots):
                return super().fetch(url, headers)
            raise FatalURLFetchingError(f"refused to fetch {url!r}: only files in the "
                                        "template folders and data: URLs are allowed")

    return ProjectFetcher(timeout=5, allowed_protocols=("file", "data"))


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
