"""A written test's choice items graded from the candidate's answer-grid readings.

Knows papers (their history records, which keep each choice item's answer letters, points
and partial rule) and readings (interviewer readings.GRID); nothing about images or the
bank, so a paper is graded the same however its bank changed since.

Rules: an item scores its points when the letters marked equal the answer. A multiple-
answer item is all or nothing, unless the bank set `partial: true`: then marking only right
letters scores points × (right letters marked ÷ right letters), and any wrong letter scores
0. A grid row confirmed blank (`scores set --grid 3=-`) scores 0; a row not read yet (or
waiting for a person) is pending and counts in no total.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ExamgenError
from .history import PaperRecord
from .readings import GRID, Reading


@dataclass(frozen=True)
class ChoiceKey:
    number: int  # on the paper (choice items come first: 1…n)
    id: str
    answer: str  # letters, e.g. "B" or "AC"
    points: float
    options: int
    partial: bool = False
    dimension: str = ""

    @property
    def multiple(self) -> bool:
        return len(self.answer) > 1


@dataclass(frozen=True)
class ItemGrade:
    key: ChoiceKey
    marked: str | None  # letters read; None = blank (confirmed) or not read
    read: bool  # a reading exists for this item
    score: float | None  # None while pending

    @property
    def status(self) -> str:
        """right | partial | wrong | blank | pending."""
        if not self.read:
            return "pending"
        if self.marked is None:
            return "blank"
        if self.marked == self.key.answer:
            return "right"
        return "partial" if self.score else "wrong"

    def to_json(self) -> dict:
        return {"number": self.key.number, "id": self.key.id, "answer": self.key.answer,
                "marked": self.marked, "points": self.key.points, "score": self.score,
                "status": self.status}


@dataclass(frozen=True)
class WrittenGrade:
    paper: str
    candidate: str
    items: tuple[ItemGrade, ...]

    @property
    def score(self) -> float:
        return round(sum(i.score or 0.0 for i in self.items), 2)

    @property
    def max_points(self) -> float:
        return sum(i.key.points for i in self.items)

    @property
    def pending(self) -> int:
        return sum(1 for i in self.items if i.score is None)

    @property
    def right(self) -> int:
        """Items answered exactly right."""
        return sum(1 for i in self.items if i.status == "right")

    def to_json(self) -> dict:
        return {"paper": self.paper, "candidate": self.candidate, "score": self.score,
                "max": self.max_points, "pending": self.pending, "right": self.right,
                "items": [i.to_json() for i in self.items]}


def choice_keys(record: PaperRecord) -> list[ChoiceKey]:
    """The answer key of a paper's choice items, from its history record."""
    keys = []
    for number, qid in enumerate(record.questions, start=1):
        meta = (record.question_meta or {}).get(qid) or {}
        if meta.get("type") != "choice":
            continue
        answer = str(meta.get("answer") or "")
        if not answer:
            raise ExamgenError(f"试卷 {record.id} 第 {number} 题是选择题，但历史记录中没有其答案",
                               qid=qid)
        keys.append(ChoiceKey(number, qid, answer, float(meta.get("points", 0)),
                              int(meta.get("options", 0)), bool(meta.get("partial")),
                              str(meta.get("dimension", ""))))
    return keys


def item_score(key: ChoiceKey, marked: str | None) -> float:
    """The points a set of marked letters earns (see the module's rules)."""
    if not marked:
        return 0.0
    if marked == key.answer:
        return key.points
    chosen, right = set(marked), set(key.answer)
    if key.partial and key.multiple and chosen < right:
        return round(key.points * len(chosen) / len(right), 2)
    return 0.0


def grade(record: PaperRecord, readings: list[Reading]) -> WrittenGrade:
    """Grade one paper from its grid readings (other readings are ignored)."""
    marks = {r.question: r.value for r in readings
             if r.paper == record.id and r.interviewer == GRID}
    items = []
    for key in choice_keys(record):
        q = str(key.number)
        if q in marks:
            marked = marks[q]
            items.append(ItemGrade(key, marked, True, item_score(key, marked)))
        else:
            items.append(ItemGrade(key, None, False, None))
    return WrittenGrade(record.id, record.candidate, tuple(items))


def parse_marks(text: str, keys: dict[str, ChoiceKey]) -> tuple[str, str | None]:
    """`3=AC` (or `3=-` for left blank) → (question, letters) for `scores set --grid`."""
    question, sep, value = text.partition("=")
    question, value = question.strip(), value.strip().upper().replace("、", "")
    if not sep or not question:
        raise ExamgenError(f"'{text}' 应写成 题号=所涂字母，例如 3=B 或 5=AC（未涂写 -）")
    if question not in keys:
        numbers = "、".join(keys) or "无"
        raise ExamgenError(f"'{text}'：本卷没有第 {question} 道选择题（选择题题号：{numbers}）")
    if value in ("", "-", "未涂", "未答"):
        return question, None
    key = keys[question]
    letters = "ABCDEFGH"[:key.options]
    if any(c not in letters for c in value) or len(set(value)) != len(value):
        raise ExamgenError(f"'{text}'：第 {question} 题的选项为 {letters[0]}–{letters[-1]}，"
                           "每个字母写一次")
    if len(value) > 1 and not key.multiple:
        raise ExamgenError(f"'{text}'：第 {question} 题是单选题，只能填一个字母")
    return question, "".join(sorted(value))
