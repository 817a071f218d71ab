"""`examgen report`: a round of three candidates, two interviewers, ratings typed into the
template, gives the ranking and totals a person works out by hand."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from examgen.cli import main
from examgen.history import History
from examgen.readings import readings

from .pdftext import embedded_fonts, page_texts, squash
from .scoring_round import copy_round

# Typed by HR: per candidate, interviewer 1 and 2, questions 1–5 and the recommendation.
# Every question is worth 10 points: Q1 motivation, Q2–3 knowledge, Q4–5 situational.
TYPED = {
    "张三": ([4, 3, 5, 2, 4, "推荐"], [5, 4, 3, 3, 4, "推荐"]),
    "李四": ([3, 3, 3, 3, 3, "待定"], [2, 2, 3, 2, None, "不推荐"]),  # Q5 left blank
    "王喆堃": ([5, 5, 4, 5, 5, "强烈推荐"], [5, 4, 4, 5, 5, "推荐"]),
}


@pytest.fixture(scope="module")
def rated(scoring_round, tmp_path_factory):
    """The round with the ratings typed into the .xlsx template and imported."""
    tmp = tmp_path_factory.mktemp("rated")
    rnd = copy_round(scoring_round, tmp)
    from click.testing import CliRunner

    runner = CliRunner()
    sheet_path = tmp / "ratings.xlsx"
    result = runner.invoke(main, ["scores", "template", rnd["round"], "-o", str(sheet_path),
                                  "--history", str(rnd["history"])])
    assert result.exit_code == 0, result.output
    book = load_workbook(sheet_path)
    sheet = book.active
    for row in sheet.iter_rows(min_row=2):
        candidate, interviewer = row[0].value, row[2].value
        for cell, value in zip(row[4:10], TYPED[candidate][interviewer - 1], strict=True):
            cell.value = value
    book.save(sheet_path)
    result = runner.invoke(main, ["scores", "import", str(sheet_path),
                                  "--history", str(rnd["history"])])
    assert result.exit_code == 0, result.output
    return rnd


def report(runner, rnd, out, *args):
    return runner.invoke(main, ["report", rnd["round"], "--out", str(out),
                                "--history", str(rnd["history"]), *args])


def test_the_small_bank_gives_each_paper_the_dimensions_the_hand_numbers_assume(rated):
    with History(rated["history"]) as h:
        for record in h.find():
            dims = [qid.split("-")[0] for qid in record.questions]
            assert dims == ["motivation", "knowledge", "knowledge", "situational",
                            "situational"]


@pytest.fixture(scope="module")
def report_json(rated, tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("report")
    result = report(CliRunner(), rated, out, "--json", "--html")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), out


def test_ranking_and_totals_match_the_hand_computation(report_json, rated):
    data, _ = report_json
    # 张三:   I1 8+6+10+4+8 = 36, I2 10+8+6+6+8 = 38 → panel 37
    # 李四:   I1 6×5 = 30, I2 4+4+6+4 = 18 (Q5 not rated) → Q5 from I1 alone: 5+5+6+5+6 = 27
    # 王喆堃: I1 10+10+8+10+10 = 48, I2 10+8+8+10+10 = 46 → panel 47
    assert [(e["candidate"], e["total"], e["max"]) for e in data["ranking"]] == [
        ("王喆堃", 47.0, 50.0), ("张三", 37.0, 50.0), ("李四", 27.0, 50.0)]
    first, second, third = data["ranking"]
    assert first["dimensions"] == {"motivation": 10.0, "knowledge": 17.0, "situational": 20.0}
    assert second["dimensions"] == {"motivation": 9.0, "knowledge": 15.0, "situational": 13.0}
    assert third["dimensions"] == {"motivation": 5.0, "knowledge": 11.0, "situational": 11.0}
    assert second["interviewers"] == {"1": 36.0, "2": 38.0}
    assert third["interviewers"] == {"1": 30.0, "2": 18.0}
    assert (third["missing"], second["missing"]) == (1, 0)
    assert second["flags"] == [3]  # 5 against 3
    assert third["flags"] == []
    assert first["flags"] == []
    assert first["recommendations"] == {"强烈推荐": 1, "推荐": 1}
    assert third["recommendations"] == {"待定": 1, "不推荐": 1}
    assert first["paper"] == rated["records"]["王喆堃"].id


def test_interviewer_means_against_the_panel(report_json):
    data, _ = report_json
    # I1 rated 15 questions: 18 + 15 + 24 = 57 → 3.8; the panel on them 55.5 / 15 = 3.7
    # I2 rated 14: 19 + 9 + 23 = 51 → 3.64; the panel on them 52.5 / 14 = 3.75
    assert data["interviewers"] == [
        {"number": 1, "name": "面试官1", "mean": 3.8, "panel_mean": 3.7},
        {"number": 2, "name": "面试官2", "mean": 3.64, "panel_mean": 3.75}]


def test_json_has_the_issues_shape(report_json, rated):
    data, out = report_json
    assert set(data) >= {"round", "ranking", "interviewers"}
    assert data["round"] == rated["round"]
    assert set(data["ranking"][0]) >= {"candidate", "paper", "total", "max", "dimensions",
                                       "interviewers", "recommendations", "flags", "missing"}
    assert data["pdf"] == str(out / f"{rated['round']}-report.pdf")
    assert data["same_questions"] is False
    assert any("题目不同" in n for n in data["notes"])


def test_papers_with_different_questions_get_standardized_scores(report_json, rated):
    data, _ = report_json
    with History(rated["history"]) as h:
        papers = {r.candidate: r.questions for r in h.find()}
    # The papers differ but share questions (the round's bank is too small for three papers
    # of five without repeats); 王喆堃's panel ratings are the highest on each question.
    shared = set(papers["王喆堃"]) & (set(papers["张三"]) | set(papers["李四"]))
    assert shared
    scores = {e["candidate"]: e["standardized"] for e in data["ranking"]}
    assert max(scores, key=lambda c: scores[c]) == "王喆堃"
    assert scores["王喆堃"] > 0
    assert all(-2 <= z <= 2 for z in scores.values())


def test_the_pdf_reads_as_a_report(report_json, rated):
    _, out = report_json
    pdf = out / f"{rated['round']}-report.pdf"
    pages = page_texts(pdf)
    first = squash(pages[0])  # the ranking, on a landscape page
    assert "测试岗岗位面试评估报告" in first
    assert "1王喆堃" in first
    assert "47.0/50（94%）" in first
    assert "2张三" in first
    assert "3李四" in first
    overview = squash(pages[1])
    assert "本轮总分" in overview
    assert "面试官评分倾向" in overview
    assert "面试官1" in overview
    assert "适中" in overview  # 3.80 against 3.70: within 0.5
    assert "计分方法" in overview
    # one page per candidate, in rank order, with the chart's labels as real text
    assert len(pages) == 5
    boxes = [(p.mediabox.width, p.mediabox.height) for p in PdfReader(pdf).pages]
    assert boxes[0][0] > boxes[0][1]
    assert all(w < h for w, h in boxes[1:])
    for page, name in zip(pages[2:], ("王喆堃", "张三", "李四"), strict=True):
        text = squash(page)
        assert f"名·{name}" in text
        assert "本人得分率" in text
        assert "本轮平均" in text
    zhang = squash(pages[3])
    assert "需合议的题目" in zhang
    assert "第3题" in zhang
    assert "没有需要合议的题目" in squash(pages[2])
    assert {f.split("+")[1] for f in embedded_fonts(pdf)} == {
        "Examgen-Sans-SC", "Examgen-Sans-SC-Bold"}
    assert pdf.stat().st_size < 400_000
    html = (out / f"{rated['round']}-report.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert "data:font" in html


def test_a_report_changes_no_reading_and_never_overwrites_without_force(rated, runner,
                                                                      tmp_path):
    with History(rated["history"]) as h:
        before = readings(h)
    assert report(runner, rated, tmp_path).exit_code == 0
    target = tmp_path / f"{rated['round']}-report.pdf"
    stamp = target.read_bytes()
    again = report(runner, rated, tmp_path)
    assert again.exit_code == 1
    assert "已存在" in again.stderr
    assert "--force" in again.stderr
    assert target.read_bytes() == stamp
    assert report(runner, rated, tmp_path, "--force").exit_code == 0
    with History(rated["history"]) as h:
        assert readings(h) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temp files left


def test_report_of_an_unknown_round_is_a_one_line_error(rated, runner, tmp_path):
    result = runner.invoke(main, ["report", "R-NOPE", "--out", str(tmp_path),
                                  "--history", str(rated["history"])])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：历史记录中没有试卷或面试轮次 R-NOPE")
    assert list(tmp_path.iterdir()) == []


def test_report_of_single_papers_is_named_after_them(rated, runner, tmp_path):
    ids = [rated["records"]["张三"].id, rated["records"]["李四"].id]
    result = runner.invoke(main, ["report", *ids, "--out", str(tmp_path), "--json",
                                  "--history", str(rated["history"])])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [e["candidate"] for e in data["ranking"]] == ["张三", "李四"]
    assert data["pdf"].endswith(f"{ids[0]}-{ids[1]}-report.pdf")


def test_scanned_sheets_give_the_same_report_as_typed_ones(scoring_round, report_json,
                                                          tmp_path, runner):
    from .scoring_round import scanned_sheets

    rnd = copy_round(scoring_round, tmp_path / "h")
    files = scanned_sheets(rnd, TYPED, tmp_path / "scans")
    result = runner.invoke(main, ["scan", *map(str, files), "--history", str(rnd["history"])])
    assert result.exit_code == 0, result.output
    with History(rnd["history"]) as h:
        assert {r.source for r in readings(h)} == {"scan"}
    result = report(runner, rnd, tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    scanned = json.loads(result.stdout)
    typed, _ = report_json
    for key in ("ranking", "interviewers"):
        assert scanned[key] == typed[key]


def test_a_named_panel_with_the_same_questions_needs_no_bank_afterwards(tmp_path, runner):
    """Oral rounds record interviewers, same questions and each question's points: the
    template names the interviewers, the report uses the stored points (the bank may be
    gone) and ranks on raw totals without a standardized score."""
    import shutil

    from .conftest import balanced_questions, write_bank

    bank = write_bank(tmp_path / "bank", balanced_questions())
    people = tmp_path / "c.csv"
    people.write_text("姓名\n甲\n乙\n", encoding="utf-8")
    history = ["--history", str(tmp_path / "h.sqlite3")]
    built = runner.invoke(main, ["build", "--role", "tester", "--count", "5", "--seed", "2",
                                 "--bank", str(bank), "--candidates", str(people),
                                 "--mode", "oral", "--interviewers", "王敏,李强",
                                 "--same-questions", "--date", "2026-12-01",
                                 "--out", str(tmp_path / "papers"), "--json", *history])
    assert built.exit_code == 0, built.output
    round_id = json.loads(built.stdout)["round"]["id"]
    shutil.rmtree(bank)
    sheet = tmp_path / "r.csv"
    assert runner.invoke(main, ["scores", "template", round_id, "-o", str(sheet),
                                *history]).exit_code == 0
    import csv as _csv

    rows = list(_csv.reader(sheet.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("甲", "1", "王敏"), ("甲", "2", "李强"), ("乙", "1", "王敏"), ("乙", "2", "李强")]
    values = {("甲", "1"): "55555", ("甲", "2"): "44444", ("乙", "1"): "33333",
              ("乙", "2"): "22223"}
    for r in rows[1:]:
        r[4:9] = values[(r[0], r[2])]
    rows.append(["乙", rows[3][1], "3", "张三", "4"])  # a third interviewer the panel lacks
    buffer = io.StringIO()
    _csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8-sig")
    result = runner.invoke(main, ["scores", "import", str(sheet), *history])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"错误：r.csv 第 6 行：试卷 {rows[3][1]} 只有 2 位面试官，"
                                     "没有第 3 位")
    result = runner.invoke(main, ["report", round_id, "--out", str(tmp_path / "out"),
                                  "--json", *history])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # 甲: (50 + 40) / 2 = 45; 乙: (30 + 4+4+4+4+6 = 22) / 2 = 26
    assert [(e["candidate"], e["total"]) for e in data["ranking"]] == [("甲", 45.0),
                                                                       ("乙", 26.0)]
    assert data["same_questions"] is True
    assert "standardized" not in data["ranking"][0]
    assert [(i["number"], i["name"]) for i in data["interviewers"]] == [(1, "王敏"),
                                                                        (2, "李强")]


def test_the_report_is_the_same_to_the_byte_as_weasyprint_makes_it(rated, tmp_path,
                                                                   monkeypatch):
    """examgen runs WeasyPrint lighter (tests/test_useragent.py): the report too."""
    import examgen.pdf
    from click.testing import CliRunner

    from .pdftext import as_weasyprint_comes

    laid_out: list[tuple[str, bytes]] = []
    real = examgen.pdf.html_to_pdf
    monkeypatch.setattr(examgen.pdf, "html_to_pdf", lambda html: (
        laid_out.append((html, real(html)[0])) or real(html)))
    assert report(CliRunner(), rated, tmp_path).exit_code == 0
    ((html, data),) = laid_out
    assert data == as_weasyprint_comes(html)
