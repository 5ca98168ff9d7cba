"""The library API behind the CLI: check guides, build them, write outputs safely.

Like mkdocs, everything is gathered and checked first (all guides, theme, templates),
then rendered in memory, and only when every requested output has rendered are the
files written, atomically (:mod:`guidegen.outputs`). A failed build leaves the
previous outputs untouched. Outputs whose inputs (guide, templates, theme, options)
have not changed since they were written are not rendered again unless ``force``.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .folders import template_folders
from .outputs import BuildState, digest, folder_digest, remove_stale_temporaries, write_files
from .rendering import PdfHelper, may_use_helper, render_formats, render_task, start_pool
from .writers import (
    DEFAULT_FORMATS,
    PDF_VARIANTS,
    RenderContext,
    Rendered,
    check_formats,
    extension,
)

CONTENT_DIR = Path("content")
OUTPUT_DIR = Path("output")
GUIDE_SUFFIXES = (".yaml", ".yml")
DEFAULT_TIME_LIMIT = 120.0
MAX_TIME_LIMIT = 86_400.0


@dataclass(frozen=True)
class Output:
    """One output file of a build: where, which format, pages, bytes, render seconds."""

    path: Path
    format: str
    pages: int | None
    size: int
    seconds: float
    skipped: bool = False

    def __str__(self) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}, " if self.pages else ""
        if self.skipped:
            return f"unchanged {self.path}  ({pages}{self.size / 1000:.1f} kB)"
        return f"wrote {self.path}  ({pages}{self.size / 1000:.1f} kB, {self.seconds:.2f} s)"


@dataclass(frozen=True)
class _Job:
    """One guide to render: its file, the hash of its inputs, and its output files."""

    path: Path
    key: str
    targets: dict[str, Path]


def find_guides(paths: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """Return the guide files named by ``paths`` (files or folders), default ``content/``."""
    found: list[Path] = []
    for path in map(Path, paths or [CONTENT_DIR]):
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in GUIDE_SUFFIXES)
        elif path.exists() or paths:
            found.append(path)
    if not found:
        where = ", ".join(map(str, paths)) or str(CONTENT_DIR)
        raise UsageError(f"no guides found in {where} (looked for *.yaml)")
    unique = {path.resolve(): path for path in reversed(found)}  # a file named twice: once
    return [path for path in found if unique.get(path.resolve()) is path]


def source_date(guide: Any) -> datetime.datetime | None:
    """Return the date stamped into the files: ``SOURCE_DATE_EPOCH``, else the guide's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from None
    info = guide.guide
    day = info.date or (info.document.effective if info.document else None)
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


def check(guides: Sequence[str | os.PathLike[str]] = (),
          templates: str | os.PathLike[str] | None = None) -> list[Any]:
    """Return the validated guides; raise one error listing every problem found."""
    from .loader import load_all
    from .theme import load_theme
    from .word_styles import load_word_styles

    loaded = load_all(find_guides(guides))
    folders = template_folders(_path(templates))
    load_word_styles(folders, load_theme(list(reversed(folders))))
    return loaded


def build(guides: Sequence[str | os.PathLike[str]] = (), *,
          out: str | os.PathLike[str] = OUTPUT_DIR,
          formats: Sequence[str] = DEFAULT_FORMATS,
          paper: str | None = None,
          templates: str | os.PathLike[str] | None = None,
          pdf_variant: str = "ua-1",
          force: bool = False,
          jobs: int | None = None,
          time_limit: float | None = DEFAULT_TIME_LIMIT) -> list[Output]:
    """Build ``guides`` (default: every guide in ``content/``) into ``out``.

    ``jobs`` is how many processes may render at once (default: one per CPU; 1 renders
    everything in this process). Return one :class:`Output` per output file, written or
    found up to date. Raise a :class:`~guidegen.errors.GuidegenError`, and write
    nothing, if anything fails.
    """
    names = check_formats(formats)
    variant, jobs = _options(pdf_variant, jobs, time_limit)
    folders = template_folders(_path(templates))
    out_dir = Path(out)
    remove_stale_temporaries(out_dir)
    state = BuildState(out_dir)
    settings = [folder_digest(folders), ",".join(names), paper or "", pdf_variant,
                os.environ.get("SOURCE_DATE_EPOCH", "")]
    every_job = [_Job(path, digest([*settings, _read(path)]),
                      {name: out_dir / f"{path.stem}.{extension(name)}" for name in names})
                 for path in find_guides(guides)]
    _refuse_shared_outputs(every_job)
    jobs_todo, done = _plan(every_job, state, force)
    if jobs_todo:
        # Helper or pool start now: their WeasyPrint imports overlap loading the content.
        pool = start_pool(min(jobs, len(jobs_todo))) if jobs > 1 and len(jobs_todo) > 1 \
            else None
        helper = PdfHelper.get() if pool is None and may_use_helper(names, jobs) else None
        try:
            done |= _render_and_write(jobs_todo, state, folders, paper,
                                      variant, time_limit, pool, helper)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
    return [done[target] for job in every_job for target in job.targets.values()]


def _plan(jobs: list[_Job], state: BuildState,
          force: bool) -> tuple[list[_Job], dict[Path, Output]]:
    """Return the jobs to render, and the outputs found up to date."""
    todo, done = [], {}
    for job in jobs:
        records = {name: state.fresh(target, job.key) for name, target in job.targets.items()}
        if force or not all(records.values()):
            todo.append(job)
            continue
        for name, target in job.targets.items():
            done[target] = Output(target, name, records[name].pages, target.stat().st_size,
                                  0.0, skipped=True)
    return todo, done


def _refuse_shared_outputs(jobs: list[_Job]) -> None:
    """Raise a usage error if two guides would write the same output file."""
    owners: dict[Path, Path] = {}
    for job in jobs:
        for target in job.targets.values():
            if target in owners:
                raise UsageError(f"{owners[target]} and {job.path} would both write {target}; "
                                 "rename one, or build them into different folders")
            owners[target] = job.path


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""  # the loader reports the file as missing, with its name


def render(guide: Any, formats: Sequence[str] = DEFAULT_FORMATS, *, paper: str | None = None,
           templates: str | os.PathLike[str] | None = None, pdf_variant: str = "ua-1",
           jobs: int | None = None,
           time_limit: float | None = DEFAULT_TIME_LIMIT) -> dict[str, Rendered]:
    """Return ``guide`` rendered in memory to each of ``formats``; write nothing."""
    from .theme import load_theme

    names = check_formats(formats)
    variant, jobs = _options(pdf_variant, jobs, time_limit)
    folders = template_folders(_path(templates))
    theme = load_theme(list(reversed(folders))).with_paper(paper)
    context = RenderContext(theme, tuple(folders), source_date(guide), variant, time_limit)
    helper = PdfHelper.get() if may_use_helper(names, jobs) else None
    rendered = render_formats(guide, context, names, helper)
    return {name: result for name, (result, _) in rendered.items()}


def _options(pdf_variant: str, jobs: int | None,
             time_limit: float | None) -> tuple[str | None, int]:
    """Return WeasyPrint's PDF variant and the number of jobs; reject impossible values."""
    if pdf_variant not in PDF_VARIANTS:
        raise UsageError(f"unknown PDF variant {pdf_variant!r} "
                         f"(known: {', '.join(PDF_VARIANTS)})")
    if jobs is not None and jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if time_limit is not None and not 0 < time_limit <= MAX_TIME_LIMIT:
        raise UsageError(f"--time-limit must be more than 0 and at most {MAX_TIME_LIMIT:g} "
                         "seconds")
    return PDF_VARIANTS[pdf_variant], jobs or os.cpu_count() or 1


def _render_and_write(todo: list[_Job], state: BuildState, folders: list[Path],
                      paper: str | None, variant: str | None, time_limit: float | None,
                      pool: Any, helper: PdfHelper | None) -> dict[Path, Output]:
    """Render every job (in the ``pool`` of worker processes if given), then write."""
    from .loader import load_all
    from .theme import load_theme

    guides = load_all([job.path for job in todo])
    theme = load_theme(list(reversed(folders))).with_paper(paper)
    tasks = [(guide, RenderContext(theme, tuple(folders), source_date(guide), variant,
                                   time_limit), list(job.targets)) for job, guide in
             zip(todo, guides, strict=True)]
    if pool is not None:
        results = list(pool.map(render_task, tasks))
    else:
        results = [render_formats(*task, helper) for task in tasks]
    files, done = {}, {}
    for job, rendered in zip(todo, results, strict=True):
        for name, (result, seconds) in rendered.items():
            target = job.targets[name]
            files[target] = result.data
            state.remember(target, job.key, result.data, result.pages)
            done[target] = Output(target, name, result.pages, len(result.data), seconds)
    files[state.path] = state.serialized()
    write_files(files)
    return done


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return None if value is None else Path(value)
