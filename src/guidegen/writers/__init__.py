"""Writers turn a validated guide into the bytes of one output format.

Writers are looked up by format name (like pandoc's). Each module defines
``write(guide, context) -> Rendered``; modules are imported only when their format
is rendered, so ``guidegen check`` and an up-to-date build never load WeasyPrint.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..model import Guide
    from ..theme import Theme

# format name -> (module, file extension); the PDF first, the DOCX reuses its page count.
WRITERS = {"pdf": ("guidegen.writers.pdf", "pdf"), "docx": ("guidegen.writers.docx", "docx"),
           "html": ("guidegen.writers.html", "html")}
DEFAULT_FORMATS = ("pdf", "docx")
# --pdf-variant name -> WeasyPrint's pdf_variant; every variant is tagged.
PDF_VARIANTS = {"ua-1": "pdf/ua-1", "a-3b": "pdf/a-3b", "tagged": None}


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


def check_formats(names: Iterable[str]) -> list[str]:
    """Return the format ``names`` without repeats, in rendering order; reject unknown ones."""
    chosen = set(names)
    unknown = sorted(chosen - set(WRITERS))
    if unknown:
        raise UsageError(f"unknown format {unknown[0]!r} (known: {', '.join(WRITERS)})")
    return [name for name in WRITERS if name in chosen]


def extension(name: str) -> str:
    """Return the file extension of format ``name``, without importing its writer."""
    return WRITERS[name][1]


def get_writer(name: str) -> Writer:
    """Return the ``write`` function of the format called ``name``."""
    check_formats([name])
    return importlib.import_module(WRITERS[name][0]).write


def prepare_writer(name: str) -> Callable[[Guide, RenderContext],
                                          Callable[[int | None], Rendered]]:
    """Return the ``prepare`` function of format ``name``.

    It builds everything but what depends on the PDF's page count, and returns the
    function that finishes the output given that count.
    """
    check_formats([name])
    module = importlib.import_module(WRITERS[name][0])
    if hasattr(module, "prepare"):
        return module.prepare

    def prepare(guide: Guide, context: RenderContext) -> Callable[[int | None], Rendered]:
        result = module.write(guide, context)
        return lambda pages: result

    return prepare
