"""Rating sheets printed, filled in as a pen would, scanned or photographed, read back.

The sheets are the real PDFs examgen prints; marks and degradations come from scanfake.
Every clear mark must read right, every double or faint mark must go to review, and no
mark may be invented.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from examgen import layout, pdf
from examgen.bank import load_bank
from examgen.build import recorded_paper
from examgen.cli import main
from examgen.history import History
from examgen.readings import conflicts, readings, review_items
from examgen.render import render_html
from examgen.resources import default_bank_dir
from examgen.scan.markers import find_markers
from examgen.scan.reader import PageError, read_page

from . import scanfake as fake
from .pdftext import embedded_fonts, page_texts, squash

COUNT = 23  # two sheets: 20 rows, then 3 rows and the recommendation


@dataclass
class Panel:
    root: Path
    history: Path
    paper: object
    sheets: dict[int, bytes]  # interviewer → rating sheet PDF
    rasters: dict[tuple[int, int], list[np.ndarray]]

    def pages(self, interviewer: int, dpi: int) -> list[np.ndarray]:
        key = (interviewer, dpi)
        if key not in self.rasters:
            self.rasters[key] = fake.rasterize(self.sheets[interviewer], dpi)
        return self.rasters[key]

    def layouts(self, interviewer: int) -> list[layout.PageLayout]:
        return layout.rating_sheets(self.paper.id, interviewer, COUNT)

    def fresh_history(self, tmp: Path) -> Path:
        copy = tmp / "history.sqlite3"
        shutil.copy(self.history, copy)
        return copy


def rating_pdf(paper, interviewer: int, name: str) -> bytes:
    html = render_html(paper, "rating", pdf.font_urls(), interviewer=interviewer,
                       interviewer_name=name)
    data, warnings = pdf.html_to_pdf(html)
    assert warnings == []
    return data


@pytest.fixture(scope="module")
def panel(tmp_path_factory) -> Panel:
    root = tmp_path_factory.mktemp("scan")
    history = root / "history.sqlite3"
    result = CliRunner().invoke(main, [
        "build", "--role", "director", "--count", str(COUNT), "--seed", "11", "--out",
        str(root / "papers"), "--history", str(history), "--candidate", "李雷",
        "--date", "2026-12-01", "--bank", str(default_bank_dir()), "--interviewers", "王敏,李强",
        "--json"])
    assert result.exit_code == 0, result.output
    [built] = json.loads(result.stdout)["papers"]
    with History(history) as store:
        paper = recorded_paper(store.get(built["id"]), load_bank(default_bank_dir()))
    sheets = {1: rating_pdf(paper, 1, "王敏"), 2: rating_pdf(paper, 2, "李强")}
    return Panel(root, history, paper, sheets, {})


# --- the printed sheet -------------------------------------------------------------------

def test_rating_sheet_reads_for_a_person(panel, tmp_path):
    path = tmp_path / "rating.pdf"
    path.write_bytes(panel.sheets[1])
    first, second = (squash(t) for t in page_texts(path))
    for text in ("评分卡", "李雷", panel.paper.id, "客服总监", "面试官1号·王敏", "第1张/共2张",
                 "面试官姓名", "签名", "涂满", "评级：1最低—5最高"):
        assert text in first, text
    assert "其余题目与综合推荐见下一张评分卡" in first
    for label in ("综合推荐", "强烈推荐", "推荐", "待定", "不推荐", "第2张/共2张"):
        assert label in second
    assert all(f"{n}" in first for n in range(1, 21))
    assert panel.paper.dimensions[panel.paper.questions[0].dimension] in first
    fonts = embedded_fonts(path)
    assert fonts
    assert all(name.partition("+")[2].startswith("Examgen-Sans-SC") for name in fonts)


def test_printed_markers_and_bubbles_are_where_the_layout_says(panel):
    dpi = 200
    s = dpi / 25.4
    page = panel.pages(1, dpi)[0]
    found = find_markers(page)
    assert sorted(found) == [0, 1, 2, 3]
    for marker_id, corners in layout.marker_corners().items():
        assert np.abs(found[marker_id] - np.array(corners) * s).max() < 0.4 * s
    rows = panel.layouts(1)[0].rows
    assert fake.rings_where_the_layout_says(page, rows, dpi)
    ink = 255 - page.astype(np.float32)
    for row in rows:
        for b in row.bubbles:
            if b.inside:  # its digit in the middle: ink within the ring, centred on it
                inner = ink[round((b.y - 2.2) * s):round((b.y + 2.2) * s),
                            round((b.x - 2.2) * s):round((b.x + 2.2) * s)]
                yy, xx = np.mgrid[:inner.shape[0], :inner.shape[1]] / s - 2.2
                assert inner.sum() > 0, (row.key, b.value)
                centre = ((xx * inner).sum() / inner.sum(), (yy * inner).sum() / inner.sum())
                assert max(map(abs, centre)) < 0.35, (row.key, b.value, centre)


def test_a_blank_sheet_names_its_paper_interviewer_and_page_and_reads_not_rated(panel):
    for page_no, image in enumerate(panel.pages(2, 150), start=1):
        read = read_page(image)
        assert read.sheet == layout.SheetId(panel.paper.id, 2, page_no, 2, COUNT, "R1")
        assert all(r.value is None and not r.review for r in read.rows)


# --- filled in and degraded --------------------------------------------------------------

SCENARIOS = {
    "flatbed 300 dpi, 1.5° and 102 %": (300, lambda im, rng: fake.flatbed(im, rng, 1.5, 1.02)),
    "flatbed 150 dpi, -3° and 95 %": (150, lambda im, rng: fake.flatbed(im, rng, -3.0, 0.95)),
    "flatbed 200 dpi, 3° and 105 %, JPEG 60": (
        200, lambda im, rng: fake.decode(fake.jpeg(fake.flatbed(im, rng, 3.0, 1.05), 60))),
    "noisy 150 dpi": (150, lambda im, rng: fake.flatbed(im, rng, 0.7, 1.0, noise=14)),
    "upside down": (200, lambda im, rng: fake.flatbed(im, rng, 181.0, 0.98)),
    "phone photo, perspective and side light": (
        200, lambda im, rng: fake.decode(fake.jpeg(fake.phone(im, rng), 75))),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_clear_marks_read_right_doubtful_ones_go_to_review_none_invented(panel, scenario):
    dpi, degrade = SCENARIOS[scenario]
    rng = np.random.default_rng(sorted(SCENARIOS).index(scenario))
    checked = 0
    for page_layout, image in zip(panel.layouts(1), panel.pages(1, dpi), strict=True):
        marks = fake.plan_marks(page_layout, rng)
        read = read_page(degrade(fake.draw_marks(image, page_layout, marks, dpi, rng), rng))
        got = {r.row.key: r for r in read.rows}
        assert set(got) == {m.row for m in marks}
        for mark in marks:
            row = got[mark.row]
            assert (row.value, bool(row.review)) == (mark.expected, mark.for_review), \
                (scenario, mark, [round(v, 2) for v in row.scores])
            if mark.kind in ("double", "crossed"):
                assert row.review == "double"
            if mark.kind == "faint":
                assert row.review == "faint"
            checked += 1
    assert checked == COUNT + 1


def test_every_kind_of_mark_appears_in_the_plan(panel):
    marks = fake.plan_marks(panel.layouts(1)[0], np.random.default_rng(0))
    assert {m.kind for m in marks} == {"blank", *fake.CLEAR, *fake.REVIEW}


def test_a_page_without_markers_or_code_is_refused():
    white = np.full((2339, 1654), 250, np.uint8)
    with pytest.raises(PageError, match="定位标记"):
        read_page(white)


# --- examgen scan ------------------------------------------------------------------------

def filled(panel: Panel, interviewer: int, seed: int, dpi: int = 200):
    """Both sheets of an interviewer filled in and flatbed-scanned: (images, marks)."""
    rng = np.random.default_rng(seed)
    images, marks = [], []
    for page_layout, image in zip(panel.layouts(interviewer), panel.pages(interviewer, dpi),
                                  strict=True):
        plan = fake.plan_marks(page_layout, rng)
        drawn = fake.draw_marks(image, page_layout, plan, dpi, rng)
        images.append(fake.flatbed(drawn, rng, float(rng.uniform(-2, 2)), 1.0))
        marks += [(interviewer, m) for m in plan]
    return images, marks


def scan(runner: CliRunner, history: Path, *files: Path, review: Path | None = None):
    args = ["scan", *map(str, files), "--history", str(history), "--json"]
    if review:
        args += ["--review", str(review)]
    result = runner.invoke(main, args)
    return result, (json.loads(result.stdout) if result.stdout.startswith("{") else None)


def expected_value(mark: fake.Mark):
    if mark.expected is None or mark.row == "recommendation":
        return mark.expected
    return int(mark.expected)


def test_scan_a_panels_sheets_stores_every_rating_and_queues_the_doubtful_rows(
        panel, tmp_path):
    history = panel.fresh_history(tmp_path)
    one, marks_one = filled(panel, 1, seed=3)
    two, marks_two = filled(panel, 2, seed=4)
    scans = tmp_path / "扫描件"
    scans.mkdir()
    (scans / "面试官1.pdf").write_bytes(fake.scanned_pdf(one))
    (scans / "面试官2-第1张.jpg").write_bytes(fake.jpeg(two[0], 85))
    (scans / "面试官2-第2张.png").write_bytes(fake.png(two[1]))
    files = [scans / "面试官1.pdf", scans / "面试官2-第1张.jpg", scans / "面试官2-第2张.png"]
    result, data = scan(CliRunner(), history, *files)
    assert result.exit_code == 0, result.output
    assert set(data) == {"written", "pages", "scores", "review", "errors"}
    assert data["written"] == []  # no answer grid among these pages
    assert data["errors"] == []
    assert [(Path(p["file"]).name, p["page"], p["interviewer"], p["status"])
            for p in data["pages"]] == [
        ("面试官1.pdf", 1, 1, "read"), ("面试官1.pdf", 2, 1, "read"),
        ("面试官2-第1张.jpg", 1, 2, "read"), ("面试官2-第2张.png", 1, 2, "read")]
    assert {p["paper"] for p in data["pages"]} == {panel.paper.id}

    marks = marks_one + marks_two
    scores = {(s["interviewer"], s["question"]): s["rating"] for s in data["scores"]}
    review = {(r["interviewer"], r["question"]): r for r in data["review"]}
    for interviewer, mark in marks:
        question = mark.row if mark.row == "recommendation" else int(mark.row)
        if mark.for_review:
            assert (interviewer, question) in review
            assert (interviewer, question) not in scores
        else:
            assert scores[(interviewer, question)] == expected_value(mark)
    assert len(scores) + len(review) == 2 * (COUNT + 1)
    assert all(isinstance(v, int) and 1 <= v <= 5 or v is None
               for (_, q), v in scores.items() if q != "recommendation")
    for item in review.values():
        image = Path(item["image"])
        assert image.parent == scans / "review"
        assert image.read_bytes().startswith(b"\x89PNG")
        assert item["reason"] in ("涂了不止一个圆圈", "涂痕太浅，无法判断")

    with History(history) as store:
        stored = {(r.interviewer, r.question): r for r in readings(store, [panel.paper.id])}
        queued = review_items(store, [panel.paper.id])
    assert len(stored) == len(scores)
    first = stored[(1, "1")]
    assert (first.source, Path(first.file).name, first.page) == ("scan", "面试官1.pdf", 1)
    assert len(queued) == len(review)

    # The same pages again: nothing new, nothing doubled.
    result, again = scan(CliRunner(), history, *files)
    assert result.exit_code == 0
    assert {p["status"] for p in again["pages"]} == {"unchanged"}
    with History(history) as store:
        assert len(readings(store, [panel.paper.id])) == len(stored)
        assert len(review_items(store, [panel.paper.id])) == len(queued)
        assert conflicts(store) == []


def test_a_page_that_reads_differently_is_a_conflict_and_the_first_reading_stays(
        panel, tmp_path, runner):
    history = panel.fresh_history(tmp_path)
    [page1, _], _ = filled(panel, 1, seed=5)
    rows = panel.layouts(1)[0]
    dpi = 200
    plan = [fake.Mark("1", "fill", "2")]
    first = fake.draw_marks(panel.pages(1, dpi)[0], rows, plan, dpi, np.random.default_rng(1))
    second = fake.draw_marks(panel.pages(1, dpi)[0], rows, [fake.Mark("1", "fill", "5")], dpi,
                             np.random.default_rng(2))
    (tmp_path / "a.png").write_bytes(fake.png(first))
    (tmp_path / "b.png").write_bytes(fake.png(second))
    result, data = scan(runner, history, tmp_path / "a.png")
    assert result.exit_code == 0
    assert data["pages"][0]["status"] == "read"
    result = runner.invoke(main, ["scan", str(tmp_path / "b.png"), "--history", str(history)])
    assert result.exit_code == 0
    assert "冲突" in result.output
    assert "第 1 题 2（保留），本次读到 5" in result.output
    with History(history) as store:
        cell = [r for r in readings(store, [panel.paper.id]) if r.question == "1"]
        assert [r.value for r in cell] == ["2"]
        assert [(c.question, c.value) for c in conflicts(store)] == [("1", "5")]


def test_scores_set_resolves_a_review_item_and_is_recorded_as_typed(panel, tmp_path, runner):
    history = panel.fresh_history(tmp_path)
    rows = panel.layouts(2)[1]
    image = fake.draw_marks(panel.pages(2, 200)[1], rows,
                            [fake.Mark("21", "double", "3"), fake.Mark("22", "fill", "4"),
                             fake.Mark("recommendation", "fill", "推荐")],
                            200, np.random.default_rng(7))
    (tmp_path / "p2.png").write_bytes(fake.png(image))
    result, data = scan(runner, history, tmp_path / "p2.png", review=tmp_path / "待确认")
    assert result.exit_code == 0
    assert [(r["question"], Path(r["image"]).parent.name) for r in data["review"]] == \
        [(21, "待确认")]
    assert {(s["question"], s["rating"]) for s in data["scores"]} == \
        {(22, 4), (23, None), ("recommendation", "推荐")}

    result = runner.invoke(main, ["scores", "set", panel.paper.id, "--interviewer", "2",
                                  "21=3", "22=5", "recommendation=强烈推荐",
                                  "--history", str(history)])
    assert result.exit_code == 0, result.output
    assert "第 22 题 5（原为 4）" in result.output
    with History(history) as store:
        cells = {r.question: r for r in readings(store, [panel.paper.id])}
        assert review_items(store) == []
    assert (cells["21"].value, cells["21"].source) == ("3", "typed")
    assert (cells["22"].value, cells["recommendation"].value) == ("5", "强烈推荐")

    shown = runner.invoke(main, ["scores", "show", panel.paper.id, "--history", str(history),
                                 "--json"])
    assert shown.exit_code == 0
    got = {(r["interviewer"], r["question"]): r["rating"]
           for r in json.loads(shown.stdout)["readings"]}
    assert got == {(2, 21): 3, (2, 22): 5, (2, 23): None, (2, "recommendation"): "强烈推荐"}

    listed = runner.invoke(main, ["history", "--history", str(history)])
    assert "评分：面试官 2 已评 2/23 题，推荐意见 强烈推荐" in listed.output
    listed = runner.invoke(main, ["history", "--history", str(history), "--json"])
    [paper] = json.loads(listed.stdout)["papers"]
    assert {(r["question"], r["rating"], r["source"]) for r in paper["readings"]} == {
        (21, 3, "typed"), (22, 5, "typed"), (23, None, "scan"),
        ("recommendation", "强烈推荐", "typed")}
    assert paper["review"] == []


# --- what cannot be read -----------------------------------------------------------------

def foreign_qr(image: np.ndarray, dpi: int) -> np.ndarray:
    """The sheet with another tool's QR code pasted over ours."""
    import cv2
    import segno

    s = dpi / 25.4
    matrix = np.array(segno.make("https://example.com/form/42", error="m").matrix, np.uint8)
    matrix = np.pad(matrix, 2)
    side = int(layout.QR_SIZE * s)
    tile = cv2.resize(np.where(matrix == 1, 0, 255).astype(np.uint8), (side, side),
                      interpolation=cv2.INTER_NEAREST)
    out = image.copy()
    x, y = int(layout.QR_X * s), int(layout.QR_Y * s)
    out[y:y + side, x:x + side] = tile
    return out


def test_unreadable_pages_are_named_skipped_and_the_rest_still_read(panel, tmp_path, runner):
    history = panel.fresh_history(tmp_path)
    good = panel.pages(1, 200)[0]
    blank = np.full_like(good, 245)
    scans = fake.scanned_pdf([good, blank, foreign_qr(good, 200)])
    (tmp_path / "mixed.pdf").write_bytes(scans)
    result = runner.invoke(main, ["scan", str(tmp_path / "mixed.pdf"), "--history",
                                  str(history)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("错误")]
    assert len(errors) == 2
    assert "mixed.pdf 第 2 页" in errors[0]
    assert "定位标记" in errors[0]
    assert "mixed.pdf 第 3 页" in errors[1]
    assert "不是 examgen 评分卡的" in errors[1]
    with History(history) as store:
        assert {r.page for r in readings(store, [panel.paper.id])} == {1}


def test_a_sheet_of_a_paper_not_in_the_history_is_refused(panel, tmp_path, runner):
    history = panel.fresh_history(tmp_path)
    stranger = dataclasses.replace(panel.paper, id="D-20261201-ZZZZZZ")
    image = fake.rasterize(rating_pdf(stranger, 1, ""), 150)[1]
    (tmp_path / "other.png").write_bytes(fake.png(image))
    result, data = scan(runner, history, tmp_path / "other.png")
    assert result.exit_code == 1
    assert data["pages"] == [{"file": str(tmp_path / "other.png"), "page": 1,
                              "paper": "D-20261201-ZZZZZZ", "interviewer": 1,
                              "status": "error"}]
    assert "试卷 D-20261201-ZZZZZZ 不在历史记录中" in data["errors"][0]["message"]
    assert data["scores"] == data["review"] == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.pdf", b"", "文件是空的"),
    ("broken.pdf", b"%PDF-1.7\nthis is not a pdf", "PDF 文件已损坏或无法打开"),
    ("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg",
     "不是可识别的 PDF 或图片文件（支持 PDF、JPEG、PNG）"),
    ("missing.png", None, "文件不存在"),
])
def test_unreadable_files_are_one_line_each_and_exit_1(tmp_path, runner, name, content,
                                                       message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(main, ["scan", str(path), "--history", str(tmp_path / "h.sqlite3")])
    assert result.exit_code == 1
    [line] = [x for x in result.stderr.splitlines() if x.startswith("错误")]
    assert line == f"错误：{path}：{message}，未记录任何评级"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["D-20261201-NOSUCH", "1=3"], "历史记录中没有试卷 D-20261201-NOSUCH"),
    (["{paper}", "99=3"], "'99=3'：本卷没有第 99 题（题号为 1–23）"),
    (["{paper}", "2=6"], "'2=6'：评级应为 1–5 的整数（不评写 -）"),
    (["{paper}", "2=3.5"], "'2=3.5'：评级应为 1–5 的整数（不评写 -）"),
    (["{paper}", "recommendation=很好"], "综合推荐只能是 强烈推荐、推荐、待定、不推荐"),
    (["{paper}", "4"], "'4' 应写成 题号=评级"),
    (["{paper}", "--interviewer", "3", "1=2"], "只有 2 位面试官，没有面试官 3"),
])
def test_scores_set_refuses_what_is_not_on_the_paper(panel, tmp_path, runner, args, message):
    history = panel.fresh_history(tmp_path)
    args = [a.format(paper=panel.paper.id) for a in args]
    who = [] if "--interviewer" in args else ["--interviewer", "1"]
    result = runner.invoke(main, ["scores", "set", *args[:1], *who, *args[1:],
                                  "--history", str(history)])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("错误：")
    assert message in line
    with History(history) as store:
        assert readings(store) == []


def test_the_printed_pdf_itself_scans_as_an_unrated_sheet(panel, tmp_path, runner):
    """A PDF page that is not one scanned picture is rendered, not extracted."""
    history = panel.fresh_history(tmp_path)
    (tmp_path / "blank.pdf").write_bytes(panel.sheets[2])
    result, data = scan(runner, history, tmp_path / "blank.pdf")
    assert result.exit_code == 0, result.output
    assert [(p["page"], p["status"]) for p in data["pages"]] == [(1, "read"), (2, "read")]
    assert {s["rating"] for s in data["scores"]} == {None}
    assert len(data["scores"]) == COUNT + 1
    assert data["review"] == []


def test_a_sheet_for_an_interviewer_the_paper_does_not_have_is_refused(panel, tmp_path, runner):
    history = panel.fresh_history(tmp_path)
    image = fake.rasterize(rating_pdf(panel.paper, 3, "赵磊"), 150)[0]
    (tmp_path / "third.png").write_bytes(fake.png(image))
    result, data = scan(runner, history, tmp_path / "third.png")
    assert result.exit_code == 1
    assert "评分卡写的是面试官 3" in data["errors"][0]["message"]
    assert data["scores"] == []
