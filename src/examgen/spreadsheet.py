"""Tables that HR opens in Excel: CSV (UTF-8 with BOM) and .xlsx, safe from formula injection.

A cell a spreadsheet would evaluate (it starts with = + - @, a tab or a carriage return) is
written with a leading apostrophe, so a candidate named `=HYPERLINK(…)` stays text. Numbers
stay numbers: only text cells are neutralized.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

Cell = str | int | float | None
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Cell) -> Cell:
    """The value as a spreadsheet will show it, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(rows: Sequence[Sequence[Cell]]) -> bytes:
    """Rows as CSV that Excel opens with Chinese intact (UTF-8 with BOM, CRLF)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else safe_cell(c) for c in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: Sequence[Sequence[Cell]], title: str = "Sheet1") -> bytes:
    """Rows as an .xlsx workbook with one sheet; text cells are stored as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([safe_cell(c) for c in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
