"""How fast examgen builds and how big its PDFs are: every figure of issue 16, with its ratio.

    .venv/bin/python benchmarks/speed.py [--runs 5] [--candidates 30] [--rounds 3]

Everything runs as a user would run it (`examgen …` in a fresh process, imports included, a
throw-away history) on the 20-question director paper, seed 7, for a candidate whose name
has two characters outside GB 2312 (王喆堃). Timed runs alternate between examgen and the
WeasyPrint command line so that a busy moment of the machine hits both alike; medians are
printed. Goals (ratios on the same machine, in the same run):

- one build (sheet + key + rating sheet) ≤ 0.65 × WeasyPrint's own CLI on the kept sheet
  HTML, then on the kept key HTML;
- a round: per paper ≤ 0.35 × one build; a panel of three well under three builds;
- sheet ≤ 150 KB, key ≤ 300 KB; peak memory of a build ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

EXAMGEN = [sys.executable, "-m", "examgen"]
PAPER = ["--role", "director", "--count", "20", "--seed", "7", "--date", "2026-12-01"]
CANDIDATE = ["--candidate", "王喆堃"]


class Tree:
    """Peak memory of a process and its children, sampled from /proc: in all (proportional
    set size, so pages a forked worker shares with its parent count once) and of the
    parent and of the largest worker alone (resident set size)."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.peak_parent, self.peak_worker = pid, 0, 0, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._done.is_set():
            workers = _children(self.pid)
            self.peak = max(self.peak, sum(_memory(p, "Pss:", "smaps_rollup")
                                           for p in [self.pid, *workers]))
            self.peak_parent = max(self.peak_parent, _memory(self.pid, "VmRSS:", "status"))
            self.peak_worker = max(self.peak_worker,
                                   *(_memory(p, "VmRSS:", "status") for p in workers), 0)
            time.sleep(0.05)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(k) for k in kids] + [g for k in kids for g in _children(int(k))]


def _memory(pid: int, field: str, source: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run(args: list[str], env: dict[str, str],
        watch: bool = False) -> tuple[float, dict, Tree | None]:
    """Wall time, JSON output (examgen) and memory of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    tree = Tree(process.pid) if watch and sys.platform.startswith("linux") else None
    out, err = process.communicate()
    wall = time.perf_counter() - start
    if tree:
        tree.stop()
    if process.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{err.decode()}")
    data = json.loads(out) if out.startswith(b"{") else {}
    return wall, data, tree


def font_bytes(path: str) -> int:
    """Bytes of the embedded font programs of a PDF."""
    from pypdf import PdfReader

    reader, total, seen = PdfReader(path), 0, set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for name in fonts:
            ref = fonts.raw_get(name)
            if getattr(ref, "idnum", None) in seen:
                continue
            seen.add(getattr(ref, "idnum", None))
            font = fonts[name].get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if key in descriptor:
                        total += len(descriptor[key].get_object()._data)
    return total


def kb(path: str) -> str:
    size = Path(path).stat().st_size
    return f"{size / 1024:5.0f} KB (fonts {font_bytes(path) / 1024:.0f} KB)"


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    runs, n, rounds = options.runs, options.candidates, options.rounds

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        env = {**os.environ, "EXAMGEN_HISTORY": str(tmp / "history.sqlite3")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled modules are cached, as for a user
        # The kept HTML (this first build also warms the caches), for WeasyPrint's own command line.
        _, kept, _ = run([*EXAMGEN, "build", *PAPER, *CANDIDATE, "--out", str(tmp / "kept"),
                          "--html", "--json"], env)
        files = kept["papers"][0]["files"]
        single_cmd = [*EXAMGEN, "build", *PAPER, *CANDIDATE, "--out", str(tmp / "one"),
                      "--force", "--json"]
        weasy = [sys.executable, "-m", "weasyprint"]
        builds, weasys = [], []
        for _ in range(runs):  # memory is watched in runs of its own: sampling costs time
            wall, built, _ = run(single_cmd, env)
            builds.append(wall)
            start = time.perf_counter()
            for key in ("questions_html", "answer_key_html"):
                run([*weasy, files[key], str(tmp / f"{key}.pdf")], env)
            weasys.append(time.perf_counter() - start)
        single, floor = median(builds), median(weasys)
        one = built["papers"][0]["files"]
        trees = [run(single_cmd, env, watch=True)[2] for _ in range(2)]

        people = tmp / "people.csv"
        people.write_text("姓名\n" + "".join(f"应聘者{i:02d}\n" for i in range(n)),
                          encoding="utf-8")
        # Each round between two single builds: the machine's speed drifts over the half
        # minute a round takes, so each round is compared with the builds around it.
        round_walls, round_ratios = [], []
        before = run(single_cmd, env)[0]
        for i in range(rounds):
            round_wall, round_data, _ = run(
                [*EXAMGEN, "build", *PAPER, "--candidates", str(people), "--out",
                 str(tmp / f"round{i}"), "--force", "--json"], env)
            after = run(single_cmd, env)[0]
            round_walls.append(round_wall)
            round_ratios.append(round_wall / n / ((before + after) / 2))
            before = after
        panel_wall, panel_data, _ = run(
            [*EXAMGEN, "build", *PAPER, *CANDIDATE, "--mode", "oral", "--interviewers",
             "王敏,李强,赵磊", "--out", str(tmp / "panel"), "--json"], env)
        panel = panel_data["papers"][0]["files"]
        report_wall, report = report_of_round(round_data, env, tmp)
        sizes = [("题目卷 sheet", one["questions"]), ("面试官用卷 key", one["answer_key"]),
                 ("评分卡 rating", one["rating_sheets"]["1"]),
                 ("面试官手册 booklet", panel["answer_key"]),
                 ("合议表 panel", panel["consolidation"]), ("评估报告 report", report)]
        sizes = [(label, kb(path)) for label, path in sizes]

    print(f"examgen speed and size: {os.cpu_count()} cores, median of {runs} runs")
    print("  command: .venv/bin/python benchmarks/speed.py")
    print(f"  examgen build (sheet + key + rating sheet), whole CLI call  {single:5.2f} s")
    print(f"  WeasyPrint CLI on the kept sheet HTML, then the key HTML     {floor:5.2f} s")
    print(f"    ratio {single / floor:.2f}   (goal ≤ 0.65)")
    round_wall = median(round_walls)
    print(f"  round of {n} candidates (median of {rounds}): {round_wall:5.2f} s, "
          f"{round_wall / n:.2f} s a paper")
    print(f"    ratio to one build {median(round_ratios):.2f}   (goal ≤ 0.35; each round against "
          f"the builds before and after it: {', '.join(f'{r:.2f}' for r in round_ratios)})")
    print(f"  oral panel of three (题本, 3 booklets, 合议表, 3 rating sheets): {panel_wall:5.2f} s")
    print(f"    {panel_wall / single:.2f} × one build   (goal well under 3)")
    print(f"  report of the round ({n} candidates, 1 interviewer): {report_wall:5.2f} s")
    trees = [t for t in trees if t]
    if trees:
        mb = {name: max(getattr(t, name) for t in trees) / 2**20
              for name in ("peak", "peak_parent", "peak_worker")}
        print(f"  peak memory of a build: parent {mb['peak_parent']:.0f} MB, largest worker "
              f"{mb['peak_worker']:.0f} MB   (goal ≤ 150 MB each); "
              f"{mb['peak']:.0f} MB in all (PSS, shared pages counted once)")
    print("  sizes (goal: sheet ≤ 150 KB, key ≤ 300 KB):")
    for label, size in sizes:
        print(f"    {label:<16} {size}")


def report_of_round(round_data: dict, env: dict[str, str], tmp: Path) -> tuple[float, str]:
    """Types one interviewer's ratings for every paper of the round, then times the report."""
    for i, paper in enumerate(round_data["papers"]):
        ratings = [f"{q}={1 + (q * 7 + i) % 5}" for q in range(1, 21)]
        run([*EXAMGEN, "scores", "set", paper["id"], "--interviewer", "1", *ratings,
             "recommendation=推荐"], env)
    wall, data, _ = run([*EXAMGEN, "report", round_data["round"]["id"], "--out",
                         str(tmp / "report"), "--json"], env)
    report = data.get("pdf") or data.get("file") or next(
        str(p) for p in (tmp / "report").glob("*.pdf"))
    return wall, report


if __name__ == "__main__":
    main()
