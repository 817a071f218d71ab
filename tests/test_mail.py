"""`examgen mail` against a real SMTP server on loopback (aiosmtpd): what arrives, what the
history remembers, and what happens when the server is down or says no."""

from __future__ import annotations

import dataclasses
import email
import json
import shutil
import signal
import socket
import ssl
import subprocess
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner

import examgen.cli.mail_command  # noqa: F401  (registers `mail` until cli/__init__ imports it)
from examgen.cli import main
from examgen.config import SmtpSettings
from examgen.errors import ExamgenError
from examgen.history import History, PaperRecord
from examgen.mail import check_settings, compose, send_papers, to_bytes

SENDER = "人事部 <hr@example.com>"
PASSWORD = "Pw-7f3k!secret"
ROUND = "R-ASM-20261201-TEST01"


@pytest.fixture(autouse=True)
def _no_hang():
    """Any test still running after 60 s fails instead of hanging the suite."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(*_):
        raise TimeoutError("test took longer than 60 s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


# ---------------------------------------------------------------- papers and history


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> list[PaperRecord]:
    """Two real papers (张三 and 李四), built once through the CLI with their own history."""
    root = tmp_path_factory.mktemp("mailpapers")
    history_file = root / "history.sqlite3"
    ids = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CONFIG_HOME", str(root / "config"))
        mp.setenv("XDG_DATA_HOME", str(root / "data"))
        mp.setenv("EXAMGEN_HISTORY", str(history_file))
        mp.chdir(root)
        for seed, candidate in ((1, "张三"), (2, "李四")):
            result = CliRunner().invoke(main, [
                "build", "--role", "after-sales-manager", "--count", "5", "--seed", str(seed),
                "--out", str(root / "papers"), "--date", "2026-12-01",
                "--candidate", candidate, "--history", str(history_file), "--json"])
            assert result.exit_code == 0, result.output
            ids.append(json.loads(result.stdout)["papers"][0]["id"])
    with History(history_file) as history:
        return [history.get(pid) for pid in ids]


@pytest.fixture
def history_file(tmp_path: Path, papers: list[PaperRecord]) -> Path:
    """A fresh history holding both papers (as one interview round) and no mails yet."""
    path = tmp_path / "history.sqlite3"
    with History(path) as history:
        history.record([dataclasses.replace(p, round=ROUND) for p in papers])
    return path


def mails_in(path: Path, paper_id: str) -> list[dict]:
    with History(path) as history:
        return history.mails(paper_id)


# ---------------------------------------------------------------- SMTP servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """Accepts everything except the recipients and senders it is told to refuse."""

    def __init__(self, refuse_rcpt: tuple[str, ...] = (), refuse_sender: bool = False):
        self.envelopes: list = []
        self.refuse_rcpt = {a.lower() for a in refuse_rcpt}
        self.refuse_sender = refuse_sender

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return "553 5.7.1 Sender not allowed"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((session.peer, envelope))
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(env.content, policy=policy.default)
                for _, env in self.envelopes]


def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login == b"hr"
          and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server():
    """Start an aiosmtpd server on 127.0.0.1 (a new one per call); stopped after the test."""
    started: list[Controller] = []

    def start(handler: Collector | None = None, **kwargs) -> tuple[Collector, int]:
        handler = handler or Collector()
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port,
                                ready_timeout=10, **kwargs)
        controller.start()
        started.append(controller)
        return handler, port

    yield start
    for controller in started:
        controller.stop()


def server_args(port: int, sender: str = SENDER) -> list[str]:
    return ["--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--from", sender]


def run_mail(history_file: Path, *args: str):
    result = CliRunner().invoke(main, ["mail", *args, "--history", str(history_file)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    return result


def attachments(msg: EmailMessage) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in msg.iter_attachments()}


def key_name(p: PaperRecord) -> str:
    return f"面试官用卷-{p.role_title}-{p.candidate}-{p.id}.pdf"


def sheet_name(p: PaperRecord) -> str:
    return f"题目卷-{p.role_title}-{p.candidate}-{p.id}.pdf"


def pdf(p: PaperRecord, key: str = "answer_key") -> bytes:
    return Path(p.files[key]).read_bytes()


# ---------------------------------------------------------------- the main job


def test_key_goes_to_two_interviewers_readable(smtp_server, papers, history_file):
    handler, port = smtp_server()
    paper = papers[0]
    result = run_mail(history_file, paper.id, "--to", "wang@example.com",
                      "--to", "li@example.com", *server_args(port))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == [
        f"{paper.id}：已发送给 wang@example.com、li@example.com"]

    [(_, envelope)] = handler.envelopes
    assert envelope.mail_from == "hr@example.com"
    assert envelope.rcpt_tos == ["wang@example.com", "li@example.com"]
    assert envelope.content.isascii()  # everything Chinese is MIME-encoded
    assert b"filename*=utf-8''" in envelope.content  # RFC 2231, in one piece
    [msg] = handler.messages()
    assert paper.role_title == "售后服务经理"
    assert msg["Subject"] == f"【面试官用卷】售后服务经理 · 张三 · 2026年12月1日 · 试卷 {paper.id}"
    assert msg["From"].addresses[0].display_name == "人事部"
    assert msg["To"] == "wang@example.com, li@example.com"
    body = msg.get_body(("plain",)).get_content()
    for text in ("岗位：售后服务经理", "应聘者：张三", "面试日期：2026年12月1日",
                 f"试卷编号：{paper.id}", "题目数量：5 题", "保密"):
        assert text in body
    assert attachments(msg) == {key_name(paper): pdf(paper)}
    [part] = msg.iter_attachments()
    assert part.get_content_type() == "application/pdf"
    assert part.get_param("name") == key_name(paper)

    sent = mails_in(history_file, paper.id)
    assert {m["to"] for m in sent} == {"wang@example.com", "li@example.com"}
    assert all(m["attachments"] == ["answer_key"] and m["sent_at"] for m in sent)
    assert Path(paper.files["answer_key"]).is_file()


def test_round_with_sheet_over_one_connection(smtp_server, papers, history_file):
    handler, port = smtp_server()
    result = run_mail(history_file, ROUND, "--with-sheet", "--to", "wang@example.com",
                      "--to", "li@example.com", *server_args(port))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 2
    assert len(handler.envelopes) == 2
    assert len({peer for peer, _ in handler.envelopes}) == 1  # one SMTP connection
    for paper, msg in zip(papers, handler.messages(), strict=True):
        assert paper.id in msg["Subject"]
        assert paper.candidate in msg["Subject"]
        assert attachments(msg) == {key_name(paper): pdf(paper),
                                    sheet_name(paper): pdf(paper, "questions")}
        assert "题目卷" in msg.get_body(("plain",)).get_content()
        assert {m["to"] for m in mails_in(history_file, paper.id)} == {
            "wang@example.com", "li@example.com"}


def test_rerun_sends_only_what_is_unsent(smtp_server, papers, history_file):
    handler, port = smtp_server()
    a, b = papers
    args = ["--to", "wang@example.com", *server_args(port)]
    assert run_mail(history_file, a.id, *args).exit_code == 0
    assert len(handler.envelopes) == 1

    again = run_mail(history_file, a.id, b.id, *args)
    assert again.exit_code == 0, again.output
    assert "此前已收到" in again.stdout
    assert "--resend" in again.stdout
    assert len(handler.envelopes) == 2  # only paper b went out
    assert b.id in handler.messages()[1]["Subject"]

    more = run_mail(history_file, a.id, "--to", "wang@example.com", "--to", "zhao@example.com",
                    *server_args(port))
    assert more.exit_code == 0
    assert handler.envelopes[-1][1].rcpt_tos == ["zhao@example.com"]

    resent = run_mail(history_file, a.id, *args, "--resend")
    assert resent.exit_code == 0
    assert handler.envelopes[-1][1].rcpt_tos == ["wang@example.com"]
    assert len(handler.envelopes) == 4
    assert len(mails_in(history_file, a.id)) == 3


def test_sheet_asked_later_is_not_already_sent(smtp_server, papers, history_file):
    handler, port = smtp_server()
    paper = papers[0]
    run_mail(history_file, paper.id, "--to", "wang@example.com", *server_args(port))
    result = run_mail(history_file, paper.id, "--to", "wang@example.com", "--with-sheet",
                      *server_args(port))
    assert result.exit_code == 0
    assert len(handler.envelopes) == 2
    assert len(attachments(handler.messages()[1])) == 2


# ---------------------------------------------------------------- failures


def test_dead_server_one_line_per_paper_nothing_recorded(papers, history_file):
    result = run_mail(history_file, papers[0].id, papers[1].id, "--to", "wang@example.com",
                      *server_args(free_port()))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2
    for paper, line in zip(papers, lines, strict=True):
        assert line.startswith(f"{paper.id}：发送失败：无法连接邮件服务器 127.0.0.1:")
        assert "连接被拒绝" in line
        assert mails_in(history_file, paper.id) == []
        assert Path(paper.files["answer_key"]).is_file()
        assert Path(paper.files["questions"]).is_file()


def test_dead_server_json(papers, history_file):
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--json",
                      *server_args(free_port()))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["dry_run"] is None
    [entry] = data["mails"]
    assert entry["paper"] == papers[0].id
    assert entry["to"] == ["wang@example.com"]
    assert entry["sent"] == []
    assert entry["skipped"] == []
    assert entry["failed"] == []
    assert "无法连接邮件服务器" in entry["error"]


def test_recipient_refused_others_still_get_it(smtp_server, papers, history_file):
    handler, port = smtp_server(Collector(refuse_rcpt=("nobody@example.com",)))
    paper = papers[0]
    args = [paper.id, "--to", "wang@example.com", "--to", "nobody@example.com",
            *server_args(port)]
    result = run_mail(history_file, *args)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line == (f"{paper.id}：已发送给 wang@example.com；发送给 nobody@example.com 失败："
                    "被邮件服务器拒收（550 5.1.1 No such user here）")
    assert [env.rcpt_tos for _, env in handler.envelopes] == [["wang@example.com"]]
    assert [m["to"] for m in mails_in(history_file, paper.id)] == ["wang@example.com"]

    again = run_mail(history_file, *args, "--json")  # only the refused one is tried again
    assert again.exit_code == 1
    [entry] = json.loads(again.stdout)["mails"]
    assert entry["skipped"] == ["wang@example.com"]
    assert entry["sent"] == []
    assert entry["failed"][0]["to"] == "nobody@example.com"
    assert len(handler.envelopes) == 1


def test_every_recipient_refused(smtp_server, papers, history_file):
    handler, port = smtp_server(Collector(refuse_rcpt=("nobody@example.com",)))
    result = run_mail(history_file, papers[0].id, papers[1].id, "--to", "nobody@example.com",
                      *server_args(port))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 2
    assert "nobody@example.com 失败" in result.stderr
    assert handler.envelopes == []
    assert mails_in(history_file, papers[0].id) == []


def test_sender_refused(smtp_server, papers, history_file):
    _, port = smtp_server(Collector(refuse_sender=True))
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com",
                      *server_args(port))
    assert result.exit_code == 1
    assert "发件人 hr@example.com 被邮件服务器拒绝（553 5.7.1 Sender not allowed）" \
        in result.stderr
    assert mails_in(history_file, papers[0].id) == []


def test_ssl_to_a_plain_server_fails_clearly(smtp_server, papers, history_file):
    _, port = smtp_server()
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--ssl",
                      *server_args(port))
    assert result.exit_code == 1
    assert "SSL" in result.stderr
    assert papers[0].id in result.stderr
    assert mails_in(history_file, papers[0].id) == []


def test_missing_or_changed_file_fails_that_paper_only(smtp_server, papers, history_file,
                                                       tmp_path):
    handler, port = smtp_server()
    broken = []
    for tag in ("GONE01", "EDIT01"):
        copy = tmp_path / f"{tag}-key.pdf"
        shutil.copy(papers[0].files["answer_key"], copy)
        broken.append(dataclasses.replace(papers[0], id=f"ASM-20261201-{tag}", round="",
                                          files={**papers[0].files, "answer_key": str(copy)}))
    with History(history_file) as history:
        history.record(broken)
    Path(broken[0].files["answer_key"]).unlink()
    Path(broken[1].files["answer_key"]).write_bytes(b"%PDF-1.7 not the paper")

    result = run_mail(history_file, broken[0].id, papers[1].id, broken[1].id,
                      "--to", "wang@example.com", *server_args(port))
    assert result.exit_code == 1
    assert result.stdout.strip() == f"{papers[1].id}：已发送给 wang@example.com"
    gone, edited = result.stderr.strip().splitlines()
    assert gone.startswith(f"{broken[0].id}：发送失败：找不到面试官用卷文件")
    assert edited.startswith(f"{broken[1].id}：发送失败：面试官用卷文件")
    assert "被改动过" in edited
    assert len(handler.envelopes) == 1
    assert mails_in(history_file, broken[0].id) == mails_in(history_file, broken[1].id) == []


def test_line_break_in_a_record_cannot_inject_headers(smtp_server, papers, history_file):
    handler, port = smtp_server()
    evil = dataclasses.replace(papers[0], id="ASM-20261201-EVIL01", round="",
                               candidate="张三\r\nBcc: evil@example.com")
    with History(history_file) as history:
        history.record([evil])
    result = run_mail(history_file, evil.id, papers[1].id, "--to", "wang@example.com",
                      *server_args(port))
    assert result.exit_code == 1
    assert f"{evil.id}：发送失败：" in result.stderr
    assert "换行" in result.stderr
    assert len(handler.envelopes) == 1
    assert b"evil" not in handler.envelopes[0][1].content
    assert handler.envelopes[0][1].rcpt_tos == ["wang@example.com"]


@pytest.mark.parametrize("address", ["wang@example.com\r\nBcc: evil@example.com",
                                     "wang example.com", "wang@@example.com",
                                     "wang@example.com\nX: y", "<wang@example.com>",
                                     "王@example.com"])
def test_bad_recipient_is_refused_before_connecting(smtp_server, papers, history_file,
                                                    address):
    handler, port = smtp_server()
    result = run_mail(history_file, papers[0].id, "--to", address, *server_args(port))
    assert result.exit_code == 1
    assert result.stderr.startswith("错误：收件人地址")
    assert len(result.stderr.strip().splitlines()) == 1
    assert handler.envelopes == []


def test_bad_sender_and_unknown_paper(smtp_server, papers, history_file):
    handler, port = smtp_server()
    bad = run_mail(history_file, papers[0].id, "--to", "wang@example.com",
                   *server_args(port, sender="hr@example.com\r\nBcc: evil@example.com"))
    assert bad.exit_code == 1
    assert bad.stderr.startswith("错误：发件人")
    unknown = run_mail(history_file, papers[0].id, "ASM-20261201-NOPE00",
                       "--to", "wang@example.com", *server_args(port))
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("错误：历史记录中没有试卷 ASM-20261201-NOPE00")
    assert handler.envelopes == []  # nothing sent when one id is wrong


def test_no_server_or_sender_configured(papers, history_file):
    no_host = run_mail(history_file, papers[0].id, "--to", "wang@example.com",
                       "--from", "hr@example.com")
    assert no_host.exit_code == 1
    assert "没有设置邮件服务器" in no_host.stderr
    no_from = run_mail(history_file, papers[0].id, "--to", "wang@example.com",
                       "--smtp-host", "127.0.0.1")
    assert no_from.exit_code == 1
    assert "没有设置发件人" in no_from.stderr


# ---------------------------------------------------------------- login and secrets


def auth_server(smtp_server):
    return smtp_server(authenticator=authenticator, auth_require_tls=False)


def test_password_from_environment_logs_in_and_never_shows(smtp_server, papers, history_file,
                                                           monkeypatch, caplog, tmp_path):
    handler, port = auth_server(smtp_server)
    monkeypatch.setenv("EXAMGEN_SMTP_PASSWORD", PASSWORD)
    paper = papers[0]
    result = run_mail(history_file, paper.id, "--to", "wang@example.com", "--user", "hr",
                      *server_args(port))
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert len(handler.envelopes) == 1
    assert PASSWORD.encode() not in handler.envelopes[0][1].content

    dry = run_mail(history_file, paper.id, "--to", "li@example.com", "--user", "hr",
                   "--dry-run", str(tmp_path / "eml"), *server_args(port))
    assert dry.exit_code == 0
    assert PASSWORD.encode() not in (tmp_path / "eml" / f"{paper.id}.eml").read_bytes()
    ours = [r for r in caplog.records if not r.name.startswith("mail.log")]
    assert not any(PASSWORD in r.getMessage() for r in ours)


def test_login_refused(smtp_server, papers, history_file, monkeypatch):
    handler, port = auth_server(smtp_server)
    monkeypatch.setenv("EXAMGEN_SMTP_PASSWORD", "wrong-" + PASSWORD)
    result = run_mail(history_file, papers[0].id, papers[1].id, "--to", "wang@example.com",
                      "--user", "hr", *server_args(port))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert [line.split("：")[0] for line in lines] == [papers[0].id, papers[1].id]
    assert all("邮件服务器拒绝登录" in line and "535" in line for line in lines)
    assert PASSWORD not in result.output
    assert handler.envelopes == []
    assert mails_in(history_file, papers[0].id) == []


def test_user_without_password_is_a_clear_error(smtp_server, papers, history_file):
    _, port = auth_server(smtp_server)
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--user", "hr",
                      *server_args(port))
    assert result.exit_code == 1
    assert "EXAMGEN_SMTP_PASSWORD" in result.stderr


def test_there_is_no_password_option(papers, history_file):
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com",
                      "--password", "x")
    assert result.exit_code == 2
    assert "--password" in result.output


def test_settings_from_config_file_and_environment(smtp_server, papers, history_file,
                                                   monkeypatch, tmp_path):
    """examgen.toml in the current folder < environment < options."""
    handler, port = auth_server(smtp_server)
    dead = free_port()
    (tmp_path / "examgen.toml").write_text(
        f'company = "示例科技"\n[smtp]\nhost = "127.0.0.1"\nport = {dead}\n'
        f'from = "招聘组 <jobs@example.com>"\nuser = "hr"\npassword = "{PASSWORD}"\n',
        encoding="utf-8")
    (tmp_path / "examgen.toml").chmod(0o600)
    monkeypatch.chdir(tmp_path)
    paper = papers[0]

    from_file = run_mail(history_file, paper.id, "--to", "wang@example.com")
    assert from_file.exit_code == 1
    assert f"127.0.0.1:{dead}" in from_file.stderr

    monkeypatch.setenv("EXAMGEN_SMTP_PORT", str(port))
    from_env = run_mail(history_file, paper.id, "--to", "wang@example.com")
    assert from_env.exit_code == 0, from_env.output
    assert handler.envelopes[-1][1].mail_from == "jobs@example.com"
    assert PASSWORD not in from_env.output

    monkeypatch.setenv("EXAMGEN_SMTP_PORT", str(dead))
    from_option = run_mail(history_file, paper.id, "--to", "li@example.com",
                           "--smtp-port", str(port), "--from", "hr@example.com")
    assert from_option.exit_code == 0, from_option.output
    assert handler.envelopes[-1][1].mail_from == "hr@example.com"
    assert len(handler.envelopes) == 2


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    return cert, key


def server_tls(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trust(certificate, monkeypatch):
    """Make the client trust the test certificate (as it trusts a real server's)."""
    original = ssl.create_default_context

    def trusting(*args, **kwargs):
        context = original(*args, **kwargs)
        context.load_verify_locations(cafile=str(certificate[0]))
        return context

    monkeypatch.setattr(ssl, "create_default_context", trusting)


def test_starttls_then_login(smtp_server, papers, history_file, certificate, trust,
                             monkeypatch):
    handler, port = smtp_server(tls_context=server_tls(certificate), require_starttls=True,
                                authenticator=authenticator)  # AUTH only after STARTTLS
    monkeypatch.setenv("EXAMGEN_SMTP_PASSWORD", PASSWORD)
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--starttls",
                      "--user", "hr", *server_args(port))
    assert result.exit_code == 0, result.output
    assert len(handler.envelopes) == 1
    assert attachments(handler.messages()[0]) == {key_name(papers[0]): pdf(papers[0])}


def test_ssl_connection(smtp_server, papers, history_file, certificate, trust):
    handler, port = smtp_server(ssl_context=server_tls(certificate))
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--ssl",
                      *server_args(port))
    assert result.exit_code == 0, result.output
    assert len(handler.envelopes) == 1


def test_untrusted_certificate_is_refused(smtp_server, papers, history_file, certificate):
    handler, port = smtp_server(tls_context=server_tls(certificate), require_starttls=True)
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--starttls",
                      *server_args(port))
    assert result.exit_code == 1
    assert "证书验证失败" in result.stderr
    assert handler.envelopes == []
    assert mails_in(history_file, papers[0].id) == []


def test_starttls_not_offered(smtp_server, papers, history_file):
    _, port = smtp_server()
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--starttls",
                      *server_args(port))
    assert result.exit_code == 1
    assert "不支持 STARTTLS" in result.stderr


# ---------------------------------------------------------------- dry run


def test_dry_run_writes_eml_and_records_nothing(papers, history_file, tmp_path):
    out = tmp_path / "preview"
    result = run_mail(history_file, ROUND, "--with-sheet", "--to", "wang@example.com",
                      "--to", "li@example.com", "--dry-run", str(out), "--from", SENDER)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.id}.eml" for p in papers)
    for paper in papers:
        assert f"{paper.id}：已写入 {out / (paper.id + '.eml')}" in result.stdout
        raw = (out / f"{paper.id}.eml").read_bytes()
        assert b"\r\n" in raw
        assert raw.isascii()
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert msg["To"] == "wang@example.com, li@example.com"
        assert msg["Subject"].startswith("【面试官用卷】售后服务经理 · ")
        assert attachments(msg) == {key_name(paper): pdf(paper),
                                    sheet_name(paper): pdf(paper, "questions")}
        assert mails_in(history_file, paper.id) == []
    again = tmp_path / "again"
    data = json.loads(run_mail(history_file, papers[0].id, "--to", "wang@example.com",
                               "--dry-run", str(again), "--from", SENDER, "--json").stdout)
    assert data["dry_run"] == str(again)
    assert data["mails"][0]["eml"] == str(again / f"{papers[0].id}.eml")
    assert not list(out.glob(".*.tmp"))


def test_dry_run_never_overwrites_an_eml(papers, history_file, tmp_path):
    out = tmp_path / "preview"
    out.mkdir()
    kept = out / f"{papers[0].id}.eml"
    kept.write_bytes(b"checked and annotated")
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com", "--dry-run",
                      str(out), "--from", SENDER)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"错误：{kept}: 邮件文件已存在，不会覆盖"
                                     "（请换一个 --dry-run 文件夹，或先删除它）")
    assert kept.read_bytes() == b"checked and annotated"
    assert sorted(p.name for p in out.iterdir()) == [kept.name]


class TooLarge(Collector):
    async def handle_DATA(self, server, session, envelope):
        return "552 5.3.4 Message size exceeds fixed maximum message size"


def test_a_message_too_large_is_called_that(smtp_server, papers, history_file):
    _, port = smtp_server(TooLarge())
    result = run_mail(history_file, papers[0].id, "--to", "wang@example.com",
                      *server_args(port))
    assert result.exit_code == 1
    assert "邮件太大，邮件服务器拒收" in result.stderr
    assert "552 5.3.4 Message size exceeds" in result.stderr
    assert "发件人" not in result.stderr
    assert mails_in(history_file, papers[0].id) == []


def test_build_mail_to_without_a_server_names_what_build_has(runner, tmp_path):
    from .conftest import balanced_questions, write_bank

    bank = write_bank(tmp_path / "bank", balanced_questions())
    result = runner.invoke(main, ["build", "--role", "tester", "--count", "3", "--bank",
                                  str(bank), "--out", str(tmp_path / "p"), "--mail-to",
                                  "wang@example.com"], env={"EXAMGEN_SMTP_FROM": SENDER})
    assert result.exit_code == 1
    assert "EXAMGEN_SMTP_HOST" in result.stderr
    assert "没有 --smtp-host 选项" in result.stderr
    assert "请用 --smtp-host" not in result.stderr
    assert not (tmp_path / "p").exists()


# ---------------------------------------------------------------- the library


def test_compose_without_candidate_and_long_titles(papers):
    paper = dataclasses.replace(papers[0], candidate="", role_title="售后服务经理 " * 6,
                                company="示例科技")
    msg = compose(paper, ["wang@example.com"], "hr@example.com", with_sheet=False)
    parsed = email.message_from_bytes(to_bytes(msg), policy=policy.default)
    title = ("售后服务经理 " * 6).strip()
    # spaces survive folding (Python < 3.13 drops them between encoded words by default)
    assert parsed["Subject"] == f"【面试官用卷】{title} · 未填写 · 2026年12月1日 · 试卷 {paper.id}"
    assert "应聘者：未填写" in parsed.get_body(("plain",)).get_content()
    assert "公司：示例科技" in parsed.get_body(("plain",)).get_content()
    [name] = attachments(parsed)
    assert name.startswith("面试官用卷-售后服务经理")
    assert name.endswith(f"-{paper.id}.pdf")
    assert "未填写" not in name
    assert max(len(line) for line in to_bytes(msg).split(b"\r\n")) <= 998


def test_compose_refuses_bad_addresses(papers):
    with pytest.raises(ExamgenError, match="收件人"):
        compose(papers[0], ["a@example.com\nBcc: b@example.com"], "hr@example.com",
                with_sheet=False)
    with pytest.raises(ExamgenError, match="发件人"):
        compose(papers[0], ["a@example.com"], "", with_sheet=False)


def test_send_papers_library_outcomes(smtp_server, papers, history_file):
    handler, port = smtp_server()
    settings = SmtpSettings(host="127.0.0.1", port=port, sender="hr@example.com", timeout=5)
    with History(history_file) as history:
        first = send_papers(papers, ["a@example.com, b@example.com"], settings,
                            history=history)
        second = send_papers(papers, ["a@example.com", "B@example.com"], settings,
                             history=history)
    assert [o.sent for o in first] == [["a@example.com", "b@example.com"]] * 2
    assert all(o.ok for o in first + second)
    assert [o.skipped for o in second] == [["a@example.com", "B@example.com"]] * 2
    assert [o.sent for o in second] == [[], []]
    assert len(handler.envelopes) == 2
    assert first[0].to_json() == {"paper": papers[0].id, "to": ["a@example.com",
                                                                 "b@example.com"],
                                  "sent": ["a@example.com", "b@example.com"], "skipped": [],
                                  "failed": [], "error": None, "eml": None}


def test_check_settings_before_building():
    ready = SmtpSettings(host="smtp.example.com", sender="hr@example.com")
    assert check_settings(ready, ["a@example.com；b@example.com", "A@example.com"]) == [
        "a@example.com", "b@example.com"]
    with pytest.raises(ExamgenError, match="没有设置邮件服务器"):
        check_settings(SmtpSettings(sender="hr@example.com"), ["a@example.com"])
    assert check_settings(SmtpSettings(sender="hr@example.com"), ["a@example.com"],
                          dry_run=True) == ["a@example.com"]
    with pytest.raises(ExamgenError, match="没有收件人"):
        check_settings(ready, [" , "])
    with pytest.raises(ExamgenError, match="发件人"):
        check_settings(SmtpSettings(host="h", sender="a@example.com, b@example.com"),
                       ["a@example.com"])
    with pytest.raises(ExamgenError, match="EXAMGEN_SMTP_PASSWORD"):
        check_settings(SmtpSettings(host="h", user="hr@example.com"), ["a@example.com"])
