"""The bank loads strictly: every error names file, line, question id and field, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from examgen.bank import load_bank
from examgen.cli import main
from examgen.errors import BankErrors, ExamgenError

from .conftest import balanced_questions, question, write_bank


def errors_of(root: Path) -> list[str]:
    with pytest.raises(BankErrors) as caught:
        load_bank(root)
    return [str(e) for e in caught.value.errors]


def test_shipped_bank_loads_with_three_roles(shipped_bank):
    assert {"director", "subscription-manager", "after-sales-manager"} <= set(shipped_bank.roles)
    assert list(shipped_bank.dimensions.values()) == [
        "自我认知与职业动机", "专业知识与技能", "情境模拟与解决问题能力", "团队协作与沟通能力",
        "潜力与文化适配"]
    assert shipped_bank.role("director").title == "客服总监"


def test_question_fields_are_loaded(small_bank):
    bank = load_bank(small_bank)
    q = bank.by_id()["knowledge-hard-0"]
    assert (q.dimension, q.difficulty, q.minutes, q.points) == ("knowledge", "hard", 5, 10)
    assert q.analysis.scoring_points == ("要点一", "要点二", "要点三")
    assert dict(q.levels) == {1: "答非所问。", 3: "基本到位。", 5: "有深度且有实例。"}
    assert q.roles == ("tester",)
    assert q.line > 1
    assert q.file.endswith("tester.yaml")


def test_unknown_field_names_file_line_id_and_field(tmp_path):
    root = write_bank(tmp_path, [question("q1"), question("q2", answr="typo")])
    [error] = errors_of(root)
    assert "tester.yaml:" in error
    assert " q2 answr: 未知字段" in error
    line = int(error.split(":")[1].split()[0])
    text = (root / "tester.yaml").read_text(encoding="utf-8").splitlines()
    assert "answr" in text[line - 1]


def test_every_error_is_reported_together(tmp_path):
    bad = [
        question("q1", dimension="nonsense"),
        question("q2", difficulty="extreme"),
        question("q3", minutes="five"),
        {k: v for k, v in question("q4").items() if k != "answer"},
        question("q1"),
    ]
    errors = errors_of(write_bank(tmp_path, bad))
    joined = "\n".join(errors)
    assert "q1 dimension: 未知维度 'nonsense'" in joined
    assert "q2 difficulty: 未知难度 'extreme'" in joined
    assert "q3 minutes: 应为 1–120 的整数" in joined
    assert "q4 answer: 缺少必填字段" in joined
    assert "q1 id: 编号重复" in joined
    assert len(errors) == 5


def test_broken_yaml_names_file_and_line(tmp_path):
    root = write_bank(tmp_path, [question("q1")])
    (root / "broken.yaml").write_text("questions:\n  - id: x\n    question: [未闭合\n",
                                      encoding="utf-8")
    with pytest.raises(ExamgenError, match=r"broken\.yaml:\d+: YAML 格式错误"):
        load_bank(root)


def test_missing_folder_and_missing_roles_file(tmp_path):
    with pytest.raises(ExamgenError, match="题库文件夹不存在"):
        load_bank(tmp_path / "nowhere")
    with pytest.raises(ExamgenError, match="缺少 roles.yaml"):
        load_bank(tmp_path)


def test_role_mix_must_name_known_dimensions(tmp_path):
    root = write_bank(tmp_path, [question("q1")], mix={"knowledge": 1, "charisma": 2})
    [error] = errors_of(root)
    assert "roles.yaml:" in error
    assert "roles.tester.mix.charisma: 未知的维度 'charisma'" in error


def test_question_for_unknown_role_is_an_error(tmp_path):
    root = write_bank(tmp_path, [question("q1", roles=["nobody"])])
    assert any("q1 roles: 未知岗位 'nobody'" in e for e in errors_of(root))


def test_a_question_can_serve_several_roles(tmp_path):
    root = write_bank(tmp_path, balanced_questions())
    roles = (root / "roles.yaml").read_text(encoding="utf-8")
    roles += "  second:\n    title: 第二岗\n    mix: {knowledge: 1}\n    difficulty: {medium: 1}\n"
    (root / "roles.yaml").write_text(roles, encoding="utf-8")
    (root / "shared.yaml").write_text(
        "roles: [tester, second]\nquestions:\n"
        "  - {id: shared-1, dimension: knowledge, difficulty: medium, minutes: 3, points: 5,\n"
        "     question: 共用题？, answer: 共用答案。}\n", encoding="utf-8")
    bank = load_bank(root)
    assert [q.id for q in bank.for_role("second")] == ["shared-1"]
    assert "shared-1" in {q.id for q in bank.for_role("tester")}


def test_validate_lists_all_errors_and_exits_1(runner, tmp_path):
    root = write_bank(tmp_path, [question("q1", dimension="x"), question("q2", points=0)])
    result = runner.invoke(main, ["validate", "--bank", str(root)])
    assert result.exit_code == 1
    assert "q1 dimension" in result.stderr
    assert "q2 points" in result.stderr
    assert "Traceback" not in result.output


def test_validate_reports_characters_the_fonts_cannot_print(runner, tmp_path):
    root = write_bank(tmp_path, [question("q1", question="请看这个符号\U0001F600可以吗？")])
    result = runner.invoke(main, ["validate", "--bank", str(root)])
    assert result.exit_code == 1
    assert "q1 question: 字体无法显示字符" in result.stderr
    assert "U+1F600" in result.stderr


def test_validate_passes_on_shipped_bank(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "题库无误" in result.stdout


def test_roles_json_counts_questions_per_dimension(runner, small_bank):
    result = runner.invoke(main, ["roles", "--bank", str(small_bank), "--json"])
    assert result.exit_code == 0
    import json

    [role] = json.loads(result.stdout)["roles"]
    assert role["id"] == "tester"
    assert role["title"] == "测试岗"
    assert role["mix"] == {"motivation": 1, "knowledge": 2, "situational": 2}
    assert role["questions"] == {"motivation": 6, "knowledge": 6, "situational": 6}


# ---------------------------------------------------------------------------- choice items


def choice(qid: str, **extra) -> dict:
    data = {"id": qid, "type": "choice", "dimension": "knowledge", "difficulty": "easy",
            "question": "受理投诉时，首先应该做什么？",
            "options": ["立即提出赔偿", "确认客户的诉求", "转给主管", "解释公司规定"],
            "answer": "B", "explanation": "先弄清诉求，后续处理才有依据。"}
    data.update(extra)
    return data


def test_open_questions_are_still_the_default_and_keep_their_fingerprint():
    from examgen.bank import Analysis, Question

    q = Question(id="d-1", dimension="knowledge", difficulty="medium", minutes=5, points=10,
                 question="什么是首次解决率？", answer="一次接触就解决的比例。",
                 analysis=Analysis(("定义准确",), "能举例。", "考察知识。"),
                 levels=((1, "不知道。"), (5, "讲清口径。")), tags=("FCR",))
    assert q.type == "open"
    assert not q.is_choice
    # the digest printed into the history before choice items and analysis parts existed
    assert q.digest() == "b4dd57507d00353d"


# ---------------------------------------------------------------------------- analysis parts


PARTS = [{"title": "价值理解", "scoring_points": ["说清客服创造的价值"], "expectations": "有实例。",
          "purpose": "看对岗位的认识。"},
         {"title": "语言与表达", "scoring_points": ["条理清楚", "用词得体"]}]


def test_analysis_parts_load_in_order_with_their_own_fields(tmp_path):
    root = write_bank(tmp_path, [question("q1", analysis={"parts": PARTS})])
    [q] = load_bank(root).questions
    first, second = q.analysis.parts
    assert (first.title, first.scoring_points, first.expectations, first.purpose) == (
        "价值理解", ("说清客服创造的价值",), "有实例。", "看对岗位的认识。")
    assert (second.title, second.scoring_points, second.expectations) == (
        "语言与表达", ("条理清楚", "用词得体"), "")
    assert q.analysis.scoring_points == ()
    assert q.analysis.expectations == ""
    assert q.texts()["analysis.parts[1].scoring_points[1]"] == "用词得体"
    assert q.texts()["analysis.parts[0].title"] == "价值理解"


@pytest.mark.parametrize(("analysis", "message"), [
    ({"parts": PARTS, "purpose": "总体"}, "q1 analysis.purpose: 分部分评分时"),
    ({"parts": []}, "q1 analysis.parts: 应为各部分的列表"),
    ({"parts": "价值理解"}, "q1 analysis.parts: 应为各部分的列表"),
    ({"parts": [{"scoring_points": ["甲"]}]}, "q1 analysis.parts[0].title: 应为非空文本"),
    ({"parts": [{"title": "价值理解"}]},
     "q1 analysis.parts[0]: 此部分没有评分要点、期望或考察目的"),
    ({"parts": [{"title": "甲", "purpose": "一"}, {"title": "甲", "purpose": "二"}]},
     "q1 analysis.parts[1].title: 部分标题「甲」重复"),
    ({"parts": [{"title": "甲", "purpose": "一", "score": 5}]},
     "q1 analysis.parts[0].score: 未知字段"),
    ({"parts": ["甲"]}, "q1 analysis.parts[0]: 应为包含 title"),
])
def test_analysis_parts_are_validated_strictly(tmp_path, analysis, message):
    errors = errors_of(write_bank(tmp_path, [question("q1", analysis=analysis)]))
    assert any(message in e for e in errors), errors
