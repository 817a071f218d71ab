"""Concurrent `scan`, `scores import` and `report` on one history never lose a reading."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

from examgen.history import History
from examgen.readings import readings

from .scoring_round import copy_round, scanned_sheets


def test_scans_imports_and_reports_at_once_keep_every_reading(scoring_round, tmp_path):
    rnd = copy_round(scoring_round, tmp_path)
    # Interviewers 1 and 2 come back scanned, 3 and 4 typed, all at the same time.
    sheets = scanned_sheets(rnd, {c: ([4, 3, 5, 2, 4, "推荐"], [5, 4, 3, 3, 4, "待定"])
                                  for c in rnd["records"]}, tmp_path / "scans")
    files = []
    for k, record in enumerate(rnd["records"].values()):
        rows = [["试卷编号", "面试官编号", "第1题", "第2题", "第3题", "第4题", "第5题", "推荐意见"]]
        rows += [[record.id, str(interviewer),
                  *[str((k + n + interviewer) % 5 + 1) for n in range(5)], "推荐"]
                 for interviewer in (3, 4)]
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        path = tmp_path / f"typed-{k}.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")
        files.append(path)
    base = [sys.executable, "-m", "examgen"]
    history = ["--history", str(rnd["history"])]
    procs = [subprocess.Popen([*base, "scan", *map(str, half), *history],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for half in (sheets[::2], sheets[1::2])]
    procs += [subprocess.Popen([*base, "scores", "import", str(f), *history],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for f in files]
    procs += [subprocess.Popen([*base, "report", rnd["round"], "--out",
                                str(tmp_path / f"out{i}"), *history],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
              for i in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode()
    with History(rnd["history"]) as h:
        stored = readings(h)
    # five ratings and a recommendation per file and per sheet
    assert len(stored) == 2 * 36
    assert sorted(r.source for r in stored) == ["scan"] * 36 + ["typed"] * 36
    for i in range(2):
        assert (tmp_path / f"out{i}" / f"{rnd['round']}-report.pdf").stat().st_size > 0
