"""The options of a build, declared once: names, kinds, defaults, help, and what they affect.

:class:`BuildOptions` is the one object that carries them to the builder, whichever way
they were given, and each field's :class:`Option` (its ``metadata["option"]``) is the one
place its values are checked: :meth:`Option.check` is what the command line's option
types call (:mod:`guidegen.cli` makes its click options from these declarations, flags
included), what the project file's loader calls on each key
(:mod:`guidegen.project.config`, which also writes its JSON Schema from them), and what
:class:`BuildOptions` calls on every field when it is made, so the library API takes
nothing the other two refuse. Later sources win: defaults, then the project file, then
what was given. A field that ``affects_output`` goes into the hash that decides whether
an output is up to date (:meth:`BuildOptions.output_settings`); the others (where files
go, how many processes, time and memory limits) do not.

What values each option takes is its kind (:mod:`.kinds`). This module imports neither
click nor pydantic: an up-to-date build needs only it.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from ..common.paper import Paper
from ..errors import UsageError
from ..renderers import FORMATS, Format
from .kinds import (
    Choice,
    Choices,
    Encoding,
    Flag,
    Kind,
    OptionError,
    Place,
    Seconds,
    Slice,
    Tag,
    TemplateFolder,
    Whole,
    shard_slice,
)

PdfVariant = Literal["ua-1", "a-3b", "tagged"]
# --pdf-variant name -> WeasyPrint's pdf_variant; every variant is tagged.
PDF_VARIANTS: dict[str, str | None] = {"ua-1": "pdf/ua-1", "a-3b": "pdf/a-3b", "tagged": None}
MAX_MEMORY_LIMIT = 1 << 20  # megabytes: a terabyte
MAX_PAGES = 999


def cpu_count() -> int:
    """Return the CPUs this process may run on (its affinity, else the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# -- the declaration ------------------------------------------------------------------------

@dataclass(frozen=True)
class Option:
    """One build option: its kind, help, command-line flags and project-file key.

    ``affects_output``: the outputs depend on it (or whether they may be written), so a
    change makes them out of date. ``doc`` is what the README's option table says beyond
    the help.
    """

    name: str
    default: Any
    kind: Kind
    help: str
    flags: tuple[str, ...] = ()
    key: str | None = None
    affects_output: bool = False
    doc: str = ""
    bare: str | None = None  # the value of the flag given without one (--print-room)

    def check(self, value: object) -> object:
        """Return ``value`` as the option holds it (None only where the default is None).

        Raise :class:`OptionError` saying what it expected.
        """
        if value is None:
            if self.default is None:
                return None
            raise OptionError(f"expected a value (default: {self.kind.shown(self.default)})")
        return self.kind.check(value)

    @property
    def flag(self) -> str:
        """Return the long flag that names the option in messages (``--jobs``)."""
        return next((f for f in self.flags if f.startswith("--")),
                    "--" + self.name.replace("_", "-"))


def about(kind: Kind, help: str, *flags: str, key: str | None = None,
          affects_output: bool = False, doc: str = "",
          bare: str | None = None) -> dict[str, Option]:
    """Return a field's metadata: its :class:`Option` (name and default set by the class)."""
    return {"option": Option("", None, kind, help, flags, key, affects_output, doc, bare)}


@dataclass(frozen=True)
class BuildOptions:
    """Everything that decides what a build writes and how it runs."""

    content: Path = field(default=Path("content"), metadata=about(
        Place(), "Folder of the guides built when none are named.",
        key="content"))
    out: Path = field(default=Path("output"), metadata=about(
        Place(), "Folder for the outputs.", "-o", "--out", key="output"))
    formats: tuple[Format, ...] = field(default=("pdf", "docx"), metadata=about(
        Choices(FORMATS), "Formats to write.", "-f", "--format", key="formats",
        affects_output=True, doc="Repeat the option or separate the formats with commas."))
    paper: Paper | None = field(default=None, metadata=about(
        Choice(typing.get_args(Paper)), "Paper size; default: the theme's (a4).",
        "--paper", key="paper", affects_output=True))
    templates: Path | None = field(default=None, metadata=about(
        TemplateFolder(), "Folder of templates (and theme.yaml) that override the built-in "
        "ones.", "--templates", key="templates", affects_output=True,
        doc="See Restyling."))
    language: str = field(default="en", metadata=about(
        Tag(), "Language of guides that do not name theirs.", "--language",
        key="language", affects_output=True))
    pdf_variant: PdfVariant = field(default="ua-1", metadata=about(
        Choice(typing.get_args(PdfVariant)), "PDF/UA-1 (accessible), PDF/A-3b "
        "(archival), or plain tagged PDF.", "--pdf-variant", key="pdf_variant",
        affects_output=True))
    jobs: int | None = field(default=None, metadata=about(
        Whole(1), "Processes that may render at once; default: one per CPU, and never "
        "more than the CPUs without --jobs-over-cpus; 1 renders everything in one process.",
        "-j", "--jobs", key="jobs",
        doc="With two or more, one document is laid out as a PDF by a helper process while "
        "the main one builds its DOCX, and several documents render side by side in worker "
        "processes."))
    jobs_over_cpus: bool = field(default=False, metadata=about(
        Flag(), "Let --jobs start more processes than there are CPUs.",
        "--jobs-over-cpus", key="jobs_over_cpus"))
    time_limit: float = field(default=120.0, metadata=about(
        Seconds(), "Seconds loading the guides, rendering one document (all its formats "
        "together), or writing the files may take.", "--time-limit", key="time_limit",
        doc="Past it the build stops, writing nothing (exit 3)."))
    memory_limit: int = field(default=1024, metadata=about(
        Whole(1, MAX_MEMORY_LIMIT), "Megabytes of memory a helper or worker process may "
        "take on top of what it held when it started.", "--memory-limit", key="memory_limit",
        doc="Past it the render stops (exit 3). Linux only: macOS and Windows offer no "
        "limit guidegen can set, and there it has no effect."))
    pages: int | None = field(default=None, metadata=about(
        Whole(1, MAX_PAGES), "Page budget: fit every guide built into this many pages "
        "(tightening spacing, then type sizes, within the theme's bounds), or fail naming "
        "what spilled over; overrides a guide's handout.pages.", "--pages",
        affects_output=True, doc="See Page budgets; not a project-file key."))
    strict: bool = field(default=False, metadata=about(
        Flag(), "Treat warnings (layout, translations, suspicious text) as errors.",
        "--strict", key="strict", affects_output=True,
        doc="The layout preflight's among them: exit 1, nothing written; `check` takes it "
        "too."))
    force: bool = field(default=False, metadata=about(
        Flag(), "Render even the outputs that are up to date.", "--force"))
    allow_draft: bool = field(default=False, metadata=about(
        Flag(), "Let a packet hold guides that are not effective (draft, in review, "
        "superseded, obsolete, or uncontrolled); they print their watermark.",
        "--allow-draft", affects_output=True,
        doc="See Controlled documents; `check` takes it too. A packet built with it is not "
        "up to date for a build without it."))
    release: bool = field(default=False, metadata=about(
        Flag(), "Check that every guide (a packet's too) can be released: effective, "
        "approved, within its review date, without a watermark.", "--release",
        doc="`check` only; see Controlled documents."))
    keep_going: bool = field(default=False, metadata=about(
        Flag(), "Build every guide and packet that can be built; then fail naming the "
        "rest.", "--keep-going",
        doc="Exit status that of the first that failed; the others' files are written."))
    clean: bool = field(default=False, metadata=about(
        Flag(), "Remove the outputs of guides and packets no longer in the project (and "
        "their records); without it a build warns about them.", "--clean"))
    packets: Path | None = field(default=None, metadata=about(
        Place(), "Folder of the onboarding packets built, with the guides, when none "
        "are named.", key="packets"))
    roster: Path | None = field(default=None, metadata=about(
        Place(file=True), "A roster (CSV or XLSX): build one personalised packet per "
        "row.", "--roster", doc="With exactly one packet (see Packets); with none (guides "
        "only) or several, a usage error (exit 2)."))
    roster_encoding: str | None = field(default=None, metadata=about(
        Encoding(), "The encoding of a CSV roster that is not UTF-8 (e.g. cp1252); default: "
        "UTF-8, else the most likely one, with a warning.", "--roster-encoding",
        doc="With `--roster`."))
    shard: str | None = field(default=None, metadata=about(
        Slice(), "Build only the K-th of N equal slices of the roster, written K/N "
        "(e.g. 2/8); auto: K and N from the batch engine, auto/N: K from it.", "--shard",
        doc="With `--roster`; N at most 100,000; a shard that holds nobody is a warning. "
        "`auto` reads GitLab CI's `CI_NODE_INDEX`/`CI_NODE_TOTAL`, `auto/N` also a "
        "Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` (from 0), and says which it "
        "found (see Packets); none is a usage error (exit 2)."))
    lms_export: Path | None = field(default=None, metadata=about(
        Place(file=True), "Also write a CSV file a learning-management system can "
        "import: a row per recipient and guide (user_id, user_name, document_number, "
        "document_title, document_version, assigned_date).", "--lms-export",
        doc="With `--roster` and a packet whose roster names `id` (see Packets)."))
    print_room: str | None = field(default=None, metadata=about(
        Choice(("2", "4")), "Also write one PDF of every recipient's packet, in roster "
        "order, each padded with blank pages to an even page count (4: a multiple of 4, "
        "for booklets), bookmarked by recipient.", "--print-room", bare="2",
        doc="With `--roster` and the PDF format; `--print-room` alone is `--print-room 2` "
        "(see Packets)."))
    root: Path | None = field(default=None, metadata=about(
        Place(), "The project's folder: no guide inside it may lead out of it through "
        "a symlink; default: the working folder."))

    options: ClassVar[dict[str, Option]]  # by name, set below

    def __post_init__(self) -> None:
        for name, spec in self.options.items():
            try:
                value = spec.check(getattr(self, name))
            except OptionError as exc:
                raise UsageError(f"{spec.flag}: {exc}") from None
            object.__setattr__(self, name, value)

    @property
    def weasy_variant(self) -> str | None:
        """Return WeasyPrint's name of the PDF variant (None: plain tagged PDF)."""
        return PDF_VARIANTS[self.pdf_variant]

    @property
    def shard_slice(self) -> tuple[int, int] | None:
        """Return the shard as (K, N), or None if not sharded."""
        return None if self.shard is None else shard_slice(self.shard)

    @property
    def processes(self) -> int:
        """Return how many processes may render at once.

        That is ``jobs``, but at most one per CPU unless ``jobs_over_cpus``.
        """
        cpus = cpu_count()
        if self.jobs is None:
            return cpus
        return self.jobs if self.jobs_over_cpus else min(self.jobs, cpus)

    def output_settings(self) -> Iterator[tuple[str, str]]:
        """Yield the name of every option the outputs depend on, and what they depend on.

        That is the value as written, but for the templates folder the hash of its files
        (and of the built-in ones), which a build reads for it.
        """
        for name, spec in self.options.items():
            if spec.affects_output:
                yield name, spec.kind.fingerprint(getattr(self, name))

    def replace(self, **changes: Any) -> BuildOptions:
        """Return these options with ``changes`` (None values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items()
                                            if v is not None})


def _declare() -> dict[str, Option]:
    found = {}
    for spec in dataclasses.fields(BuildOptions):
        declared: Option = spec.metadata["option"]
        found[spec.name] = dataclasses.replace(declared, name=spec.name, default=spec.default)
    return found


BuildOptions.options = _declare()


def option_fields() -> dict[str, Option]:
    """Return the declaration of every option, by name, in declaration order."""
    return BuildOptions.options
