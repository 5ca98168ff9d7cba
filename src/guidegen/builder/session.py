"""A build session: made once from the options, it owns what every build of them shares.

A :class:`Session` holds the language the guides and packets that name none are laid
out in (resolved once), the scheduler (the PDF helper process stays for the next
build), and, for each build, the files read (each input once: :func:`reading_once`),
the settings the outputs depend on (hashed once), the templates and theme (loaded once,
and kept for the next build while their files are unchanged) and the state of each
output folder. Guides, packets and a roster's recipients are all :class:`~.jobs.Job`
objects through one cycle, :meth:`Session.run`: plan, render, collect, commit.

A session may build again and again in one process (a watch loop): each build renders
only what changed since the outputs were written, as any build does, and reuses the
helper process and, if their files are unchanged, the loaded templates.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NamedTuple

from ..common.language import Language
from ..content.packetfile import GUIDE_SUFFIXES, is_packet_file
from ..errors import Interrupted, UsageError
from ..files import ReadOnce, named_root, reading_once
from ..renderers import RenderContext, Rendered
from . import progress
from .jobs import (
    Batch,
    Job,
    Output,
    batches,
    collect,
    commit,
    plan,
    refuse_warnings,
    settings_of,
    stamp,
    written,
)
from .limits import limited_time
from .options import BuildOptions
from .outputs import finish_interrupted_write, locked, remove_stale_temporaries
from .processes import expect_language
from .scheduler import Scheduler, Task
from .state import STATE_FILE, BuildState

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..theme import Templates
    from ..tree import Document
    from .packetload import Loaded

PathLike = str | os.PathLike[str]
Loader = Callable[[list[Job]], list[Job]]  # gives planned jobs their drafts
Planned = tuple[list[Job], dict[Path, Output]]  # the jobs to render, the outputs up to date


class Checked(NamedTuple):
    """What ``check`` validated: each guide with its file, and each packet, loaded."""

    guides: list[tuple[Path, Guide]]
    packets: list[Loaded]


@dataclass
class _Build:
    """What one build of a session keeps: its settings and its output folders' states."""

    fingerprints: dict[str, str] | None = None  # of the options the outputs depend on
    states: dict[tuple[Path, str], BuildState] = field(default_factory=dict)


class Session:
    """Builds, checks and renders with one set of options; use it as a context manager."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.language = Language.of(options.language)
        self.project = options.root or Path.cwd()
        self.scheduler = Scheduler(options.formats, options.processes, options.memory_limit)
        self.reads = ReadOnce()  # the files the last build read (see files.reading_once)
        self._build: _Build | None = None
        self._templates: tuple[str, Templates] | None = None  # with their settings' hash

    def __enter__(self) -> Session:
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
        return RenderContext(self.templates, self.options.weasy_variant, shared=shared)

    # -- the cycle every job goes through --------------------------------------------------

    def task(self, job: Job, context: RenderContext | None = None) -> Task:
        """Return the task of rendering ``job``'s document, fitted to its pages if it is."""
        if job.draft is None:
            raise RuntimeError(f"{job.source} was not loaded")  # a bug in guidegen
        templates, fit = self.templates, None
        if job.fitting is not None:  # imported only when a build renders
            from .fitting import Fit

            fit = Fit(job.draft, templates, job.fitting.budget, job.fitting.where)
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

    # -- what a session does: check, build, render -----------------------------------------

    def check(self, paths: Sequence[PathLike] = ()) -> Checked:
        """Return the validated guides and packets of ``paths``; raise every problem at once.

        The templates are checked as the writers need them, the dates, the labels and
        the output files: what ``check`` accepts, ``build`` builds.
        """
        from .guides import (
            check_fonts,
            check_labels,
            check_release,
            check_templates,
            find_guides,
            load_checked,
        )
        from .packetload import load_packets
        from .packets import refuse_bad_options

        with self.building():
            guide_files, packet_files = sort_sources(paths, self)
            refuse_bad_options(packet_files, self.options)  # --roster goes with one packet
            files = find_guides(guide_files, self.options.content) \
                if guide_files or not packet_files else []
            guides = load_checked(self, files)
            packets = []
            if packet_files:
                with limited_time(self.options.time_limit, "loading the packets"):
                    packets = load_packets(self, packet_files)  # labels and dates too
            check_templates(self)
            check_fonts(self, guides, packets)
            stamp(None)  # SOURCE_DATE_EPOCH, whatever is checked
            check_labels(self, guides)
            if self.options.release:
                check_release([*guides, *(g for packet in packets for g in packet.guides)])
            refuse_warnings(self.options)
        return Checked(list(zip(files, guides, strict=True)), packets)

    def build(self, paths: Sequence[PathLike] = ()) -> list[Output]:
        """Build ``paths`` (default: the content and packets folders); return the outputs.

        See :func:`guidegen.builder.pipeline.build`; with ``keep_going``,
        :func:`.partial.keep_going`.
        """
        if self.options.keep_going:
            from .partial import keep_going

            return keep_going(self, paths)
        return self.build_together(paths)

    def build_together(self, paths: Sequence[PathLike] = ()) -> list[Output]:
        """Build ``paths``, all or nothing: written at once if every one has rendered."""
        from .guides import build_guides, plan_guides
        from .manifest import export_lms
        from .packets import build_packets, load_stale, plan_packets
        from .partial import leftovers, packet_leftovers

        expect_language(self.language)  # helpers load its hyphenation patterns ahead
        with self.building(), self.scheduler:
            guide_files, packet_files = sort_sources(paths, self)
            _refuse_output_in_templates(self.options)
            repaired = self._repair(self.options.out)
            guides = plan_guides(self, guide_files) if guide_files or not packet_files \
                else None
            packets = plan_packets(self, packet_files)
            if (guides is not None and guides.todo) or any(p.stale for p in packets):
                # only now, so an up-to-date build forks nothing; its WeasyPrint import
                # overlaps loading the content
                self.scheduler.warm_up()
            try:
                with limited_time(self.options.time_limit, "loading the packets"):
                    load_stale(self, packets)  # every problem before any render
                pending: list[Batch] = []
                written = [] if guides is None else build_guides(self, guides, pending)
                if guides is not None:
                    leftovers(self, guides.state, pending)
                written += build_packets(self, packets, pending)
                packet_leftovers(self, pending)
                commit(pending, self.options)  # once all rendered, all at once
                export_lms(self.options.lms_export, [plan.manifest for plan in packets])
            except KeyboardInterrupt as exc:
                if repaired and not isinstance(exc, Interrupted):
                    raise Interrupted("interrupted; the outputs are those of an earlier, "
                                      "killed build, whose writing this one finished") from None
                raise
        return written

    def document(self, guide: Guide) -> Document:
        """Return the document tree of ``guide`` as a build lays it out (before fitting)."""
        from .guides import guide_job

        job = guide_job(self, guide, Path(guide.guide.title), "", {})
        assert job.draft is not None  # a loaded guide's job has its draft
        return job.draft.lay(self.templates)

    def render(self, guide: Guide) -> dict[str, Rendered]:
        """Return ``guide`` rendered in memory to each of the session's formats."""
        from .guides import guide_job

        with self.building(), self.scheduler:
            self.scheduler.start(1)
            job = guide_job(self, guide, Path(guide.guide.title), "",
                            {name: Path(name) for name in self.options.formats})
            rendered = self.scheduler.run([self.task(job)])[0]
        return {name: result for name, (result, _) in rendered.items()}

    def _repair(self, folder: Path) -> bool:
        """Finish what a killed build began writing into ``folder``; remove its leftovers."""
        with locked(folder):
            repaired = finish_interrupted_write(folder)
            remove_stale_temporaries(folder)
        return repaired


def _naming(said: progress.Reporter, jobs: Sequence[Job]) -> Callable[[int], None]:
    """Return what tells ``said`` that the ``n``-th of ``jobs`` has rendered."""
    names = [job.name for job in jobs]
    return lambda n: said.done(names[n])


def sort_sources(paths: Sequence[PathLike], session: Session) -> tuple[list[Path], list[Path]]:
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


def _refuse_output_in_templates(options: BuildOptions) -> None:
    """Raise a usage error if the output folder and the templates folder overlap.

    Every file in a templates folder is an input of every output: a build writing into
    it would change its own inputs, and nothing would ever be up to date.
    """
    if options.templates is None:
        return
    out, templates = (Path(os.path.realpath(p)) for p in (options.out, options.templates))
    if out.is_relative_to(templates) or templates.is_relative_to(out):
        raise UsageError(f"the output folder {options.out} and the templates folder "
                         f"{options.templates} overlap: the files a build writes would "
                         "change its own templates, so nothing would ever be unchanged; "
                         "write into another folder")
