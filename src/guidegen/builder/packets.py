"""Onboarding packets as jobs of a build session: one PDF + DOCX per packet, or per starter.

Everything is checked first (the packet file, its guides, the roster, the labels of
every language it prints: every problem at once; :mod:`.packetplan` decides from bytes
which packets are to build); then each packet, or each recipient of a roster, is one
:class:`~.jobs.Job` (laid out by a :class:`PacketDraft`) through the session's cycle.
Without a roster the packet is built like a guide, all or nothing: its files are
written with the build's guides, once everything has rendered. With a roster, the
packets are rendered in batches (in parallel with ``--jobs``) and each batch is written
as soon as it is done, atomically, with the state file: a run that is interrupted or
killed leaves only complete files, and the next run skips what was written and
finishes the rest. Each roster keeps its own manifest
(:func:`~.packetplan.manifest_stem`). ``--shard K/N`` builds one contiguous slice of the
roster; shards may share the output folder (each keeps its own state file and
manifest).

The recipients' PDFs share one layout of the guides (:func:`_contexts`,
:mod:`guidegen.renderers.pdf.compose`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..content.packetfile import MAX_ROSTER_BYTES
from ..errors import Interrupted
from ..files import named_root, read_file
from ..renderers import extension
from .jobs import Batch, Fitting, Job, Output, refuse_taken, written
from .jobs import plan as plan_jobs
from .options import BuildOptions
from .packetdraft import PacketDraft
from .packetload import Loaded, packet_date
from .packetplan import (
    MAX_MANIFEST,
    PacketPlan,
    build_key,
    load_stale,
    manifest_stem,
    owner_of,
    plan_packets,
    refuse_bad_options,
    state_name,
)
from .state import BuildState, digest

if TYPE_CHECKING:
    from ..content.roster import Recipient
    from ..layout.packet import PacketLayout
    from ..renderers import RenderContext
    from .base import SessionBase


def build_packets(session: SessionBase, plans: Sequence[PacketPlan],
                  pending: list[Batch]) -> list[Output]:
    """Build every packet of ``plans`` not up to date; return one output per file.

    The files still to write (with :func:`~.jobs.commit`) go to ``pending``: every
    packet's manifest, and the packets without a roster. A roster's packets are written
    batch by batch as they render.
    """
    outputs: list[Output] = []
    for plan in plans:
        if plan.loaded is None:
            outputs += plan.fresh or []
        else:
            outputs += _build_one(session, plan, plan.loaded, pending)
    return outputs


def _build_one(session: SessionBase, plan: PacketPlan, loaded: Loaded,
               pending: list[Batch]) -> list[Output]:
    from .manifest import (
        built_dates,
        entries,
        listed,
        manifest_csv,
        manifest_json,
        room_entry,
        today,
    )
    from .printroom import print_room_file, room_name

    options, folder = session.options, plan.folder
    state = session.state(folder, state_name(options))
    layouts = _layouts(session, loaded)
    recipients = _recipients(loaded, options)
    fits = digest(plan.sources)  # a curriculum's recipients fit alike: their guides do
    jobs = [_job(session, plan, layouts[recipient.language if recipient else None],
                 recipient, fits) for recipient in recipients]
    name, owner = manifest_stem(options), owner_of(session, plan.path)
    manifests = (folder / f"{name}.csv", folder / f"{name}.json")
    room = folder / f"{room_name(name)}.pdf"
    for target in (*manifests, room):  # another build's record is never replaced
        refuse_taken(target, owner, state)
    roster = loaded.recipients is not None
    reused = roster and not options.force and _reuse(jobs, state)
    planned = plan_jobs(jobs, state, options.force)
    try:
        outputs, files = session.run(jobs, state, planned=planned,
                                     context=_contexts(session, loaded, planned[0]),
                                     batch=2 * options.processes if roster else None,
                                     write_as_done=roster)
    except KeyboardInterrupt:
        _interrupted(planned[0], state, manifests, pending)
        raise
    run_key, built = build_key(session, plan.sources), today()
    earlier = built_dates(listed(manifests[1], MAX_MANIFEST))
    if reused:  # a file the roster's other builds wrote keeps the date it was built
        for other in sorted(folder.glob("manifest*.json")):
            if other != manifests[1]:
                earlier = built_dates(listed(other, MAX_MANIFEST)) | earlier
    manifest = entries(loaded.packet, loaded.guides, recipients, jobs, outputs, state,
                       built=built, earlier=earlier, editions=loaded.editions)
    made = print_room_file(options, room, recipients, jobs)
    if made is not None:  # the print room's file: listed in the manifest, written with it
        pdf, output = made
        state.remember(output.path, run_key, pdf, output.pages, owner)
        files[output.path] = pdf
        outputs.append(output)
        manifest.append(room_entry(loaded.packet, output, state.records[output.path.name]
                                   .sha256, built, earlier))
    fields = loaded.packet.roster.ids if loaded.packet.roster is not None else ()
    plan.manifest = manifest_json(manifest, _about(session, loaded, recipients))
    records = dict(zip(manifests, (manifest_csv(manifest, fields), plan.manifest),
                       strict=True))
    for target, data in records.items():  # the manifest says what a complete build made
        state.remember(target, run_key, data, None, owner)
    pending.append(({**files, **records}, state))
    return outputs


def _interrupted(todo: Sequence[Job], state: BuildState, manifests: Sequence[Path],
                 pending: Sequence[Batch]) -> None:
    """Raise what is true after Ctrl-C if some of ``todo`` were written: which, and what not.

    A roster's packets are written batch by batch (each file's line said as its batch
    was written); those whose files hold what this build rendered (read back, by their
    hash) were written, each whole. The ``manifests`` (CSV and JSON) and what
    was ``pending`` (the guides built with the roster) are written only at the end.
    """
    count = sum(1 for job in todo if written(job, state))
    if not count:
        return
    rest = len(todo) - count
    others = f"{rest} packet{'s' if rest != 1 else ''}, " if rest else ""
    guides = ", the guides' files" if any(files for files, _ in pending) else ""
    raise Interrupted(
        f"interrupted after {count} of the {len(todo)} packets to build were written, "
        f"each whole (listed above); not written: {others}the manifest "
        f"({manifests[0]} and {manifests[1].name}, written once every "
        f"packet of the roster is){guides}; "
        f"the next build skips the {count} and builds the rest") from None


def _reuse(jobs: Sequence[Job], state: BuildState) -> bool:
    """Return whether ``state`` took up to date files of ``jobs`` from other state files.

    Those of the packet's folder (:meth:`~.state.BuildState.reuse`): a shard reuses the
    recipients' files the roster built whole wrote, or another shard of it (one owner),
    as a build reuses its own; the roster built whole, the shards'.
    """
    reused = False
    for job in jobs:
        own = [state.records.get(target.name) for target in job.targets.values()]
        if not all(record is not None and record.key == job.key for record in own):
            reused = state.reuse(job.targets.values(), job.key, job.owner) or reused
    return reused


def _recipients(loaded: Loaded, options: BuildOptions) -> list[Recipient | None]:
    """Return whom the build makes packets for: the roster's slice, else nobody (None)."""
    from ..content.roster import shard

    if loaded.recipients is None:
        return [None]
    if options.shard_slice:
        return list(shard(list(loaded.recipients), *options.shard_slice))
    return list(loaded.recipients)


def _job(session: SessionBase, plan: PacketPlan, layout: PacketLayout,
         recipient: Recipient | None, fits: str) -> Job:
    """Return the job of the packet for ``recipient``: its key, files, draft and fitting.

    The recipients of a curriculum have the same guides, fitted alike: their fitting's
    key is the packet's (``fits``), their language's and their guides'.
    """
    stem = recipient.stem if recipient else plan.path.stem
    fields = [f"{k}={v}" for k, v in recipient.fields] if recipient else []
    files: dict[str, Path] = {name: plan.folder / f"{stem}.{extension(name)}"
                              for name in session.options.formats}
    draft = PacketDraft(layout, recipient)
    key = f"{fits}:{layout.reader}:{draft.chosen}"
    return Job(plan.path, digest([*plan.sources, *fields]), files,
               owner_of(session, plan.path), draft, Fitting(parts=draft.parts(), key=key),
               kind="packet")


def _layouts(session: SessionBase, loaded: Loaded) -> dict[str | None, PacketLayout]:
    """Return the packet's layout for each language its recipients read (None: as written).

    Each lays the guides out in that language once, for all its recipients.
    """
    from ..content.editions import guides_of
    from ..layout.packet import PacketLayout

    date = packet_date(loaded.packet)
    layouts: dict[str | None, PacketLayout] = {None: PacketLayout(
        loaded.packet, loaded.guides, session.templates, language=session.language,
        date=date)}
    for tag in loaded.editions.guides:
        reader = next(r for r in loaded.recipients or () if r.language == tag)
        layouts[tag] = PacketLayout(loaded.packet, guides_of(reader, loaded.guides,
                                                             loaded.editions),
                                    session.templates, language=session.language,
                                    date=date, reader=tag)
    return layouts


def _contexts(session: SessionBase, loaded: Loaded,
              todo: Sequence[Job]) -> Callable[[Job], RenderContext]:
    """Return the render context of each job: with its curriculum's shared layout, if any.

    The packet without a recipient, with a curriculum's guides, is laid out once (in
    each rendering process) and reused for the guides of every recipient of that
    curriculum (see :mod:`guidegen.renderers.pdf.compose`); as laying it out costs about
    one whole packet in each process, it is shared only by a curriculum with two
    recipients to render per process or more.
    """
    options, plain = session.options, session.context()
    contexts: dict[tuple[PacketLayout, tuple[int, ...]], RenderContext] = {}
    # a footer with the recipient's name makes every page their own: nothing to share
    if loaded.recipients is not None and "pdf" in options.formats and \
            not loaded.packet.footer_recipient:
        counts = Counter(_curriculum(job) for job in todo)
        contexts = {(layout, chosen): session.context(shared=layout.document(None, chosen))
                    for (layout, chosen), count in counts.items()
                    if count >= 2 * options.processes}

    def context(job: Job) -> RenderContext:
        return contexts.get(_curriculum(job), plain)

    return context


def _curriculum(job: Job) -> tuple[PacketLayout, tuple[int, ...]]:
    """Return what a job's packet shares its guides' pages by: language and curriculum."""
    draft = _draft(job)
    return draft.layout, draft.chosen


def _draft(job: Job) -> PacketDraft:
    """Return the draft of a packet's job."""
    assert isinstance(job.draft, PacketDraft)  # a packet's jobs are laid out by one
    return job.draft


def _about(session: SessionBase, loaded: Loaded,
           recipients: Sequence[Recipient | None]) -> dict[str, Any]:
    """Return what a roster build's manifest says of the roster, and of its shard.

    The roster's name and SHA-256 and how many recipients it has; a shard's number, the
    shards' count and its recipients' first and last roster rows: enough for
    ``guidegen manifest merge`` to tell the shards of one roster, and which are missing.
    """
    options = session.options
    if options.roster is None or loaded.recipients is None:
        return {}
    data = read_file(options.roster, MAX_ROSTER_BYTES,
                     root=named_root(options.roster, session.project))
    about: dict[str, Any] = {"roster": {"file": options.roster.name,
                                        "sha256": hashlib.sha256(data).hexdigest(),
                                        "recipients": len(loaded.recipients)}}
    if options.shard_slice is not None:
        rows = [recipient.row for recipient in recipients if recipient is not None]
        index, count = options.shard_slice
        about["shard"] = {"index": index, "count": count,
                          "rows": [rows[0], rows[-1]] if rows else []}
    return about


# planning lives in .packetplan; its names stay importable from here
__all__ = ["PacketDraft", "PacketPlan", "build_packets", "load_stale", "plan_packets",
           "refuse_bad_options"]
