"""Live structured interviews: the 题本, the named booklets, the 合议表, the time budget."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from examgen.cli import main
from examgen.history import History
from examgen.resources import default_bank_dir

from .pdftext import page_texts, squash

FORBIDDEN = ("年龄", "婚姻", "生育", "户籍", "民族", "宗教", "健康")


def build(runner, out: Path, *extra: str, bank: Path | None = None):
    return runner.invoke(main, ["build", "--out", str(out), "--bank",
                                str(bank or default_bank_dir()), "--date", "2026-12-01",
                                "--history", str(out / "history.sqlite3"), *extra])


def is_rating_sheet(text: str) -> bool:
    return "评分卡" in text and "版式" in text


@pytest.fixture(scope="module")
def panel(tmp_path_factory, shipped_bank):
    """The issue's "done" command: a 60-minute oral interview for two named interviewers."""
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("oral")
    result = build(CliRunner(), out, "--role", "director", "--mode", "oral", "--minutes", "60",
                   "--interviewers", "王敏,李强", "--seed", "7", "--candidate", "张三", "--json")
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    files = paper["files"]
    return {"paper": paper, "out": out, "bank": shipped_bank,
            "sheet": page_texts(Path(files["questions"])),
            "booklets": {name: page_texts(Path(p)) for name, p in files["answer_keys"].items()},
            "panel": page_texts(Path(files["consolidation"]))}


def test_json_names_mode_planned_minutes_and_every_file(panel):
    paper = panel["paper"]
    assert paper["mode"] == "oral"
    assert paper["minutes_budget"] == 60
    assert paper["minutes"] == sum(q["minutes"] for q in paper["questions"]) == 60
    assert paper["interviewers"] == ["王敏", "李强"]
    files = paper["files"]
    assert list(files["answer_keys"]) == ["王敏", "李强"]
    assert files["answer_key"] == files["answer_keys"]["王敏"]  # stays: the first booklet
    assert files["answer_keys"]["李强"].endswith(f"{paper['id']}-key-2-李强.pdf")
    assert files["consolidation"].endswith(f"{paper['id']}-panel.pdf")
    assert files["questions"].endswith(f"{paper['id']}-sheet.pdf")
    by_id = panel["bank"].by_id()
    for q in paper["questions"]:
        assert q["minutes"] == by_id[q["id"]].minutes
        assert q["probes"] == list(by_id[q["id"]].probes)
        assert 2 <= len(q["probes"]) <= 3  # the shipped banks carry probes


def test_the_sheet_is_a_read_along_booklet_without_writing_space_or_answers(panel):
    pages = [squash(t) for t in panel["sheet"]]
    assert "客服总监岗位面试题本" in pages[0]
    assert "请口头作答，无需书写" in pages[0]
    assert "计划用时60分钟（时间预算60分钟）" in pages[0]
    assert len(pages) <= 3  # 8 questions without ruled lines
    whole = "".join(pages)
    for number, q in enumerate(panel["paper"]["questions"], start=1):
        assert f"{number}.{squash(q['text'])}" in whole
    for word in ("参考答案", "追问", "评分要点", "评级"):
        assert word not in whole


def test_each_booklet_carries_its_interviewers_name_on_every_page(panel):
    for number, (name, pages) in enumerate(panel["booklets"].items(), start=1):
        for page in pages:
            assert name in page
        assert f"面试官{number}：{name}" in squash(pages[0])
    assert "李强" not in "".join(panel["booklets"]["王敏"])


def test_the_booklets_first_page_runs_the_interview(panel):
    first = squash(panel["booklets"]["王敏"][0])
    for text in ("面试流程", "开场白", "结束语", "如何评分", "独立", "2级介于1级与3级之间",
                 "4级介于3级与5级之间", "不得询问", "60分钟"):
        assert text in first, text
    for word in FORBIDDEN:
        assert word in first, word
    for number, q in enumerate(panel["paper"]["questions"], start=1):
        assert f"{number}{panel['bank'].dimensions[q['dimension']]}{q['minutes']}" in first
    assert "1.不少企业" not in first  # the questions start on the next page


def test_per_question_probes_notes_anchors_rating_then_guide_then_answer(panel):
    by_id = panel["bank"].by_id()
    pages = [squash(t) for t in panel["booklets"]["王敏"] if not is_rating_sheet(t)]
    whole = "".join(pages)
    for number, item in enumerate(panel["paper"]["questions"], start=1):
        q = by_id[item["id"]]
        start = whole.index(f"{number}.{squash(q.question)}")
        order = [whole.index(squash(q.probes[0]), start), whole.index("记录要点", start),
                 whole.index(squash(dict(q.levels)[5]), start), whole.index("评级12345", start),
                 whole.index(squash(q.analysis.purpose), start),
                 whole.index(squash(q.answer)[:30], start)]
        assert order == sorted(order), (number, order)
        # what the interviewer needs while the candidate talks is on one page
        page = next(p for p in pages if f"{number}.{squash(q.question)}" in p)
        for text in (squash(q.probes[-1]), squash(dict(q.levels)[1]),
                     squash(dict(q.levels)[5]), f"/{q.points}"):
            assert text in page, (number, text)


def test_a_page_that_continues_a_question_says_which(panel):
    pages = [squash(t) for t in panel["booklets"]["王敏"] if not is_rating_sheet(t)]
    continued = [p for p in pages if re.search(r"\d+（续）", p)]
    assert continued  # reference answers run over in this paper
    for page in continued:
        number = re.search(r"(\d+)（续）", page).group(1)
        assert f"{number}." not in page[:40]


def test_evidence_room_grows_with_the_questions_minutes(panel, tmp_path):
    from examgen.render import note_lines

    assert note_lines(4) < note_lines(8) < note_lines(12) <= 14
    assert note_lines(1) == 5


def test_the_panel_sheet_has_a_column_per_interviewer_and_a_row_per_question(panel):
    first = squash(panel["panel"][0])
    assert "客服总监岗位面试合议表" in first
    assert "1号王敏" in first
    assert "2号李强" in first
    assert "相差≥2级" in first
    whole = "".join(squash(t) for t in panel["panel"])
    for number, q in enumerate(panel["paper"]["questions"], start=1):
        title = panel["bank"].dimensions[q["dimension"]]
        assert f"{number}{title}" in whole
    for text in ("加权总分", "合议结论", "强烈推荐", "不推荐", "合议意见",
                 "1号面试官王敏签名", "2号面试官李强签名"):
        assert text in whole, text


def test_the_output_says_how_the_budget_was_used(runner, tmp_path):
    result = build(runner, tmp_path, "--role", "after-sales-manager", "--mode", "oral",
                   "--minutes", "45", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert re.search(r"时间预算 45 分钟：计划 4\d 分钟，(正好用满|余 \d 分钟)", result.stdout)
    assert "题本：" in result.stdout
    assert "面试官手册：" in result.stdout
    [key] = tmp_path.glob("*-key.pdf")  # without interviewers: today's file name
    assert not list(tmp_path.glob("*-panel.pdf"))
    assert "计划用时" in squash(page_texts(key)[0])


def test_count_with_minutes_that_cannot_fit_is_one_line_and_writes_nothing(runner, tmp_path):
    result = build(runner, tmp_path, "--role", "director", "--count", "10", "--minutes", "20")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "20 分钟内排不下 10 道题" in result.stderr
    assert not list(tmp_path.glob("*.pdf"))


def test_count_within_minutes(runner, tmp_path):
    result = build(runner, tmp_path, "--role", "director", "--count", "9", "--minutes", "70",
                   "--json")
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    assert len(paper["questions"]) == 9
    assert paper["minutes"] <= 70
    assert paper["mode"] == "written"


def test_the_written_key_shows_probes_and_spells_out_levels_2_and_4(runner, tmp_path,
                                                                    shipped_bank):
    result = build(runner, tmp_path, "--role", "subscription-manager", "--count", "5",
                   "--seed", "2", "--json")
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    key = "".join(squash(t) for t in page_texts(Path(paper["files"]["answer_key"])))
    assert "评分参考（面试官用卷）" in key
    assert "介于1级与3级之间" in key
    assert "介于3级与5级之间" in key
    for item in paper["questions"]:
        for probe in shipped_bank.by_id()[item["id"]].probes:
            assert squash(probe) in key


def test_bad_interviewer_lists_are_one_line_errors(runner, tmp_path):
    result = build(runner, tmp_path, "--role", "director", "--interviewers", "王敏,王敏")
    assert result.exit_code == 1
    assert "面试官 王敏 重复出现" in result.stderr
    result = build(runner, tmp_path, "--role", "director", "--same-questions")
    assert result.exit_code == 1
    assert "--same-questions 用于一轮面试" in result.stderr
    assert not list(tmp_path.glob("*.pdf"))


def write_candidates(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(["姓名,面试官", *rows]) + "\n", encoding="utf-8")
    return path


def round_papers(result) -> dict[str, dict]:
    assert result.exit_code == 0, result.output
    return {p["candidate"]: p for p in json.loads(result.stdout)["papers"]}


def test_interviewers_come_from_the_option_then_the_file_then_the_config(runner, tmp_path,
                                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examgen.toml").write_text('interviewers = ["周一", "吴二"]\n', encoding="utf-8")
    people = write_candidates(tmp_path / "c.csv", ["张三,郑三、王四", "李四,"])
    args = ("--role", "director", "--count", "5", "--candidates", str(people), "--json")
    papers = round_papers(build(runner, tmp_path / "a", *args))
    assert papers["张三"]["interviewers"] == ["郑三", "王四"]
    assert papers["李四"]["interviewers"] == ["周一", "吴二"]
    papers = round_papers(build(runner, tmp_path / "b", *args, "--interviewers", "冯五"))
    assert papers["张三"]["interviewers"] == papers["李四"]["interviewers"] == ["冯五"]
    assert papers["李四"]["files"]["answer_keys"]["冯五"].endswith("-key-1-冯五.pdf")


def test_same_questions_gives_the_whole_round_one_set_and_says_so(runner, tmp_path):
    people = write_candidates(tmp_path / "c.csv", ["张三,", "李四,", "王五,"])
    result = build(runner, tmp_path, "--role", "director", "--mode", "oral", "--minutes", "45",
                   "--candidates", str(people), "--same-questions", "--json")
    papers = round_papers(result)
    sets = {tuple(q["id"] for q in p["questions"]) for p in papers.values()}
    assert len(sets) == 1
    assert len({p["id"] for p in papers.values()}) == 3
    assert all(p["same_questions"] for p in papers.values())
    sheet = squash(page_texts(Path(papers["李四"]["files"]["questions"]))[0])
    assert "本轮应聘者统一题目" in sheet
    text = build(runner, tmp_path / "again", "--role", "director", "--count", "5",
                 "--candidates", str(people), "--same-questions")
    assert "每位应聘者同一套题" in text.stdout
    default = round_papers(build(runner, tmp_path / "default", "--role", "director",
                                 "--count", "5", "--candidates", str(people), "--json"))
    assert len({tuple(q["id"] for q in p["questions"]) for p in default.values()}) == 3


def test_a_panel_paper_is_recorded_and_reprinted_byte_for_byte(runner, panel, tmp_path):
    paper = panel["paper"]
    history = panel["out"] / "history.sqlite3"
    with History(history) as store:
        record = store.get(paper["id"])
    assert (record.mode, record.minutes_budget, record.interviewers) == ("oral", 60,
                                                                         ["王敏", "李强"])
    assert set(record.question_meta) == {q["id"] for q in paper["questions"]}
    result = runner.invoke(main, ["reprint", paper["id"], "--out", str(tmp_path),
                                  "--history", str(history), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["identical"] is True
    assert set(data["files"]) == {"questions", "answer_key", "answer_key_2", "consolidation"}


def test_mailing_a_panel_paper_attaches_every_booklet_and_the_panel_sheet(runner, panel,
                                                                          tmp_path):
    from email import policy
    from email.parser import BytesParser

    paper = panel["paper"]
    result = runner.invoke(main, ["mail", paper["id"], "--to", "hr@example.com",
                                  "--from", "hr@example.com", "--dry-run", str(tmp_path),
                                  "--history", str(panel["out"] / "history.sqlite3")])
    assert result.exit_code == 0, result.output
    msg = BytesParser(policy=policy.default).parsebytes(
        (tmp_path / f"{paper['id']}.eml").read_bytes())
    names = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    assert set(names) == {f"面试官手册-王敏-客服总监-张三-{paper['id']}.pdf",
                          f"面试官手册-李强-客服总监-张三-{paper['id']}.pdf",
                          f"面试合议表-客服总监-张三-{paper['id']}.pdf"}
    files = paper["files"]
    assert names[f"面试官手册-李强-客服总监-张三-{paper['id']}.pdf"] == Path(
        files["answer_keys"]["李强"]).read_bytes()
    assert "2 位面试官（王敏、李强）各自的面试官手册和面试合议表" in msg.get_body().get_content()
