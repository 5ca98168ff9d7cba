"""The options of a build, declared once: names, types, choices, defaults and help.

:class:`BuildOptions` is the one object that carries them to the pipeline, whichever
way they were given: the command line's options (:mod:`guidegen.cli` makes its click
options from the fields here), the project file ``guidegen.yaml``
(:mod:`guidegen.project.config` validates its keys, and writes its JSON Schema, from the
fields that have a ``key``), or the library API. Later sources win: defaults, then the
project file, then what was given.
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ..common.language import LANGUAGE_TAG, is_right_to_left
from ..errors import UsageError
from ..renderers import Format

Paper = Literal["a4", "letter"]
PdfVariant = Literal["ua-1", "a-3b", "tagged"]
# --pdf-variant name -> WeasyPrint's pdf_variant; every variant is tagged.
PDF_VARIANTS: dict[str, str | None] = {"ua-1": "pdf/ua-1", "a-3b": "pdf/a-3b", "tagged": None}
MAX_TIME_LIMIT = 86_400.0
MAX_MEMORY_LIMIT = 1 << 20  # megabytes: a terabyte
MAX_PAGES = 999
MAX_SHARDS = 100_000  # as many as a roster may have rows


def cpu_count() -> int:
    """Return the CPUs this process may run on (its affinity, else the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _about(help_text: str, key: str | None = None) -> dict[str, Any]:
    """Return a field's metadata; ``key`` is its name in ``guidegen.yaml`` (None: not one)."""
    return {"help": help_text, "key": key}


@dataclass(frozen=True)
class BuildOptions:
    """Everything that decides what a build writes and how it runs."""

    content: Path = field(default=Path("content"), metadata=_about(
        "Folder of the guides built when none are named.", "content"))
    out: Path = field(default=Path("output"), metadata=_about(
        "Folder for the outputs.", "output"))
    formats: tuple[Format, ...] = field(default=("pdf", "docx"), metadata=_about(
        "Formats to write.", "formats"))
    paper: Paper | None = field(default=None, metadata=_about(
        "Paper size; default: the theme's (a4).", "paper"))
    templates: Path | None = field(default=None, metadata=_about(
        "Folder of templates (and theme.yaml) that override the built-in ones.", "templates"))
    language: str = field(default="en", metadata=_about(
        "Language of guides that do not name theirs.", "language"))
    pdf_variant: PdfVariant = field(default="ua-1", metadata=_about(
        "PDF/UA-1 (accessible), PDF/A-3b (archival), or plain tagged PDF.", "pdf_variant"))
    jobs: int | None = field(default=None, metadata=_about(
        "Processes that may render at once; default: one per CPU, and never more than the "
        "CPUs without --jobs-over-cpus; 1 renders everything in one process.", "jobs"))
    jobs_over_cpus: bool = field(default=False, metadata=_about(
        "Let --jobs start more processes than there are CPUs.", "jobs_over_cpus"))
    time_limit: float = field(default=120.0, metadata=_about(
        "Seconds loading the guides, rendering one document, or writing the files may "
        "take.", "time_limit"))
    memory_limit: int = field(default=1024, metadata=_about(
        "Megabytes of memory a helper or worker process may take on top of what it held "
        "when it started.", "memory_limit"))
    pages: int | None = field(default=None, metadata=_about(
        "Page budget: fit every guide built into this many pages (tightening spacing, then "
        "type sizes, within the theme's bounds), or fail naming what spilled over; "
        "overrides a guide's handout.pages."))
    strict: bool = field(default=False, metadata=_about(
        "Treat warnings (layout, translations, suspicious text) as errors.", "strict"))
    force: bool = field(default=False, metadata=_about(
        "Render even the outputs that are up to date."))
    packets: Path | None = field(default=None, metadata=_about(
        "Folder of the onboarding packets built, with the guides, when none are named.",
        "packets"))
    roster: Path | None = field(default=None, metadata=_about(
        "A roster (CSV or XLSX): build one personalised packet per row."))
    roster_encoding: str | None = field(default=None, metadata=_about(
        "The encoding of a CSV roster that is not UTF-8 (e.g. cp1252); default: UTF-8, "
        "else the most likely one, with a warning."))
    shard: str | None = field(default=None, metadata=_about(
        "Build only the K-th of N equal slices of the roster, written K/N (e.g. 2/8)."))
    root: Path | None = field(default=None, metadata=_about(
        "The project's folder: no guide inside it may lead out of it through a symlink; "
        "default: the working folder."))

    def __post_init__(self) -> None:
        formats = [f for f in typing.get_args(Format) if f in self.formats]
        unknown = sorted(set(self.formats) - set(formats))
        if unknown or not formats:
            raise UsageError(f"unknown format {unknown[0]!r} (known: "
                             f"{', '.join(typing.get_args(Format))})" if unknown
                             else "no format to write")
        object.__setattr__(self, "formats", tuple(formats))  # in rendering order, once each
        _require_choice("paper", self.paper, Paper, optional=True)
        _require_choice("pdf_variant", self.pdf_variant, PdfVariant)
        if not re.match(LANGUAGE_TAG, self.language):
            raise UsageError(f"{self.language!r} is not a language tag like en, en-GB or de")
        if is_right_to_left(self.language):
            raise UsageError(f"{self.language!r} is written right to left; whole guides in "
                             "right-to-left languages are not supported yet")
        if self.jobs is not None and self.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        if not 1 <= self.memory_limit <= MAX_MEMORY_LIMIT:
            raise UsageError(f"--memory-limit must be at least 1 and at most "
                             f"{MAX_MEMORY_LIMIT} megabytes")
        if self.pages is not None and not 1 <= self.pages <= MAX_PAGES:
            raise UsageError(f"--pages must be from 1 to {MAX_PAGES}")
        if not 0 < self.time_limit <= MAX_TIME_LIMIT:
            raise UsageError(f"--time-limit must be more than 0 and at most "
                             f"{MAX_TIME_LIMIT:g} seconds")
        if self.roster_encoding is not None and not _known_encoding(self.roster_encoding):
            raise UsageError(f"--roster-encoding {self.roster_encoding!r} is not an encoding "
                             "Python knows (e.g. utf-8, cp1252, latin-1)")
        if self.shard is not None and self.shard_slice is None:
            raise UsageError(f"--shard takes K/N with 1 <= K <= N <= {MAX_SHARDS:,}, like "
                             f"2/8; got {self.shard!r}")
        for name in ("content", "out", "templates", "packets", "roster", "root"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    @property
    def weasy_variant(self) -> str | None:
        """Return WeasyPrint's name of the PDF variant (None: plain tagged PDF)."""
        return PDF_VARIANTS[self.pdf_variant]

    @property
    def shard_slice(self) -> tuple[int, int] | None:
        """Return the shard as (K, N), or None if not sharded (or malformed)."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", self.shard or "")
        if match is None:
            return None
        index, count = int(match.group(1)), int(match.group(2))
        return (index, count) if 1 <= index <= count <= MAX_SHARDS else None

    @property
    def processes(self) -> int:
        """Return how many processes may render at once.

        That is ``jobs``, but at most one per CPU unless ``jobs_over_cpus``.
        """
        cpus = cpu_count()
        if self.jobs is None:
            return cpus
        return self.jobs if self.jobs_over_cpus else min(self.jobs, cpus)

    def replace(self, **changes: Any) -> BuildOptions:
        """Return these options with ``changes`` (None values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items()
                                            if v is not None})


def _known_encoding(name: str) -> bool:
    import codecs

    try:
        return codecs.lookup(name).name != "" and not name.lower().startswith(("rot", "hex"))
    except LookupError:
        return False


def _require_choice(name: str, value: Any, choices: Any, *, optional: bool = False) -> None:
    allowed = typing.get_args(choices)
    if (value is None and optional) or value in allowed:
        return
    raise UsageError(f"unknown {name.replace('_', '-')} {value!r} (known: {', '.join(allowed)})")


def option_fields() -> dict[str, dataclasses.Field[Any]]:
    """Return the fields of :class:`BuildOptions` by name."""
    return {f.name: f for f in dataclasses.fields(BuildOptions)}


@cache
def _hints() -> dict[str, Any]:
    """Return the type hints of :class:`BuildOptions` (evaluated once: each option asks)."""
    return typing.get_type_hints(BuildOptions)


def choices(name: str) -> tuple[str, ...]:
    """Return the allowed values of option ``name`` (empty if any value of its type is)."""
    hint = _hints()[name]
    for candidate in (hint, *typing.get_args(hint)):
        if typing.get_origin(candidate) is Literal:
            return typing.get_args(candidate)
        for inner in typing.get_args(candidate):
            if typing.get_origin(inner) is Literal:
                return typing.get_args(inner)
    return ()
