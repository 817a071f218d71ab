"""Concurrent `scores import` and `report` on one history never lose a reading."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

from examgen.history import History
from examgen.readings import readings

from .scoring_round import copy_round


def test_imports_and_reports_at_once_keep_every_reading(scoring_round, tmp_path):
    rnd = copy_round(scoring_round, tmp_path)
    files = []
    for k, record in enumerate(rnd["records"].values()):
        for interviewer in (1, 2):
            rows = [["试卷编号", "面试官编号", "第1题", "第2题", "第3题", "第4题", "第5题",
                     "推荐意见"],
                    [record.id, str(interviewer), *[str((k + n + interviewer) % 5 + 1)
                                                    for n in range(5)], "推荐"]]
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            path = tmp_path / f"typed-{k}-{interviewer}.csv"
            path.write_text(buffer.getvalue(), encoding="utf-8-sig")
            files.append(path)
    base = [sys.executable, "-m", "examgen"]
    history = ["--history", str(rnd["history"])]
    procs = [subprocess.Popen([*base, "scores", "import", str(f), *history],
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
    assert len(stored) == len(files) * 6  # five ratings and a recommendation per file
    assert {r.source for r in stored} == {"typed"}
    for i in range(2):
        assert (tmp_path / f"out{i}" / f"{rnd['round']}-report.pdf").stat().st_size > 0
