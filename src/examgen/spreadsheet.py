"""Tables that HR opens in Excel: CSV (UTF-8 with BOM) and .xlsx, safe from formula injection.

A cell a spreadsheet would evaluate (it starts with = + - @, a tab or a carriage return) is
written with a leading apostrophe, so a candidate named `=HYPERLINK(…)` stays text. Numbers
stay numbers: only text cells are neutralized.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import ExamgenError

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


# ---------------------------------------------------------------- reading tables users give us


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_rows(path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
    """(line or row number, cells as text) of a CSV (UTF-8, with or without BOM) or of the
    first sheet of an .xlsx file, read defensively: too big, too many rows, a cell too long,
    a quote left open (a cell spanning lines), a damaged or bomb .xlsx, an .xls: each is an
    ExamgenError naming the file (and the line), raised before the expensive part."""
    from . import limits

    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods", ".numbers"):
        raise ExamgenError(f"不支持 {suffix} 格式的{what}；请在 Excel 中另存为 .xlsx 或“CSV UTF-8”",
                           path)
    limits.check_file_size(path, limits.MAX_TABLE_FILE_BYTES, what)
    if suffix == ".xlsx":
        yield from _xlsx_rows(path, what)
    else:
        yield from _csv_rows(path, what)


def _too_many(path: Path, what: str) -> ExamgenError:
    from .limits import MAX_TABLE_ROWS

    return ExamgenError(f"{what}超过 {MAX_TABLE_ROWS} 行，请分成几份", path)


def _csv_rows(path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the row, cells); a quote left open is an error, not a merged row."""
    from . import limits

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        excel = path.read_bytes()[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
        hint = "（看起来是 Excel 文件，请另存为 .xlsx 或“CSV UTF-8”）" if excel else \
            "（请在 Excel 中另存为“CSV UTF-8”）"
        raise ExamgenError(f"{what}不是 UTF-8 编码{hint}", path) from None
    except OSError as exc:
        raise ExamgenError(f"无法读取{what}：{exc.strerror}", path) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = "某个字段太长" if "field larger" in str(exc) else f"CSV 格式错误（{exc}）"
            raise ExamgenError(reason, path, line) from None
        if reader.line_num > limits.MAX_TABLE_ROWS:
            raise _too_many(path, what)
        for cell in row:
            if "\n" in cell or "\r" in cell:
                raise ExamgenError("这一行的某个字段跨了多行（多半是引号 \" 没有配对），"
                                   f"内容：{limits.excerpt(cell)}", path, line)
            if len(cell) > limits.MAX_CELL_CHARS:
                raise ExamgenError(f"某个字段太长（{len(cell)} 个字符）", path, line)
        yield line, row
        line = reader.line_num + 1


def _xlsx_rows(path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    from . import limits

    limits.check_zip(path, what="Excel 文件")
    book = None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if number > limits.MAX_TABLE_ROWS:
                raise _too_many(path, what)
            cells = [_cell_text(v) for v in row]
            for cell in cells:
                if len(cell) > limits.MAX_CELL_CHARS:
                    raise ExamgenError(f"某个单元格太长（{len(cell)} 个字符）", path, number)
            yield number, cells
    except ExamgenError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ExamgenError(f"无法读取 Excel 文件，文件可能已损坏（{type(exc).__name__}）",
                           path) from None
    finally:
        if book is not None:
            book.close()
