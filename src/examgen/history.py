"""Every paper ever built, in one SQLite file: who got which questions, where the files are,
and which answer keys were mailed to whom.

Writes happen in short transactions (`BEGIN IMMEDIATE`), so concurrent builds writing the
same file wait for each other instead of corrupting it or losing a record.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import ExamgenError

SCHEMA = """
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    candidate TEXT NOT NULL,
    date TEXT NOT NULL,
    created TEXT NOT NULL,
    record TEXT NOT NULL              -- the whole PaperRecord as JSON
);
CREATE INDEX IF NOT EXISTS papers_role ON papers(role);
CREATE INDEX IF NOT EXISTS papers_candidate ON papers(candidate);
CREATE TABLE IF NOT EXISTS mails (
    paper_id TEXT NOT NULL REFERENCES papers(id),
    recipient TEXT NOT NULL,
    attachments TEXT NOT NULL,        -- JSON list of file kinds sent
    sent_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mails_paper ON mails(paper_id);
CREATE TABLE IF NOT EXISTS readings (  -- ratings and answers read back (see readings.py)
    paper_id TEXT NOT NULL,
    interviewer INTEGER NOT NULL,     -- 1, 2, … as on the paper; 0 = the candidate's grid
    question TEXT NOT NULL,           -- number on the paper ("1", "2", …) or "recommendation"
    value TEXT,                       -- "1"–"5", a recommendation, letters; NULL = not rated
    source TEXT NOT NULL,             -- "scan" or "typed"
    file TEXT NOT NULL,
    page INTEGER,
    recorded TEXT NOT NULL,
    PRIMARY KEY (paper_id, interviewer, question)
);
CREATE TABLE IF NOT EXISTS conflicts (  -- a later reading that differs from the stored one
    paper_id TEXT NOT NULL,
    interviewer INTEGER NOT NULL,
    question TEXT NOT NULL,
    value TEXT,
    source TEXT NOT NULL,
    file TEXT NOT NULL,
    page INTEGER,
    recorded TEXT NOT NULL,
    UNIQUE (paper_id, interviewer, question, value, file, page)
);
CREATE TABLE IF NOT EXISTS review (  -- a mark the scanner would not decide: a person does
    paper_id TEXT NOT NULL,
    interviewer INTEGER NOT NULL,
    question TEXT NOT NULL,
    reason TEXT NOT NULL,
    file TEXT NOT NULL,
    page INTEGER,
    image TEXT NOT NULL,
    recorded TEXT NOT NULL,
    UNIQUE (paper_id, interviewer, question, file, page)
);
"""


@dataclass
class PaperRecord:
    """What is needed to list, reprint and mail a paper."""

    id: str
    role: str
    role_title: str
    seed: int
    count: int
    candidate: str
    date: str
    company: str
    questions: list[str]
    question_digests: dict[str, str]  # question id → Question.digest() at build time
    dimensions: dict[str, str]  # dimension titles as printed
    bank_fingerprint: str
    bank_dir: str
    files: dict[str, str]  # "questions" / "answer_key" → path
    sha256: dict[str, str]  # same keys → sha256 of the file as written
    allow_shortfall: bool = False
    candidate_id: str = ""
    email: str = ""
    round: str = ""
    created: str = ""  # when it was recorded (UTC); never printed on the paper
    # Added for live interviews; the defaults are what records written before mean.
    mode: str = "written"  # "written" or "oral"
    minutes_budget: int | None = None  # --minutes, when the paper was planned by time
    interviewers: list[str] = field(default_factory=list)  # interviewer N = position N (1-based)
    same_questions: bool = False  # the round gave every candidate the same questions
    # question id → {"dimension", "points", "minutes"}: what scoring needs from the bank
    question_meta: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)


def default_history_path() -> Path:
    """EXAMGEN_HISTORY, or history.sqlite3 in the user's data folder."""
    if env := os.environ.get("EXAMGEN_HISTORY"):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("examgen", appauthor=False)) / "history.sqlite3"


class History:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_history_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise ExamgenError(f"无法打开历史记录数据库：{exc}", self.path) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading so concurrent writers queue."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")

    def record(self, records: list[PaperRecord]) -> None:
        """Store papers (all or none); a paper id built again replaces its old record."""
        with self.transaction() as db:
            self.insert(db, records)

    @staticmethod
    def insert(db: sqlite3.Connection, records: list[PaperRecord]) -> None:
        """Insert inside a transaction the caller holds (so files and rows land together)."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for rec in records:
            rec.created = rec.created or now
            db.execute(
                "INSERT OR REPLACE INTO papers (id, role, candidate, date, created, record)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (rec.id, rec.role, rec.candidate, rec.date, rec.created,
                 json.dumps(rec.to_json(), ensure_ascii=False)))

    def get(self, paper_id: str) -> PaperRecord:
        row = self._db.execute("SELECT record FROM papers WHERE id = ?",
                               (paper_id,)).fetchone()
        if row is None:
            raise ExamgenError(f"历史记录中没有试卷 {paper_id}（历史记录：{self.path}）")
        return PaperRecord(**json.loads(row[0]))

    def find(self, role: str | None = None, candidate: str | None = None) -> list[PaperRecord]:
        sql, args = "SELECT record FROM papers WHERE 1=1", []
        if role:
            sql += " AND role = ?"
            args.append(role)
        if candidate:
            sql += " AND candidate = ?"
            args.append(candidate)
        sql += " ORDER BY created, rowid"
        return [PaperRecord(**json.loads(r[0])) for r in self._db.execute(sql, args)]

    def seen_by(self, candidate: str) -> set[str]:
        """Every question id already issued to this candidate (by name)."""
        if not candidate:
            return set()
        return {q for rec in self.find(candidate=candidate) for q in rec.questions}

    def record_mail(self, paper_id: str, recipient: str, attachments: list[str]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            db.execute("INSERT INTO mails (paper_id, recipient, attachments, sent_at)"
                       " VALUES (?, ?, ?, ?)", (paper_id, recipient, json.dumps(attachments),
                                                now))

    def mails(self, paper_id: str) -> list[dict]:
        rows = self._db.execute("SELECT recipient, attachments, sent_at FROM mails"
                                " WHERE paper_id = ? ORDER BY sent_at", (paper_id,))
        return [{"to": r[0], "attachments": json.loads(r[1]), "sent_at": r[2]} for r in rows]

    def sent_to(self, paper_id: str) -> set[str]:
        return {m["to"] for m in self.mails(paper_id)}
