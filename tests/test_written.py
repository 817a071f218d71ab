"""Written tests (笔试): choice items in the bank, `build --choice`, the sheet with its answer
grid at the front, the key with answers and the choice part of the score sheet."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from examgen.bank import load_bank
from examgen.cli import main
from examgen.errors import BankErrors
from examgen.history import History
from examgen.resources import default_bank_dir
from examgen.sampling import largest_remainder, sample

from . import scanfake
from .conftest import balanced_questions, question, write_bank
from .pdftext import page_texts, squash


def choice(qid: str, dimension: str = "knowledge", difficulty: str = "medium", **extra) -> dict:
    data = {"id": qid, "type": "choice", "dimension": dimension, "difficulty": difficulty,
            "question": f"关于{qid}，下列说法正确的是：",
            "options": [f"{qid}甲", f"{qid}乙", f"{qid}丙", f"{qid}丁"], "answer": "B",
            "explanation": f"{qid}的解析。"}
    data.update(extra)
    return data


def errors_of(root: Path) -> list[str]:
    with pytest.raises(BankErrors) as info:
        load_bank(root)
    return [str(e) for e in info.value.errors]


def choice_bank(tmp_path: Path, *items: dict) -> Path:
    return write_bank(tmp_path / "bank", [*balanced_questions(), *items])


# --- the bank ------------------------------------------------------------------------------

def test_a_choice_item_loads_with_letters_defaults_and_printed_texts(tmp_path):
    bank = load_bank(choice_bank(tmp_path, choice("c1"),
                                 choice("c2", answer=["c", "A"], partial=True, points=4)))
    one, two = (q for q in bank.questions if q.is_choice)
    assert (one.type, one.correct, one.answer, one.minutes, one.points) == (
        "choice", ("B",), "B", 1, 2)
    assert one.lettered() == [("A", "c1甲"), ("B", "c1乙"), ("C", "c1丙"), ("D", "c1丁")]
    assert (two.correct, two.answer, two.multiple, two.partial, two.points) == (
        ("A", "C"), "A、C", True, True, 4)
    texts = one.texts()
    assert texts["options.A"] == "c1甲"
    assert texts["options.D"] == "c1丁"
    assert texts["explanation"] == "c1的解析。"
    assert bank.for_role("tester", "choice") == [one, two]
    assert one not in bank.for_role("tester")  # open questions only, as before


@pytest.mark.parametrize(("item", "expected"), [
    (choice("c1", answer="E"), "c1 answer: 答案 E 没有对应的选项（本题选项为 A–D）"),
    (choice("c1", answer=["A", "A"]), "c1 answer: 答案 A 重复"),
    (choice("c1", answer="AC"), "c1 answer: 答案应为一个选项字母 A–H，实际为 'AC'"
                                "（多选题写成列表，例如 [A, C]）"),
    (choice("c1", options=["同一项", "其他", "同一项"]), "c1 options.C: 与选项 A 重复"),
    (choice("c1", options=["只有一个"]), "c1 options: 应为 2–8 个选项的列表"),
    (choice("c1", options=[str(i) for i in range(9)]), "c1 options: 应为 2–8 个选项的列表"),
    (choice("c1", levels={1: "差", 5: "好"}), "c1 levels: 选择题不用此字段"),
    (choice("c1", probes=["您怎么看？", "为什么？"]), "c1 probes: 选择题不用此字段"),
    (choice("c1", analysis={"purpose": "x"}), "c1 analysis: 选择题不用此字段"),
    (choice("c1", partial=True), "c1 partial: partial 只用于有多个答案的选择题"),
    (choice("c1", type="multiple"), "c1 type: 未知题型 'multiple'"),
    (question("q1", options=["甲", "乙"]), "q1 options: 只用于选择题（type: choice）"),
    (question("q1", explanation="解析"), "q1 explanation: 只用于选择题（type: choice）"),
])
def test_a_bad_choice_item_names_file_line_id_and_field(tmp_path, item, expected):
    [message] = errors_of(choice_bank(tmp_path, item))
    assert message.startswith("bank/tester.yaml:") or "tester.yaml:" in message
    assert expected in message, message
    line = int(message.split("tester.yaml:")[1].split()[0])
    text = (tmp_path / "bank" / "tester.yaml").read_text(encoding="utf-8").splitlines()
    start = text.index(f"- id: {item['id']}") + 1
    assert start <= line < start + 40  # a line of the item itself


def test_a_choice_item_without_options_or_answer_is_an_error(tmp_path):
    item = choice("c1")
    del item["options"], item["answer"]
    messages = errors_of(choice_bank(tmp_path, item))
    assert any("c1 options: 缺少必填字段" in m for m in messages)
    assert any("c1 answer: 缺少必填字段" in m for m in messages)


def test_open_questions_keep_their_fingerprint(shipped_bank):
    """A paper built before choice items existed must still match its bank (reprint)."""
    for q in shipped_bank.questions:
        if q.is_choice:
            continue
        data = asdict(q)
        for name in ("file", "line", "type", "options", "correct", "explanation", "partial"):
            data.pop(name)
        if not data["probes"]:
            data.pop("probes")
        if not data["analysis"]["parts"]:
            data["analysis"].pop("parts")
        blob = json.dumps(data, ensure_ascii=False, sort_keys=True)
        assert q.digest() == hashlib.sha256(blob.encode()).hexdigest()[:16], q.id


def test_roles_yaml_written_block_is_validated(tmp_path):
    root = choice_bank(tmp_path, choice("c1"))
    roles = yaml.safe_load((root / "roles.yaml").read_text(encoding="utf-8"))
    roles["roles"]["tester"]["written"] = {"choice": -1, "essay": 3}
    (root / "roles.yaml").write_text(yaml.safe_dump(roles, allow_unicode=True), "utf-8")
    messages = errors_of(root)
    assert any("roles.tester.written.choice: 应为 0–200 的整数，实际为 -1" in m
               for m in messages), messages
    assert any("roles.tester.written.essay: 未知字段（可用：choice、open）" in m
               for m in messages), messages


def test_the_shipped_bank_has_original_choice_items_for_every_role(shipped_bank):
    for role in shipped_bank.roles:
        items = shipped_bank.for_role(role, "choice")
        assert len(items) >= 20, role
        assert any(q.multiple for q in items)
        assert any(q.partial for q in items)
    letters = Counter(q.correct[0] for q in shipped_bank.questions
                      if q.is_choice and not q.multiple)
    assert len(letters) == 4
    assert max(letters.values()) <= 8


# --- sampling and build ----------------------------------------------------------------------

def test_choice_items_are_balanced_over_the_roles_dimensions(shipped_bank):
    selection = sample(shipped_bank, "director", 20, 5, item_type="choice")
    assert all(q.is_choice for q in selection.questions)
    counts = Counter(q.dimension for q in selection.questions)
    assert counts == largest_remainder(shipped_bank.role("director").mix, 20)


def test_adding_choice_items_leaves_open_papers_as_they_were(shipped_bank, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(default_bank_dir(), plain)
    (plain / "written.yaml").unlink()
    before = sample(load_bank(plain), "director", 20, 4711)
    after = sample(shipped_bank, "director", 20, 4711)
    assert [q.id for q in after.questions] == [q.id for q in before.questions]


@pytest.fixture(scope="module")
def written_paper(tmp_path_factory) -> dict:
    """The issue's written test, built once: 20 choice items and 5 open questions."""
    out = tmp_path_factory.mktemp("written")
    result = CliRunner().invoke(main, [
        "build", "--role", "director", "--mode", "written", "--choice", "20", "--count", "5",
        "--seed", "8", "--candidate", "王喆堃", "--date", "2026-12-01", "--out", str(out),
        "--history", str(out / "history.sqlite3"), "--bank", str(default_bank_dir()),
        "--json"])
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    return {"paper": paper, "out": out, "history": out / "history.sqlite3"}


def test_build_choice_and_count_gives_choice_items_first_then_open_questions(
        written_paper, shipped_bank):
    paper = written_paper["paper"]
    kinds = [q["type"] for q in paper["questions"]]
    assert kinds == ["choice"] * 20 + ["open"] * 5
    assert (paper["choice"], paper["mode"]) == (20, "written")
    assert paper["choice_points"] == sum(q["points"] for q in paper["questions"][:20])
    first = paper["questions"][0]
    assert set(first) >= {"options", "answer", "partial"}
    assert first["answer"]
    open_dims = Counter(q["dimension"] for q in paper["questions"][20:])
    assert open_dims == {d: n for d, n in largest_remainder(
        shipped_bank.role("director").mix, 5).items() if n}


def test_the_history_keeps_what_grading_needs_without_the_bank(written_paper):
    with History(written_paper["history"]) as store:
        record = store.get(written_paper["paper"]["id"])
    assert record.count == 25
    first, last = record.questions[0], record.questions[-1]
    meta = record.question_meta[first]
    assert meta["type"] == "choice"
    assert meta["answer"]
    assert meta["options"] >= 2
    assert set(meta) == {"dimension", "points", "minutes", "type", "answer", "options",
                         "partial"}
    assert "type" not in record.question_meta[last]  # open questions as before


def _letters_drawn_in_their_bubbles(paper: dict) -> bool:
    """Each bubble of the grid has its ring on its radius and its option letter drawn inside:
    ink within 1.2 mm of the centre (the circle itself runs at 3.2 mm), at 200 dpi."""
    import numpy as np
    import pypdfium2

    from examgen import layout

    items = [layout.GridItem(len(q["options"]), len(q["answer"]) > 1)
             for q in paper["questions"] if q["type"] == "choice"]
    (sheet,) = layout.grid_sheets(paper["id"], len(paper["questions"]), items)
    document = pypdfium2.PdfDocument(paper["files"]["questions"])
    page = np.asarray(document[0].render(scale=200 / 72, grayscale=True).to_pil())
    document.close()
    px = 200 / 25.4
    centres = [(b.x, b.y) for row in sheet.rows for b in row.bubbles]
    inked = [page[int((y - 1.2) * px):int((y + 1.2) * px),
                  int((x - 1.2) * px):int((x + 1.2) * px)].min() < 128 for x, y in centres]
    return (len(centres) >= 80 and all(inked)
            and scanfake.rings_where_the_layout_says(page, sheet.rows, 200))


def test_the_sheet_starts_with_the_answer_grid_then_the_lettered_items(written_paper):
    paper = written_paper["paper"]
    pages = [squash(t) for t in page_texts(Path(paper["files"]["questions"]))]
    grid = pages[0]
    for text in ("答题卡", "王喆堃", paper["id"], "客服总监", "涂满", "20题，共"
                 f"{paper['choice_points']}分", "版式G1", "应聘者签名"):
        assert text in grid, text
    assert "多选" in grid
    assert _letters_drawn_in_their_bubbles(paper)
    body = "".join(pages[1:])
    assert "一、选择题（共20题" in body
    assert "请在答题卡上作答" in body
    first = paper["questions"][0]
    assert f"1.{first['text']}".replace(" ", "") in body
    for letter, option in zip("ABCD", first["options"], strict=False):
        assert f"{letter}.{option}".replace(" ", "") in body
    assert "二、" in body
    assert paper["questions"][20]["text"].replace(" ", "")[:20] in body
    assert "答案：" not in body  # the candidate never sees the key


def test_the_key_prints_answers_explanations_and_the_choice_scores(written_paper,
                                                                   shipped_bank):
    paper = written_paper["paper"]
    text = "".join(squash(t) for t in page_texts(Path(paper["files"]["answer_key"])))
    by_id = shipped_bank.by_id()
    for q in paper["questions"][:20]:
        item = by_id[q["id"]]
        assert f"答案：{'、'.join(item.correct)}" in text, q["id"]
        assert f"解析：{item.explanation}".replace(" ", "") in text
    assert "选择题得分" in text
    assert f"选择题合计：/{paper['choice_points']}分" in text
    assert "选择题1–20（见下表）" in text
    # The interviewers' rating sheet rates the open questions only: 21–25.
    assert "版式R1s20" in text


def test_a_written_block_in_roles_yaml_sets_the_default_mix(tmp_path, runner):
    root = choice_bank(tmp_path, *(choice(f"c{i}", dim) for i, dim in enumerate(
        ["motivation", "knowledge", "knowledge", "situational", "situational"] * 2)))
    roles = yaml.safe_load((root / "roles.yaml").read_text(encoding="utf-8"))
    roles["roles"]["tester"]["written"] = {"choice": 5, "open": 3}
    (root / "roles.yaml").write_text(yaml.safe_dump(roles, allow_unicode=True), "utf-8")
    result = runner.invoke(main, ["build", "--role", "tester", "--bank", str(root), "--seed",
                                  "1", "--out", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    assert [q["type"] for q in paper["questions"]] == ["choice"] * 5 + ["open"] * 3
    result = runner.invoke(main, ["build", "--role", "tester", "--bank", str(root), "--seed",
                                  "1", "--out", str(tmp_path / "oral"), "--mode", "oral",
                                  "--count", "4", "--json"])
    assert result.exit_code == 0, result.output
    [oral] = json.loads(result.stdout)["papers"]
    assert [q["type"] for q in oral["questions"]] == ["open"] * 4  # a live interview


@pytest.mark.parametrize(("args", "message"), [
    (["--choice", "3", "--mode", "oral"],
     "错误：选择题只用于笔试：--choice 不能与 --mode oral 同用"),
    (["--choice", "30"], "错误：选择题数量 30 超过题库中「测试岗」的选择题总数 2"),
])
def test_bad_written_options_are_one_line_errors(tmp_path, runner, args, message):
    root = choice_bank(tmp_path, choice("c1"), choice("c2"))
    result = runner.invoke(main, ["build", "--role", "tester", "--bank", str(root),
                                  "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert not (tmp_path / "out").exists()


def test_count_0_without_choice_items_is_a_usage_error(tmp_path, runner):
    root = choice_bank(tmp_path, choice("c1"))
    result = runner.invoke(main, ["build", "--role", "tester", "--bank", str(root),
                                  "--count", "0", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Invalid value for '--count': 题量为 0 时须用 --choice 出选择题" in result.stderr
    assert not (tmp_path / "out").exists()


def test_choice_only_paper(tmp_path, runner):
    root = choice_bank(tmp_path, choice("c1", "motivation"), choice("c2", "knowledge"),
                       choice("c3", "situational", answer=["A", "D"]))
    result = runner.invoke(main, ["build", "--role", "tester", "--bank", str(root), "--choice",
                                  "3", "--count", "0", "--seed", "2", "--out",
                                  str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    assert [q["id"] for q in paper["questions"]] == ["c1", "c2", "c3"]
    text = squash(page_texts(Path(paper["files"]["questions"]))[1])
    assert "问答题" not in text
    assert "答题卡" in text


def test_roles_lists_choice_items_and_the_written_default(tmp_path, runner):
    root = choice_bank(tmp_path, choice("c1", "motivation"), choice("c2"), choice("c3"))
    roles = yaml.safe_load((root / "roles.yaml").read_text(encoding="utf-8"))
    roles["roles"]["tester"]["written"] = {"choice": 3}
    (root / "roles.yaml").write_text(yaml.safe_dump(roles, allow_unicode=True), "utf-8")
    result = runner.invoke(main, ["roles", "--bank", str(root), "--json"])
    assert result.exit_code == 0, result.output
    [role] = json.loads(result.stdout)["roles"]
    assert role["questions"] == {"motivation": 6, "knowledge": 6, "situational": 6}
    assert role["choice"] == {"motivation": 1, "knowledge": 2, "situational": 0}
    assert role["written"] == {"choice": 3, "open": 0}
    text = runner.invoke(main, ["roles", "--bank", str(root)]).stdout
    assert "tester  测试岗  共 18 题，另有选择题 3 道" in text
    assert "笔试默认：选择题 3 道、问答题 0 道" in text
