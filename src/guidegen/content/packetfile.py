"""What a packet file names, read as plain YAML without validating it.

Enough to tell from bytes alone whether a packet's outputs are up to date (the packet
file, the guide files it names, the roster), so an unchanged build never imports the
content model. :mod:`.packet` reads the same file properly, with located errors, when
something must be rendered or checked.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..common.yamlsource import decode, parse_yaml, read_source
from ..errors import ContentError

GUIDE_SUFFIXES = (".yaml", ".yml")
MAX_ROSTER_BYTES = 20_000_000  # a roster (CSV or XLSX) is read up to this size


def is_packet_file(path: Path, root: Path | None = None) -> bool:
    """Return whether the YAML file at ``path`` is a packet (its top level has ``packet``).

    Read only inside ``root`` (the project, for a file named inside it).
    """
    try:
        head = read_source(path, root)[:64_000]
    except ContentError:
        return False  # the loader says what is wrong with it
    return re.search(rb"(?m)^packet\s*:", head) is not None


def guide_file(name: str, packet: Path, content: Path) -> Path:
    """Return the file of the guide a packet at ``packet`` names ``name``.

    A name with a slash or a YAML suffix is a path relative to the packet file; any other
    is a guide of the ``content`` folder.
    """
    if "/" in name or "\\" in name or name.endswith(GUIDE_SUFFIXES):
        return packet.parent / name
    candidates = [content / f"{name}{suffix}" for suffix in GUIDE_SUFFIXES]
    return next((c for c in candidates if c.exists()), candidates[0])


def named_guides(packet: Path, data: bytes, content: Path) -> list[Path] | None:
    """Return the guide files named by the packet file at ``packet`` holding ``data``.

    None if the file is not a packet that plain YAML can read (the validating loader
    says why).
    """
    try:
        tree, _ = parse_yaml(decode(data, str(packet)), str(packet))
    except ContentError:
        return None
    guides = tree.get("guides") if isinstance(tree, dict) else None
    if not isinstance(guides, list):
        return None
    names = [g.get("guide") if isinstance(g, dict) else g for g in guides]
    strings = [name for name in names if isinstance(name, str)]
    if len(strings) != len(names):
        return None
    return [guide_file(name, packet, content) for name in strings]


__all__ = ["guide_file", "is_packet_file", "named_guides"]
