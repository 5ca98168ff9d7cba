"""A speed trick of the PDF writer (see :mod:`.speed`): each font's subset kept in the cache.

Writing a PDF, WeasyPrint subsets every font it embeds to the glyphs the pages use
(``Font._harfbuzz_subset``: HarfBuzz's subsetter, run twice per font), in the process
that writes the PDF, after the hand-off: the default guide's 4 fonts 5-6 ms of CPU, the
Japanese guide's two Noto Sans CJK fonts (20 MB each) 90-120 ms. What it makes depends
only on the font file, the face in it, the glyphs kept, two flags (a glyph missing:
``.notdef`` keeps its outline; hinting) and the HarfBuzz libraries, so it is kept in the
cache folder (``subset-HASH.font``) and read back by the next PDF that asks for the same.

Keyed by :func:`key`: this format, WeasyPrint's version, each HarfBuzz library this
process mapped (its path, size and modification time), the SHA-256 of the font file
(0.65 ms a megabyte: 1.8 ms for the default guide's, 26 ms for the CJK fonts), the face
index, every glyph kept and the two flags. A file is read only if a build wrote it here
(:func:`guidegen.caches.kept`: its seal), up to :data:`_MAX` bytes, only if it begins
with the SHA-256 of the rest and holds the very key asked for; anything else (stale,
damaged, foreign, another key's) is subset again and rewritten. A subset that fails
(WeasyPrint warns and embeds the whole font) is not kept. The last :data:`_KEEP` are kept,
at most :data:`_BYTES` of them.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

_FORMAT = 1  # of what is kept; raised when it changes
_PREFIX, _SUFFIX = "subset-", ".font"
_MAX = 64 * 1024 * 1024  # a subset of a CJK font takes about 0.8 MB
_KEEP = 48  # subsets kept in the cache folder, the latest
# and at most this many bytes of them: a CJK font's subset takes ~0.8 MB, so 48 of them
# (a Japanese guide edited 24 times) took 39 MB; 16 MB keeps ~20 CJK subsets (review16a)
_BYTES = 16 << 20
_STATE = {"installed": 0, "read": 0, "made": 0}  # (for the tests)


def install() -> None:
    """Subset fonts through the cache from now on (once per process, WeasyPrint 70.0 only)."""
    import weasyprint
    from weasyprint.pdf.fonts import Font

    if _STATE["installed"] or weasyprint.__version__ != "70.0" or not mapped("libharfbuzz"):
        return
    _STATE["installed"] = 1
    Font._harfbuzz_subset = _kept_subset(Font._harfbuzz_subset)


def _kept_subset(original: Callable[[Any, Mapping[int, str], bool], None]
                 ) -> Callable[[Any, Mapping[int, str], bool], None]:
    def harfbuzz_subset(font: Any, to_unicode: Mapping[int, str], hinting: bool) -> None:
        try:
            from ...caches import cache_folder

            asked = key(font.file_content, font.index, to_unicode, bool(font.missing),
                        bool(hinting))
            path = cache_folder() / f"{_PREFIX}{hashlib.sha256(asked).hexdigest()[:40]}{_SUFFIX}"
        except Exception:  # no cache folder, an odd font: subset as usual
            original(font, to_unicode, hinting)
            return
        found = read(path, asked)
        if found is not None:
            _STATE["read"] += 1
            font.file_content = found
            return
        whole = font.file_content
        original(font, to_unicode, hinting)
        if font.file_content is not whole:  # subset (else WeasyPrint warned: not kept)
            _STATE["made"] += 1
            save(path, asked, font.file_content)

    return harfbuzz_subset


def key(content: bytes, index: int, glyphs: Mapping[int, str] | Any, missing: bool,
        hinting: bool) -> bytes:
    """Return what names the subset of face ``index`` of the font file ``content``.

    ``glyphs``: the glyph ids kept; ``missing``: some character had no glyph (the
    ``.notdef`` outline is kept); ``hinting``: hinting instructions are kept.
    """
    import weasyprint

    ids = sorted(glyphs)
    return b"\0".join([
        repr((_FORMAT, weasyprint.__version__, mapped("libharfbuzz"), index, missing, hinting,
              len(ids))).encode(),
        hashlib.sha256(content).digest(),
        struct.pack(f"<{len(ids)}I", *ids),
    ])


@cache
def mapped(*names: str) -> tuple[tuple[str, int, int], ...]:
    """Return each library named ``names`` this process mapped: path, size and time (or none).

    ``libharfbuzz`` matches every HarfBuzz library (``libharfbuzz-subset`` too).
    """
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            paths = sorted({line.split(None, 5)[5].strip() for line in maps
                            if any(name in line for name in names) and line.count(" ") >= 5})
        return tuple((path, (info := os.stat(path)).st_size, info.st_mtime_ns)
                     for path in paths)
    except (OSError, IndexError):
        return ()


def read(path: Path, asked: bytes) -> bytes | None:
    """Return the subset kept at ``path`` if it is whole, ours and of key ``asked``."""
    from ...caches import kept

    data = kept(path, _MAX)
    if data is None or len(data) < 36:
        return None
    body = data[32:]
    if hashlib.sha256(body).digest() != data[:32]:
        return None
    size = int.from_bytes(body[:4], "little")
    if body[4:4 + size] != asked:
        return None
    return body[4 + size:] or None


def save(path: Path, asked: bytes, subset: bytes) -> None:
    """Keep ``subset`` of key ``asked`` at ``path``; drop the oldest past :data:`_KEEP`."""
    from ...caches import drop_oldest, keep

    body = len(asked).to_bytes(4, "little") + asked + subset
    if len(body) + 32 <= _MAX and keep(path, hashlib.sha256(body).digest() + body):
        drop_oldest(path.parent, f"{_PREFIX}*{_SUFFIX}", _KEEP, _BYTES)
