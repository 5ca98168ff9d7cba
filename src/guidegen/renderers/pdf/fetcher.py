"""The one URL fetcher WeasyPrint gets: ``data:`` URLs and files in the template folders."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import GuidegenError, RenderError, TemplateError


def project_fetcher(folders: Sequence[Path]) -> Any:
    """Return a URL fetcher that allows ``data:`` URLs and files inside ``folders`` only.

    Its ``refused`` list names what it refused: WeasyPrint carries on after a refusal
    inside an SVG image, so the caller checks it.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    roots = [folder.resolve() for folder in folders]

    class ProjectFetcher(URLFetcher):
        """Fetch only what the project ships; refuse the rest and stop the render."""

        refused: list[str]

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
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
    """Turn refused URLs into :class:`TemplateError` and other faults into :class:`RenderError`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
        from weasyprint.urls import FatalURLFetchingError

        if isinstance(exc, FatalURLFetchingError):
            raise TemplateError(f"{exc}") from None
        if isinstance(exc, Exception) and not isinstance(exc, GuidegenError):
            logging.getLogger("guidegen").debug("render failed", exc_info=exc)
            raise RenderError(f"PDF layout failed: {exc}") from exc
