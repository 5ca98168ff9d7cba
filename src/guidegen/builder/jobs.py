"""One job model for all a build makes: guides, packets, and a roster's recipients.

A :class:`Job` is one document: the hash of everything its outputs depend on (its
``key``), its output file of each format (its ``targets``), the build its files belong
to (its ``owner``: no build replaces another's file, :func:`refuse_taken`), what lays it
out (its ``draft``, a :class:`Draft`, set once its source is loaded) and whether it is
fitted to its pages (its ``fitting``). Every job goes through one cycle, which the build session
runs (:meth:`~guidegen.builder.session.Session.run`): :func:`plan` finds the outputs
still up to date (from bytes, before anything is loaded), the session renders the
others, :func:`collect` records what was rendered in its folder's state, and
:func:`commit` writes it — after the ``--strict`` check, in the locked output folders,
under the time limit, all files and their state files in one atomic write.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from .. import testhook
from ..errors import Location, OutputError, StrictError, UsageError, warnings_so_far
from ..files import named_root, reference_root
from ..renderers import Rendered
from .limits import limited_time
from .options import BuildOptions
from .outputs import locked, write_files
from .state import BuildState, input_bytes

if TYPE_CHECKING:
    from ..theme import Templates
    from ..tree import Document


Kind = Literal["guide", "packet"]


@dataclass(frozen=True)
class Output:
    """One output file of a build: where, which format, pages, bytes, render seconds.

    ``source`` is the guide or packet file it was made from, ``kind`` its job's kind.
    """

    path: Path
    format: str
    pages: int | None
    size: int
    seconds: float
    skipped: bool = False
    source: Path | None = None
    kind: Kind = "guide"

    def __str__(self) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}, " if self.pages else ""
        if self.skipped:
            return f"unchanged {self.path}  ({pages}{self.size / 1000:.1f} kB)"
        return f"wrote {self.path}  ({pages}{self.size / 1000:.1f} kB, {self.seconds:.2f} s)"


class Draft(Protocol):
    """What lays one document out, given the templates; picklable (a worker may lay it out).

    The templates are the build's, or tightened ones when the document is fitted to its
    pages (:mod:`.fitting`).
    """

    def lay(self, templates: Templates) -> Document:
        """Return the document laid out with ``templates``."""


class PartsDraft(Draft, Protocol):
    """A draft of a document of parts (a packet), each part laid out at a level of its own."""

    def lay_parts(self, templates: Templates, levels: Sequence[float]) -> Document:
        """Return the document laid out with ``templates``, each part tightened to its level."""

    def lay_shared(self, templates: Templates, levels: Sequence[float]) -> Document:
        """Return, likewise, the document its recipients share (see ``RenderContext.shared``)."""


@dataclass(frozen=True)
class Part:
    """One part of a document fitted on its own pages (a guide in a packet).

    ``anchor`` is the part's; the pages fitted run from its first to its end marker
    (``<anchor>-end``), or to the page before ``stop`` (its own sign-off sheet).
    """

    anchor: str
    budget: int | None = None
    where: Location | None = None
    stop: str = ""
    setting: str = "handout.pages"  # what set the budget, as messages name it


@dataclass(frozen=True)
class Fitting:
    """How a job is fitted to its pages: its page budget, and where that was set.

    Without a budget (None), a near-empty last page is still pulled onto the one before;
    ``where`` is None for ``--pages``. A document of ``parts`` (its draft a
    :class:`PartsDraft`) is fitted part by part instead, each as a guide built alone is.
    Documents with the same ``key`` fit alike (a roster's recipients of one curriculum):
    a process fits the first and lays the others out at its levels. ``hint`` names a
    guide built from a file for the fit hint (:mod:`.fithint`; "" for none).
    """

    budget: int | None = None
    where: Location | None = None
    parts: tuple[Part, ...] = ()
    key: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Job:
    """One document a build makes (see the module's docstring).

    ``source`` is the guide or packet file it comes from; ``owner`` names the build its
    files belong to ("the guide content/x.yaml", :func:`owner_name`); ``draft`` is None
    while the job is planned from bytes alone, before its source is loaded.
    """

    source: Path
    key: str
    targets: dict[str, Path]
    owner: str = ""
    draft: Draft | None = None
    fitting: Fitting | None = None
    kind: Kind = "guide"

    @property
    def name(self) -> str:
        """Return how progress names the job: its files' name (``2026-12-08-Doe-Jane``)."""
        return next(iter(self.targets.values()), self.source).stem


def plan(jobs: Sequence[Job], state: BuildState,
         force: bool) -> tuple[list[Job], dict[Path, Output]]:
    """Return the jobs to render, and the outputs found up to date.

    Raise an :class:`OutputError` if a job's output exists and another build made it.
    """
    for job in jobs:
        for target in job.targets.values():
            refuse_taken(target, job.owner, state)
    todo: list[Job] = []
    done: dict[Path, Output] = {}
    for job in jobs:
        found = {} if force else _fresh_outputs(job, state)
        if found is None or force:
            todo.append(job)
        else:
            done |= found
    return todo, done


def _fresh_outputs(job: Job, state: BuildState) -> dict[Path, Output] | None:
    """Return the outputs of ``job`` if every one is up to date, else None.

    A file that went missing meanwhile (its folder removed during the build) is not up
    to date: the job renders again.
    """
    found = {}
    for name, target in job.targets.items():
        record = state.fresh(target, job.key)
        if record is None:
            return None
        try:
            size = target.stat().st_size
        except OSError:
            return None
        found[target] = Output(target, name, record.pages, size, 0.0, skipped=True,
                               source=job.source, kind=job.kind)
    return found


def written(job: Job, state: BuildState) -> bool:
    """Return whether this build wrote ``job``'s files (each holds what it rendered)."""
    return all(target.name in state.new and state.fresh(target, job.key) is not None
               for target in job.targets.values())


def collect(jobs: Iterable[Job], results: Iterable[dict[str, tuple[Rendered, float]]],
            state: BuildState) -> tuple[dict[Path, bytes], dict[Path, Output]]:
    """Return the files the rendered ``results`` of ``jobs`` make, and their outputs.

    Each is recorded in ``state`` with its job's key.
    """
    files, done = {}, {}
    for job, rendered in zip(jobs, results, strict=True):
        for name, (result, seconds) in rendered.items():
            target = job.targets[name]
            files[target] = result.data
            state.remember(target, job.key, result.data, result.pages, job.owner)
            done[target] = Output(target, name, result.pages, len(result.data), seconds,
                                  source=job.source, kind=job.kind)
    return files, done


def batches(jobs: list[Job], size: int) -> Iterator[list[Job]]:
    """Yield ``jobs`` in batches of ``size``."""
    for start in range(0, len(jobs), size):
        yield jobs[start:start + size]


def refuse_shared_outputs(jobs: Iterable[Job]) -> None:
    """Raise a usage error if two jobs would write the same output file."""
    owners: dict[Path, Path] = {}
    for job in jobs:
        for target in job.targets.values():
            if target in owners:
                raise UsageError(f"{owners[target]} and {job.source} would both write "
                                 f"{target}; rename one, or build them into different folders")
            owners[target] = job.source


def refuse_warnings(options: BuildOptions) -> None:
    """Raise the warnings collected so far as errors if ``options`` are strict."""
    found = warnings_so_far()
    if options.strict and found:
        raise StrictError.of(found)


Batch = tuple[dict[Path, bytes], BuildState]  # files rendered, and their folder's state


def commit(batches: Sequence[Batch], options: BuildOptions) -> None:
    """Write the files of every batch, each with its state file, at once.

    The batches may be in several folders (the guides', each packet's): every folder
    is locked (parents first, as every writer takes them), and all the files go in one
    atomic write (see the module's docstring).
    """
    if not batches:
        return
    refuse_warnings(options)  # before anything is written
    testhook.reached("before-commit")
    folders = sorted({state.path.parent for _, state in batches}, key=lambda f: f.parts)
    emptied: list[Path] = []  # removed packets' folders
    with contextlib.ExitStack() as stack, limited_time(options.time_limit,
                                                       "writing the outputs"):
        for folder in folders:
            stack.enter_context(locked(folder))
        files: dict[Path, bytes] = {}
        for written, state in batches:
            state.merge_latest()  # what other builds into this folder wrote meanwhile
            for target in written:
                refuse_taken(target, state.new[target.name].owner, state)
            files |= written if state.emptied else {**written, state.path: state.serialized()}
        write_files(files, root=options.out)
        for _, state in batches:  # outputs of guides and packets no longer there (--clean)
            for name in sorted(state.forgotten):
                (state.path.parent / name).unlink(missing_ok=True)
            if state.emptied:  # a removed packet's folder: its state goes too, then it
                state.path.unlink(missing_ok=True)
                if state.path.parent != options.out:
                    emptied.append(state.path.parent)
    for folder in emptied:  # once unlocked: the portable paths' lock file is in it till then
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if nothing else is left
    testhook.reached("after-commit")


def refuse_taken(target: Path, owner: str, state: BuildState) -> None:
    """Raise an :class:`OutputError` if ``target`` exists and a build but ``owner`` made it."""
    made_by = state.taken(target, owner)
    if made_by is not None:
        raise OutputError(f"cannot write {target}: {made_by} made it, and {owner} would "
                          "replace it; build one of them into another folder (-o), or "
                          "remove the file first")


def owner_name(what: str, path: Path, project: Path) -> str:
    """Return how an owner is named: ``what`` and its file, relative to the ``project``."""
    try:
        shown = path.resolve().relative_to(project.resolve()).as_posix()
    except ValueError:
        shown = str(path.resolve())
    return f"{what} {shown}"


def settings_of(options: BuildOptions | dict[str, str]) -> list[str]:
    """Return what, besides its files, an output depends on.

    The options declared ``affects_output`` (their fingerprints, if given: the
    templates' is the hash of their files), and ``SOURCE_DATE_EPOCH``.
    """
    fingerprints = options if isinstance(options, dict) else dict(options.output_settings())
    return [*(f"{name}={value}" for name, value in fingerprints.items()),
            os.environ.get("SOURCE_DATE_EPOCH", "")]


OUTSIDE = b"\0outside the project"  # what a file that may not be read hashes as


def inputs_of(path: Path, project: Path, named_by: Path | None = None,
              given: Sequence[Path] = ()) -> list[bytes]:
    """Return the bytes a guide's outputs depend on: the file, and a translation's source.

    Each is read inside the folder the one rule gives it
    (:func:`~guidegen.files.named_root`, :func:`~guidegen.files.reference_root`, with
    the folders ``given``): a file outside it is never read (the loader says why).
    """
    root = named_root(path, project) if named_by is None else \
        reference_root(path, named_by, project, *given)
    if named_by is not None and root is None:
        return [OUTSIDE]
    data = input_bytes(path, root)
    if b"translation_of" not in data:  # most guides: no need to import the module
        return [data]
    from ..content.translations import source_of

    source = source_of(path, data)
    if source is None:
        return [data]
    source_root = reference_root(source, path, project)
    return [data, OUTSIDE if source_root is None else input_bytes(source, source_root)]


def stamp(day: datetime.date | None) -> datetime.datetime | None:
    """Return the date stamped into files: ``SOURCE_DATE_EPOCH`` if set, else ``day``."""
    from ..content.model import MIN_YEAR

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            date = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from None
        if date.year < MIN_YEAR:
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is before the year {MIN_YEAR}")
        return date
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)
