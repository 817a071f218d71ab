"""Rounds: one paper per candidate, little overlap, a manifest HR can open."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from examgen.bank import load_bank
from examgen.cli import main
from examgen.errors import ExamgenError
from examgen.history import History
from examgen.workers import Renderer
from examgen.resources import default_bank_dir
from examgen.rounds import Candidate, overlap, plan_round, read_candidates

from .conftest import balanced_questions, write_bank
from .pdftext import page_texts, squash


def write_csv(path: Path, text: str, bom: bool = True) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize("bom", [True, False])
def test_candidates_csv_with_chinese_or_english_headers(tmp_path, bom):
    chinese = write_csv(tmp_path / "a.csv", "姓名,邮箱,编号\n张三,z@example.com,C1\n李四,,\n", bom)
    assert read_candidates(chinese) == [Candidate("张三", "z@example.com", "C1"),
                                        Candidate("李四")]
    english = write_csv(tmp_path / "b.csv", "name,email\n王五,w@example.com\n", bom)
    assert read_candidates(english) == [Candidate("王五", "w@example.com")]


def test_candidates_from_xlsx(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "编号"])
    book.active.append(["赵六", 17])
    book.save(tmp_path / "c.xlsx")
    assert read_candidates(tmp_path / "c.xlsx") == [Candidate("赵六", "", "17")]


@pytest.mark.parametrize(("text", "message"), [
    ("email\nx@example.com\n", "第 1 行应为表头"),
    ("姓名,邮箱\n张三,not-an-address\n", "邮箱 'not-an-address' 格式不对"),
    ("姓名,邮箱\n,a@example.com\n", "姓名为空"),
    ("姓名\n", "只有表头"),
])
def test_bad_candidate_lists_name_the_file_and_line(tmp_path, text, message):
    path = write_csv(tmp_path / "bad.csv", text)
    with pytest.raises(ExamgenError, match=message) as caught:
        read_candidates(path)
    assert "bad.csv" in str(caught.value)


def test_non_utf8_list_is_explained(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("姓名\n张三\n".encode("gbk"))
    with pytest.raises(ExamgenError, match="不是 UTF-8"):
        read_candidates(path)


def test_papers_of_a_round_share_nothing_when_the_bank_allows(tmp_path):
    bank = load_bank(write_bank(tmp_path, balanced_questions(4)))  # 36 questions
    people = [Candidate(n) for n in ("甲", "乙", "丙", "丁")]
    papers = plan_round(bank, "tester", 6, 1, people, seen={}, day="2026-12-01")
    assert overlap(papers).max_shared == 0
    assert [p.seed for p in papers] == [1, 2, 3, 4]
    assert [p.candidate for p in papers] == ["甲", "乙", "丙", "丁"]


def test_round_overlap_is_smaller_than_independent_papers(shipped_bank):
    people = [Candidate(f"应聘者{i}") for i in range(6)]
    planned = plan_round(shipped_bank, "director", 20, 11, people, seen={}, day="2026-12-01")
    independent = [plan_round(shipped_bank, "director", 20, 11 + i, [p], seen={},
                              day="2026-12-01")[0] for i, p in enumerate(people)]
    assert overlap(planned).mean_shared < overlap(independent).mean_shared


@pytest.fixture(scope="module")
def round_build(tmp_path_factory):
    from click.testing import CliRunner

    tmp = tmp_path_factory.mktemp("round")
    people = write_csv(tmp / "people.csv",
                       "姓名,邮箱,编号\n张三,zhang@example.com,C001\n李四,,C002\n王五,,\n")
    history = tmp / "history.sqlite3"
    result = CliRunner().invoke(main, [
        "build", "--role", "after-sales-manager", "--count", "10", "--seed", "3",
        "--candidates", str(people), "--date", "2026-12-01", "--out", str(tmp / "papers"),
        "--history", str(history), "--bank", str(default_bank_dir()), "--json"])
    assert result.exit_code == 0, result.output
    return {"json": json.loads(result.stdout), "history": history, "tmp": tmp}


def test_round_builds_one_paper_per_candidate_with_their_name(round_build):
    papers = round_build["json"]["papers"]
    assert [p["candidate"] for p in papers] == ["张三", "李四", "王五"]
    for paper in papers:
        for key in ("questions", "answer_key"):
            first_page = squash(page_texts(Path(paper["files"][key]))[0])
            assert paper["candidate"] in first_page
            assert paper["id"] in first_page


def test_round_folder_has_manifest_in_csv_and_json(round_build):
    info = round_build["json"]["round"]
    folder = Path(info["folder"])
    assert folder.name == info["id"]
    assert info["id"].startswith("R-ASM-20261201-")
    rows = list(csv.reader(Path(info["manifest"]["csv"]).read_text(encoding="utf-8-sig")
                           .splitlines()))
    assert rows[0] == ["应聘者", "应聘者编号", "邮箱", "试卷编号", "题目卷", "面试官用卷"]
    assert rows[1][:4] == ["张三", "C001", "zhang@example.com",
                           round_build["json"]["papers"][0]["id"]]
    assert (folder / rows[1][4]).is_file()
    assert (folder / rows[1][5]).is_file()
    manifest = json.loads(Path(info["manifest"]["json"]).read_text(encoding="utf-8"))
    assert [p["candidate"] for p in manifest["papers"]] == ["张三", "李四", "王五"]
    assert manifest["overlap"] == info["overlap"]


def test_round_is_recorded_in_the_history(round_build):
    with History(round_build["history"]) as history:
        records = history.find(role="after-sales-manager")
    assert [r.candidate for r in records] == ["张三", "李四", "王五"]
    assert {r.round for r in records} == {round_build["json"]["round"]["id"]}
    assert records[0].email == "zhang@example.com"
    assert records[0].candidate_id == "C001"


def test_returning_candidate_gets_fresh_questions(round_build, runner):
    first = round_build["json"]["papers"][0]
    result = runner.invoke(main, [
        "build", "--role", "after-sales-manager", "--count", "10", "--candidate", "张三",
        "--date", "2026-12-08", "--out", str(round_build["tmp"] / "second"),
        "--history", str(round_build["history"]), "--bank", str(default_bank_dir()), "--json"])
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    assert not {q["id"] for q in paper["questions"]} & {q["id"] for q in first["questions"]}
    assert paper["repeated_questions"] == []


def test_repeats_are_counted_when_the_bank_runs_out(tmp_path, runner):
    bank = write_bank(tmp_path / "bank", balanced_questions(1))  # 9 questions
    args = ["build", "--role", "tester", "--count", "6", "--candidate", "孙七", "--bank",
            str(bank), "--out", str(tmp_path / "out"), "--seed", "1"]
    assert runner.invoke(main, [*args, "--date", "2026-12-01"]).exit_code == 0
    again = runner.invoke(main, [*args, "--date", "2026-12-02"])
    assert again.exit_code == 0, again.output
    # knowledge needs 3 and the candidate saw all 3; situational needs 2 and 1 is new
    assert "孙七 此前做过 6 道题；题库不够，本卷仍有 4 题重复" in again.stdout


def test_candidate_and_candidates_together_is_an_error(runner, tmp_path):
    people = write_csv(tmp_path / "p.csv", "姓名\n甲\n")
    result = runner.invoke(main, ["build", "--role", "director", "--candidate", "乙",
                                  "--candidates", str(people)])
    assert result.exit_code == 1
    assert "--candidate 与 --candidates 只能选一个" in result.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rounds_show_a_progress_bar_on_a_terminal_only(tmp_path, monkeypatch):
    from examgen.cli import build_command

    bank = load_bank(write_bank(tmp_path / "bank", balanced_questions(2)))
    people = [Candidate(n) for n in ("甲", "乙", "丙", "丁")]
    papers = plan_round(bank, "tester", 3, 1, people, seen={}, day="2026-12-01")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with Renderer(workers=1) as renderer:
        build_command._render(papers, tmp_path / "a", False, False, renderer, as_json=False)
        assert "正在生成试卷" in terminal.getvalue()
        assert "100%" in terminal.getvalue()
        quiet = FakeTerminal()
        monkeypatch.setattr(sys, "stderr", quiet)
        build_command._render(papers, tmp_path / "b", False, False, renderer, as_json=True)
        assert quiet.getvalue() == ""
