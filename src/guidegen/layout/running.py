"""The running header's title: one line, never two.

The header prints the guide's title at the left of every page and the part the page is
in at the right. A title too long for its share of the line (:data:`SHARE` of the text's
width) would wrap the header onto two lines; it is cut after its last word that fits
(character, in Chinese, Japanese and Korean), with "…", unless the guide gives a
``short_title`` (printed as written).
"""

from __future__ import annotations

from ..common.language import Language
from ..theme.resolve import Styles
from .metrics import Face, Measure
from .widths import text_widths

SHARE = 0.55  # of the text's width: the header's title, beside the part's name
ELLIPSIS = "…"


def running_title(title: str, short: str | None, styles: Styles, language: Language) -> str:
    """Return the title the running header prints: ``short``, or ``title`` cut to fit."""
    if short:
        return short
    measure = Measure(styles.theme, language)
    face = Face.of(styles.paragraph("header"))
    room = text_widths(styles.theme)[0] * SHARE
    if measure.width(title, face) <= room:
        return title
    # Chinese, Japanese and Korean titles are cut between characters, others at a space
    spaced = not language.east_asian
    words = title.split() if spaced else list(title)
    while len(words) > 1:
        words.pop()
        cut = (" " if spaced else "").join(words).rstrip(",;:–—-・、 ") + ELLIPSIS
        if measure.width(cut, face) <= room:
            return cut
    return title  # one word wider than the room: as it is
