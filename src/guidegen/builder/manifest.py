"""The manifest of a packet build: who received which version of which guide, provably.

One row per output file: the recipient (their identifying fields and roster row), the
packet's document number and version, the guides of their curriculum with document
numbers, versions, statuses, effective dates and the SHA-256 of their YAML sources
(which revision each was trained on, from the manifest alone), pages, bytes and SHA-256,
the date the file was built and guidegen's version. Written next to the outputs as
``manifest.csv`` (opens in a spreadsheet) and ``manifest.json`` (for programs); the JSON
of a roster's build also says which roster (its name, SHA-256 and number of
recipients) and, for a shard, which shard: what ``guidegen manifest merge``
(:mod:`.merge`) needs to make one manifest of a roster built in shards. A cell
that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return first) is written with a leading ``'``, so a hostile roster cell stays text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..content.editions import Editions
    from ..content.model import Guide
    from ..content.packet import Packet
    from ..content.roster import Recipient
    from .jobs import Job, Output
    from .state import BuildState

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# the columns of the CSV manifest; the roster's identifying fields follow "recipient"
COLUMNS = ("file", "format", "recipient", "row", "packet", "packet_number",
           "packet_version", "guides", "pages", "bytes", "sha256", "built", "guidegen")
# the LMS export's columns, in this order (README: Packets, "Training records")
LMS_COLUMNS = ("user_id", "user_name", "document_number", "document_title",
               "document_version", "assigned_date")
# a guide's document number, title, version, effective date, status, its source's SHA-256
Record = tuple[str, str, str, str, str, str]
GUIDE_KEYS = ("number", "title", "version", "effective", "status", "source_sha256")


@dataclass(frozen=True)
class Entry:
    """One output file of a packet build."""

    file: str
    format: str
    recipient: str
    ids: tuple[tuple[str, str], ...]  # the roster's identifying fields (roster.id)
    row: int | None
    packet: str
    packet_number: str
    packet_version: str
    guides: tuple[Record, ...]
    pages: int | None
    bytes: int
    sha256: str
    built: str  # the date the file was first built with these bytes (YYYY-MM-DD)
    guidegen: str  # the version of guidegen that built it


def entries(packet: Packet, guides: Sequence[Guide], recipients: Sequence[Recipient | None],
            jobs: Sequence[Job], outputs: Sequence[Output], state: BuildState, *,
            built: str, earlier: dict[tuple[str, str], str],
            editions: Editions | None = None) -> list[Entry]:
    """Return the manifest of a packet's build: an entry per output file of each job.

    ``recipients`` are the jobs' (None: the packet without one), each listed with the
    guides of their curriculum, in their language (``editions``: the guides in each
    recipient's language), and the packet's title in it (its ``translations:``);
    ``state`` holds the hashes of the files written.
    ``built`` is this build's date; a file an earlier manifest listed with the same
    hash keeps the date it had there (``earlier``, by file name and hash).
    """
    from ..content.curricula import chosen
    from ..content.editions import guides_of
    from ..version import __version__

    by_language: dict[str | None, list[Record]] = {}
    fields = packet.roster.ids if packet.roster is not None else ()
    number, version = (packet.packet.document.number, packet.packet.document.version) \
        if packet.packet.document else ("", "")
    by_target = {output.path: output for output in outputs}
    found = []
    for recipient, job in zip(recipients, jobs, strict=True):
        language = recipient.language if recipient else None
        if language not in by_language:
            by_language[language] = [_record(guide) for guide in (guides_of(
                recipient, guides, editions) if editions is not None else guides)]
        records = by_language[language]
        theirs = tuple(records[n] for n in chosen(recipient, len(guides)))
        title = packet.in_language(language).packet.title
        ids = tuple((field, recipient.value(field) if recipient else "") for field in fields)
        for name, target in job.targets.items():
            output, record = by_target[target], state.records.get(target.name)
            sha = record.sha256 if record else ""
            found.append(Entry(target.name, name, recipient.name if recipient else "", ids,
                               recipient.row if recipient else None, title,
                               number, version, theirs, output.pages, output.size, sha,
                               earlier.get((target.name, sha), built), __version__))
    return found


def room_entry(packet: Packet, output: Output, sha256: str, built: str,
               earlier: dict[tuple[str, str], str]) -> Entry:
    """Return the manifest's entry of the print room's file (every recipient's packet)."""
    from ..version import __version__

    fields = packet.roster.ids if packet.roster is not None else ()
    document = packet.packet.document
    return Entry(output.path.name, output.format, "", tuple((f, "") for f in fields), None,
                 packet.packet.title, document.number if document else "",
                 document.version if document else "", (), output.pages, output.size,
                 sha256, earlier.get((output.path.name, sha256), built), __version__)


def _record(guide: Guide) -> Record:
    source = getattr(guide, "_source", None)
    digest = hashlib.sha256(source.raw).hexdigest() if source is not None and source.raw else ""
    doc = guide.guide.document
    if doc is None:
        return "", guide.guide.title, "", "", "", digest
    return (doc.number, guide.guide.title, doc.version,
            doc.effective.isoformat() if doc.effective else "", doc.status or "", digest)


def spreadsheet_safe(text: str) -> str:
    """Return ``text`` as a spreadsheet shows it literally: formulas are prefixed ``'``."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """Return a CSV file (UTF-8 with a byte-order mark, for spreadsheets), formula-safe."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(str(v)) for v in row])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def manifest_csv(entries: list[Entry], fields: Sequence[str] = ()) -> bytes:
    """Return the manifest as CSV, with a column for each identifying field ``fields``."""
    rows = []
    for entry in entries:
        guides = "; ".join(" ".join(part for part in (
            number, title, f"v{version}" if version else "",
            f"[{status}]" if status and status != "effective" else "",
            f"(effective {effective})" if effective else "") if part)
            for number, title, version, effective, status, _ in entry.guides)
        rows.append((entry.file, entry.format, entry.recipient,
                     *(value for _, value in entry.ids), entry.row, entry.packet,
                     entry.packet_number, entry.packet_version, guides, entry.pages,
                     entry.bytes, entry.sha256, entry.built, entry.guidegen))
    return _csv((*COLUMNS[:3], *fields, *COLUMNS[3:]), rows)


def manifest_name(roster: Path | None, shard: tuple[int, int] | None = None) -> str:
    """Return a build's manifest name (no suffix): one per roster, and per shard of one.

    ``manifest`` for the packet without a roster; ``manifest-april.csv`` for the roster
    ``april.csv`` (its extension kept: ``april.xlsx`` keeps its own);
    ``manifest-april.csv-2-of-4`` for its second of four shards. Building one never
    replaces another's record of who received what.
    """
    named = f"-{roster.name}" if roster is not None else ""
    return f"manifest{named}{f'-{shard[0]}-of-{shard[1]}' if shard else ''}"


def manifest_json(entries: list[Entry], about: Mapping[str, Any] | None = None) -> bytes:
    """Return the manifest as JSON: a list of files, each guide as :data:`GUIDE_KEYS` say.

    ``about`` (a roster's build: ``roster``, and a shard's ``shard``) comes before the
    files.
    """
    rows = []
    for entry in entries:
        row = asdict(entry)
        row["ids"] = dict(entry.ids)
        row["guides"] = [dict(zip(GUIDE_KEYS, guide, strict=True)) for guide in entry.guides]
        rows.append(row)
    return (json.dumps({**(about or {}), "files": rows}, indent=1, ensure_ascii=False)
            + "\n").encode("utf-8")


def read_entries(rows: list[Any]) -> list[Entry]:
    """Return the entries of a manifest's JSON ``files``; raise ValueError if malformed.

    The inverse of :func:`manifest_json`'s rows.
    """
    names = [field.name for field in dataclass_fields(Entry)]
    entries = []
    for row in rows:
        if not isinstance(row, dict) or sorted(row) != sorted(names):
            raise ValueError(f"a file's record has other keys than {', '.join(names)}")
        guides = tuple(_guide_record(guide) for guide in row["guides"])
        entries.append(Entry(**{**row, "ids": tuple(row["ids"].items()), "guides": guides}))
    return entries


def _guide_record(guide: Mapping[str, Any]) -> Record:
    """Return a guide's record from a manifest's JSON (status and hash: none before 0.3)."""
    number, title, version, effective, status, digest = (str(guide.get(key, ""))
                                                         for key in GUIDE_KEYS)
    return number, title, version, effective, status, digest


def built_dates(manifest: bytes) -> dict[tuple[str, str], str]:
    """Return the date each file of an earlier ``manifest`` (JSON) was built, by name and hash."""
    try:
        files = json.loads(manifest)["files"]
        return {(str(f["file"]), str(f["sha256"])): str(f["built"]) for f in files
                if isinstance(f.get("built"), str)}
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return {}


def lms_csv(manifest: bytes) -> bytes:
    """Return the LMS export of a manifest (JSON): a row per recipient and document.

    The user is identified by the roster's first identifying field; each document is a
    guide of their curriculum, assigned on the date their packet was built.
    """
    rows, seen = [], set()
    for entry in json.loads(manifest)["files"]:
        if entry["row"] in seen:
            continue  # the recipient's other formats
        seen.add(entry["row"])
        user = next(iter(entry["ids"].values()), "")
        rows += [(user, entry["recipient"], guide["number"], guide["title"], guide["version"],
                  entry["built"]) for guide in entry["guides"]]
    return _csv(LMS_COLUMNS, rows)


def listed(manifest: Path, limit: int) -> bytes:
    """Return the bytes of an earlier ``manifest`` in its folder (empty if there is none)."""
    from ..errors import InputError
    from ..files import read_file

    try:
        return read_file(manifest, limit, root=manifest.parent, current=True)
    except InputError:
        return b""


def today() -> str:
    """Return the date of this build: ``SOURCE_DATE_EPOCH``'s if set, else today's (UTC)."""
    import datetime

    from .jobs import stamp

    return (stamp(None) or datetime.datetime.now(datetime.UTC)).date().isoformat()


def export_lms(target: Path | None, manifests: Iterable[bytes | None]) -> None:
    """Write ``--lms-export`` (``target``) from the first of the JSON ``manifests`` built."""
    from .outputs import write_files

    manifest = next((found for found in manifests if found is not None), None)
    if target is not None and manifest is not None:
        write_files({target: lms_csv(manifest)})
