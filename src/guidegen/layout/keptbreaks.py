"""Where each word may break, kept in the cache folder for the next process (a speed trick).

A build hyphenates its guide's words (:mod:`.hyphenate`) in the main process before it
hands the PDF helper its document: it parses its language's patterns (11,000 lines for
English, ~15 ms of CPU) and walks them for each word (~5 ms for the default guide). Where
a word may break depends on the word, the language's patterns (its dictionary file),
whether the language capitalises its nouns (its tag), the exceptions and guidegen's code
alone, so the points found are kept (:mod:`guidegen.common.remember`: pickled, sealed,
read only if a build here wrote it, the oldest dropped past its bound) under a key of
all of these, the dictionary by its path, size and time; a process that finds every word
of its guide there parses no patterns. The default guide's hyphenation: 24 -> 13 ms of
the main process's CPU before the hand-off (``bench/critical.py``, minimums of 9 taking
turns, load 1.8).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..common import remember

_MOST = 40_000  # words kept at most: more, and the next file holds this process's alone


def _file(tag: str, exceptions: tuple[str, ...]) -> tuple[Path | None, str] | None:
    """Return the file that keeps the breaks of ``tag`` with ``exceptions``, and its key.

    None where the language's dictionary is not a file on disk (no size or time to key by);
    the file is None where no project is named (nothing kept: :func:`.remember.file_of`).
    """
    from .patterns import dictionary_file, dictionary_name

    name = dictionary_name(tag)
    state = "none"
    if name is not None:
        found = dictionary_file(name)
        try:
            info = os.stat(os.fspath(found))  # type: ignore[call-overload]
        except (OSError, TypeError):  # gone, or not a file of its own (a zip)
            return None
        state = f"{os.fspath(found)} {info.st_size} {info.st_mtime_ns}"  # type: ignore[call-overload]
    key = remember.digest("breaks", remember.code(), tag, state, *exceptions)
    return remember.file_of("breaks", "\0".join((tag, *exceptions))), key


def load(tag: str, exceptions: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """Return the breaks a build here kept for ``tag`` with ``exceptions`` ({} if none)."""
    place = _file(tag, exceptions)
    found = remember.recall(*place) if place is not None else None
    return found if isinstance(found, dict) else {}


def save(tag: str, exceptions: tuple[str, ...], found: dict[str, tuple[int, ...]]) -> None:
    """Keep the breaks ``found`` for ``tag`` with ``exceptions`` (the latest :data:`_MOST`)."""
    place = _file(tag, exceptions)
    if place is not None:
        remember.remember(place[0], place[1], dict(list(found.items())[-_MOST:]))
