"""A place in a YAML document, as the keys and indexes that lead to it."""

from __future__ import annotations

Path_ = tuple[str | int, ...]


def format_path(path: Path_) -> str:
    """Return ``path`` written the way the error messages show it: ``a.b[2].c``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
