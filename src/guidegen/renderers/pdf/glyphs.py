"""Every glyph or a clear error: the characters no installed font could draw.

Pango looks for each character in the fonts the stylesheet names, then in every font
fontconfig knows; a character none of them has is drawn as an empty box (``.notdef``,
"tofu"), which WeasyPrint reports as it writes the PDF (:func:`.engine.glyph_misses`
collects those characters); :func:`missing_glyph_error` finds the text that holds them
on the laid-out pages and names, for each place in the guide, the characters, their
script, and the Debian package with a font for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...common.characters import missing_font_message
from ...errors import Location, Problem, ResourceError
from .engine import Laid


def missing_glyph_error(document: Laid, characters: Sequence[str],
                        sources: Sequence[Location], fallback: Location) -> ResourceError:
    """Return the error naming where the guide uses ``characters`` that no font has."""
    places: dict[Location, dict[str, None]] = {}
    for page in document.pages:
        for box in page.boxes(margins=True):
            text = box.text or ""
            for char in characters:
                if char in text and box.src is not None and box.src < len(sources):
                    places.setdefault(sources[box.src], {})[char] = None
    for char in characters:  # only outside every tagged block (a running header)
        if not any(char in found for found in places.values()):
            places.setdefault(fallback, {})[char] = None
    return ResourceError.collect(Problem(where, missing_font_message(list(chars)))
                                 for where, chars in places.items())
