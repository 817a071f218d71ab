"""`examgen import`: question-bank documents users already have become a bank they can build from.

The fixtures under tests/fixtures/import/ are invented documents in the two shapes of
/work/shared/import-formats.md (site boilerplate, pinyin readings, digits inside answers,
a garbled passage, a truncated end). The .docx and .pdf versions are made from them here.
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
import yaml

import examgen.cli.import_command  # noqa: F401  (registers `import` on the group)
from examgen.bank import load_bank
from examgen.cli import main
from examgen.errors import ExamgenError
from examgen.importer import (
    ImportResult,
    detect_shape,
    is_garbled,
    match_dimension,
    parse,
    place,
    read_document,
    read_text,
    remove_readings,
)
from examgen.resources import default_bank_dir

from .pdftext import bundled_html

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SHIPPED = yaml.safe_load((default_bank_dir() / "roles.yaml").read_text(encoding="utf-8"))
DIMENSIONS: dict[str, str] = SHIPPED["dimensions"]


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parsed(name: str, **options) -> ImportResult:
    return parse(fixture_text(name), **options)


def by_source(result: ImportResult) -> dict:
    return {q.source: q for q in result.questions}


def all_text(result: ImportResult) -> str:
    parts = []
    for q in result.questions:
        parts += [q.question, q.answer, q.partial, q.analysis.expectations, q.analysis.purpose,
                  *q.analysis.scoring_points]
    return "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    document.save(path)
    return path


def private_use_font(chars: str) -> str:
    """A data: URL of a tiny font drawing a box for each of `chars`: what a site's own
    embedded font does for its private-use "garbled" characters, which the bundled fonts
    (rightly) lack. Without it WeasyPrint writes .notdef glyphs through a custom CMap, and
    pypdf then misreads every character of the page's font."""
    import base64

    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(filled: bool):
        pen = TTGlyphPen(None)
        if filled:
            for point in ((100, 0), (100, 800), (900, 800), (900, 0)):
                (pen.lineTo if pen.points else pen.moveTo)(point)
            pen.closePath()
        return pen.glyph()

    names = [".notdef"] + [f"uni{ord(c):04X}" for c in chars]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): f"uni{ord(c):04X}" for c in chars})
    builder.setupGlyf({name: box(name != ".notdef") for name in names})
    builder.setupHorizontalMetrics({name: (1000, 0) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Site Private", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880,
                     usWinDescent=120)
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return "data:font/ttf;base64," + base64.b64encode(buffer.getvalue()).decode()


def write_pdf(text: str, path: Path) -> Path:
    """One paragraph per line, laid out on A4 with the bundled font (and, for the private-use
    characters of a garbled passage, a font of the "site"): long lines wrap."""
    from examgen.fonts import missing_characters
    from examgen.pdf import html_to_pdf

    css = "@page{size:A4;margin:2cm}body{font-size:10.5pt}p{margin:0 0 .3em}"
    private = "".join(c for c in missing_characters(text) if c.strip())
    if private:
        url = private_use_font(private)
        css += (f'@font-face{{font-family:"Site Private";src:url("{url}")}}'
                'html{font-family:"Examgen Sans SC","Site Private"}')
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n"))
    pdf, warnings = html_to_pdf(bundled_html(body, css))
    assert warnings == []
    path.write_bytes(pdf)
    return path


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The fixtures as .docx (all) and .pdf (one per shape; each PDF takes about a second)."""
    out = tmp_path_factory.mktemp("converted")
    files = {}
    for name in ("shape_a_traditional.txt", "shape_a_simplified.txt", "shape_b.txt"):
        files[(name, "docx")] = write_docx(fixture_text(name), out / f"{name}.docx")
    for name in ("shape_a_traditional.txt", "shape_b.txt"):
        files[(name, "pdf")] = write_pdf(fixture_text(name), out / f"{name}.pdf")
    return files


def run(runner, *args: str):
    return runner.invoke(main, ["import", *map(str, args)])


# ---------------------------------------------------------------------------- reading


@pytest.mark.parametrize(("name", "kind"), [
    ("shape_a_traditional.txt", "docx"), ("shape_a_simplified.txt", "docx"),
    ("shape_b.txt", "docx"), ("shape_a_traditional.txt", "pdf"), ("shape_b.txt", "pdf"),
])
def test_docx_and_pdf_give_the_same_questions_as_the_text(converted, name, kind):
    expected = parsed(name)
    text, wrapped = read_document(converted[(name, kind)])
    got = parse(text, wrapped=wrapped)
    assert (got.shape, got.title, got.announced) == (expected.shape, expected.title,
                                                     expected.announced)
    assert [q.source for q in got.questions] == [q.source for q in expected.questions]
    for mine, theirs in zip(got.questions, expected.questions, strict=True):
        assert (mine.heading, mine.truncated, mine.garbled) == (theirs.heading, theirs.truncated,
                                                                theirs.garbled)
        if kind == "pdf" and theirs.garbled:
            continue  # private-use characters cannot survive a PDF
        assert squash(mine.question) == squash(theirs.question)
        assert squash(mine.answer) == squash(theirs.answer)
        assert squash(mine.partial) == squash(theirs.partial)
        assert mine.analysis.scoring_points == theirs.analysis.scoring_points


def test_pdf_keeps_line_structure_of_answers_in_shape_b(converted):
    text, wrapped = read_document(converted[("shape_b.txt", "pdf")])
    first = parse(text, wrapped=wrapped).questions[0]
    assert first.answer.split("\n")[:2] == [
        "要点一:", "先分别谈。了解各自的理由和顾虑，避免在公开场合争论。"]


def test_text_files_in_utf8_with_bom_and_in_gb18030_are_read(tmp_path):
    sample = "第一题\n你为什么想做客服？\n答案:\n喜欢与人打交道。\n"
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + sample.encode("utf-8"))
    (tmp_path / "gbk.txt").write_bytes(sample.encode("gb18030"))
    assert read_text(tmp_path / "bom.txt") == sample
    assert read_text(tmp_path / "gbk.txt") == sample


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.txt", None, "无法读取"),
    ("empty.txt", b"", "没有可读取的文字"),
    ("binary.txt", b"\x00\x01\x02\xff" * 50, "不是文本文件"),
    ("old.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".doc"),
    ("broken.docx", b"PK\x03\x04word/" + b"\x00" * 50, "无法打开 Word 文件"),
    ("scan.pdf", "blank", "扫描件"),
    ("slides.pptx", b"hello", "不支持的文件类型"),
])
def test_unreadable_files_are_an_error_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    if content == "blank":
        path.write_bytes(_blank_pdf())
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ExamgenError) as info:
        read_text(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


# ---------------------------------------------------------------------------- shape


def test_shapes_are_detected():
    assert detect_shape(fixture_text("shape_a_traditional.txt")) == "A"
    assert detect_shape(fixture_text("shape_a_simplified.txt")) == "A"
    assert detect_shape(fixture_text("shape_b.txt")) == "B"
    assert detect_shape("会议纪要\n今天讨论了排班问题。\n下周再议。") is None


# ---------------------------------------------------------------------------- shape A


def test_shape_a_traditional_sections_become_dimensions():
    result = parsed("shape_a_traditional.txt")
    assert result.shape == "A"
    assert result.title == "2025年客服主管崗位面試題庫及參考答案"
    assert result.announced is None
    placed, new = place(result, "supervisor", DIMENSIONS)
    per_dimension = [p.dimension for p in placed]
    assert per_dimension == ["motivation"] * 3 + ["knowledge"] * 3 + ["situational"] * 2 + \
        ["teamwork"] * 2 + ["extra-1"] * 2
    assert new == {"extra-1": "客戶服務意識"}  # an unknown heading, named as written
    assert all(p.how == "heading" for p in placed)


def test_shape_a_simplified_with_full_width_marks_and_trailing_lei():
    result = parsed("shape_a_simplified.txt")
    questions = by_source(result)
    assert list(questions) == ["一、第1题", "一、第2题", "二、第1题", "二、第2题", "三、第1题",
                               "三、第2题", "三、第3题"]
    assert questions["二、第1题"].question == "首次解决率（FCR）是什么意思？为什么重要？"
    # a numbered list inside a run-on answer gets one line per item
    assert questions["二、第2题"].answer.split("\n") == [
        "（1）倾听并记录；", "（2）确认问题和客户诉求；", "（3）给出方案或说明处理时限；",
        "（4）按约定时间回复并结案。"]
    placed, new = place(result, "clerk", DIMENSIONS)
    assert new == {}
    assert {p.raw.heading: p.dimension for p in placed} == {
        "自我认知与职业动机": "motivation", "专业知识与技能": "knowledge",
        "团队协作与沟通能力类": "teamwork"}


def test_site_boilerplate_and_footer_are_removed():
    for name in ("shape_a_traditional.txt", "shape_a_simplified.txt"):
        result = parsed(name)
        text = all_text(result)
        for junk in ("本站", "下載", "下载", "版權", "版权", "文檔簡介", "閱讀", "阅读", "溫馨提示",
                     "温馨提示", "最新文", "評論", "评论", "_第"):
            assert junk not in text, (name, junk)
    # the footer's own numbered list (1. 2. 3.) is not taken for questions
    assert len(parsed("shape_a_traditional.txt").questions) == 12


@pytest.mark.parametrize(("damaged", "clean"), [
    ("熟悉業(yè)務", "熟悉業務"), ("工作經(jīng)驗", "工作經驗"), ("內(nèi)部", "內部"),
    ("協(xié)調", "協調"), ("继续(xù)阅读", "继续阅读"), ("業（yè）務", "業務"),
    ("服務水平協議(SLA)", "服務水平協議(SLA)"), ("(CustomerLifetimeValue,CLV)",
                                             "(CustomerLifetimeValue,CLV)"),
    ("補償(如適用)", "補償(如適用)"), ("時長(AHT)", "時長(AHT)"), ("按鈕(app)", "按鈕(app)"),
])
def test_pinyin_readings_are_removed_other_parentheses_stay(damaged, clean):
    assert remove_readings(damaged) == clean


def test_readings_in_the_documents_are_gone_and_real_parentheses_kept():
    questions = by_source(parsed("shape_a_traditional.txt"))
    text = all_text(parsed("shape_a_traditional.txt"))
    assert not re.search(r"\([a-zü\u0100-\u01dc]+\)", text)
    assert "(CustomerLifetimeValue,CLV)" in questions["一、第1题"].answer
    assert "服務水平協議(SLA)" in questions["二、第1题"].question
    assert "補償(如適用)" in questions["三、第1题"].answer
    assert "職業規劃" in questions["一、第3题"].question
    # a character garbled into a Latin letter keeps the letter, loses the reading, is reported
    last = questions["五、第2题"]
    assert "優化I務流程" in last.partial
    assert last.garbled


def test_digits_with_dots_inside_answers_do_not_start_questions():
    questions = by_source(parsed("shape_a_traditional.txt"))
    assert [s for s in questions if s.startswith("二、")] == ["二、第1题", "二、第2题", "二、第3题"]
    assert "從4.2分降到3.5分" in questions["二、第2题"].question
    assert "2.0版本" in questions["二、第2题"].answer
    assert "保持0.5分鐘,話後處理1.5分鐘" in questions["二、第3题"].answer
    # the first answer's own list 1./2./3. stays in the answer, one item a line
    first = questions["一、第1题"].answer.split("\n")
    assert [line[:2] for line in first[1:]] == ["1.", "2.", "3."]
    assert questions["一、第2题"].question == "請用三個詞描述你自己,並各舉一個例子。"


def test_numbered_lists_in_run_on_answers_get_a_line_per_item():
    result = parse("一、专业知识与技能1.投诉怎么处理？答案：①倾听；②确认诉求；③给出方案。"
                   "2.什么是SLA？答案：服务水平协议，例如80%的来电在20秒内接通。")
    assert result.questions[0].answer == "①倾听；\n②确认诉求；\n③给出方案。"
    assert result.questions[1].answer == "服务水平协议，例如80%的来电在20秒内接通。"


def test_a_question_without_answer_marker_ends_at_its_question_mark():
    question = by_source(parsed("shape_a_traditional.txt"))["一、第3题"]
    assert question.question == "你未來三年的職業規劃是什麼?"
    assert question.answer.startswith("第一年熟悉產品和流程")


def test_the_truncated_last_question_is_kept_and_marked():
    traditional = parsed("shape_a_traditional.txt").questions
    assert [q.truncated for q in traditional] == [False] * 11 + [True]
    assert traditional[-1].question == "如何在保證效率的前提下提升客戶體驗?"
    assert traditional[-1].answer == ""  # the cut answer is kept aside, not printed
    assert traditional[-1].partial.startswith("可以從三方面入手")
    simplified = parsed("shape_a_simplified.txt").questions[-1]
    assert simplified.truncated
    assert simplified.answer == ""
    assert simplified.question == "如果你的团队连续两个月未完成目标，你会怎么"


def test_garbled_text_survives_and_is_reported():
    questions = by_source(parsed("shape_a_traditional.txt"))
    garbled = questions["三、第2题"]
    assert garbled.garbled
    assert "\ue5e5" in garbled.answer
    assert "鎶ュ憡" in garbled.answer
    assert garbled.answer.startswith("立即上報並聯繫技術部門")
    assert [s for s, q in questions.items() if q.garbled] == ["三、第2题", "五、第2题"]
    assert is_garbled("浣犱负浠€涔堟兂鍋氳繖浠藉伐浣滐紵")  # UTF-8 read as GBK
    assert is_garbled("ä½ å¥½ä¸–ç•Œ")  # UTF-8 read as Latin-1
    assert not is_garbled("为了覆盖晚间高峰，公司决定调整班次。")
    shipped = load_bank(default_bank_dir())
    assert not [q.id for q in shipped.questions if any(map(is_garbled, q.texts().values()))]


def test_to_simplified_converts_the_whole_document():
    result = parsed("shape_a_traditional.txt", simplified=True)
    text = all_text(result)
    assert "你为什么选择客服主管这个岗位?" in text
    assert not re.search("[為麼見業務們這個處團隊]", text)
    placed, new = place(result, "supervisor", DIMENSIONS)
    assert new == {"extra-1": "客户服务意识"}


# ---------------------------------------------------------------------------- shape B


def test_shape_b_questions_answers_and_analysis():
    result = parsed("shape_b.txt")
    assert result.shape == "B"
    assert result.announced == 20
    assert len(result.questions) == 12
    assert result.title == "客服主管面试题(某连锁零售集团)题库应答技巧"
    questions = by_source(result)
    assert list(questions)[9:] == ["第十题", "第十一题", "第十二题"]
    first = questions["第一题"]
    assert first.question == "在您看来，团队中两位资深员工意见不合时，主管应该怎样协调沟通？"
    assert first.answer.split("\n")[:3] == [
        "要点一:", "先分别谈。了解各自的理由和顾虑，避免在公开场合争论。", "要点二:"]
    assert first.analysis.scoring_points == ["能区分私下沟通和共同讨论", "以客户和数据为依据",
                                             "有落地和复盘"]
    assert first.analysis.expectations == "候选人能给出具体步骤，而不是只说“加强沟通”。"
    assert first.analysis.purpose == "考察候选人处理团队分歧的方法。"
    # scoring points given as a numbered list, one a line
    assert questions["第二题"].analysis.scoring_points == [
        "说清CSAT的含义和调查时机", "说清NPS的计算方法", "能说明两者如何配合使用"]
    # digits with dots inside answers stay where they are
    assert "权重一般是3.5:3.5:3" in questions["第六题"].answer
    assert questions["第三题"].answer.split("\n")[0] == "1. 半小时内联系客户，了解事实并道歉。"
    # an empty answer is missing, not truncated; the last question is truncated
    assert questions["第七题"].answer == ""
    assert not questions["第七题"].truncated
    last = questions["第十二题"]
    assert last.truncated
    assert last.answer == ""
    assert last.partial.startswith("要点一:")


def test_shape_b_site_rules_and_trailing_site_lines_are_removed():
    text = all_text(parsed("shape_b.txt"))
    for junk in ("本站", "商业用途", "某某文档", "文档评论"):
        assert junk not in text


def test_shape_b_dimensions_are_inferred_from_the_wording():
    placed, new = place(parsed("shape_b.txt"), "supervisor", DIMENSIONS)
    assert new == {}
    assert all(p.how == "inferred" for p in placed)
    got = {p.raw.source: p.dimension for p in placed}
    assert got["第一题"] == "teamwork"
    assert got["第二题"] == "knowledge"
    assert got["第三题"] == "situational"
    assert got["第四题"] == "motivation"
    assert got["第五题"] == "potential"
    assert got["第七题"] == "potential"
    assert all(p.keywords for p in placed)


def test_dimension_option_applies_where_the_document_gives_none():
    result = parsed("shape_b.txt")
    placed, _ = place(result, "supervisor", DIMENSIONS, option="专业知识与技能")
    assert {(p.dimension, p.how) for p in placed} == {("knowledge", "option")}
    assert [p.id for p in placed][:2] == ["supervisor-knowledge-001", "supervisor-knowledge-002"]
    placed, _ = place(parsed("shape_a_simplified.txt"), "clerk", DIMENSIONS, option="potential")
    assert "option" not in {p.how for p in placed}  # the document's headings win
    with pytest.raises(ExamgenError, match="未知维度"):
        place(result, "supervisor", DIMENSIONS, option="没有这个维度")


def test_numeric_headings_with_numbered_answers():
    result = parse("面试题\n1、请介绍一下你自己？\n答案：\n1. 我做了三年客服。\n2. 带过新人。\n"
                   "2、你如何处理投诉？\n答案：\n先倾听，再处理。\n3、你的缺点是什么？\n"
                   "答案：有时太急，正在改。")
    assert [q.question for q in result.questions] == [
        "请介绍一下你自己？", "你如何处理投诉？", "你的缺点是什么？"]
    assert result.questions[0].answer == "1. 我做了三年客服。\n2. 带过新人。"


def test_section_lines_and_question_n_headings_in_shape_b():
    result = parse("一、团队协作\n问题1\n你怎么看待加班？\n参考答案：合理安排即可。\n"
                   "二、专业知识與技能類\n问题2\n什么是FCR？\n参考答案：首次解决率。\n"
                   "解析：考察目的：专业知识。")
    placed, _ = place(result, "r", DIMENSIONS)
    assert [(p.raw.source, p.dimension) for p in placed] == [
        ("「团队协作」问题1", "teamwork"), ("「专业知识與技能類」问题2", "knowledge")]
    assert placed[1].raw.analysis.purpose == "专业知识。"


def test_numbering_restarts_in_every_section():
    result = parse("一、自我认知\n1、你为什么来？\n答案：喜欢。\n2、你的优点？\n答案：\n1. 细心。\n"
                   "2. 耐心。\n二、专业知识\n1、什么是SLA？\n答案：服务水平协议。\n"
                   "2、什么是AHT？\n答案：平均处理时长。")
    assert [(q.heading, q.question) for q in result.questions] == [
        ("自我认知", "你为什么来？"), ("自我认知", "你的优点？"), ("专业知识", "什么是SLA？"),
        ("专业知识", "什么是AHT？")]
    assert result.questions[1].answer == "1. 细心。\n2. 耐心。"


def test_a_line_based_question_without_answer_marker():
    result = parse("第一题\n你如何看待加班？\n我认为合理加班可以接受。\n解析:\n"
                   "考察目的:工作态度。\n第二题\n什么是NPS？\n答案:净推荐值。")
    first = result.questions[0]
    assert (first.question, first.answer) == ("你如何看待加班？", "我认为合理加班可以接受。")
    assert first.analysis.purpose == "工作态度。"


def test_traditional_text_saved_as_big5_is_read(tmp_path):
    sample = "第一題\n你為什麼想做客服？\n答案:\n喜歡與人打交道。\n"
    (tmp_path / "big5.txt").write_bytes(sample.encode("cp950"))
    assert read_text(tmp_path / "big5.txt") == sample


def test_running_headers_and_page_numbers_of_a_pdf_are_dropped():
    from examgen.importer import _without_running_lines

    pages = [["某某公司内部资料", f"第{i}题 正文", f"- {i} -"] for i in range(1, 5)]
    assert _without_running_lines(pages) == [[f"第{i}题 正文"] for i in range(1, 5)]


@pytest.mark.parametrize(("heading", "expected"), [
    ("團隊協作與溝通能力(類)", "teamwork"), ("团队协作与沟通能力类", "teamwork"),
    ("自我認知與職業動機", "motivation"), ("專業知識與技能", "knowledge"),
    ("情境模擬與解決問題能力", "situational"), ("潛力與文化適配", "potential"),
    ("专业知识", "knowledge"), ("potential", "potential"), ("客户服务意识", None),
])
def test_headings_match_the_bank_dimensions(heading, expected):
    assert match_dimension(heading, DIMENSIONS) == expected


def test_ids_are_role_dimension_number_and_stable():
    first, _ = place(parsed("shape_a_simplified.txt"), "clerk", DIMENSIONS)
    again, _ = place(parsed("shape_a_simplified.txt"), "clerk", DIMENSIONS)
    assert [p.id for p in first] == [p.id for p in again] == [
        "clerk-motivation-001", "clerk-motivation-002", "clerk-knowledge-001",
        "clerk-knowledge-002", "clerk-teamwork-001", "clerk-teamwork-002", "clerk-teamwork-003"]
    taken, _ = place(parsed("shape_a_simplified.txt"), "clerk", DIMENSIONS,
                     taken={"clerk-motivation-001"})
    assert taken[0].id == "clerk-motivation-002"
    assert taken[1].id == "clerk-motivation-003"


# ---------------------------------------------------------------------------- the command


def test_json_report(runner, tmp_path):
    out = tmp_path / "questions" / "supervisor.yaml"
    result = run(runner, FIXTURES / "shape_a_traditional.txt", "--role", "supervisor",
                 "-o", out, "--to-simplified", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"file", "shape", "questions", "per_dimension", "missing_answers", "truncated",
            "inferred", "announced", "unprintable", "bank", "garbled"} <= set(report)
    assert report["file"] == str(FIXTURES / "shape_a_traditional.txt")
    assert report["shape"] == "A"
    assert report["questions"] == 12
    assert report["announced"] is None
    assert report["per_dimension"] == {"motivation": 3, "knowledge": 3, "situational": 2,
                                       "teamwork": 2, "extra-1": 2}
    assert report["missing_answers"] == report["truncated"] == ["supervisor-extra-1-002"]
    assert report["inferred"] == []
    assert report["garbled"] == ["supervisor-situational-002", "supervisor-extra-1-002"]
    assert [u["id"] for u in report["unprintable"]] == ["supervisor-situational-002"]
    assert "U+E5E5" in report["unprintable"][0]["chars"]
    assert report["bank"] == str(tmp_path / "questions")
    assert report["new_dimensions"] == {"extra-1": "客户服务意识"}


def test_the_written_bank_is_readable_and_valid(runner, tmp_path):
    bank = tmp_path / "questions"
    result = run(runner, FIXTURES / "shape_b.txt", "--role", "supervisor", "-o",
                 bank / "supervisor.yaml")
    assert result.exit_code == 0, result.output
    assert "已导入 12 道题" in result.stdout
    assert "文档声明共 20 题" in result.stdout
    assert "维度按关键词推断" in result.stdout
    assert "examgen build --role supervisor --bank" in result.stdout
    check = runner.invoke(main, ["validate", "--bank", str(bank)])
    assert check.exit_code == 0, check.output  # only warnings about the empty answers
    assert check.stderr.count("参考答案为空") == 2
    text = (bank / "supervisor.yaml").read_text(encoding="utf-8")
    assert "answer: |" in text  # line breaks of structured answers kept
    assert "# 原文在此截断" in text
    assert "#   要点一:" in text
    loaded = load_bank(bank)
    role = loaded.role("supervisor")
    assert role.title == "客服主管"
    assert role.difficulty == {"medium": 1}
    assert set(role.mix) == {q.dimension for q in loaded.for_role("supervisor")}
    first = loaded.by_id()["supervisor-teamwork-001"]
    assert (first.difficulty, first.minutes, first.points) == ("medium", 5, 10)
    assert first.analysis.purpose == "考察候选人处理团队分歧的方法。"
    roles_text = (bank / "roles.yaml").read_text(encoding="utf-8")
    assert roles_text.startswith("# 题库配置")  # a copy of the shipped file, comments and all
    assert "director:" in roles_text


def test_an_existing_roles_yaml_gets_additions_and_keeps_its_comments(runner, tmp_path):
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "roles.yaml").write_text(
        "# 我们公司的题库 —— 请勿删除这行注释\n"
        "dimensions:\n"
        "    motivation: 自我认知与职业动机   # 动机\n"
        "    knowledge: 专业知识与技能\n"
        "\n"
        "# 岗位\n"
        "roles:\n"
        "    clerk:\n"
        "        title: 客服专员\n"
        "        mix: {motivation: 1, knowledge: 1}\n"
        "        difficulty: {medium: 1}\n", encoding="utf-8")
    result = run(runner, FIXTURES / "shape_a_traditional.txt", "--role", "lead", "-o",
                 bank / "lead.yaml")
    assert result.exit_code == 0, result.output
    text = (bank / "roles.yaml").read_text(encoding="utf-8")
    assert "# 我们公司的题库 —— 请勿删除这行注释" in text
    assert "# 动机" in text
    loaded = load_bank(bank)
    # the unknown headings of this bank become new dimensions, titles as written
    assert list(loaded.dimensions) == ["motivation", "knowledge", "extra-1", "extra-2",
                                       "extra-3"]
    assert list(loaded.dimensions.values())[2:] == [
        "情境模擬與解決問題能力", "團隊協作與溝通能力(類)", "客戶服務意識"]
    assert loaded.role("lead").mix == dict.fromkeys(loaded.dimensions, 1)
    assert loaded.role("clerk").mix == {"motivation": 1, "knowledge": 1}


def test_an_existing_role_is_left_alone_and_the_output_says_what_to_add(runner, tmp_path):
    bank = tmp_path / "questions"
    result = run(runner, FIXTURES / "shape_a_traditional.txt", "--role", "director", "-o",
                 bank / "director-imported.yaml", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert any("extra-1: 1" in note for note in report["notes"])
    loaded = load_bank(bank)
    assert loaded.role("director").mix == {"motivation": 3, "knowledge": 4, "situational": 5,
                                           "teamwork": 4, "potential": 4}


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("case", ["unreadable", "unknown shape", "zero questions",
                                  "existing output", "bad role"])
def test_errors_are_one_line_exit_1_and_nothing_is_written(runner, tmp_path, case):
    work = tmp_path / "work"
    work.mkdir()
    source = work / "题库.txt"
    output = work / "questions" / "director-imported.yaml"
    role = "director"
    expected = str(source)
    if case == "unreadable":
        source.write_bytes(b"\x00\xff" * 100)
    elif case == "unknown shape":
        source.write_text("会议纪要\n今天讨论了排班问题。\n", encoding="utf-8")
    elif case == "zero questions":
        source.write_text("第一题\n答案:\n解析:\n第二题\n答案:\n", encoding="utf-8")
    elif case == "existing output":
        source.write_text(fixture_text("shape_b.txt"), encoding="utf-8")
        output.parent.mkdir()
        output.write_text("# 我自己的题\n", encoding="utf-8")
        expected = str(output)
    else:
        source.write_text(fixture_text("shape_b.txt"), encoding="utf-8")
        role = "客服 主管"
        expected = "岗位编号"
    before = _tree(work)
    result = run(runner, source, "--role", role, "-o", output)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().split("\n")) == 1
    assert result.stderr.startswith("错误：")
    assert expected in result.stderr
    assert _tree(work) == before


def test_force_overwrites_an_existing_output(runner, tmp_path):
    output = tmp_path / "questions" / "clerk.yaml"
    output.parent.mkdir()
    output.write_text("# old\n", encoding="utf-8")
    result = run(runner, FIXTURES / "shape_a_simplified.txt", "--role", "clerk", "-o", output,
                 "--force")
    assert result.exit_code == 0, result.output
    assert "clerk-teamwork-003" in output.read_text(encoding="utf-8")


def test_help_is_in_chinese_with_an_example(runner):
    result = runner.invoke(main, ["import", "--help"])
    assert result.exit_code == 0
    assert "导入已有的题库文档" in result.output
    assert "Example: examgen import 题库.txt --role director -o " \
           "questions/director-imported.yaml" in result.output


def test_import_then_build_in_two_commands(runner, tmp_path, converted):
    bank = tmp_path / "questions"
    source = converted[("shape_b.txt", "docx")]
    imported = run(runner, source, "--role", "supervisor", "-o", bank / "supervisor.yaml",
                   "--json")
    assert imported.exit_code == 0, imported.output
    command = json.loads(imported.stdout)["next"]
    # equal weights over five dimensions, but only one motivation question: fill from others
    assert command == f"examgen build --role supervisor --bank {bank} --count 12 " \
                      "--allow-shortfall"
    built = runner.invoke(main, [*command.split()[1:], "--seed", "7", "--out",
                                 str(tmp_path / "papers"), "--json"])
    assert built.exit_code == 0, built.output
    paper = json.loads(built.stdout)["papers"][0]
    assert len(paper["questions"]) == 12
    # sheet, key and rating sheet, and nothing half-written
    assert sorted(p.suffix for p in (tmp_path / "papers").iterdir()) == [".pdf"] * 3


def test_build_needs_allow_shortfall_when_the_import_lacks_dimensions(runner, tmp_path):
    # `director` is already in the copied roles.yaml, with all five dimensions in its mix
    bank = tmp_path / "questions"
    imported = run(runner, FIXTURES / "shape_a_simplified.txt", "--role", "director", "-o",
                   bank / "director-imported.yaml", "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["next"].endswith("--count 7 --allow-shortfall")
    args = ["build", "--role", "director", "--bank", str(bank), "--count", "6", "--seed", "1",
            "--out", str(tmp_path / "papers")]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1
    assert "情境模拟与解决问题能力" in refused.stderr
    assert not (tmp_path / "papers").exists()
    built = runner.invoke(main, [*args, "--allow-shortfall"])
    assert built.exit_code == 0, built.output
