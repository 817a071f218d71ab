"""Inputs no real bank or list reaches are refused at once, never left to hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from examgen import limits
from examgen.cli import main

from .conftest import balanced_questions, question, write_bank
from .hardening import one_line_error

BASE = ("--role", "tester", "--count", "3", "--seed", "7", "--date", "2026-12-02")
QUICK = 10.0  # seconds: far more than any of these needs, far less than a hang


def timed(runner, args: list[str]):
    started = time.monotonic()
    result = runner.invoke(main, args)
    assert time.monotonic() - started < QUICK, "took too long"
    return result


def commands(bank: Path, out: Path) -> list[list[str]]:
    return [["validate", "--bank", str(bank)],
            ["build", *BASE, "--bank", str(bank), "--out", str(out), "--html"]]


BOMB = """\
roles: [tester]
questions:
  - id: bomb-1
    dimension: &l9 [&l8 [&l7 [&l6 [&l5 [&l4 [&l3 [&l2 [&l1 [lol, lol, lol, lol, lol, lol]]]]]]]]]
    difficulty: easy
    minutes: 5
    points: 10
    question: 题目？
    answer: 答案。
"""


def billion_laughs() -> str:
    lines = ["lol: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    body = "\n".join("    " + line for line in lines)
    return ("roles: [tester]\nquestions:\n  - id: bomb-1\n    dimension:\n      x:\n"
            + "\n".join("    " + line for line in body.splitlines()) + "\n"
            "    difficulty: easy\n    minutes: 5\n    points: 10\n"
            "    question: 题目？\n    answer: 答案。\n")


def test_a_billion_laughs_in_a_dimension_is_refused_at_once(runner, tmp_path):
    bank = write_bank(tmp_path / "bank", balanced_questions())
    (bank / "bomb.yaml").write_text(billion_laughs(), encoding="utf-8")
    for args in commands(bank, tmp_path / "p"):
        result = timed(runner, args)
        assert result.exit_code == 1
        one_line_error(result.stderr, "bomb.yaml", "展开后过大")
        assert len(result.stderr) < 300
    assert not (tmp_path / "p").exists()


def test_a_nested_list_as_a_dimension_is_shown_short(runner, tmp_path):
    bank = write_bank(tmp_path / "bank", balanced_questions())
    (bank / "nested.yaml").write_text(BOMB, encoding="utf-8")
    result = timed(runner, ["validate", "--bank", str(bank)])
    assert result.exit_code == 1
    assert "nested.yaml" in result.stderr
    assert len(result.stderr) < 400  # the value is shown as a short excerpt


def test_a_question_text_over_the_limit(runner, tmp_path):
    questions = balanced_questions()
    questions[0] = question(questions[0]["id"], "motivation", "easy",
                            question="很长的题目" * 5_000)  # 25,000 characters
    bank = write_bank(tmp_path / "bank", questions)
    for args in commands(bank, tmp_path / "p"):
        result = timed(runner, args)
        assert result.exit_code == 1
        assert f"最多 {limits.MAX_QUESTION_CHARS} 个" in result.stderr
        assert "tester.yaml:" in result.stderr
        assert len(result.stderr) < 400
    assert not (tmp_path / "p").exists()


def test_a_five_megabyte_bank_file_is_not_read(runner, tmp_path):
    questions = balanced_questions()
    questions[0] = question(questions[0]["id"], "motivation", "easy",
                            question="长" * (2 * 1024 * 1024))  # 6 MB of UTF-8
    bank = write_bank(tmp_path / "bank", questions)
    for args in commands(bank, tmp_path / "p"):
        result = timed(runner, args)
        assert result.exit_code == 1
        one_line_error(result.stderr, "tester.yaml", "题库文件太大")


@pytest.mark.parametrize("option", ["--company", "--candidate", "--role"])
def test_an_option_of_thousands_of_characters(runner, tmp_path, option):
    bank = write_bank(tmp_path / "bank", balanced_questions())
    args = ["build", *BASE, "--bank", str(bank), "--out", str(tmp_path / "p")]
    if option == "--role":
        args[args.index("--role") + 1] = "r" * 5_000
    else:
        args += [option, "公" * 5_000]
    result = timed(runner, args)
    assert result.exit_code == 1
    one_line_error(result.stderr, option, "太长")
    assert len(result.stderr) < 300
    assert not (tmp_path / "p").exists()


def test_a_candidates_file_with_too_many_rows(runner, tmp_path):
    bank = write_bank(tmp_path / "bank", balanced_questions())
    people = tmp_path / "many.csv"
    people.write_text("姓名\n" + "".join(f"应聘者{i}\n" for i in range(20_000)),
                      encoding="utf-8")
    result = timed(runner, ["build", *BASE, "--bank", str(bank), "--out", str(tmp_path / "p"),
                            "--candidates", str(people)])
    assert result.exit_code == 1
    one_line_error(result.stderr, "many.csv", f"超过 {limits.MAX_TABLE_ROWS} 行")


def test_the_shipped_bank_is_far_inside_every_limit(shipped_bank):
    longest = max(len(text) for q in shipped_bank.questions for text in q.texts().values())
    assert longest < limits.MAX_QUESTION_CHARS / 10
    biggest = max(p.stat().st_size for p in Path(shipped_bank.root).glob("*.yaml"))
    assert biggest < limits.MAX_BANK_FILE_BYTES / 10


def test_yaml_anchors_that_stay_small_are_fine(tmp_path):
    from examgen.bank import read_yaml

    path = tmp_path / "ok.yaml"
    path.write_text(yaml.safe_dump({"a": 1}) + "b: &x [1, 2]\nc: *x\nd: P&L 与 R&D\n",
                    encoding="utf-8")
    assert read_yaml(path)["c"] == [1, 2]


@pytest.mark.parametrize("count", ["0", "-1", "abc", "1e3"])
def test_a_count_that_is_not_a_positive_whole_number_is_a_usage_error(runner, tmp_path,
                                                                       count):
    bank = write_bank(tmp_path / "bank", balanced_questions())
    result = runner.invoke(main, ["build", "--role", "tester", "--count", count, "--bank",
                                  str(bank), "--out", str(tmp_path / "p")])
    assert result.exit_code == 2  # Click's usage error, as before
    assert "--count" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "p").exists()
