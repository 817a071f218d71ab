"""The whole loop: a round with two interviewers is printed, its rating sheets are filled
in and scanned, and the history shows every rating with the doubtful rows in review."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from examgen import layout
from examgen.cli import main
from examgen.resources import default_bank_dir

from . import scanfake as fake
from .pdftext import page_texts, squash

COUNT = 6


def test_build_writes_one_rating_sheet_without_a_panel(director_paper):
    [paper] = director_paper["json"]["papers"]
    sheets = paper["files"]["rating_sheets"]
    assert list(sheets) == ["1"]
    assert sheets["1"].endswith(f"{paper['id']}-rating-1.pdf")
    [text] = page_texts(Path(sheets["1"]))
    assert "评分卡" in squash(text)
    # The written key ends with the same sheet.
    assert "评分卡" in squash(page_texts(Path(paper["files"]["answer_key"]))[-1])


def test_a_round_with_two_interviewers_comes_back_from_paper(tmp_path, runner):
    candidates = tmp_path / "candidates.csv"
    candidates.write_text("姓名\n张三\n李四\n", encoding="utf-8")
    history = tmp_path / "history.sqlite3"
    result = runner.invoke(main, [
        "build", "--role", "director", "--count", str(COUNT), "--seed", "9",
        "--allow-shortfall", "--candidates", str(candidates), "--interviewers", "王敏,李强",
        "--out", str(tmp_path / "papers"), "--history", str(history), "--date", "2026-12-01",
        "--bank", str(default_bank_dir()), "--json"])
    assert result.exit_code == 0, result.output
    papers = json.loads(result.stdout)["papers"]
    assert len(papers) == 2

    rng = np.random.default_rng(13)
    images, expected = [], {}
    for paper in papers:
        sheets = paper["files"]["rating_sheets"]
        assert list(sheets) == ["1", "2"]
        for number, path in sheets.items():
            assert Path(path).name == f"{paper['id']}-rating-{number}.pdf"
            [page] = fake.rasterize(Path(path).read_bytes(), 200)
            [page_layout] = layout.rating_sheets(paper["id"], int(number), COUNT)
            plan = fake.plan_marks(page_layout, rng, kinds=("blank", "fill", "hatched",
                                                             "small", "double", "faint",
                                                             "fill"))
            drawn = fake.draw_marks(page, page_layout, plan, 200, rng)
            images.append(fake.flatbed(drawn, rng, float(rng.uniform(-2, 2)), 1.0))
            expected.update({(paper["id"], int(number), m.row): m for m in plan})
    scans = tmp_path / "scans" / "round.pdf"
    scans.parent.mkdir()
    scans.write_bytes(fake.scanned_pdf(images))
    result = runner.invoke(main, ["scan", str(scans), "--history", str(history)])
    assert result.exit_code == 0, result.output
    assert "共 4 页" in result.output

    listed = runner.invoke(main, ["history", "--history", str(history), "--json"])
    got, review = {}, set()
    for paper in json.loads(listed.stdout)["papers"]:
        for r in paper["readings"]:
            got[(paper["id"], r["interviewer"], str(r["question"]))] = r["rating"]
        for r in paper["review"]:
            review.add((paper["id"], r["interviewer"], str(r["question"])))
            assert Path(r["image"]).is_file()
    assert len(got) + len(review) == 4 * (COUNT + 1)
    for key, mark in expected.items():
        if mark.for_review:
            assert key in review
            assert key not in got
        else:
            want = mark.expected
            if want is not None and mark.row != "recommendation":
                want = int(want)
            assert got[key] == want, (key, mark)
