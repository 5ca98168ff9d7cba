"""A speed trick of the renderers (see :mod:`.speed`): text drawn and serialised with less Python.

Writing a PDF, WeasyPrint draws each line of text in ``weasyprint.draw.text.draw_first_line``,
which reads every glyph of every Pango run through cffi (a struct, its geometry, each
field: one Python object at a time), and pydyf turns every operand of every page's stream
into bytes through ``_to_bytes``, three ``isinstance`` tests before the common cases
(bytes, text). Here:

* **A line's glyphs read at once.** :func:`_fast_first_line` reads each run's
  ``PangoGlyphInfo`` array in one piece (:data:`_INFO`) and builds the line's text
  operator as WeasyPrint does, the same expressions in the same order, so the same
  bytes. A line it was not written for is drawn by WeasyPrint's own function: an
  ellipsis, a glyph raised or lowered (``y_offset``), a glyph no font has, a bitmap,
  PNG, SVG or COLR font, a Pango before 1.48.2.
* **Bytes and text first** (:func:`_fast_to_bytes`): exact ``bytes``, ``str`` and ``int``
  are converted before pydyf's tests (the same result: ``str(text)`` is the text);
  anything else goes to pydyf's own.

Installed once per process, only over WeasyPrint 70.0 and pydyf 0.13.0 (whose source it
follows). Measured: the default guide's PDF written again in one process (the same
layout, 173 lines, ~8,000 glyphs), CPU time in ``draw_first_line`` 17.4 -> 12.6 ms
(Pango's shaping apart), the whole write 64.0 -> 60.8 ms (minimums of 8 taking turns,
load 6.3); see :mod:`guidegen.renderers.speed` for the build. The bytes are the same
(``tests/test_drawing.py``; the fixtures compared with the code before).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

_INFO = struct.Struct("=IiiiI")  # PangoGlyphInfo: glyph, width, x_offset, y_offset, attr
_STATE = {"installed": 0, "fast": 0, "plain": 0}  # lines drawn each way (for the tests)
ORIGINALS: dict[str, Callable[..., Any]] = {}  # the library's functions replaced


def install() -> None:
    """Draw text and serialise operands the quicker way from now on (once per process)."""
    import pydyf
    import weasyprint
    import weasyprint.draw.text as text
    from weasyprint.text.ffi import ffi, pango

    if _STATE["installed"] or weasyprint.__version__ != "70.0" \
            or pydyf.__version__ != "0.13.0" or ffi.sizeof("PangoGlyphInfo") != _INFO.size:
        return  # done, or not the versions this was written for
    _STATE["installed"] = 1
    ORIGINALS.update(draw_first_line=text.draw_first_line, to_bytes=pydyf._to_bytes)
    if pango.pango_version() >= 14802:  # older: WeasyPrint takes the style's font size
        text.draw_first_line = _fast_first_line(text.draw_first_line)
    pydyf._to_bytes = _fast_to_bytes(pydyf._to_bytes)


def _fast_to_bytes(original: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    def to_bytes(item: Any) -> bytes:
        kind = type(item)
        if kind is bytes:
            return item  # type: ignore[no-any-return]
        if kind is str or kind is int:
            return str(item).encode("ascii")
        return original(item)

    return to_bytes


def _fast_first_line(original: Callable[..., Any]) -> Callable[..., Any]:
    """Return WeasyPrint's ``draw_first_line`` (``original``), its common case quicker."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    size = _INFO.size

    def plain(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str,
              matrix: Any) -> Any:
        _STATE["plain"] += 1
        return original(stream, textbox, text_overflow, block_ellipsis, matrix)

    def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str,
                        matrix: Any) -> Any:
        if text_overflow == "ellipsis" or block_ellipsis != "none":
            return plain(stream, textbox, text_overflow, block_ellipsis, matrix)
        if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
            return []
        layout = textbox.pango_layout
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        first_line, _ = layout.get_first_line()
        runs = []  # (glyph item, glyph string, its glyphs, (Pango font, font, size) or None)
        run, previous = first_line.runs[0], None
        while run != ffi.NULL:
            item, run = run.data, run.next
            glyphs = item.glyphs
            infos = list(_INFO.iter_unpack(ffi.buffer(glyphs.glyphs, glyphs.num_glyphs * size)))
            if any(rise or (glyph & unknown and glyph != empty)
                   for glyph, _, _, rise, _ in infos):
                return plain(stream, textbox, text_overflow, block_ellipsis, matrix)
            new = None
            pango_font = item.item.analysis.font
            if pango_font != previous:  # fonts added in the order WeasyPrint adds them
                previous = pango_font
                font, font_size = stream.add_font(pango_font)
                if font.bitmap or font.png or font.svg or font.colr:
                    return plain(stream, textbox, text_overflow, block_ellipsis, matrix)
                new = (pango_font, font, font_size)
            runs.append((item, glyphs, infos, new))
        stream.set_text_matrix(*matrix.values)
        _draw_runs(stream, layout, runs, FROM_UNITS, empty)
        _STATE["fast"] += 1
        return []

    return draw_first_line


def _draw_runs(stream: Any, layout: Any, runs: list[Any], from_units: float,
               empty: int) -> None:
    """Show the glyphs of ``runs`` as WeasyPrint's ``draw_first_line`` does (none raised)."""
    from weasyprint.text.ffi import pango

    string = ""
    utf8_text = None
    pango_font: Any = None
    font_size: Any = None
    to_unicode: Any = None
    widths: Any = None
    for item, glyphs, infos, new in runs:
        if new is not None:
            pango_font, font, font_size = new
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, font_size)
            to_unicode, widths = font.to_unicode, font.widths
        parts = ["<"]
        add = parts.append
        last = len(infos) - 1
        for i, (glyph_id, width, x_offset, _, _) in enumerate(infos):
            if glyph_id == empty:
                add(f">{-width / font_size}<")
                continue
            if glyph_id not in to_unicode:  # positions of the glyph in the UTF-8 string
                clusters, offset = glyphs.log_clusters, item.item.offset
                t1 = clusters[i]
                if item.item.analysis.level % 2:  # rtl
                    t2 = item.item.length if i == 0 else clusters[i - 1]
                else:
                    t2 = item.item.length if i == last else clusters[i + 1]
                utf8_text = utf8_text or layout.text.encode()
                to_unicode[glyph_id] = utf8_text[offset + t1:offset + t2].decode()
            offset = x_offset / font_size
            if offset:
                add(f">{-offset}<")
            add(f"{glyph_id:04x}")
            logical_width = widths.get(glyph_id)
            if logical_width is None:
                pango.pango_font_get_glyph_extents(
                    pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
                logical_width = widths[glyph_id] = round(
                    stream.logical_rect.width * 1000 * from_units / font_size)
            kerning = logical_width + offset - width * 1000 * from_units / font_size
            if kerning:
                add(f">{int(kerning)}<")
        string += "".join(parts)
        string = string[:-1] if string[-1] == "<" else string + ">"
    stream.show_text(string)
