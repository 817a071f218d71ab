"""Answer grids (答题卡) printed on the real sheet, filled in as a pen would, scanned or
photographed, graded: right answers score, partial credit follows the bank's rule, and a
blank, faint or double mark goes to a person, never guessed."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from examgen import layout
from examgen.cli import main
from examgen.grading import ChoiceKey, choice_keys, grade, item_score
from examgen.history import History
from examgen.readings import GRID, readings, review_items
from examgen.resources import default_bank_dir

from . import scanfake as fake

DPI = 200


@dataclass
class Written:
    history: Path
    paper: dict
    keys: list[ChoiceKey]
    page: layout.PageLayout
    image: np.ndarray  # the grid page as printed, at DPI

    def fresh_history(self, tmp: Path) -> Path:
        copy = tmp / "history.sqlite3"
        shutil.copy(self.history, copy)
        return copy


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Written:
    root = tmp_path_factory.mktemp("grid")
    history = root / "history.sqlite3"
    result = CliRunner().invoke(main, [
        "build", "--role", "director", "--choice", "20", "--count", "2", "--seed", "21",
        "--candidate", "韩梅梅", "--date", "2026-12-01", "--out", str(root / "papers"),
        "--history", str(history), "--bank", str(default_bank_dir()), "--json"])
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    with History(history) as store:
        keys = choice_keys(store.get(paper["id"]))
    pdf = Path(paper["files"]["questions"]).read_bytes()
    [page] = layout.grid_sheets(paper["id"], 22, [layout.GridItem(k.options, k.multiple)
                                                  for k in keys])
    return Written(history, paper, keys, page, fake.rasterize(pdf, DPI)[0])


def wrong_letter(key: ChoiceKey) -> str:
    return next(c for c in "ABCDEFGH"[:key.options] if c not in key.answer)


def plan(keys: list[ChoiceKey]) -> dict[int, tuple[str, str]]:
    """Row → (kind, letters to mark). Every kind appears; multiple-answer items get a
    right subset (partial credit or none) where possible."""
    kinds = ["right", "wrong", "blank", "faint", "double", "right", "wrong", "right"]
    out = {}
    for i, key in enumerate(keys):
        kind = kinds[i % len(kinds)]
        if key.multiple:
            kind = ["subset", "right", "extra"][i % 3]
        letters = {"right": key.answer, "wrong": wrong_letter(key), "blank": "",
                   "faint": key.answer[0], "subset": key.answer[:-1],
                   "extra": key.answer + wrong_letter(key),
                   "double": key.answer + wrong_letter(key)}[kind]
        out[key.number] = (kind, letters)
    return out


def expected(key: ChoiceKey, kind: str, letters: str) -> float | None:
    if kind in ("blank", "faint", "double"):
        return None  # a person decides
    return item_score(key, "".join(sorted(letters)))


def fill(written: Written, marks: dict[int, tuple[str, str]], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    img = written.image.copy()
    s = DPI / 25.4
    rows = {int(r.key): r for r in written.page.rows}
    for number, (kind, letters) in marks.items():
        for letter in letters:
            bubble = next(b for b in rows[number].bubbles if b.value == letter)
            ink = int(rng.integers(196, 212)) if kind == "faint" else int(rng.integers(25, 110))
            fake._blob(img, bubble, s, rng, ink, float(rng.uniform(0.7, 0.95)))
    return img


def test_the_partial_credit_rule():
    key = ChoiceKey(1, "x", "ACD", 3.0, 4, partial=True)
    assert [item_score(key, m) for m in ("ACD", "AC", "A", "AB", "ABCD", None)] == [
        3.0, 2.0, 1.0, 0.0, 0.0, 0.0]
    strict = ChoiceKey(2, "y", "AC", 3.0, 4)
    assert [item_score(strict, m) for m in ("AC", "A", "C")] == [3.0, 0.0, 0.0]
    single = ChoiceKey(3, "z", "B", 2.0, 4)
    assert [item_score(single, m) for m in ("B", "C", "")] == [2.0, 0.0, 0.0]


def scan(history: Path, *files: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["scan", *map(str, files), "--history", str(history),
                                       "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_a_scanned_grid_is_graded_and_doubtful_rows_wait_for_a_person(written, tmp_path):
    history = written.fresh_history(tmp_path)
    marks = plan(written.keys)
    assert {k for k, _ in marks.values()} >= {"right", "wrong", "blank", "faint", "double"}
    assert any(k.multiple for k in written.keys)
    rng = np.random.default_rng(5)
    scanned = fake.flatbed(fill(written, marks, seed=6), rng, 1.3, 0.97)
    path = tmp_path / "答题卡.pdf"
    path.write_bytes(fake.scanned_pdf([scanned]))
    code, data = scan(history, path)
    assert code == 0, data
    [page] = data["pages"]
    assert (page["paper"], page["interviewer"], page["status"]) == (
        written.paper["id"], GRID, "read")
    [result] = data["written"]
    items = {i["number"]: i for i in result["items"]}
    by_number = {k.number: k for k in written.keys}
    for number, (kind, letters) in marks.items():
        want = expected(by_number[number], kind, letters)
        assert items[number]["score"] == want, (number, kind, letters, items[number])
        if want is not None:
            assert items[number]["marked"] == ("".join(sorted(letters)) or None)
    review = {r["question"]: r["reason"] for r in data["review"]}
    assert review == {n: {"blank": "答题卡此题未涂（请确认是否作答）",
                          "faint": "涂痕太浅，无法判断",
                          "double": "涂了不止一个圆圈"}[kind]
                      for n, (kind, _) in marks.items() if kind in ("blank", "faint", "double")}
    assert result["pending"] == len(review)
    assert result["score"] == round(sum(s for n, (kind, letters) in marks.items()
                                        if (s := expected(by_number[n], kind, letters))
                                        is not None), 2)
    assert result["max"] == sum(k.points for k in written.keys)
    scores = {s["question"]: s["rating"] for s in data["scores"]}
    assert all(isinstance(v, str) for v in scores.values())  # letters, not ratings

    # A person settles the rows: the blank one stays blank, the others as read by eye.
    settle = []
    for number, (kind, _) in marks.items():
        if kind == "blank":
            settle.append(f"{number}=-")
        elif kind in ("faint", "double"):
            settle.append(f"{number}={by_number[number].answer}")
    result = CliRunner().invoke(main, ["scores", "set", written.paper["id"], "--grid",
                                       *settle, "--history", str(history), "--json"])
    assert result.exit_code == 0, result.output
    settled = json.loads(result.stdout)["written"]
    assert settled["pending"] == 0
    with History(history) as store:
        assert review_items(store, [written.paper["id"]]) == []
        graded = grade(store.get(written.paper["id"]), readings(store))
    assert graded.score == settled["score"]
    assert {i.status for i in graded.items} >= {"right", "wrong", "blank"}


def test_a_phone_photo_of_a_grid_reads_the_same(written, tmp_path):
    history = written.fresh_history(tmp_path)
    marks = {k.number: ("right", k.answer) for k in written.keys}
    rng = np.random.default_rng(9)
    photo = fake.phone(fill(written, marks, seed=10), rng)
    path = tmp_path / "IMG_0815.jpg"
    path.write_bytes(fake.jpeg(photo, 80))
    code, data = scan(history, path)
    assert code == 0, data
    [result] = data["written"]
    assert result["pending"] == 0
    assert result["score"] == result["max"] == sum(k.points for k in written.keys)


def test_the_same_grid_again_changes_nothing_and_the_human_output_is_chinese(written,
                                                                            tmp_path):
    history = written.fresh_history(tmp_path)
    marks = {k.number: ("right", k.answer) for k in written.keys}
    path = tmp_path / "grid.png"
    path.write_bytes(fake.png(fill(written, marks, seed=3)))
    runner = CliRunner()
    first = runner.invoke(main, ["scan", str(path), "--history", str(history)])
    assert first.exit_code == 0, first.output
    assert f"试卷 {written.paper['id']} 答题卡，已读入" in first.stdout
    total = sum(k.points for k in written.keys)
    assert f"试卷 {written.paper['id']}（韩梅梅）选择题得分 {total:g} / {total:g}" in first.stdout
    again = runner.invoke(main, ["scan", str(path), "--history", str(history)])
    assert "答题卡，已读过，无变化" in again.stdout


@pytest.mark.parametrize(("items", "message"), [
    (["1=Z"], "的选项为 A–"),
    (["99=A"], "本卷没有第 99 道选择题"),
    (["1"], "应写成 题号=所涂字母"),
])
def test_scores_set_grid_refuses_what_the_grid_cannot_hold(written, tmp_path, items, message):
    history = written.fresh_history(tmp_path)
    result = CliRunner().invoke(main, ["scores", "set", written.paper["id"], "--grid", *items,
                                       "--history", str(history)])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：")
    assert message in result.stderr
    with History(history) as store:
        assert readings(store, [written.paper["id"]]) == []


def test_a_single_answer_item_takes_one_letter_by_hand(written, tmp_path):
    history = written.fresh_history(tmp_path)
    single = next(k for k in written.keys if not k.multiple)
    result = CliRunner().invoke(main, ["scores", "set", written.paper["id"], "--grid",
                                       f"{single.number}=AB", "--history", str(history)])
    assert result.exit_code == 1
    assert "是单选题，只能填一个字母" in result.stderr
    result = CliRunner().invoke(main, ["scores", "set", written.paper["id"], "--history",
                                       str(history), "1=4"])
    assert result.exit_code == 1
    assert "请给出 --interviewer 面试官编号，或用 --grid 填写答题卡（二选一）" in result.stderr


def test_the_report_shows_the_written_part_beside_the_interview(written, tmp_path):
    from .pdftext import page_texts, squash

    history = written.fresh_history(tmp_path)
    runner = CliRunner()
    pid = written.paper["id"]
    first, second = written.keys[0], written.keys[1]
    marks = [f"{k.number}={k.answer}" for k in written.keys[2:]]
    marks += [f"{first.number}={wrong_letter(first)}"]  # one wrong, one still pending
    result = runner.invoke(main, ["scores", "set", pid, "--grid", *marks,
                                  "--history", str(history)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["scores", "set", pid, "--interviewer", "1", "21=4", "22=3",
                                  "recommendation=推荐", "--history", str(history)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["report", pid, "--out", str(tmp_path / "report"),
                                  "--history", str(history), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [entry] = data["ranking"]
    full = sum(k.points for k in written.keys)
    assert entry["written"] == {"score": full - first.points - second.points, "max": full,
                                "pending": 1, "right": len(written.keys) - 2}
    # The interview total counts the two open questions only (rated by interviewer 1).
    assert entry["max"] == 20
    assert entry["total"] == pytest.approx(4 / 5 * 10 + 3 / 5 * 10)
    text = "".join(squash(t) for t in page_texts(Path(data["pdf"])))
    assert "笔试选择题" in text
    assert "不计入面试总分与名次" in text
    assert f"第{first.number}题（答{wrong_letter(first)}，正确{first.answer}）" in text
    assert "1题待人工确认（不计入）" in text
