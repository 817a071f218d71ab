"""A 30-candidate round of 20-question director papers against a single build.

    .venv/bin/python benchmarks/round_speed.py [--candidates 30]

Runs both as a user would (`examgen build` in a fresh process, imports included, a
throw-away history) and prints wall times, the per-paper cost of the round, the round's
overlap and the sizes of its files.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(args: list[str], env: dict[str, str]) -> tuple[float, dict]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "examgen", "build", *args, "--json"],
                          check=True, capture_output=True, env=env)
    return time.perf_counter() - start, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=30)
    n = parser.parse_args().candidates
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EXAMGEN_HISTORY": str(Path(tmp) / "history.sqlite3")}
        people = Path(tmp) / "people.csv"
        people.write_text("姓名\n" + "".join(f"应聘者{i:02d}\n" for i in range(n)),
                          encoding="utf-8")
        common = ["--role", "director", "--count", "20", "--date", "2026-12-01", "--seed", "7"]
        single, _ = run([*common, "--out", str(Path(tmp) / "single")], env)
        whole, data = run([*common, "--candidates", str(people), "--out",
                           str(Path(tmp) / "round")], env)
        sizes = [Path(p).stat().st_size for paper in data["papers"]
                 for p in paper["files"].values()]
    overlap = data["round"]["overlap"]
    print(f"{os.cpu_count()} cores; 20-question director papers")
    print(f"  single build (sheet + key)      {single:6.2f} s")
    print(f"  round of {n} candidates          {whole:6.2f} s")
    print(f"  per paper in the round          {whole / n:6.2f} s "
          f"({whole / n / single:.0%} of a single build)")
    print(f"  overlap: at most {overlap['max_shared']} shared questions between two papers, "
          f"{overlap['mean_shared']} on average")
    print(f"  PDFs: {len(sizes)} files, {sum(sizes) / 1e6:.1f} MB, "
          f"largest {max(sizes) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
