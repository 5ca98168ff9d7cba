"""The one URL fetcher WeasyPrint gets: ``data:`` URLs and files in the template folders."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ...errors import GuidegenError, InputError, RenderError, TemplateError
from ...files import MAX_TEMPLATE_FILE, read_file
from ..urls import local_file, refusal


def project_fetcher(folders: Sequence[Path]) -> Any:
    """Return a URL fetcher that allows ``data:`` URLs and files inside ``folders`` only.

    What it may fetch is :mod:`guidegen.renderers.urls`' policy, shared with the HTML
    renderer; files are read by :func:`guidegen.files.read_file` (regular files, capped).
    Its ``refused`` list names what it refused: WeasyPrint carries on after a refusal
    inside an SVG image, so the caller checks it.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    roots = tuple(folders)

    class ProjectFetcher(URLFetcher):
        """Fetch only what the project ships; refuse the rest and stop the render."""

        refused: list[str]

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            message = refusal(url, roots)
            if message is None:
                if url.lower().startswith("data:"):
                    return super().fetch(url, headers)
                path, root = local_file(url, roots) or (Path(), Path())  # a file, it said
                try:
                    data = read_file(path, MAX_TEMPLATE_FILE, root=root)
                except InputError as exc:
                    message = f"refused to fetch {url!r}: {exc.problems[0].message}"
                else:
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, data, {"Content-Type": kind})
            self.refused.append(message)
            raise FatalURLFetchingError(message)

    fetcher = ProjectFetcher(timeout=5, allowed_protocols=("file", "data"))
    fetcher.refused = []
    return fetcher


class refused_urls_as_errors:  # noqa: N801 - used as a context manager
    """Turn refused URLs into :class:`TemplateError` and other faults into :class:`RenderError`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type | None, exc: BaseException | None, tb: object) -> None:
        from weasyprint.urls import FatalURLFetchingError

        if isinstance(exc, FatalURLFetchingError):
            raise TemplateError(f"{exc}") from None
        if isinstance(exc, Exception) and not isinstance(exc, GuidegenError | MemoryError):
            logging.getLogger("guidegen").debug("render failed", exc_info=exc)
            raise RenderError(f"PDF layout failed: {exc}") from exc
