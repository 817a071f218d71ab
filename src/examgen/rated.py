"""History records → the papers consolidation and statistics work on (`PaperInfo`).

A record names its questions in paper order (number = position + 1). A question's points
and dimension come from the record's own `question_meta` when the build stored it, else
from the bank the paper was built from; interviewer names from the record when stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .bank import Bank, load_bank
from .consolidate import PaperInfo, QuestionInfo
from .errors import ExamgenError
from .history import History, PaperRecord


class BankCache:
    """Loads each bank folder once per run (records of one round share one bank)."""

    def __init__(self) -> None:
        self._banks: dict[str, Bank | ExamgenError] = {}

    def get(self, folder: str) -> Bank | None:
        if folder not in self._banks:
            try:
                self._banks[folder] = load_bank(Path(folder))
            except ExamgenError as exc:
                self._banks[folder] = exc
        bank = self._banks[folder]
        return None if isinstance(bank, ExamgenError) else bank


def paper_info(record: PaperRecord, banks: BankCache | None = None) -> PaperInfo:
    """The paper as consolidation sees it; a question whose points cannot be found is an
    error naming the paper and the question."""
    meta = record.question_meta  # empty for papers built before it was recorded
    bank = None
    questions = []
    for number, qid in enumerate(record.questions, start=1):
        info = meta.get(qid) or {}
        if "points" not in info or "dimension" not in info:
            if bank is None:
                bank = (banks or BankCache()).get(record.bank_dir)
            question = bank.by_id().get(qid) if bank else None
            if question is None:
                raise ExamgenError(f"试卷 {record.id} 第 {number} 题不在出卷时的题库"
                                   f"（{record.bank_dir}）中，无法得知其分值和维度", qid=qid)
            info = {"points": question.points, "dimension": question.dimension, **info}
        questions.append(QuestionInfo(number, qid, str(info["dimension"]),
                                      float(info["points"])))
    names = tuple(record.interviewers)
    return PaperInfo(id=record.id, candidate=record.candidate, questions=tuple(questions),
                     dimensions=dict(record.dimensions), round=record.round,
                     interviewers=names,
                     same_questions=record.same_questions)


def find_records(history: History, ids: Sequence[str]) -> list[PaperRecord]:
    """Papers by id; a round id (R-…) stands for all of its papers, in build order."""
    out: list[PaperRecord] = []
    for raw in ids:
        pid = raw.strip()
        record = history.existing(pid) if pid else None  # a damaged record says so
        records = [record] if record else history.find(round_id=pid) if pid else []
        if not records:
            raise ExamgenError(f"历史记录中没有试卷或面试轮次 {pid}（历史记录：{history.path}）")
        seen = {o.id for o in out}
        out += [r for r in records if r.id not in seen]
    return out


def round_label(records: Sequence[PaperRecord], ids: Sequence[str]) -> str:
    """What a report is about: the round id when asked for one whole round, else the ids
    (papers picked from a round are not the round)."""
    asked = [i.strip() for i in ids]
    paper_ids = {r.id for r in records}
    if len(asked) == 1 and asked[0] not in paper_ids:
        return asked[0]
    return "、".join(asked)
