"""Check that the theme's fonts are installed before WeasyPrint silently substitutes others."""

from __future__ import annotations

from collections.abc import Iterable

from ...errors import ResourceError
from ...native import matched_families


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
