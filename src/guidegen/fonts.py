"""Check that the theme's fonts are installed before WeasyPrint silently substitutes others.

fontconfig always answers a query with *some* font; we ask it, through the binding
WeasyPrint already loads, which family it would use, and compare.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from .errors import ResourceError


@cache
def installed_family(family: str) -> str:
    """Return the family fontconfig actually uses when asked for ``family``."""
    from weasyprint.text.ffi import ffi, fontconfig

    config = fontconfig.FcInitLoadConfigAndFonts()
    pattern = fontconfig.FcPatternCreate()
    try:
        fontconfig.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return ""
        name = ffi.new("FcChar8 **")
        found = fontconfig.FcPatternGetString(match, b"family", 0, name)
        family_found = ffi.string(name[0]).decode("utf-8") if found == 0 else ""
        fontconfig.FcPatternDestroy(match)
        return family_found
    finally:
        fontconfig.FcPatternDestroy(pattern)
        fontconfig.FcConfigDestroy(config)


def require_fonts(families: Iterable[str]) -> None:
    """Raise :class:`ResourceError` naming each family that is not installed."""
    missing = [f for f in dict.fromkeys(families) if installed_family(f).lower() != f.lower()]
    if missing:
        names = ", ".join(repr(f) for f in missing)
        raise ResourceError(
            f"font {names} is not installed, and the PDF would silently use another "
            "(install it, e.g. Debian's fonts-crosextra-carlito and fonts-dejavu-core, "
            "or change fonts in theme.yaml)")
