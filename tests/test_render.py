"""HTML from the templates: autoescaped, numbered, the sheet without answers."""

from __future__ import annotations

from examgen.bank import load_bank
from examgen.paper import make_paper
from examgen.render import chinese_date, chinese_numeral, render_html, writing_lines
from examgen.sampling import sample

from .conftest import balanced_questions, question, write_bank

URLS = {"normal": "data:,", "bold": "data:,"}


def paper_for(root, count=6, **kwargs):
    bank = load_bank(root)
    return make_paper(bank, "tester", sample(bank, "tester", count, seed=5), 5,
                      day="2026-12-01", **kwargs)


def test_chinese_numerals_and_dates():
    assert [chinese_numeral(n) for n in (1, 5, 10, 11, 20, 23)] == [
        "一", "五", "十", "十一", "二十", "二十三"]
    assert chinese_date("2026-03-08") == "2026年3月8日"


def test_writing_space_grows_with_minutes_within_bounds():
    assert writing_lines(1) == 4
    assert writing_lines(5) == 6
    assert writing_lines(8) == 10
    assert writing_lines(30) == 12


def test_sheet_has_header_sections_and_numbering_but_no_answers(small_bank):
    paper = paper_for(small_bank, candidate="李垚", company="示例公司")
    html = render_html(paper, "sheet", URLS)
    assert "测试岗岗位面试题目卷" in html
    assert "李垚" in html
    assert "示例公司" in html
    assert "2026年12月1日" in html
    assert paper.id in html
    assert "一、自我认知与职业动机" in html
    assert "二、专业知识与技能" in html
    for number, q in enumerate(paper.questions, start=1):
        assert f'<span class="q-number">{number}.</span> {q.question}' in html
        assert q.answer not in html
    assert "参考答案" not in html
    assert "评分要点" not in html


def test_key_has_same_numbering_answers_analysis_and_score_sheet(small_bank):
    paper = paper_for(small_bank)
    html = render_html(paper, "key", URLS)
    for number, q in enumerate(paper.questions, start=1):
        assert f'<span class="q-number">{number}.</span> {q.question}' in html
        assert q.answer in html
    for label in ("参考答案", "评分要点", "期望", "考察目的", "评分汇总表", "总分", "强烈推荐",
                  "推荐", "待定", "不推荐", "面试官签名"):
        assert label in html
    assert f"<td class=\"num\">{paper.total_points}</td>" in html


def test_bank_text_is_escaped_never_markup(tmp_path):
    evil = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://x/y.css">'
    questions = balanced_questions()
    questions[6] = question("knowledge-easy-0", "knowledge", "easy", question=evil,
                            answer="<script>alert(1)</script>")
    paper = paper_for(write_bank(tmp_path, questions), count=15)  # every knowledge question
    assert "knowledge-easy-0" in [q.id for q in paper.questions]
    for kind in ("sheet", "key"):
        html = render_html(paper, kind, URLS)
        assert "<img" not in html
        assert "<script>" not in html
        assert "<link" not in html
        assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html


def test_levels_2_and_4_are_spelled_out_between_the_banks_anchors():
    from examgen.render import anchor_levels

    rows = anchor_levels(((1, "差"), (3, "中"), (5, "好")))
    assert [(level, between) for level, _, between in rows] == [
        (1, False), (2, True), (3, False), (4, True), (5, False)]
    assert rows[1][1].startswith("介于 1 级与 3 级之间")
    assert rows[3][1].startswith("介于 3 级与 5 级之间")
    assert anchor_levels(((1, "差"), (2, "较差"), (3, "中"), (4, "较好"), (5, "好")))[1] == (
        2, "较差", False)  # a bank's own level 2 wins
    assert anchor_levels(()) == []
