"""Which packets of a build are to build: decided from bytes, before anything is loaded.

A packet's outputs go to a folder of their own, ``OUT/<packet>/``, with its state file
(one per shard, :func:`state_name`) and its manifests (one per roster and shard,
:func:`manifest_stem`). A packet is up to date if the manifest its last complete build
recorded is still there, with every file it lists, and the sources (the packet file,
its guides and their translations, the build's settings, the roster: :func:`build_key`)
are the bytes they were; so an unchanged build never imports the content model. The
packets to build are then loaded and checked together (:func:`load_stale`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.packetfile import MAX_ROSTER_BYTES, named_guides
from ..errors import InputError, OutputError, UsageError
from ..files import named_root, read_file
from .jobs import Output, inputs_of, owner_name
from .options import BuildOptions
from .outputs import finish_interrupted_write, locked, plain_name, remove_stale_temporaries
from .packetload import Loaded, load_packets
from .printroom import refuse_without_pdfs
from .state import digest, input_bytes

if TYPE_CHECKING:
    from .base import SessionBase

MAX_MANIFEST = 64 << 20  # a manifest of a 100,000-row roster


def refuse_bad_options(paths: Sequence[Path], options: BuildOptions) -> None:
    """Raise a usage error if ``--roster`` or ``--shard`` do not fit the packets ``paths``."""
    if options.roster is not None and len(paths) != 1:
        raise UsageError(f"--roster goes with exactly one packet file; {len(paths)} "
                         f"{'was' if len(paths) == 1 else 'were'} named or found")
    for flag, given in (("--shard", options.shard), ("--lms-export", options.lms_export)):
        if given is not None and options.roster is None:
            raise UsageError(f"{flag} goes with a roster; give --roster too")
    if options.shard is not None and options.lms_export is not None:
        raise UsageError("--lms-export with --shard would hold one shard's recipients; "
                         "merge the shards' manifests and export them together: guidegen "
                         "manifest merge FOLDER --lms-export FILE")
    refuse_without_pdfs(options)
    owners: dict[Path, Path] = {}
    for path in paths:
        folder = _folder(path, options)
        if folder in owners:
            raise UsageError(f"{owners[folder]} and {path} would both write into {folder}; "
                             "rename one, or build them into different folders")
        owners[folder] = path


@dataclass
class PacketPlan:
    """One packet of a build: its folder, sources and outputs if up to date, else loaded."""

    path: Path
    folder: Path
    sources: list[bytes | str]  # everything its outputs depend on but the roster
    fresh: list[Output] | None = None
    loaded: Loaded | None = None
    manifest: bytes | None = None  # the JSON manifest, once built or found up to date

    @property
    def stale(self) -> bool:
        """Return whether the packet is to build (some output is not up to date)."""
        return self.fresh is None


def plan_packets(session: SessionBase, paths: Sequence[Path]) -> list[PacketPlan]:
    """Return a plan of each packet at ``paths``: up to date, decided from bytes alone.

    From the packet file, its guides, the roster and the build's settings, against the
    manifest the last complete build of the packet recorded, so an unchanged build never
    imports the content model.
    """
    options = session.options
    refuse_bad_options(paths, options)  # --roster without a packet, too
    plans = []
    for path in paths:
        folder = _folder(path, options)
        if folder.is_dir():  # finish what a killed build began there; its leftovers go
            with locked(folder):
                finish_interrupted_write(folder)
                remove_stale_temporaries(folder)
        data = input_bytes(path, named_root(path, session.project))
        guides = named_guides(path, data, options.content)
        sources = _sources(session, data, path, guides or [])
        plan = PacketPlan(path, folder, sources)
        if guides is not None and not options.force:
            plan.fresh = _up_to_date(session, plan)
        plans.append(plan)
    return plans


def load_stale(session: SessionBase, plans: Sequence[PacketPlan]) -> None:
    """Load and check every packet of ``plans`` that is to build: every problem at once."""
    stale = [plan for plan in plans if plan.stale]
    for plan, loaded in zip(stale, load_packets(session, [p.path for p in stale]) if stale
                            else [], strict=True):
        plan.loaded = loaded


def _up_to_date(session: SessionBase, plan: PacketPlan) -> list[Output] | None:
    """Return the outputs of the packet of ``plan`` if every one is up to date, else None."""
    options, folder = session.options, plan.folder
    state = session.state(folder, state_name(options))
    manifest, owner = folder / f"{manifest_stem(options)}.json", owner_of(session, plan.path)
    made = state.fresh(manifest, build_key(session, plan.sources))
    if made is None or made.owner != owner:
        return None
    try:  # what the manifest lists: it may have gone, or be another file, meanwhile
        listed = read_file(manifest, MAX_MANIFEST, root=folder, current=True)
        if hashlib.sha256(listed).hexdigest() != made.sha256:
            return None
        entries = json.loads(listed)["files"]
        plan.manifest = listed
    except (InputError, ValueError, TypeError, KeyError, RecursionError):
        return None
    outputs = []
    for entry in entries:
        target, record = folder / entry["file"], state.records.get(entry["file"])
        if record is None or record.owner != owner or state.fresh(target, record.key) is None:
            return None
        outputs.append(Output(target, entry["format"], record.pages, entry["bytes"], 0.0,
                              skipped=True, source=plan.path, kind="packet"))
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


def state_name(options: BuildOptions) -> str:
    """Return the name of the state file of a build (each shard keeps its own)."""
    return f".guidegen-state{_shard_tag(options)}.json"


def manifest_stem(options: BuildOptions) -> str:
    """Return the manifest's name (no suffix) of a build: one per roster and shard."""
    from .manifest import manifest_name

    return manifest_name(options.roster, options.shard_slice)


def _sources(session: SessionBase, packet: bytes, path: Path,
             guides: Sequence[Path]) -> list[bytes | str]:
    """Return everything a packet's outputs depend on but the roster: options, files.

    ``packet`` holds the bytes of the packet file at ``path``; ``guides`` are the files it
    names, read only inside the project or the content folder.
    """
    files = [found for guide in guides for found in (guide, *_translations(guide))]
    return [*session.settings, packet, *(data for guide in files for data in inputs_of(
        guide, session.project, named_by=path, given=(session.options.content,)))]


def _translations(guide: Path) -> list[Path]:
    """Return the translations beside ``guide`` (``X.<tag>.yaml``), which a roster may pick.

    See :mod:`guidegen.content.editions`.
    """
    return sorted(found for found in guide.parent.glob(f"{guide.stem}.*{guide.suffix}")
                  if found.stem.count(".") == guide.stem.count(".") + 1)


def build_key(session: SessionBase, sources: list[bytes | str]) -> str:
    """Return the key of a whole packet build: its sources, the roster, the shard."""
    options = session.options
    roster = b""
    if options.roster is not None:
        try:
            roster = read_file(options.roster, MAX_ROSTER_BYTES,
                               root=named_root(options.roster, session.project))
        except InputError:
            roster = b"\0unreadable"  # never up to date: loading it says what is wrong
    return digest([*sources, roster, options.roster_encoding or "",
                   str(options.shard_slice or ""), options.print_room or ""])


def owner_of(session: SessionBase, path: Path) -> str:
    """Return the build a packet's files belong to: the packet, with its roster if any.

    The shards of one roster are one build; another roster, or the packet without one,
    is another, and never replaces its files (:func:`~guidegen.builder.jobs.plan`).
    """
    roster = session.options.roster
    owner = owner_name("the packet", path, session.project)
    if roster is not None:
        owner += " with " + owner_name("the roster", roster, session.project)
    return owner
