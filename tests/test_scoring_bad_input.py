"""The scoring loop's commands (scan, scores, report, stats) meet bad input like the rest:
one line naming the file, non-zero exit, no traceback, nothing changed."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from examgen.cli import main

from .conftest import balanced_questions, write_bank
from .hardening import one_line_error
from .test_bad_files import HOLD_LOCK, _xlsx, damaged_history  # noqa: F401 (a fixture)


def test_a_damaged_history_in_every_scoring_command(runner, tmp_path, damaged_history):
    table = tmp_path / "ratings.csv"
    table.write_text("试卷编号,面试官\n", encoding="utf-8")
    out = tmp_path / "out"
    before = damaged_history.read_bytes()
    pid = "T-20261202-000001"
    for args in (["scan", str(tmp_path / "scan.pdf")], ["scores", "show", pid],
                 ["scores", "set", pid, "--interviewer", "1", "1=4"],
                 ["scores", "template", pid, "-o", str(out / "r.xlsx")],
                 ["scores", "import", str(table)], ["report", pid, "--out", str(out)],
                 ["stats"]):
        result = runner.invoke(main, [*args, "--history", str(damaged_history)])
        assert result.exit_code == 1, args
        one_line_error(result.stderr, str(damaged_history), "已损坏", ".recover")
    assert damaged_history.read_bytes() == before
    assert not out.exists()


def _truncated_xlsx(path: Path) -> Path:
    good = _xlsx(path.with_name("good.xlsx"), [["试卷编号", "面试官", "1"], ["T-1", "1", "4"]])
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    return path


def _bomb_xlsx(path: Path) -> Path:
    _xlsx(path, [["试卷编号", "面试官", "1"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as handle:
        for _ in range(130):
            handle.write(b"<row/>" * 200_000)
    return path


@pytest.mark.parametrize(("name", "make", "needle"), [
    ("open.csv", lambda p: p.write_text('试卷编号,面试官\n"T-1,1\nT-2,1\n', encoding="utf-8"),
     "引号"),
    ("wide.csv", lambda p: p.write_text('试卷编号,面试官\n"' + "x" * 140_000 + '",1\n',
                                        encoding="utf-8"), "太长"),
    ("old.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
     "不支持 .xls"),
    ("cut.xlsx", _truncated_xlsx, "无法读取 Excel 文件"),
    ("bomb.xlsx", _bomb_xlsx, "压缩炸弹"),
])
def test_scores_import_refuses_a_bad_table_with_one_line(runner, tmp_path, name, make,
                                                          needle):
    path = tmp_path / name
    make(path)
    history = tmp_path / "h.sqlite3"
    result = runner.invoke(main, ["scores", "import", str(path), "--history", str(history)])
    assert result.exit_code == 1
    one_line_error(result.stderr, name, needle)
    assert len(result.stderr) < 300


def test_scores_set_on_a_locked_history(runner, tmp_path, monkeypatch):
    import examgen.history

    bank = write_bank(tmp_path / "bank", balanced_questions())
    history = tmp_path / "h.sqlite3"
    built = runner.invoke(main, ["build", "--role", "tester", "--count", "3", "--seed", "1",
                                 "--bank", str(bank), "--out", str(tmp_path / "p"),
                                 "--history", str(history), "--json"])
    assert built.exit_code == 0, built.output
    pid = json.loads(built.stdout)["papers"][0]["id"]
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(history)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(examgen.history, "LOCK_TIMEOUT", 1.0)
        result = runner.invoke(main, ["scores", "set", pid, "--interviewer", "1", "1=4",
                                      "--history", str(history)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    one_line_error(result.stderr, str(history), "另一个 examgen 正在写入")
    shown = runner.invoke(main, ["scores", "show", pid, "--history", str(history), "--json"])
    assert shown.exit_code == 0, shown.output
    assert "1=4" not in shown.stdout


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb's shape)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(b"IEND", b""))


def test_scan_of_an_image_claiming_a_billion_pixels(runner, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(_png_claiming(40_000, 40_000))
    result = runner.invoke(main, ["scan", str(photo), "--history", str(tmp_path / "h.db")])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("错误：")]
    assert "photo.png" in line
    assert "太大" in line
