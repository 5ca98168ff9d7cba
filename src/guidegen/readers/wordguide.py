"""Any Word document (:class:`~.docx.model.WordDocument`) → the data of a guide.

The rules, in order:

* **Title block.** The Title paragraph is the guide's title (else the file's title
  property; else a lone top heading over the others; else the file's name), the
  Subtitle paragraph its subtitle; the core and custom properties its metadata
  (:mod:`.properties`). A table of contents makes ``contents: true``.
* **Parts.** The top headings (Heading 1, usually) divide the document into parts,
  and :mod:`.parts` says which are the intro, the subjects, the comparisons and the
  closing sections; text before the first part is the intro.
* **Subjects.** A heading "Quality Assurance (QA)" gives the name and short name; the
  text under it is the summary, and a bullet list ending it the responsibilities;
  each sub-part ending in a bullet list is a group. Subjects a comparison table names
  but the document gives no part of their own are added, with a summary to write.
* **Comparisons** are made by :mod:`.comparisons`.

Whatever has no place (a heading deeper than a sub-part, a table that compares
nothing, a text box, a footnote, a field, a comment, a tracked change, a picture) is a
warning at its paragraph; its text is kept where there is text to keep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..common.labels import fill
from ..common.language import LANGUAGE_TAG, Language
from ..content.model import MAX_SUBJECTS, MIN_SUBJECTS
from ..errors import ContentError, Location, Problem, warn
from ..layout.labels import Labels, resolve_labels
from .comparisons import Comparisons, Known, match_subjects
from .docx.model import Block, Paragraph, Run, Table, WordDocument
from .draft import Draft, make_id, plain
from .marks import languages_of
from .parts import Part, Plan, split, table_marks
from .parts import plan as plan_parts
from .printed import without_printed
from .properties import properties
from .unmapped import paragraphs, report
from .yamltext import Path_, Prose

_SKIPPED_STYLES = ("audience", "toc heading", "legend")
_PRINT_NOTICE_STYLES = ("status", "print notice")  # the print notice under the control block
_TITLE_BLOCK_TABLES = ("control block",)
_PLACEHOLDER = "What {short} is and does, in a few sentences."


class WordGuide:
    """Maps one Word document onto a guide's data, in a :class:`~.draft.Draft`."""

    def __init__(self, document: WordDocument, draft: Draft, name: str,
                 language: str = "en") -> None:
        self.draft = draft
        self.name = name  # the title when the document says none
        self.default_language = language
        self.ours = any(b == "title" or b.startswith("subject_") for p in paragraphs(
            document.blocks) for b in p.bookmarks)
        # a guide's own file: the link addresses it printed for paper are no text of it
        self.document = without_printed(document) if self.ours else document
        self.contents = False

    def build(self) -> None:
        """Fill the draft's data; raise :class:`ContentError` if no guide can be made."""
        report(self.document)
        blocks, front = self.front(list(self.document.blocks))
        level = min((b.heading for b in blocks if isinstance(b, Paragraph) and b.heading),
                    default=1)
        title = front.get("title")
        if title is None:
            title, blocks, level = self.lone_title(blocks, level)
        preface, parts = split(blocks, level)
        if not parts:
            preface, parts = _table_as_part(preface, level)
        marks = [mark for part in parts for table in part.tables()
                 for mark in table_marks(table)]
        language = front.get("language") or languages_of(marks) or ""
        tag = language if re.fullmatch(LANGUAGE_TAG, language) else self.default_language
        self.labels = resolve_labels(Language.of(tag))
        plan = plan_parts(parts, self.ours)
        info = properties(self.document, title, front.get("subtitle"), language,
                          front.get("audience"), front.get("print_notice"))
        self.draft.data["guide"] = info
        intro_blocks = [*preface]
        for part in plan.intro:
            warn(part.heading.location, f"the heading {part.title!r} is left out: the text "
                 "under it is the guide's intro")
            intro_blocks += part.flattened()
        self.draft.data["intro"] = self.draft.prose(intro_blocks, ("intro",))
        if self.contents:
            self.draft.data["contents"] = True
        subjects = self.subjects(plan)
        self.comparisons(plan, subjects)
        self.closing(plan)

    # -- the title block -------------------------------------------------------------------

    def front(self, blocks: list[Block]) -> tuple[list[Block], dict[str, Any]]:
        """Return the blocks without the title block's, and what the title block says."""
        found: dict[str, Any] = {}
        kept: list[Block] = []
        seen_heading = False
        for block in blocks:
            if isinstance(block, Table):
                if block.style.lower() in _TITLE_BLOCK_TABLES and not seen_heading:
                    continue
                kept.append(block)
                continue
            style = block.style.lower()
            if block.role == "contents" or style.startswith("toc "):
                self.contents = True
            elif block.role in ("title", "subtitle") and block.role not in found:
                found[block.role] = plain([block])
                if block.role == "title" and self.ours:
                    kept += _pictures_left(kept)
            elif style == "audience" and not seen_heading:
                found["audience"] = re.sub(r"^[^:：]*[:：]\s*", "", plain([block]))
            elif style in _PRINT_NOTICE_STYLES and not seen_heading:
                found["print_notice"] = plain([block])
            elif style in _SKIPPED_STYLES and not seen_heading:
                continue
            else:
                seen_heading = seen_heading or bool(block.heading)
                kept.append(block)
        found["language"] = self.document.properties.get("language", "")
        return kept, found

    def lone_title(self, blocks: list[Block], level: int) -> tuple[str, list[Block], int]:
        """Return the title when there is no Title paragraph, the blocks left, and the top level.

        The file's title property, else a heading alone at the top level above others,
        else the file's name.
        """
        headings = [b for b in blocks if isinstance(b, Paragraph) and b.heading]
        top = [b for b in headings if b.heading == level]
        if len(top) == 1 and headings and headings[0] is top[0] and len(headings) > 1:
            return plain([top[0]]), [b for b in blocks if b is not top[0]], level + 1
        title = self.document.properties.get("title", "")
        if title:
            return title, blocks, level
        warn(Location(self.document.file), f"no title (no Title paragraph, no title "
             f"property); the file's name {self.name!r} is the guide's title")
        return self.name, blocks, level

    # -- parts -----------------------------------------------------------------------------

    # -- subjects --------------------------------------------------------------------------

    def subjects(self, plan: Plan) -> list[Known]:
        """Write the subjects; return them as tables and lists may name them."""
        header = self._header_subjects(plan)
        found: list[tuple[Known, Part | None]] = []
        taken: list[str] = []
        for part in plan.subjects:
            name, short = self.names(part.title)
            sid = self._id(part, short, taken)
            taken.append(sid)
            found.append((Known(sid, short, name, part.title), part))
        if header:
            matched = match_subjects(header, [k for k, _ in found]) if found else None
            if matched is None:
                known = [k for k, _ in found]
                for text in header:
                    if not any(text.lower() in k.names() for k in known):
                        sid = make_id(text, taken)
                        taken.append(sid)
                        found.append((Known(sid, text, text), None))
        if not MIN_SUBJECTS <= len(found) <= MAX_SUBJECTS:
            raise ContentError.collect([Problem(Location(self.document.file), _count_problem(
                [k.short for k, _ in found]))])
        added = [k.short for k, part in found if part is None]
        if added:
            warn(Location(self.document.file), f"{', '.join(added)}: "
                 f"{'each heads' if len(added) > 1 else 'heads'} a column of a comparison but "
                 "has no part of its own; the summary says what to write")
        self.draft.data["subjects"] = [self.subject(n, known, part)
                                       for n, (known, part) in enumerate(found)]
        return [k for k, _ in found]

    def _header_subjects(self, plan: Plan) -> list[str]:
        """Return the subjects the first comparison table's header row names, if any."""
        for part in plan.comparisons:
            for table in part.tables():
                if table.rows and len(table.rows[0]) >= 3 and not table.merged:
                    texts = [plain(c.paragraphs) for c in table.rows[0][1:]]
                    from .comparisons import NOTE_HEADERS

                    return [t for t in texts if t and t.lower().rstrip(":") not in NOTE_HEADERS]
        return []

    def names(self, heading: str) -> tuple[str, str]:
        """Return the full and short name a subject's heading gives ("Name (SHORT)")."""
        pattern = re.escape(self.labels.texts.subject_heading).replace(
            re.escape("{name}"), "(?P<name>.+)").replace(re.escape("{short}"),
                                                         "(?P<short>[^()（）]+)")
        for candidate in (pattern, r"(?P<name>.+)\s*[(（](?P<short>[^()（）]+)[)）]",
                          r"(?P<short>[^\s:：–—]{1,12})\s*[:：–—]\s+(?P<name>.+)"):
            matched = re.fullmatch(candidate, heading)
            if matched:
                return matched.group("name").strip(), matched.group("short").strip()
        return heading, heading

    def _id(self, part: Part, short: str, taken: list[str]) -> str:
        marked = part.bookmark("subject_")
        derived = make_id(short, taken)
        if marked is None:
            return derived
        if re.sub(r"[^a-z0-9_]", "_", derived) == marked.lower():
            return derived  # the bookmark's _ stood for a -
        return make_id(marked.lower().replace("_", "-"), taken) if not re.fullmatch(
            r"[a-z][a-z0-9_]*", marked) or marked in taken else marked

    def subject(self, index: int, known: Known, part: Part | None) -> dict[str, Any]:
        """Return one subject's data from its part (or a summary to write, if none)."""
        path: Path_ = ("subjects", index)
        data: dict[str, Any] = {"id": known.id, "short": known.short, "name": known.name}
        if part is None:
            data["summary"] = Prose(_PLACEHOLDER.format(short=known.short))
            return data
        body, items, tail = _ending_list(part.blocks)
        for block in tail:
            self.draft.save_pictures(block, (*path, "summary"))
        groups: list[dict[str, Any]] = []
        for sub in part.parts:
            intro, group_items, tail = _ending_list(sub.blocks)
            for block in tail:
                self.draft.save_pictures(block, (*path, "groups", len(groups)))
            if not group_items:
                warn(sub.heading.location, f"the sub-part {sub.title!r} ends in no bullet "
                     "list, so it is no group; its title and text join the summary")
                self.draft.explained.add(sub.heading.location.line)
                body += [sub.heading, *sub.blocks]
                continue
            group: dict[str, Any] = {"title": sub.title}
            where = (*path, "groups", len(groups))
            text = self.draft.prose(intro, (*where, "intro"))
            if text:
                group["intro"] = text
            group["items"] = [self.draft.inline([p], (*where, "items")) for p in group_items]
            groups.append(group)
        summary = self.draft.prose(body, (*path, "summary"))
        if not summary and items:
            summary = self.draft.prose(items, (*path, "summary"))
            items = []
        if not summary:
            warn(part.heading.location, f"no text under the subject {known.short!r}; its "
                 "summary says what to write")
            summary = Prose(_PLACEHOLDER.format(short=known.short))
        data["summary"] = summary
        if items:
            data["responsibilities"] = [self.draft.inline([p], (*path, "responsibilities"))
                                        for p in items]
        if groups:
            data["groups"] = groups
        return data

    # -- comparisons and closing sections ----------------------------------------------------

    def comparisons(self, plan: Plan, subjects: list[Known]) -> None:
        """Write the comparisons: one per part or sub-part that holds one.

        The first part's heading is the comparisons' title, and its text their intro,
        unless its text is a comparison of its own (a table before its sub-parts).
        """
        mapper = Comparisons(self.draft, subjects, self.ours)
        found: list[dict[str, Any]] = []
        intro: list[Block] = []
        title = ""
        for number, part in enumerate(plan.comparisons):
            own = mapper.dimension(part.title, part.blocks, ("comparisons", len(found)))
            if own is not None:
                found.append(own)
            elif number == 0 and part.parts:
                title, intro = part.title, list(part.blocks)
            elif part.parts:
                warn(part.heading.location, f"a second part of comparisons, {part.title!r}: its "
                     "title and text join the comparisons' intro")
                self.draft.explained.add(part.heading.location.line)
                intro += [part.heading, *part.blocks]
            else:
                self._compares_nothing(part, intro)
            for dimension in part.parts:
                made = mapper.dimension(dimension.title, dimension.blocks,
                                        ("comparisons", len(found)))
                if made is None:
                    self._compares_nothing(dimension, intro)
                else:
                    found.append(made)
        if title and title != fill(self.labels.texts.comparing, subjects=self.labels.join(
                [s.short for s in subjects])):
            self.draft.data["comparisons_title"] = title
        text = self.draft.prose(intro, ("comparisons_intro",))
        if text:
            self.draft.data["comparisons_intro"] = text
        for made in found:
            if made.get("corner") == self.labels.texts.criterion:
                del made["corner"]
        if found:
            self.draft.data["comparisons"] = found

    def _compares_nothing(self, part: Part, intro: list[Block]) -> None:
        warn(part.heading.location, f"the part {part.title!r} compares nothing a guide can "
             "hold (no table or list naming the subjects); its title and text join the "
             "comparisons' intro")
        self.draft.explained.add(part.heading.location.line)
        intro += [part.heading, *part.flattened()]

    def closing(self, plan: Plan) -> None:
        """Write the closing sections, one per part after the comparisons."""
        sections: list[dict[str, Any]] = []
        for part in plan.closing:
            body = self.draft.prose(part.flattened(), ("sections", len(sections), "body"))
            if not body:
                warn(part.heading.location, f"the section {part.title!r} has no text, so it "
                     "is left out")
                continue
            sections.append({"title": part.title, "body": body})
        if sections:
            self.draft.data["sections"] = sections


# -- helpers ---------------------------------------------------------------------------------

def _pictures_left(kept: list[Block]) -> list[Block]:
    """Drop the pictures before a guidegen DOCX's title (the theme's logo) from ``kept``."""
    kept[:] = [b for b in kept if not (isinstance(b, Paragraph) and b.pictures
                                       and not b.text.strip())]
    return []


def _ending_list(blocks: Sequence[Block]) -> tuple[list[Block], list[Paragraph], list[Block]]:
    """Return ``blocks`` split before the bullet list they end in (one line per item).

    Paragraphs with no text after the list (a picture, an empty line) are the third part.
    """
    end = len(blocks)
    while end and _blank(blocks[end - 1]):
        end -= 1
    start = end
    while start > 0:
        block = blocks[start - 1]
        if not (isinstance(block, Paragraph) and block.list is not None
                and not block.list.ordered and block.list.level == 0 and not block.heading):
            break
        start -= 1
    items = [b for b in blocks[start:end] if isinstance(b, Paragraph)]
    return list(blocks[:start]), items, list(blocks[end:])


def _blank(block: Block) -> bool:
    return isinstance(block, Paragraph) and not block.text.strip()


def _table_as_part(blocks: list[Block], level: int) -> tuple[list[Block], list[Part]]:
    """Return a document without headings split before its first table, made a part.

    A document that is only a title, some text and a comparison table holds its
    subjects in the table's header row. The part's title is the short paragraph right
    before the table, if there is one, else "At a glance".
    """
    first = next((n for n, b in enumerate(blocks) if isinstance(b, Table) and b.rows), None)
    if first is None:
        return blocks, []
    before = blocks[first - 1] if first else None
    title = "At a glance"
    if isinstance(before, Paragraph) and 0 < len(before.text.strip()) <= 60 and \
            before.list is None and not before.text.strip().endswith("."):
        title, first = before.text.strip().rstrip(":："), first - 1
    table = blocks[first] if isinstance(blocks[first], Table) else blocks[first + 1]
    heading = Paragraph(table.location, "", (Run(title),), heading=level)
    start = first + 1 if isinstance(blocks[first], Paragraph) else first
    return blocks[:first], [Part(heading, blocks[start:])]


def _count_problem(shorts: list[str]) -> str:
    named = ", ".join(shorts) if shorts else "none"
    return (f"a guide compares {MIN_SUBJECTS} to {MAX_SUBJECTS} subjects, and this document "
            f"gives {len(shorts)} ({named}): each subject is a part under a Heading 1 of its "
            "own, or a column of a comparison table")


__all__ = ["Labels", "Part", "WordGuide", "report", "split"]
