"""What WeasyPrint asks and says while it works: URLs fetched, characters no font has.

Every URL a layout needs is fetched through :func:`url_fetcher` (WeasyPrint's fetcher
classes, over a function that says what a URL holds or refuses it); the characters no
font had are heard through :func:`glyph_misses` (WeasyPrint's warning, by its text).
Part of the engine (:mod:`.engine`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..speed import import_weasyprint

_NOTDEF = ".notdef glyph rendered"  # WeasyPrint's warning for a character no font has


class URLRefusedError(Exception):
    """A URL the fetcher refused: the layout stops (the message says which and why)."""


@dataclass(frozen=True)
class Fetched:
    """What a URL fetcher found: the bytes and their media type."""

    data: bytes
    mime: str


def url_fetcher(fetch: Callable[[str], Fetched | None]) -> Any:
    """Return a URL fetcher for :func:`lay_out` that asks ``fetch`` for every URL.

    ``fetch`` returns what a URL holds, or None to leave a ``data:`` URL to WeasyPrint,
    or raises :class:`URLRefusedError`: the layout stops. The fetcher's ``refused`` lists every
    refusal (WeasyPrint carries on after one inside an SVG image, so the caller looks);
    its ``open(url)`` returns the bytes, or raises :class:`URLRefusedError`.
    """
    import_weasyprint()  # first, with the speed tricks
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        """WeasyPrint's fetcher over ``fetch``."""

        refused: list[str]

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            try:
                found = fetch(url)
            except URLRefusedError as exc:
                self.refused.append(str(exc))
                raise FatalURLFetchingError(str(exc)) from None
            if found is None:
                return super().fetch(url, headers)
            return URLFetcherResponse(url, found.data, {"Content-Type": found.mime})

        def open(self, url: str) -> bytes:
            try:
                data: bytes = self.fetch(url).read()
            except FatalURLFetchingError as exc:
                raise URLRefusedError(str(exc)) from None
            return data

    fetcher = Fetcher(timeout=5, allowed_protocols=("file", "data"))
    fetcher.refused = []
    return fetcher


class _GlyphMisses(logging.Handler):
    """Notes each character WeasyPrint had no glyph for, from its warning."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(_NOTDEF) and isinstance(record.args, tuple) \
                and record.args and isinstance(record.args[0], str):
            self.found[record.args[0]] = None


@contextmanager
def glyph_misses() -> Iterator[dict[str, None]]:
    """Return, filled while the ``with`` block writes PDFs, the characters no font had."""
    handler = _GlyphMisses()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.found
    finally:
        logger.removeHandler(handler)


def refusing_fetcher() -> Any:
    """Return a URL fetcher that fetches nothing: WeasyPrint logs each URL and carries on.

    For the style rules a helper makes ahead (:func:`..speed.css.premake`), none of which
    names a file; one planted in the cache that does is not fetched.
    """
    import_weasyprint()
    from weasyprint.urls import URLFetcher

    class Refusing(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        """A fetcher of nothing."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            raise URLRefusedError(f"nothing is fetched ahead: {url}")

    return Refusing(timeout=1, allowed_protocols=("data",))


__all__ = ["Fetched", "URLRefusedError", "glyph_misses", "refusing_fetcher", "url_fetcher"]
