"""Import WeasyPrint quickly, and spare it work it would repeat: guidegen's speed tricks.

Both are measured with ``valgrind --tool=callgrind`` (instruction counts, which do not
depend on what else the machine is doing) on the default guide:

* **Library lookups.** WeasyPrint finds Pango, HarfBuzz and fontconfig by trying several
  library names each; every miss makes :func:`ctypes.util.find_library` run ``ldconfig``
  and then ``gcc`` and ``ld`` in subprocesses, a quarter of a second per build. During
  the import we answer those lookups from one reading of the ``ldconfig`` cache instead.
  Should the import fail that way, it is retried with the standard lookup, so the worst
  case is the usual speed.
* **Array types.** cffi parses each distinct C type string with pycparser, prefixed by
  every typedef of the library (~70 declarations a parse), and WeasyPrint asks for a new
  ``hb_codepoint_t[N]`` for every length N it subsets a font to: a dozen parses in a
  first layout. ``ffi.new("T[N]", init)`` means ``ffi.new("T[]", init)`` when ``init``
  has N items (and ``ffi.new("T[]", N)`` without one), so we ask for that instead and
  parse "T[]" once: 3.7% of a cold PDF's instructions (130M of 3.58G).
"""

from __future__ import annotations

import ctypes.util
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any


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
    from weasyprint.text.ffi import ffi

    ffi.new = _unsized_arrays(ffi.new)
    return weasyprint


_SIZED_ARRAY = re.compile(r"\s*(\w[\w\s]*?)\s*\[\s*(\d+)\s*\]\s*")


def _unsized_arrays(new: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``ffi.new`` asking for ``T[]`` where it is asked for ``T[N]`` (see above)."""
    def new_array(cdecl: Any, init: Any = None) -> Any:
        sized = _SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if sized is not None:
            length = int(sized.group(2))
            if init is None:
                return new(f"{sized.group(1)}[]", length)
            if isinstance(init, list | tuple) and len(init) == length:
                return new(f"{sized.group(1)}[]", init)
        return new(cdecl, init)

    return new_array
