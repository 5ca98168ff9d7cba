"""The typed, immutable document model of a comparison guide.

The model is declared once, here, with pydantic: it validates the YAML data, it is
what every writer reads, and it is published as JSON Schema (``guidegen schema``).
Unknown keys are rejected everywhere. Its fields' kinds of value (Markdown as document
tree nodes, matrix cells, per-subject entries, dates) are declared in :mod:`.kinds`.
"""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from ..common.labels import LabelOverrides
from ..common.models import Identifier, LanguageTag, Model, PlainText
from ..common.yamlsource import SourceMap
from ..errors import Location
from .kinds import (
    MIN_YEAR,
    Cell,
    Entry,
    InlineText,
    IsoDate,
    KeptText,
    Mark,
    Markdown,
    MatrixCell,
    PerSubjectEntry,
)

MIN_SUBJECTS, MAX_SUBJECTS = 2, 8


STATUSES = ("draft", "in-review", "effective", "superseded", "obsolete")
Status = Literal["draft", "in-review", "effective", "superseded", "obsolete"]


def _status(value: Any) -> Any:
    """Return a document status; say how to move an old free-text ``status`` line."""
    text = value.strip() if isinstance(value, str) else value
    if text in STATUSES or not isinstance(text, str):
        return text
    near = difflib.get_close_matches(text.lower().replace(" ", "-"), STATUSES, n=1,
                                     cutoff=0.75)
    if near:
        raise PydanticCustomError("status_spelling", "unknown status {got} (did you mean "
                                  "{near}?); one of {known}",
                                  {"got": repr(text), "near": repr(near[0]),
                                   "known": ", ".join(STATUSES)})
    raise PydanticCustomError(
        "status_text", "{got} is not a status; the line printed under the control block "
        "is now print_notice: move it there (print_notice: {text}) and write the "
        "document's status here, one of {known}", {"got": repr(text),
                                                   "known": ", ".join(STATUSES), "text": text})


def _retired_approver(value: Any) -> Any:
    shown = value.strip() if isinstance(value, str) and value.strip() else "the approver"
    raise PydanticCustomError(
        "approver_moved", "approver is now an entry of approvals, with the day of the "
        "approval: write approvals: [{role: {text}, date: YYYY-MM-DD}] instead (a name and "
        "a meaning may follow)", {"text": shown})


DocumentStatus = Annotated[Status, BeforeValidator(_status),
                           WithJsonSchema({"enum": list(STATUSES)})]
RetiredApprover = Annotated[None, BeforeValidator(_retired_approver), WithJsonSchema(
    {"not": {}, "description": "Moved: write the approver as an entry of approvals, "
     "with its date."})]


class Approval(Model):
    """An approval of the document: who (role and printed name), when, and what it means."""

    role: PlainText = Field(description="The approver's role, e.g. Head of Quality.")
    name: KeptText | None = Field(None, description="The approver's printed name.")
    date: IsoDate | None = Field(
        None, description="The day of the approval (YYYY-MM-DD), on or before the effective "
        "date; none yet: printed as a line to sign and date.")
    meaning: PlainText | None = Field(
        None, description="What the approval means, e.g. \"Approved for use\".")


class Revision(Model):
    """One entry of the revision history: a version, when, who, what changed and why."""

    version: KeptText = Field(description="The version this entry made, e.g. \"1.1\".")
    date: IsoDate = Field(description="The day of the revision (YYYY-MM-DD).")
    change: PlainText = Field(description="What changed, e.g. Initial release.")
    author: PlainText | None = None
    change_control: KeptText | None = Field(
        None, description="The change-control record, e.g. CC-2026-041.")
    approver: PlainText | None = None


class ControlledDocument(Model):
    """Document control: printed in the title block, the footer and the file properties.

    ``status`` is where the document is in its life; ``history`` is its revision history
    (newest first, or oldest first: one way through), ``approvals`` who approved this
    version. :mod:`.control` checks that they agree.
    """

    number: PlainText = Field(description="Document number, e.g. TRN-GD-001.")
    version: PlainText = Field(description="Version as written, e.g. \"1.10\".")
    status: DocumentStatus | None = Field(
        None, description="draft, in-review, effective, superseded or obsolete; every "
        "status but effective prints a watermark on every page. Not given: no status is "
        "printed, and the document is not effective (a packet refuses it, and so does "
        "check --release).")
    effective: IsoDate | None = Field(None, description="Effective date, YYYY-MM-DD.")
    review_due: IsoDate | None = Field(
        None, description="The date of the next periodic review, YYYY-MM-DD; after it, "
        "check warns (an error with --strict or --release).")
    supersedes: KeptText | None = Field(
        None, description="The document (and version) this one replaces, e.g. "
        "\"TRN-GD-001 v0.9\".")
    print_notice: PlainText | None = Field(
        None, description="A line printed under the control block and in every page's "
        "footer, e.g. \"Uncontrolled when printed\".")
    approvals: tuple[Approval, ...] = Field(
        (), description="Who approved this version: role, name, date, meaning.")
    history: tuple[Revision, ...] = Field(
        (), description="The revision history: version, date, author, change, "
        "change_control, approver; its newest version is this document's version.")
    approver: RetiredApprover = Field(None, exclude=True)


class GuideInfo(Model):
    """What the guide is: title, audience, people, and document control."""

    title: PlainText
    short_title: PlainText | None = Field(
        None, description="The title the running header prints; default: the title, cut "
        "at a word with … where it would not fit the header's line.")
    subtitle: PlainText | None = None
    language: LanguageTag | None = Field(
        None, description="BCP 47 language tag, e.g. en, en-GB, de; default: the project's, "
        "else en.")
    audience: PlainText | None = None
    authors: tuple[PlainText, ...] = ()
    owner: PlainText | None = Field(None, description="Team or person who owns the guide.")
    keywords: tuple[PlainText, ...] = ()
    date: IsoDate | None = Field(
        None, description="Publication date (YYYY-MM-DD); stamped into the files' metadata.")
    document: ControlledDocument | None = None


class Group(Model):
    """A titled bullet list in a subject's section."""

    title: PlainText
    intro: Markdown | None = None
    items: tuple[InlineText, ...] = Field(min_length=1)


class Subject(Model):
    """One of the things compared: a role, a company type, a product."""

    id: Identifier = Field(description="Short key used by comparisons, e.g. cmo.")
    short: PlainText = Field(description="Short name or acronym, e.g. CMO.")
    name: PlainText = Field(description="Full name, e.g. Chief Medical Officer.")
    summary: Markdown
    responsibilities: tuple[InlineText, ...] = ()
    groups: tuple[Group, ...] = ()

    @property
    def heading(self) -> str:
        """Return the section heading: ``Full Name (SHORT)``."""
        return self.name if self.short == self.name else f"{self.name} ({self.short})"


class MatrixRow(Model):
    """One criterion of a matrix, with a cell for every subject."""

    criterion: PlainText
    values: dict[str, MatrixCell] = Field(description="One cell per subject id.")
    note: InlineText | None = None


class Matrix(Model):
    """A comparison dimension laid out as criteria × subjects."""

    kind: Literal["matrix"]
    title: PlainText
    intro: Markdown | None = None
    corner: PlainText | None = Field(
        None, description="Header of the criteria column; default: the language's "
        "\"Criterion\" label.")
    orientation: Literal["portrait", "landscape", "auto"] | None = Field(
        None, description="Pages the matrix goes on: auto turns it to landscape pages when "
        "its columns cannot fit upright. Default: the theme's matrix_orientation (auto).")
    rows: tuple[MatrixRow, ...] = Field(min_length=1)


class PerSubject(Model):
    """A comparison dimension with one text or list per subject."""

    kind: Literal["per-subject"]
    title: PlainText
    intro: Markdown | None = None
    values: dict[str, PerSubjectEntry] = Field(description="One entry per subject id.")


Comparison = Annotated[Matrix | PerSubject, Field(discriminator="kind")]


class Section(Model):
    """A closing section: conclusion, further reading."""

    title: PlainText
    body: Markdown


def _translation_of(value: Any) -> Any:
    return {"source": value} if isinstance(value, str) else value


class TranslationOf(Model):
    """The source a translation follows, and the source's hash when it was last confirmed."""

    source: PlainText = Field(description="The source guide, relative to this file.")
    confirmed: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] | None = \
        Field(None, description="Written by `guidegen translations --confirm`.")


TranslationSource = Annotated[
    TranslationOf, BeforeValidator(_translation_of),
    WithJsonSchema({"anyOf": [
        {"type": "string", "description": "The source guide, relative to this file."},
        {"type": "object", "additionalProperties": False, "required": ["source"],
         "properties": {"source": {"type": "string"},
                        "confirmed": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}}}]})]


class Handout(Model):
    """What the printed guide must fit in."""

    pages: int = Field(ge=1, le=999, description="The most pages the PDF and the DOCX may "
                       "take; the build tightens spacing, then type sizes, within the "
                       "theme's bounds to fit, and fails naming what spilled over.")


class Guide(Model):
    """A whole comparison guide, as one YAML file in ``content/`` describes it.

    A loaded guide knows where each of its values was written (:meth:`locate`), so
    what is found later (a layout problem) can be reported at ``file:line:col``.
    """

    _source: SourceMap | None = PrivateAttr(None)

    guide: GuideInfo
    intro: Markdown
    contents: bool = Field(False, description="Print a table of contents after the title "
                           "block (page numbers in the PDF, a filled-in TOC field in the DOCX).")
    subjects: tuple[Subject, ...] = Field(min_length=MIN_SUBJECTS, max_length=MAX_SUBJECTS)
    comparisons_title: PlainText | None = Field(
        None, description="Heading above the comparisons; default \"Comparing A, B, and C\".")
    comparisons_intro: Markdown | None = None
    comparisons: tuple[Comparison, ...] = ()
    sections: tuple[Section, ...] = Field((), description="Closing sections, in order.")
    labels: LabelOverrides | None = Field(  # type: ignore[valid-type]
        None, description="Printed labels that replace those of the guide's language.")
    translation_of: TranslationSource | None = Field(
        None, description="The guide this one translates: its path relative to this file, "
        "or {source, confirmed}; see `guidegen translations`.")
    handout: Handout | None = Field(None, description="A page budget: {pages: N}.")

    def locate(self, *path: str | int) -> Location | None:
        """Return where the value at ``path`` (e.g. ``"subjects", 0, "summary"``) was written."""
        return None if self._source is None else self._source.locate(path)

    @property
    def revision(self) -> str:
        """Return the hash of the file the guide was read from (``sha256:…``), if known."""
        return "" if self._source is None else self._source.digest

    def characters(self) -> dict[str, Location]:
        """Return where each printed character above U+00FF was first written in the file."""
        return {} if self._source is None else self._source.characters


# the kinds of value are importable from here too (:mod:`.kinds` declares them)
__all__ = ["MAX_SUBJECTS", "MIN_SUBJECTS", "MIN_YEAR", "STATUSES", "Approval", "Cell",
           "Comparison", "ControlledDocument", "Entry", "Group", "Guide", "GuideInfo",
           "Handout", "InlineText", "IsoDate", "KeptText", "Mark", "Markdown", "Matrix",
           "MatrixCell", "MatrixRow", "PerSubject", "PerSubjectEntry", "Revision", "Section",
           "Status", "Subject", "TranslationOf"]
