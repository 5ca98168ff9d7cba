"""What a build session shares with its jobs: options, templates, states and the job cycle.

:class:`SessionBase` is the part of a :class:`~.session.Session` that the modules of
guides, packets and a roster's recipients (:mod:`.guides`, :mod:`.packets`,
:mod:`.packetload`, :mod:`.partial`) take: the options and the language resolved once,
the files read once a build, the settings digest, the templates and theme (loaded once,
kept while their files are unchanged), each output folder's state, and the one cycle
every :class:`~.jobs.Job` goes through (:meth:`SessionBase.run`: plan, render, collect,
commit). The session (:mod:`.session`) adds what it does with them: check, build and
render. So the imports run one way: the session imports the jobs' modules, they import
this one, and nothing here imports them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from ..common.language import Language
from ..content.packetfile import GUIDE_SUFFIXES, is_packet_file
from ..errors import UsageError
from ..files import ReadOnce, named_root, reading_once
from ..renderers import RenderContext
from . import progress
from .jobs import Job, Output, batches, collect, commit, plan, settings_of, written
from .options import BuildOptions
from .scheduler import Scheduler, Task
from .state import STATE_FILE, BuildState

if TYPE_CHECKING:
    from ..theme import Templates
    from ..tree import Document

PathLike = str | os.PathLike[str]
Loader = Callable[[list[Job]], list[Job]]  # gives planned jobs their drafts
Planned = tuple[list[Job], dict[Path, Output]]  # the jobs to render, the outputs up to date


@dataclass
class _Build:
    """What one build of a session keeps: its settings and its output folders' states."""

    fingerprints: dict[str, str] | None = None  # of the options the outputs depend on
    states: dict[tuple[Path, str], BuildState] = field(default_factory=dict)


class SessionBase:
    """One set of options, and what the builds made with them share (see the module)."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.language = Language.of(options.language)
        self.project = options.root or Path.cwd()
        self.scheduler = Scheduler(options.formats, options.processes, options.memory_limit)
        self.reads = ReadOnce()  # the files the last build read (see files.reading_once)
        self._build: _Build | None = None
        self._templates: tuple[str, Templates] | None = None  # with their settings' hash

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Stop what the session started (a pool of workers; the helper stays, see below).

        The PDF helper process is shared by every session of the process and ends with
        it (:mod:`.scheduler`).
        """
        self.scheduler.__exit__(None, None, None)

    # -- what one build shares -----------------------------------------------------------

    @contextlib.contextmanager
    def building(self) -> Iterator[None]:
        """Run one build inside: each input read once, templates and states kept for it."""
        if self._build is not None:  # a build inside a build (check, then build): one
            yield
            return
        with reading_once() as reads:
            self.reads, self._build = reads, _Build()
            try:
                yield
            finally:
                self._build = None

    @property
    def current(self) -> _Build:
        """Return the build under way (see :meth:`building`)."""
        if self._build is None:
            raise RuntimeError("the session is not building")  # a bug in guidegen
        return self._build

    @property
    def fingerprints(self) -> dict[str, str]:
        """Return what of each option the outputs depend on, by name (hashed once a build).

        The templates' is the hash of every file of the template folders.
        """
        build = self.current
        if build.fingerprints is None:
            build.fingerprints = dict(self.options.output_settings())
        return build.fingerprints

    @property
    def settings(self) -> list[str]:
        """Return what, besides its files, every output depends on (see :func:`settings_of`)."""
        return settings_of(self.fingerprints)

    @property
    def templates(self) -> Templates:
        """Return the templates and theme: loaded once a build, kept while their files are.

        Outside a build, those of the last build (or loaded now, the first time).
        """
        if self._build is None:
            if self._templates is None:
                from ..theme import load_templates

                self._templates = "", load_templates(self.options.templates,
                                                     self.options.paper)
            return self._templates[1]
        digest = self.fingerprints["templates"]
        if self._templates is None or self._templates[0] != digest:
            from ..theme import load_templates

            self._templates = digest, load_templates(self.options.templates, self.options.paper,
                                                     digest)
        return self._templates[1]

    def state(self, folder: Path, name: str = STATE_FILE) -> BuildState:
        """Return the state of the output folder ``folder`` (its file ``name``), read once."""
        states = self.current.states
        if (folder, name) not in states:
            states[folder, name] = BuildState(folder, name)
        return states[folder, name]

    def context(self, shared: Document | None = None) -> RenderContext:
        """Return what every renderer needs besides the document (``shared``: see there)."""
        return RenderContext(self.templates, self.options.weasy_variant, shared=shared,
                             fresh=self.options.force)

    # -- the cycle every job goes through --------------------------------------------------

    def task(self, job: Job, context: RenderContext | None = None) -> Task:
        """Return the task of rendering ``job``'s document, fitted to its pages if it is."""
        if job.draft is None:
            raise RuntimeError(f"{job.source} was not loaded")  # a bug in guidegen
        templates, fit = self.templates, None
        if job.fitting is not None:  # imported only when a build renders
            from .fitting import Fit

            fitting = job.fitting
            fit = Fit(job.draft, templates, fitting.budget, fitting.where, fitting.parts,
                      fitting.key, fitting.hint)
        return Task(job.draft.lay(templates), context or self.context(), tuple(job.targets),
                    self.options.time_limit, fit)

    def run(self, jobs: Sequence[Job], state: BuildState, *, load: Loader | None = None,
            planned: Planned | None = None,
            context: RenderContext | Callable[[Job], RenderContext] | None = None,
            batch: int | None = None,
            write_as_done: bool = False) -> tuple[list[Output], dict[Path, bytes]]:
        """Plan, render and collect ``jobs`` (their outputs in ``state``'s folder).

        ``planned`` is their plan if made already (:func:`~.jobs.plan`); ``load`` gives
        jobs planned from bytes their drafts, once they are to render; with ``batch``,
        jobs render that many at a time, and ``write_as_done`` commits each batch as soon
        as it has rendered (a roster's). Return every job's outputs, and the files still
        to write (:func:`~.jobs.commit`, with ``state``). ``context`` is what renders
        them (the session's by default), or what gives each job its own.
        """
        todo, done = planned or plan(jobs, state, self.options.force)
        done = dict(done)
        files: dict[Path, bytes] = {}
        if write_as_done:  # said now: the batches' outputs are said as they are written
            progress.reporter().wrote([done[target] for job in jobs
                                       for target in job.targets.values() if target in done])
        if todo:
            self.scheduler.start(len(todo))
            with progress.batch(f"{todo[0].kind}s", len(todo)) as said:
                for part in batches(todo, batch or len(todo)):
                    ready = load(part) if load is not None else part
                    tasks = [self.task(job, context(job) if callable(context) else context)
                             for job in ready]
                    results = self.scheduler.run(tasks, _naming(said, ready))
                    rendered, made = collect(ready, results, state)
                    done |= made
                    if write_as_done:
                        try:
                            commit([(rendered, state)], self.options)
                        finally:  # what is on disk, even if Ctrl-C came while writing
                            said.wrote([made[target] for job in ready if written(job, state)
                                        for target in job.targets.values()])
                    else:
                        files |= rendered
        return [done[target] for job in jobs for target in job.targets.values()], files


def _naming(said: progress.Reporter, jobs: Sequence[Job]) -> Callable[[int], None]:
    """Return what tells ``said`` that the ``n``-th of ``jobs`` has rendered."""
    names = [job.name for job in jobs]
    return lambda n: said.done(names[n])


def sort_sources(paths: Sequence[PathLike], session: SessionBase) -> tuple[list[Path], list[Path]]:
    """Return the guide files and the packet files named by ``paths`` (or the defaults).

    Without paths: every guide of the content folder and every packet of the packets
    folder (if the project names one). A file is a packet if its top level has
    ``packet:``; a folder holds guides or packets.
    """
    options = session.options
    named = [Path(p) for p in paths]
    if not named:
        named = [options.content]
        if options.packets is not None and options.packets.is_dir():
            named.append(options.packets)
    guides: list[Path] = []
    packets: list[Path] = []
    for path in named:
        files = sorted(p for p in path.iterdir() if p.suffix in GUIDE_SUFFIXES) \
            if path.is_dir() else [path]
        for file in files:
            (packets if is_packet_file(file, named_root(file, session.project))
             else guides).append(file)
    if paths and not guides and not packets:
        raise UsageError(f"no guides or packets found in {', '.join(map(str, paths))} "
                         "(looked for *.yaml)")
    once = {path.resolve(): path for path in reversed(packets)}  # named twice: built once
    return guides, [path for path in packets if once[path.resolve()] is path]
