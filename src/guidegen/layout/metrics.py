"""Text widths for the layout's decisions, read from the theme's font files.

Text is measured in a :class:`Face` taken from the style sheet (:mod:`guidegen.theme.resolve`):
the font, size, weight, slant, capitals and letter spacing of the role it is set in,
as the PDF and the DOCX set it.

The layout decides a matrix's column widths before any renderer runs, so the PDF and
the DOCX get the same ones; to do so it measures words itself. Each font file's advance
widths and character map (its ``hmtx`` and ``cmap`` tables) are read once, straight from
the file, which costs about a millisecond where importing fontTools would cost 30 ms of
every cold build. No kerning and no shaping: a word measures a little wider than it
prints, which errs on the safe side. Fontconfig names the files (:mod:`guidegen.native`),
the same files WeasyPrint embeds; a font that is not installed is estimated instead (the
PDF renderer reports it missing).
"""

from __future__ import annotations

import struct
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ..common.language import Language
from ..native import font_file
from ..theme.resolve import ParagraphLook, SpanLook
from ..theme.theme import Theme

ESTIMATE = 0.55  # em: the advance of a character no font of the theme has
WIDE = 1.0  # em: the same for an East Asian wide character


class FontMetrics:
    """The advance widths (in em) of the characters one TrueType/OpenType font maps."""

    def __init__(self, data: bytes) -> None:
        tables = _tables(data)
        self.units = struct.unpack_from(">H", data, tables[b"head"] + 18)[0]
        count = struct.unpack_from(">H", data, tables[b"hhea"] + 34)[0]
        metrics = array("H", data[tables[b"hmtx"]:tables[b"hmtx"] + 4 * count])
        if struct.pack("=H", 1) != struct.pack(">H", 1):
            metrics.byteswap()
        self.advances = metrics[0::2]
        self.ranges = _cmap_ranges(data, tables[b"cmap"])
        self.starts = [start for start, _, _ in self.ranges]

    def advance(self, char: str) -> float | None:
        """Return the advance of ``char`` in em, or None if the font has no glyph for it."""
        code = ord(char)
        index = bisect_left(self.starts, code + 1) - 1
        if index < 0:
            return None
        start, end, glyphs = self.ranges[index]
        if code > end:
            return None
        glyph = glyphs(code) if callable(glyphs) else glyphs + code - start
        if not glyph:
            return None
        return float(self.advances[min(glyph, len(self.advances) - 1)] / self.units)


@dataclass(frozen=True)
class Face:
    """How text is set, as far as its width goes: a theme font, size, weight, slant, caps."""

    size: float
    font: str = "body"
    bold: bool = False
    italic: bool = False
    caps: bool = False
    letter_spacing: float = 0.0

    @classmethod
    def of(cls, look: ParagraphLook) -> Face:
        """Return the face of a paragraph role of the style sheet."""
        return cls(look.size, look.font, look.bold, look.italic, look.caps,
                   look.letter_spacing)

    def within(self, span: SpanLook) -> Face:
        """Return this face with what a span role of the style sheet sets."""
        changes = {key: value for key in ("size", "font", "bold", "italic", "caps",
                                          "letter_spacing")
                   if (value := getattr(span, key)) is not None}
        return replace(self, **changes) if changes else self


class Measure:
    """Measures text as the PDF sets it: in the theme's font stacks for a language.

    A face's stack is its font, the font of the language's script, the symbols font,
    then the other scripts' fonts (:meth:`~guidegen.theme.theme.Theme.font_stack`); a
    font's file is read only when a character is missing from those before it.
    """

    def __init__(self, theme: Theme, language: Language) -> None:
        self.theme = theme
        self.language = language
        self.stacks: dict[tuple[str, bool, bool], _Faces] = {}  # by font, bold, italic

    def width(self, text: str, face: Face) -> float:
        """Return the width of ``text`` set in ``face``, in points."""
        faces = self._stack(face.font, face.bold, face.italic)
        if face.caps:
            text = text.upper()
        advance = face.size * sum(map(faces.advance, text))
        return advance + face.letter_spacing * len(text)

    def ch(self, size: float, font: str = "body") -> float:
        """Return the width of one character (the digit zero, CSS's ``ch``) at ``size``."""
        return self.width("0", Face(size, font))

    def _stack(self, font: str, bold: bool, italic: bool) -> _Faces:
        found = self.stacks.get((font, bold, italic))
        if found is None:
            found = self.stacks[font, bold, italic] = _Faces(
                self.theme.font_stack(font, self.language), bold, italic)
        return found


class _Faces:
    """The fonts of a stack in one weight and slant, each matched and read when first needed.

    Fontconfig is asked for a family's file only when a character is missing from the
    fonts before it (:func:`~guidegen.native.font_file`), a speed trick: the default
    guide's layout asks for 4 of its 44 faces, and matching takes 6.2-7.5 ms of the main
    process's CPU before the hand-off instead of 12.1-12.9 with all matched at once
    (5 builds each in turns, load 10; most of what is left is fontconfig's first match).
    """

    def __init__(self, families: Sequence[str], bold: bool, italic: bool) -> None:
        self.families = tuple(families)
        self.style = (bold, italic)
        self.read: list[FontMetrics | None] = []  # the first families' fonts, in order
        self.known: dict[str, float] = {}  # each character's advance, once looked up

    def advance(self, char: str) -> float:
        """Return the advance of ``char`` in em: the first font's that has it, else estimated.

        Each character is looked up once per stack, a speed trick: the default guide's
        layout measures ~2,700 characters, a few hundred distinct, and looking each up
        in the fonts' character maps cost it 4-5 ms of CPU. The same floats in the same
        order, so every width (and every output byte) is the same.
        """
        found = self.known.get(char)
        if found is None:
            found = self.known[char] = _advance(self, char)
        return found

    def __iter__(self) -> Iterator[FontMetrics | None]:
        read = self.read
        for at, family in enumerate(self.families):
            if at == len(read):
                read.append(_read(font_file((family, *self.style))))
            yield read[at]


def _advance(faces: Iterable[FontMetrics | None], char: str) -> float:
    for face in faces:
        if face is not None:
            found = face.advance(char)
            if found is not None:
                return found
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    return WIDE if unicodedata.east_asian_width(char) in ("W", "F") else ESTIMATE


@cache
def _read(path: str | None) -> FontMetrics | None:
    if path is None:
        return None
    try:
        return FontMetrics(Path(path).read_bytes())
    except (OSError, KeyError, struct.error, ValueError, IndexError):
        return None  # not a font we can read: estimated instead


def _tables(data: bytes) -> dict[bytes, int]:
    """Return the offset of each table of the (first) font in ``data``."""
    start = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
    count = struct.unpack_from(">H", data, start + 4)[0]
    return {data[at:at + 4]: struct.unpack_from(">I", data, at + 8)[0]
            for at in range(start + 12, start + 12 + 16 * count, 16)}


Lookup = Callable[[int], int]
Range = tuple[int, int, int | Lookup]  # first code, last code, first glyph or a lookup


def _cmap_ranges(data: bytes, cmap: int) -> list[Range]:
    """Return the code ranges of the font's Unicode character map, sorted by first code."""
    count = struct.unpack_from(">H", data, cmap + 2)[0]
    offsets = {}
    for at in range(cmap + 4, cmap + 4 + 8 * count, 8):
        platform, encoding, offset = struct.unpack_from(">HHI", data, at)
        offsets[(platform, encoding)] = cmap + offset
    for key in ((3, 10), (0, 4), (0, 6)):
        if key in offsets and struct.unpack_from(">H", data, offsets[key])[0] == 12:
            return _format12(data, offsets[key])
    for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
        if key in offsets and struct.unpack_from(">H", data, offsets[key])[0] == 4:
            return _format4(data, offsets[key])
    raise ValueError("no Unicode character map")


def _format12(data: bytes, at: int) -> list[Range]:
    groups = struct.unpack_from(">I", data, at + 12)[0]
    found: list[Range] = []
    for n in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * n)
        found.append((start, end, glyph))
    return found


def _format4(data: bytes, at: int) -> list[Range]:
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}H", data, at + 16 + 4 * segments)
    range_at = at + 16 + 6 * segments
    ranges: list[Range] = []
    for n in range(segments):
        start, end, delta = starts[n], ends[n], deltas[n]
        offset = struct.unpack_from(">H", data, range_at + 2 * n)[0]
        if start == 0xFFFF:
            continue
        if offset == 0:
            ranges.append((start, end, _delta_lookup(delta)))
        else:
            ranges.append((start, end, _array_lookup(data, range_at + 2 * n + offset, start,
                                                     delta)))
    return sorted(ranges, key=lambda r: r[0])


def _delta_lookup(delta: int) -> Lookup:
    return lambda code: (code + delta) & 0xFFFF


def _array_lookup(data: bytes, at: int, start: int, delta: int) -> Lookup:
    def glyph(code: int) -> int:
        found = struct.unpack_from(">H", data, at + 2 * (code - start))[0]
        return (found + delta) & 0xFFFF if found else 0

    return glyph
