"""A language per recipient: each guide of a packet in the language a roster row names.

A roster may map a ``language`` field (a language tag per row, such as ``de``). A
recipient with one gets, for each guide of their curriculum, the guide in that language:
the guide itself if it is written in it, else its translation ``X.<tag>.yaml`` beside
``X.yaml`` (whose ``translation_of`` names it; checked as every translation is, so one
never confirmed warns); and the packet's own pages (cover, contents, sheet) in that
language's labels. A guide with no such translation is an error at the cell, unless the
packet names a ``fallback_language``: then the recipient gets that guide in the fallback
language, with a warning for each such recipient. An empty cell (if the field is
optional) is the packet's guides as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..common.language import Language
from ..errors import ContentError, Location, Problem, display_name, warn

if TYPE_CHECKING:
    from .model import Guide
    from .packet import Packet
    from .roster import Recipient

LANGUAGE_FIELD = "language"  # the roster field that names a recipient's language


@dataclasses.dataclass(frozen=True)
class Editions:
    """The packet's guides in each language its recipients read, by language tag.

    ``guides[tag]`` holds one guide per guide of the packet (None: not in that language,
    nor in the fallback); ``fallen[tag]`` the indexes of those given in the fallback.
    """

    guides: dict[str, tuple[Guide | None, ...]]
    fallen: dict[str, tuple[int, ...]]


NO_EDITIONS = Editions({}, {})  # a packet whose roster names no languages


def translation_file(source: Path, tag: str) -> Path:
    """Return where the ``tag`` translation of the guide at ``source`` is: ``X.<tag>.yaml``."""
    return source.with_name(f"{source.stem}.{tag}{source.suffix}")


def with_languages(packet: Packet, guides: Sequence[Guide], paths: Sequence[Path],
                   recipients: Sequence[Recipient], default: Language, root: Path,
                   content: Path) -> tuple[list[Recipient], Editions]:
    """Return ``recipients`` with their language, and the guides in each; raise every problem.

    ``guides`` are the packet's guides as written (read from ``paths``), ``default`` the
    language of a guide that names none.
    """
    if packet.roster is None or LANGUAGE_FIELD not in packet.roster.columns:
        return list(recipients), NO_EDITIONS
    problems: list[Problem] = []
    tags: dict[str, str] = {}  # a cell's text -> its tag
    found: list[Recipient] = []
    for recipient in recipients:
        cell = recipient.value(LANGUAGE_FIELD).strip()
        if not cell:
            found.append(recipient)
            continue
        try:
            tags[cell] = Language.of(cell).tag
        except ValueError as exc:
            problems.append(Problem(recipient.place(LANGUAGE_FIELD), f"{recipient.name}: "
                                    f"{exc}"))
            continue
        found.append(dataclasses.replace(recipient, language=tags[cell]))
    editions = Editions({}, {})
    for tag in dict.fromkeys(tags.values()):
        _edition(packet, guides, paths, tag, default, root, content, editions, problems)
    for recipient in found:
        problems += _missing(packet, paths, recipient, editions)
    if problems:
        raise ContentError.collect(problems)
    return found, editions


def _edition(packet: Packet, guides: Sequence[Guide], paths: Sequence[Path], tag: str,
             default: Language, root: Path, content: Path, editions: Editions,
             problems: list[Problem]) -> None:
    """Find each guide of the packet in language ``tag`` (else the fallback's)."""
    fallback = packet.fallback_language
    chosen: list[Guide | None] = []
    fallen: list[int] = []
    for index, (guide, path) in enumerate(zip(guides, paths, strict=True)):
        edition = _in_language(guide, path, tag, default, root, content, packet, problems)
        if edition is None and fallback is not None:
            edition = _in_language(guide, path, fallback, default, root, content, packet,
                                   problems)
            fallen.append(index)
        chosen.append(edition)
    editions.guides[tag], editions.fallen[tag] = tuple(chosen), tuple(fallen)


def _in_language(guide: Guide, path: Path, tag: str, default: Language, root: Path,
                 content: Path, packet: Packet, problems: list[Problem]) -> Guide | None:
    """Return ``guide`` (read from ``path``) in language ``tag``, or None if it is in none."""
    from .loader import load

    own = guide.guide.language or default.tag
    if Language.of(own).tag.casefold() == tag.casefold():
        return guide
    translation = translation_file(path, tag)
    if not translation.is_file():
        return None
    try:
        found = load(translation, root, named_by=packet.path, given=(content,))
    except ContentError as exc:
        problems += exc.problems
        return None
    named = found.translation_of
    if named is None or (translation.parent / named.source).resolve() != path.resolve():
        problems.append(Problem(found.locate("translation_of") or Location(
            display_name(translation)), (
            f"{display_name(translation)} is named as the {tag} translation of "
            f"{display_name(path)} but does not say so (translation_of: {path.name})")))
        return None
    return found


def _missing(packet: Packet, paths: Sequence[Path], recipient: Recipient,
             editions: Editions) -> list[Problem]:
    """Return an error for each of ``recipient``'s guides not in their language.

    Those they get in the fallback language are a warning, once per recipient.
    """
    tag = recipient.language
    if tag is None:
        return []
    indexes = recipient.guides if recipient.guides is not None else range(len(paths))
    where = recipient.place(LANGUAGE_FIELD)
    problems, fallen = [], []
    for index in indexes:
        if editions.guides[tag][index] is None:
            problems.append(Problem(where, f"{recipient.name}: {display_name(paths[index])} "
                                    f"has no {tag} translation (looked for "
                                    f"{translation_file(paths[index], tag).name}); add it, "
                                    "or let the packet fall back: fallback_language: en"))
        elif index in editions.fallen[tag]:
            fallen.append(display_name(paths[index]))
    if fallen and not problems:
        warn(where, f"{recipient.name}: no {tag} translation of {', '.join(fallen)}; they "
             f"get {'it' if len(fallen) == 1 else 'them'} in {packet.fallback_language} "
             "(fallback_language)")
    return problems


def guides_of(recipient: Recipient | None, guides: Sequence[Guide],
              editions: Editions) -> tuple[Guide, ...]:
    """Return the packet's guides as ``recipient`` reads them (each in their language)."""
    if recipient is None or recipient.language is None:
        return tuple(guides)
    return tuple(edition if edition is not None else guide
                 for edition, guide in zip(editions.guides[recipient.language], guides,
                                           strict=True))


__all__ = ["LANGUAGE_FIELD", "NO_EDITIONS", "Editions", "guides_of", "translation_file",
           "with_languages"]
