"""`examgen scores template` and `examgen scores import`: ratings typed into a sheet."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from examgen.cli import main
from examgen.history import History
from examgen.readings import RECOMMENDATION, Reading, readings, store

from .scoring_round import copy_round


@pytest.fixture
def rnd(scoring_round, tmp_path):
    return copy_round(scoring_round, tmp_path / "h")


def run(runner, rnd, *args):
    return runner.invoke(main, [*args, "--history", str(rnd["history"])])


def write_csv(path, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def template_rows(runner, rnd, tmp_path, name="ratings.csv"):
    out = tmp_path / name
    result = run(runner, rnd, "scores", "template", rnd["round"], "-o", str(out))
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


def test_template_has_a_row_per_paper_and_interviewer_and_a_column_per_question(
        runner, rnd, tmp_path):
    rows = template_rows(runner, rnd, tmp_path)
    assert rows[0] == ["应聘者", "试卷编号", "面试官编号", "面试官", "第1题", "第2题", "第3题",
                       "第4题", "第5题", "推荐意见"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("张三", "1", "面试官1"), ("张三", "2", "面试官2"), ("李四", "1", "面试官1"),
        ("李四", "2", "面试官2"), ("王喆堃", "1", "面试官1"), ("王喆堃", "2", "面试官2")]
    assert rows[1][1] == rnd["records"]["张三"].id
    assert (tmp_path / "ratings.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_template_as_xlsx_shows_what_is_already_stored(runner, rnd, tmp_path):
    pid = rnd["records"]["李四"].id
    with History(rnd["history"]) as h:
        store(h, [Reading(pid, 2, "3", "4"), Reading(pid, 2, RECOMMENDATION, "待定")])
    out = tmp_path / "ratings.xlsx"
    result = run(runner, rnd, "scores", "template", pid, "-o", str(out), "--interviewers", "3")
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 4  # header + three interviewers
    assert values[2][:4] == ["李四", pid, 2, "面试官2"]
    assert values[2][6] == 4
    assert values[2][9] == "待定"


def test_template_never_overwrites_without_force(runner, rnd, tmp_path):
    out = tmp_path / "ratings.csv"
    out.write_text("mine", encoding="utf-8")
    result = run(runner, rnd, "scores", "template", rnd["round"], "-o", str(out))
    assert result.exit_code == 1
    assert "已存在" in result.stderr
    assert "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "mine"
    result = run(runner, rnd, "scores", "template", rnd["round"], "-o", str(out), "--force")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8-sig").startswith("应聘者")


def test_template_of_an_unknown_round_is_a_one_line_error(runner, rnd, tmp_path):
    result = run(runner, rnd, "scores", "template", "R-NOPE", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：历史记录中没有试卷或面试轮次 R-NOPE")
    assert not (tmp_path / "x.csv").exists()


def test_import_stores_typed_ratings_and_blank_cells_store_nothing(runner, rnd, tmp_path):
    rows = template_rows(runner, rnd, tmp_path)
    rows[1][4:10] = ["4", "3", "5", "2", "", "推荐"]
    rows[2][4:10] = ["5", "未评", "", "", "", ""]
    write_csv(tmp_path / "filled.csv", rows)
    result = run(runner, rnd, "scores", "import", str(tmp_path / "filled.csv"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["rows"], data["new"], data["errors"]) == (6, 7, [])
    pid = rnd["records"]["张三"].id
    with History(rnd["history"]) as h:
        got = [(r.interviewer, r.question, r.value, r.source) for r in readings(h, [pid])]
    assert sorted(got, key=str) == sorted([
        (1, "1", "4", "typed"), (1, "2", "3", "typed"), (1, "3", "5", "typed"),
        (1, "4", "2", "typed"), (1, RECOMMENDATION, "推荐", "typed"),
        (2, "1", "5", "typed"), (2, "2", None, "typed")], key=str)
    again = run(runner, rnd, "scores", "import", str(tmp_path / "filled.csv"))
    assert again.exit_code == 0
    assert "新记录 0 个评分，7 个与已记录的相同" in again.stdout


def test_bad_rows_are_reported_a_line_each_and_store_nothing(runner, rnd, tmp_path):
    rows = template_rows(runner, rnd, tmp_path)
    header = rows[0]
    rows[1][4:6] = ["4", "6"]  # rating out of range
    rows[2][4] = "3"  # a good row
    rows[3][1] = "D-20990101-NOSUCH"  # unknown paper
    rows[3][4] = "3"
    rows[4][9] = "还行"  # unknown recommendation
    rows.append(["李四", rows[5][1], "2", "", "", "", "", "", "", ""] + ["3"])
    header.append("第6题")  # a question the paper does not have
    for r in rows[1:-1]:
        r.append("")
    write_csv(tmp_path / "bad.csv", rows)
    result = run(runner, rnd, "scores", "import", str(tmp_path / "bad.csv"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "错误：bad.csv 第 2 行：第 2 题的评分“6”应为 1–5 的整数（或“未评”）",
        "错误：bad.csv 第 4 行：历史记录中没有试卷“D-20990101-NOSUCH”",
        "错误：bad.csv 第 5 行：推荐意见“还行”应为强烈推荐、推荐、待定、不推荐之一",
        "错误：bad.csv 第 8 行：第 6 题：试卷 " + rows[5][1] + " 只有 5 道题",
    ]
    with History(rnd["history"]) as h:
        stored = readings(h)
    assert [(r.paper, r.interviewer, r.question, r.value) for r in stored] == [
        (rnd["records"]["张三"].id, 2, "1", "3")]


def test_a_row_that_contradicts_a_stored_reading_needs_replace(runner, rnd, tmp_path):
    pid = rnd["records"]["王喆堃"].id
    with History(rnd["history"]) as h:
        store(h, [Reading(pid, 1, "2", "4", "scan", "scan-01.png", 1)])
    rows = template_rows(runner, rnd, tmp_path)
    row = next(i for i, r in enumerate(rows) if r[1] == pid and r[2] == "1")
    assert rows[row][5] == "4"  # the template shows the stored rating
    rows[row][4:6] = ["5", "2"]
    write_csv(tmp_path / "c.csv", rows)
    result = run(runner, rnd, "scores", "import", str(tmp_path / "c.csv"))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"错误：c.csv 第 {row + 1} 行：第 2 题已记录为“4”（来源：scan scan-01.png），"
        "表中为“2”；以表格为准请加 --replace")
    with History(rnd["history"]) as h:
        assert [(r.question, r.value) for r in readings(h, [pid])] == [("2", "4")]
    result = run(runner, rnd, "scores", "import", str(tmp_path / "c.csv"), "--replace")
    assert result.exit_code == 0, result.output
    assert "替换 1 个" in result.stdout
    with History(rnd["history"]) as h:
        assert [(r.question, r.value, r.source) for r in readings(h, [pid])] == [
            ("1", "5", "typed"), ("2", "2", "typed")]


def test_import_of_a_missing_or_foreign_file_is_a_one_line_error(runner, rnd, tmp_path):
    result = run(runner, rnd, "scores", "import", str(tmp_path / "none.csv"))
    assert result.exit_code == 1
    assert "评分表文件不存在" in result.stderr
    (tmp_path / "x.txt").write_text("a", encoding="utf-8")
    result = run(runner, rnd, "scores", "import", str(tmp_path / "x.txt"))
    assert result.exit_code == 1
    assert "只能是 .xlsx 或 .csv" in result.stderr
    (tmp_path / "h.csv").write_text("姓名,分数\n张三,4\n", encoding="utf-8")
    result = run(runner, rnd, "scores", "import", str(tmp_path / "h.csv"))
    assert result.stderr.strip() == ("错误：" + str(tmp_path / "h.csv") + ":1: 第一行缺少"
                                     "“试卷编号”“面试官编号”列（请用 examgen scores template "
                                     "生成的表格）")
