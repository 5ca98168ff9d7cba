"""The library API behind the CLI: check guides, build them, render one in memory.

The pipeline is content → layout → render → write. Like mkdocs, everything is gathered
and checked first (all guides and packets, theme, templates), then laid out and
rendered in memory, and only when every requested output has rendered are the files
written, atomically and all at once (:mod:`.outputs`). A failed build leaves the
previous outputs untouched; only a roster's packets are written batch by batch as they
render (:mod:`.packets`), the guides built with them still at the end. Outputs whose
inputs (guide, templates, theme, options) have not changed since they were written are
not rendered again unless ``force``.

Each function here is one build session (:class:`~.session.Session`) made from the
options; a program that builds again and again (a watch loop) keeps a session instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..renderers import Rendered
from .base import PathLike
from .guides import find_guides, source_date
from .jobs import Output
from .options import BuildOptions
from .session import Checked, Session

if TYPE_CHECKING:
    from ..content.model import Guide


def check(guides: Sequence[PathLike], options: BuildOptions) -> Checked:
    """Return the validated guides and packets; raise one error listing every problem found.

    The templates are checked as the writers need them, the dates, the labels and the
    output files: what ``check`` accepts, ``build`` builds.
    """
    with Session(options) as session:
        return session.check(guides)


def build(guides: Sequence[PathLike], options: BuildOptions) -> list[Output]:
    """Build ``guides`` (default: every guide in the content folder) into the output folder.

    Return one :class:`Output` per output file, written or found up to date. Raise a
    :class:`~guidegen.errors.GuidegenError`, and write nothing, if anything fails.
    """
    with Session(options) as session:
        return session.build(guides)


def render(guide: Guide, formats: Sequence[str] = ("pdf", "docx"),
           options: BuildOptions | None = None) -> dict[str, Rendered]:
    """Return ``guide`` rendered in memory to each of ``formats``; write nothing."""
    with Session((options or BuildOptions()).replace(formats=tuple(formats))) as session:
        return session.render(guide)


__all__ = ["Checked", "build", "check", "find_guides", "render", "source_date"]
