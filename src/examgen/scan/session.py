"""A scan run: files → pages → readings in the history, review crops on disk, a report.

Each page is stored on its own (one transaction), so a bad page costs only itself; the
history decides what is new, unchanged or a conflict (readings.store).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import layout
from ..errors import ExamgenError
from ..grading import WrittenGrade, choice_keys, grade
from ..history import History
from ..atomic import write_atomically
from ..readings import GRID, RECOMMENDATION, Reading, ReviewItem, add_review, readings, store
from .bubbles import REASONS
from .raster import RasterError, read_pages
from .reader import PageError, PageRead, read_page

REVIEW_FOLDER = "review"  # beside the scans when --review is not given


@dataclass
class PageResult:
    file: str
    page: int | None
    paper: str | None = None
    interviewer: int | None = None
    status: str = "read"  # read | unchanged | conflict | error

    def to_json(self) -> dict:
        return {"file": self.file, "page": self.page, "paper": self.paper,
                "interviewer": self.interviewer, "status": self.status}


@dataclass
class Conflict:
    paper: str
    interviewer: int
    question: str
    stored: str | None
    read: str | None
    file: str
    page: int | None


@dataclass
class ScanReport:
    pages: list[PageResult] = field(default_factory=list)
    scores: list[Reading] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    errors: list[tuple[str, int | None, str]] = field(default_factory=list)  # file, page, msg
    conflicts: list[Conflict] = field(default_factory=list)
    grades: dict[str, WrittenGrade] = field(default_factory=dict)  # paper → its answer grid

    def to_json(self) -> dict:
        return {
            "written": [g.to_json() for g in self.grades.values()],
            "pages": [p.to_json() for p in self.pages],
            "scores": [{"paper": r.paper, "interviewer": r.interviewer,
                        "question": question_json(r.question), "rating": rating_json(r)}
                       for r in self.scores],
            "review": [{"file": i.file, "page": i.page, "paper": i.paper,
                        "interviewer": i.interviewer, "question": question_json(i.question),
                        "reason": i.reason, "image": i.image} for i in self.review],
            "errors": [{"file": f, "page": p, "message": m} for f, p, m in self.errors],
        }


def question_json(question: str) -> int | str:
    return question if question == RECOMMENDATION else int(question)


def rating_json(r: Reading) -> int | str | None:
    """A rating as a number; a recommendation, or an answer grid's letters, as text."""
    if r.value is None or r.question == RECOMMENDATION or r.interviewer == GRID:
        return r.value
    return int(r.value)


def scan(paths: list[Path], history: History, review_dir: Path | None = None,
         on_page: Callable[[PageResult], None] | None = None) -> ScanReport:
    """Read every page of every file; what cannot be read is reported, never stored."""
    report = ScanReport()
    for path in paths:
        try:
            for page in read_pages(path):
                if page.image is None:
                    _fail(report, path, page.page, page.error)
                else:
                    _scan_page(report, history, path, page.page, page.image,
                               review_dir or path.parent / REVIEW_FOLDER)
                if on_page:
                    on_page(report.pages[-1])
        except RasterError as exc:
            _fail(report, path, None, str(exc))
            if on_page:
                on_page(report.pages[-1])
    return report


def _fail(report: ScanReport, path: Path, page: int | None, message: str,
          sheet: layout.SheetId | None = None) -> None:
    report.pages.append(PageResult(str(path), page, sheet.paper if sheet else None,
                                   sheet.interviewer if sheet else None, "error"))
    report.errors.append((str(path), page, message))


def _scan_page(report: ScanReport, history: History, path: Path, page: int, image,
               review_dir: Path) -> None:
    try:
        read = read_page(image)
    except PageError as exc:
        _fail(report, path, page, str(exc))
        return
    sheet = read.sheet
    try:
        record = history.get(sheet.paper)
    except ExamgenError:
        _fail(report, path, page, f"试卷 {sheet.paper} 不在历史记录中（{history.path}）", sheet)
        return
    if record.count != sheet.count:
        _fail(report, path, page, f"评分卡写的是 {sheet.count} 题，历史记录中试卷 {sheet.paper} "
                                  f"有 {record.count} 题", sheet)
        return
    if sheet.interviewer == GRID:
        keys = choice_keys(record)
        printed = layout.parse_grid_code(sheet.layout)
        if [k.options for k in keys] != [i.options for i in printed]:
            _fail(report, path, page, f"答题卡的选择题与历史记录中试卷 {sheet.paper} 的不符", sheet)
            return
    else:
        panel = len(record.interviewers)  # 0: the panel was not named, its size is unknown
        if sheet.interviewer < 1 or panel and sheet.interviewer > panel:
            _fail(report, path, page, f"评分卡写的是面试官 {sheet.interviewer}，历史记录中试卷 "
                                      f"{sheet.paper} 只有 {panel} 位面试官", sheet)
            return
    file = str(path.resolve())
    decided, pending = [], []
    for row in read.rows:
        if row.review:
            pending.append(row)
        else:
            decided.append(Reading(sheet.paper, sheet.interviewer, row.row.key, row.value,
                                   "scan", file, page))
    items = _review_items(read, pending, file, page, review_dir)
    stored = store(history, decided)
    known = {r.question for r in readings(history, [sheet.paper])
             if r.interviewer == sheet.interviewer}
    add_review(history, [i for i in items if i.question not in known])
    report.scores += decided
    report.review += items
    for kept, offered in stored.conflicts:
        report.conflicts.append(Conflict(kept.paper, kept.interviewer, kept.question,
                                         kept.value, offered.value, file, page))
    status = ("conflict" if stored.conflicts else
              "read" if stored.new or stored.replaced else "unchanged")
    report.pages.append(PageResult(str(path), page, sheet.paper, sheet.interviewer, status))
    if sheet.interviewer == GRID:
        report.grades[sheet.paper] = grade(record, readings(history, [sheet.paper]))


def _review_items(read: PageRead, rows, file: str, page: int, review_dir: Path
                  ) -> list[ReviewItem]:
    """Crop each undecided row into a PNG a person can judge from."""
    import cv2

    sheet = read.sheet
    images: dict[Path, bytes] = {}
    items = []
    for row in rows:
        name = f"{sheet.paper}-{sheet.interviewer}-{row.row.key}-{Path(file).stem}-p{page}.png"
        target = review_dir / name
        ok, png = cv2.imencode(".png", read.crop(row.row))
        if ok:
            images[target] = png.tobytes()
        items.append(ReviewItem(sheet.paper, sheet.interviewer, row.row.key,
                                REASONS[row.review], file, page, str(target.resolve())))
    if images:
        write_atomically(images)
    return items
