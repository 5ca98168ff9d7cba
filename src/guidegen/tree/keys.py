"""A block's key, and the Word bookmark that keeps it in a DOCX.

A key (:mod:`.blocks`) is the path in the guide file of the value a block shows
(``subjects[0].summary``). The DOCX writer keeps it in a bookmark around the paragraph,
invisible in print, which survives a save in Word and LibreOffice; ``guidegen import
--update`` reads it back (:func:`key_text` of every key of the guide, looked up). Both
sides spell it here, once.
"""

from __future__ import annotations

import hashlib
import re

KEY_PREFIX = "_gg"  # Word keeps a bookmark whose name starts with _, and hides it from its list
_KEY_ROOM = 40 - len(KEY_PREFIX) - 6 - 1  # of Word's 40 characters: after a number, and _
_KEY_NAME = re.compile(rf"^{KEY_PREFIX}[0-9]+_(.+)$")


def key_bookmark_name(key: str, ident: int) -> str:
    """Return the name of the bookmark that keeps ``key`` in a DOCX: ``_gg12_intro``.

    It starts with ``_`` (hidden in Word's list of bookmarks), then the bookmark's number
    (names are unique, and a value may show in several places), then :func:`key_text`.
    """
    return f"{KEY_PREFIX}{ident}_{key_text(key)}"


def key_text(key: str) -> str:
    """Return ``key`` in letters, digits and ``_`` (``rows[2].values`` → ``rows2_values``).

    A text too long for a bookmark name is cut and ends in a hash of the whole key.
    """
    text = re.sub(r"[^A-Za-z0-9]+", "_", re.sub(r"\[(\d+)\]", r"\1", key))
    if len(text) <= _KEY_ROOM:
        return text
    return f"{text[:_KEY_ROOM - 9]}_{hashlib.sha256(key.encode()).hexdigest()[:8]}"


def bookmark_key_text(name: str) -> str | None:
    """Return the :func:`key_text` a key bookmark's ``name`` holds (None: not a key's)."""
    found = _KEY_NAME.match(name)
    return found.group(1) if found else None


__all__ = ["KEY_PREFIX", "bookmark_key_text", "key_bookmark_name", "key_text"]
