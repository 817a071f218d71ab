"""What an import found and did, for the CLI's lines and for `--json`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .model import Placed
from .roles import RolesPlan
from .write import written


@dataclass
class ImportReport:
    file: str
    output: str
    bank: str
    shape: str
    role: str
    title: str
    announced: int | None
    placed: list[Placed]
    dimensions: dict[str, str]  # the bank's dimensions after the import, id → title
    roles: RolesPlan
    unprintable: list[dict[str, Any]]
    next_command: str | None
    notes: list[str] = field(default_factory=list)

    def ids(self, test) -> list[str]:
        return [p.id for p in self.placed if test(p)]

    def per_dimension(self) -> dict[str, int]:
        counts = Counter(p.dimension for p in self.placed)
        return {d: counts[d] for d in self.dimensions if counts[d]}

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "shape": self.shape,
            "questions": len(self.placed),
            "per_dimension": self.per_dimension(),
            "choice_items": self.ids(lambda p: p.raw.is_choice),
            "missing_answers": self.ids(lambda p: p.raw.unanswered),
            "commented_out": self.ids(lambda p: not written(p)),
            "truncated": self.ids(lambda p: p.raw.truncated),
            "inferred": self.ids(lambda p: p.how == "inferred"),
            "announced": self.announced,
            "garbled": self.ids(lambda p: p.raw.garbled),
            "unprintable": self.unprintable,
            "bank": self.bank,
            "output": self.output,
            "role": self.role,
            "new_dimensions": self.roles.new_dimensions,
            "roles_file": ("created" if self.roles.created else
                           "updated" if self.roles.text is not None else "unchanged"),
            "next": self.next_command,
            "notes": [*self.notes, *self.roles.hints],
        }
