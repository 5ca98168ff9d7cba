"""The print room's file: every recipient's packet in one PDF, each padded for duplex.

A print shop takes one file, not two hundred. :func:`print_room` puts the packets'
pages one after another (in roster order), each packet followed by blank pages up to an
even page count (or a multiple of 4, for booklets), so every packet starts on a new
sheet, and bookmarks each packet by its recipient, with the packet's own bookmarks
beneath. The pages are copied as they are (pikepdf, qpdf underneath: the only module
that knows it); links inside a packet that go through named destinations do not survive
the copy, which paper does not miss. The file is the same bytes for the same packets.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Sequence
from typing import Any


def print_room(packets: Sequence[tuple[str, bytes]], multiple: int) -> tuple[bytes, int]:
    """Return the PDF of ``packets`` (recipient, PDF) in order, each padded; and its pages.

    Each packet gets blank pages after it (of its last page's size) up to a multiple of
    ``multiple`` pages.
    """
    import pikepdf

    whole = pikepdf.Pdf.new()
    marks = []
    opened = []  # the sources stay open until the file is saved
    for name, data in packets:
        source = pikepdf.Pdf.open(io.BytesIO(data))
        opened.append(source)
        start = len(whole.pages)
        with warnings.catch_warnings():  # named destinations: see the module's docstring
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            whole.pages.extend(source.pages)
        box = [float(v) for v in source.pages[-1].mediabox]
        for _ in range(-len(source.pages) % multiple):
            whole.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
        mark = pikepdf.OutlineItem(name, start)
        with source.open_outline() as outline:
            pages = {page.objgen: index for index, page in enumerate(source.pages)}
            mark.children.extend(_copied(outline.root, pages, start))
        marks.append(mark)
    with whole.open_outline() as outline:
        outline.root.extend(marks)
    out = io.BytesIO()
    whole.save(out, deterministic_id=True)
    count = len(whole.pages)
    for source in opened:
        source.close()
    return out.getvalue(), count


def _copied(items: Iterable[Any], pages: dict[Any, int],
            start: int) -> list[Any]:
    """Return the outline ``items`` as new items, their pages moved ``start`` on."""
    import pikepdf

    found = []
    for item in items:
        target = item.destination
        if target is None and item.action is not None:
            target = item.action.get("/D")
        page = 0
        if isinstance(target, pikepdf.Array) and len(target) and \
                isinstance(target[0], pikepdf.Dictionary):
            page = pages.get(target[0].objgen, 0)
        copy = pikepdf.OutlineItem(str(item.title), start + page)
        copy.children.extend(_copied(item.children, pages, start))
        found.append(copy)
    return found


__all__ = ["print_room"]
