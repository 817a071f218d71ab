"""Every table examgen writes for Excel keeps formulas out."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from examgen.spreadsheet import csv_bytes, safe_cell, xlsx_bytes

EVIL = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)",
        "\t=1"]


def test_a_cell_a_spreadsheet_would_evaluate_starts_with_an_apostrophe():
    assert all(str(safe_cell(v)).startswith("'") for v in EVIL)
    assert safe_cell("张三") == "张三"
    assert safe_cell(-2) == -2


def test_csv_is_utf8_with_bom_and_neutralized():
    data = csv_bytes([["应聘者"], *[[v] for v in EVIL]])
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "应聘者"
    assert all(line.lstrip('"').startswith("'") for line in lines[1:])


def test_xlsx_cells_are_text_never_formulas():
    book = load_workbook(io.BytesIO(xlsx_bytes([["姓名", "分数"], [EVIL[0], 5]])))
    sheet = book.active
    assert sheet["A2"].value == "'" + EVIL[0]
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 5
