"""The one URL fetcher WeasyPrint gets: ``data:`` URLs and files in the template folders."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from ...errors import GuidegenError, InputError, RenderError, TemplateError, out_of_memory
from ...files import MAX_TEMPLATE_FILE, read_file
from ..speed.layouts import fetched
from ..urls import local_file, refusal
from .engine import Fetched, URLRefusedError, url_fetcher
from .handoff import Layout


def project_fetcher(folders: Sequence[Path]) -> Any:
    """Return a URL fetcher that allows ``data:`` URLs and files inside ``folders`` only.

    What it may fetch is :mod:`guidegen.renderers.urls`' policy, shared with the HTML
    renderer; files are read by :func:`guidegen.files.read_file` (regular files, capped).
    Its ``refused`` list names what it refused: WeasyPrint carries on after a refusal
    inside an SVG image, so the caller checks it.
    """
    roots = tuple(folders)

    def fetch(url: str) -> Fetched | None:
        found = _fetched(url, roots)
        if found is not None:
            fetched(url, found.data)  # a kept layout checks it again (..speed.layouts)
        return found

    return url_fetcher(fetch)


def fetched_now(layout: Layout, url: str) -> bytes | None:
    """Return what ``layout``'s URL fetcher fetches for the file ``url`` now (None: refused)."""
    try:
        found = _fetched(url, layout.folders)
    except URLRefusedError:
        return None
    return None if found is None else found.data


def _fetched(url: str, roots: tuple[Path, ...]) -> Fetched | None:
    """Return what ``url`` holds, None for a ``data:`` URL; raise :class:`URLRefusedError`."""
    message = refusal(url, roots)
    if message is not None:
        raise URLRefusedError(message)
    if url.lower().startswith("data:"):
        return None  # WeasyPrint's own
    path, root = local_file(url, roots) or (Path(), Path())  # a file, it said
    try:
        data = read_file(path, MAX_TEMPLATE_FILE, root=root)
    except InputError as exc:
        raise URLRefusedError(f"refused to fetch {url!r}: {exc.problems[0].message}") from None
    return Fetched(data, mimetypes.guess_type(path.name)[0] or "application/octet-stream")


class refused_urls_as_errors:  # noqa: N801 - used as a context manager
    """Turn refused URLs into :class:`TemplateError` and other faults into :class:`RenderError`."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if isinstance(exc, URLRefusedError):
            raise TemplateError(f"{exc}") from None
        if isinstance(exc, Exception) and not isinstance(exc, GuidegenError) \
                and not out_of_memory(exc):
            logging.getLogger("guidegen").debug("render failed", exc_info=exc)
            raise RenderError(f"PDF layout failed: {exc}") from exc
