"""Word tables and lists → a guide's comparisons: matrices and per-subject dimensions.

A table whose header row names the subjects (or whose first column does: it is turned)
is a matrix: its first column the criteria, its cells marks (:mod:`.marks`) or short
text, a cell's further paragraphs its note, and a column headed "Notes" (in any of the
languages) the rows' notes. A two-column table whose first column names each subject
once, or a list whose items start with a subject's name and a colon (``QA: ...``, as
guidegen prints them), is a per-subject dimension. Anything else is not a comparison:
the caller keeps it as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .. import tree
from ..errors import warn
from .docx.inlines import inlines, trim
from .docx.model import Block, Cell, Paragraph, Run, Table
from .draft import Draft, plain
from .markdown import inline_markdown, markup_text
from .marks import FoundMark, read_mark
from .yamltext import Path_, Plain, Quoted

NOTE_HEADERS = {
    "note", "notes", "comment", "comments", "remark", "remarks", "anmerkung", "anmerkungen",
    "bemerkung", "bemerkungen", "hinweis", "hinweise", "kommentar", "remarque", "remarques",
    "nota", "notas", "note e commenti", "opmerking", "opmerkingen", "uwagi", "uwaga",
    "observação", "observações", "anmärkning", "anmärkningar", "bemærkning", "bemærkninger",
    "備考", "注記", "注", "备注", "注释", "说明",
}
EMPTY_CELL = "–"
_LEAD = r"\s*[:：–—-]\s*"


@dataclass(frozen=True)
class Known:
    """A subject as tables and lists may name it: its id, short name, full name, heading."""

    id: str
    short: str
    name: str
    heading: str = ""

    def names(self) -> list[str]:
        """Return the ways a table or list may name it, longest first."""
        found = {_key(n) for n in (self.short, self.name, self.heading, self.id) if n}
        return sorted(found, key=len, reverse=True)


def _key(text: str) -> str:
    return " ".join(text.split()).lower()


def match_subjects(texts: Sequence[str], subjects: Sequence[Known]) -> list[str] | None:
    """Return the subject id each of ``texts`` names, if they name every subject once."""
    found = []
    for text in texts:
        key = _key(text)
        matches = [s.id for s in subjects if key and key in s.names()]
        if len(matches) != 1:
            return None
        found.append(matches[0])
    return found if sorted(found) == sorted(s.id for s in subjects) else None


class Comparisons:
    """Maps a dimension's blocks onto a matrix or a per-subject comparison."""

    def __init__(self, draft: Draft, subjects: Sequence[Known], ours: bool) -> None:
        self.draft = draft
        self.subjects = list(subjects)
        self.ours = ours  # a guidegen DOCX: a mark is a run in a mark style

    def dimension(self, title: str, blocks: Sequence[Block], path: Path_
                  ) -> dict[str, Any] | None:
        """Return the comparison ``blocks`` make under ``title``, or None if they make none.

        The blocks before its table (or list) are its intro; those after it join the
        intro, with a warning, and a key to the marks after a table is left out (the
        build writes its own).
        """
        for index, block in enumerate(blocks):
            if isinstance(block, Table):
                found = self.table(block, path)
                if found is None:
                    continue
                return self._with_intro(title, found, blocks[:index],
                                        _after_table(blocks[index + 1:]), path)
        split = self.per_subject_list(blocks, path)
        if split is None:
            return None
        start, values = split
        return self._with_intro(title, {"kind": "per-subject", "values": values},
                                blocks[:start], [], path)

    def _with_intro(self, title: str, found: dict[str, Any], before: Sequence[Block],
                    after: Sequence[Block], path: Path_) -> dict[str, Any]:
        if after:
            warn(after[0].location, "text after a comparison's table, moved to its intro "
                 "(before the table)")
        data: dict[str, Any] = {"kind": found.pop("kind"), "title": title}
        intro = self.draft.prose([*before, *after], (*path, "intro"))
        if intro:
            data["intro"] = intro
        data.update(found)
        return data

    # -- tables ------------------------------------------------------------------------------

    def table(self, table: Table, path: Path_) -> dict[str, Any] | None:
        """Return ``table`` as a matrix or per-subject comparison, or None if it is neither."""
        if table.merged or table.nested or len(table.rows) < 2:
            return None
        rows = [[cell for cell in row] for row in table.rows]
        if len({len(row) for row in rows}) != 1:
            return None
        header = [plain(cell.paragraphs) for cell in rows[0]]
        notes = _notes_column(header)
        columns = [n for n in range(1, len(header)) if n != notes]
        ids = match_subjects([header[n] for n in columns], self.subjects)
        if ids is not None:
            return self.matrix(rows, header[0], dict(zip(columns, ids, strict=True)), notes,
                               path)
        first = [plain(row[0].paragraphs) for row in rows[1:]]
        ids = match_subjects(first, self.subjects)
        if ids is not None and len(header) > 2:
            warn(table.location, "a table with the subjects in its first column, turned so "
                 "that they head the columns")
            turned = [list(column) for column in zip(*rows, strict=True)]
            return self.matrix(turned, header[0], dict(enumerate(ids, start=1)), None, path)
        if len(header) == 2:
            for skip in (0, 1):
                ids = match_subjects([plain(row[0].paragraphs) for row in rows[skip:]],
                                     self.subjects)
                if ids is not None:
                    values = {sid: self.entry(row[1].blocks, (*path, "values", sid))
                              for sid, row in zip(ids, rows[skip:], strict=True)}
                    return {"kind": "per-subject", "values": _in_order(values, self.subjects)}
        return None

    def matrix(self, rows: list[list[Cell]], corner: str, columns: dict[int, str],
               notes: int | None, path: Path_) -> dict[str, Any]:
        """Return the matrix of ``rows`` (the first the header); ``columns`` maps to subjects."""
        data: dict[str, Any] = {"kind": "matrix"}
        if corner:
            data["corner"] = corner
        found: list[dict[str, Any]] = []
        for row in rows[1:]:
            here = (*path, "rows", len(found))
            texts = [plain(cell.paragraphs) for cell in row]
            if not any(texts):
                continue
            criterion = lines(row[0].paragraphs)
            if not texts[0]:
                warn(_where(row), "a row without a criterion (its first cell is empty), left "
                     "out")
                continue
            values = {columns[n]: self.cell(row[n], (*here, "values", columns[n]))
                      for n in sorted(columns)}
            entry: dict[str, Any] = {"criterion": plain(criterion[:1]),
                                     "values": _in_order(values, self.subjects)}
            note_parts = [p for p in criterion[1:] if p.text.strip()]
            if notes is not None:
                note_parts += [p for p in row[notes].paragraphs if p.text.strip()]
            if note_parts:
                entry["note"] = self.draft.inline(note_parts, (*here, "note"))
            found.append(entry)
        data["rows"] = found
        return data

    def cell(self, cell: Cell, path: Path_) -> Any:
        """Return a matrix cell: a mark, short text, or either with a note."""
        paragraphs = [p for p in lines(cell.paragraphs) if p.text.strip() or p.pictures]
        if not paragraphs:
            where = cell.blocks[0].location if cell.blocks else None
            if where is not None:
                warn(where, f"an empty matrix cell, written as {EMPTY_CELL!r}")
            return EMPTY_CELL
        first, rest = paragraphs[0], paragraphs[1:]
        mark = self.mark(first)
        note = self.draft.inline(rest, (*path, "note")) if rest else ""
        if mark is not None:
            value: str = Plain(mark.mark.value)
            note = note or (inline_markdown((tree.Text(mark.note),)).text if mark.note else "")
        else:
            value = text_cell(self.draft.inline([first], path))
        return {"value": value, "note": note} if note else value

    def mark(self, paragraph: Paragraph) -> FoundMark | None:
        """Return the mark ``paragraph`` holds; in guidegen's DOCX only a mark-styled one."""
        if self.ours and not any(run.style.startswith("Mark ") for run in paragraph.runs):
            return None
        return read_mark(paragraph.text)

    def entry(self, blocks: Sequence[Block], path: Path_) -> Any:
        """Return a per-subject entry: one line, or a list of lines."""
        paragraphs = [b for b in blocks if isinstance(b, Paragraph) and b.text.strip()]
        if len(paragraphs) == 1 and paragraphs[0].list is None:
            return self.draft.inline(paragraphs, path)
        return [self.draft.inline([p], path) for p in paragraphs]

    # -- lists ---------------------------------------------------------------------------------

    def per_subject_list(self, blocks: Sequence[Block], path: Path_
                         ) -> tuple[int, dict[str, Any]] | None:
        """Return where a per-subject list starts in ``blocks`` and its values, if they end in one.

        Each subject's item (a list item, or a paragraph) starts with its name and a
        colon; an item with only that is followed by the subject's lines, one level
        deeper.
        """
        entries: list[tuple[str, list[Paragraph]]] = []
        start = len(blocks)
        for index in range(len(blocks) - 1, -1, -1):
            block = blocks[index]
            if not isinstance(block, Paragraph) or block.heading:
                break
            if _blank(block):
                continue  # an empty line typed after an item, or a section break's paragraph
            if block.list is not None and block.list.level > 0:
                if not entries or entries[0][0] != "":
                    entries.insert(0, ("", []))
                entries[0][1].insert(0, block)
                continue
            sid = self._lead(block)
            if sid is None:
                break
            if entries and entries[0][0] == "":
                entries[0] = (sid, [block, *entries[0][1]])
            else:
                entries.insert(0, (sid, [block]))
            start = index
        if not entries or entries[0][0] == "" or sorted(s for s, _ in entries) != sorted(
                s.id for s in self.subjects):
            return None
        values = {sid: self._entry_value(sid, found, (*path, "values", sid))
                  for sid, found in entries}
        return start, _in_order(values, self.subjects)

    def _lead(self, paragraph: Paragraph) -> str | None:
        text = paragraph.text.lower()
        for subject in self.subjects:
            for name in subject.names():
                if re.match(re.escape(name) + _LEAD, text) or (
                        text.strip().rstrip(":：") == name and paragraph.list is not None):
                    return subject.id
        return None

    def _entry_value(self, sid: str, paragraphs: list[Paragraph], path: Path_) -> Any:
        lead, rest = paragraphs[0], paragraphs[1:]
        subject = next(s for s in self.subjects if s.id == sid)
        nodes = inlines(lead.runs, self.draft.changes)
        text = markup_text(nodes).lower()
        name = next((n for n in subject.names() if text.startswith(n)), "")
        matched = re.match(re.escape(name) + r"\s*[:：–—-]?\s*", text)
        line = trim(drop_prefix(nodes, matched.end() if matched else len(name)))
        self.draft.save_pictures(lead, path)
        if rest:
            lines = [self.draft.inline([p], path) for p in rest]
            if line:
                lines.insert(0, inline_markdown(line).text)
            return lines
        return inline_markdown(line).text


def lines(paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    """Return ``paragraphs`` split at their line breaks: a cell's value, then its note."""
    found: list[Paragraph] = []
    for paragraph in paragraphs:
        runs: list[Run] = []
        for run in paragraph.runs:
            parts = run.text.split("\n")
            for n, part in enumerate(parts):
                if n:
                    found.append(replace(paragraph, runs=tuple(runs)))
                    runs = []
                if part:
                    runs.append(replace(run, text=part))
        found.append(replace(paragraph, runs=tuple(runs),
                             pictures=paragraph.pictures if not found else ()))
    return found


def text_cell(text: str) -> str:
    """Return a matrix cell's text, quoted if it is one word (text, not a misspelt mark)."""
    return Quoted(text) if re.fullmatch(r"[^\W\d_]+", text) else text


def drop_prefix(nodes: Sequence[tree.Inline], count: int) -> list[tree.Inline]:
    """Return inline ``nodes`` without their first ``count`` characters of text."""
    result: list[tree.Inline] = []
    for node in nodes:
        if count <= 0:
            result.append(node)
            continue
        if isinstance(node, tree.Text | tree.Code):
            kept = node.text[count:]
            count -= len(node.text)
            if kept:
                result.append(type(node)(kept))
        elif isinstance(node, tree.LineBreak):
            count -= 1
        else:
            size = len(markup_text(node.children))
            children = drop_prefix(node.children, count)
            count -= size
            if isinstance(node, tree.Link) and children:
                result.append(tree.Link(node.href, tuple(children)))
            elif isinstance(node, tree.Span) and children:
                result.append(tree.Span(node.role, tuple(children)))
            elif isinstance(node, tree.Strong | tree.Emph) and children:
                result.append(type(node)(tuple(children)))
    return result


def _notes_column(header: list[str]) -> int | None:
    """Return the index of a notes column (not the first), if the header has one."""
    for n in range(len(header) - 1, 0, -1):
        if _key(header[n]).rstrip(":") in NOTE_HEADERS:
            return n
    return None


def _in_order(values: dict[str, Any], subjects: Sequence[Known]) -> dict[str, Any]:
    return {s.id: values[s.id] for s in subjects if s.id in values}


def _after_table(blocks: Sequence[Block]) -> list[Block]:
    """Return the blocks after a table but its key to the marks (the build writes one)."""
    found = list(blocks)
    if found and isinstance(found[0], Paragraph) and _is_key(found[0]):
        found = found[1:]
    return [b for b in found if not _blank(b)]


def _blank(block: Block) -> bool:
    """Return whether ``block`` is a paragraph with no text and no picture."""
    return isinstance(block, Paragraph) and not block.text.strip() and not block.pictures


def _is_key(paragraph: Paragraph) -> bool:
    """Return whether ``paragraph`` is a key to the marks (``Key: ✓ Yes · — No``)."""
    if paragraph.style.lower() == "legend":
        return True
    from ..theme.locales import catalogue_tags, load_catalogue

    text = paragraph.text.strip()
    for tag in catalogue_tags().values():
        legend = load_catalogue(tag).labels.legend
        if text.lower().startswith(legend.lower()) and read_mark(
                re.split(r"[·,;]", text[len(legend):].lstrip(":： "))[0]) is not None:
            return True
    return False


def _where(row: Sequence[Cell]) -> Any:
    return next(b.location for cell in row for b in cell.blocks)


__all__ = ["Comparisons", "Known", "drop_prefix", "match_subjects", "text_cell"]
