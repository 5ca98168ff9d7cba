"""A speed trick of the fitter: the level a guide settled at last time, laid out at once.

A fitted guide is laid out twice on a cold build's critical path: its first layout says
how full its pages are, then the fitter's first try (:mod:`.fitting`), most often the
level kept, is laid out after it. The level a guide settles at hardly moves between its
builds, so each build keeps it in the project's cache folder (:func:`remember`, in
``fit-hints.json``, by the guide's path and the settings' fingerprints: it outlives an
edit of the guide): each build whose PDF the helper lays out, that is, of one document
to render, a PDF and another format, more than one process (a build of several renders
them in workers, without a helper: it keeps and reads no hint). The next build reads it
(:func:`hinted`) and, where the PDF helper can fork its twin, hands the twin the guide
laid out at that level (:func:`start`), written ahead, beside the helper's first layout,
while this process writes the DOCX at that level straight away
(:func:`guidegen.builder.scheduler._render` moves it to another level where the fitter
settles elsewhere). When the fitter's first try is that level, its pages are already
there, or on their way (:class:`Hinted`); when it is not, the twin's answer is read and
dropped, and the search goes on as without a hint. Either way the levels tried and kept,
and so every byte of the outputs, are those of a build without the hint: a hint only
says what to lay out early.

The file is not trusted beyond who wrote it (a project may come with its cache folder):
read only if this user alone could write it, at most :data:`_MAX_BYTES`, every entry a
hash and levels of the fitter's ladder, else none is taken. Where processes are spawned
(no twin) nothing is read.

What it buys (bench/README.md, "Fitting's layouts"): the default guide's try no longer
waits for its first layout; ``bench/critical.py`` against the code before (load 3.4):
critical path 910 ms of CPU instead of 958 (medians 965 and 1112), the main process's CPU
779 instead of 816; wall clock at load 5, 15 builds each in turns: median 1714 ms instead
of 1772. It needs a free core: the twin's layout competes with the DOCX.
"""

from __future__ import annotations

import json
import re
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..caches import cache_folder, keep, trusted
from ..errors import GuidegenError
from ..renderers import RENDERERS
from .fitting import LADDER
from .limits import limited_time

if TYPE_CHECKING:
    from ..renderers import RenderContext
    from ..tree import Document
    from .fitting import Fit, Levels
    from .processes import PdfHelper

HINT_FILE = "fit-hints.json"  # in the cache folder
_MAX_BYTES = 1 << 16  # a file bigger is not read (_KEEP hints take about 6 kB)
_KEEP = 64  # guides whose hint is kept, the latest last
_KEY = re.compile(r"[0-9a-f]{64}")
_LEVELS = frozenset({0.0, *LADDER})


class Task(Protocol):
    """What :func:`start` reads of a task (:class:`~.scheduler.Task`)."""

    @property
    def fit(self) -> Fit | None:
        """Return how the task's document is fitted to its pages."""

    @property
    def context(self) -> RenderContext:
        """Return what renders the task's document."""

    @property
    def time_limit(self) -> float | None:
        """Return the seconds each of its renders may take."""

    def what(self, name: str) -> str:
        """Return how messages name rendering the task's document as ``name``."""
        ...


@dataclass
class Hinted:
    """The guide laid out at its hinted ``levels``, handed to ``twin``: its answer to read."""

    levels: Levels
    document: Document
    context: RenderContext
    twin: PdfHelper
    pending: bool = True  # its answer still to be read


def hinted(fit: Fit) -> Levels | None:
    """Return the levels ``fit``'s guide settled at last time, if a hint says (not 0)."""
    if not fit.hint or fit.parts:
        return None
    levels = _read(cache_folder() / HINT_FILE).get(fit.hint)
    return levels if levels is not None and any(levels) else None


def remember(fit: Fit, levels: Levels) -> None:
    """Keep ``levels`` as ``fit``'s guide's hint (written only if it changed)."""
    if not fit.hint or fit.parts:
        return
    folder = cache_folder()
    hints = _read(folder / HINT_FILE)
    if hints.get(fit.hint) == levels:
        return
    hints.pop(fit.hint, None)
    hints[fit.hint] = levels
    kept = {key: list(value) for key, value in list(hints.items())[-_KEEP:]}
    keep(folder / HINT_FILE, json.dumps(kept).encode())


def fork_twin(task: Task, helper: PdfHelper) -> Levels | None:
    """Return the hinted levels of ``task``'s guide, its helper's twin forked for them.

    None (nothing forked) without a hint, or where the helper has no twin. Called just
    before the first layout is handed over: the helper forks the twin first, and each
    makes style rules while it waits (:func:`.serving._serve`).
    """
    fit = task.fit
    if fit is None or not helper.may_twin:
        return None
    levels = hinted(fit)
    if levels is None or helper.twin() is None:
        return None
    return levels


def start(task: Task, helper: PdfHelper, levels: Levels) -> Hinted | None:
    """Hand the twin ``task``'s guide laid out at ``levels``, written ahead; None if it cannot.

    A content error at that level is left for the fitter to find, should it try it.
    """
    twin, fit = helper.twin(), task.fit
    if twin is None or fit is None:
        return None
    pdf = next(renderer for renderer in RENDERERS.values() if renderer.runs_in_helper)
    try:
        with limited_time(task.time_limit, task.what(pdf.name)):
            document, context = fit.document(levels, task.context)
            layout = pdf.module().prepare_layout(document, context)
    except GuidegenError:
        return None
    twin.submit(layout, task.time_limit, early=True, ahead=True)
    return Hinted(levels, document, context, twin)


def drop(hint: Hinted | None) -> None:
    """Read the twin's answer for ``hint`` if it is still to be read, and drop it.

    An error laying the hinted level out is not this build's: the fitter did not try it.
    """
    if hint is None or not hint.pending:
        return
    hint.pending = False
    with suppress(GuidegenError):
        if hint.twin.laid_out() is None:
            hint.twin.result()  # its error, read


def _read(path: Path) -> dict[str, Levels]:
    """Return the hints kept in ``path``: none if it is not ours, too big or not all hints."""
    if not trusted(path):
        return {}
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_BYTES + 1)
        if len(data) > _MAX_BYTES:
            return {}
        found = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(found, dict) or len(found) > _KEEP:
        return {}
    hints: dict[str, Levels] = {}
    for key, levels in found.items():
        if not (_KEY.fullmatch(key) and isinstance(levels, list) and len(levels) == 1
                and all(type(level) in (int, float) and level in _LEVELS for level in levels)):
            return {}
        hints[key] = tuple(float(level) for level in levels)
    return hints
