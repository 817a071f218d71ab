"""`examgen build --mail-to`: a round's keys reach every interviewer right after the build."""

from __future__ import annotations

import json
from pathlib import Path

from examgen.cli import main
from examgen.history import History
from examgen.resources import default_bank_dir

from .test_mail import Collector, attachments, smtp_server  # noqa: F401 (fixture)


def test_round_keys_are_mailed_to_two_interviewers(smtp_server, runner, tmp_path,  # noqa: F811
                                                   monkeypatch):
    collector, port = smtp_server(Collector())
    monkeypatch.setenv("EXAMGEN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("EXAMGEN_SMTP_PORT", str(port))
    monkeypatch.setenv("EXAMGEN_SMTP_FROM", "hr@example.com")
    people = tmp_path / "people.csv"
    people.write_text("姓名\n钱一\n孙二\n", encoding="utf-8")
    history = tmp_path / "history.sqlite3"
    result = runner.invoke(main, [
        "build", "--role", "after-sales-manager", "--count", "5", "--seed", "2",
        "--candidates", str(people), "--date", "2026-12-01", "--out", str(tmp_path / "out"),
        "--history", str(history), "--bank", str(default_bank_dir()), "--json",
        "--mail-to", "wang@example.com", "--mail-to", "li@example.com"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [m["sent"] for m in data["mails"]] == [["wang@example.com", "li@example.com"]] * 2
    messages = collector.messages()
    assert len(messages) == 2  # one mail per paper, both interviewers on it
    for paper, message in zip(data["papers"], messages, strict=True):
        assert paper["id"] in message["Subject"]
        assert paper["candidate"] in message["Subject"]
        [pdf] = attachments(message).values()
        assert pdf == Path(paper["files"]["answer_key"]).read_bytes()
    with History(history) as h:
        assert h.sent_to(data["papers"][0]["id"]) == {"wang@example.com", "li@example.com"}


def test_missing_mail_settings_stop_the_build_before_anything_is_made(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", "--role", "director", "--out", str(out),
                                  "--mail-to", "wang@example.com"])
    assert result.exit_code == 1
    assert "错误：" in result.stderr
    assert not out.exists()
