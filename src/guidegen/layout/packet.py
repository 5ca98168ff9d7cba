"""An onboarding packet laid out as ONE document tree: cover, contents, guides, sign-off.

Each guide keeps the tree :mod:`.guide` makes of it, inside a :class:`Section` with its
own running header and footer (its title, its control line, its own "Page X of Y") and
its anchors namespaced (``g2-section-1``), so two guides' "Conclusion" headings stay
two link targets. A guide may start on a right-hand page; the page left blank before
it says so. The contents list every guide and its parts; the acknowledgement sheet
lists each guide's document number, title and version with lines to sign.

Every printed word comes from :func:`packet_labels`: the labels of the packet's language
(:mod:`.labels`), the theme's overrides over them; each guide prints its own in its own
language.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import Final

from ..common.labels import fill
from ..common.language import Language
from ..content.model import Guide
from ..content.packet import BUILT_IN_FIELDS, CoverField, Packet
from ..content.roster import Recipient
from ..errors import Location
from ..theme import Templates
from ..tree import (
    Block,
    Cell,
    Contents,
    ContentsEntry,
    Document,
    Fields,
    Heading,
    Image,
    Metadata,
    Paragraph,
    Running,
    Section,
    Table,
    Text,
)
from .anchors import guide_anchor, namespaced
from .control import EMPTY, source_files, status_text, styled_columns, watermark
from .guide import blocks, layout_guide
from .hyphenate import hyphenate_blocks
from .labels import Labels, labels_for, resolve_labels
from .running import fitting_control

COVER: Final = "cover"  # the cover's role and anchor
CONTENTS: Final = "contents"  # the contents' anchor
ACKNOWLEDGEMENT: Final = "acknowledgement"  # the acknowledgement sheet's role and anchor


def packet_labels(packet: Packet, templates: Templates, language: Language) -> Labels:
    """Return the labels a packet prints in ``language``, the theme's overrides over them."""
    if packet.packet.language:
        where, what = packet.locate("packet", "language"), ""
    else:
        where, what = packet.locate("packet"), " (the project's language; the packet " \
            "names none)"
    return resolve_labels(language, templates.theme.labels, where=where or Location(
        packet.packet.title), what=what, key="packet.language")


class PacketLayout:
    """Lays out one packet for any number of recipients: its guides once, for all of them."""

    def __init__(self, packet: Packet, guides: Sequence[Guide], templates: Templates, *,
                 language: Language, date: datetime.datetime | None = None,
                 reader: str | None = None, levels: Sequence[float] = ()) -> None:
        """Lay out ``packet`` in its language, else ``language`` (the project's).

        ``reader`` is the language of the recipients it is for (a roster's language
        field), which the packet's own pages then speak; ``guides`` are in it.
        ``levels`` holds the level each guide (by index) is tightened to, fitted to its
        pages (none: as the theme is).
        """
        self.packet = packet.in_language(reader)  # its title, notice... in theirs if given
        self.guides = guides
        self.templates = templates
        self.date = date
        self.levels = tuple(levels)
        own = reader or packet.packet.language
        self.language = Language.of(own) if own else language
        self.reader = reader
        self.labels = packet_labels(packet, templates, self.language)
        self.words = self.labels.texts
        # each guide laid out, by index and level (shared by the layouts at other levels)
        self._trees: dict[tuple[int, float, str], Document] = {}  # and page label
        # by curriculum and page label (the recipient's name in it: footer_recipient)
        self._parts: dict[tuple[tuple[int, ...], str], tuple[Section, ...]] = {}

    def at(self, levels: Sequence[float]) -> PacketLayout:
        """Return this layout with each guide (by index) tightened to ``levels``.

        The guides laid out at a level already are laid out once for both.
        """
        if tuple(levels) == self.levels:
            return self
        other = PacketLayout(self.packet, self.guides, self.templates,
                             language=self.language, date=self.date, reader=self.reader,
                             levels=levels)
        other._trees = self._trees
        return other

    def level(self, index: int) -> float:
        """Return the level the ``index``-th guide is tightened to (0: not at all)."""
        return self.levels[index] if index < len(self.levels) else 0.0

    def document(self, recipient: Recipient | None = None,
                 chosen: Sequence[int] | None = None) -> Document:
        """Return the packet's document tree for ``recipient`` (None: lines to fill in).

        It holds the recipient's guides (their curriculum), else those ``chosen`` (the
        indexes of the packet's guides), else every guide.
        """
        info = self.packet.packet
        if chosen is None:
            chosen = recipient.guides if recipient is not None and \
                recipient.guides is not None else range(len(self.guides))
        indexes = tuple(chosen)
        guides = [self.guides[n] for n in indexes]
        label = self.packet_page(recipient)
        parts = list(self.parts(indexes, label))
        ack = self.packet.acknowledgement
        if ack == "per-guide":
            parts = [dataclasses.replace(part, children=(*part.children, self.sign_off(
                [guide], 2, f"{part.anchor}-{ACKNOWLEDGEMENT}", recipient)))
                for part, guide in zip(parts, guides, strict=True)]
        found: list[Block] = [self.cover(recipient), self.contents(parts, guides), *parts]
        if ack == "packet":
            sheet = self.sign_off(guides, 1, ACKNOWLEDGEMENT, recipient)
            if self.packet.right_hand_start:  # signed and filed on a sheet of its own
                sheet = dataclasses.replace(sheet, break_before="right")
            found.append(sheet)
        whole = self.labels.page_parts("packet_page")
        if self.packet.footer_recipient and recipient is not None:  # "Ann Lee · Packet page"
            whole = (("text", recipient.name + self.words.separator), *whole)
        running = Running(info.title, self.control_line(label), whole,
                          blank=self.words.blank_page,
                          watermark=watermark(self.labels, info.document))
        return Document(self.metadata(recipient, guides), running, tuple(found))

    def parts(self, chosen: tuple[int, ...], label: str = "") -> tuple[Section, ...]:
        """Return the guides ``chosen`` (indexes) laid out as the packet's parts, in order.

        ``label`` is the page label their footers print (:meth:`packet_page`). Each guide
        is laid out once, and each curriculum's parts made once: every recipient of a
        curriculum gets the same parts (which their PDFs share), unless their footers
        print the recipient's name.
        """
        label = label or self.packet_page()
        if (chosen, label) not in self._parts:
            self._parts[chosen, label] = tuple(self.guide(index, position, label)
                                               for position, index in enumerate(chosen))
        return self._parts[chosen, label]

    def metadata(self, recipient: Recipient | None, guides: Sequence[Guide]) -> Metadata:
        """Return what the files say about themselves, the recipient's name included."""
        info, doc = self.packet.packet, self.packet.packet.document
        custom = [] if doc is None else [("Document number", doc.number),
                                         ("Version", doc.version)]
        if recipient is not None:
            custom.append(("Recipient", recipient.name))
        titles = "; ".join(guide.guide.title for guide in guides)
        return Metadata(title=info.title, language=self.language,
                        subtitle=info.subtitle or "", keywords=("onboarding",),
                        audience=recipient.name if recipient else "",
                        version=doc.version if doc else "", date=self.date,
                        custom=(*custom, ("Guides", titles)),
                        sources=source_files(self.packet, *guides))

    def control_line(self, label: str = "") -> str:
        """Return the packet's control line, as short as it must be beside its page label.

        ``label`` is the label :meth:`packet_page` returns (default: without a name).
        """
        return fitting_control(self.packet.packet.document, self.labels,
                               label or self.packet_page(), self.templates.styles,
                               undated=self.packet.footer_recipient)

    def packet_page(self, recipient: Recipient | None = None) -> str:
        """Return the packet's page label as its widest footer prints it ("Page 99 of 99").

        With ``footer_recipient``, the recipient's name before it ("Ann Lee · Page 99 of
        99"), as each page of their packet prints it: the control lines beside it fit
        (their date left out if even its medium form would wrap the line).
        """
        label = fill(self.words.packet_page, page="99", pages="99")
        if self.packet.footer_recipient and recipient is not None:
            return recipient.name + self.words.separator + label
        return label

    # -- cover and contents --------------------------------------------------------------

    def cover(self, recipient: Recipient | None) -> Section:
        """Return the cover: logo, title, introduction and the recipient's fields."""
        info, cover, at = self.packet.packet, self.packet.cover, self.packet.locate
        children: list[Block] = []
        logo = self.templates.logo() if cover.logo else None
        if logo is not None:
            children.append(Image(logo[0], logo[1], alt=info.title))
        children.append(Heading(1, info.title, COVER, role="cover-title",
                                source=at("packet", "title")))
        if info.subtitle:
            children.append(Paragraph((Text(info.subtitle),), "subtitle",
                                      source=at("packet", "subtitle")))
        children += blocks(cover.intro or (), at("cover", "intro"))
        if cover.recipient:
            children += [
                Paragraph((Text(self.words.cover_prepared_for),), "prepared-for"),
                Fields(tuple((self.field_label(entry), self.printed(recipient, field))
                             for entry, field in zip(cover.recipient, cover.fields(),
                                                     strict=True)), "recipient",
                       source=at("cover", "recipient"))]
        return self.hyphenated(Section(tuple(children), role=COVER))

    def hyphenated(self, section: Section) -> Section:
        """Return one of the packet's own sections with its words hyphenated (its language's)."""
        found = hyphenate_blocks((section,), self.templates.styles, self.language)[0]
        assert isinstance(found, Section)
        return found

    def field_label(self, entry: str | CoverField) -> str:
        """Return the label the cover prints before a recipient field.

        The built-in fields' come from the packet's language; another field's is the one
        the entry gives, else its roster column's header.
        """
        if not isinstance(entry, str):
            return entry.label
        if entry in BUILT_IN_FIELDS:
            return str(getattr(self.words, f"recipient_{entry}"))
        roster = self.packet.roster
        return roster.columns.get(entry, entry) if roster is not None else entry

    def printed(self, recipient: Recipient | None, field: str) -> str:
        """Return the recipient's ``field`` as printed: a date as the language writes it."""
        text = _field(recipient, field)
        roster = self.packet.roster
        if text and roster is not None and field in roster.dates:
            return self.labels.date(datetime.date.fromisoformat(text))
        return text

    def contents(self, parts: Sequence[Section], guides: Sequence[Guide]) -> Section:
        """Return the contents page: each guide and its parts, then the sheet.

        A guide's entry notes its status and effective date, as the sheet lists them.
        """
        entries = []
        for part, guide in zip(parts, guides, strict=True):
            found = [entry for block in part.children for entry in _entries(block)]
            if found:
                found[0] = dataclasses.replace(found[0], note=self.control_note(guide))
            entries += found
        if self.packet.acknowledgement == "packet":
            entries.append(ContentsEntry(1, self.words.acknowledgement_title, ACKNOWLEDGEMENT))
        return Section((Heading(1, self.words.contents, CONTENTS, role="contents-title"),
                        Contents(tuple(entries))), role="contents-page", break_before=True)

    # -- the guides ----------------------------------------------------------------------

    def guide_labels(self) -> list[Labels]:
        """Return the labels each guide prints, in its language; warn of one without them.

        A guide's language is its entry's in the packet, else its own, else the packet's
        (whose warning, if it has no labels, is the packet's).
        """
        return [self._labels(index, guide) for index, guide in enumerate(self.guides)]

    def _labels(self, index: int, guide: Guide) -> Labels:
        ref, overrides = self.packet.guides[index], (guide.labels, self.templates.theme.labels)
        if ref.language:
            return resolve_labels(Language.of(ref.language), *overrides, where=self.packet.locate(
                "guides", index, "language"), key=f"guides[{index}].language")
        if guide.guide.language:
            return labels_for(guide, self.templates, self.language)
        return resolve_labels(self.language, *overrides)

    def guide(self, index: int, position: int, label: str = "") -> Section:
        """Return the ``index``-th guide as the ``position``-th part (from 0) of a packet.

        The part has the guide's own running header, and its anchors namespaced by its
        position (``g2-...``); its footer prints ``label`` (:meth:`packet_page`'s).
        """
        ref, tree = self.packet.guides[index], self.tree(index, label)
        anchor = guide_anchor(position)
        right = ref.right_hand_start if ref.right_hand_start is not None \
            else self.packet.right_hand_start
        running = dataclasses.replace(tree.running, blank=self.words.blank_page)
        return Section(namespaced(tree.blocks, anchor), role="guide",
                       anchor=anchor, break_before="right" if right else True,
                       running=running, source=self.packet.locate("guides", index),
                       tightened=self.level(index))

    def tree(self, index: int, label: str = "") -> Document:
        """Return the ``index``-th guide laid out in its language at its level (once).

        Its control line fits its footer beside ``label`` (:meth:`packet_page`'s).
        """
        level, label = self.level(index), label or self.packet_page()
        if (index, level, label) not in self._trees:
            guide, ref = self.guides[index], self.packet.guides[index]
            labels = self._labels(index, guide)
            if ref.language:
                guide = guide.model_copy(update={"guide": guide.guide.model_copy(
                    update={"language": ref.language})})
            templates = self.templates if not level else \
                self.templates.with_theme(self.templates.theme.tightened(level))
            self._trees[index, level, label] = layout_guide(guide, templates, labels,
                                                            date=self.date, page_label=label,
                                                            undated=self.packet.footer_recipient)
        return self._trees[index, level, label]

    # -- the acknowledgement sheet -------------------------------------------------------

    def sign_off(self, guides: Sequence[Guide], level: int, anchor: str,
                 recipient: Recipient | None) -> Section:
        """Return an acknowledgement sheet of ``guides`` with lines to sign."""
        words = self.words
        head = tuple(Cell((Text(label),), header=True, role="corner" if n == 0 else None)
                     for n, label in enumerate((words.acknowledgement_document,
                                                words.acknowledgement_document_title,
                                                words.acknowledgement_version,
                                                words.status, words.effective)))
        rows = tuple(self.record_row(guide) for guide in guides)
        signers = [words.acknowledgement_name] + ([words.acknowledgement_trainer] if
                                                  self.packet.acknowledgement_trainer else [])
        # the reader's lines, then the countersigning trainer's (acknowledgement_trainer)
        signatures = tuple(Fields(((who, _field(recipient, "name") if n == 0 else ""),
                                   (words.acknowledgement_signature, ""),
                                   (words.acknowledgement_date, "")), "signature")
                           for n, who in enumerate(signers))
        # the statement speaks of "the documents listed above": it follows their list
        return self.hyphenated(Section(
            (Heading(level, words.acknowledgement_title, anchor),
             Table(head, rows, self.record_columns(len(head)), role="record"),
             Paragraph((Text(words.acknowledgement_statement),), "statement"), *signatures),
            role=ACKNOWLEDGEMENT, anchor=f"{anchor}-sheet", break_before=True))

    def control_note(self, guide: Guide) -> str:
        """Return a guide's status and effective date, as the packet's language says them.

        "Effective · 24 November 2026"; a guide not in force names what the date is:
        "Draft · Effective 1 March 2027".
        """
        doc = guide.guide.document
        if doc is None:
            return ""
        said = [status_text(self.labels, doc.status)]
        if doc.effective:
            date = self.labels.date(doc.effective)
            said.append(date if doc.status == "effective" else f"{self.words.effective} {date}")
        return self.words.separator.join(part for part in said if part)

    def record_row(self, guide: Guide) -> tuple[Cell, ...]:
        """Return a guide's row of the sheet: number, title, version, status, effective date.

        The status and the date as the packet's language says them (which revision was
        read, and whether it was in force).
        """
        doc = guide.guide.document
        values = (doc.number, guide.guide.title, doc.version,
                  status_text(self.labels, doc.status) or EMPTY,
                  self.labels.date(doc.effective) if doc.effective else EMPTY) \
            if doc else (EMPTY, guide.guide.title, EMPTY, EMPTY, EMPTY)
        return tuple(Cell((Text(value),), header=n == 0) for n, value in enumerate(values))

    def record_columns(self, count: int) -> tuple[float, ...]:
        """Return the acknowledgement sheet's column shares, as the style sheet gives them."""
        return styled_columns(self.templates, "record", count)


def _field(recipient: Recipient | None, name: str) -> str:
    """Return the recipient's ``name`` field as text (empty without a recipient)."""
    if recipient is None:
        return ""
    return recipient.name if name == "name" else recipient.value(name)


def _entries(block: Block) -> list[ContentsEntry]:
    """Return the contents entries of a guide's block: its title, then its parts."""
    if isinstance(block, Heading) and block.level <= 2 and block.anchor:
        return [ContentsEntry(block.level, block.text, block.anchor)]
    if isinstance(block, Section) and block.role != ACKNOWLEDGEMENT:
        return [entry for child in block.children for entry in _entries(child)]
    return []


__all__ = ["PacketLayout", "guide_anchor", "namespaced", "packet_labels"]
