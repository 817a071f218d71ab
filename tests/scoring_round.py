"""A real interview round for the scoring tests: three candidates, built by `examgen build`
from the small test bank (5 questions of 10 points: motivation, knowledge ×2, situational ×2).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from examgen.cli import main
from examgen.history import History

from .conftest import balanced_questions, write_bank

CANDIDATES = ("张三", "李四", "王喆堃")


def build_round(root: Path) -> dict:
    bank = write_bank(root / "bank", balanced_questions())
    people = root / "candidates.csv"
    people.write_text("姓名\n" + "\n".join(CANDIDATES) + "\n", encoding="utf-8")
    history = root / "history.sqlite3"
    result = CliRunner().invoke(main, [
        "build", "--role", "tester", "--count", "5", "--seed", "3", "--bank", str(bank),
        "--candidates", str(people), "--date", "2026-12-01", "--company", "示例科技",
        "--out", str(root / "papers"), "--history", str(history), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    with History(history) as h:
        records = {r.candidate: r for r in h.find()}
    return {"round": data["round"]["id"], "history": history, "records": records,
            "root": root}


def copy_round(built: dict, target: Path) -> dict:
    """A private copy of the round's history, so a test may add readings to it."""
    target.mkdir(parents=True, exist_ok=True)
    history = target / "history.sqlite3"
    shutil.copy(built["history"], history)
    return {**built, "history": history}
