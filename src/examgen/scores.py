"""Ratings typed by hand, and one paper's ratings as stored (for `examgen scores`).

Knows papers (from the history) and readings; nothing about images.
"""

from __future__ import annotations

from .errors import ExamgenError
from .history import History
from .layout import RATING_VALUES, RECOMMENDATIONS
from .readings import RECOMMENDATION, Reading, conflicts, readings, review_items, store

NOT_RATED = ("", "-", "未评")
RECOMMENDATION_NAMES = (RECOMMENDATION, "推荐意见", "综合推荐")


def parse_rating(text: str, count: int) -> tuple[str, str | None]:
    """`QUESTION=RATING` → (question key, value); a one-line error for anything else."""
    question, sep, value = text.partition("=")
    question, value = question.strip(), value.strip()
    if not sep or not question:
        raise ExamgenError(f"'{text}' 应写成 题号=评级，例如 3=4 或 recommendation=推荐")
    if question in RECOMMENDATION_NAMES:
        if value in NOT_RATED:
            return RECOMMENDATION, None
        if value not in RECOMMENDATIONS:
            raise ExamgenError(f"'{text}'：综合推荐只能是 {'、'.join(RECOMMENDATIONS)}")
        return RECOMMENDATION, value
    if not question.isdigit() or not 1 <= int(question) <= count:
        raise ExamgenError(f"'{text}'：本卷没有第 {question} 题（题号为 1–{count}）")
    if value in NOT_RATED:
        return str(int(question)), None
    if value not in RATING_VALUES:
        raise ExamgenError(f"'{text}'：评级应为 1–5 的整数（不评写 -）")
    return str(int(question)), value


def set_scores(history: History, paper_id: str, interviewer: int, items: list[str]
               ) -> list[tuple[int | str, int | str | None, int | str | None]]:
    """Store typed ratings (all or none), replacing what a scan read and settling the cells'
    review items and conflicts. Returns (question, old, new) per item."""
    record = history.get(paper_id)
    parsed = [parse_rating(text, record.count) for text in items]
    before = {r.question: r.value for r in readings(history, [paper_id])
              if r.interviewer == interviewer}
    typed = [Reading(paper_id, interviewer, q, v, "typed") for q, v in parsed]
    store(history, typed, replace=True)
    return [(_question(q), _rating(q, before.get(q)), _rating(q, v)) for q, v in parsed]


def _question(q: str) -> int | str:
    return q if q == RECOMMENDATION else int(q)


def _rating(question: str, value: str | None) -> int | str | None:
    if value is None or question == RECOMMENDATION:
        return value
    return int(value)


def reading_json(r: Reading) -> dict:
    return {"paper": r.paper, "interviewer": r.interviewer, "question": _question(r.question),
            "rating": _rating(r.question, r.value), "source": r.source, "file": r.file,
            "page": r.page}


def paper_scores(history: History, paper_id: str) -> dict:
    """Everything read back for one paper: readings, rows waiting for a person, conflicts."""
    record = history.get(paper_id)
    return {
        "paper": record.id, "candidate": record.candidate, "count": record.count,
        "readings": [reading_json(r) for r in readings(history, [record.id])],
        "review": [{"interviewer": i.interviewer, "question": _question(i.question),
                    "reason": i.reason, "file": i.file, "page": i.page, "image": i.image}
                   for i in review_items(history, [record.id])],
        "conflicts": [reading_json(r) for r in conflicts(history, [record.id])],
    }
