"""Every call guidegen makes into C libraries (through ctypes) and into process limits.

* fontconfig, to ask which family it would really use for a font name (WeasyPrint
  silently substitutes another when a font is missing), which file holds it (the
  layout measures text with its metrics), and which characters no installed font has
  (a roster's cells are checked before anything renders); called through ctypes, so
  none needs WeasyPrint nor its C bindings and all run in the main process;
* Linux's ``prctl(PR_SET_PDEATHSIG)``, so helper processes die with their parent (on the
  portable paths, :mod:`guidegen.system`, a thread that waits for the parent's end);
* CPython's ``PyThreadState_SetAsyncExc``, so a watchdog thread can stop the main thread's
  work where there is no ``SIGALRM`` (:func:`raise_in`);
* ``setrlimit(RLIMIT_DATA)``, so one helper or worker process cannot take the machine's
  memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import cache, partial, wraps
from typing import ParamSpec, TypeVar

_MATCH_PATTERN = 0  # FcMatchPattern
_RESULT_MATCH = 0  # FcResultMatch
_PR_SET_PDEATHSIG = 1
P = ParamSpec("P")
T = TypeVar("T")
_LIFT: list[Callable[[], None]] = []  # puts back the limit before the first memory ceiling
_READING: list[threading.Thread] = []  # the thread reading fontconfig's configuration, if any


def read_fonts_aside() -> None:
    """Start reading fontconfig's configuration in a thread, for this process's first match.

    A speed trick: ctypes lets go of the interpreter while the library reads its
    configuration and its cache of the fonts installed (4.4 ms of CPU, and 0.9 to load
    it), so this overlaps the main process's own work before the hand-off, on the core
    the PDF helper leaves idle while it waits. Whatever asks fontconfig first waits for
    the thread, and so does a fork (a child must not start with the library half read).
    """
    if _READING:
        return
    thread = threading.Thread(target=_read_fonts, name="guidegen-fontconfig", daemon=True)
    try:
        thread.start()
    except RuntimeError:  # no thread to be had: read where first used
        return
    _READING.append(thread)
    os.register_at_fork(before=_fonts_read)


def _read_fonts() -> None:
    with suppress(Exception):  # said again, and raised, where it is first used
        library = _load_fontconfig()
        if library is not None:
            _config(library)


def _fonts_read() -> None:
    """Wait for :func:`read_fonts_aside`'s thread, if any (and not this one)."""
    for thread in _READING:
        if thread is not threading.current_thread():
            thread.join()


def _fontconfig() -> ctypes.CDLL | None:
    _fonts_read()
    return _load_fontconfig()


@cache
def _load_fontconfig() -> ctypes.CDLL | None:
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
    found = _match([_pattern(family) for family in families], b"family")
    return {family: family if value is None else value
            for family, value in zip(families, found, strict=True)}


Face = tuple[str, bool, bool]  # family, bold, italic


@cache
def font_files(faces: tuple[Face, ...]) -> dict[Face, str | None]:
    """Return the file fontconfig uses for each face (None: no file, or no fontconfig)."""
    return {face: path or None
            for face, path in zip(faces, _match([_face_pattern(*face) for face in faces],
                                                b"file"), strict=True)}


@cache
def font_file(face: Face) -> str | None:
    """Return the file fontconfig uses for ``face``, as :func:`font_files` would.

    Each face is matched on its own, when first asked for: a stack of six families in
    four styles is 24 matches (~0.16 ms of CPU each), of which the layout's widths read
    only the faces before the first that has a character.
    """
    return _match([_face_pattern(*face)], b"file")[0] or None


def _face_pattern(family: str, bold: bool, italic: bool) -> bytes:
    return (_pattern(family) + (b":weight=bold" if bold else b"") +
            (b":slant=italic" if italic else b""))


_COVERING: list[tuple[int, ctypes.c_void_p]] = []  # fonts matched so far: pattern, charset


def uncovered(characters: Iterable[str]) -> list[str]:
    """Return those of ``characters`` that no installed font has (none without fontconfig).

    Each character is looked up first in the character sets of the fonts already found
    (fast), and only then asked of fontconfig, which matches the font that covers it
    best: if that one lacks it, every font does, and Pango would draw an empty box.
    """
    library = _fontconfig()
    if library is None:
        return []
    _charset_functions(library)
    config = _config(library)
    missing = []
    for char in characters:
        code = ord(char)
        if any(library.FcCharSetHasChar(charset, code) for _, charset in _COVERING):
            continue
        pattern = library.FcNameParse(f":charset={code:x}".encode("ascii"))
        library.FcConfigSubstitute(config, pattern, _MATCH_PATTERN)
        library.FcDefaultSubstitute(pattern)
        match = library.FcFontMatch(config, pattern, ctypes.byref(ctypes.c_int()))
        library.FcPatternDestroy(pattern)
        charset = ctypes.c_void_p()
        if match and library.FcPatternGetCharSet(match, b"charset", 0, ctypes.byref(
                charset)) == _RESULT_MATCH and library.FcCharSetHasChar(charset, code):
            _COVERING.append((match, charset))  # kept: the charset belongs to the match
            continue
        if match:
            library.FcPatternDestroy(match)
        missing.append(char)
    return missing


@cache
def _charset_functions(library: ctypes.CDLL) -> None:
    library.FcPatternGetCharSet.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                            ctypes.POINTER(ctypes.c_void_p)]
    library.FcCharSetHasChar.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    library.FcCharSetHasChar.restype = ctypes.c_int


def _pattern(family: str) -> bytes:
    # a pattern "name" escapes "-" and ":" with a backslash
    escaped = family.replace("\\", "\\\\").replace("-", "\\-").replace(":", "\\:")
    return escaped.encode("utf-8")


def _match(patterns: list[bytes], key: bytes) -> list[str | None]:
    """Return property ``key`` of the font fontconfig matches to each pattern.

    Without fontconfig every answer is None; a pattern without a match answers "".
    """
    library = _fontconfig()
    if library is None:
        return [None] * len(patterns)
    config = _config(library)
    found: list[str | None] = []
    for text in patterns:
        pattern = library.FcNameParse(text)
        library.FcConfigSubstitute(config, pattern, _MATCH_PATTERN)
        library.FcDefaultSubstitute(pattern)
        result = ctypes.c_int()
        match = library.FcFontMatch(config, pattern, ctypes.byref(result))
        value = ctypes.c_char_p()
        got = match and library.FcPatternGetString(match, key, 0,
                                                   ctypes.byref(value)) == _RESULT_MATCH
        found.append(value.value.decode("utf-8") if got and value.value else "")
        if match:
            library.FcPatternDestroy(match)
        library.FcPatternDestroy(pattern)
    return found


@cache
def _config(library: ctypes.CDLL) -> int:
    """Return fontconfig's configuration with the fonts installed, read once a process.

    Reading it costs several milliseconds; the font check and the layout's metrics
    both ask, and their answers are kept for the process anyway.
    """
    config: int = library.FcInitLoadConfigAndFonts()
    return config


def die_with_parent(parent: int) -> None:
    """Make this helper or worker process end when its parent does, even by SIGKILL.

    Linux's kernel ends it (``PR_SET_PDEATHSIG``); on the portable paths a daemon thread
    waits for the parent's end (:func:`multiprocessing.parent_process`) and ends it then.
    """
    from . import system

    if not system.has_death_signal():
        _watch_parent()
        return
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _watch_parent() -> None:
    import multiprocessing
    import threading

    parent = multiprocessing.parent_process()
    if parent is None:  # pragma: no cover - always started by multiprocessing
        return

    def wait() -> None:
        parent.join()  # returns once the parent process has ended, however it ended
        os._exit(1)

    threading.Thread(target=wait, name="guidegen-parent", daemon=True).start()


def raise_in(thread: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in the thread ``thread`` (an ident) at its next bytecode.

    ``None`` withdraws one that is pending and not raised yet. A thread blocked in a C
    call sees it when the call returns.
    """
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(exception) if exception else None)


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


def limit_memory(megabytes: int) -> int | None:
    """Let this process take at most ``megabytes`` more memory than it holds now.

    Sets the soft ``RLIMIT_DATA`` (Linux counts the heap and private mappings in it):
    past it, allocations fail, as ``MemoryError`` in Python code; a C library may abort
    the process instead, which is why guidegen sets it only in its helper and worker
    processes. Return the limit set (``None``: none), to set again after
    :func:`lift_memory_ceiling`.
    """
    ceiling = memory_ceiling(megabytes)
    return ceiling if ceiling is not None and set_memory_ceiling(ceiling) is not None \
        else None


def memory_ceiling(megabytes: int) -> int | None:
    """Return the soft ``RLIMIT_DATA`` that lets this process take ``megabytes`` more.

    More than it holds now, within the soft limit it runs under (the user's ``ulimit -d``:
    a tighter one is kept, never raised) and the hard one; ``None`` where that cannot be
    known.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    held = data_size()
    if held is None:
        return None
    limit = held + (megabytes << 20)
    return min([limit, *(bound for bound in resource.getrlimit(resource.RLIMIT_DATA)
                         if bound != resource.RLIM_INFINITY)])


def set_memory_ceiling(ceiling: int) -> int | None:
    """Return the soft ``RLIMIT_DATA`` this replaces with ``ceiling`` (``None``: not set).

    ``ceiling`` is in bytes, or ``RLIM_INFINITY``; the hard limit bounds it.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if not _LIFT:  # the process's own limit, before its first ceiling
        _LIFT.append(partial(resource.setrlimit, resource.RLIMIT_DATA, (soft, hard)))
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard) if ceiling != resource.RLIM_INFINITY else hard
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
    except (OSError, ValueError):
        return None
    return soft


def lift_memory_ceiling() -> None:
    """Put back the soft ``RLIMIT_DATA`` this process had before its first memory ceiling.

    Called first thing where work that ran under the ceiling stops with an exception:
    what handles it runs while the exception's traceback still holds the work's memory,
    and allocates too. Under the ceiling each allocation that fails there chains one
    more ``MemoryError``; once CPython's 16 spare ones are all held, making the next one
    fails in turn, recursing in C until the interpreter aborts ("Fatal Python error:
    _Py_CheckRecursiveCall: Cannot recover from stack overflow", CPython 3.11) or
    gives up ("Cannot recover from MemoryErrors while normalizing exceptions"). This
    allocates nothing: it calls what :func:`set_memory_ceiling` made beforehand. The
    user's own ``ulimit -d`` stays.
    """
    if _LIFT:
        _LIFT[0]()  # a soft limit up to the hard one is always allowed


def lifting(work: Callable[P, T]) -> Callable[P, T]:
    """Return ``work``, lifting the memory ceiling first thing if it raises.

    For what a helper or worker process runs under its ceiling (:func:`lift_memory_ceiling`).
    """
    @wraps(work)
    def lifted(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return work(*args, **kwargs)
        except BaseException:
            lift_memory_ceiling()
            raise

    return lifted
