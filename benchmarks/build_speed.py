"""How long the main job takes and how big its PDFs are.

    .venv/bin/python benchmarks/build_speed.py [--runs 3]

Prints, for the 20-question director paper: the time of each pipeline stage (load, sample,
render HTML, PDF for sheet and key one after the other and side by side), WeasyPrint's own
layout time for the same HTML as the floor to compare with, the wall time of the whole CLI
call (`examgen build` in a fresh process, imports included) and both PDF sizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

from examgen.bank import load_bank
from examgen.build import new_paper
from examgen.pdf import Renderer, font_urls, html_to_pdf
from examgen.render import render_html
from examgen.resources import default_bank_dir
from examgen.sampling import sample


def timed(func, runs: int):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs

    start = time.perf_counter()
    import weasyprint  # noqa: F401

    import_time = time.perf_counter() - start
    t_load, bank = timed(lambda: load_bank(default_bank_dir()), runs)
    t_sample, _ = timed(lambda: sample(bank, "director", 20, seed=42), runs)
    paper = new_paper(bank, "director", 20, 42, candidate="王喆堃", day="2026-12-01")
    urls = font_urls()
    t_html, docs = timed(lambda: [render_html(paper, k, urls) for k in ("sheet", "key")], runs)
    html_to_pdf(docs[0])  # warm up fontconfig and the font cache
    t_sheet, (sheet, _) = timed(lambda: html_to_pdf(docs[0]), runs)
    t_key, (key, _) = timed(lambda: html_to_pdf(docs[1]), runs)
    with Renderer() as renderer:
        renderer.render(docs)  # warm workers, as a CLI call has them by the time it renders
        t_both, _ = timed(lambda: renderer.render(docs), runs)

    from weasyprint import HTML

    t_floor, _ = timed(lambda: [HTML(string=d, base_url=str(default_bank_dir())).write_pdf()
                                for d in docs], runs)

    with tempfile.TemporaryDirectory() as out:
        cli = [sys.executable, "-m", "examgen", "build", "--role", "director", "--count",
               "20", "--seed", "42", "--out", out, "--force", "--date", "2026-12-01"]
        env = {**os.environ, "EXAMGEN_HISTORY": os.path.join(out, "history.sqlite3")}
        t_cli, _ = timed(lambda: subprocess.run(cli, check=True, capture_output=True, env=env),
                         runs)

    print(f"median of {runs} runs, 20-question director paper")
    print(f"  import weasyprint          {import_time:6.3f} s")
    print(f"  load bank                  {t_load:6.3f} s ({len(bank.questions)} questions)")
    print(f"  sample                     {t_sample:6.3f} s")
    print(f"  render HTML (sheet + key)  {t_html:6.3f} s")
    print(f"  PDF sheet                  {t_sheet:6.3f} s")
    print(f"  PDF key                    {t_key:6.3f} s")
    print(f"  PDF sheet + key, parallel  {t_both:6.3f} s")
    print(f"  WeasyPrint floor (same HTML, one after the other, no examgen): {t_floor:6.3f} s")
    print(f"  examgen build, whole CLI call: {t_cli:6.3f} s")
    print(f"  sheet PDF {len(sheet) / 1024:6.0f} KB, key PDF {len(key) / 1024:6.0f} KB")


if __name__ == "__main__":
    main()
