"""Building onboarding packets: one PDF + DOCX per packet, or per new starter of a roster.

A packet's outputs go to a folder of their own, ``OUT/<packet>/``, with its state file
and its manifests. Everything is checked first (the packet file, its guides, the
roster, the labels of every language it prints: every problem at once); then, without
a roster, the packet is built like a guide, all or nothing: its files are written with
the build's guides, once everything has rendered. With a roster, the packets are
rendered in batches (in parallel with ``--jobs``) and each batch is written as soon as
it is done, atomically, with the state file: a run that is interrupted or killed
leaves only complete files, and the next run skips what was written and finishes the
rest. Each roster keeps its own manifest (:func:`_manifest_name`). ``--shard K/N``
builds one contiguous slice of the roster; shards may share the output folder (each
keeps its own state file and manifest).

Whether a packet is up to date is decided from bytes before anything is loaded
(:func:`fresh_packets`), and the recipients' PDFs share one layout of the guides
(:func:`_shared`, :mod:`guidegen.renderers.pdf.compose`).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..common.language import Language
from ..content.packetfile import MAX_ROSTER_BYTES, is_packet_file, named_guides
from ..errors import (
    ContentError,
    InputError,
    Interrupted,
    Location,
    OutputError,
    Problem,
    UsageError,
    display_name,
    warn,
)
from ..files import named_root, read_file
from ..renderers import RenderContext, extension
from .jobs import (
    Batch,
    Output,
    collect,
    commit,
    inputs_of,
    owner_name,
    project_root,
    refuse_taken,
    stamp,
)
from .jobs import plan as plan_jobs
from .options import BuildOptions
from .outputs import (
    finish_interrupted_write,
    locked,
    plain_name,
    remove_stale_temporaries,
)
from .scheduler import Scheduler, Task
from .state import BuildState, digest, input_bytes

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..content.packet import Packet
    from ..content.roster import Recipient
    from ..layout.packet import PacketLayout
    from ..theme import Templates
    from ..tree import Document
    from .manifest import Entry

SUFFIXES = (".yaml", ".yml")
MAX_MANIFEST = 64 << 20  # a manifest of a 100,000-row roster


@dataclass(frozen=True)
class Loaded:
    """A checked packet: its file, model, guides (in order) and recipients (if a roster)."""

    path: Path
    packet: Packet
    guides: tuple[Guide, ...]
    recipients: tuple[Recipient, ...] | None


def sort_sources(paths: Sequence[str | os.PathLike[str]],
                 options: BuildOptions) -> tuple[list[Path], list[Path]]:
    """Return the guide files and the packet files named by ``paths`` (or the defaults).

    Without paths: every guide of the content folder and every packet of the packets
    folder (if the project names one). A file is a packet if its top level has
    ``packet:``; a folder holds guides or packets.
    """
    named = [Path(p) for p in paths]
    if not named:
        named = [options.content]
        if options.packets is not None and options.packets.is_dir():
            named.append(options.packets)
    guides: list[Path] = []
    packets: list[Path] = []
    for path in named:
        files = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES) \
            if path.is_dir() else [path]
        for file in files:
            inside = named_root(file, project_root(options))
            (packets if is_packet_file(file, inside) else guides).append(file)
    if paths and not guides and not packets:
        raise UsageError(f"no guides or packets found in {', '.join(map(str, paths))} "
                         "(looked for *.yaml)")
    once = {path.resolve(): path for path in reversed(packets)}  # named twice: built once
    return guides, [path for path in packets if once[path.resolve()] is path]


def refuse_bad_options(paths: Sequence[Path], options: BuildOptions) -> None:
    """Raise a usage error if ``--roster`` or ``--shard`` do not fit the packets ``paths``."""
    if options.roster is not None and len(paths) != 1:
        raise UsageError(f"--roster goes with exactly one packet file; {len(paths)} "
                         f"{'was' if len(paths) == 1 else 'were'} named or found")
    if options.shard is not None and options.roster is None:
        raise UsageError("--shard slices a roster; give --roster too")
    owners: dict[Path, Path] = {}
    for path in paths:
        folder = _folder(path, options)
        if folder in owners:
            raise UsageError(f"{owners[folder]} and {path} would both write into {folder}; "
                             "rename one, or build them into different folders")
        owners[folder] = path


def load_packets(paths: Sequence[Path], options: BuildOptions) -> list[Loaded]:
    """Return the packets at ``paths``, checked with their guides and roster; raise all."""
    from ..content.packet import load_guides, load_packet
    from ..content.roster import read_roster
    from ..layout.packet import PacketLayout
    from ..theme import load_templates

    refuse_bad_options(paths, options)
    if options.pages is not None:
        for path in paths:
            warn(Location(display_name(path)), f"--pages {options.pages} is a page budget "
                 "for guides built on their own; a packet lays its guides out as they are")
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    templates = load_templates(options.templates, options.paper)
    project = project_root(options)
    for path in paths:
        try:
            packet = load_packet(path, root=project)
            guides = load_guides(packet, options.content, project)
            packet_date(packet)  # SOURCE_DATE_EPOCH is a date
            # every label it prints, in its language: a warning now, before any render
            PacketLayout(packet, guides, templates,
                         language=Language.of(options.language)).guide_labels()
            recipients = None
            if options.roster is not None:
                if packet.roster is None:
                    raise UsageError(f"{path} has no 'roster:' section that says which "
                                     "columns make a recipient")
                recipients = tuple(read_roster(options.roster, packet.roster,
                                               named_root(options.roster, project),
                                               options.roster_encoding))
                _refuse_own_name(path, recipients)
                _warn_if_empty_shard(recipients, options)
            loaded.append(Loaded(path, packet, tuple(guides), recipients))
        except ContentError as exc:
            problems += exc.problems
    if problems:
        raise ContentError.collect(problems)
    return loaded


def _refuse_own_name(path: Path, recipients: Sequence[Recipient]) -> None:
    """Raise a located error for recipients whose files would be the packet's own."""
    problems = [Problem(r.location, f"the file name {r.stem!r} is the packet's own (its "
                        "files built without a roster); make roster.file_name tell them "
                        "apart") for r in recipients if r.stem.casefold() == path.stem.casefold()]
    if problems:
        raise ContentError.collect(problems)


def _warn_if_empty_shard(recipients: Sequence[Recipient], options: BuildOptions) -> None:
    """Warn that ``--shard K/N`` holds no recipient of ``recipients`` (N is too many)."""
    from ..content.roster import shard

    if options.roster is not None and options.shard_slice is not None and \
            not shard(list(recipients), *options.shard_slice):
        index, count = options.shard_slice
        warn(Location(display_name(options.roster)), f"--shard {index}/{count} holds no "
             f"recipient: the roster has {len(recipients)}, so shard it into at most as "
             "many")


def packet_date(packet: Packet) -> datetime.datetime | None:
    """Return the date stamped into a packet's files: ``SOURCE_DATE_EPOCH``, else its own."""
    return stamp(packet.packet.date)


class Plan(NamedTuple):
    """One packet of a build: its outputs if up to date, else the packet, checked."""

    path: Path
    fresh: list[Output] | None = None
    loaded: Loaded | None = None


def fresh_packets(paths: Sequence[Path], settings: list[str],
                  options: BuildOptions) -> dict[Path, list[Output] | None]:
    """Return the outputs of each packet at ``paths`` if every one is up to date, else None.

    Decided from bytes alone (the packet file, its guides, the roster, the ``settings``
    of :func:`~guidegen.builder.jobs.settings_of`, against the manifest the last
    complete build of the packet recorded), so an unchanged build never imports the
    content model.
    """
    refuse_bad_options(paths, options)  # --roster without a packet, too
    for path in paths:  # finish what a killed build began there; its leftovers go
        folder = _folder(path, options)
        if folder.is_dir():
            with locked(folder):
                finish_interrupted_write(folder)
                remove_stale_temporaries(folder)
    return {path: None if options.force else up_to_date(path, settings, options)
            for path in paths}


def plan_packets(fresh: dict[Path, list[Output] | None], options: BuildOptions) -> list[Plan]:
    """Return a :class:`Plan` for each packet of ``fresh`` (see :func:`fresh_packets`).

    The packets not up to date are loaded and checked: every problem at once.
    """
    stale = [path for path, outputs in fresh.items() if outputs is None]
    loaded = iter(load_packets(stale, options) if stale else [])
    return [Plan(path, outputs) if outputs is not None else Plan(path, None, next(loaded))
            for path, outputs in fresh.items()]


def up_to_date(path: Path, settings: list[str], options: BuildOptions) -> list[Output] | None:
    """Return the outputs of the packet at ``path`` if every one is up to date, else None."""
    project = project_root(options)
    data = input_bytes(path, named_root(path, project))
    guides = named_guides(path, data, options.content)
    if guides is None:
        return None
    folder = _folder(path, options)
    state = BuildState(folder, _state_name(options))
    manifest, owner = folder / f"{_manifest_name(options)}.json", _owner(path, options)
    made = state.fresh(manifest, _run_key(_sources(settings, data, path, guides, options),
                                          options))
    if made is None or made.owner != owner:
        return None
    try:  # what the manifest lists: it may have gone, or be another file, meanwhile
        listed = read_file(manifest, MAX_MANIFEST, root=folder)
        if hashlib.sha256(listed).hexdigest() != made.sha256:
            return None
        entries = json.loads(listed)["files"]
    except (InputError, ValueError, TypeError, KeyError, RecursionError):
        return None
    outputs = []
    for entry in entries:
        target, record = folder / entry["file"], state.records.get(entry["file"])
        if record is None or record.owner != owner or state.fresh(target, record.key) is None:
            return None
        outputs.append(Output(target, entry["format"], record.pages, entry["bytes"], 0.0,
                              skipped=True))
    return outputs


def _folder(path: Path, options: BuildOptions) -> Path:
    """Return the folder of the packet at ``path``: ``OUT/<its name>``, a folder of its own.

    The name must be a plain folder name that is not hidden (``...yaml`` would write
    above the output folder, ``..yaml`` into it); the folder, if it exists, must be one
    (not a symlink, which could lead anywhere).
    """
    name = path.stem
    if not plain_name(name) or name.startswith("."):
        raise UsageError(f"{path}: a packet's files go into a folder named after the file, "
                         f"and {name!r} is not a name guidegen gives a folder; rename the "
                         "file (letters, digits, - and _)")
    folder = options.out / name
    if os.path.islink(folder) or (os.path.lexists(folder) and not folder.is_dir()):
        raise OutputError(f"cannot write into {folder}: it is not a folder but "
                          f"{'a symlink' if os.path.islink(folder) else 'a file'}; a "
                          "packet's files go into a folder of its own")
    return folder


def _shard_tag(options: BuildOptions) -> str:
    shard = options.shard_slice
    return f"-{shard[0]}-of-{shard[1]}" if shard else ""


def _state_name(options: BuildOptions) -> str:
    """Return the name of the state file of a build (each shard keeps its own)."""
    return f".guidegen-state{_shard_tag(options)}.json"


def _manifest_name(options: BuildOptions) -> str:
    """Return the manifest's name (no suffix) of a build: one per roster and shard.

    ``manifest`` for the packet without a roster; ``manifest-april`` for the roster
    ``april.csv``; ``manifest-april-2-of-4`` for its second of four shards. Building one
    never replaces another's record of who received what.
    """
    roster = f"-{options.roster.stem}" if options.roster is not None else ""
    return f"manifest{roster}{_shard_tag(options)}"


def _sources(settings: list[str], packet: bytes, path: Path, guides: Sequence[Path],
             options: BuildOptions) -> list[bytes | str]:
    """Return everything a packet's outputs depend on but the roster: options, files.

    ``packet`` holds the bytes of the packet file at ``path``; ``guides`` are the files it
    names, read only inside the project or the content folder.
    """
    project = project_root(options)
    return [*settings, packet, *(data for guide in guides for data in inputs_of(
        guide, project, named_by=path, given=(options.content,)))]


def _run_key(sources: list[bytes | str], options: BuildOptions) -> str:
    """Return the key of a whole packet build: its sources, the roster, the shard."""
    roster = b""
    if options.roster is not None:
        try:
            roster = read_file(options.roster, MAX_ROSTER_BYTES,
                               root=named_root(options.roster, project_root(options)))
        except InputError:
            roster = b"\0unreadable"  # never up to date: loading it says what is wrong
    return digest([*sources, roster, options.roster_encoding or "",
                   str(options.shard_slice or "")])


@dataclass(frozen=True)
class _Job:
    recipient: Recipient | None
    key: str
    targets: dict[str, Path]
    owner: str


def build_packets(plans: Sequence[Plan], settings: list[str], options: BuildOptions,
                  scheduler: Scheduler) -> tuple[list[Output], list[Batch]]:
    """Build every packet of ``plans`` not up to date.

    Return one :class:`Output` per file, and the files still to write (with
    :func:`~guidegen.builder.jobs.commit`): every packet's manifest, and the packets
    without a roster. A roster's packets are written batch by batch as they render.
    """
    from ..theme import load_templates

    templates = load_templates(options.templates, options.paper) if any(
        plan.loaded for plan in plans) else None
    outputs: list[Output] = []
    batches: list[Batch] = []
    for plan in plans:
        if plan.loaded is None or templates is None:
            outputs += plan.fresh or []
        else:
            made, batch = _build_one(plan.loaded, templates, settings, options, scheduler)
            outputs += made
            batches.append(batch)
    return outputs, batches


def _build_one(loaded: Loaded, templates: Templates, settings: list[str],
               options: BuildOptions, scheduler: Scheduler) -> tuple[list[Output], Batch]:
    from ..content.packet import guide_paths
    from .manifest import manifest_csv, manifest_json

    folder = _folder(loaded.path, options)
    state = BuildState(folder, _state_name(options))
    project = project_root(options)
    sources = _sources(settings, input_bytes(loaded.path, named_root(loaded.path, project)),
                       loaded.path, guide_paths(loaded.packet, options.content), options)
    jobs = _jobs(loaded, folder, sources, options)
    name, owner = _manifest_name(options), _owner(loaded.path, options)
    manifests = (folder / f"{name}.csv", folder / f"{name}.json")
    for target in manifests:  # another build's record is never replaced
        refuse_taken(target, owner, state)
    todo, done = plan_jobs(jobs, state, options.force)
    files: dict[Path, bytes] = {}
    if todo:
        from ..layout.packet import PacketLayout

        scheduler.start(len(todo))
        layout = PacketLayout(loaded.packet, loaded.guides, templates,
                              date=packet_date(loaded.packet),
                              language=Language.of(options.language))
        context = RenderContext(templates, options.weasy_variant,
                                shared=_shared(layout, loaded, options, len(todo)))
        try:
            for batch in _batches(todo, 1 if loaded.recipients is None else
                                  2 * options.processes):
                rendered, made = _render_batch(batch, layout, context, options, scheduler,
                                               state)
                done |= made
                if loaded.recipients is None:
                    files |= rendered  # written with the build's other files
                else:
                    commit([(rendered, state)], options)  # a roster's: as they are done
        except KeyboardInterrupt:
            _interrupted(todo, state)
            raise
    outputs = [done[target] for job in jobs for target in job.targets.values()]
    manifest = _manifest(loaded, jobs, outputs, state)
    records = dict(zip(manifests, (manifest_csv(manifest), manifest_json(manifest)),
                       strict=True))
    run_key = _run_key(sources, options)
    for target, data in records.items():  # the manifest says what a complete build made
        state.remember(target, run_key, data, None, owner)
    return outputs, ({**files, **records}, state)


def _interrupted(todo: Sequence[_Job], state: BuildState) -> None:
    """Raise what is true after Ctrl-C if some of ``todo`` were written: how many.

    A roster's packets are written batch by batch; those whose files hold what this
    build rendered (read back, by their hash) were written, each whole.
    """
    written = sum(1 for job in todo if all(
        target.name in state.new and state.fresh(target, job.key) is not None
        for target in job.targets.values()))
    if written:
        raise Interrupted(f"interrupted after {written} of the {len(todo)} packets to "
                          "build were written, each whole; the next build skips them and "
                          "builds the rest") from None


def _jobs(loaded: Loaded, folder: Path, sources: list[bytes | str],
          options: BuildOptions) -> list[_Job]:
    from ..content.roster import shard

    recipients: Sequence[Recipient | None] = [None]
    if loaded.recipients is not None:
        recipients = list(loaded.recipients)
        if options.shard_slice:
            recipients = shard(list(loaded.recipients), *options.shard_slice)
    jobs = []
    owner = _owner(loaded.path, options)
    for recipient in recipients:
        stem = recipient.stem if recipient else loaded.path.stem
        fields = [f"{k}={v}" for k, v in recipient.fields] if recipient else []
        jobs.append(_Job(recipient, digest([*sources, *fields]),
                         {name: folder / f"{stem}.{extension(name)}"
                          for name in options.formats}, owner))
    return jobs


def _owner(path: Path, options: BuildOptions) -> str:
    """Return the build a packet's files belong to: the packet, with its roster if any.

    The shards of one roster are one build; another roster, or the packet without one,
    is another, and never replaces its files (:func:`~guidegen.builder.jobs.plan`).
    """
    project = project_root(options)
    owner = owner_name("the packet", path, project)
    if options.roster is not None:
        owner += " with " + owner_name("the roster", options.roster, project)
    return owner


def _shared(layout: PacketLayout, loaded: Loaded, options: BuildOptions,
            count: int) -> Document | None:
    """Return the packet without a recipient, if ``count`` recipients' PDFs should share it.

    Its layout is reused for every recipient's guides (see
    :mod:`guidegen.renderers.pdf.compose`); laying it out costs about one whole packet
    in each rendering process, so it pays once each has two recipients or more.
    """
    if loaded.recipients is None or "pdf" not in options.formats or \
            count < 2 * options.processes:
        return None
    return layout.document(None)


def _batches(jobs: list[_Job], size: int) -> Iterator[list[_Job]]:
    for start in range(0, len(jobs), size):
        yield jobs[start:start + size]


def _render_batch(batch: list[_Job], layout: PacketLayout, context: RenderContext,
                  options: BuildOptions, scheduler: Scheduler,
                  state: BuildState) -> tuple[dict[Path, bytes], dict[Path, Output]]:
    """Return the files of one batch of packets, laid out and rendered, and their outputs."""
    tasks = [Task(layout.document(job.recipient), context, tuple(job.targets),
                  options.time_limit) for job in batch]
    return collect(batch, scheduler.run(tasks), state)


def _manifest(loaded: Loaded, jobs: list[_Job], outputs: list[Output],
              state: BuildState) -> list[Entry]:
    from .manifest import Entry

    guides = tuple((g.guide.document.number if g.guide.document else "", g.guide.title,
                    g.guide.document.version if g.guide.document else "")
                   for g in loaded.guides)
    by_target = {output.path: output for output in outputs}
    entries = []
    for job in jobs:
        for name, target in job.targets.items():
            output, record = by_target[target], state.records.get(target.name)
            entries.append(Entry(target.name, name, job.recipient.name if job.recipient
                                 else "", job.recipient.row if job.recipient else None,
                                 loaded.packet.packet.title, guides, output.pages,
                                 output.size, record.sha256 if record else ""))
    return entries
