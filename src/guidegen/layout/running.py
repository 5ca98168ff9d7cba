"""The running header's title: one line, never two.

The footer's control line of a packet's part shares its line with two page labels; it
writes its effective date long if the line holds it, else shorter (:func:`fitting_control`).

The header prints the guide's title at the left of every page and the part the page is
in at the right. A title too long for its share of the line (:data:`SHARE` of the text's
width) would wrap the header onto two lines; it is cut after its last word that fits
(character, in Chinese, Japanese and Korean), with "…", unless the guide gives a
``short_title`` (printed as written).
"""

from __future__ import annotations

from typing import Any

from ..common.language import Language
from ..theme.resolve import Styles
from .labels import DATED, Labels, control_line
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


def fitting_control(document: Any, labels: Labels, centre: str, styles: Styles) -> str:
    """Return the control line of ``document`` that fits its footer beside ``centre``.

    ``centre`` is what the middle of the footer prints (a packet's page label, with its
    largest numbers); being centred, it leaves the control line at the left half of the
    rest. The effective date is written long if that holds it, else medium ("Gültig ab
    14.09.2026"); neither fits: the line goes without it (the packet's contents page
    lists each guide's effective date), rather than wrap onto a second line.
    """
    measure = Measure(styles.theme, labels.language)
    face = Face.of(styles.paragraph("footer"))
    room = (text_widths(styles.theme)[0] - measure.width(centre, face)) / 2
    lines = [control_line(document, labels, dated) for dated in DATED]
    return next((line for line in lines if measure.width(line, face) <= room),
                control_line(document, labels, None))
