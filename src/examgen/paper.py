"""A paper: the sampled questions plus who and when it is for, with a stable id."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

from .bank import Bank, Question, Role
from .errors import ExamgenError
from .sampling import Selection

MAX_INTERVIEWERS = 9


@dataclass(frozen=True)
class Paper:
    id: str
    role: Role
    seed: int
    questions: tuple[Question, ...]
    dimensions: dict[str, str]  # id → title, print order (from the bank)
    candidate: str = ""
    date: str = ""  # ISO yyyy-mm-dd
    company: str = ""
    notes: tuple[str, ...] = ()
    bank_fingerprint: str = ""
    mode: str = "written"  # "written": answered on the sheet; "oral": a live interview
    minutes_budget: int | None = None  # --minutes: planned by time instead of count
    interviewers: tuple[str, ...] = ()  # one booklet each, numbered 1… in this order
    same_questions: bool = False  # every candidate of the round gets these questions

    @property
    def oral(self) -> bool:
        return self.mode == "oral"

    @property
    def total_points(self) -> int:
        return sum(q.points for q in self.questions)

    @property
    def total_minutes(self) -> int:
        return sum(q.minutes for q in self.questions)

    def schedule(self) -> list[tuple[int, str, Question, int]]:
        """(number, dimension title, question, minute at which it should end) in order:
        the interviewer's clock for a live interview."""
        clock, out = 0, []
        for number, q in enumerate(self.questions, start=1):
            clock += q.minutes
            out.append((number, self.dimensions[q.dimension], q, clock))
        return out

    def sections(self) -> list[tuple[str, str, list[tuple[int, Question]]]]:
        """(dimension id, title, [(number, question)]) in print order, numbered 1…N."""
        out: list[tuple[str, str, list[tuple[int, Question]]]] = []
        for number, q in enumerate(self.questions, start=1):
            if not out or out[-1][0] != q.dimension:
                out.append((q.dimension, self.dimensions[q.dimension], []))
            out[-1][2].append((number, q))
        return out


def parse_interviewers(text: str, path: Path | None = None,
                      line: int | None = None) -> tuple[str, ...]:
    """"王敏,李强、赵磊" → the names in order (commas, 、 or ；); a name twice is an error."""
    names = tuple(n.strip() for n in re.split(r"[,，、;；]", text) if n.strip())
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ExamgenError(f"面试官 {'、'.join(twice)} 重复出现", path, line)
    if len(names) > MAX_INTERVIEWERS:
        raise ExamgenError(f"面试官最多 {MAX_INTERVIEWERS} 位，实际为 {len(names)} 位", path, line)
    return names


def new_seed() -> int:
    """A seed for a build that was given none (printed and recorded on the paper)."""
    return secrets.randbelow(1_000_000)


def role_code(role_id: str) -> str:
    return "".join(part[0] for part in role_id.split("-") if part).upper() or "P"


def paper_id(paper: Paper) -> str:
    """ROLE-YYYYMMDD-XXXXXX, where XXXXXX is a fingerprint of everything the paper prints
    (role, candidate, company, date, seed, each question's printed text, the bank and any
    field added to Paper later): two different papers never share an id, and the same
    inputs give the same id, which the history then refuses to record twice."""
    blob = json.dumps(_printed(paper), ensure_ascii=False, sort_keys=True).encode()
    tag = base64.b32encode(hashlib.sha256(blob).digest()).decode()[:6]
    return f"{role_code(paper.role.id)}-{paper.date.replace('-', '')}-{tag}"


def _printed(paper: Paper) -> dict[str, Any]:
    """Every field of the paper but its id, questions by their printed fingerprint."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(paper):
        value = getattr(paper, f.name)
        if f.name == "id":
            continue
        if f.name == "questions":
            value = [[q.id, q.digest()] for q in value]
        elif dataclasses.is_dataclass(value):
            value = dataclasses.asdict(value)
        out[f.name] = value
    return out


def make_paper(bank: Bank, role_id: str, selection: Selection, seed: int, *,
               candidate: str = "", day: str | None = None, company: str = "",
               mode: str = "written", minutes_budget: int | None = None,
               interviewers: tuple[str, ...] = (), same_questions: bool = False) -> Paper:
    day = day or Date.today().isoformat()
    paper = Paper(
        id="",
        role=bank.role(role_id),
        seed=seed,
        questions=selection.questions,
        dimensions=dict(bank.dimensions),
        candidate=candidate,
        date=day,
        company=company,
        notes=selection.notes,
        bank_fingerprint=bank.fingerprint,
        mode=mode,
        minutes_budget=minutes_budget,
        interviewers=tuple(interviewers),
        same_questions=same_questions,
    )
    return dataclasses.replace(paper, id=paper_id(paper))
