"""`examgen import` of articles (shape D): bare question lines, guidance as the answer, `示例`
with it, sections mapped to dimensions, the introduction left out, a cut-off last answer.

Fixtures: tests/fixtures/import/shape_d_{simplified,traditional}.txt, invented web articles
in the shape of /work/shared/import-formats.md (bullets flattened into lone `-` lines)."""

from __future__ import annotations

import json

import pytest

from examgen.bank import load_bank
from examgen.cli import main
from examgen.importer import detect_shape, parse, place, read_document

from .pdftext import page_texts, squash
from .test_importer import (
    DIMENSIONS,
    FIXTURES,
    by_source,
    fixture_text,
    parsed,
    run,
    write_docx,
    write_pdf,
)

SIMPLIFIED = "shape_d_simplified.txt"
TRADITIONAL = "shape_d_traditional.txt"



def test_an_article_without_answer_labels_is_shape_d():
    assert detect_shape(fixture_text(SIMPLIFIED)) == "D"
    assert detect_shape(fixture_text(TRADITIONAL)) == "D"
    assert detect_shape("会议纪要\n今天讨论了排班问题。\n下周再议。") is None


def test_title_and_introduction_are_not_questions():
    result = parse(fixture_text(SIMPLIFIED))
    asked = [q.question for q in result.questions]
    assert len(asked) == 6
    assert not any(q.startswith(("以下整理了", "客服岗位面试常见问题")) for q in asked)
    assert result.title == "客服岗位面试常见问题及回答思路（附示例）"
    # an introduction ending in a colon is not taken for the title either
    assert parse(fixture_text(TRADITIONAL)).title == ""


def test_questions_with_and_without_a_question_mark():
    found = by_source(parsed(SIMPLIFIED))
    assert found["「服务意识类问题」第1题"].question == "谈谈你对客服工作的理解"
    assert found["「服务意识类问题」第2题"].question == "你认为优秀的客服人员需要具备哪些素质?"


def test_guidance_becomes_the_answer_with_its_example_and_sub_lines():
    found = by_source(parsed(SIMPLIFIED))
    first = found["「服务意识类问题」第1题"].answer.split("\n")
    assert first == ["可以从客户、公司和个人成长三个角度回答，避免只说“有耐心”“脾气好”。",
                     "示例:“客服是客户接触公司的第一站，一次处理得好的投诉，可能换来一个长期客户。”"]
    teamwork = found["「团队协作类问题」第1题"].answer.split("\n")
    assert teamwork[1:] == ["优点:能体现你的适应能力。", "缺点:回答过于绝对会显得不灵活。"]
    assert not any(line.strip() == "-" for q in found.values() for line in q.answer.split("\n"))


def test_sections_map_to_dimensions_where_the_words_match_else_become_new_ones():
    placed, new = place(parse(fixture_text(SIMPLIFIED)), "cs", DIMENSIONS)
    dims = {p.raw.source: p.dimension for p in placed}
    assert new == {"extra-1": "服务意识类问题", "extra-2": "应变能力类问题"}
    assert dims["「服务意识类问题」第1题"] == "extra-1"
    assert dims["「应变能力类问题」第2题"] == "extra-2"
    assert dims["「团队协作类问题」第1题"] == "teamwork"  # 团队协作 ⊂ 团队协作与沟通能力
    traditional, new = place(parse(fixture_text(TRADITIONAL)), "cs", DIMENSIONS)
    assert {p.dimension for p in traditional if "自我認知" in p.raw.source} == {"motivation"}
    assert new == {"extra-1": "服務意識類問題"}


@pytest.mark.parametrize("name", [SIMPLIFIED, TRADITIONAL])
def test_a_cut_off_last_answer_is_kept_aside_and_marked(name):
    *complete, last = parse(fixture_text(name)).questions
    assert last.truncated
    assert last.answer == ""
    assert last.partial.endswith(("避免在客户面前争执", "不要抱怨前公司或前"))
    assert not any(q.truncated for q in complete)


def test_to_simplified_converts_the_article():
    found = by_source(parsed(TRADITIONAL, simplified=True))
    asked = found["「服务意识类问题」第2题"].question
    assert asked == "客户第三次来电反映同一个问题，你会怎么处理?"


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_docx_and_pdf_give_the_same_questions_as_the_text(tmp_path, kind):
    text = fixture_text(SIMPLIFIED)
    path = (write_docx if kind == "docx" else write_pdf)(text, tmp_path / f"d.{kind}")
    content, wrapped = read_document(path)
    got, expected = parse(content, wrapped=wrapped).questions, parse(text).questions
    assert [q.source for q in got] == [q.source for q in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert squash(mine.question) == squash(theirs.question)
        assert squash(mine.answer) == squash(theirs.answer)
        assert squash(mine.partial) == squash(theirs.partial)


def test_an_imported_article_validates_and_builds(runner, tmp_path):
    bank = tmp_path / "questions"
    imported = run(runner, FIXTURES / SIMPLIFIED, "--role", "cs-agent", "-o",
                   bank / "cs-agent.yaml", "--json")
    assert imported.exit_code == 0, imported.output
    report = json.loads(imported.stdout)
    assert report["shape"] == "D"
    assert report["questions"] == 6
    assert report["new_dimensions"] == {"extra-1": "服务意识类问题", "extra-2": "应变能力类问题"}
    assert len(report["truncated"]) == 1
    loaded = load_bank(bank)
    assert len(loaded.for_role("cs-agent")) == 6
    assert loaded.dimensions["extra-1"] == "服务意识类问题"
    built = runner.invoke(main, [*report["next"].split()[1:], "--seed", "5", "--out",
                                 str(tmp_path / "papers"), "--json"])
    assert built.exit_code == 0, built.output
    paper = json.loads(built.stdout)["papers"][0]
    key = squash("".join(page_texts(tmp_path / "papers" / f"{paper['id']}-key.pdf")))
    assert "服务意识类问题" in key
    assert squash("示例:“客服是客户接触公司的第一站") in key
