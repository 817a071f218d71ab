"""One error base for everything a user can cause; the CLI prints it on one line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class ExamgenError(Exception):
    """A problem with the user's input: printed as `file:line id field: message`."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    qid: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file) + (f":{self.line}" if self.line else "")
        parts = [p for p in (where, self.qid, self.field) if p]
        prefix = " ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message

    def __post_init__(self) -> None:
        super().__init__(str(self))


class BankErrors(ExamgenError):
    """Every error found in a bank, reported together."""

    def __init__(self, errors: list[ExamgenError]):
        self.errors = errors
        super().__init__(f"题库有 {len(errors)} 处错误")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
