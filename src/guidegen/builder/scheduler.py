"""Where renders run: in this process, beside a PDF helper process, or in a worker pool.

Which format lays out pages, which take its page map and which a helper may lay out is
the renderers' registry's to say (:data:`~guidegen.renderers.RENDERERS`); the PDF is all
of the first and the last, the DOCX takes its page map.

This module is the one interface to guidegen's speed machinery for rendering,
:class:`Scheduler`; the processes it uses are started (forked on Linux, spawned
elsewhere: :mod:`guidegen.system`) and spoken to by :mod:`.processes`, and the limits
every render runs under are in :mod:`.limits`:

* **PDF helper.** With a second core, a forked helper process lays out the PDF while
  this process builds the DOCX and the HTML. :meth:`Scheduler.warm_up` forks it as
  soon as the build knows something must render, before the content loads, so its
  WeasyPrint import (about half of a cold build) overlaps loading; an up-to-date
  build forks nothing. The DOCX waits only for the PDF's page count (the cached value of
  its NUMPAGES field). The helper stays for later builds in the same program (a watch
  loop) and dies with it.
* **Pool.** Several documents with ``jobs`` of 2 or more render in forked worker
  processes, whole documents each.
* **Time limit.** Every render runs under :func:`limited_time` (the pipeline puts
  loading and writing under it too).
* **Memory limit.** Helper and worker processes may take ``memory_limit`` megabytes
  on top of what they held after their imports (:func:`guidegen.native.limit_memory`;
  a worker while it renders, :func:`.pool.worker_rendering`);
  a render past it stops with a :class:`RenderError`, or its process dies and this one
  says so. This process sets no limit: C libraries (GLib) abort instead of failing.
* **Ctrl-C** stops the pool's renders under way at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .. import testhook
from ..errors import OUT_OF_MEMORY, GuidegenError, RenderError, rewarn
from ..native import lifting
from ..renderers import (
    RENDERERS,
    Finisher,
    PageMap,
    RenderContext,
    Rendered,
    get_preparer,
    helped,
    paginating,
)
from .limits import limited_time, memory_hint
from .pool import start_pool, worker_rendering
from .processes import PdfHelper, forked_first, may_use_helper, settle_first_helper
from .trials import Made, Pages

if TYPE_CHECKING:
    from ..tree import Document
    from .fithint import Hinted
    from .fitting import Fit, Levels
    from .options import BuildOptions

Results = dict[str, tuple[Rendered, float]]
Finishers = dict[str, tuple[Finisher, float]]  # each format's, and the seconds it took


@dataclass(frozen=True)
class Task:
    """One document to render to ``formats``, each within ``time_limit`` seconds.

    With ``fit``, the document may be laid out again, tighter, to fit its pages
    (:mod:`.fitting`); the PDF and the DOCX then both take the tightened theme.
    """

    document: Document
    context: RenderContext
    formats: tuple[str, ...]
    time_limit: float | None = None
    fit: Fit | None = None

    def what(self, name: str) -> str:
        """Return how messages name rendering this document as ``name``."""
        return f"rendering {self.document.meta.title!r} as {name}"


def start_helper_early(options: BuildOptions) -> None:
    """Fork the PDF helper now if a build with ``options`` surely renders and may use it.

    With ``force`` every output renders, so the command line calls this before it
    imports the build's machinery and the content model: the helper's WeasyPrint import
    then overlaps those imports as well as the loading, instead of starting after them
    (:meth:`Scheduler.warm_up` finds it running). Without ``force`` the build must first
    find something out of date (an up-to-date build forks nothing). A helper the command
    line forked before it read the options (:func:`.processes.fork_helper_first`) is kept
    if these want one like it, replaced if they want another memory limit, and stopped if
    they want none; without ``force``, one they may use waits for the build to find
    something out of date, and is stopped if it finds nothing (:meth:`Scheduler.warm_up`).
    """
    usable = (options.force or forked_first()) and \
        may_use_helper(options.formats, options.processes)  # imports multiprocessing
    if usable and not options.force:
        return
    settle_first_helper(usable)
    if usable:
        PdfHelper.get(options.memory_limit)


class Scheduler:
    """Runs the renders of a build; use it as a context manager."""

    def __init__(self, formats: Sequence[str], processes: int, memory_limit: int) -> None:
        self.formats = tuple(formats)
        self.processes = processes
        self.memory_limit = memory_limit
        self.helper: PdfHelper | None = None
        self.pool: Any = None

    def warm_up(self, renders: bool = True) -> Scheduler:
        """Start the PDF helper now if a build like this one ``renders`` and may use it.

        One the command line forked first is used, or stopped if nothing ``renders``.
        Return self.
        """
        if renders and may_use_helper(self.formats, self.processes):
            self.helper = PdfHelper.get(self.memory_limit)
        settle_first_helper(renders)
        return self

    def start(self, documents: int) -> None:
        """Settle how ``documents`` documents will render, and start what they need.

        Several documents with several processes go to a pool of workers, forked now
        (their imports overlap loading the content); one document may use the helper.
        """
        if self.processes > 1 and documents > 1:
            if self.helper is not None:  # warmed up for one document; the pool takes over
                self.helper.stop()
                self.helper = None
            self.pool = start_pool(min(self.processes, documents), self.memory_limit)
        elif may_use_helper(self.formats, self.processes):
            self.helper = PdfHelper.get(self.memory_limit)
        else:
            self.helper = None

    def run(self, tasks: Sequence[Task],
            done: Callable[[int], None] | None = None) -> list[Results]:
        """Return the rendered outputs of every task, in order; record their warnings here.

        ``done`` is told the index of each task as soon as it has rendered (in order).
        """
        results: list[Results] = []
        if self.pool is not None:
            from concurrent.futures.process import BrokenProcessPool

            try:
                for result in self.pool.map(render_task, tasks):
                    results.append(result)
                    if done is not None:
                        done(len(results) - 1)
            except BrokenProcessPool:
                raise RenderError("a worker process stopped unexpectedly; "
                                  f"{memory_hint(self.memory_limit)}") from None
            except OUT_OF_MEMORY as exc:  # raised outside render_task's own handling
                raise RenderError(f"a worker process failed ({type(exc).__name__}); "
                                  f"{memory_hint(self.memory_limit)}") from None
        else:
            for task in tasks:
                results.append(render_formats(task, self.helper))
                if done is not None:
                    done(len(results) - 1)
        for result in results:
            for rendered, _ in result.values():
                rewarn(rendered.warnings)
        return results

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pool is not None:
            if exc is not None:  # Ctrl-C or a failure: stop the renders under way now
                for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                    with suppress(OSError, ValueError):
                        process.kill()
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def render_formats(task: Task, helper: PdfHelper | None = None) -> Results:
    """Return every format of ``task`` rendered, each with the seconds it took.

    The whole document, every format and every layout of it (a fitted one, one a
    format lays out only for its page count), renders within the task's time limit.
    """
    with limited_time(task.time_limit, f"rendering {task.document.meta.title!r}"):
        return _render_formats(task, helper)


def _render_formats(task: Task, helper: PdfHelper | None) -> Results:
    started = time.perf_counter()
    task = _fitted_already(task)
    aside = helped(task.formats) if helper is not None else None
    if aside is None:
        helper = None
    hint = None
    try:
        if aside is not None and helper is not None:
            from . import fithint

            with limited_time(task.time_limit, task.what(aside.name)):
                layout = aside.module().prepare_layout(task.document, task.context)
            hinted = fithint.fork_twin(task, helper)  # forked as late as may be
            helper.submit(layout, task.time_limit, early=True)  # written when kept: .trials
            hint = fithint.start(task, helper, hinted) if hinted is not None else None
        testhook.reached("render")
        return _render(task, helper, started, hint)
    except BaseException:
        if helper is not None and helper.busy:
            helper.stop()  # its answer would be read by the next build otherwise
        raise


def _render(task: Task, helper: PdfHelper | None, started: float,
            hint: Hinted | None = None) -> Results:
    """Return every format of ``task``, the paginating one first.

    Those that take its page map follow, laid out again at the tightened theme if the
    document was fitted to its pages (with a fit ``hint``, written at its level first).
    """
    results: Results = {}
    paged = [name for name in task.formats if RENDERERS[name].needs_page_map]
    pages = paginating(RENDERERS)  # a fitted document takes its page count and fullness
    paging = pages is not None and (pages.name in task.formats
                                    or (task.fit is not None and bool(paged)))
    # all but what the helper or Pages lays out; the hinted level's, if any
    finishers: Finishers = {}
    for name in task.formats:
        if not (paging and pages and name == pages.name):
            finishers |= _prepare(task if hint is None or name not in paged else replace(
                task, document=hint.document, context=hint.context), helper, (name,))
    laid: tuple[Pages, Rendered, Made] | None = None  # the PDF, perhaps still to write
    if paging and pages is not None:
        lay = Pages(task, helper)
        # written if it is kept
        first = lay.first() if lay.helper is not None else lay.here(task.document, task.context)
        again: Made = lambda: (task.document, task.context)  # noqa: E731
        if task.fit is not None:
            following = tuple(n for n in finishers if n in paged)
            levels, first, fitted, ready = fit_task(task, task.fit, first, lay, following,
                                                    finishers, hint)
            if any(levels) or hint is not None:  # the formats following the pages, at them
                finishers |= ready if ready is not None \
                    else _prepare(fitted, None, following, finishers)
                again = lambda: (fitted.document, fitted.context)  # noqa: E731
        lay.write(first)  # the helper writes the PDF while the DOCX is finished
        if lay.wanted:
            laid = lay, first, again
        task = replace(task, context=replace(task.context, pages_hint=first.pages,
                                             page_map=first.page_map))
    context = task.context
    results |= _finish(task, {name: finisher for name, finisher in finishers.items()
                              if name not in results},
                       context.page_map or PageMap(context.pages_hint))
    if laid is not None and pages is not None:
        lay, first, again = laid
        results[pages.name] = (lay.written(first, again), time.perf_counter() - started)
    return {name: results[name] for name in task.formats}


def _finish(task: Task, finishers: dict[str, tuple[Finisher, float]],
            page_map: PageMap) -> Results:
    """Return each of ``finishers`` finished with ``page_map``, with the seconds it took."""
    results: Results = {}
    for name, (finish, seconds) in finishers.items():
        began = time.perf_counter()
        with limited_time(task.time_limit, task.what(name)):
            result = finish(page_map)
        results[name] = (result, seconds + time.perf_counter() - began)  # not the wait
    return results


def _fitted_already(task: Task) -> Task:
    """Return ``task`` at the levels a document like it was fitted to in this process.

    A roster's recipients of one curriculum fit alike (:class:`~.jobs.Fitting`'s key):
    the first is fitted, the others are laid out at its levels once, not twice.
    """
    if task.fit is None or not task.fit.key:
        return task
    from .fitting import settled

    levels = settled(task.fit)
    if levels is None:
        return task
    if not any(levels):
        return replace(task, fit=None)
    document, context = task.fit.document(levels, task.context)
    return replace(task, document=document, context=context, fit=None)


def fit_task(task: Task, fit: Fit, first: Rendered, lay: Pages,
             following: tuple[str, ...] = (), earlier: Finishers | None = None,
             hint: Hinted | None = None
             ) -> tuple[Levels, Rendered, Task, Finishers | None]:
    """Return the levels ``task``'s document fits its pages at, its PDF and the task at them.

    Also the ``following`` formats prepared at them, if they were while the PDF was tried.
    ``first`` is the PDF of the document as it is; ``lay`` lays a document out again
    (the PDF it returns may be left to write: :meth:`.trials.Pages.written`). While the
    fitter's first guess is laid out, this process prepares the formats that follow the
    pages (the DOCX) at that level: most often the one found (:mod:`.trials`), from
    their ``earlier`` finishers' work where they can (:func:`_prepare`). With a fit
    ``hint``, the twin's layout of its level is the first try if that is its level, and
    the ``earlier`` finishers are at that level (:mod:`.fithint`).
    """
    from . import fithint
    from .fitting import LADDER, settle

    made: dict[Levels, tuple[Document, RenderContext]] = {}
    ready: dict[Levels, Finishers] = {}

    def make(levels: Levels) -> Made:
        def document() -> tuple[Document, RenderContext]:
            made[levels] = fit.document(levels, task.context)
            return made[levels]
        return document

    def meanwhile(guess: Levels) -> None:
        if following and not fit.parts and not ready and guess in made:
            guessed = replace(task, document=made[guess][0], context=made[guess][1])
            with suppress(GuidegenError):  # said again if it is the level found
                ready[guess] = _prepare(guessed, None, following, earlier)

    # a lone first try above the least level (the fit model ruled out the level below) is
    # kept if it fits, as it is predicted to: its PDF is written ahead while the DOCX is
    # prepared at its level (.serving._write_ahead). At the least level it may fit in
    # height and still be no fit (a page before the last near-empty): not written ahead
    def trials(tries: Sequence[Levels]) -> Sequence[Rendered]:
        if hint is not None and hint.pending and tries[0] == hint.levels:
            hint.pending = False  # read now: the hinted level is the first try
            made[hint.levels] = hint.document, hint.context
            return [lay.first(hint.twin)]
        fithint.drop(hint)
        return lay.lay([make(tried) for tried in tries[:lay.side_by_side]],
                       lambda: meanwhile(tries[0]), ahead=len(tries) == 1
                       and tries[0][0] > LADDER[0] and bool(following) and not fit.parts
                       and not ready)

    levels, pdf = settle(fit, first, trials)
    fithint.drop(hint)
    if lay.helper is not None:  # where a hint may be taken
        fithint.remember(fit, levels)
    if hint is not None and levels == hint.levels and earlier:
        ready[levels] = {name: earlier[name] for name in following}  # written at them
    if not any(levels):
        return levels, first, task, ready.get(levels)
    lay.write(pdf)  # written while the formats that follow are made at these levels
    document, context = made[levels] if not fit.parts and levels in made \
        else fit.document(levels, task.context)  # a packet's is composed (not a trial's)
    return levels, pdf, replace(task, document=document, context=context), ready.get(levels)


def _prepare(task: Task, helper: PdfHelper | None, formats: tuple[str, ...],
             earlier: Finishers | None = None) -> dict[str, tuple[Finisher, float]]:
    """Return the finishers of ``formats``, each with the seconds preparing it took.

    A format's ``earlier`` finisher (of the same document at another level, unfinished)
    that has an ``again`` gives it from the work it did where it can: the DOCX's body
    written once, its level's styles swapped in (:mod:`guidegen.renderers.docx.levels`).
    The two share that work: each, when called, first moves it back to its own level.
    """
    finishers = {}
    for name in formats:
        if helper is not None and RENDERERS[name].runs_in_helper:
            continue
        began = time.perf_counter()
        with limited_time(task.time_limit, task.what(name)):
            again = getattr(earlier[name][0], "again", None) \
                if earlier and name in earlier else None
            finish = again(task.document, task.context) if again is not None else None
            if finish is None:
                finish = _preparer(task, name)
        finishers[name] = (finish, time.perf_counter() - began)
    return finishers


def _preparer(task: Task, name: str) -> Finisher:
    return get_preparer(name)(task.document, task.context)


def render_task(task: Task) -> Results:
    """Return :func:`render_formats` of one task (a picklable target for worker processes)."""
    try:
        with worker_rendering(task.document.meta.title):
            return lifting(render_formats)(task)  # out of memory: handled above the ceiling
    except BaseException as exc:  # sent without the exceptions chained to it (not pickled):
        exc.__cause__ = exc.__context__ = None  # concurrent.futures keeps the last error
        raise  # sent until the next, and their tracebacks hold what the render made


