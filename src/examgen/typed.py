"""Ratings typed into a spreadsheet: the template HR fills in, and reading it back.

One row per paper × interviewer, one column per question number, and the recommendation.
A blank cell means "not entered yet" and stores nothing (so a half-filled sheet can be
imported now and again later); `未评` (or `-`, as `scores set` takes it) stores an explicit
"not rated". A row with any bad
cell stores nothing at all, so a typo never leaves half a row behind.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ExamgenError
from .history import History, PaperRecord
from .readings import RECOMMENDATION, Reading, Stored, readings, store
from .render import RECOMMENDATIONS
from .spreadsheet import csv_bytes, xlsx_bytes

NOT_RATED = "未评"
HEAD = ["应聘者", "试卷编号", "面试官编号", "面试官"]
REC_HEAD = "推荐意见"
QUESTION_HEAD = re.compile(r"^\s*(?:第\s*)?(\d+)\s*(?:题)?\s*$")
HEADERS = {"试卷编号": "paper", "paper": "paper", "paper id": "paper",
           "面试官编号": "interviewer", "interviewer": "interviewer",
           "推荐意见": "recommendation", "推荐": "recommendation",
           "recommendation": "recommendation"}
SUFFIXES = (".xlsx", ".csv")
DEFAULT_INTERVIEWERS = 2


def interviewer_names(record: PaperRecord, default_count: int) -> list[str]:
    """The paper's interviewers as recorded at build time, else 面试官1…N."""
    return list(record.interviewers) or [f"面试官{n}" for n in range(1, default_count + 1)]


def template_rows(history: History, records: list[PaperRecord],
                  interviewers: int = DEFAULT_INTERVIEWERS) -> list[list]:
    """The sheet: a header, then one row per paper × interviewer; ratings already in the
    history are filled in, so the sheet also shows what is stored."""
    width = max((len(r.questions) for r in records), default=0)
    header = HEAD + [f"第{n}题" for n in range(1, width + 1)] + [REC_HEAD]
    stored = {r.key: r.value for r in readings(history, [r.id for r in records])}
    rows: list[list] = [header]
    for rec in records:
        for number, name in enumerate(interviewer_names(rec, interviewers), start=1):
            cells: list = [rec.candidate, rec.id, number, name]
            for q in range(1, width + 1):
                value = stored.get((rec.id, number, str(q)), "") if q <= len(
                    rec.questions) else ""
                cells.append(_shown(value))
            cells.append(stored.get((rec.id, number, RECOMMENDATION)) or "")
            rows.append(cells)
    return rows


def _shown(value: str | None) -> int | str:
    if value is None:
        return NOT_RATED
    return int(value) if value.isdigit() else value


def template_bytes(rows: list[list], path: Path) -> bytes:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _with_choices(xlsx_bytes(rows, title="评分录入"), len(rows[0]), len(rows))
    if suffix == ".csv":
        return csv_bytes(rows)
    raise ExamgenError("评分表只能是 .xlsx 或 .csv 文件", path)


def _with_choices(data: bytes, width: int, height: int) -> bytes:
    """The workbook with drop-down lists (1–5 or 未评; the four recommendations) on the cells
    HR types in, the header frozen and readable column widths, so typos are caught in Excel."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    sheet.freeze_panes = "E2"
    last = get_column_letter(width)
    if height > 1:
        ratings = DataValidation(type="list", formula1=f'"1,2,3,4,5,{NOT_RATED}"',
                                 allow_blank=True, showErrorMessage=True,
                                 errorTitle="评分", error=f"请填 1–5 的整数或“{NOT_RATED}”")
        ratings.add(f"E2:{get_column_letter(width - 1)}{height}")
        labels = DataValidation(type="list", formula1=f'"{",".join(RECOMMENDATIONS)}"',
                                allow_blank=True, showErrorMessage=True,
                                errorTitle="推荐意见", error="请从列表中选择")
        labels.add(f"{last}2:{last}{height}")
        sheet.add_data_validation(ratings)
        sheet.add_data_validation(labels)
    for col, size in ((1, 12), (2, 22), (3, 10), (4, 12), (width, 12)):
        sheet.column_dimensions[get_column_letter(col)].width = size
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class ImportResult:
    rows: int = 0  # data rows read (blank rows not counted)
    stored: Stored = field(default_factory=Stored)
    errors: list[str] = field(default_factory=list)  # one line per bad row (or cell)


def read_table(path: Path) -> list[list[str]]:
    """Every row of the file's first sheet as stripped text."""
    if not path.is_file():
        raise ExamgenError("评分表文件不存在", path)
    from .spreadsheet import read_rows

    if path.suffix.lower() in (".xlsx", ".csv"):
        return [[_text(c) for c in row] for _, row in read_rows(path, "评分表")]
    if path.suffix.lower() in (".xls", ".xlsm", ".ods"):
        list(read_rows(path, "评分表"))  # says .xls is not read, and what to do instead
    raise ExamgenError("评分表只能是 .xlsx 或 .csv 文件", path)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class _Columns:
    paper: int
    interviewer: int
    questions: dict[int, int]  # column index → question number
    recommendation: int | None


def _columns(header: list[str], path: Path) -> _Columns:
    found: dict[str, int] = {}
    questions: dict[int, int] = {}
    for i, name in enumerate(header):
        key = HEADERS.get(name.strip().lower())
        if key:
            found.setdefault(key, i)
        elif m := QUESTION_HEAD.match(name):
            questions[i] = int(m.group(1))
    missing = [label for key, label in (("paper", "试卷编号"), ("interviewer", "面试官编号"))
               if key not in found]
    if missing:
        raise ExamgenError(f"第一行缺少“{'”“'.join(missing)}”列（请用 examgen scores "
                           "template 生成的表格）", path, 1)
    return _Columns(found["paper"], found["interviewer"], questions,
                    found.get("recommendation"))


def parse_ratings(history: History, path: Path, *, replace: bool = False
                  ) -> tuple[list[Reading], list[str], int]:
    """(readings of the good rows, one error line per bad row, data rows read)."""
    table = read_table(path)
    if not table:
        raise ExamgenError("评分表是空的", path)
    cols = _columns(table[0], path)
    records: dict[str, PaperRecord | None] = {}
    stored: dict[tuple[str, int, str], Reading] = {}
    taken: dict[tuple[str, int, str], tuple[str | None, int]] = {}  # key → (value, row)
    good: list[Reading] = []
    errors: list[str] = []
    rows = 0
    for line, row in enumerate(table[1:], start=2):
        row = row + [""] * (len(table[0]) - len(row))
        if not any(row):
            continue
        rows += 1
        problems: list[str] = []
        paper_id = row[cols.paper].strip()
        if paper_id not in records:
            try:
                records[paper_id] = history.get(paper_id) if paper_id else None
            except ExamgenError:
                records[paper_id] = None
            if records[paper_id] is not None:
                stored.update({r.key: r for r in readings(history, [paper_id])})
        record = records[paper_id]
        if record is None:
            errors.append(_line(path, line, f"历史记录中没有试卷“{paper_id}”" if paper_id
                                else "没有填试卷编号"))
            continue
        raw = row[cols.interviewer].strip()
        names = record.interviewers
        if not raw.isdigit() or int(raw) < 1:
            errors.append(_line(path, line, f"面试官编号“{raw}”应为 1、2、3 这样的数字"))
            continue
        interviewer = int(raw)
        if names and interviewer > len(names):
            errors.append(_line(path, line, f"试卷 {paper_id} 只有 {len(names)} 位面试官，"
                                            f"没有第 {interviewer} 位"))
            continue
        cells: list[tuple[str, str | None, str]] = []  # (question, value, label)
        for col, number in cols.questions.items():
            text = row[col].strip()
            if not text:
                continue
            label = f"第 {number} 题"
            if number > len(record.questions):
                problems.append(f"{label}：试卷 {paper_id} 只有 {len(record.questions)} 道题")
            elif text in (NOT_RATED, "-", "'-"):
                cells.append((str(number), None, label))
            elif text in ("1", "2", "3", "4", "5"):
                cells.append((str(number), text, label))
            else:
                problems.append(f"{label}的评分“{text}”应为 1–5 的整数（或“{NOT_RATED}”）")
        if cols.recommendation is not None and (text := row[cols.recommendation].strip()):
            if text in RECOMMENDATIONS:
                cells.append((RECOMMENDATION, text, "推荐意见"))
            else:
                problems.append(f"推荐意见“{text}”应为{'、'.join(RECOMMENDATIONS)}之一")
        row_readings = []
        for question, value, label in cells:
            key = (paper_id, interviewer, question)
            old = stored.get(key)
            if old is not None and old.value != value and not replace:
                problems.append(f"{label}已记录为“{_shown(old.value)}”（来源：{old.source}"
                                f"{' ' + old.file if old.file else ''}），表中为“{_shown(value)}”"
                                "；以表格为准请加 --replace")
            earlier = taken.get(key)
            if earlier is not None and earlier[0] != value:
                problems.append(f"{label}与第 {earlier[1]} 行不一致")
            row_readings.append(Reading(paper_id, interviewer, question, value, "typed",
                                        str(path.name)))
        if problems:
            errors.append(_line(path, line, "；".join(problems)))
            continue
        for r in row_readings:
            taken.setdefault(r.key, (r.value, line))
        good += row_readings
    return good, errors, rows


def _line(path: Path, line: int, message: str) -> str:
    return f"{path.name} 第 {line} 行：{message}"


def import_ratings(history: History, path: Path, *, replace: bool = False) -> ImportResult:
    """Store the good rows in one transaction and report the bad ones, a line each."""
    good, errors, rows = parse_ratings(history, path, replace=replace)
    result = ImportResult(rows=rows, errors=errors)
    result.stored = store(history, good, replace=replace)
    for kept, offered in result.stored.conflicts:
        # Stored by someone else between reading the file and storing it: theirs stays.
        result.errors.append(f"{path.name}：试卷 {kept.paper} 面试官 {kept.interviewer} "
                             f"第 {kept.question} 题刚被另一来源记录为“{_shown(kept.value)}”，"
                             f"表中为“{_shown(offered.value)}”；以表格为准请加 --replace")
    return result
