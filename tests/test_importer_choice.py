"""`examgen import` of choice items (shape C, written tests): options, answer letters,
explanations, points and counts from the section headings, cut-off items.

Fixtures: tests/fixtures/import/shape_c_{simplified,traditional}.txt, invented documents in
the shape of /work/shared/import-formats.md (metadata block, `第PAGE页` template field,
single- and multiple-answer sections, options behind `-`, `A、`, `A．` or on one line, a
preview cut off inside the last item)."""

from __future__ import annotations

import json

import pytest
import yaml

from examgen.bank import load_bank
from examgen.cli import main
from examgen.importer import detect_shape, parse, read_document

from .pdftext import page_texts, squash
from .test_importer import (
    FIXTURES,
    by_source,
    fixture_text,
    parsed,
    run,
    write_docx,
    write_pdf,
)

SIMPLIFIED = "shape_c_simplified.txt"
TRADITIONAL = "shape_c_traditional.txt"



def test_lettered_options_make_a_document_shape_c():
    assert detect_shape(fixture_text(SIMPLIFIED)) == "C"
    assert detect_shape(fixture_text(TRADITIONAL)) == "C"


def test_stem_loses_its_label_and_options_lose_their_letters():
    first = by_source(parsed(SIMPLIFIED))["单选题第1题"]
    assert first.question == "受理投诉时，客服人员首先应该做什么?"
    assert first.options == ["立即提出赔偿方案", "确认客户的具体诉求", "把电话转给主管",
                             "解释公司的相关规定"]
    assert (first.letters, first.multiple) == ("B", False)
    assert first.explanation.startswith("先弄清客户要什么")
    assert first.answer == ""  # the answer of a choice item is its letters, not a text


@pytest.mark.parametrize(("source", "first_option"), [
    ("单选题第1题", "立即提出赔偿方案"),  # -A.
    ("单选题第2题", "平均处理时长"),  # A、 and 答案：with a full-width colon
    ("单选题第3题", "提高音量让客户先听自己说"),  # A．
])
def test_every_option_style_is_read(source, first_option):
    q = by_source(parsed(SIMPLIFIED))[source]
    assert q.options[0] == first_option
    assert len(q.options) == 4
    assert not any(o[:1] in "ABCD-" for o in q.options)


def test_section_headings_give_points_count_and_whether_several_answers_count():
    result = parse(fixture_text(SIMPLIFIED))
    found = by_source(result)
    assert {q.points for s, q in found.items() if s.startswith("单选题")} == {2}
    assert {q.points for s, q in found.items() if s.startswith("多选题")} == {4}
    assert result.announced == 20  # 15 single + 5 multiple
    assert result.notes == ["单选题：文档声明 15 题，找到 5 题", "多选题：文档声明 5 题，找到 3 题"]
    assert all(q.heading is None for q in result.questions)  # item types are not dimensions


@pytest.mark.parametrize(("source", "letters"), [
    ("多选题第1题", "ABD"),  # 答案:A,B,D
    ("多选题第2题", "ABD"),  # 答案:ABD
])
def test_multiple_answers_in_any_spelling(source, letters):
    q = by_source(parsed(SIMPLIFIED))[source]
    assert (q.letters, q.multiple) == (letters, True)


def test_traditional_script_with_a_list_in_enumeration_commas():
    q = by_source(parsed(TRADITIONAL))["多選題第1题"]
    assert q.letters == "ABC"
    assert q.question == "上門維修前，售後人員應當做好哪些準備?"
    converted = by_source(parsed(TRADITIONAL, simplified=True))["多选题第1题"]
    assert converted.question == "上门维修前，售后人员应当做好哪些准备?"
    assert converted.options[1] == "准备可能用到的配件"


def test_a_cut_off_item_is_kept_and_marked_truncated():
    simplified = by_source(parsed(SIMPLIFIED))["多选题第3题"]  # cut after option C, before the answer
    assert simplified.truncated
    assert simplified.options == ["确认问题是否已解决", "了解客户对处理过程的感受",
                                  "推销新的付费服务"]  # three options on one line
    assert simplified.letters == ""
    traditional = by_source(parsed(TRADITIONAL))["多選題第1题"]  # cut inside the explanation
    assert traditional.truncated
    assert traditional.letters == "ABC"
    assert traditional.explanation.endswith("客戶的等待也")
    assert not by_source(parsed(SIMPLIFIED))["多选题第2题"].truncated


def test_true_false_items_and_options_on_the_stem_line():
    text = ("公司笔试题\n一、判断题(共2题,每题1分)\n"
            "1.题干:客服可以向来电者透露其他客户的订单信息。\n答案:错\n解析:客户信息只能告诉本人。\n2.题干:首次解决率越高，重复来电通常越少。\n答案:√\n"
            "二、单选题(共1题,每题2分)\n1.题干:NPS 的满分是? A.5分 B.10分 C.100分\n答案:B\n"
            "解析:NPS 按 0 到 10 分打分。\n")
    result = parse(text)
    assert result.shape == "C"
    first, second, third = result.questions
    assert (first.options, first.letters) == (["正确", "错误"], "B")
    assert first.explanation == "客户信息只能告诉本人。"
    assert second.letters == "A"
    assert (third.question, third.options, third.letters) == (
        "NPS 的满分是?", ["5分", "10分", "100分"], "B")


def test_short_answer_sections_of_a_written_test_stay_open_questions():
    text = ("一、单选题(共2题,每题2分)\n1.题干:客服首先要做什么?\nA.倾听\nB.辩解\n答案:A\n"
            "2.题干:哪项是效率指标?\nA.接通率\nB.员工年龄\n答案:A\n"
            "二、简答题(共1题,每题10分)\n1.请简述处理客户投诉的步骤。\n答案:\n倾听、确认、处理、回访。\n"
            "解析:\n评分点:步骤完整；顺序合理\n")
    *_, open_item = parse(text).questions
    assert not open_item.is_choice
    assert (open_item.answer, open_item.points) == ("倾听、确认、处理、回访。", 10)
    assert open_item.analysis.scoring_points == ["步骤完整", "顺序合理"]


def test_an_answer_naming_no_option_is_not_guessed():
    text = ("一、单选题\n1.题干:客服首先要做什么?\nA.倾听\nB.辩解\n答案:E\n"
            "2.题干:哪项是效率指标?\nA.接通率\nB.员工年龄\n答案:A\n")
    first, _ = parse(text).questions
    assert (first.letters, first.partial) == ("", "答案：E")


def test_import_writes_choice_items_that_validate_and_comments_out_the_cut_one(runner, tmp_path):
    bank = tmp_path / "questions"
    result = run(runner, FIXTURES / SIMPLIFIED, "--role", "cs-written", "-o",
                 bank / "written.yaml", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["shape"] == "C"
    assert report["questions"] == 8
    assert len(report["choice_items"]) == 8
    assert report["announced"] == 20
    assert report["truncated"] == report["commented_out"] == report["missing_answers"]
    assert len(report["truncated"]) == 1
    assert "单选题：文档声明 15 题，找到 5 题" in report["notes"]
    loaded = load_bank(bank)
    written = [q for q in loaded.questions if q.file.endswith("written.yaml")]
    assert len(written) == 7
    assert all(q.is_choice for q in written)
    by_question = {q.question: q for q in written}
    single = by_question["受理投诉时，客服人员首先应该做什么?"]
    assert (single.answer, single.points, single.minutes) == ("B", 2, 1)
    assert single.options[1] == "确认客户的具体诉求"
    several = by_question["下列哪些做法有助于提高首次解决率?"]
    assert ("".join(several.correct), several.points) == ("ABD", 4)
    text = (bank / "written.yaml").read_text(encoding="utf-8")
    assert "answer: [A, B, D]" in text
    assert "题干" not in text
    assert "-A." not in text
    cut = report["commented_out"][0]
    assert f"  # - id: {cut}" in text  # kept, as a comment to complete
    assert "#   question: 一次服务回访通常包括哪些内容?" in text
    assert yaml.safe_load(text)["questions"][-1]["id"] != cut


def test_the_cli_says_what_was_commented_out(runner, tmp_path):
    result = run(runner, FIXTURES / SIMPLIFIED, "--role", "cs-written", "-o",
                 tmp_path / "q" / "written.yaml")
    assert result.exit_code == 0, result.output
    assert "其中选择题 8 道" in result.stdout
    assert "已作为注释留在文件中" in result.stdout
    assert "选择题 1 分钟，分值取自大题说明" in result.stdout


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_docx_and_pdf_give_the_same_items_as_the_text(tmp_path, kind):
    text = fixture_text(SIMPLIFIED)
    path = (write_docx if kind == "docx" else write_pdf)(text, tmp_path / f"c.{kind}")
    expected = parse(text).questions
    got = parse(*read_document(path)[:1], wrapped=read_document(path)[1]).questions
    assert [q.source for q in got] == [q.source for q in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert squash(mine.question) == squash(theirs.question)
        assert [squash(o) for o in mine.options] == [squash(o) for o in theirs.options]
        assert (mine.letters, mine.truncated) == (theirs.letters, theirs.truncated)


def test_an_imported_written_test_builds_with_its_options_and_answers(runner, tmp_path):
    bank = tmp_path / "questions"
    imported = run(runner, FIXTURES / SIMPLIFIED, "--role", "cs-written", "-o",
                   bank / "written.yaml", "--json")
    command = json.loads(imported.stdout)["next"]
    built = runner.invoke(main, [*command.split()[1:], "--seed", "3", "--out",
                                 str(tmp_path / "papers"), "--json"])
    assert built.exit_code == 0, built.output
    paper = json.loads(built.stdout)["papers"][0]
    sheet, key = (tmp_path / "papers" / f"{paper['id']}-{kind}.pdf" for kind in ("sheet", "key"))
    sheet_text, key_text = squash("".join(page_texts(sheet))), squash("".join(page_texts(key)))
    assert "A.立即提出赔偿方案" in sheet_text or "A.平均处理时长" in sheet_text
    assert "答案：" not in sheet_text  # the sheet says how to mark answers, never what they are
    assert "答案：" in key_text
    assert "解析" in key_text


def test_a_document_whose_only_item_has_no_usable_answer_writes_nothing(runner, tmp_path):
    source = tmp_path / "cut.txt"
    source.write_text("一、单选题(共10题,每题2分)\n1.题干:客服首先要做什么?\nA.倾听\nB.辩解\n"
                      "C.沉默\n", encoding="utf-8")
    result = run(runner, source, "--role", "clerk", "-o", tmp_path / "q" / "clerk.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"错误：{source}: 找到的选择题都没有可用的答案（原文在答案之前"
                                     "被截断，或答案没有对应的选项），未写入任何文件")
    assert not (tmp_path / "q").exists()
