"""Bad files and hostile environments: one line naming the file, never a traceback.

Permission errors are met for real: as root these tests run the command as `nobody`;
elsewhere they are skipped (a normal user cannot make a file unreadable to itself and
still prove anything about root).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from examgen.cli import main
from examgen.history import SCHEMA_VERSION, History, PaperRecord

from .conftest import balanced_questions, write_bank
from .hardening import can_drop_privileges, one_line_error, run

BASE = ("--role", "tester", "--count", "3", "--seed", "7", "--date", "2026-12-02")
as_nobody = pytest.mark.skipif(not can_drop_privileges(),
                               reason="needs root to run a command as nobody")


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank", balanced_questions())


def build(runner, bank: Path, out: Path, *extra: str):
    return runner.invoke(main, ["build", *BASE, "--bank", str(bank), "--out", str(out),
                                *extra])


# ---------------------------------------------------------------- YAML that crashed the loader


@pytest.mark.parametrize("text", [
    "? [a, b]\n: x\n",
    "roles: [tester]\nquestions:\n  - id: q1\n    levels:\n      ? {a: 1}\n      : 坏\n",
])
def test_complex_yaml_keys_are_a_line_not_a_traceback(runner, bank, tmp_path, text):
    (bank / "keys.yaml").write_text(text, encoding="utf-8")
    for args in (["validate", "--bank", str(bank)], ["build", *BASE, "--bank", str(bank),
                                                     "--out", str(tmp_path / "p")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1
        one_line_error(result.stderr, "keys.yaml:", "键只能是简单的文字")
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize("key", ["1.0", "true", "'3'"])
def test_rating_levels_must_be_integers(runner, tmp_path, key):
    from .conftest import question

    questions = balanced_questions()
    questions[0] = question(questions[0]["id"], "motivation", "easy",
                            levels={1: "差", 5: "好"})
    bank = write_bank(tmp_path / "bank", questions)
    path = bank / "tester.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("1: 差", f"{key}: 差", 1),
                    encoding="utf-8")
    result = runner.invoke(main, ["validate", "--bank", str(bank)])
    assert result.exit_code == 1
    assert "分数应为 1–5 的整数" in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- unreadable files, as nobody


@pytest.fixture
def shared(tmp_path: Path):
    """A folder `nobody` can use, with a bank and a HOME of its own."""
    root = Path(tempfile.mkdtemp(prefix="examgen-shared-"))
    root.chmod(0o777)
    write_bank(root / "bank", balanced_questions())
    for path in [root, *root.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    (root / "home").mkdir(mode=0o777)
    (root / "home").chmod(0o777)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def nobody_env(root: Path, **extra: str) -> dict[str, str]:
    env = {"HOME": str(root / "home"), "XDG_CONFIG_HOME": str(root / "home" / "config"),
           "XDG_DATA_HOME": str(root / "home" / "data"),
           "XDG_CACHE_HOME": str(root / "home" / "cache"),
           "EXAMGEN_HISTORY": str(root / "home" / "h.sqlite3")}
    env.update(extra)
    return env


def nobody(args: list[str], root: Path, **env: str) -> subprocess.CompletedProcess:
    return run(args, env=nobody_env(root, **env), user="nobody", cwd=root, timeout=120)


def build_args(root: Path, *extra: str) -> list[str]:
    return ["build", *BASE, "--bank", str(root / "bank"), "--out", str(root / "p"), *extra]


@as_nobody
def test_an_unreadable_bank_file(shared):
    (shared / "bank" / "tester.yaml").chmod(0o000)
    for args in (["validate", "--bank", str(shared / "bank")], build_args(shared)):
        result = nobody(args, shared)
        assert result.returncode == 1, result.stderr
        one_line_error(result.stderr, "tester.yaml", "无法读取")
    assert not (shared / "p").exists()


@as_nobody
def test_a_config_folder_that_cannot_be_searched(shared):
    config = shared / "home" / "config" / "examgen"
    config.mkdir(parents=True)
    (config / "examgen.toml").write_text('company = "甲公司"\n', encoding="utf-8")
    config.chmod(0o600)  # readable listing, but not searchable
    for args in (build_args(shared), ["mail", "T-20261202-AAAAAA", "--to", "a@example.com"]):
        result = nobody(args, shared)
        assert result.returncode == 1, result.stderr
        one_line_error(result.stderr, "examgen.toml", "无法读取配置文件")
    assert not (shared / "p").exists()


@as_nobody
def test_an_out_folder_without_write_permission(shared):
    (shared / "p").mkdir()
    (shared / "p").chmod(0o555)
    result = nobody(build_args(shared), shared)
    assert result.returncode == 1, result.stderr
    one_line_error(result.stderr, str(shared / "p"), "Permission denied")
    assert list((shared / "p").iterdir()) == []
    with History(shared / "home" / "h.sqlite3") as history:
        assert history.find() == []  # no record of a paper that was not written


@as_nobody
def test_the_default_history_location_cannot_be_created(shared):
    env = nobody_env(shared, HOME="/nonexistent")
    result = run(build_args(shared), env=env, user="nobody", cwd=shared, timeout=120,
                 drop=("XDG_DATA_HOME", "EXAMGEN_HISTORY"))
    assert result.returncode == 1, result.stderr
    one_line_error(result.stderr, "/nonexistent", "--history")
    assert not (shared / "p").exists()


def test_a_history_path_under_a_file(runner, bank, tmp_path):
    result = build(runner, bank, tmp_path / "p", "--history", "/etc/hostname/h.sqlite3")
    assert result.exit_code == 1
    one_line_error(result.stderr, "/etc/hostname", "不是文件夹")
    assert not (tmp_path / "p").exists()


# ---------------------------------------------------------------- a damaged history


def record(pid: str, **changes) -> PaperRecord:
    data = dict(id=pid, role="tester", role_title="测试岗", seed=1, count=2, candidate="张三",
                date="2026-12-02", company="", questions=["a", "b"], question_digests={},
                dimensions={}, bank_fingerprint="x", bank_dir="/nowhere", files={},
                sha256={})
    data.update(changes)
    return PaperRecord(**data)


@pytest.fixture
def damaged_history(tmp_path: Path) -> Path:
    path = tmp_path / "h.sqlite3"
    with History(path) as history:
        history.record([record(f"T-20261202-{i:06d}") for i in range(40)])
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 97):  # bit flips all over the pages after the first
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_history_is_named_left_alone_and_explained(runner, bank, tmp_path,
                                                             damaged_history):
    before = damaged_history.read_bytes()
    commands = [
        ["build", *BASE, "--bank", str(bank), "--out", str(tmp_path / "p")],
        ["history"],
        ["reprint", "T-20261202-000001", "--out", str(tmp_path / "p")],
        ["mail", "T-20261202-000001", "--to", "a@example.com", "--dry-run",
         str(tmp_path / "eml")],
    ]
    for args in commands:
        result = runner.invoke(main, [*args, "--history", str(damaged_history)])
        assert result.exit_code == 1, args
        one_line_error(result.stderr, str(damaged_history), "已损坏", ".recover", "--history",
                       "没有修改它")
    assert damaged_history.read_bytes() == before
    assert not (tmp_path / "p").exists()
    assert not (tmp_path / "eml").exists()


def _break_record(path: Path, pid: str, text: str) -> None:
    db = sqlite3.connect(path)
    db.execute("UPDATE papers SET record = ? WHERE id = ?", (text, pid))
    db.commit()
    db.close()


@pytest.mark.parametrize("text", ['{"id": "T-20261202-000002", "role": ', '{"id": 3}',
                                  '{"id": "x", "questions": 5}', "[]"])
def test_a_damaged_record_is_skipped_in_the_list_and_refused_by_reprint_and_mail(
        runner, tmp_path, text):
    path = tmp_path / "h.sqlite3"
    with History(path) as history:
        history.record([record("T-20261202-000001"), record("T-20261202-000002"),
                        record("T-20261202-000003")])
    _break_record(path, "T-20261202-000002", text)
    listed = runner.invoke(main, ["history", "--history", str(path)])
    assert listed.exit_code == 0, listed.output
    assert "T-20261202-000001" in listed.stdout
    assert "T-20261202-000003" in listed.stdout
    assert "T-20261202-000002" not in listed.stdout
    assert "试卷 T-20261202-000002 的记录已损坏" in listed.stderr
    for args in (["reprint", "T-20261202-000002", "--out", str(tmp_path / "p")],
                 ["mail", "T-20261202-000002", "--to", "a@example.com", "--dry-run",
                  str(tmp_path / "eml")]):
        result = runner.invoke(main, [*args, "--history", str(path)])
        assert result.exit_code == 1
        one_line_error(result.stderr, "T-20261202-000002", "已损坏")
    assert not (tmp_path / "p").exists()
    assert not (tmp_path / "eml").exists()


def test_an_older_history_is_migrated_and_a_newer_one_refused(runner, tmp_path):
    old = tmp_path / "old.sqlite3"
    db = sqlite3.connect(old)  # the layout before schema versions: no round column
    db.executescript("""
        CREATE TABLE papers (id TEXT PRIMARY KEY, role TEXT NOT NULL, candidate TEXT NOT NULL,
            date TEXT NOT NULL, created TEXT NOT NULL, record TEXT NOT NULL);
        CREATE TABLE mails (paper_id TEXT NOT NULL, recipient TEXT NOT NULL,
            attachments TEXT NOT NULL, sent_at TEXT NOT NULL);
    """)
    rec = record("T-20261202-000001", round="R-T-20261202-ABCDEF", created="2026-12-02")
    db.execute("INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?)",
               (rec.id, rec.role, rec.candidate, rec.date, rec.created,
                json.dumps(rec.to_json(), ensure_ascii=False)))
    db.commit()
    db.close()
    with History(old) as history:
        assert [r.id for r in history.find(round_id="R-T-20261202-ABCDEF")] == [rec.id]
    db = sqlite3.connect(old)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    before = old.read_bytes()
    result = runner.invoke(main, ["history", "--history", str(old)])
    assert result.exit_code == 1
    one_line_error(result.stderr, str(old), "更新版本的 examgen")
    assert old.read_bytes() == before


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_history_locked_by_another_writer(runner, bank, tmp_path, monkeypatch):
    import examgen.history

    path = tmp_path / "h.sqlite3"
    History(path).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(examgen.history, "LOCK_TIMEOUT", 1.0)
        result = build(runner, bank, tmp_path / "p", "--history", str(path))
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    one_line_error(result.stderr, str(path), "另一个 examgen 正在写入", "没有写入任何文件")
    assert not any((tmp_path / "p").glob("*.pdf")) if (tmp_path / "p").exists() else True
    with History(path) as history:
        assert history.find() == []


# ---------------------------------------------------------------- candidate files and documents


def test_a_csv_field_over_128_kb(runner, bank, tmp_path):
    people = tmp_path / "big.csv"
    people.write_text('姓名\n张三\n"' + "长" * 140_000 + '"\n', encoding="utf-8")
    result = build(runner, bank, tmp_path / "p", "--candidates", str(people))
    assert result.exit_code == 1
    one_line_error(result.stderr, "big.csv:3", "太长")
    assert len(result.stderr) < 300  # the value itself is never echoed back
    assert not (tmp_path / "p").exists()


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_an_xlsx_whose_sheet_is_truncated(runner, bank, tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["姓名"], ["张三"], ["李四"]])
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    result = build(runner, bank, tmp_path / "p", "--candidates", str(bad))
    assert result.exit_code == 1
    one_line_error(result.stderr, "bad.xlsx", "无法读取 Excel 文件")
    assert not (tmp_path / "p").exists()


def test_an_xls_file_is_named_as_unsupported(runner, bank, tmp_path):
    old = tmp_path / "names.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = build(runner, bank, tmp_path / "p", "--candidates", str(old))
    assert result.exit_code == 1
    one_line_error(result.stderr, "names.xls", "不支持 .xls", ".xlsx")


def _bomb(path: Path, member: str, megabytes: int, *, prefix: bytes = b"") -> None:
    """A real zip bomb: `member` unpacks to `megabytes` MB of one repeated byte."""
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open(member, "w", force_zip64=True) as handle:
        handle.write(prefix)
        for _ in range(megabytes):
            handle.write(chunk)


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked(runner, tmp_path):
    bomb = tmp_path / "题库.docx"
    _bomb(bomb, "word/document.xml", 150, prefix=b"<?xml version='1.0'?><w:document>")
    with zipfile.ZipFile(bomb, "a") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    result = runner.invoke(main, ["import", str(bomb), "--role", "tester", "-o",
                                  str(tmp_path / "out" / "t.yaml")])
    assert result.exit_code == 1
    one_line_error(result.stderr, "题库.docx", "压缩炸弹")
    assert not (tmp_path / "out").exists()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(runner, bank, tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["姓名"], ["张三"]])
    bomb = tmp_path / "bomb.xlsx"
    shutil.copy(good, bomb)
    chunk = b"<row/>" * 200_000
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as handle:
        for _ in range(130):  # 156 MB of XML rows in a file of a few hundred KB
            handle.write(chunk)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    result = build(runner, bank, tmp_path / "p", "--candidates", str(bomb))
    assert result.exit_code == 1
    one_line_error(result.stderr, "bomb.xlsx", "压缩炸弹")


# ---------------------------------------------------------------- symbolic links in a bank


def test_a_dangling_symlink_in_a_bank_is_reported(runner, bank, tmp_path):
    (bank / "lost.yaml").symlink_to(tmp_path / "gone.yaml")
    result = runner.invoke(main, ["validate", "--bank", str(bank)])
    assert result.exit_code == 1
    one_line_error(result.stderr, "lost.yaml", "符号链接指向的文件不存在")


def test_a_symlink_out_of_the_bank_folder_is_refused(runner, bank, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("roles: [tester]\nquestions: []\n", encoding="utf-8")
    (bank / "shared.yaml").symlink_to(outside)
    result = runner.invoke(main, ["validate", "--bank", str(bank)])
    assert result.exit_code == 1
    one_line_error(result.stderr, "shared.yaml", "题库文件夹之外")
