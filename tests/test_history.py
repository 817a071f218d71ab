"""The history: every paper recorded, listed, reprinted byte for byte, safe under concurrency."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from examgen.cli import main
from examgen.history import History, default_history_path
from examgen.workers import Renderer
from examgen.resources import default_bank_dir

from .pdftext import bundled_html


@pytest.fixture
def built(runner, tmp_path):
    """One paper built with a bank copy of our own, so the test may edit it."""
    bank = tmp_path / "bank"
    shutil.copytree(default_bank_dir(), bank)
    history = tmp_path / "history.sqlite3"
    result = runner.invoke(main, [
        "build", "--role", "director", "--count", "6", "--seed", "9", "--candidate", "周八",
        "--date", "2026-12-01", "--out", str(tmp_path / "papers"), "--bank", str(bank),
        "--history", str(history), "--json", "--allow-shortfall"])
    assert result.exit_code == 0, result.output
    [paper] = json.loads(result.stdout)["papers"]
    return {"paper": paper, "bank": bank, "history": history, "tmp": tmp_path}


def sha(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_default_history_lives_in_the_users_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("EXAMGEN_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_history_path() == tmp_path / "examgen" / "history.sqlite3"


def test_every_built_paper_is_recorded_with_its_files_and_checksums(built):
    with History(built["history"]) as history:
        record = history.get(built["paper"]["id"])
    assert (record.role, record.seed, record.candidate, record.date) == (
        "director", 9, "周八", "2026-12-01")
    assert record.questions == [q["id"] for q in built["paper"]["questions"]]
    assert len(record.bank_fingerprint) == 16
    for key in ("questions", "answer_key"):
        assert record.files[key] == str(Path(built["paper"]["files"][key]).resolve())
        assert record.sha256[key] == sha(record.files[key])


def test_history_lists_papers_filtered_by_role_and_candidate(built, runner):
    args = ["history", "--history", str(built["history"]), "--json"]
    papers = json.loads(runner.invoke(main, [*args, "--candidate", "周八"]).stdout)["papers"]
    assert [p["id"] for p in papers] == [built["paper"]["id"]]
    assert set(papers[0]) >= {"id", "role", "candidate", "date", "questions", "files"}
    assert json.loads(runner.invoke(main, [*args, "--role", "after-sales-manager"])
                      .stdout)["papers"] == []
    text = runner.invoke(main, ["history", "--history", str(built["history"])]).stdout
    assert built["paper"]["id"] in text
    assert "周八" in text


def test_reprint_rebuilds_a_lost_key_byte_for_byte(built, runner):
    key = Path(built["paper"]["files"]["answer_key"])
    original = sha(key)
    key.unlink()
    result = runner.invoke(main, ["reprint", built["paper"]["id"], "--out",
                                  str(built["tmp"] / "again"),
                                  "--history", str(built["history"]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["identical"] is True
    assert sha(data["files"]["answer_key"]) == original


def test_reprint_refuses_when_the_bank_changed_unless_allowed(built, runner):
    path = built["bank"] / "director.yaml"
    first = built["paper"]["questions"][0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(first["text"], first["text"] + "（已修订）", 1),
                    encoding="utf-8")
    args = ["reprint", built["paper"]["id"], "--out", str(built["tmp"] / "again"),
            "--history", str(built["history"])]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 1
    assert f"1 道题已修改：{first['id']}" in refused.stderr
    assert "--allow-changed" in refused.stderr
    assert not (built["tmp"] / "again").exists()
    allowed = runner.invoke(main, [*args, "--allow-changed"])
    assert allowed.exit_code == 0, allowed.output
    assert "与原卷不完全一致（题目已修改）" in allowed.stdout


def test_reprint_of_an_unknown_paper(runner, tmp_path):
    result = runner.invoke(main, ["reprint", "D-20990101-NOPE00", "--history",
                                  str(tmp_path / "h.sqlite3")])
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：历史记录中没有试卷 D-20990101-NOPE00")


def test_a_failed_build_leaves_no_record_and_no_pdf(runner, tmp_path):
    blocker = tmp_path / "papers"
    blocker.write_text("a file where the folder should be")
    history = tmp_path / "history.sqlite3"
    result = runner.invoke(main, ["build", "--role", "director", "--count", "5",
                                  "--allow-shortfall", "--out", str(blocker / "sub"),
                                  "--history", str(history)])
    assert result.exit_code == 1
    assert "无法写入" in result.stderr
    with History(history) as h:
        assert h.find() == []


def test_concurrent_builds_never_lose_a_record(tmp_path):
    history = tmp_path / "history.sqlite3"
    env = {**os.environ, "EXAMGEN_HISTORY": str(history)}
    procs = [subprocess.Popen(
        [sys.executable, "-m", "examgen", "build", "--role", "after-sales-manager", "--count",
         "5", "--seed", str(seed), "--candidate", f"并发{seed}", "--out", str(tmp_path / "p"),
         "--bank", str(default_bank_dir())], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE) for seed in range(3)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with History(history) as h:
        assert sorted(r.candidate for r in h.find()) == ["并发0", "并发1", "并发2"]
    assert len(list((tmp_path / "p").glob("*.pdf"))) == 9  # sheet, key, rating sheet each


@pytest.mark.skipif(not Path(f"/proc/self/task/{os.getpid()}/children").exists(),
                    reason="finds the worker in /proc")
def test_renderer_removes_weasyprints_temporary_folders_even_after_a_killed_worker():
    renderer = Renderer(workers=2)
    tmpdir = Path(renderer._tmpdir)
    renderer.render([bundled_html("<p>warm</p>")])
    first = renderer._zygote.pid  # the workers are its children
    worker = int(Path(f"/proc/{first}/task/{first}/children").read_text().split()[0])
    os.kill(worker, signal.SIGKILL)
    renderer.close()
    assert not tmpdir.exists()


def test_a_new_history_opened_while_another_examgen_switches_it_waits_its_turn(tmp_path):
    """A new file is switched to WAL by whichever build opens it first. Another build
    switching it meanwhile is told "busy" at once, without SQLite's busy timeout: five
    builds opening one new history together lost one to "另一个 examgen 正在写入" now and
    then (a test of theirs failed in CI). Here the other examgen is mid-switch."""
    path = tmp_path / "h.sqlite3"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # what its switch to WAL holds for a moment
    threading.Timer(0.3, other.rollback).start()
    with History(path) as history:
        assert history.find() == []
        journal = history._db.execute("PRAGMA journal_mode").fetchone()[0]
    other.close()
    assert journal == "wal"
