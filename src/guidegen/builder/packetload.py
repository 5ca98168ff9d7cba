"""Loading a build's packets: each packet file, its guides and its roster, checked.

Every problem of every packet at once (the packet file, its guides, the roster, the
labels of every language it prints, its date), before anything renders; what building
them takes is :mod:`.packets`.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.editions import NO_EDITIONS, Editions
from ..errors import ContentError, Location, Problem, UsageError, display_name, warn
from ..files import named_root
from .jobs import stamp
from .options import BuildOptions

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..content.packet import Packet
    from ..content.roster import Recipient
    from .base import SessionBase


@dataclass(frozen=True)
class Loaded:
    """A checked packet: its file, model, guides (in order) and recipients (if a roster)."""

    path: Path
    packet: Packet
    guides: tuple[Guide, ...]
    recipients: tuple[Recipient, ...] | None
    editions: Editions = NO_EDITIONS  # the guides in each recipient's language


def load_packets(session: SessionBase, paths: Sequence[Path]) -> list[Loaded]:
    """Return the packets at ``paths``, checked with their guides and roster; raise all."""
    from ..content.curricula import with_curricula
    from ..content.editions import with_languages
    from ..content.packet import draft_problems, guide_paths, load_guides, load_packet
    from ..content.roster import read_roster
    from ..layout.packet import PacketLayout

    options, project = session.options, session.project
    if options.pages is not None:
        for path in paths:
            warn(Location(display_name(path)), f"--pages {options.pages} is a page budget "
                 "for guides built on their own; a packet fits each of its guides to its "
                 "own (the entry's pages, else the guide's handout.pages)")
    loaded: list[Loaded] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            packet = load_packet(path, root=project)
            guides = load_guides(packet, options.content, project)
            if not options.allow_draft or options.release:
                problems += draft_problems(packet, guides)
            packet_date(packet)  # SOURCE_DATE_EPOCH is a date
            # every label it prints, in its language: a warning now, before any render
            PacketLayout(packet, guides, session.templates,
                         language=session.language).guide_labels()
            recipients, editions = None, NO_EDITIONS
            if options.roster is not None:
                if packet.roster is None:
                    raise UsageError(f"{path} has no 'roster:' section that says which "
                                     "columns make a recipient")
                if options.lms_export is not None and not packet.roster.ids:
                    raise UsageError(f"--lms-export names each user by the roster field "
                                     f"that identifies them; {path} names none (roster.id,"
                                     " e.g. id: employee_id)")
                recipients = tuple(with_curricula(packet, read_roster(
                    options.roster, packet.roster, named_root(options.roster, project),
                    options.roster_encoding)))
                _refuse_own_name(path, recipients)
                _warn_if_empty_shard(recipients, options)
                found, editions = with_languages(
                    packet, guides, guide_paths(packet, options.content), recipients,
                    session.language, project, options.content)
                recipients = tuple(found)
            loaded.append(Loaded(path, packet, tuple(guides), recipients, editions))
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
