"""A PDF as the preview shows it: its pages as pictures, its sections, its title.

pypdfium2 (PDFium, the PDF engine of Chromium) draws the pages: what the preview shows
is the PDF that prints, not a second rendering of the HTML. A page is drawn when it is
first asked for and kept while the PDF is the same; PDFium is not thread-safe, so one
lock serves every call.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any

SCALE = 1.5  # pixels per point: an A4 page 893 pixels wide


@dataclass(frozen=True)
class Section:
    """One entry of the PDF's outline: its title, depth (0: top) and page (0-based)."""

    title: str
    level: int
    page: int


@dataclass
class Printed:
    """One PDF, opened once: its pages' sizes in points, outline and title; pictures."""

    data: bytes
    sizes: list[tuple[float, float]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    title: str = ""
    _pdf: Any = None
    _pictures: dict[int, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, data: bytes) -> Printed:
        """Return the PDF ``data`` opened, with its sizes, outline and title read."""
        import pypdfium2

        with _LOCK:
            pdf = pypdfium2.PdfDocument(data)
            printed = cls(data, _pdf=pdf)
            printed.sizes = [pdf.get_page_size(n) for n in range(len(pdf))]
            printed.title = str(pdf.get_metadata_dict().get("Title") or "")
            for mark in pdf.get_toc():
                dest = mark.get_dest()
                index = dest.get_index() if dest is not None else None
                if index is not None:
                    printed.sections.append(Section(mark.get_title(), mark.level, index))
        return printed

    def picture(self, number: int) -> bytes | None:
        """Return page ``number`` (0-based) as a PNG, or None if there is no such page."""
        if not 0 <= number < len(self.sizes):
            return None
        with _LOCK:
            if number not in self._pictures:
                page = self._pdf[number]
                image = page.render(scale=SCALE).to_pil()
                buffer = io.BytesIO()
                image.save(buffer, "PNG", compress_level=1)
                self._pictures[number] = buffer.getvalue()
                page.close()
            return self._pictures[number]

    def close(self) -> None:
        """Let PDFium free the document."""
        with _LOCK:
            if self._pdf is not None:
                self._pdf.close()
                self._pdf = None
            self._pictures.clear()


_LOCK = threading.Lock()
