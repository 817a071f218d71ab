"""A stopped build stops: no orphan workers, no traceback, nothing half-written.

Real processes, real signals; the process table (/proc) is checked afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from examgen.history import History

from .conftest import balanced_questions, write_bank

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(),
                                reason="needs Linux /proc to read the process table")


def marked(mark: str) -> list[int]:
    """Every live process started by this test (they all carry `mark` in their environment,
    forked render workers included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"EXAMGEN_TEST_MARK={mark}".encode() in environ and state != "Z":
            found.append(int(entry.name))
    return found


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def round_job(tmp_path: Path):
    """A round big enough to be still rendering when the signal comes."""
    bank = write_bank(tmp_path / "bank", balanced_questions(4))
    people = tmp_path / "people.csv"
    people.write_text("姓名\n" + "".join(f"应聘者{i}\n" for i in range(24)), encoding="utf-8")
    mark = uuid.uuid4().hex
    env = {**os.environ, "EXAMGEN_TEST_MARK": mark,
           "EXAMGEN_HISTORY": str(tmp_path / "h.sqlite3")}
    args = [sys.executable, "-m", "examgen", "build", "--role", "tester", "--count", "6",
            "--seed", "3", "--date", "2026-12-02", "--bank", str(bank), "--candidates",
            str(people), "--out", str(tmp_path / "p")]
    yield {"args": args, "env": env, "mark": mark, "out": tmp_path / "p",
           "history": tmp_path / "h.sqlite3"}
    for pid in marked(mark):  # never leave anything behind, even when a test fails
        os.kill(pid, signal.SIGKILL)


def start(job: dict, **kwargs) -> subprocess.Popen:
    proc = subprocess.Popen(job["args"], env=job["env"], stderr=subprocess.PIPE, text=True,
                            **kwargs)
    # rendering has begun once the workers are up and the bank is loaded
    expected = 1 + (os.cpu_count() or 1 if (os.cpu_count() or 1) > 1 else 0)
    assert wait_until(lambda: len(marked(job["mark"])) >= expected, 60), "no workers"
    time.sleep(2.0)
    assert proc.poll() is None, "the build finished before it could be stopped"
    return proc


def nothing_written(job: dict) -> None:
    out = job["out"]
    assert not out.exists() or not [p for p in out.rglob("*") if p.is_file()]
    with History(job["history"]) as history:
        assert history.find() == []


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_sigterm_and_sighup_stop_the_build_like_ctrl_c(round_job, signum, status):
    proc = start(round_job, stdout=subprocess.DEVNULL)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == status
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith(f"已中止（收到 {signal.Signals(signum).name}）")
    assert wait_until(lambda: not marked(round_job["mark"]), 10), "workers left behind"
    nothing_written(round_job)


def test_ctrl_c_stops_everything_without_a_worker_traceback(round_job):
    proc = start(round_job, stdout=subprocess.DEVNULL, start_new_session=True)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole process group
    _, err = proc.communicate(timeout=15)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    assert err.strip() == "已中止（收到 SIGINT）：未完成的文件没有写入，临时文件已删除"
    assert wait_until(lambda: not marked(round_job["mark"]), 10), "workers left behind"
    nothing_written(round_job)


def test_workers_die_with_a_killed_parent(round_job):
    proc = start(round_job, stdout=subprocess.DEVNULL)
    proc.kill()
    proc.wait(timeout=10)
    assert wait_until(lambda: not marked(round_job["mark"]), 10), "orphan workers"
    nothing_written(round_job)


def test_a_build_piped_into_cat_exits_promptly_on_sigterm(round_job):
    proc = start(round_job, stdout=subprocess.PIPE)
    cat = subprocess.Popen(["cat"], stdin=proc.stdout, stdout=subprocess.DEVNULL)
    proc.stdout.close()
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)
    cat.wait(timeout=15)  # cat ends only when no process holds the pipe any more
    assert time.monotonic() - started < 15
    assert proc.returncode == 143
    assert not marked(round_job["mark"])


def test_a_renderer_stopped_the_moment_it_started_says_nothing():
    """A build that fails at once (an unwritable history) stops its renderer while the
    child it forked may not have its own signal handlers yet: no traceback from there."""
    code = ("from examgen.cli import _signals_stop\n"
            "from examgen.workers import Renderer\n"
            "with _signals_stop():\n"
            "    for _ in range(30):\n"
            "        Renderer(workers=2).close(stop=True)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
