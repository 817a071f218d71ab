"""Shared fixtures: small banks written on the fly, and one real paper built once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from examgen.bank import load_bank
from examgen.cli import main
from examgen.resources import default_bank_dir

DIMENSIONS = {"motivation": "自我认知与职业动机", "knowledge": "专业知识与技能",
              "situational": "情境模拟与解决问题能力"}


def question(qid: str, dimension: str = "knowledge", difficulty: str = "medium",
             **extra) -> dict:
    data = {
        "id": qid, "dimension": dimension, "difficulty": difficulty, "minutes": 5,
        "points": 10, "question": f"请谈谈您对{qid}的理解？", "answer": f"{qid} 的参考答案。",
        "analysis": {"scoring_points": ["要点一", "要点二", "要点三"],
                     "expectations": "能结合实例。", "purpose": "考察理解。"},
        "levels": {1: "答非所问。", 3: "基本到位。", 5: "有深度且有实例。"},
    }
    data.update(extra)
    return data


def write_bank(root: Path, questions: list[dict], *, mix: dict | None = None,
               difficulty: dict | None = None, roles: list[str] | None = None) -> Path:
    """A bank folder with one role `tester` (测试岗) and the given questions."""
    root.mkdir(parents=True, exist_ok=True)
    roles_yaml = {
        "dimensions": DIMENSIONS,
        "roles": {"tester": {"title": "测试岗",
                             "mix": mix or {"motivation": 1, "knowledge": 2, "situational": 2},
                             "difficulty": difficulty or {"easy": 1, "medium": 2, "hard": 1}}},
    }
    (root / "roles.yaml").write_text(yaml.safe_dump(roles_yaml, allow_unicode=True,
                                                    sort_keys=False), encoding="utf-8")
    (root / "tester.yaml").write_text(
        yaml.safe_dump({"roles": roles or ["tester"], "questions": questions},
                       allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def balanced_questions(per_level: int = 2) -> list[dict]:
    """`per_level` questions for every dimension × difficulty of the test role."""
    out = []
    for dim in DIMENSIONS:
        for level in ("easy", "medium", "hard"):
            for i in range(per_level):
                out.append(question(f"{dim}-{level}-{i}", dim, level))
    return out


@pytest.fixture(autouse=True)
def _isolated_user_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """Tests never touch the user's history, config or mail settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("EXAMGEN_HISTORY", str(home / "history.sqlite3"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    for name in ("HOST", "PORT", "USER", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"EXAMGEN_SMTP_{name}", raising=False)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def small_bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank", balanced_questions())


@pytest.fixture(scope="session")
def shipped_bank():
    return load_bank(default_bank_dir())


@pytest.fixture(scope="session")
def director_paper(tmp_path_factory: pytest.TempPathFactory) -> dict:
    # session-scoped, so it sets its own history file rather than the autouse fixture's
    """The README's main job, run once: 20 director questions, fixed seed, real PDFs."""
    out = tmp_path_factory.mktemp("papers")
    result = CliRunner().invoke(main, [
        "build", "--role", "director", "--count", "20", "--seed", "42", "--out", str(out),
        "--history", str(out / "history.sqlite3"),
        "--candidate", "王喆堃", "--company", "示例科技", "--date", "2026-12-01", "--json",
        "--bank", str(default_bank_dir()),
    ])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return {"json": data, "out": out, "stderr": result.stderr}


@pytest.fixture(scope="session")
def scoring_round(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Three candidates' papers built for real (see scoring_round.py); copy before rating."""
    from .scoring_round import build_round

    return build_round(tmp_path_factory.mktemp("scoring-round"))
