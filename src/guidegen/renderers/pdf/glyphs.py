"""Every glyph or a clear error: the characters no installed font could draw.

Pango looks for each character in the fonts the stylesheet names, then in every font
fontconfig knows; a character none of them has is drawn as an empty box (``.notdef``,
"tofu"), which WeasyPrint logs as it writes the PDF. :class:`missing_characters` collects
those characters while the PDF is written; :func:`missing_glyph_error` finds the text
that holds them on the laid-out pages and names, for each place in the guide, the
characters, their script, and the Debian package with a font for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Any

from ...content.characters import missing_font_message
from ...errors import Location, Problem, ResourceError

_NOTDEF = ".notdef glyph rendered"


class missing_characters(logging.Handler):  # noqa: N801 - used as a context manager
    """Collect, while WeasyPrint writes a PDF, each character it had no glyph for."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: dict[str, None] = {}
        self.logger = logging.getLogger("weasyprint")

    def emit(self, record: logging.LogRecord) -> None:
        """Note the character of a ``.notdef`` warning."""
        if str(record.msg).startswith(_NOTDEF) and record.args:
            args = record.args if isinstance(record.args, tuple) else ()
            if args and isinstance(args[0], str):
                self.found[args[0]] = None

    def __enter__(self) -> missing_characters:
        self.logger.addHandler(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.logger.removeHandler(self)


def missing_glyph_error(document: Any, characters: Sequence[str],
                        sources: Sequence[Location], fallback: Location) -> ResourceError:
    """Return the error naming where the guide uses ``characters`` that no font has."""
    from .preflight import _boxes

    places: dict[Location, dict[str, None]] = {}
    for page in document.pages:
        for box, src in _boxes([page._page_box], None):
            text = getattr(box, "text", "")
            for char in characters:
                if char in text and src is not None and src < len(sources):
                    places.setdefault(sources[src], {})[char] = None
    for char in characters:  # only outside every tagged block (a running header)
        if not any(char in found for found in places.values()):
            places.setdefault(fallback, {})[char] = None
    return ResourceError.collect(Problem(where, missing_font_message(list(chars)))
                                 for where, chars in places.items())
