"""Tables: rows that repeat or keep together, the table style's parts that apply, widths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def mark_header_row(row: Any) -> None:
    """Flag ``row`` to repeat at the top of every page the table runs onto."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row: Any) -> None:
    """Flag ``row`` so that Word never splits it across pages."""
    _row_flag(row, "w:cantSplit")


def _row_flag(row: Any, tag: str) -> None:
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn(tag)) is None:
        properties.append(OxmlElement(tag))


def set_table_look(table: Any, *, first_row: bool = True, banded_rows: bool = True) -> None:
    """Tell Word which conditional parts of the table style apply."""
    tbl_pr = table._tbl.tblPr
    look = tbl_pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        tbl_pr.append(look)
    values = {"w:firstRow": first_row, "w:lastRow": False, "w:firstColumn": False,
              "w:lastColumn": False, "w:noHBand": not banded_rows, "w:noVBand": True}
    for key, value in values.items():
        look.set(qn(key), "1" if value else "0")
    flags = (0x20 if first_row else 0) | (0 if banded_rows else 0x200) | 0x400
    look.set(qn("w:val"), f"{flags:04X}")


def set_column_widths(table: Any, widths: Sequence[int]) -> None:
    """Fix the table's layout to ``widths`` (EMU) on the grid and in every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width
