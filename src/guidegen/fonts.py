"""Check that the theme's fonts are installed before WeasyPrint silently substitutes others.

fontconfig always answers a query with *some* font; we ask it which family it would
use for each one the theme names, and compare. fontconfig is called through ctypes,
so the check needs neither WeasyPrint nor its C bindings, and can run in the main
process while a helper lays out the PDF.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterable
from functools import cache

from .errors import ResourceError

_MATCH_PATTERN = 0  # FcMatchPattern
_RESULT_MATCH = 0  # FcResultMatch


@cache
def _fontconfig() -> ctypes.CDLL | None:
    names = ("libfontconfig.so.1", "libfontconfig.1.dylib",
             lambda: ctypes.util.find_library("fontconfig"))  # slow: a last resort
    for name in (n() if callable(n) else n for n in names):
        if name:
            try:
                library = ctypes.CDLL(name)
            except OSError:
                continue
            for function, result in (("FcInitLoadConfigAndFonts", ctypes.c_void_p),
                                     ("FcNameParse", ctypes.c_void_p),
                                     ("FcFontMatch", ctypes.c_void_p)):
                getattr(library, function).restype = result
            library.FcConfigSubstitute.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                                   ctypes.c_int]
            library.FcDefaultSubstitute.argtypes = [ctypes.c_void_p]
            library.FcFontMatch.argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                            ctypes.POINTER(ctypes.c_int)]
            library.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                                   ctypes.c_int,
                                                   ctypes.POINTER(ctypes.c_char_p)]
            library.FcPatternDestroy.argtypes = [ctypes.c_void_p]
            library.FcConfigDestroy.argtypes = [ctypes.c_void_p]
            return library
    return None


@cache
def installed_families(families: tuple[str, ...]) -> dict[str, str]:
    """Return, for each of ``families``, the family fontconfig actually uses for it."""
    library = _fontconfig()
    if library is None:  # no fontconfig: WeasyPrint will say so itself
        return {family: family for family in families}
    config = library.FcInitLoadConfigAndFonts()
    found = {}
    try:
        for family in families:
            # a pattern "name" escapes "-" and ":" with a backslash
            escaped = family.replace("\\", "\\\\").replace("-", "\\-").replace(":", "\\:")
            pattern = library.FcNameParse(escaped.encode("utf-8"))
            library.FcConfigSubstitute(config, pattern, _MATCH_PATTERN)
            library.FcDefaultSubstitute(pattern)
            result = ctypes.c_int()
            match = library.FcFontMatch(config, pattern, ctypes.byref(result))
            name = ctypes.c_char_p()
            got = match and library.FcPatternGetString(match, b"family", 0,
                                                       ctypes.byref(name)) == _RESULT_MATCH
            found[family] = name.value.decode("utf-8") if got and name.value else ""
            if match:
                library.FcPatternDestroy(match)
            library.FcPatternDestroy(pattern)
    finally:
        library.FcConfigDestroy(config)
    return found


def require_fonts(families: Iterable[str]) -> None:
    """Raise :class:`ResourceError` naming each family that is not installed."""
    wanted = tuple(dict.fromkeys(families))
    found = installed_families(wanted)
    missing = [f for f in wanted if found[f].lower() != f.lower()]
    if missing:
        names = ", ".join(repr(f) for f in missing)
        raise ResourceError(
            f"font {names} is not installed, and the PDF would silently use another "
            "(install it, e.g. Debian's fonts-crosextra-carlito and fonts-dejavu-core, "
            "or change fonts in theme.yaml)")
