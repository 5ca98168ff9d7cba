"""The manifest of a packet build: who received which version of which guide, provably.

One row per output file: the recipient (and their roster row), the guides with their
document numbers and versions, pages, bytes and SHA-256. Written next to the outputs as
``manifest.csv`` (opens in a spreadsheet) and ``manifest.json`` (for programs). A cell
that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage
return first) is written with a leading ``'``, so a hostile roster cell stays text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..content.model import Guide
    from ..content.packet import Packet
    from ..content.roster import Recipient
    from .jobs import Job, Output
    from .state import BuildState

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("file", "format", "recipient", "row", "packet", "guides", "pages", "bytes",
           "sha256")


@dataclass(frozen=True)
class Entry:
    """One output file of a packet build."""

    file: str
    format: str
    recipient: str
    row: int | None
    packet: str
    guides: tuple[tuple[str, str, str], ...]  # (document number, title, version)
    pages: int | None
    bytes: int
    sha256: str


def entries(packet: Packet, guides: Sequence[Guide], recipients: Sequence[Recipient | None],
            jobs: Sequence[Job], outputs: Sequence[Output], state: BuildState) -> list[Entry]:
    """Return the manifest of a packet's build: an entry per output file of each job.

    ``recipients`` are the jobs' (None: the packet without one), each listed with the
    guides of their curriculum; ``state`` holds the
    hashes of the files written.
    """
    from ..content.curricula import chosen

    documents = [(g.guide.document.number if g.guide.document else "", g.guide.title,
                  g.guide.document.version if g.guide.document else "") for g in guides]
    by_target = {output.path: output for output in outputs}
    found = []
    for recipient, job in zip(recipients, jobs, strict=True):
        theirs = tuple(documents[n] for n in chosen(recipient, len(guides)))
        for name, target in job.targets.items():
            output, record = by_target[target], state.records.get(target.name)
            found.append(Entry(target.name, name, recipient.name if recipient else "",
                               recipient.row if recipient else None, packet.packet.title,
                               theirs, output.pages, output.size,
                               record.sha256 if record else ""))
    return found


def spreadsheet_safe(text: str) -> str:
    """Return ``text`` as a spreadsheet shows it literally: formulas are prefixed ``'``."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def manifest_csv(entries: list[Entry]) -> bytes:
    """Return the manifest as CSV (UTF-8 with a byte-order mark, for spreadsheets)."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        guides = "; ".join(f"{number} {title} v{version}".strip()
                           for number, title, version in entry.guides)
        row = (entry.file, entry.format, entry.recipient, entry.row, entry.packet, guides,
               entry.pages, entry.bytes, entry.sha256)
        writer.writerow(["" if v is None else spreadsheet_safe(str(v)) for v in row])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def manifest_json(entries: list[Entry]) -> bytes:
    """Return the manifest as JSON: a list of files, each guide as number, title, version."""
    rows = []
    for entry in entries:
        row = asdict(entry)
        row["guides"] = [{"number": n, "title": t, "version": v} for n, t, v in entry.guides]
        rows.append(row)
    return (json.dumps({"files": rows}, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
