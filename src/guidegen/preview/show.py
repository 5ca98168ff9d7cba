"""What the preview shows: the last good rendering, and the last build's problems.

A failed build (a content, template or preflight error) leaves the last good PDF and
HTML in place; its problems, each with its source line, are shown over them until a
build succeeds again. Warnings of a good build are shown beside it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ..errors import Problem
from ..excerpts import source_excerpt
from .loop import Result
from .pages import Printed


class Shown:
    """The rendering the preview shows and the state of its last build."""

    def __init__(self) -> None:
        self.printed: Printed | None = None
        self.html_data: bytes | None = None
        self.last: Result | None = None
        self.shown_generation = 0  # of the rendering shown (the last good build)
        self._lock = threading.Lock()

    def update(self, result: Result) -> None:
        """Take the outputs of ``result`` if it succeeded; its problems in any case."""
        printed = html = None
        if result.outputs is not None:
            pdf = _output(result, "pdf")
            if pdf is not None:
                printed = Printed.of(pdf.read_bytes())
            page = _output(result, "html")
            html = page.read_bytes() if page is not None else None
        with self._lock:
            self.last = result
            if result.outputs is not None:
                old, self.printed, self.html_data = self.printed, printed, html
                self.shown_generation = result.generation
                if old is not None:
                    old.close()

    def state(self) -> dict[str, Any]:
        """Return what the page shows, as JSON data."""
        with self._lock:
            printed, last = self.printed, self.last
            return {
                "generation": last.generation if last is not None else 0,
                "shown": self.shown_generation,
                "ok": last.ok if last is not None else True,
                "title": printed.title if printed is not None else "",
                "pages": [{"width": w, "height": h} for w, h in printed.sizes] if printed
                else [],
                "sections": [{"title": s.title, "level": s.level, "page": s.page}
                             for s in printed.sections] if printed else [],
                "html": self.html_data is not None,
                "summary": last.summary if last is not None else None,
                "problems": [_problem(p) for p in last.problems] if last is not None else [],
                "seconds": round(last.seconds, 3) if last is not None else 0,
            }

    def picture(self, number: int) -> bytes | None:
        """Return page ``number`` of the rendering shown as a PNG (None if there is none)."""
        with self._lock:
            printed = self.printed
        return printed.picture(number) if printed is not None else None

    def html(self) -> bytes | None:
        """Return the HTML output of the rendering shown."""
        with self._lock:
            return self.html_data


def _output(result: Result, fmt: str) -> Path | None:
    return next((o.path for o in result.outputs or () if o.format == fmt), None)


def _problem(problem: Problem) -> dict[str, Any]:
    return {"severity": problem.severity, "text": str(problem),
            "where": str(problem.location), "source": source_excerpt(problem.location)}
