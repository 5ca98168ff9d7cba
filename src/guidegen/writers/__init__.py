"""Writers turn a validated guide into the bytes of one output format.

Writers are looked up by format name (like pandoc's). Each module defines
``write(guide, context) -> Rendered`` and ``EXTENSION``; modules are imported only
when their format is asked for, so ``guidegen check`` never loads WeasyPrint.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..model import Guide
    from ..theme import Theme

WRITERS = {"pdf": "guidegen.writers.pdf", "docx": "guidegen.writers.docx",
           "html": "guidegen.writers.html"}
DEFAULT_FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class RenderContext:
    """What every writer needs besides the guide: theme, templates, options, date.

    ``pages_hint`` is the page count of the guide's PDF when it was rendered first:
    the DOCX writes it as the cached value of its NUMPAGES field.
    """

    theme: Theme
    folders: tuple[Path, ...]
    date: datetime.datetime | None = None
    pdf_variant: str | None = "pdf/ua-1"
    time_limit: float | None = None
    pages_hint: int | None = None


@dataclass(frozen=True)
class Rendered:
    """One output in memory: its bytes and, where the format has them, its page count."""

    data: bytes
    pages: int | None = None


Writer = Callable[["Guide", RenderContext], Rendered]


def get_writer(name: str) -> tuple[Writer, str]:
    """Return the ``write`` function and file extension of the format called ``name``."""
    try:
        module = importlib.import_module(WRITERS[name])
    except KeyError:
        raise UsageError(f"unknown format {name!r} (known: {', '.join(WRITERS)})") from None
    return module.write, module.EXTENSION
