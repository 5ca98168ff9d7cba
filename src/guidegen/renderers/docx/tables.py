"""Tables and labelled fields written into a python-docx document.

Each table's Word style, stripes and rows kept together come from its look in the style
sheet (``styles.yaml``), its column widths from the tree. Part of
:class:`~guidegen.renderers.docx.blocks.BlockWriter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.shared import Pt

from ...common.language import Language
from ...layout.widths import field_widths
from ...theme.resolve import FieldsLook
from ...tree import Cell, Fields, Table
from . import oxml
from .inlines import InlineWriter
from .pages import PageKeeper, keep_with_next
from .properties import add_text


class TableWriter(InlineWriter):
    """Adds tree tables and fields to a python-docx document, as Word tables."""

    language: Language
    pages: PageKeeper
    properties: dict[str, str]

    @property
    def _width(self) -> int:
        section = self.document.sections[-1]
        return int(section.page_width - section.left_margin - section.right_margin)

    def add_table(self, block: Table) -> None:
        """Add a table with a repeating header row, in the widths the tree gives."""
        table = self.document.add_table(rows=1 + len(block.rows), cols=len(block.head))
        look = self.styles.tables.get(block.role or "") or self.styles.tables["matrix"]
        table.style = self.document.styles[look.word]
        self.pages.table(block.source, table)
        oxml.set_table_look(table, banded_rows=look.stripes is not None)
        oxml.set_column_widths(table, _shares(self._width, block.widths))
        header = table.rows[0]
        oxml.mark_header_row(header)
        oxml.keep_row_together(header)
        cells = look.cells
        for cell, data in zip(header.cells, block.head, strict=True):
            self._cell(cell, data, cells.corner if data.role == "corner" else cells.head,
                       cells.row_note)
        for row, data_row in zip(table.rows[1:], block.rows, strict=True):
            oxml.keep_row_together(row)
            for cell, data in zip(row.cells, data_row, strict=True):
                self._cell(cell, data, cells.row_head if data.header else cells.body,
                           cells.row_note if data.header else cells.cell_note)
        for row in _kept_with_next(table.rows, look.keep_rows):
            keep_with_next(row)

    def _cell(self, cell: Any, data: Cell, role: str, note: str) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self.style(role)
        self.add_inlines(paragraph, data.inlines)
        self.add_key(paragraph, data.key)
        if data.note:
            noted = cell.add_paragraph(style=self.style(note))
            self.add_inlines(noted, data.note)
            self.add_key(noted, data.note_key)

    def add_fields(self, block: Fields) -> None:
        """Add labelled values as a table: labels above, each value in its column.

        Each column is as wide as its label or value needs, as the PDF's flowing row of
        fields (:func:`~guidegen.layout.widths.field_widths`). A role laid out in rows is
        written as rows instead (:meth:`add_field_rows`).
        """
        look = self.styles.fields.get(block.role or "") or self.styles.fields["control"]
        if look.layout == "rows":
            self.add_field_rows(block, look)
            return
        table = self._fields_table(look, 2, len(block.items))
        shares = field_widths(block.items, self.styles, self.language, block.role or "control")
        oxml.set_column_widths(table, _shares(self._width, shares))
        for row in table.rows:
            oxml.keep_row_together(row)
        for column, (label, value) in enumerate(block.items):
            for row, text, role in ((0, label, look.label), (1, value, look.value)):
                paragraph = table.rows[row].cells[column].paragraphs[0]
                paragraph.style = self.style(role)
                add_text(paragraph, text, self.properties if row else {})
            self.add_key(table.rows[1].cells[column].paragraphs[0], _key(block, column))

    def add_field_rows(self, block: Fields, rows: FieldsLook) -> None:
        """Add labelled values as rows: each label beside a line as wide as the page."""
        table = self._fields_table(rows, len(block.items), 2)
        label_width = int(Pt(rows.label_width))
        oxml.set_column_widths(table, [label_width, self._width - label_width])
        for index, (row, (label, value)) in enumerate(zip(table.rows, block.items,
                                                          strict=True)):
            oxml.keep_row_together(row)
            row.height, row.height_rule = Pt(rows.row_height), WD_ROW_HEIGHT_RULE.AT_LEAST
            for cell, text, role in zip(row.cells, (label, value), (rows.label, rows.value),
                                        strict=True):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
                cell.paragraphs[0].style = self.style(role)
                cell.paragraphs[0].add_run(text)
            self.add_key(row.cells[1].paragraphs[0], _key(block, index))

    def _fields_table(self, look: FieldsLook, rows: int, columns: int) -> Any:
        """Return a new table of ``rows`` by ``columns`` in the style of ``look``."""
        table = self.document.add_table(rows=rows, cols=columns)
        table.style = self.document.styles[look.word]
        oxml.set_table_look(table, first_row=False, banded_rows=False)
        return table


def _key(block: Fields, index: int) -> str:
    """Return the key of ``block``'s value ``index``, if it has one."""
    return block.keys[index] if index < len(block.keys) else ""


def _kept_with_next(rows: Sequence[Any], keep: int) -> list[Any]:
    """Return the rows of a table (header first) that Word keeps on the next row's page.

    The header and the first ``keep`` body rows hold together, and so do the last
    ``keep``: a split leaves at least ``keep`` rows on each side, a shorter table is whole.
    """
    if keep < 2:
        return []
    body = list(rows[1:])
    last = len(body) - 1
    kept = [index for index in range(len(body))
            if index < keep - 1 or last - keep < index < last]
    return [rows[0], *(body[index] for index in kept)]


def _shares(width: int, fractions: Sequence[float]) -> list[int]:
    """Return ``width`` (EMU) split in ``fractions``, the rounding left to the last."""
    widths = [int(width * fraction) for fraction in fractions[:-1]]
    return [*widths, width - sum(widths)]
