"""Ratings (and answer-grid marks) that come back from paper, kept in the history file.

A reading is one value for one question of one paper by one interviewer, scanned or typed.
The first reading of a cell stays: the same value again changes nothing, a different value
is kept aside as a conflict until someone chooses (`replace=True`, e.g. `examgen scores set`).
Everything here runs inside the history's write transactions, so concurrent scans and
imports never lose a reading.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .history import History

RECOMMENDATION = "recommendation"  # the `question` of the overall recommendation row
GRID = 0  # the `interviewer` of a candidate's answer grid (written tests)


@dataclass(frozen=True)
class Reading:
    paper: str
    interviewer: int
    question: str  # the question's number on the paper, as text, or RECOMMENDATION
    value: str | None  # "1"–"5", a recommendation label, choice letters; None = not rated
    source: str = "scan"  # "scan" or "typed"
    file: str = ""
    page: int | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.paper, self.interviewer, self.question)


@dataclass(frozen=True)
class ReviewItem:
    """A row the scanner would not decide, with a crop of it for a person to look at."""

    paper: str
    interviewer: int
    question: str
    reason: str
    file: str
    page: int | None
    image: str


@dataclass
class Stored:
    """What one `store` call did."""

    new: list[Reading] = field(default_factory=list)
    unchanged: list[Reading] = field(default_factory=list)
    replaced: list[tuple[Reading, Reading]] = field(default_factory=list)  # (old, new)
    conflicts: list[tuple[Reading, Reading]] = field(default_factory=list)  # (kept, offered)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _reading(row: tuple) -> Reading:
    return Reading(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


_COLUMNS = "paper_id, interviewer, question, value, source, file, page"


def store(history: History, readings: list[Reading], *, replace: bool = False) -> Stored:
    """Store readings in one transaction: new cells are added, equal ones left alone, a
    different value becomes a conflict (or, with `replace`, wins and clears the cell's
    conflicts and review items)."""
    result = Stored()
    with history.transaction() as db:
        for r in readings:
            row = db.execute(f"SELECT {_COLUMNS} FROM readings WHERE paper_id = ? AND"
                             " interviewer = ? AND question = ?", r.key).fetchone()
            old = _reading(row) if row else None
            if old is None:
                _put(db, r)
                result.new.append(r)
            elif old.value == r.value:
                result.unchanged.append(old)
            elif replace:
                _put(db, r)
                result.replaced.append((old, r))
            else:
                db.execute(f"INSERT OR IGNORE INTO conflicts ({_COLUMNS}, recorded)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (*r.key, r.value, r.source, r.file, r.page, _now()))
                result.conflicts.append((old, r))
                continue
            # A value now stands for the cell: it is no longer waiting for a person, and
            # a chosen one (replace) also settles earlier conflicts.
            db.execute("DELETE FROM review WHERE paper_id = ? AND interviewer = ?"
                       " AND question = ?", r.key)
            if replace:
                db.execute("DELETE FROM conflicts WHERE paper_id = ? AND interviewer = ?"
                           " AND question = ?", r.key)
    return result


def _put(db: sqlite3.Connection, r: Reading) -> None:
    db.execute(f"INSERT OR REPLACE INTO readings ({_COLUMNS}, recorded)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (*r.key, r.value, r.source, r.file, r.page, _now()))


def add_review(history: History, items: list[ReviewItem]) -> None:
    """Queue rows for a person (the same row of the same page is queued once)."""
    with history.transaction() as db:
        for i in items:
            db.execute("INSERT OR IGNORE INTO review (paper_id, interviewer, question, reason,"
                       " file, page, image, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (i.paper, i.interviewer, i.question, i.reason, i.file, i.page,
                        i.image, _now()))


def _select(history: History, columns: str, table: str, papers: list[str] | None,
            order: str) -> list[tuple]:
    """Rows of one table, of the given papers or all."""
    sql, args = f"SELECT {columns} FROM {table}", list(papers or [])
    if papers is not None:
        sql += f" WHERE paper_id IN ({','.join('?' * len(papers))})"
    return history._db.execute(f"{sql} ORDER BY {order}", args).fetchall()


def readings(history: History, papers: list[str] | None = None) -> list[Reading]:
    """Stored readings (of the given papers, or all), in paper, interviewer, question order."""
    rows = _select(history, _COLUMNS, "readings", papers,
                   "paper_id, interviewer, CAST(question AS INTEGER), question")
    return [_reading(row) for row in rows]


def conflicts(history: History, papers: list[str] | None = None) -> list[Reading]:
    return [_reading(row) for row in _select(history, _COLUMNS, "conflicts", papers, "rowid")]


def review_items(history: History, papers: list[str] | None = None) -> list[ReviewItem]:
    rows = _select(history, "paper_id, interviewer, question, reason, file, page, image",
                   "review", papers, "rowid")
    return [ReviewItem(*row) for row in rows]
