"""The one image validator: what ``check`` accepts, every writer can embed.

A logo must be a PNG or a JPEG that decodes: for a PNG every chunk is whole and its
checksum right, and the pixels decompress to exactly the size the header promises (a
decompression bomb is refused after reading at most that many bytes, and its pixel
count is capped first); for a JPEG the segments are whole, a frame header gives its
size, and the image data ends. Then python-docx, which reads the header of every
picture the Word writer embeds, must read it too. ``check`` and the layout (which puts
the logo in the document tree) both call :func:`validate_image`.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Iterator

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
MAX_PIXELS = 16_000_000  # a 4000 x 4000 logo; WeasyPrint's Pillow refuses far less well
_PNG_CHANNELS = {0: (1, {1, 2, 4, 8, 16}), 2: (3, {8, 16}), 3: (1, {1, 2, 4, 8}),
                 4: (2, {8, 16}), 6: (4, {8, 16})}
# Adam7 passes: (first column, first row, column step, row step)
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
          (1, 0, 2, 2), (0, 1, 1, 2))
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


class ImageError(ValueError):
    """The image cannot be embedded; the message says why."""


def validate_image(data: bytes) -> str:
    """Return the MIME type of PNG or JPEG ``data``; raise :class:`ImageError` if bad."""
    if data.startswith(PNG_SIGNATURE):
        _check_png(data)
        mime = "image/png"
    elif data.startswith(JPEG_SIGNATURE):
        _check_jpeg(data)
        mime = "image/jpeg"
    else:
        raise ImageError("not a PNG or JPEG image")
    _check_with_python_docx(data)
    return mime


def _pixels(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise ImageError(f"the image is {width} x {height} pixels")
    if width * height > MAX_PIXELS:
        raise ImageError(f"the image is {width:,} x {height:,} pixels; the limit is "
                           f"{MAX_PIXELS:,} pixels (a logo needs far fewer)")


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    offset = len(PNG_SIGNATURE)
    while offset < len(data):
        if offset + 12 > len(data):
            raise ImageError("the PNG ends inside a chunk (a truncated file?)")
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        end = offset + 8 + length
        if end + 4 > len(data):
            raise ImageError(f"the PNG ends inside its {kind!r} chunk (a truncated file?)")
        body = data[offset + 8:end]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[end:end + 4])[0]:
            raise ImageError(f"the PNG's {kind!r} chunk is damaged (wrong checksum)")
        yield kind, body
        offset = end + 4


def _check_png(data: bytes) -> None:
    chunks = list(_png_chunks(data))
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise ImageError("the PNG has no header (IHDR) chunk")
    width, height, depth, color, compression, filtering, interlace = struct.unpack(
        ">IIBBBBB", chunks[0][1])
    channels, depths = _PNG_CHANNELS.get(color, (0, set()))
    if depth not in depths or compression or filtering or interlace > 1:
        raise ImageError("the PNG's header names an impossible format")
    _pixels(width, height)
    kinds = [kind for kind, _ in chunks]
    if kinds[-1] != b"IEND" or b"IDAT" not in kinds or (color == 3 and b"PLTE" not in kinds):
        raise ImageError("the PNG lacks image data, a palette or its end (IEND)")
    if any(kind == b"pHYs" and len(body) != 9 for kind, body in chunks):
        raise ImageError("the PNG's resolution (pHYs) chunk is damaged")
    rows = _png_rows(width, height, channels * depth, interlace)
    _inflate_exactly(b"".join(body for kind, body in chunks if kind == b"IDAT"), rows)


def _png_rows(width: int, height: int, bits: int, interlace: int) -> list[tuple[int, int]]:
    """Return (rows, bytes per row with its filter byte) of each pass of the image."""
    passes = _ADAM7 if interlace else ((0, 0, 1, 1),)
    found = []
    for x0, y0, dx, dy in passes:
        columns, rows = math.ceil((width - x0) / dx), math.ceil((height - y0) / dy)
        if columns > 0 and rows > 0:
            found.append((rows, 1 + math.ceil(columns * bits / 8)))
    return found


def _inflate_exactly(stream: bytes, rows: list[tuple[int, int]]) -> None:
    """Check the pixels decompress to exactly ``rows``, each with a known filter byte.

    Decompresses a megabyte at a time and keeps none of it, stopping past the size the
    header promises.
    """
    expected = sum(count * size for count, size in rows)
    inflater, done, pending = zlib.decompressobj(), 0, stream
    try:
        while done <= expected:
            chunk = inflater.decompress(pending, 1 << 20)
            pending = inflater.unconsumed_tail
            if not chunk:
                break
            if any(chunk[start - done] > 4 for start in _row_starts(rows, done,
                                                                    done + len(chunk))):
                raise ImageError("the PNG's pixel data is damaged (bad row filter)")
            done += len(chunk)
    except zlib.error as exc:
        raise ImageError(f"the PNG's pixel data is damaged ({exc})") from None
    if done != expected or not inflater.eof:
        raise ImageError(f"the PNG's pixel data is {'more' if done > expected else 'less'} "
                           "than its header promises (a damaged file or a decompression bomb)")


def _row_starts(rows: list[tuple[int, int]], low: int, high: int) -> Iterator[int]:
    """Return the offsets in ``[low, high)`` of the pixels where a row (its filter) starts."""
    offset = 0
    for count, size in rows:
        end = offset + count * size
        if end > low and offset < high:
            first = offset + max(0, math.ceil((low - offset) / size)) * size
            yield from range(first, min(end, high), size)
        offset = end


def _check_jpeg(data: bytes) -> None:
    offset, frame = 2, None
    while True:
        if offset + 4 > len(data) or data[offset] != 0xFF:
            raise ImageError("the JPEG ends or breaks before its image data")
        marker = data[offset + 1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        length = struct.unpack(">H", data[offset + 2:offset + 4])[0]
        if length < 2 or offset + 2 + length > len(data):
            raise ImageError("the JPEG ends inside a segment (a truncated file?)")
        if marker in _SOF:
            if length < 8:
                raise ImageError("the JPEG's frame header is damaged")
            height, width = struct.unpack(">HH", data[offset + 5:offset + 9])
            frame = (width, height)
        offset += 2 + length
        if marker == 0xDA:  # start of scan: the image data follows
            break
    if frame is None:
        raise ImageError("the JPEG has no frame header (SOF) before its image data")
    _pixels(*frame)
    if b"\xff\xd9" not in data[offset:]:
        raise ImageError("the JPEG's image data does not end (a truncated file?)")


def _check_with_python_docx(data: bytes) -> None:
    """Check python-docx reads the image's header, as the Word writer will."""
    from docx.image.image import Image

    try:
        Image.from_blob(data)
    except MemoryError:
        raise
    except Exception as exc:  # python-docx raises several kinds for a bad header
        raise ImageError(f"python-docx cannot read it: {exc}") from None
