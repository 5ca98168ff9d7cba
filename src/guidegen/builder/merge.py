"""``guidegen manifest merge``: one manifest for a roster built in shards.

Each shard of a roster (``--shard K/N``) writes its own manifest into the packet's
folder, ``manifest-<roster file>-K-of-N.json``, saying which roster (name, SHA-256, number of
recipients) and which shard it holds. :func:`merge_manifests` reads them all, under the
folder's lock, and for each roster whose N shards all ran writes the manifest the roster
built whole would have written: the same rows, in roster order, the same hashes. It
checks first that

* every shard of the roster ran (a missing one is named with the recipients and roster
  rows it holds: the rows no manifest has);
* the shards were built from the same roster bytes, split the same way;
* every file they list is on disk with the bytes and SHA-256 recorded;

and writes nothing unless every roster in the folder passes. The merged manifest is
recorded in the folder's state file as the roster build's own.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Location, OutputError, Problem, UsageError, display_name
from ..files import read_file
from .jobs import refuse_taken
from .manifest import (
    Entry,
    lms_csv,
    manifest_csv,
    manifest_json,
    manifest_name,
    read_entries,
)
from .outputs import locked, write_files
from .state import MAX_OUTPUT, MAX_STATE, STATE_FILE, BuildState

MAX_MANIFEST = MAX_STATE  # a manifest of 100,000 recipients' files


@dataclass(frozen=True)
class Shard:
    """One shard's manifest: its file, roster, place among the shards, and entries."""

    path: Path
    roster: dict[str, Any]  # file, sha256, recipients
    index: int
    count: int
    rows: tuple[int, ...]  # its recipients' first and last roster rows (none if empty)
    entries: tuple[Entry, ...]


def merge_manifests(folder: Path, lms_export: Path | None = None) -> list[Path]:
    """Write one manifest (CSV and JSON) per roster sharded in ``folder``; return them.

    With ``lms_export``, also write there the LMS export of the merged manifest (as
    ``build --lms-export`` does for a roster built whole; the folder must hold one
    roster's shards). Raise an :class:`InputError` naming every missing shard, mismatch
    and changed file (nothing is written then), a :class:`UsageError` if ``folder``
    holds no shards.
    """
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; name a packet's output folder, like "
                         "output/new-starter")
    with locked(folder):
        shards = [shard for path in sorted(folder.glob("manifest-*.json"))
                  if (shard := _read(path)) is not None]
        if not shards:
            raise UsageError(f"{display_name(folder)} holds no shard's manifest "
                             "(manifest-<roster file>-K-of-N.json, written by a build with "
                             "--shard)")
        merged: dict[Path, tuple[bytes, str]] = {}  # file: bytes, owner
        problems: list[Problem] = []
        rosters: dict[str, list[Shard]] = {}
        for shard in shards:
            rosters.setdefault(shard.roster["file"], []).append(shard)
        for name, group in sorted(rosters.items()):
            files, found = _merged(folder, name, group)
            problems += found
            merged |= {target: (data, _owner(folder, group[0])) for target, data in
                       files.items()}
        if problems:
            raise InputError.collect(problems)
        if lms_export is not None:
            merged[lms_export] = (_lms(folder, rosters, merged), "")
        state = BuildState(folder)
        for target, (data, owner) in merged.items():
            if target == lms_export:
                continue  # the user's file, outside the packet's records
            refuse_taken(target, owner, state)
            state.remember(target, "merged:" + hashlib.sha256(data).hexdigest(), data, None,
                           owner)
        state.merge_latest()
        files = {target: data for target, (data, _) in merged.items()}
        write_files({**files, state.path: state.serialized()})
    return sorted(files)


def _lms(folder: Path, rosters: dict[str, list[Shard]],
         merged: dict[Path, tuple[bytes, str]]) -> bytes:
    """Return the LMS export of the one roster merged in ``folder``."""
    if len(rosters) != 1:
        raise UsageError(f"--lms-export takes one roster's shards; {display_name(folder)} "
                         f"holds {len(rosters)}: {', '.join(sorted(rosters))}")
    name = manifest_name(Path(next(iter(rosters))))
    manifest = merged[folder / f"{name}.json"][0]
    if any(not entry.ids for shard in next(iter(rosters.values()))
           for entry in shard.entries):
        raise UsageError("--lms-export names each user by the roster's identifying field "
                         "(id); this roster's manifests record none")
    return lms_csv(manifest)


def _read(path: Path) -> Shard | None:
    """Return the shard manifest at ``path``; None if it is a manifest but not a shard's."""
    def refuse(message: str) -> InputError:
        return InputError.collect([Problem(Location(display_name(path)), message)])

    try:
        raw = json.loads(read_file(path, MAX_MANIFEST, root=path.parent).decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise refuse(f"not a manifest guidegen wrote ({type(exc).__name__})") from None
    if not isinstance(raw, dict) or "shard" not in raw:
        return None
    try:
        shard, roster = raw["shard"], raw["roster"]
        return Shard(path, {k: roster[k] for k in ("file", "sha256", "recipients")},
                     int(shard["index"]), int(shard["count"]), tuple(shard["rows"]),
                     tuple(read_entries(raw["files"])))
    except (KeyError, TypeError, ValueError) as exc:
        raise refuse(f"not a shard's manifest guidegen wrote ({exc})") from None


def _merged(folder: Path, roster: str, shards: list[Shard]) -> tuple[dict[Path, bytes],
                                                                      list[Problem]]:
    """Return the merged manifest's files of one roster's ``shards``, or the problems."""
    where = Location(display_name(folder))  # the roster itself is elsewhere
    splits = sorted({(s.roster["sha256"], s.count) for s in shards})
    if len(splits) > 1:
        return {}, [Problem(where, f"the shards of the roster {roster} were built from "
                            "different rosters or split differently: " + "; ".join(
                                f"{s.path.name} (roster {s.roster['sha256'][:12]}, "
                                f"{s.count} shards)" for s in shards))]
    count = shards[0].count
    by_index = {shard.index: shard for shard in shards}
    problems = [_missing(where, roster, index, count, by_index,
                         shards[0].roster["recipients"])
                for index in range(1, count + 1) if index not in by_index]
    entries = [entry for index in sorted(by_index) for entry in by_index[index].entries]
    problems += [problem for entry in entries
                 for problem in _changed(folder, entry, by_index)]
    if problems:
        return {}, problems
    name = manifest_name(Path(roster))
    about = {"roster": shards[0].roster}
    ids = tuple(field for field, _ in entries[0].ids) if entries else ()
    return {folder / f"{name}.csv": manifest_csv(entries, ids),
            folder / f"{name}.json": manifest_json(entries, about)}, []


def _missing(where: Location, roster: str, index: int, count: int,
             shards: dict[int, Shard], recipients: int) -> Problem:
    """Return the problem of shard ``index`` of ``count`` of ``roster`` having no manifest."""
    first, last = (index - 1) * recipients // count + 1, index * recipients // count
    before = next((shards[k].rows[-1] for k in range(index - 1, 0, -1)
                   if k in shards and shards[k].rows), None)
    after = next((shards[k].rows[0] for k in range(index + 1, count + 1)
                  if k in shards and shards[k].rows), None)
    rows = ""
    if before is not None and after is not None:
        rows = f"; roster rows {before + 1}–{after - 1}"
    elif before is not None or after is not None:
        rows = f"; the roster's rows after {before}" if before is not None \
            else f"; the roster's rows before {after}"
    held = f"recipients {first}–{last} of {recipients}" if first <= last else "no recipient"
    expected = manifest_name(Path(roster), (index, count)) + ".json"
    return Problem(where, f"shard {index} of {count} of the roster {roster} has no manifest "
                   f"({expected}): it never ran, or did not finish ({held}{rows}); build it "
                   f"with --shard {index}/{count}, then merge again")


def _changed(folder: Path, entry: Entry, shards: dict[int, Shard]) -> list[Problem]:
    """Return the problem of ``entry``'s file, if it is not the file its shard recorded."""
    path = folder / entry.file
    where = Location(display_name(path))
    if os.path.dirname(entry.file) or entry.file.startswith("."):
        return [Problem(where, "a manifest may list only files in its own folder")]
    try:
        data = read_file(path, MAX_OUTPUT, root=folder)
    except InputError as exc:
        reason = exc.problems[0].message if exc.problems else exc.message
        return [Problem(where, f"listed by a shard's manifest, but cannot be read: {reason}")]
    if len(data) != entry.bytes or hashlib.sha256(data).hexdigest() != entry.sha256:
        return [Problem(where, "changed since its shard wrote it: its SHA-256 is not the "
                        "one the shard's manifest records; build that shard again")]
    return []


def _owner(folder: Path, shard: Shard) -> str:
    """Return the build the shard's manifest belongs to (the packet with its roster)."""
    state = BuildState(folder, f"{STATE_FILE.removesuffix('.json')}-{shard.index}-of-"
                               f"{shard.count}.json")
    record = state.records.get(shard.path.name)
    if record is None or not record.owner:
        raise OutputError(f"{display_name(shard.path)}: its shard's state file does not "
                          "record it; build the shard again")
    return record.owner


__all__: Sequence[str] = ["merge_manifests"]
