"""Interview rounds: one paper per candidate, overlapping as little as the bank allows."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from .bank import Bank
from .build import BuiltPaper, new_paper
from .errors import ExamgenError
from .paper import Paper, make_paper, parse_interviewers, role_code
from .sampling import AVOID, choose

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
    """Candidates from a CSV (UTF-8, with or without BOM) or .xlsx file with a header row."""
    if not path.is_file():
        raise ExamgenError("应聘者名单文件不存在", path)
    if path.suffix.lower() == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise ExamgenError("应聘者名单不是 UTF-8 编码（请在 Excel 中另存为“CSV UTF-8”）",
                               path) from None
        rows = list(csv.reader(io.StringIO(text)))
    rows = [[cell.strip() for cell in row] for row in rows if any(c.strip() for c in row)]
    if not rows:
        raise ExamgenError("应聘者名单是空的", path)
    header = [HEADERS.get(cell.lower(), "") for cell in rows[0]]
    if "name" not in header:
        raise ExamgenError("第 1 行应为表头，且包含 name 或 姓名 列", path, 1)
    candidates = []
    for line, row in enumerate(rows[1:], start=2):
        fields = {key: row[i] for i, key in enumerate(header) if key and i < len(row)}
        if not fields.get("name"):
            raise ExamgenError("姓名为空", path, line)
        email = fields.get("email", "")
        if email and ("@" not in email or any(c.isspace() for c in email)):
            raise ExamgenError(f"邮箱 '{email}' 格式不对", path, line)
        panel = parse_interviewers(fields.get("interviewers", ""), path, line)
        candidates.append(Candidate(fields["name"], email, fields.get("candidate_id", ""),
                                    panel))
    if not candidates:
        raise ExamgenError("名单中没有应聘者（只有表头）", path)
    return candidates


def _xlsx_rows(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ExamgenError(f"无法读取 Excel 文件（{type(exc).__name__}）", path) from None
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def round_id(role_id: str, day: str, seed: int, candidates: list[Candidate]) -> str:
    blob = "\n".join([role_id, day, str(seed), *(c.name for c in candidates)]).encode()
    tag = hashlib.sha256(blob).hexdigest()[:6].upper()
    return f"R-{role_code(role_id)}-{day.replace('-', '')}-{tag}"


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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["应聘者", "应聘者编号", "邮箱", "试卷编号", "题目卷", "面试官用卷"])
    for row in rows:
        writer.writerow([row["candidate"], row["candidate_id"], row["email"], row["paper_id"],
                         row["files"]["questions"], row["files"]["answer_key"]])
    data = {"round": rid, "role": built[0].paper.role.id, "date": built[0].paper.date,
            "overlap": {"max_shared": stats.max_shared,
                        "mean_shared": round(stats.mean_shared, 2)},
            "papers": rows}
    return {folder / "manifest.csv": buffer.getvalue().encode("utf-8-sig"),
            folder / "manifest.json": (json.dumps(data, ensure_ascii=False, indent=2)
                                       + "\n").encode()}
