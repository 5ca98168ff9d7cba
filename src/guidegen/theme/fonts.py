"""Check that the theme's fonts are installed before WeasyPrint silently substitutes others.

Asked by the PDF renderer before each layout, and by ``check``: kept apart from the
renderer, so that ``check`` imports none of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import ResourceError
from ..native import matched_families

if TYPE_CHECKING:
    from ..common.language import Language
    from .theme import Theme


def require_theme_fonts(theme: Theme, languages: Iterable[Language]) -> None:
    """Raise :class:`ResourceError` naming each font the PDF of ``languages`` lacks.

    The theme's body, heading, code and symbols fonts, and the font of each language's
    script: what every PDF in those languages draws with (``check`` asks, as ``build``).
    """
    fonts = theme.fonts
    scripts = [font for language in languages if (font := theme.script_font(language))]
    require_fonts(f.family for f in (fonts.body, fonts.heading, fonts.mono, fonts.symbols,
                                     *scripts))


def require_fonts(families: Iterable[str]) -> None:
    """Raise :class:`ResourceError` naming each family that is not installed."""
    wanted = tuple(dict.fromkeys(families))
    found = matched_families(wanted)
    missing = [f for f in wanted if found[f].lower() != f.lower()]
    if missing:
        names = ", ".join(repr(f) for f in missing)
        raise ResourceError(
            f"font {names} is not installed, and the PDF would silently use another "
            "(install it, e.g. Debian's fonts-crosextra-carlito, fonts-dejavu-core and "
            "fonts-noto-cjk, "
            "or change fonts in theme.yaml)")
