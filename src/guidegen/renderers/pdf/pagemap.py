"""Where WeasyPrint's layout put things, for the formats that cache the PDF's page numbers.

The DOCX has no layout engine of its own, so its cached field results (NUMPAGES, each
part's page count, the table of contents) come from the PDF's: :func:`page_map` reads
the laid-out document's pages for the page of every anchor (``id``) and the pages left
blank before a part that starts on a right-hand page.
"""

from __future__ import annotations

from .. import PageMap
from .engine import Laid


def page_map(document: Laid) -> PageMap:
    """Return the page count, each anchor's first page and the blank pages of ``document``."""
    anchors: dict[str, int] = {}
    blank = []
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
        if page.blank:
            blank.append(number)
    return PageMap(len(document.pages), tuple(sorted(anchors.items(), key=lambda a: a[1])),
                   tuple(blank))
