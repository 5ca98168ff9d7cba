"""Every call guidegen makes into C libraries (through ctypes) and into process limits.

* fontconfig, to ask which family it would really use for a font name (WeasyPrint
  silently substitutes another when a font is missing); called through ctypes, so the
  check needs neither WeasyPrint nor its C bindings and runs in the main process;
* Linux's ``prctl(PR_SET_PDEATHSIG)``, so helper processes die with their parent;
* ``setrlimit(RLIMIT_DATA)``, so one helper or worker process cannot take the machine's
  memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
from contextlib import suppress
from functools import cache

_MATCH_PATTERN = 0  # FcMatchPattern
_RESULT_MATCH = 0  # FcResultMatch
_PR_SET_PDEATHSIG = 1


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
def matched_families(families: tuple[str, ...]) -> dict[str, str]:
    """Return, for each of ``families``, the family fontconfig actually uses for it.

    Without fontconfig every family is returned as itself: WeasyPrint will say so.
    """
    library = _fontconfig()
    if library is None:
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


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when its parent does, even by SIGKILL (Linux)."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def data_size() -> int | None:
    """Return the bytes of data (heap and private mappings) this process holds, if known."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return None


def limit_memory(megabytes: int) -> bool:
    """Let this process take at most ``megabytes`` more memory than it holds now.

    Sets the soft ``RLIMIT_DATA`` (Linux counts the heap and private mappings in it):
    past it, allocations fail, as ``MemoryError`` in Python code; a C library may abort
    the process instead, which is why guidegen sets it only in its helper and worker
    processes. Return whether a limit was set.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return False
    held = data_size()
    if held is None:
        return False
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = held + (megabytes << 20)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (OSError, ValueError):
        return False
    return True
