"""Curricula: which of a packet's guides each recipient gets, from their roster row.

A guide entry of the packet may say whom it is for, by roster fields
(``{guide: qa-vs-qc, for: {role: [QC Analyst, QA Officer]}}``): a recipient gets it if,
for every field named, their value is one of those listed (compared without regard to
case or runs of spaces). A roster may also map a ``guides`` field: a cell that lists
guide names separated by ``;`` gives that recipient exactly those guides (in the
packet's order), whatever ``for:`` says; an empty cell (if the field is optional) leaves
the choice to ``for:``. A guide is named as the packet names it (``guides/qa-vs-qc.yaml``)
or by its file name without ``.yaml`` (``qa-vs-qc``). An unknown name is an error at the
cell; a recipient left with no guide an error at the row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import PurePosixPath

from ..errors import ContentError, Problem
from .packet import GuideRef, Packet
from .roster import Recipient

GUIDES_FIELD = "guides"  # the roster field that lists a recipient's guides
SEPARATOR = ";"


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def guide_names(ref: GuideRef) -> set[str]:
    """Return the names a roster cell may call the guide of ``ref`` by (compared keys)."""
    written = ref.guide.replace("\\", "/")
    path = PurePosixPath(written)
    return {_key(written), _key(path.stem if path.suffix in (".yaml", ".yml") else path.name)}


def with_curricula(packet: Packet, recipients: Sequence[Recipient]) -> list[Recipient]:
    """Return ``recipients``, each with the guides of their curriculum; raise every problem.

    A recipient who gets every guide keeps ``guides`` None, so a packet without
    curricula lays out and shares as it always did.
    """
    problems: list[Problem] = []
    chosen = []
    for recipient in recipients:
        guides = curriculum(packet, recipient, problems)
        everyone = guides is not None and len(guides) == len(packet.guides)
        chosen.append(recipient if guides is None or everyone
                      else dataclasses.replace(recipient, guides=guides))
    if problems:
        raise ContentError.collect(problems)
    return chosen


def curriculum(packet: Packet, recipient: Recipient,
               problems: list[Problem]) -> tuple[int, ...] | None:
    """Return the indexes of ``recipient``'s guides in ``packet``; note what is wrong."""
    cell = recipient.value(GUIDES_FIELD).strip() if packet.roster is not None and \
        GUIDES_FIELD in packet.roster.columns else ""
    if cell:
        named = _named(packet, cell, recipient, problems)
        if named is None:
            return None
        found = named
    else:
        found = tuple(n for n, ref in enumerate(packet.guides) if _for(ref, recipient))
    if not found:
        why = "the guides cell names none" if cell else "no guide's 'for:' matches " \
            "this row"
        problems.append(Problem(recipient.location, f"{recipient.name}: no guide of the "
                                f"packet is for this recipient ({why})"))
        return None
    return found


def _named(packet: Packet, cell: str, recipient: Recipient,
           problems: list[Problem]) -> tuple[int, ...] | None:
    """Return the guides a ``guides`` cell names, in the packet's order; note unknown ones."""
    names = [_key(name) for name in cell.split(SEPARATOR) if name.strip()]
    index = {name: n for n, ref in enumerate(packet.guides) for name in guide_names(ref)}
    unknown = [name for name in names if name not in index]
    if unknown:
        known = ", ".join(sorted({min(guide_names(ref), key=len) for ref in packet.guides}))
        problems.append(Problem(recipient.place(GUIDES_FIELD), f"{GUIDES_FIELD}: no guide "
                                f"{unknown[0]!r} in the packet (its guides: {known}; "
                                f"separate names with {SEPARATOR!r})"))
        return None
    return tuple(sorted({index[name] for name in names}))


def _for(ref: GuideRef, recipient: Recipient) -> bool:
    """Return whether the guide of ``ref`` is for ``recipient`` (no ``for:``: everyone)."""
    return all(_key(recipient.value(field)) in {_key(v) for v in values}
               for field, values in (ref.audience or {}).items())


def chosen(recipient: Recipient | None, count: int) -> tuple[int, ...]:
    """Return the indexes of the guides ``recipient`` gets of ``count`` (None: all)."""
    if recipient is None or recipient.guides is None:
        return tuple(range(count))
    return recipient.guides


__all__ = ["GUIDES_FIELD", "chosen", "curriculum", "guide_names", "with_curricula"]
