"""What a reviewed DOCX changes in its guide: the edits, value by value.

Each value of the guide the reviewed DOCX shows differently (compared as
:class:`~.lines.Line` s, so that only a reviewer's change counts, never how Word wrote
the same thing) is read back from its paragraphs (:mod:`.values`). Changes of structure
are applied where their place is clear (:mod:`.body`): a list item added or removed, a
closing section added or removed, a matrix row added or removed, a note added or
removed, a mark changed. What is not clear is a located warning, and the guide keeps
what it had there. The edits found and the warnings go through :mod:`.reviewbase`,
which the tables (:mod:`.tables`) share.
"""

from __future__ import annotations

import re

from ...common.yamlsource import format_path
from ...errors import Location, warn
from ..docx.model import Paragraph
from ..yamltext import Path_
from .body import is_item, is_markdown, parse_key
from .edits import Edit
from .expected import Para, TableSlot
from .found import FoundPara, line_of
from .reviewbase import ReviewBase
from .tables import Table
from .values import NotAppliedError, strip_caption

# lists whose whole items (a mapping) are removed when all their text is
REMOVABLE = ("sections", "groups", "rows", "comparisons")


class Review(ReviewBase):
    """Works out the edits a reviewed DOCX makes to one guide."""

    def run(self) -> list[Edit]:
        """Return the edits (and warn about what is not applied)."""
        paras: dict[str, list[Para]] = {}
        for item in self.expected.body:
            if isinstance(item, Para) and item.key:
                paras.setdefault(item.key, []).append(item)
        for key, found in self.matched.assigned.items():
            found.sort(key=lambda p: p.paragraph.location.line or 0)
            try:
                self.value(key, paras[key], found)
            except NotAppliedError as why:
                self.unapplied(found[0].paragraph.location, key, str(why))
        self.inserts()
        for table in self.expected.tables():
            self.table(table)
        self.deletions()
        self.report()
        return self.edits

    # -- values ---------------------------------------------------------------------------

    def value(self, key: str, expected: list[Para], found: list[FoundPara]) -> None:
        """Add the edit of the value ``key`` if its paragraphs ``found`` say something else."""
        path = parse_key(key)
        words = [strip_caption(found[0], expected[0].caption, self.changes),
                 *(p.paragraph for p in found[1:])]
        lines = [line_of(paragraph, self.changes) for paragraph in words]
        where = found[0].paragraph.location
        if not "".join(line.text for line in lines).strip():
            if "".join(para.line.text for para in expected).strip():
                self.delete(key, where)
            return
        if expected[0].heading:
            if lines[0].same_text(expected[0].line) and len(lines) == 1:
                return
            if len(lines) > 1:
                raise NotAppliedError("a heading split into several paragraphs")
            self.heading_edit(path, self.values.plain(words[0]), where)
        elif is_markdown(key):
            if lines != [para.line for para in expected]:
                self.set(path, self.values.markdown(path, str(self._old(path) or ""), words,
                                                    lines), where)
        elif is_item(key):
            if lines[0].place is None and expected[0].line.place is not None:
                raise NotAppliedError("a list item is no longer in the list")
            if lines[0] != expected[0].line:
                self.set(path, self.values.inline(path, words[0]), where)
            extra = found[1:]
            if extra and all(p.line.place is not None for p in extra):
                for paragraph in extra:
                    self.insert(path[:-1], int(path[-1]) + 1, paragraph.paragraph)
            elif extra:
                raise NotAppliedError("a list item continued by paragraphs outside the list")
        elif len(lines) > 1:
            raise NotAppliedError("one line of the guide split into several paragraphs")
        elif not expected[0].line.text and lines[0].text:
            raise NotAppliedError("text after a subject's name that heads a list of lines")
        elif path[-2:-1] == ("values",) or path[-1] == "note":
            if lines[0] != expected[0].line:
                self.set(path, self.values.inline(path, words[0]), where)
        elif not lines[0].same_text(expected[0].line):
            self.set(path, self.values.plain(words[0]), where)

    def heading_edit(self, path: Path_, text: str, where: Location) -> None:
        """Edit a heading's value; a subject's gives its name and short name."""
        if path[0] != "subjects" or path[-1] != "name":
            self.set(path, text, where)
            return
        subject = self.guide.subjects[int(path[1])]
        if subject.short == subject.name:
            self.set(path, text, where)
            return
        pattern = re.escape(self.heading).replace(re.escape("{name}"), "(?P<name>.+)").replace(
            re.escape("{short}"), "(?P<short>.+?)")
        matched = re.fullmatch(pattern, text)
        if matched is None:
            raise NotAppliedError(f"a subject's heading reads {self.heading!r}; this one does not")
        self.set(path, matched.group("name").strip(), where)
        self.set((*path[:-1], "short"), matched.group("short").strip(), where)

    # -- structure ----------------------------------------------------------------------------

    def inserts(self) -> None:
        """Add the new list items and closing sections the body matched."""
        for insert in self.matched.inserts:
            for paragraph in insert.paragraphs:
                self.insert(insert.path, insert.index, paragraph.paragraph)
        for section in self.matched.sections:
            path: Path_ = ("sections", section.index)
            body = [p.paragraph for p in section.paragraphs]
            value = {"title": self.values.plain(section.heading.paragraph),
                     "body": self.values.markdown(path, "", body, [line_of(p, self.changes)
                                                                   for p in body])}
            self.edits.append(Edit("insert", ("sections",), value, section.index,
                                   section.heading.paragraph.location))

    def insert(self, path: Path_, index: int, paragraph: Paragraph) -> None:
        """Add a new item (one line of Markdown) to the list at ``path``, before ``index``."""
        value = self.values.inline((*path, index), paragraph)
        if value:
            self.edits.append(Edit("insert", path, value, index, paragraph.location))

    def deletions(self) -> None:
        """Delete the values whose text is gone, where the guide can do without them."""
        deleted = set(self.matched.deleted)
        removed: set[Path_] = set()
        for key in self.matched.deleted:
            path = parse_key(key)
            whole = self._whole(path, deleted)
            if whole is not None:
                if whole not in removed:
                    removed.add(whole)
                    self.edits.append(Edit("delete", whole))
                continue
            self.delete(key, None)

    def _whole(self, path: Path_, deleted: set[str]) -> Path_ | None:
        """Return the list item (a section, a row) all of whose text is gone, if ``path``'s."""
        for end in range(len(path) - 1, 0, -1):
            if isinstance(path[end], int) and path[end - 1] in REMOVABLE:
                item = path[:end + 1]
                prefix = format_path(item)
                keys = [k for k in self.expected.all_keys() if k.startswith(prefix + ".")]
                tables = [t for t in self.expected.tables() if t.owner == prefix]
                if all(k in deleted for k in keys) and not any(
                        t.owner in self.matched.tables for t in tables):
                    return item
        return None

    # -- tables -------------------------------------------------------------------------------

    def table(self, slot: TableSlot) -> None:
        """Add the edits of one of the guide's tables (a matrix, the control block)."""
        found = self.matched.tables.get(slot.owner)
        if found is None:
            if slot.owner and not self._removed(slot.owner):
                self.unapplied(None, slot.owner, "its table is not in the DOCX")
            return
        Table(self, slot, found).run()

    def _removed(self, owner: str) -> bool:
        path = parse_key(owner)
        return any(e.action == "delete" and e.path == path for e in self.edits) or \
            self._whole((*path, "title"), set(self.matched.deleted)) is not None

    # -- helpers ----------------------------------------------------------------------------

    def report(self) -> None:
        """Warn about the paragraphs with no place, moved ones, and values left as they were."""
        for paragraph, why in self.matched.unplaced:
            warn(paragraph.paragraph.location, f"{why}; not applied")
        for paragraph in self.matched.moved:
            warn(paragraph.paragraph.location, "was moved; the guide keeps its order (an "
                 "edit of its text is applied)", paragraph.key)
        for key in dict.fromkeys(self.matched.kept):
            self.unapplied(None, key, "its paragraphs are not in the DOCX, and what is in "
                           "their place cannot be matched with them")
        for table in self.matched.strangers:
            warn(table.table.location, "a table that is not one of the guide's; not applied")


__all__ = ["Review"]
