"""Painting and writing done once: the third module that knows WeasyPrint's inside.

Two speed tricks, each giving the bytes it would without it. **Each object's bytes made
once per PDF** (:func:`write_once`): pydyf made them twice. **Shared pages painted once
per process**, for a roster's packets:

A roster's packets share most of their pages (:mod:`.compose` lays them out once), but
WeasyPrint paints every page of every PDF it writes: each recipient's PDF drew the
guides' pages again. A page marked with :func:`keep` is painted once, into a stream of
its own with fonts, resources and tags of its own (a *recording*); every PDF that has
the page then gets what that painting appended to its stream, its glyphs' widths and
texts, its transparency states, its images and its marked content, as painting would
have added them. The bytes are those of a painted page, because a recording is used
only where they must be:

* the page's stream holds what it held when the page was recorded (its transform), and
  no marked content yet;
* a glyph's width, once a PDF's font knows it, sets the spacing of every later use of
  the glyph, and WeasyPrint rounds it from the size it first met it at: where the PDF's
  fonts know a glyph of the page with another width (a cover's title at another size),
  the page is recorded again with those widths known, once per such set;
* no font of the PDF waits for a glyph's text from a later line (:mod:`.engine_writing`
  takes it from the next line drawn with that glyph);
* the recording drew no group, pattern, shading or graphics state of the kind named by
  a count (names that depend on the pages before), no emoji or bitmap font, no glyph a
  font lacks, and logged nothing.

Otherwise the page is painted as usual. What it buys is measured in ``bench/packets.py``
(see :mod:`guidegen.renderers.speed`).
"""

from __future__ import annotations

import copy
import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .engine_writing import clean_unicode

_MARK = "_guidegen_painting"  # a kept page's attribute: its recordings
_installed = False
Seed = tuple[tuple[str, int, int], ...]  # (font, glyph, width) the PDF knew otherwise


@dataclass(frozen=True)
class _Recording:
    """What painting a page added to a fresh stream, fonts, resources and tags."""

    ops: tuple[Any, ...]  # the operators painting appended
    fonts: dict[str, Any]  # WeasyPrint's fonts, by key, with the glyphs painted
    states: dict[str, Any]  # the transparency states (ExtGState), by name
    images: dict[str, Any]  # the images, by name, as the stream keeps them
    tags: dict[Any, dict[str, Any]] | None  # box -> its marked content (tag, MCID)


_NEVER = "never"  # a painting that cannot be replayed


def keep(pages: list[Any]) -> None:
    """Let each of WeasyPrint's ``pages`` be painted once and replayed in every PDF after."""
    _install()
    for page in pages:
        if not hasattr(page, _MARK):
            setattr(page, _MARK, {})


def _install() -> None:
    """Put a replaying ``paint`` in the place of WeasyPrint's ``Page.paint`` (once)."""
    global _installed
    if _installed:
        return
    from weasyprint.document import Page

    original = Page.paint

    def paint(page: Any, stream: Any, scale: float = 1) -> None:
        recordings = getattr(page, _MARK, None)
        if recordings is None or stream._tags:
            original(page, stream, scale)
            return
        key = (scale, stream._tags is not None, bool(stream.compress), tuple(stream.stream))
        found = recordings.get(key)
        if found is None:
            found = recordings[key] = _record(original, page, stream, scale, ())
        if found is not _NEVER:
            seed = _seed(found, stream._fonts)
            if seed:
                found = recordings.get((*key, seed))
                if found is None:
                    found = recordings[(*key, seed)] = _record(original, page, stream, scale,
                                                               seed)
        if found is _NEVER or _waiting(found, stream._fonts):
            original(page, stream, scale)
        else:
            _replay(found, stream)

    Page.paint = paint
    _installed = True


class _Heard(logging.Handler):
    """Notes whether WeasyPrint logged anything."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.heard = False

    def emit(self, record: logging.LogRecord) -> None:
        self.heard = True


def _record(paint: Any, page: Any, stream: Any, scale: float, seed: Seed) -> Any:
    """Return the recording of ``page`` painted into a fresh copy of ``stream``.

    Its fonts know the widths ``seed`` gives, as the PDF's fonts know them.
    """
    import pydyf

    resources = pydyf.Dictionary({name: pydyf.Dictionary() for name in
                                  ("ExtGState", "XObject", "Pattern", "Shading")})
    resources["ColorSpace"] = stream._resources["ColorSpace"]
    fonts: dict[str, Any] = {}
    for name, glyph, width in seed:
        if name not in fonts:
            fonts[name] = _empty(stream._fonts[name])
        fonts[name].widths[glyph] = width
    fresh = stream.clone(fonts=fonts, resources=resources, images={},
                         tags=None if stream._tags is None else {})
    fresh.stream = list(stream.stream)
    fresh._ctm_stack = list(stream._ctm_stack)
    heard = _Heard()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(heard)
    try:
        paint(page, fresh, scale)
    finally:
        logger.removeHandler(heard)
    before = len(stream.stream)
    if heard.heard or fresh.stream[:before] != stream.stream or resources["Pattern"] \
            or resources["Shading"] or set(resources["XObject"]) != set(fresh._images) \
            or any(not name.startswith(("a", "A")) for name in resources["ExtGState"]) \
            or any(font.bitmap or font.png or font.svg or font.colr or font.missing
                   or getattr(font.to_unicode, "missing", None) for font in fonts.values()):
        return _NEVER
    return _Recording(tuple(fresh.stream[before:]), dict(fonts),
                      dict(resources["ExtGState"]), dict(fresh._images),
                      None if fresh._tags is None else dict(fresh._tags))


def _empty(font: Any) -> Any:
    """Return a copy of WeasyPrint's ``font`` that knows no glyph yet."""
    found = copy.copy(font)
    found.widths, found.to_unicode, found.missing = {}, {}, {}
    return found


def _seed(recording: _Recording, fonts: dict[str, Any]) -> Seed:
    """Return the widths the PDF's ``fonts`` know otherwise than ``recording`` measured."""
    seed = []
    for name, font in recording.fonts.items():
        known = fonts.get(name)
        if known is None:
            continue
        widths = known.widths
        seed += [(name, glyph, widths[glyph]) for glyph, width in font.widths.items()
                 if widths.get(glyph, width) != width]
    return tuple(seed)


def _waiting(recording: _Recording, fonts: dict[str, Any]) -> bool:
    """Return whether a font of the page waits for a glyph's text from its next line."""
    return any(getattr(fonts[name].to_unicode, "missing", None)
               for name in recording.fonts if name in fonts)


def _replay(recording: _Recording, stream: Any) -> None:
    """Add to ``stream`` (and its PDF's fonts, resources, images, tags) the recorded page."""
    fonts = stream._fonts
    for name, font in recording.fonts.items():
        known = fonts.get(name)
        if known is None:
            known = fonts[name] = _empty(font)
        for glyph, width in font.widths.items():
            known.widths.setdefault(glyph, width)
        for glyph, text in font.to_unicode.items():
            if glyph not in known.to_unicode:
                dict.__setitem__(known.to_unicode, glyph, text)
    if recording.fonts:  # a line of text drawn: every font's map is kept clean
        clean_unicode(fonts)
    states = stream._resources["ExtGState"]
    for name, state in recording.states.items():
        if name not in states:
            states[name] = copy.copy(state)
    images, objects = stream._images, stream._resources["XObject"]
    for name, image in recording.images.items():
        objects[name] = None
        if name in images:
            images[name]["dpi_ratios"] |= image["dpi_ratios"]
        else:
            images[name] = {**image, "dpi_ratios": set(image["dpi_ratios"]), "x_object": None}
    if recording.tags is not None:
        stream._tags.update({box: dict(mark) for box, mark in recording.tags.items()})
    stream.stream.extend(recording.ops)


# -- each object's bytes made once per PDF ---------------------------------------------------

_WRITING = threading.local()  # .made: id -> (object, its bytes) while this thread writes a PDF
_writing_installed = False


def write_once() -> None:
    """Make pydyf compute each stream's and dictionary's bytes once per PDF it writes.

    pydyf's ``PDF.write`` makes every object's bytes to write them, then all of them
    again to hash them for the file identifier: each page's stream and each font file
    joined and compressed twice. Nothing changes in between, so the first are kept
    while it writes. Installed once per process.
    """
    global _writing_installed
    if _writing_installed:
        return
    import pydyf

    original = pydyf.PDF.write

    @functools.wraps(original)
    def write(pdf: Any, *args: Any, **kwargs: Any) -> Any:
        _WRITING.made = {}
        try:
            return original(pdf, *args, **kwargs)
        finally:
            _WRITING.made = None

    pydyf.PDF.write = write
    for kind in (pydyf.Stream, pydyf.Dictionary):
        kind.data = property(_made_once(kind.__dict__["data"].fget))
    _writing_installed = True


def _made_once(data: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    def once(self: Any) -> bytes:
        made: dict[int, tuple[Any, bytes]] | None = getattr(_WRITING, "made", None)
        if made is None:
            return data(self)
        found = made.get(id(self))
        if found is None or found[0] is not self:
            found = made[id(self)] = (self, data(self))
        return found[1]

    return once


__all__ = ["keep", "write_once"]
