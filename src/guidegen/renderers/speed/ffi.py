"""Compiled C declarations: WeasyPrint's cffi declarations parsed once, not per process.

WeasyPrint declares Pango's and HarfBuzz's API to cffi as C source, which pycparser parses
in every process (-0.61G instructions). cffi's out-of-line mode does it once: the
declarations are compiled into a small Python module, kept in the cache folder (keyed by a
hash of the declarations and the versions) and read back only where a build wrote it
(:func:`guidegen.caches.kept`), run from the bytes read (+1.2 ms of compiling). The
last :data:`_FILES` written are kept (a file per version of cffi, Python and WeasyPrint's
place: each checkout's, each upgrade's). The package's comment lists what each speed
trick buys.
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

from ...caches import cache_folder, drop_oldest, keep, kept

_FILES = 4  # compiled declarations kept in the cache folder, the last written


class _CompiledFFI:
    """What ``cffi.FFI()`` gives WeasyPrint during its import.

    ``cdef(source)`` loads the compiled declarations of ``source`` (writing them first if
    needed); everything else is the compiled ``_cffi_backend.FFI``'s, looked up there once
    (its functions and constants never change).
    """

    def cdef(self, source: str, **options: Any) -> None:
        if options:
            raise ValueError("cdef options are not compiled")
        self.__dict__["_ffi"] = _compiled(source)

    def dlopen(self, name: str, flags: int = 0) -> Any:
        """Return the compiled FFI's library ``name``, never unloaded (see below)."""
        # cffi.FFI keeps each library it opens as long as it lives (FFI._libraries); the
        # compiled FFI does not, so a library was unloaded as soon as the modules naming it
        # were cleared at interpreter shutdown, and a Pango object freed later (a font
        # configuration kept by a module cleared after them: .lines's, a test module's)
        # called its unloaded finaliser: a segmentation fault after a good run, exit code
        # 139 (tests/test_engine.py: ..._exits_without_a_crash). RTLD_NODELETE keeps the
        # library loaded until the process ends, whatever order shutdown frees things in.
        return self.__dict__["_ffi"].dlopen(name, flags | _NODELETE)

    def __getattr__(self, name: str) -> Any:
        """Return the compiled FFI's ``name``, kept here: the next lookup does not come here."""
        value = getattr(self.__dict__["_ffi"], name)
        self.__dict__[name] = value
        return value


_NODELETE: int = getattr(os, "RTLD_NODELETE", 0)  # a library dlclose() leaves loaded


@contextmanager
def compiled_declarations() -> Iterator[None]:
    """Let ``cffi.FFI()`` be :class:`_CompiledFFI` meanwhile (WeasyPrint's import)."""
    import cffi

    original = cffi.FFI
    cffi.FFI = _CompiledFFI
    try:
        yield
    finally:
        cffi.FFI = original


def _compiled(source: str) -> Any:
    """Return the compiled ``_cffi_backend.FFI`` of ``source``, from the cache if there."""
    import hashlib
    import importlib.util

    import cffi

    weasyprint = importlib.util.find_spec("weasyprint")
    key = hashlib.sha256("\0".join([
        source, cffi.__version__, sys.version, str(weasyprint and weasyprint.origin),
    ]).encode()).hexdigest()[:20]
    path = cache_folder() / f"weasyprint-ffi-{key}.py"
    # read only if a build here wrote it (sealed) and run from the bytes read: nothing looks
    # beside it (a __pycache__ a project ships). +1.2 ms a process (25 kB compiled)
    code = kept(path, 16 * 1024 * 1024) or _write_compiled(source, path)
    module = types.ModuleType(f"_guidegen_ffi_{key}")
    module.__file__ = str(path)
    exec(compile(code, str(path), "exec", dont_inherit=True), module.__dict__)
    return module.ffi


def _write_compiled(source: str, path: Path) -> bytes:
    """Return ``source`` compiled by cffi's out-of-line ABI mode, kept in ``path`` (or raise)."""
    import io

    from cffi.api import FFI  # the real class: cffi.FFI is ours while WeasyPrint imports

    ffi = FFI()
    ffi.cdef(source)
    ffi.set_source(path.stem.replace("-", "_"), None)
    module = io.StringIO()
    with redirect_stdout(io.StringIO()):  # cffi says "generating ..." on stdout
        ffi.emit_python_code(module)
    code = module.getvalue().encode()
    if not keep(path, code):  # no cache folder to keep it in: WeasyPrint's own import
        raise ImportError(f"cannot keep {path}")  # (_imported: its declarations parsed)
    drop_oldest(path.parent, "weasyprint-ffi-*.py", _FILES)
    return code
