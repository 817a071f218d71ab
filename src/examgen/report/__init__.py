"""The round report: consolidate the history's readings, render them, write the PDF.

It only reads the history; no reading is ever changed by a report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..consolidate import RoundScores, consolidate
from ..grading import WrittenGrade, choice_keys, grade
from ..history import History, PaperRecord
from ..rated import BankCache, find_records, paper_info, round_label
from ..readings import readings

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True)
class BuiltReport:
    scores: RoundScores
    records: tuple[PaperRecord, ...]
    pdf: Path
    html: Path | None
    written: dict[str, WrittenGrade] = field(default_factory=dict)  # paper → choice part

    def to_json(self) -> dict:
        return report_json(self.scores, self.written) | {
            "pdf": str(self.pdf), "html": str(self.html) if self.html else None}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def report_json(scores: RoundScores, written: dict[str, WrittenGrade] | None = None) -> dict:
    """The shape of `examgen report --json` (ranking highest total first); a written test's
    choice part is `"written": {"score", "max", "pending", "right"}` (null without one)."""
    written = written or {}
    ranking = []
    for s in scores.papers:
        entry = {
            "candidate": s.paper.candidate, "paper": s.paper.id, "total": _r(s.total),
            "max": _r(s.max_points),
            "dimensions": {d: _r(v) for d, v in s.dimensions.items()},
            "interviewers": {str(i.number): _r(i.total) for i in s.interviewers},
            "recommendations": s.recommendations,
            "flags": [f.number for f in s.flags], "missing": s.missing,
        }
        if not scores.same_questions:
            entry["standardized"] = _r(s.standardized)
        grade = written.get(s.paper.id)
        entry["written"] = None if grade is None else {
            "score": grade.score, "max": grade.max_points, "pending": grade.pending,
            "right": grade.right}
        ranking.append(entry)
    return {
        "round": scores.round, "ranking": ranking,
        "interviewers": [{"number": t.number, "name": t.name, "mean": _r(t.mean),
                          "panel_mean": _r(t.panel_mean)} for t in scores.interviewers],
        "same_questions": scores.same_questions, "notes": list(scores.notes),
    }


def report_name(records: Sequence[PaperRecord], ids: Sequence[str]) -> str:
    """File stem: the round id for a whole round, else the paper ids (at most three)."""
    label = round_label(records, ids)
    if label not in {r.id for r in records} and "、" not in label:
        stem = label
    elif len(records) <= 3:
        stem = "-".join(r.id for r in records)
    else:
        stem = f"{records[0].id}-{len(records)}papers"
    return _UNSAFE.sub("_", stem) + "-report"


def score_round(history: History, ids: Sequence[str]) -> tuple[RoundScores,
                                                                list[PaperRecord]]:
    records = find_records(history, ids)
    banks = BankCache()
    papers = [paper_info(r, banks) for r in records]
    return (consolidate(papers, readings(history, [r.id for r in records]),
                        round_label(records, ids)), records)


def written_grades(history: History, records: Sequence[PaperRecord]
                   ) -> dict[str, WrittenGrade]:
    """The choice part of each written test among the papers, graded from its answer grid."""
    marks = readings(history, [r.id for r in records])
    return {r.id: grade(r, marks) for r in records if choice_keys(r)}


def build_report(history: History, ids: Sequence[str], out: Path, *, force: bool = False,
                 keep_html: bool = False) -> BuiltReport:
    """Score the papers, lay the report out and write it (PDF, and HTML on request)."""
    from .. import atomic, fonts, pdf
    from .render import printed_texts, render_report

    scores, records = score_round(history, ids)
    written = written_grades(history, records)
    stem = report_name(records, ids)
    pdf_path = out / f"{stem}.pdf"
    html_path = out / f"{stem}.html" if keep_html else None
    atomic.check_free([pdf_path] + ([html_path] if html_path else []), force)
    fonts.check_printable(printed_texts(scores, records))
    html = render_report(scores, records, pdf.font_urls(), written)
    data, warnings = pdf.html_to_pdf(html)
    files = {pdf_path: data}
    if html_path is not None:
        files[html_path] = render_report(scores, records, fonts.embedded_font_urls(html),
                                          written).encode()
    atomic.write_atomically(files, replace=force)  # no race past check_free either
    return BuiltReport(scores, tuple(records), pdf_path, html_path, written)
