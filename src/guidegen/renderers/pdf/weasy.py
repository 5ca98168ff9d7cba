"""Import WeasyPrint quickly.

WeasyPrint finds Pango, HarfBuzz and fontconfig by trying several library names
each; every miss makes :func:`ctypes.util.find_library` run ``ldconfig`` and then
``gcc`` and ``ld`` in subprocesses, which costs a quarter of a second per build.
During the import we answer those lookups from one reading of the ``ldconfig``
cache instead. Should the import fail that way, it is retried with the standard
lookup, so the worst case is the usual speed.
"""

from __future__ import annotations

import ctypes.util
import re
import subprocess
import sys
import threading
from functools import cache
from types import ModuleType


@cache
def _ldconfig_cache() -> str:
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"):
        try:
            return subprocess.run([ldconfig, "-p"], capture_output=True, text=True,
                                  check=False, env={"LC_ALL": "C", "LANG": "C"}).stdout
        except OSError:
            continue
    return ""


def _find_library(name: str) -> str | None:
    """Return the soname of library ``name`` from the ldconfig cache, as ctypes would."""
    match = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\(", _ldconfig_cache())
    return match.group(1) if match else None


_LOCK = threading.Lock()


def import_weasyprint() -> ModuleType:
    """Return the ``weasyprint`` module, imported with the fast library lookup."""
    with _LOCK:  # one import at a time: the lookup is swapped process-wide meanwhile
        return _import()


def _import() -> ModuleType:
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    if not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    original = ctypes.util.find_library
    ctypes.util.find_library = _find_library
    try:
        import weasyprint
    except (OSError, ImportError):
        for module in [m for m in sys.modules if m == "weasyprint" or
                       m.startswith("weasyprint.")]:
            del sys.modules[module]
        ctypes.util.find_library = original
        import weasyprint
    finally:
        ctypes.util.find_library = original
    return weasyprint
