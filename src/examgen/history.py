"""Every paper ever built, in one SQLite file: who got which questions, where the files are,
and which answer keys were mailed to whom.

Writes happen in short transactions (`BEGIN IMMEDIATE`), so concurrent builds writing the
same file wait for each other instead of corrupting it or losing a record. A paper id is
recorded once, never replaced. The file carries a schema version (`PRAGMA user_version`):
to add a table or a column, append a migration to MIGRATIONS; an older file is migrated
when opened, a newer one is refused. A damaged file is reported and never written to.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


LOCK_TIMEOUT = 30.0  # seconds a write waits for another examgen writing the same file


def _add_round_column(db: sqlite3.Connection) -> None:
    """v2: the round id as a column, so a round is found (and refused twice) quickly."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(papers)")}
    if "round" not in columns:
        db.execute("ALTER TABLE papers ADD COLUMN round TEXT NOT NULL DEFAULT ''")
    for pid, text in db.execute("SELECT id, record FROM papers").fetchall():
        try:
            rid = json.loads(text).get("round") or ""
        except (ValueError, AttributeError):
            continue  # a damaged record stays as it is (and is reported when read)
        db.execute("UPDATE papers SET round = ? WHERE id = ?", (str(rid), pid))
    db.execute("CREATE INDEX IF NOT EXISTS papers_round ON papers(round)")


# version → the step that brings a file from version - 1 to it
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: lambda db: [db.execute(stmt) for stmt in _statements(SCHEMA)],
    2: _add_round_column,
}
SCHEMA_VERSION = max(MIGRATIONS)


def _statements(script: str) -> list[str]:
    text = re.sub(r"--[^\n]*", "", script)
    return [stmt.strip() for stmt in text.split(";") if stmt.strip()]


class HistoryError(ExamgenError):
    """The history file itself is the problem (damaged, locked, unreadable)."""


class PaperExists(ExamgenError):
    """A paper id that is already recorded: an id names one paper, forever."""

    def __init__(self, record: PaperRecord, path: Path):
        self.record = record
        where = record.files.get("questions", "")
        super().__init__(
            f"试卷 {record.id} 已存在于历史记录中（{record.created[:10]} 生成，{where}）："
            "同样的输入总是得到同一份试卷，不会重复记录。要再印一份请用 "
            f"examgen reprint {record.id}，或加 --force 在原处重印", path)


class RoundExists(ExamgenError):
    """A round id that is already recorded: the same round is not built twice."""


def damaged(path: Path, exc: BaseException) -> HistoryError:
    detail = " ".join(str(exc).replace("*** in database main ***", "").split())[:60]
    return HistoryError(
        f"历史记录文件已损坏（{detail}），本次没有修改它，也没有写入任何试卷。可用 "
        f"sqlite3 {path} .recover 导出能恢复的内容，或用 --history 指定一个新的历史记录文件",
        path)


def locked(path: Path) -> HistoryError:
    return HistoryError(f"另一个 examgen 正在写入这个历史记录（等了 {LOCK_TIMEOUT:g} 秒仍未结束），"
                        "本次没有写入任何文件；请等它结束后再运行", path)


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    """sqlite3's exceptions as one line naming the file."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise locked(path) from None
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            raise damaged(path, exc) from None
        raise HistoryError(f"无法使用历史记录数据库：{exc}", path) from None
    except sqlite3.DatabaseError as exc:  # malformed, not a database, …
        if isinstance(exc, sqlite3.IntegrityError):
            raise
        raise damaged(path, exc) from None


class History:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_history_path()
        self.skipped: list[str] = []  # records that could not be read (see find)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            if isinstance(exc, FileExistsError | NotADirectoryError):
                reason = f"{exc.filename} 不是文件夹"
            raise HistoryError(f"无法创建历史记录所在的文件夹（{reason}）；可用 --history 或"
                               "环境变量 EXAMGEN_HISTORY 指定别的位置", self.path) from None
        if self.path.is_dir():
            raise HistoryError("这是一个文件夹，不是历史记录文件", self.path)
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        try:
            self._db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, isolation_level=None)
        except sqlite3.Error as exc:
            raise HistoryError(f"无法打开历史记录数据库（{exc}）；可用 --history 指定别的位置",
                               self.path) from None
        try:
            with _sqlite_errors(self.path):
                if not fresh:
                    self._check_intact()
                self._migrate()
        except BaseException:
            self._db.close()
            raise

    def _check_intact(self) -> None:
        """Read every page once before anything is written (a damaged file stays as is)."""
        rows = self._db.execute("PRAGMA quick_check(1)").fetchall()
        if rows != [("ok",)]:
            raise damaged(self.path, sqlite3.DatabaseError(rows[0][0] if rows else "?"))

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HistoryError(f"这个历史记录由更新版本的 examgen 写入（格式版本 {version}，"
                               f"本版本只认识到 {SCHEMA_VERSION}），请升级 examgen", self.path)
        if version == SCHEMA_VERSION and not self._missing_tables():
            return
        self._use_wal()
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]  # another may have won
            for step in range(version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[step](db)
            for stmt in _statements(SCHEMA):  # tables added to SCHEMA without a migration
                db.execute(stmt)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _use_wal(self) -> None:
        """WAL, so that reading never waits for a write. The switch writes the file's header:
        a build switching it while another one does is told "busy" at once, without the busy
        timeout (it holds a read lock the other needs), so it tries again until the other
        is done, as the timeout would have waited."""
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.01)

    def _missing_tables(self) -> bool:
        wanted = set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))
        have = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master"
                                               " WHERE type = 'table'")}
        return bool(wanted - have)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading so concurrent writers queue."""
        with _sqlite_errors(self.path):
            self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            with suppress(sqlite3.Error):  # gone already with the error that ended it
                self._db.execute("ROLLBACK")
            raise
        else:
            with _sqlite_errors(self.path):
                self._db.execute("COMMIT")

    def record(self, records: list[PaperRecord]) -> None:
        """Store papers (all or none); an id already recorded is refused (PaperExists)."""
        with self.transaction() as db:
            self.insert(db, records)

    def insert(self, db: sqlite3.Connection, records: list[PaperRecord], *,
               reprint: bool = False) -> list[PaperRecord]:
        """Insert inside a transaction the caller holds (so files and rows land together).

        A paper id already recorded raises PaperExists, or with `reprint` is skipped (its
        files are written again, its record stays). Returns the records inserted."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        inserted = []
        for rec in records:
            with _sqlite_errors(self.path):
                row = db.execute("SELECT record FROM papers WHERE id = ?",
                                 (rec.id,)).fetchone()
            if row is not None:
                if reprint:
                    continue
                raise PaperExists(self._parse(rec.id, row[0], strict=False) or rec, self.path)
            rec.created = rec.created or now
            with _sqlite_errors(self.path):
                db.execute(
                    "INSERT INTO papers (id, role, candidate, date, created, record, round)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (rec.id, rec.role, rec.candidate, rec.date, rec.created,
                     json.dumps(rec.to_json(), ensure_ascii=False), rec.round))
            inserted.append(rec)
        return inserted

    def existing(self, paper_id: str) -> PaperRecord | None:
        """The record of this id, if one was made (the id is then taken, forever)."""
        with _sqlite_errors(self.path):
            row = self._db.execute("SELECT record FROM papers WHERE id = ?",
                                   (paper_id,)).fetchone()
        return None if row is None else self._parse(paper_id, row[0])

    def round_size(self, round_id: str) -> int:
        """How many papers of this round are recorded (0: a new round)."""
        with _sqlite_errors(self.path):
            return self._db.execute("SELECT count(*) FROM papers WHERE round = ?",
                                    (round_id,)).fetchone()[0]

    def _parse(self, paper_id: str, text: str, *, strict: bool = True) -> PaperRecord | None:
        """A stored record, checked field by field: a hand-edited or damaged record names
        its paper instead of crashing whatever reads it."""
        try:
            return parse_record(text)
        except ValueError as exc:
            message = f"历史记录中试卷 {paper_id} 的记录已损坏（{exc}）"
            if strict:
                raise HistoryError(message + "，无法使用；可用 examgen build 重新出卷",
                                   self.path) from None
            self.skipped.append(message)
            return None

    def get(self, paper_id: str) -> PaperRecord:
        with _sqlite_errors(self.path):
            row = self._db.execute("SELECT record FROM papers WHERE id = ?",
                                   (paper_id,)).fetchone()
        if row is None:
            raise ExamgenError(f"历史记录中没有试卷 {paper_id}（历史记录：{self.path}）")
        return self._parse(paper_id, row[0])  # type: ignore[return-value]

    def find(self, role: str | None = None, candidate: str | None = None,
             round_id: str | None = None) -> list[PaperRecord]:
        """Matching records in the order they were built; a damaged one is left out and
        described in `self.skipped`."""
        sql, args = "SELECT id, record FROM papers WHERE 1=1", []
        for column, value in (("role", role), ("candidate", candidate), ("round", round_id)):
            if value:
                sql += f" AND {column} = ?"
                args.append(value)
        sql += " ORDER BY created, rowid"
        with _sqlite_errors(self.path):
            rows = self._db.execute(sql, args).fetchall()
        records = [self._parse(pid, text, strict=False) for pid, text in rows]
        return [r for r in records if r is not None]

    def seen_by(self, candidate: str) -> set[str]:
        """Every question id already issued to this candidate (by name)."""
        if not candidate:
            return set()
        return {q for rec in self.find(candidate=candidate) for q in rec.questions}

    def record_mail(self, paper_id: str, recipient: str, attachments: list[str]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db, _sqlite_errors(self.path):
            db.execute("INSERT INTO mails (paper_id, recipient, attachments, sent_at)"
                       " VALUES (?, ?, ?, ?)", (paper_id, recipient, json.dumps(attachments),
                                                now))

    def mails(self, paper_id: str) -> list[dict]:
        with _sqlite_errors(self.path):
            rows = self._db.execute("SELECT recipient, attachments, sent_at FROM mails"
                                    " WHERE paper_id = ? ORDER BY sent_at",
                                    (paper_id,)).fetchall()
        out = []
        for to, attachments, sent_at in rows:
            try:
                kinds = json.loads(attachments)
            except ValueError:
                kinds = []
            out.append({"to": to, "attachments": kinds if isinstance(kinds, list) else [],
                        "sent_at": sent_at})
        return out

    def sent_to(self, paper_id: str) -> set[str]:
        return {m["to"] for m in self.mails(paper_id)}


_TYPES = {"str": str, "int": int, "bool": bool, "list[str]": list,
          "dict[str, str]": dict, "dict[str, dict]": dict}


def parse_record(text: str) -> PaperRecord:
    """A PaperRecord from its JSON; ValueError saying what is wrong with it."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"不是有效的 JSON：第 {getattr(exc, 'lineno', '?')} 行") from None
    if not isinstance(data, dict):
        raise ValueError("不是 JSON 对象")
    values = {}
    missing = []
    for f in dataclasses.fields(PaperRecord):
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                missing.append(f.name)
            continue
        kind = _TYPES.get(str(f.type))
        value = data[f.name]
        if kind is not None and (not isinstance(value, kind)
                                 or (kind is int and isinstance(value, bool))):
            raise ValueError(f"字段 {f.name} 的类型不对")
        values[f.name] = value
    if missing:
        raise ValueError(f"缺少字段 {'、'.join(missing)}")
    return PaperRecord(**values)
