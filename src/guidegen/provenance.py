"""What an archival PDF was made from: the YAML sources it carries, written back out.

A PDF built with ``--pdf-variant a-3b`` embeds the guide's YAML file (a packet's: the
packet file and its guides' files) as associated files whose relationship is
``Source`` (:mod:`guidegen.renderers.pdf`). :func:`extract_sources` reads them with
pypdf and writes each, byte for byte, into a folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import UsageError


def read_sources(pdf: Path) -> dict[str, bytes]:
    """Return the files ``pdf`` embeds as its sources, by name; raise if it is no PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    found: dict[str, bytes] = {}
    try:
        catalogue: Any = PdfReader(pdf).trailer["/Root"].get_object()
        for reference in catalogue.get("/AF", []):
            spec: Any = reference.get_object()
            if spec.get("/AFRelationship") != "/Source" or "/EF" not in spec:
                continue
            name = str(spec.get("/UF") or spec.get("/F") or "")
            found[name] = spec["/EF"]["/F"].get_object().get_data()
    except (PdfReadError, OSError, KeyError, ValueError) as exc:
        raise UsageError(f"{pdf}: cannot read its sources ({exc})") from None
    return found


def extract_sources(pdf: Path, folder: Path, *, force: bool = False) -> list[Path]:
    """Write the sources ``pdf`` carries into ``folder``; return the files written.

    A name is written as its last part only (nothing outside ``folder``); a file there
    already is kept unless ``force``.
    """
    sources = read_sources(pdf)
    if not sources:
        raise UsageError(f"{pdf} carries no sources (build it with --pdf-variant a-3b)")
    targets = {}
    for name, data in sources.items():
        base = Path(name.replace(chr(92), "/")).name
        if base in ("", ".", "..") or base.startswith("."):
            raise UsageError(f"{pdf}: a source is named {name!r}, which is no file name")
        target = folder / base
        if target.exists() and not force:
            raise UsageError(f"{target} exists; --force replaces it")
        targets[target] = data
    from .builder.outputs import write_files

    folder.mkdir(parents=True, exist_ok=True)
    write_files(targets)  # all or none; a device or a symlink there is refused
    return list(targets)
