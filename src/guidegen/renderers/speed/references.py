"""A speed trick of the DOCX renderer (see :mod:`.speed`): its reference documents kept.

The Word writer starts each DOCX from a reference document generated from the style
sheet (:func:`guidegen.renderers.docx.styles.generated_reference`: python-docx's default
template with every role's Word style applied, then saved): 45-90 ms of CPU per level of
a fitted guide, in the main process beside the PDF's layouts, once per process. Its bytes
depend only on the style sheet and theme (their digest), the language, python-docx and
the code that writes them, so they are kept in the cache folder
(``reference-HASH.docx``), the hash taken over all of these: the code by the size and
modification time of every source file of the Word writer, of the theme and of the
languages (as Python's own bytecode cache does). A file is taken only if this user
alone could write it, it is at most :data:`_MAX_BYTES` and a zip whose every part reads
back (its CRCs) with the styles part in it; else it is made again and rewritten. The
last :data:`_KEEP` are kept.

Measured: making the default guide's reference document 90-146 ms of CPU (load 4.7;
levels 0, 0.75, 0.5), reading it back under 2 ms; the outputs are the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ...caches import cache_folder, drop_oldest, keep, trusted

_PREFIX, _SUFFIX = "reference-", ".docx"
_MAX_BYTES = 1 << 20  # a generated reference document takes about 40 kB
_KEEP = 16  # reference documents kept in the cache folder, the latest
_STYLES_PART = "word/styles.xml"
# the source folders and files whose code writes them: the Word writer, the theme, and
# the language's (which scripts are East Asian: the fonts the styles name)
_WRITERS = ("renderers/docx", "theme", "common/language.py")


def kept_reference(parts: Sequence[str], make: Callable[[], bytes]) -> bytes:
    """Return the reference document that ``parts`` name, read from the cache or made.

    ``make`` makes it (its bytes); what it reads besides the code is named by ``parts``.
    """
    try:
        path = cache_folder() / f"{_PREFIX}{_key(parts)}{_SUFFIX}"
    except (OSError, ImportError):
        return make()
    found = _read(path)
    if found is not None:
        return found
    data = make()
    _save(path, data)
    return data


def _key(parts: Sequence[str]) -> str:
    """Return the hash of ``parts``, the versions and the writing code's files."""
    import docx

    from ...version import __version__

    hasher = hashlib.sha256()
    for part in (*parts, __version__, getattr(docx, "__version__", "")):
        hasher.update(f"{len(part)}:{part}".encode())
    hasher.update(_code(Path(__file__).resolve().parents[2]).encode())
    return hasher.hexdigest()


def _code(package: Path) -> str:
    """Return each source file of the writing code in ``package``: its name, size and time."""
    return "".join(f"{source.relative_to(package)}:{info.st_size}:{info.st_mtime_ns}\n"
                   for writer in _WRITERS for source in _sources(package / writer)
                   if (info := source.stat()))


def _sources(path: Path) -> list[Path]:
    """Return the source files at ``path``: the file itself, or those of the folder."""
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def _read(path: Path) -> bytes | None:
    """Return the kept document at ``path`` if it is ours and whole, else None."""
    if not trusted(path):
        return None
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_BYTES + 1)
        if len(data) > _MAX_BYTES:
            return None
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if _STYLES_PART not in package.namelist() or sum(
                    info.file_size for info in package.infolist()) > 8 * _MAX_BYTES \
                    or package.testzip() is not None:
                return None
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return None
    return data


def _save(path: Path, data: bytes) -> None:
    """Keep ``data`` at ``path`` (written whole, or not at all); drop the oldest past _KEEP."""
    if keep(path, data):
        drop_oldest(path.parent, f"{_PREFIX}*{_SUFFIX}", _KEEP)
