"""The library API behind the CLI: check guides, build them, write the outputs safely.

The pipeline is content → layout → render → write. Like mkdocs, everything is gathered
and checked first (all guides and packets, theme, templates), then laid out and
rendered in memory, and only when every requested output has rendered are the files
written, atomically and all at once (:mod:`.outputs`). A failed build leaves the
previous outputs untouched; only a roster's packets are written batch by batch as they
render (:mod:`.packets`), the guides built with them still at the end. Outputs whose
inputs (guide, templates, theme, options) have not changed since they were written are
not rendered again unless ``force``. Where renders run is the scheduler's business
(:mod:`.scheduler`).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..common.language import Language
from ..errors import Interrupted, UsageError
from ..renderers import RENDERERS, RenderContext, Rendered, extension
from .jobs import (
    Batch,
    Output,
    collect,
    commit,
    inputs_of,
    owner_name,
    plan,
    project_root,
    refuse_warnings,
    settings_of,
    stamp,
)
from .limits import limited_time
from .options import BuildOptions
from .outputs import finish_interrupted_write, locked, remove_stale_temporaries
from .processes import expect_language
from .scheduler import Scheduler, Task
from .state import BuildState, digest, folder_digest, folder_files

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..layout.labels import Labels
    from ..theme import Templates
    from ..tree import Document
    from .packets import Loaded

GUIDE_SUFFIXES = (".yaml", ".yml")
PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class _Job:
    """One guide to render: its file, the hash of its inputs, and its output files."""

    path: Path
    key: str
    targets: dict[str, Path]
    owner: str = ""


def find_guides(paths: Sequence[PathLike] = (), content: Path = Path("content")) -> list[Path]:
    """Return the guide files named by ``paths`` (files or folders), default ``content``."""
    found: list[Path] = []
    for path in map(Path, paths or [content]):
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in GUIDE_SUFFIXES)
        elif path.exists() or paths:
            found.append(path)
    if not found:
        where = ", ".join(map(str, paths)) or str(content)
        raise UsageError(f"no guides found in {where} (looked for *.yaml)")
    unique = {path.resolve(): path for path in reversed(found)}  # a file named twice: once
    return [path for path in found if unique.get(path.resolve()) is path]


def source_date(guide: Guide) -> datetime.datetime | None:
    """Return the date stamped into the files: ``SOURCE_DATE_EPOCH``, else the guide's."""
    info = guide.guide
    return stamp(info.date or (info.document.effective if info.document else None))


class Checked(NamedTuple):
    """What ``check`` validated: each guide with its file, and each packet, loaded."""

    guides: list[tuple[Path, Guide]]
    packets: list[Loaded]


def check(guides: Sequence[PathLike], options: BuildOptions) -> Checked:
    """Return the validated guides and packets; raise one error listing every problem found.

    The templates are checked as the writers need them (:func:`check_templates`), the
    dates, the labels and the output files: what ``check`` accepts, ``build`` builds.
    """
    from ..layout.labels import labels_for
    from ..theme import load_templates
    from .packets import load_packets, refuse_bad_options, sort_sources

    guide_files, packet_files = sort_sources(guides, options)
    refuse_bad_options(packet_files, options)  # --roster goes with one packet
    paths = find_guides(guide_files, options.content) if guide_files or not packet_files \
        else []
    _refuse_shared_outputs([_Job(path, "", _targets(path, options)) for path in paths])
    loaded = load_guides(paths, options) if paths else []
    packets = []
    if packet_files:
        with limited_time(options.time_limit, "loading the packets"):
            packets = load_packets(packet_files, options)  # labels and dates too
    templates = load_templates(options.templates, options.paper)
    check_templates(templates, language(options))
    if any(RENDERERS[name].paginates or RENDERERS[name].needs_page_map
           for name in options.formats):  # a PDF is laid out, as it is or for its page map
        from ..theme.fonts import require_theme_fonts

        require_theme_fonts(templates.theme, _languages(loaded, packets, options))
    stamp(None)  # SOURCE_DATE_EPOCH, whatever is checked
    for guide in loaded:
        labels_for(guide, templates, language(options))  # warns of a language without labels
        source_date(guide)
    refuse_warnings(options)
    return Checked(list(zip(paths, loaded, strict=True)), packets)


def _languages(guides: Sequence[Guide], packets: Sequence[Loaded],
               options: BuildOptions) -> list[Language]:
    """Return the languages the PDFs of ``guides`` and ``packets`` are written in."""
    found = [options.language]
    for packet in packets:
        found += [packet.packet.packet.language or options.language,
                  *(guide.guide.language or options.language for guide in packet.guides)]
    found += (guide.guide.language or options.language for guide in guides)
    return [Language.of(tag) for tag in dict.fromkeys(found)]


def load_guides(paths: Sequence[Path], options: BuildOptions) -> list[Guide]:
    """Return the guides at ``paths``, loaded within the time limit (see :func:`check`)."""
    from ..content.loader import load_all

    with limited_time(options.time_limit, "loading the guides"):
        return load_all(paths, root=options.root)


def check_templates(templates: Templates, language: Language) -> None:
    """Run every check the writers rely on over the templates: what passes, builds.

    The template folders' files (regular, inside, not too large), the user's templates
    (compiled: a syntax error is located), the style sheet, the logo (decoded), and a
    ``reference.docx`` (its package, then its styles, by the Word writer's own check,
    which needs python-docx only then).
    """
    from ..theme.sheet import warn_old_word_styles

    folder_digest(templates.folders)
    overrides = [path.relative_to(folder).as_posix() for folder in templates.folders[:-1]
                 for path in folder_files(folder)
                 if path.name.endswith(".j2") and path.is_file()]
    if overrides:  # Jinja is imported only then
        from ..renderers.html.templating import compile_templates

        compile_templates(templates.folders, overrides)
    templates.styles  # noqa: B018 - validates
    warn_old_word_styles(templates.folders)
    templates.logo()
    if templates.reference is not None:
        from ..renderers.docx.styles import reference_document

        reference_document(templates, language)



def language(options: BuildOptions) -> Language:
    """Return the language of the guides and packets of a build that name none."""
    return Language.of(options.language)


def layout(guide: Guide, templates: Templates, options: BuildOptions,
           labels: Labels | None = None) -> Document:
    """Return the document tree of ``guide`` for a build with ``options``."""
    from ..layout.guide import layout_guide
    from ..layout.labels import labels_for

    labels = labels or labels_for(guide, templates, language(options))
    return layout_guide(guide, templates, labels, date=source_date(guide))


def task(guide: Guide, templates: Templates, options: BuildOptions,
         formats: Sequence[str]) -> Task:
    """Return the task of rendering ``guide`` to ``formats``, fitted to its pages."""
    from .fitting import Fit

    handout = guide.handout
    budget = options.pages or (handout.pages if handout else None)
    where = guide.locate("handout", "pages") if handout and not options.pages else None
    from ..layout.labels import labels_for

    labels = labels_for(guide, templates, language(options))
    fit = Fit(guide, templates, labels, source_date(guide), budget, where)
    return Task(layout(guide, templates, options, labels),
                RenderContext(templates, options.weasy_variant), tuple(formats),
                options.time_limit, fit)


def build(guides: Sequence[PathLike], options: BuildOptions) -> list[Output]:
    """Build ``guides`` (default: every guide in the content folder) into the output folder.

    Return one :class:`Output` per output file, written or found up to date. Raise a
    :class:`~guidegen.errors.GuidegenError`, and write nothing, if anything fails.
    """
    from .packets import build_packets, fresh_packets, plan_packets, sort_sources

    guide_files, packet_files = sort_sources(guides, options)
    _refuse_output_in_templates(options)
    expect_language(language(options))  # helpers load its hyphenation patterns ahead
    with Scheduler(options.formats, options.processes, options.memory_limit) as scheduler:
        with locked(options.out):  # finish what a killed build began; its leftovers go
            repaired = finish_interrupted_write(options.out)
            remove_stale_temporaries(options.out)
        settings = settings_of(options)
        plan = _plan_guides(guide_files, settings, options) if guide_files or \
            not packet_files else None
        fresh = fresh_packets(packet_files, settings, options)
        if (plan is not None and plan.todo) or None in fresh.values():
            # only now, so an up-to-date build forks nothing; its WeasyPrint import
            # overlaps loading the content
            scheduler.warm_up()
        try:
            with limited_time(options.time_limit, "loading the packets"):
                packets = plan_packets(fresh, options)  # every problem before any render
            written, batches = ([], []) if plan is None else \
                _build_guides(plan, options, scheduler)
            made, pending = build_packets(packets, settings, options, scheduler)
            commit([*pending, *batches], options)  # once all rendered, all at once
            written += made
        except KeyboardInterrupt as exc:
            if repaired and not isinstance(exc, Interrupted):
                raise Interrupted("interrupted; the outputs are those of an earlier, killed "
                                  "build, whose writing this one finished") from None
            raise
    return written


class _GuidePlan(NamedTuple):
    """The guides of a build: every job, those to render, the outputs up to date."""

    jobs: list[_Job]
    todo: list[_Job]
    done: dict[Path, Output]
    state: BuildState


def _plan_guides(guides: Sequence[PathLike], settings: list[str],
                 options: BuildOptions) -> _GuidePlan:
    """Return which of the guide files ``guides`` to render, from their bytes alone."""
    state = BuildState(options.out)
    project = project_root(options)
    every_job = [_Job(path, digest([*settings, *inputs_of(path, project)]),
                      _targets(path, options), owner_name("the guide", path, project))
                 for path in find_guides(guides, options.content)]
    _refuse_shared_outputs(every_job)
    todo, done = plan(every_job, state, options.force)
    return _GuidePlan(every_job, todo, done, state)


def _targets(path: Path, options: BuildOptions) -> dict[str, Path]:
    """Return the output file of each format of the guide at ``path``."""
    return {name: options.out / f"{path.stem}.{extension(name)}" for name in options.formats}


def _build_guides(plan: _GuidePlan, options: BuildOptions,
                  scheduler: Scheduler) -> tuple[list[Output], list[Batch]]:
    """Render the guides ``plan`` says to; return every guide's outputs, and what to write."""
    done, batches = dict(plan.done), []
    if plan.todo:
        scheduler.start(len(plan.todo))
        files, rendered = _render(plan.todo, plan.state, options, scheduler)
        done |= rendered
        batches.append((files, plan.state))
    return [done[target] for job in plan.jobs for target in job.targets.values()], batches



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


def _refuse_shared_outputs(jobs: list[_Job]) -> None:
    """Raise a usage error if two guides would write the same output file."""
    owners: dict[Path, Path] = {}
    for job in jobs:
        for target in job.targets.values():
            if target in owners:
                raise UsageError(f"{owners[target]} and {job.path} would both write {target}; "
                                 "rename one, or build them into different folders")
            owners[target] = job.path


def render(guide: Guide, formats: Sequence[str] = ("pdf", "docx"),
           options: BuildOptions | None = None) -> dict[str, Rendered]:
    """Return ``guide`` rendered in memory to each of ``formats``; write nothing."""
    from ..theme import load_templates

    options = (options or BuildOptions()).replace(formats=tuple(formats))
    templates = load_templates(options.templates, options.paper)
    with Scheduler(options.formats, options.processes, options.memory_limit) as scheduler:
        scheduler.start(1)
        rendered = scheduler.run([task(guide, templates, options, options.formats)])[0]
    return {name: result for name, (result, _) in rendered.items()}


def _render(todo: list[_Job], state: BuildState, options: BuildOptions,
            scheduler: Scheduler) -> tuple[dict[Path, bytes], dict[Path, Output]]:
    """Return the files of every job, loaded, laid out and rendered, and their outputs."""
    from ..theme import load_templates

    guides = load_guides([job.path for job in todo], options)
    templates = load_templates(options.templates, options.paper)
    tasks = [task(guide, templates, options, tuple(job.targets))
             for job, guide in zip(todo, guides, strict=True)]
    return collect(todo, scheduler.run(tasks), state)
