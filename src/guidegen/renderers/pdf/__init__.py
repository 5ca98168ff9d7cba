"""The PDF renderer: the document's HTML laid out by WeasyPrint, tagged for accessibility.

Two steps (:mod:`.steps`): :func:`prepare_layout` draws the HTML (it needs Jinja and the
tree), :func:`lay_out` runs WeasyPrint on it (it needs nothing else), so a helper process
that only imported WeasyPrint can do the second step while this one builds the DOCX.
The first step's module (:mod:`.handoff`) is all this package imports at first: the
second's, with WeasyPrint's adapter, the preflight and the page readers, are imported
when one of their names is first asked for (a speed trick: the main process does not
import them before it hands the layout to the helper, :mod:`..speed`).
WeasyPrint itself is behind :mod:`.engine`, the only module that knows its inside. After
every layout the preflight (:mod:`.preflight`) reads the laid-out pages and reports
what a reader would notice, located in the guide; a character no font has is an error
(:mod:`.glyphs`). A roster's packets lay out only their own pages where that is exact
(:mod:`.compose`).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .. import RenderContext, Rendered
from ..speed import settle, warm_hyphenation
from .handoff import Layout, prepare_layout

if TYPE_CHECKING:
    from ...common.language import Language
    from ...tree import Document
    from . import engine  # noqa: F401  (asked for as an attribute, see __getattr__)
    from .steps import laid_out, laid_pages, lay_out, written

_STEPS = ("laid_out", "laid_pages", "lay_out", "written")  # imported when first asked for


def warm_up(language: Language | None) -> None:
    """Import WeasyPrint, make its font configuration, load ``language``'s hyphenation.

    A fresh helper's or worker's wait, before its memory limit (``--memory-limit``): a
    spawned worker that first read fontconfig's configuration under a tight limit printed
    "Fontconfig error: Cannot load default config file" dozens of times over the build's
    message (1 build in 8 at ``--memory-limit 1``, portable). The first layout needs it
    anyway (8 ms: :func:`.engine.make_font_configuration`).
    """
    from . import engine, steps  # noqa: F401  (steps: what the helper lays out with)

    engine.load()
    engine.make_font_configuration()
    if language is not None:
        warm_hyphenation(language.tag)
    settle()  # WeasyPrint imported: what the helper made is kept (..speed)


def idle(waiting: Callable[[], bool]) -> None:
    """Make what the first layout needs, until ``waiting()`` (a helper, before its document).

    Its font configuration, lxml (:mod:`..speed.parse`), and the style rules of the last
    helper's documents (:func:`..speed.css.premake`): speed tricks, measured in :mod:`..speed`.
    """
    from ...caches import cache_folder
    from ..speed.css import premake
    from ..speed.parse import load
    from . import engine

    if not waiting():
        engine.make_font_configuration()
    if not waiting():
        load()  # the fast parse's lxml (:mod:`..speed.parse`)
    premake(cache_folder(), waiting, engine.refusing_fetcher())


def keep_for_next() -> None:
    """Save the stylesheets laid out lately, for the next helper's :func:`idle`."""
    from ...caches import cache_folder
    from ..speed.css import save_laid

    save_laid(cache_folder())


def render(document: Document, context: RenderContext) -> Rendered:
    """Return the document as a PDF: page numbers, outline, metadata, embedded fonts.

    With a shared document in ``context``, only the pages that differ from it are laid
    out where that is exact (:mod:`.compose`).
    """
    if context.shared is not None:
        from .compose import compose

        composed = compose(document, context)
        if composed is not None:
            return composed
    from .steps import lay_out

    return lay_out(prepare_layout(document, context))


def __getattr__(name: str) -> Any:
    """Return the step ``name`` or the module ``engine``, imported when first asked for."""
    if name in _STEPS:
        return getattr(import_module(f"{__name__}.steps"), name)
    if name == "engine":
        return import_module(f"{__name__}.engine")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Layout", "idle", "keep_for_next", "laid_out", "laid_pages", "lay_out",
           "prepare_layout", "render", "warm_up", "written"]
