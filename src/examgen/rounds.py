"""Interview rounds: one paper per candidate, overlapping as little as the bank allows."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from . import limits
from .bank import Bank
from .build import BuiltPaper, new_paper
from .errors import ExamgenError
from .history import History, RoundExists
from .paper import Paper, make_paper, parse_interviewers, role_code
from .sampling import AVOID, choose
from .spreadsheet import csv_bytes, read_rows

# Column headers HR staff use, mapped to our fields.
HEADERS = {
    "name": "name", "姓名": "name", "应聘者": "name", "候选人": "name", "candidate": "name",
    "email": "email", "e-mail": "email", "邮箱": "email", "电子邮箱": "email",
    "id": "candidate_id", "candidate_id": "candidate_id", "candidate id": "candidate_id",
    "编号": "candidate_id", "应聘者编号": "candidate_id", "候选人编号": "candidate_id",
    "interviewers": "interviewers", "面试官": "interviewers", "考官": "interviewers",
}


@dataclass(frozen=True)
class Candidate:
    name: str
    email: str = ""
    candidate_id: str = ""
    interviewers: tuple[str, ...] = ()  # this candidate's panel, from the file's column


@dataclass(frozen=True)
class Overlap:
    max_shared: int  # most questions any two papers of the round share
    mean_shared: float

    def describe(self, papers: int) -> str:
        if papers < 2:
            return "本轮只有 1 份试卷"
        return (f"任意两份试卷最多有 {self.max_shared} 道相同题"
                f"（平均 {self.mean_shared:.1f} 道）")


def read_candidates(path: Path) -> list[Candidate]:
    """Candidates from a CSV (UTF-8, with or without BOM) or .xlsx file with a header row.

    Every name, email and id is checked where it enters, with its row number: a line
    break, a control character or an absurd length would otherwise break the mails and
    file names of that paper forever."""
    if not path.is_file():
        raise ExamgenError("应聘者名单文件不存在", path)
    rows = list(read_rows(path, "应聘者名单"))
    rows = [(line, [cell.strip() for cell in row]) for line, row in rows
            if any(c.strip() for c in row)]
    if not rows:
        raise ExamgenError("应聘者名单是空的", path)
    header_line, header_row = rows[0]
    header = [HEADERS.get(cell.lower(), "") for cell in header_row]
    if "name" not in header:
        raise ExamgenError(f"第 {header_line} 行应为表头，且包含 name 或 姓名 列", path,
                           header_line)
    candidates = []
    for line, row in rows[1:]:
        fields = {key: row[i] for i, key in enumerate(header) if key and i < len(row)}
        for key, what in (("name", "姓名"), ("email", "邮箱"), ("candidate_id", "编号")):
            limits.check_text(fields.get(key, ""), what, limits.MAX_NAME_CHARS, file=path,
                              line=line)
        if not fields.get("name"):
            raise ExamgenError("姓名为空", path, line)
        email = fields.get("email", "")
        if email and ("@" not in email or any(c.isspace() for c in email)):
            raise ExamgenError(f"邮箱 {limits.excerpt(email)} 格式不对", path, line)
        limits.check_text(fields.get("interviewers", ""), "面试官", limits.MAX_OPTION_CHARS,
                          file=path, line=line)
        panel = parse_interviewers(fields.get("interviewers", ""), path, line)
        candidates.append(Candidate(fields["name"], email, fields.get("candidate_id", ""),
                                    panel))
    if not candidates:
        raise ExamgenError("名单中没有应聘者（只有表头）", path)
    return candidates


def check_name(name: str) -> str:
    """A --candidate given on the command line, checked as a list's names are."""
    return limits.check_text(name.strip(), "--candidate 应聘者姓名", limits.MAX_NAME_CHARS)


def round_id(role_id: str, day: str, seed: int, candidates: list[Candidate], *,
             fingerprint: str = "", attempt: int = 0) -> str:
    """R-ROLE-YYYYMMDD-XXXXXX from everything that makes the round (role, date, seed, the
    candidates, and `fingerprint`: bank, company, count), plus `attempt` for a second
    round of the very same inputs built on purpose."""
    blob = "\n".join([role_id, day, str(seed), fingerprint, str(attempt),
                      *(f"{c.name}\t{c.email}\t{c.candidate_id}" for c in candidates)]).encode()
    tag = hashlib.sha256(blob).hexdigest()[:6].upper()
    return f"R-{role_code(role_id)}-{day.replace('-', '')}-{tag}"


def new_round_id(history: History, role_id: str, day: str, seed: int,
                 candidates: list[Candidate], *, fingerprint: str, force: bool) -> str:
    """The round's id; the same round twice is refused, or with `force` becomes a new
    round with an id of its own (so `mail R-…` never mixes the two)."""
    for attempt in range(1000):
        rid = round_id(role_id, day, seed, candidates, fingerprint=fingerprint,
                       attempt=attempt)
        size = history.round_size(rid)
        if not size:
            return rid
        if not force:
            raise RoundExists(f"本轮 {rid} 已经生成过（{size} 份试卷，见 examgen history）："
                              "同一轮不会生成两次。丢了试卷请用 examgen reprint；确要为这份名单再出"
                              "一轮新试卷，请换 --seed 或加 --force（新一轮另起编号）",
                              history.path)
    raise RoundExists("同样的一轮已经生成过太多次", history.path)


def plan_round(bank: Bank, role_id: str, count: int | None, seed: int,
               candidates: list[Candidate], *, seen: dict[str, set[str]], day: str,
               company: str = "", allow_shortfall: bool = False, minutes: int | None = None,
               mode: str = "written", interviewers: tuple[str, ...] = (),
               same_questions: bool = False) -> list[Paper]:
    """One paper per candidate; each avoids what that candidate saw before, then what the
    round has already used most. Paper i uses seed + i, so each is reproducible.

    `same_questions`: one selection (seed) for everyone, avoiding what any of them saw.
    A candidate's own panel (the file's column) wins over `interviewers`."""
    panel = {p.name: p.interviewers or interviewers for p in candidates}
    if same_questions:
        avoid = {qid: AVOID for p in candidates for qid in seen.get(p.name, set())}
        selection = choose(bank, role_id, seed, count=count, minutes=minutes,
                           allow_shortfall=allow_shortfall, penalty=avoid)
        return [make_paper(bank, role_id, selection, seed, candidate=p.name, day=day,
                           company=company, mode=mode, minutes_budget=minutes,
                           interviewers=panel[p.name], same_questions=True)
                for p in candidates]
    used: Counter[str] = Counter()
    papers = []
    for i, person in enumerate(candidates):
        penalty = dict(used)
        for qid in seen.get(person.name, set()):
            penalty[qid] = penalty.get(qid, 0) + AVOID
        paper = new_paper(bank, role_id, count, seed + i, candidate=person.name, day=day,
                          company=company, allow_shortfall=allow_shortfall, penalty=penalty,
                          minutes=minutes, mode=mode, interviewers=panel[person.name])
        used.update(q.id for q in paper.questions)
        papers.append(paper)
    return papers


def overlap(papers: list[Paper]) -> Overlap:
    sets = [{q.id for q in p.questions} for p in papers]
    shared = [len(a & b) for a, b in combinations(sets, 2)]
    if not shared:
        return Overlap(0, 0.0)
    return Overlap(max(shared), sum(shared) / len(shared))


def manifest_files(folder: Path, rid: str, built: list[BuiltPaper],
                   candidates: list[Candidate], stats: Overlap) -> dict[Path, bytes]:
    """manifest.csv (opens in Excel: UTF-8 with BOM) and manifest.json for the round folder."""
    rows = []
    for person, b in zip(candidates, built, strict=True):
        rows.append({"candidate": person.name, "candidate_id": person.candidate_id,
                     "email": person.email, "paper_id": b.paper.id,
                     "files": {k: p.name for k, p in b.files.items()}})
    table = [["应聘者", "应聘者编号", "邮箱", "试卷编号", "题目卷", "面试官用卷"]]
    table += [[row["candidate"], row["candidate_id"], row["email"], row["paper_id"],
               row["files"]["questions"], row["files"]["answer_key"]] for row in rows]
    data = {"round": rid, "role": built[0].paper.role.id, "date": built[0].paper.date,
            "overlap": {"max_shared": stats.max_shared,
                        "mean_shared": round(stats.mean_shared, 2)},
            "papers": rows}
    return {folder / "manifest.csv": csv_bytes(table),
            folder / "manifest.json": (json.dumps(data, ensure_ascii=False, indent=2)
                                       + "\n").encode()}
