"""``--print-room``: one PDF of a roster's packets, for the print shop.

Made once every recipient's PDF is written (rendered by this build or an earlier one:
a killed run's next run makes it too), from those files as they are, in roster order,
each padded with blank pages to an even page count or a multiple of 4
(:func:`guidegen.renderers.pdf.printroom.print_room`). It is written with the manifest,
in the same atomic write, recorded in the state file and listed in the manifest; its
name follows the manifest's (``print-room-hires.csv.pdf``, ``print-room-hires.csv-1-of-4.pdf``
for a shard).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..files import read_file
from .jobs import Job, Output
from .options import BuildOptions

if TYPE_CHECKING:
    from ..content.roster import Recipient

MAX_PACKET = 512 << 20  # bytes of one recipient's PDF read back


def refuse_without_pdfs(options: BuildOptions) -> None:
    """Raise a usage error if ``--print-room`` is given without a roster or the PDF format."""
    if options.print_room is None:
        return
    if options.roster is None:
        raise UsageError("--print-room goes with a roster; give --roster too")
    if "pdf" not in options.formats:
        raise UsageError("--print-room puts the recipients' PDFs together; build the PDF "
                         "format too (-f pdf)")


def room_name(manifest: str) -> str:
    """Return the print room file's name (no suffix) beside the manifest ``manifest``."""
    return "print-room" + manifest.removeprefix("manifest")


def print_room_file(options: BuildOptions, target: Path,
                    recipients: Sequence[Recipient | None],
                    jobs: Sequence[Job]) -> tuple[bytes, Output] | None:
    """Return the print room PDF of ``jobs``' PDFs and its output, if ``options`` ask for it."""
    from ..renderers.pdf.printroom import print_room

    if options.print_room is None or not jobs or "pdf" not in jobs[0].targets:
        return None
    started = time.perf_counter()
    packets = [(recipient.name if recipient else job.targets["pdf"].stem,
                read_file(job.targets["pdf"], MAX_PACKET, root=target.parent, current=True))
               for recipient, job in zip(recipients, jobs, strict=True)]
    data, pages = print_room(packets, int(options.print_room))
    return data, Output(target, "pdf", pages, len(data), time.perf_counter() - started)


__all__ = ["print_room_file", "refuse_without_pdfs", "room_name"]
