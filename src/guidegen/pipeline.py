"""The library API behind the CLI: check guides, build them, write outputs safely.

Like mkdocs, everything is gathered and checked first (all guides, theme, templates),
then rendered in memory, and only when every requested output has rendered are the
files written, each atomically (temporary file in the same folder, then
``os.replace``). A failed build leaves the previous outputs untouched.
"""

from __future__ import annotations

import datetime
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import OutputError, UsageError
from .loader import load_all
from .model import Guide
from .theme import Theme, load_theme
from .writers import DEFAULT_FORMATS, RenderContext, Rendered, get_writer

CONTENT_DIR = Path("content")
OUTPUT_DIR = Path("output")
GUIDE_SUFFIXES = (".yaml", ".yml")
FORMAT_ORDER = ["pdf", "docx", "html"]  # the PDF first: the DOCX reuses its page count


@dataclass(frozen=True)
class Output:
    """One file a build wrote: where, which format, pages, bytes and render seconds."""

    path: Path
    format: str
    pages: int | None
    size: int
    seconds: float

    def __str__(self) -> str:
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}, " if self.pages else ""
        return f"wrote {self.path}  ({pages}{self.size / 1000:.1f} kB, {self.seconds:.2f} s)"


def find_guides(paths: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """Return the guide files named by ``paths`` (files or folders), default ``content/``."""
    found: list[Path] = []
    for path in map(Path, paths or [CONTENT_DIR]):
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in GUIDE_SUFFIXES)
        elif path.exists() or paths:
            found.append(path)
    if not found:
        where = ", ".join(map(str, paths)) or str(CONTENT_DIR)
        raise UsageError(f"no guides found in {where} (looked for *.yaml)")
    return found


def source_date(guide: Guide) -> datetime.datetime | None:
    """Return the date stamped into the files: ``SOURCE_DATE_EPOCH``, else the guide's."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from None
    info = guide.guide
    day = info.date or (info.document.effective if info.document else None)
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


def check(guides: Sequence[str | os.PathLike[str]] = (),
          templates: str | os.PathLike[str] | None = None) -> list[Guide]:
    """Return the validated guides; raise one error listing every problem found."""
    from .templating import template_folders

    loaded = load_all(find_guides(guides))
    load_theme(list(reversed(template_folders(_path(templates)))))
    return loaded


def build(guides: Sequence[str | os.PathLike[str]] = (), *,
          out: str | os.PathLike[str] = OUTPUT_DIR,
          formats: Iterable[str] = DEFAULT_FORMATS,
          paper: str | None = None,
          templates: str | os.PathLike[str] | None = None,
          pdf_variant: str = "ua-1") -> list[Output]:
    """Build ``guides`` (default: every guide in ``content/``) into ``out``.

    Return one :class:`Output` per file written. Raise a
    :class:`~guidegen.errors.GuidegenError` (and write nothing) if anything fails.
    """
    from .templating import template_folders
    from .writers.pdf import PDF_VARIANTS

    writers = {name: get_writer(name) for name in sorted(set(formats), key=FORMAT_ORDER.index)}
    if pdf_variant not in PDF_VARIANTS:
        raise UsageError(f"unknown PDF variant {pdf_variant!r} (known: {', '.join(PDF_VARIANTS)})")
    paths = find_guides(guides)
    loaded = load_all(paths)
    folders = template_folders(_path(templates))
    theme = load_theme(list(reversed(folders))).with_paper(paper)
    out_dir = Path(out)
    rendered: list[tuple[Path, str, Rendered, float]] = []
    for path, guide in zip(paths, loaded, strict=True):
        context = RenderContext(theme, tuple(folders), source_date(guide),
                                PDF_VARIANTS[pdf_variant])
        for name, (write, extension) in writers.items():
            started = time.perf_counter()
            result = write(guide, context)
            if result.pages is not None:
                context = replace(context, pages_hint=result.pages)
            target = out_dir / f"{path.stem}.{extension}"
            rendered.append((target, name, result, time.perf_counter() - started))
    write_files({target: result.data for target, _, result, _ in rendered})
    return [Output(target, name, result.pages, len(result.data), seconds)
            for target, name, result, seconds in rendered]


def render_guide(guide: Guide, theme: Theme, formats: Iterable[str] = DEFAULT_FORMATS,
                 templates: str | os.PathLike[str] | None = None) -> dict[str, Rendered]:
    """Return ``guide`` rendered in memory to each of ``formats`` (for programs and tests)."""
    from .templating import template_folders

    context = RenderContext(theme, tuple(template_folders(_path(templates))), source_date(guide))
    return {name: get_writer(name)[0](guide, context) for name in formats}


def write_files(files: dict[Path, bytes]) -> None:
    """Write every file atomically; on any failure leave all existing files untouched."""
    temporary: dict[Path, Path] = {}
    mode = 0o666 & ~_umask()
    target = Path()
    try:
        for target, data in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                            dir=target.parent)
            temporary[target] = Path(name)
            os.fchmod(handle, mode)
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        for target, temp in temporary.items():
            os.replace(temp, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for temp in temporary.values():
            temp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return None if value is None else Path(value)
