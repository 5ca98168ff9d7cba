"""An onboarding packet file: several guides behind one cover, one contents, one file.

A packet file (``packets/new-starter.yaml``) names its guides (by name in the content
folder, or by path relative to the packet file), what its cover shows, whether each
guide starts on a right-hand page, whether it ends with an acknowledgement sheet, and,
for personalised packets, which roster columns make the recipient's fields and the
output's name. It is validated like a guide: every problem located, all at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PrivateAttr, StringConstraints

from ..common.models import LanguageTag, Model, PlainText, matching, validate_data
from ..common.yamlsource import SourceMap, format_path, load_yaml
from ..errors import ContentError, Location, Problem
from ..files import named_root, outside_message, reference_root
from .control import control_problems
from .model import ControlledDocument, IsoDate, Markdown
from .packetfile import guide_file, is_packet_file
from .slips import markdown_slips

Identifier = Annotated[str, matching(
    r"^[a-z][a-z0-9_]*$", "a name of lower-case letters, digits and _, starting with a "
    "letter (like start_date)", max_length=40)]
Pattern = Annotated[str, StringConstraints(min_length=1, max_length=200)]
# The recipient fields with a printed label of their own (recipient_<field>) in every
# language's catalogue; a cover may show any other roster field too (CoverField).
BUILT_IN_FIELDS = ("name", "role", "site", "manager", "start_date")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class PacketInfo(Model):
    """What the packet is: its title, language, date and optional document control."""

    title: PlainText
    subtitle: PlainText | None = None
    language: LanguageTag | None = Field(
        None, description="BCP 47 tag of the cover, contents and acknowledgement sheet; "
        "default: the project's, else en.")
    date: IsoDate | None = Field(None, description="Stamped into the files' metadata.")
    document: ControlledDocument | None = None


class CoverField(Model):
    """A roster field on the cover with the label printed before it."""

    field: Identifier = Field(description="The recipient field (a roster column's key).")
    label: PlainText = Field(description="What the cover prints before it.")


class Cover(Model):
    """The cover page: logo, an introduction, and the recipient's fields."""

    logo: bool = Field(True, description="Show the theme's logo.")
    intro: Markdown | None = None
    recipient: tuple[Identifier | CoverField, ...] = Field(
        BUILT_IN_FIELDS,
        description="Recipient fields shown under \"Prepared for\", in order: name, role, "
        "site, manager and start_date are labelled in the packet's language; any other "
        "roster field by its column's header, or as {field: ..., label: ...} says; empty "
        "lines to fill in by hand when the packet is built without a roster.")

    def fields(self) -> tuple[str, ...]:
        """Return the recipient fields the cover shows, in order."""
        return tuple(entry if isinstance(entry, str) else entry.field
                     for entry in self.recipient)


class PacketWords(Model):
    """The packet's own words in one more language, for the recipients who read it."""

    title: PlainText | None = None
    subtitle: PlainText | None = None
    intro: Markdown | None = None
    print_notice: PlainText | None = Field(
        None, description="The footer's print notice (the packet's document block has one).")


class GuideRef(Model):
    """One guide of the packet: a name in the content folder or a path, and options."""

    guide: PlainText = Field(description="A guide's name in the content folder (its file "
                             "name without .yaml) or a path relative to the packet file.")
    language: LanguageTag | None = Field(
        None, description="Language to lay the guide out in; default: the guide's own.")
    right_hand_start: bool | None = Field(
        None, description="Start on a right-hand page; default: the packet's setting.")
    pages: int | None = Field(
        None, ge=1, le=999, description="The most pages the guide may take in the packet "
        "(its own sign-off sheet aside), fitted as when it is built alone; default: the "
        "guide's handout.pages.")
    audience: dict[Identifier, tuple[PlainText, ...]] | None = Field(
        None, alias="for", description="Whom the guide is for: roster fields, each with "
        "the values that get it (for: {role: [QC Analyst, QA Officer]}); a recipient gets "
        "it if every field's value is listed (case and spaces aside); default: everyone.")


def _guide_ref(value: Any) -> Any:
    return {"guide": value} if isinstance(value, str) else value


class Roster(Model):
    """How a roster (CSV or XLSX, one row per recipient) maps to recipient fields."""

    columns: dict[Identifier, PlainText] = Field(
        description="Each recipient field (a key such as first_name, start_date) and the "
        "header of the roster column it is read from.", min_length=1)
    optional: tuple[Identifier, ...] = Field(
        (), description="Fields that may be empty; every other one is required.")
    dates: tuple[Identifier, ...] = Field(
        ("start_date",), description="Fields that hold dates (YYYY-MM-DD, or a date cell "
        "in XLSX).")
    name: Pattern = Field("{first_name} {last_name}", description="The recipient's name "
                          "as printed, from fields in braces; ignored if 'name' is a column.")
    file_name: Pattern = Field("{start_date}-{last_name}-{first_name}", description="Output "
                               "file name (without extension) from fields in braces.")
    sheet: PlainText | None = Field(None, description="The sheet of an XLSX roster to read, "
                                    "by its name; default: the first.")
    header_row: int = Field(1, ge=1, le=1000, description="The row of the column headers; "
                            "the rows above it (a title, a date) are skipped: its line in a "
                            "CSV file, its row number in an XLSX sheet.")
    id: Identifier | tuple[Identifier, ...] | None = Field(
        None, description="The field (or fields) that identify a recipient, such as "
        "employee_id: each is unique in the roster, and the manifest and the LMS export "
        "carry it.")

    @property
    def ids(self) -> tuple[str, ...]:
        """Return the identifying fields (``id``), in order."""
        return (self.id,) if isinstance(self.id, str) else self.id or ()


def _schema(schema: dict[str, Any]) -> None:
    """Let a guide be named by a string alone in the packet's JSON Schema."""
    guides = schema["properties"]["guides"]
    guides["items"] = {"anyOf": [{"type": "string", "minLength": 1}, guides["items"]]}


class Packet(Model):
    """A whole packet file."""

    _source: SourceMap | None = PrivateAttr(None)
    _path: Path | None = PrivateAttr(None)

    packet: PacketInfo
    cover: Cover = Field(default_factory=lambda: Cover.model_validate({}))
    model_config = ConfigDict(**Model.model_config, json_schema_extra=_schema)

    guides: tuple[GuideRef, ...] = Field(
        min_length=1, description="The guides in order: a name, or a mapping with 'guide' "
        "and options.")
    right_hand_start: bool = Field(
        False, description="Start each guide on a right-hand page (duplex printing); blank "
        "pages are marked \"This page is intentionally left blank\".")
    acknowledgement: Literal["packet", "per-guide", "none"] = Field(
        "packet", description="An acknowledgement sheet for the whole packet, one after "
        "each guide, or none.")
    fallback_language: LanguageTag | None = Field(
        None, description="With a roster's language field: the language a recipient gets a "
        "guide in that has no translation in theirs (with a warning); default: none, an "
        "error at the cell.")
    footer_recipient: bool = Field(
        False, description="Print the recipient's name in every page's footer, beside the "
        "packet's page number (each recipient's PDF is then laid out whole).")
    acknowledgement_trainer: bool = Field(
        False, description="The acknowledgement sheet also has lines for the trainer who "
        "countersigns: their name, signature and the date.")
    translations: dict[LanguageTag, PacketWords] = Field(
        default_factory=dict, description="The packet's title, subtitle, cover "
        "introduction and print notice in other languages, by language tag (ja: {title: "
        "..., print_notice: ...}): what recipients whose roster language field names that "
        "language (or its main language: de for de-CH) read; what one leaves out stays as "
        "the packet writes it.")
    roster: Roster | None = None

    def in_language(self, tag: str | None) -> Packet:
        """Return the packet with its own words in language ``tag``, where it gives them."""
        given = {key.casefold(): words for key, words in self.translations.items()}
        words = next((given[t] for t in _tags(tag) if t in given), None)
        if words is None:
            return self
        info, document = self.packet, self.packet.document
        if document is not None and words.print_notice:
            document = document.model_copy(update={"print_notice": words.print_notice})
        info = info.model_copy(update={"title": words.title or info.title,
                                       "subtitle": words.subtitle or info.subtitle,
                                       "document": document})
        cover = self.cover.model_copy(update={"intro": words.intro or self.cover.intro})
        return self.model_copy(update={"packet": info, "cover": cover})

    @property
    def path(self) -> Path:
        """Return the file this packet was read from."""
        return self._path or Path("packet.yaml")

    def locate(self, *path: str | int) -> Location | None:
        """Return where the value at ``path`` was written."""
        return None if self._source is None else self._source.locate(path)

    def characters(self) -> dict[str, Location]:
        """Return where each printed character above U+00FF was first written in the file."""
        return {} if self._source is None else self._source.characters


def _tags(tag: str | None) -> tuple[str, ...]:
    """Return the language tags to look for, ``tag`` first (case folded), then its main."""
    if not tag:
        return ()
    return tuple(dict.fromkeys((tag.casefold(), tag.split("-")[0].casefold())))


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    guides = data.get("guides")
    if isinstance(guides, list):
        data = {**data, "guides": [_guide_ref(g) for g in guides]}
    return data


def load_packet(path: str | os.PathLike[str], root: Path | None = None) -> Packet:
    """Return the validated packet of the YAML file at ``path``; raise located errors.

    Like a guide, a packet file inside ``root`` (the project; default: the working
    folder) may not lead out of it through a symlink.
    """
    path = Path(path)
    data, source = load_yaml(path, root=named_root(path, root or Path.cwd()),
                             literal=markdown_slips)
    if not isinstance(data, dict) or "packet" not in data:
        raise ContentError.collect([Problem(source.locate(()), "a packet file needs "
                                            "'packet' (its title) and 'guides'")])
    packet: Packet = validate_data(_normalise(data), source, Packet)
    packet._source, packet._path = source, path
    problems = roster_problems(packet, source) + control_problems(
        packet.packet.document, packet.locate, ("packet", "document"))
    if problems:
        raise ContentError.collect(problems)
    return packet


def placeholders(pattern: str) -> list[str]:
    """Return the field names in braces in ``pattern``."""
    return PLACEHOLDER.findall(pattern)


def fill(pattern: str, values: dict[str, str]) -> str:
    """Return ``pattern`` with each ``{field}`` replaced by its value, taken as plain text."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), pattern)


def roster_problems(packet: Packet, source: SourceMap) -> list[Problem]:
    """Return what is inconsistent between the roster mapping and the cover."""
    roster = packet.roster
    if roster is None:
        return []
    known = set(roster.columns)
    problems = []

    def need(fields: list[str], *where: str | int) -> None:
        for name in fields:
            if name not in known and not (name == "name" and where[-1] == "recipient"):
                problems.append(Problem(source.locate(where), f"{name!r} is not a roster "
                                        f"column (known: {', '.join(sorted(known))})",
                                        format_path(where)))

    need(placeholders(roster.name) if "name" not in known else [], "roster", "name")
    need(placeholders(roster.file_name), "roster", "file_name")
    if not placeholders(roster.file_name):
        problems.append(Problem(source.locate(("roster", "file_name")), "the file name "
                                "needs at least one {field}, or every packet gets the same "
                                "name", "roster.file_name"))
    need(list(roster.optional), "roster", "optional")
    need(list(roster.ids), "roster", "id")
    need([d for d in roster.dates if d != "start_date" or "start_date" in known],
         "roster", "dates")
    need([f for f in packet.cover.fields() if f != "name"], "cover", "recipient")
    for n, ref in enumerate(packet.guides):
        need(list(ref.audience or ()), "guides", n, "for")
    bad = [p for p in (*placeholders(roster.name), *placeholders(roster.file_name))
           if not re.fullmatch(r"[a-z][a-z0-9_]*", p)]
    if bad:
        problems.append(Problem(source.locate(("roster",)), f"{{{bad[0]}}} is not a field "
                                "name (lower-case letters, digits and _)", "roster"))
    return problems


def draft_problems(packet: Packet, guides: Sequence[Any]) -> list[Problem]:
    """Return a located error for each guide of ``packet`` that is not effective."""
    problems = []
    for n, guide in enumerate(guides):
        document = guide.guide.document
        if document is not None and document.status == "effective":
            continue
        if document is None:
            what = "not a controlled document (it has no document block)"
        elif document.status is None:
            what = "of no status" + _at(guide.locate("guide", "document"))
        else:
            what = f"{_STATUS_WORDS[document.status]}" \
                f"{_at(guide.locate('guide', 'document', 'status'))}"
        problems.append(Problem(packet.locate("guides", n) or Location(str(packet.path)),
                                f"{packet.guides[n].guide} is {what}; a packet holds effective "
                                "guides only (--allow-draft lets it hold this one, with its "
                                "watermark)", f"guides[{n}]"))
    return problems


_STATUS_WORDS = {"draft": "a draft", "in-review": "in review", "superseded": "superseded",
                 "obsolete": "obsolete"}


def _at(location: Location | None) -> str:
    return f" ({location})" if location else ""


def guide_paths(packet: Packet, content: Path) -> list[Path]:
    """Return the file of each guide of ``packet``, looked up in ``content`` or by path."""
    return [guide_file(ref.guide, packet.path, content) for ref in packet.guides]


def load_guides(packet: Packet, content: Path, root: Path) -> list[Any]:
    """Return the guides of ``packet``, each inside the project ``root``; raise all problems.

    A guide the packet names outside the project (``../../x.yaml``, ``/etc/x.yaml``) is
    never read: a located error at its line in the packet file (see
    :func:`~guidegen.files.reference_root`).
    """
    from .loader import load_all

    paths = guide_paths(packet, content)
    problems = [Problem(packet.locate("guides", n) or Location(str(packet.path)),
                        outside_message(path, root), f"guides[{n}]")
                for n, path in enumerate(paths)
                if reference_root(path, packet.path, root, content) is None]
    if problems:
        raise ContentError.collect(problems)
    return load_all(paths, root, named_by=packet.path, given=(content,))


__all__ = ["Packet", "draft_problems", "fill", "guide_paths", "is_packet_file", "load_guides",
           "load_packet", "placeholders"]
