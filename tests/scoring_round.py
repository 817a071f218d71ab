"""A real interview round for the scoring tests: three candidates, built by `examgen build`
from the small test bank (5 questions of 10 points: motivation, knowledge ×2, situational ×2).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from examgen.cli import main
from examgen.history import History

from .conftest import balanced_questions, write_bank

CANDIDATES = ("张三", "李四", "王喆堃")


def build_round(root: Path) -> dict:
    # One question per dimension and level: three papers of five must share some (the
    # standardized scores compare papers on the questions they share).
    bank = write_bank(root / "bank", balanced_questions(per_level=1))
    people = root / "candidates.csv"
    people.write_text("姓名\n" + "\n".join(CANDIDATES) + "\n", encoding="utf-8")
    history = root / "history.sqlite3"
    result = CliRunner().invoke(main, [
        "build", "--role", "tester", "--count", "5", "--seed", "3", "--bank", str(bank),
        "--candidates", str(people), "--date", "2026-12-01", "--company", "示例科技",
        "--out", str(root / "papers"), "--history", str(history), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    with History(history) as h:
        records = {r.candidate: r for r in h.find()}
    return {"round": data["round"]["id"], "history": history, "records": records,
            "root": root}


def copy_round(built: dict, target: Path) -> dict:
    """A private copy of the round's history, so a test may add readings to it."""
    target.mkdir(parents=True, exist_ok=True)
    history = target / "history.sqlite3"
    shutil.copy(built["history"], history)
    return {**built, "history": history}


def scanned_sheets(rnd: dict, typed: dict, folder: Path) -> list[Path]:
    """Each interviewer's rating sheet of each paper, printed, filled with `typed`
    (candidate → per interviewer the ratings of questions 1–5 and the recommendation; None
    leaves the row empty) as clear pen marks, and scanned to PNG."""
    import numpy as np

    from examgen import layout, pdf
    from examgen.bank import load_bank
    from examgen.build import recorded_paper
    from examgen.render import render_html

    from . import scanfake as fake

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    files = []
    for candidate, record in rnd["records"].items():
        paper = recorded_paper(record, load_bank(record.bank_dir))
        for interviewer, values in enumerate(typed[candidate], start=1):
            html = render_html(paper, "rating", pdf.font_urls(), interviewer=interviewer,
                               interviewer_name="")
            sheet, _ = pdf.html_to_pdf(html)
            [page] = layout.rating_sheets(paper.id, interviewer, len(paper.questions))
            [image] = fake.rasterize(sheet, 200)
            keys = [str(n) for n in range(1, 6)] + ["recommendation"]
            marks = [fake.Mark(key, "blank" if v is None else "fill",
                               None if v is None else str(v))
                     for key, v in zip(keys, values, strict=True)]
            drawn = fake.draw_marks(image, page, marks, 200, rng)
            path = folder / f"{candidate}-面试官{interviewer}.png"
            path.write_bytes(fake.png(fake.flatbed(drawn, rng, 0.8, 1.0)))
            files.append(path)
    return files
