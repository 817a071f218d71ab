"""Analyses in parts: `解析:` followed by part headings (`价值理解部分:`, `第一部分`,
`语言与表达:` …), each with its own 评分点 / 期望 / 考察目的, import into `analysis.parts` and
print in the key under their titles.

Fixture: tests/fixtures/import/shape_b_parts.txt (line-based, three kinds of part heading and
one flat analysis)."""

from __future__ import annotations

import json

import yaml

from examgen.bank import load_bank
from examgen.cli import main
from examgen.importer import parse

from .pdftext import page_texts, squash
from .test_importer import FIXTURES, fixture_text, run

NAME = "shape_b_parts.txt"


def analyses(text: str) -> list:
    return [q.analysis for q in parse(text).questions]


def test_each_part_gets_its_own_fields_and_a_title_without_bufen_or_colon():
    first, second, third = analyses(fixture_text(NAME))
    values, language = first.parts
    assert values.title == "价值理解"  # `价值理解部分:`
    assert values.scoring_points == ["能说清客户信任与公司长期收益的关系", "能举出自己的例子"]
    assert values.expectations == "不停留在口号，能说出一个具体做法。"
    assert values.purpose == "考察候选人对服务价值的认识。"
    assert language.title == "语言与表达"  # `语言与表达:` right before 评分点
    assert language.scoring_points == ["条理清楚", "用词得体"]
    assert language.purpose == "考察候选人的表达能力。"
    # nothing lands in the wrong place: no heading inside the previous part's purpose
    assert "语言" not in values.purpose
    assert first.purpose == ""
    assert first.expectations == ""
    assert [p.title for p in second.parts] == ["第一部分", "落地与评估"]
    assert second.parts[1].expectations == "能说出至少一种评估方法。"
    assert third.parts == []
    assert third.scoring_points == ["先找原因再行动", "重视一线意见"]


def test_run_on_parts_in_traditional_script():
    text = ("客服題庫一、專業知識與技能1.請談談你對服務的理解?答案:客戶的信任最重要。"
            "解析:價值理解部分:評分點:說清價值;舉出例子。期望:有觀察。考察目的:看認識。"
            "語言與表達:評分點:條理清楚。考察目的:看表達。2.你如何看待投訴?答案:投訴是改進的機會。")
    first = parse(text).questions[0].analysis
    assert [p.title for p in first.parts] == ["價值理解", "語言與表達"]
    assert first.parts[0].scoring_points == ["說清價值", "舉出例子"]
    assert first.parts[1].purpose == "看表達。"


def test_free_text_before_the_first_part_is_a_part_of_its_own():
    text = ("第一题\n你为什么做客服？\n答案:\n喜欢与人打交道。\n解析:\n本题分两部分评分。\n"
            "动机部分:\n评分点:动机真实\n表达部分:\n评分点:条理清楚\n")
    [analysis] = analyses(text)
    assert [(p.title, p.expectations) for p in analysis.parts] == [
        ("总体", "本题分两部分评分。"), ("动机", ""), ("表达", "")]


def test_parts_are_written_to_the_bank_and_printed_under_their_titles(runner, tmp_path):
    bank = tmp_path / "questions"
    imported = run(runner, FIXTURES / NAME, "--role", "cs-manager", "-o",
                   bank / "cs-manager.yaml", "--json")
    assert imported.exit_code == 0, imported.output
    data = yaml.safe_load((bank / "cs-manager.yaml").read_text(encoding="utf-8"))
    first = next(q for q in data["questions"] if q["question"].startswith("请谈谈你对"))
    assert [p["title"] for p in first["analysis"]["parts"]] == ["价值理解", "语言与表达"]
    assert set(first["analysis"]) == {"parts"}
    loaded = load_bank(bank)
    [question] = [q for q in loaded.questions if q.question.startswith("请谈谈你对")]
    assert question.analysis.parts[1].scoring_points == ("条理清楚", "用词得体")
    built = runner.invoke(main, [*json.loads(imported.stdout)["next"].split()[1:], "--count",
                                 "3", "--seed", "2", "--out", str(tmp_path / "papers"),
                                 "--json"])
    assert built.exit_code == 0, built.output
    paper = json.loads(built.stdout)["papers"][0]
    key = squash("".join(page_texts(tmp_path / "papers" / f"{paper['id']}-key.pdf")))
    assert "价值理解评分要点·能说清客户信任" in key  # after its bullet (• and · share a glyph)
    assert "语言与表达评分要点·条理清楚" in key
    assert "落地与评估评分要点·有评估方法" in key


def test_line_based_traditional_document_with_parts_and_a_cut_off_end():
    result = parse(fixture_text("shape_b_traditional.txt"))
    assert result.shape == "B"
    assert result.announced == 15
    first, second, third, last = result.questions
    assert [p.title for p in first.analysis.parts] == ["價值理解", "語言與表達"]
    assert first.analysis.parts[1].scoring_points == ["條理清楚", "先說結論"]
    assert second.analysis.parts == []
    assert second.analysis.scoring_points == ["先安撫客戶", "給出明確時間", "主動想辦法"]
    assert [p.title for p in third.analysis.parts] == ["指標選擇", "指標使用"]
    assert third.analysis.parts[1].expectations == "舉出一個指標被誤用的例子。"
    assert last.truncated
    assert last.answer == ""
    assert last.partial.endswith("兩週後")
    converted = parse(fixture_text("shape_b_traditional.txt"), simplified=True).questions
    assert [p.title for p in converted[0].analysis.parts] == ["价值理解", "语言与表达"]
