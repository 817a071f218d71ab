"""How fast and how right `examgen scan` is.

Builds a 23-question paper, prints rating sheets for 15 interviewers (2 sheets each), fills
them with generated pen marks (tests/scanfake.py), binds the 30 flatbed-scanned pages into
one PDF and times `examgen scan` on it (goal: under 0.3 s a page). Then reads the same sheets
degraded four ways (300 and 150 dpi flatbed, JPEG 60, phone photo) and counts, over every
mark: clear marks read right, doubtful rows sent to review, marks invented or misread.

    .venv/bin/python benchmarks/scan_speed.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import scanfake as fake  # noqa: E402

from examgen import layout, pdf, workers  # noqa: E402
from examgen.bank import load_bank  # noqa: E402
from examgen.build import recorded_paper  # noqa: E402
from examgen.cli import main  # noqa: E402
from examgen.history import History  # noqa: E402
from examgen.render import render_html  # noqa: E402
from examgen.resources import default_bank_dir  # noqa: E402
from examgen.scan.reader import read_page  # noqa: E402

COUNT, PANEL = 23, 15


def main_() -> None:
    work = Path(tempfile.mkdtemp(prefix="examgen-scan-bench-"))
    history = work / "history.sqlite3"
    result = CliRunner().invoke(main, [
        "build", "--role", "director", "--count", str(COUNT), "--seed", "3", "--out",
        str(work / "papers"), "--history", str(history), "--candidate", "张三", "--json",
        "--date", "2026-12-01", "--bank", str(default_bank_dir())])
    assert result.exit_code == 0, result.output
    [built] = json.loads(result.stdout)["papers"]
    with History(history) as store:
        paper = recorded_paper(store.get(built["id"]), load_bank(default_bank_dir()))
    urls = pdf.font_urls()
    htmls = [render_html(paper, "rating", urls, interviewer=i, interviewer_name=f"面试官{i}")
             for i in range(1, PANEL + 1)]
    start = time.perf_counter()
    with workers.Renderer() as renderer:
        sheets = [data for data, _ in renderer.render(htmls)]
    print(f"rendered {PANEL} interviewers' rating sheets in {time.perf_counter() - start:.1f} s")

    rng = np.random.default_rng(2026)
    dpi = 200
    blank = {i: fake.rasterize(sheets[i - 1], dpi) for i in range(1, PANEL + 1)}
    layouts = {i: layout.rating_sheets(paper.id, i, COUNT) for i in range(1, PANEL + 1)}
    filled, plans = [], []
    for i in range(1, PANEL + 1):
        for page_layout, image in zip(layouts[i], blank[i], strict=True):
            plan = fake.plan_marks(page_layout, rng)
            filled.append(fake.draw_marks(image, page_layout, plan, dpi, rng))
            plans.append((page_layout, plan))
    scanned = [fake.flatbed(img, rng, float(rng.uniform(-3, 3)), float(rng.uniform(0.95, 1.05)))
               for img in filled]
    scans = work / "scans.pdf"
    scans.write_bytes(fake.scanned_pdf(scanned, dpi))
    command = ["scan", str(scans), "--history", str(history), "--json"]
    start = time.perf_counter()
    result = CliRunner().invoke(main, command)
    elapsed = time.perf_counter() - start
    data = json.loads(result.stdout)
    pages = len(data["pages"])
    print(f"examgen {' '.join(command[:1])} <{pages}-page scanned PDF, {dpi} dpi>: "
          f"{elapsed:.2f} s, {elapsed / pages:.3f} s a page, {pages / elapsed:.1f} pages/s "
          f"(goal < 0.3 s a page); exit {result.exit_code}, {len(data['scores'])} readings, "
          f"{len(data['review'])} rows to review, {len(data['errors'])} errors")

    degradations = {
        "flatbed 300 dpi": (300, lambda im: fake.flatbed(im, rng, float(rng.uniform(-3, 3)),
                                                          float(rng.uniform(0.95, 1.05)))),
        "flatbed 150 dpi": (150, lambda im: fake.flatbed(im, rng, float(rng.uniform(-3, 3)),
                                                          float(rng.uniform(0.95, 1.05)))),
        "JPEG 60": (200, lambda im: fake.decode(fake.jpeg(
            fake.flatbed(im, rng, float(rng.uniform(-3, 3)), 1.0), 60))),
        "phone photo": (200, lambda im: fake.decode(fake.jpeg(fake.phone(im, rng), 75))),
    }
    totals = {"marks": 0, "clear": 0, "clear_right": 0, "doubtful": 0, "to_review": 0,
              "blank": 0, "blank_right": 0, "wrong": 0, "page_errors": 0}
    for name, (res, degrade) in degradations.items():
        wrong = 0
        for n, (page_layout, _) in enumerate(plans[::2]):
            i = page_layout.sheet.interviewer
            image = fake.rasterize(sheets[i - 1], res)[page_layout.sheet.page - 1] \
                if res != dpi else blank[i][page_layout.sheet.page - 1]
            plan = fake.plan_marks(page_layout, np.random.default_rng(n))
            try:
                read = read_page(degrade(fake.draw_marks(image, page_layout, plan, res, rng)))
            except Exception:  # noqa: BLE001 - counted, the benchmark goes on
                totals["page_errors"] += 1
                continue
            got = {r.row.key: r for r in read.rows}
            for mark in plan:
                row = got[mark.row]
                totals["marks"] += 1
                if mark.for_review:
                    totals["doubtful"] += 1
                    totals["to_review"] += bool(row.review)
                elif mark.kind == "blank":
                    totals["blank"] += 1
                    totals["blank_right"] += row.value is None and not row.review
                else:
                    totals["clear"] += 1
                    totals["clear_right"] += row.value == mark.expected
                if (row.value, bool(row.review)) != (mark.expected, mark.for_review):
                    wrong += 1
        totals["wrong"] += wrong
        print(f"  {name}: {len(plans[::2])} pages, {wrong} rows read otherwise than marked")
    t = totals
    print(f"accuracy over {t['marks']} marked rows: clear marks {t['clear_right']}/{t['clear']}"
          f" read right, doubtful (double, crossed out, faint) {t['to_review']}/{t['doubtful']}"
          f" sent to review, blank rows {t['blank_right']}/{t['blank']} left not rated, "
          f"{t['wrong']} rows wrong, {t['page_errors']} pages unread")


if __name__ == "__main__":
    main_()
