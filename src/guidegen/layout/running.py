"""The running header's title: one line, never two.

The footer's control line of a packet's part shares its line with the packet's page label;
it writes its effective date long if the line holds it, else shorter (:func:`fitting_control`),
counting the recipient's name where the footer prints it.

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
GAP = "\u2003\u2003"  # between the footer's control line and its page label: two em
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


def fitting_control(document: Any, labels: Labels, label: str, styles: Styles,
                    undated: bool = False) -> str:
    """Return the control line of ``document`` that fits its footer beside ``label``.

    ``label`` is what the footer prints at its right (a packet's page label, with its
    largest numbers); the control line has the rest of the line, less a space between
    them. The effective date is written long if that holds it, else medium ("Gültig ab
    14.09.2026"), never left out (every page dates the document); the print notice is
    whole. A line that still does not fit wraps, and the preflight says so; but with
    ``undated`` (a footer that prints the recipient's name, whose long name would wrap
    it) the date is left out before the line wraps: the version still says which.
    """
    measure = Measure(styles.theme, labels.language)
    face = Face.of(styles.paragraph("footer"))
    room = text_widths(styles.theme)[0] - measure.width(label + GAP, face)
    lines = [control_line(document, labels, dated)
             for dated in (*DATED, None) if dated or undated]
    return next((line for line in lines if measure.width(line, face) <= room), lines[-1])
