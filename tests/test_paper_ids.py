"""An id names one paper, forever: nothing is replaced, duplicated or lost without --force."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from examgen.bank import load_bank
from examgen.build import new_paper
from examgen.cli import main
from examgen.history import History

from .conftest import balanced_questions, question, write_bank
from .hardening import one_line_error, snapshot

BASE = ("--role", "tester", "--count", "3", "--seed", "7", "--date", "2026-12-02")


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank", balanced_questions())


def build(runner, bank: Path, out: Path, *extra: str):
    return runner.invoke(main, ["build", *BASE, "--bank", str(bank), "--out", str(out),
                                "--json", *extra])


def records(path: Path | None = None) -> list:
    with History(path) as history:
        return history.find()


def test_the_id_changes_with_everything_the_paper_prints(tmp_path, bank):
    loaded = load_bank(bank)
    same = [new_paper(loaded, "tester", 3, 7, day="2026-12-02", company="甲公司",
                      candidate="张三").id for _ in range(2)]
    assert same[0] == same[1]  # the same inputs give the same paper and id
    others = {
        new_paper(loaded, "tester", 3, 7, day="2026-12-02", company="乙公司",
                  candidate="张三").id,
        new_paper(loaded, "tester", 3, 7, day="2026-12-02", company="甲公司",
                  candidate="李四").id,
        new_paper(loaded, "tester", 3, 8, day="2026-12-02", company="甲公司",
                  candidate="张三").id,
        new_paper(loaded, "tester", 3, 7, day="2026-12-03", company="甲公司",
                  candidate="张三").id,
    }
    questions = balanced_questions()
    questions[0] = question(questions[0]["id"], "motivation", "easy",
                            question="改过措辞的题目？")
    edited = load_bank(write_bank(tmp_path / "edited", questions))
    others.add(new_paper(edited, "tester", 3, 7, day="2026-12-02", company="甲公司",
                         candidate="张三").id)
    assert same[0] not in others
    assert len(others) == 5


def test_different_company_means_a_different_paper_and_record(runner, tmp_path, bank):
    first = build(runner, bank, tmp_path / "a", "--company", "甲公司")
    second = build(runner, bank, tmp_path / "a", "--company", "乙公司")
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    ids = {json.loads(r.stdout)["papers"][0]["id"] for r in (first, second)}
    assert len(ids) == 2
    assert len(records()) == 2
    assert len(list((tmp_path / "a").glob("*.pdf"))) == 4


def test_the_same_paper_built_again_is_refused_and_nothing_changes(runner, tmp_path, bank):
    assert build(runner, bank, tmp_path / "a").exit_code == 0
    before = snapshot(tmp_path / "a")
    for out in ("a", "b"):  # the same folder, or another one: the same paper either way
        again = build(runner, bank, tmp_path / out)
        assert again.exit_code == 1
        one_line_error(again.stderr, "已存在于历史记录中", "examgen reprint", "--force")
    assert snapshot(tmp_path / "a") == before
    assert not (tmp_path / "b").exists()
    assert len(records()) == 1


def test_force_reprints_in_place_and_keeps_the_one_record(runner, tmp_path, bank):
    first = build(runner, bank, tmp_path / "a")
    [sheet] = (tmp_path / "a").glob("*-sheet.pdf")
    original = sheet.read_bytes()
    sheet.write_bytes(b"coffee stain")
    again = runner.invoke(main, ["build", *BASE, "--bank", str(bank), "--out",
                                 str(tmp_path / "a"), "--force"])
    assert again.exit_code == 0, again.output
    assert "按 --force 在原处重印" in again.stdout
    assert sheet.read_bytes() == original
    [record] = records()
    assert record.id == json.loads(first.stdout)["papers"][0]["id"]


def write_list(path: Path, rows: list[str]) -> Path:
    path.write_text("姓名,邮箱\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_the_same_round_twice_is_refused_and_force_starts_a_new_round(runner, tmp_path, bank):
    people = write_list(tmp_path / "two.csv", ["张三,z@example.com", "李四,l@example.com"])
    first = build(runner, bank, tmp_path / "p", "--candidates", str(people))
    assert first.exit_code == 0, first.output
    rid = json.loads(first.stdout)["round"]["id"]
    before = snapshot(tmp_path / "p")
    again = build(runner, bank, tmp_path / "p", "--candidates", str(people))
    assert again.exit_code == 1
    one_line_error(again.stderr, rid, "已经生成过", "--force")
    assert snapshot(tmp_path / "p") == before
    assert len(records()) == 2

    forced = build(runner, bank, tmp_path / "p", "--candidates", str(people), "--force")
    assert forced.exit_code == 0, forced.output
    new = json.loads(forced.stdout)["round"]["id"]
    assert new != rid
    assert snapshot(tmp_path / "p") == {**before, **snapshot(tmp_path / "p" / new)}
    with History() as history:
        assert len(history.find(round_id=rid)) == 2  # `mail R-…` still means two papers
        assert len(history.find(round_id=new)) == 2


def test_rounds_differing_only_in_company_or_bank_have_their_own_ids(runner, tmp_path, bank):
    people = write_list(tmp_path / "two.csv", ["张三", "李四"])
    ids = set()
    for company, history in (("甲公司", "h1"), ("乙公司", "h2")):
        result = build(runner, bank, tmp_path / "p", "--candidates", str(people),
                       "--company", company, "--history", str(tmp_path / history))
        assert result.exit_code == 0, result.output
        ids.add(json.loads(result.stdout)["round"]["id"])
    assert len(ids) == 2


def test_formulas_in_names_stay_text_in_the_manifest(runner, tmp_path, bank):
    people = tmp_path / "evil.csv"
    people.write_text("姓名,编号\n\"=cmd|' /C calc'!A0\",@SUM(1)\n"
                      "\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",+1\n", encoding="utf-8")
    result = build(runner, bank, tmp_path / "p", "--candidates", str(people))
    assert result.exit_code == 0, result.output
    manifest = Path(json.loads(result.stdout)["round"]["manifest"]["csv"])
    rows = list(csv.reader(io.StringIO(manifest.read_text(encoding="utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert {"'=cmd|' /C calc'!A0", "'@SUM(1)", "'+1"} <= set(cells)
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


@pytest.mark.parametrize("name", ["张三\n李四", "张\r三", "王\x1b[31m五", "赵\u2028六"])
def test_a_name_with_a_line_break_or_control_character_is_refused(runner, tmp_path, bank,
                                                                   name):
    result = build(runner, bank, tmp_path / "p", "--candidate", name)
    assert result.exit_code == 1
    one_line_error(result.stderr, "--candidate", "控制字符")
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(("text", "line", "message"), [
    ("姓名\n张三\n李\x07四\n", 3, "控制字符"),
    ("姓名,邮箱\n\"张三,z@example.com\n李四,l@example.com\n", 2, "引号"),
    ("姓名\n张三\n\n\"李\n四\"\n", 4, "跨了多行"),
    ("姓名\n" + "长" * 200 + "\n", 2, "太长"),
])
def test_bad_rows_in_a_candidates_file_name_their_row(runner, tmp_path, bank, text, line,
                                                      message):
    people = tmp_path / "bad.csv"
    people.write_text(text, encoding="utf-8")
    result = build(runner, bank, tmp_path / "p", "--candidates", str(people))
    assert result.exit_code == 1
    one_line_error(result.stderr, f"bad.csv:{line}", message)
    assert not (tmp_path / "p").exists()
    assert records() == []


def _popen(args: list[str], env: dict[str, str], preamble: str = "") -> subprocess.Popen:
    code = textwrap.dedent(preamble) + "\nfrom examgen.cli import main\nmain()\n"
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_five_concurrent_identical_builds_one_wins_the_others_say_so(tmp_path, bank):
    env = {**os.environ, "EXAMGEN_HISTORY": str(tmp_path / "h.sqlite3")}
    args = ["build", *BASE, "--bank", str(bank), "--out", str(tmp_path / "p")]
    procs = [_popen(args, env) for _ in range(5)]
    results = [(p.wait(timeout=180), p.stderr.read()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 1, 1, 1, 1], results
    for code, err in results:
        if code:
            one_line_error(err, "已存在于历史记录中")
    assert len(records(tmp_path / "h.sqlite3")) == 1
    assert sorted(p.name.split("-", 3)[-1] for p in (tmp_path / "p").iterdir()) == [
        "key.pdf", "sheet.pdf"]  # no temporary file left behind


KILL_ON_SECOND_LINK = """
import os, signal
_link, _calls = os.link, []
def link(*args, **kwargs):
    _calls.append(args)
    if len(_calls) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
    return _link(*args, **kwargs)
os.link = link
"""


def test_a_build_killed_between_its_renames_does_not_block_the_rerun(tmp_path, bank):
    env = {**os.environ, "EXAMGEN_HISTORY": str(tmp_path / "h.sqlite3")}
    args = ["build", *BASE, "--bank", str(bank), "--out", str(tmp_path / "p")]
    killed = _popen(args, env, KILL_ON_SECOND_LINK)
    assert killed.wait(timeout=120) == -signal.SIGKILL
    left = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert len([n for n in left if n.endswith(".pdf")]) == 1  # the sheet; the key a .tmp
    assert records(tmp_path / "h.sqlite3") == []  # its record was never committed
    rerun = _popen(args, env)
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read()
    assert sorted(p.name.split("-", 3)[-1] for p in (tmp_path / "p").iterdir()) == [
        "key.pdf", "sheet.pdf"]
    [record] = records(tmp_path / "h.sqlite3")
    for key, path in record.files.items():
        assert Path(path).exists(), key


def test_concurrent_builds_for_one_candidate_never_repeat_a_question(tmp_path):
    bank = write_bank(tmp_path / "bank", balanced_questions(4))
    env = {**os.environ, "EXAMGEN_HISTORY": str(tmp_path / "h.sqlite3")}
    procs = [_popen(["build", "--role", "tester", "--count", "3", "--seed", str(seed),
                     "--date", "2026-12-02", "--candidate", "张三", "--bank", str(bank),
                     "--out", str(tmp_path / "p")], env) for seed in (1, 2, 3)]
    for proc in procs:
        assert proc.wait(timeout=180) == 0, proc.stderr.read()
    issued = [q for r in records(tmp_path / "h.sqlite3") for q in r.questions]
    assert len(issued) == 9
    assert len(set(issued)) == 9  # what one build gave 张三, the others avoided
