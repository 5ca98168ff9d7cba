"""A controlled document's printed control: its status, watermark and control block.

What a guide's (or a packet's) ``document`` block prints beyond the title block's
number and version: the status in the guide's language, the watermark across every page
of a document not in force (:func:`watermark`), and the document-control block
(:func:`control_section`): supersedes, review due, the approvals table and the revision
history, newest first. Where the block goes (after the title block, or at the end) is
the theme's ``document_control``; how its tables look is the style sheet's
(``tables.approvals``, ``tables.history``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any

from ..common.yamlsource import format_path
from ..content.control import version_key, watermarked
from ..errors import Location
from ..theme import Templates
from ..tree import Block, Cell, Fields, Heading, Section, Table, Text
from ..tree.roles import TableRole
from .labels import Labels
from .widths import whole_column

Locate = Callable[..., Location | None]
EMPTY = "—"  # a cell with nothing to say


def status_text(labels: Labels, status: str | None) -> str:
    """Return ``status`` ("in-review") as the document's language says it ("In review")."""
    if status is None:
        return ""
    return str(getattr(labels.texts, "status_" + status.replace("-", "_")))


def watermark(labels: Labels, document: Any) -> str:
    """Return what ``document`` prints across every page ("DRAFT — NOT FOR TRAINING USE").

    Empty for a document in force (effective), or one without a status.
    """
    status = watermarked(document)
    return "" if status is None else str(getattr(labels.texts,
                                                 "watermark_" + status.replace("-", "_")))


def source_files(*models: Any) -> tuple[tuple[str, bytes], ...]:
    """Return the YAML files ``models`` (guides, packets) were read from: name and bytes.

    A model made from text rather than a file (an imported guide not yet written) has
    none.
    """
    found = []
    for model in models:
        source = getattr(model, "_source", None)
        if source is not None and source.raw:
            found.append((PurePath(source.file).name, source.raw))
    return tuple(dict.fromkeys(found))


def styled_columns(templates: Templates, role: TableRole, count: int) -> tuple[float, ...]:
    """Return the column shares of a ``role`` table of ``count`` columns: the style sheet's.

    Equal shares when the style sheet gives none, or not as many.
    """
    columns = templates.styles.tables[role].columns
    return columns if columns and len(columns) == count else (1 / count,) * count


def control_section(document: Any, labels: Labels, templates: Templates, locate: Locate,
                    at: tuple[str, ...] = ("guide", "document")) -> Section | None:
    """Return the document-control block of ``document``, or None if it has nothing to add.

    Its heading, then what the title block does not say (status, supersedes, review
    due), the approvals and the revision history (newest first).
    """
    if document is None or not (document.approvals or document.history or
                                document.supersedes or document.review_due):
        return None
    texts = labels.texts

    def key(*path: str | int) -> str:
        return format_path((*at, *path))

    fields = [(texts.status, status_text(labels, document.status), key("status"))]
    if document.supersedes:
        fields.append((texts.supersedes, document.supersedes, key("supersedes")))
    if document.review_due:
        fields.append((texts.review_due, labels.date(document.review_due), key("review_due")))
    children: list[Block] = [
        Heading(2, texts.document_control, "document-control", source=locate(*at))]
    shown = [(label, value, name) for label, value, name in fields if value]
    if shown:
        children.append(Fields(tuple((label, value) for label, value, _ in shown), "control",
                               tuple(name for _, _, name in shown), source=locate(*at)))
    if document.approvals:
        rows = [((a.role, a.name or "", labels.date(a.date) if a.date else "", a.meaning or ""),
                 key("approvals", n)) for n, a in enumerate(document.approvals)]
        children += [Heading(3, texts.approvals, "approvals", source=locate(*at, "approvals")),
                     _table((texts.approval_role, texts.approval_name, texts.approval_date,
                             texts.approval_meaning), ("role", "name", "date", "meaning"),
                            rows, "approvals", templates, labels, locate(*at, "approvals"))]
    if document.history:
        history = sorted(enumerate(document.history), key=lambda r: version_key(r[1].version),
                         reverse=True)
        revisions = [((r.version, labels.date(r.date), r.author or "", r.change,
                       r.change_control or "", r.approver or ""), key("history", n))
                     for n, r in history]
        children += [Heading(3, texts.revision_history, "revision-history",
                             source=locate(*at, "history")),
                     _table((texts.revision_version, texts.revision_date,
                             texts.revision_author, texts.revision_change,
                             texts.revision_change_control, texts.revision_approver),
                            ("version", "date", "author", "change", "change_control",
                             "approver"), revisions, "history", templates, labels,
                            locate(*at, "history"))]
    # the heading, status and approvals kept on one page; the history may start the next
    head = len(children) - (2 if document.history else 0)
    kept = Section(tuple(children[:head]), role="control-approvals", source=locate(*at))
    return Section((kept, *children[head:]), role="document-control", source=locate(*at))


def _table(head: Sequence[str], names: Sequence[str],
           rows: Sequence[tuple[Sequence[str], str]], role: TableRole, templates: Templates,
           labels: Labels, source: Location | None) -> Table:
    """Return a table of ``role`` with ``head`` over ``rows``, each row headed by its first.

    Each row is its texts and the key of its record; a cell's key is the record's field
    of ``names``. An empty value prints :data:`EMPTY` and has no key (Word would move the
    bookmark of an empty cell out of it). The ``date`` column is as wide as its dates
    need to stay whole.
    """
    cells = tuple(Cell((Text(text),), header=True, role="corner" if n == 0 else None)
                  for n, text in enumerate(head))
    dated = names.index("date")
    columns = whole_column(styled_columns(templates, role, len(head)), dated,
                           [row[dated] for row, _ in rows], templates.styles, role,
                           labels.language)
    body = tuple(tuple(Cell((Text(text or EMPTY),), header=n == 0,
                            key=f"{record}.{name}" if text else "")
                       for n, (text, name) in enumerate(zip(row, names, strict=True)))
                 for row, record in rows)
    return Table(cells, body, columns, role=role, source=source)
