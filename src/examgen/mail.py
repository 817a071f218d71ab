"""Mail answer keys (and, on request, question sheets) to the interviewers.

One mail per paper, to all of its pending recipients, over one SMTP connection for the
whole run. The history says who already has which paper, so a rerun sends only what is
still unsent. Nothing here deletes or changes a paper's files.
"""

from __future__ import annotations

import hashlib
import re
import smtplib
import socket
import sqlite3
import ssl
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from .config import SmtpSettings
from .errors import ExamgenError
from .history import History, PaperRecord
from .render import chinese_date

# record.files key → what the attachment is called
LABELS = {"answer_key": "面试官用卷", "questions": "题目卷"}
UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u0085]")
ADDRESS = re.compile(r'[^\s@<>,;:"()\[\]\\]+@[^\s@<>,;:"()\[\]\\]+')
RECIPIENT_SPLIT = re.compile(r"[,;，；]")


class _WirePolicy(EmailPolicy):
    """How messages are written for SMTP and .eml files: CRLF, unfolded long headers (so
    RFC 2231 file names stay in one `filename*=utf-8''…` parameter, which every common
    client reads), and the Subject folded by the legacy encoder, which keeps the spaces
    that Python < 3.13's folder drops between encoded words."""

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() == "subject":
            encoded = Header(str(value), "utf-8", header_name=name).encode(
                linesep=self.linesep, maxlinelen=76)
            return f"{name}: {encoded}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)

    def fold(self, name: str, value: str) -> str:
        return self.fold_binary(name, value).decode("ascii")


WIRE_POLICY = _WirePolicy(linesep="\r\n", max_line_length=998)


@dataclass
class MailOutcome:
    """What happened to one paper."""

    paper: str
    to: list[str]  # every recipient asked for
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # had it already (see --resend)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (recipient, reason)
    error: str = ""  # the whole paper failed (server down, file missing, …)
    eml: Path | None = None  # --dry-run: the file written instead of sending

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed

    def describe(self) -> str:
        """One line in Chinese."""
        parts = []
        if self.eml is not None:
            pending = [a for a in self.to if a not in self.skipped]
            parts.append(f"已写入 {self.eml}（收件人 {'、'.join(pending)}；未发送）")
        if self.sent:
            parts.append(f"已发送给 {'、'.join(self.sent)}")
        if self.skipped:
            parts.append(f"{'、'.join(self.skipped)} 此前已收到，未重发（如需重发请加 --resend）")
        if self.error:
            parts.append(f"发送失败：{self.error}")
        parts += [f"发送给 {addr} 失败：{reason}" for addr, reason in self.failed]
        return f"{self.paper}：" + "；".join(parts)

    def to_json(self) -> dict:
        return {"paper": self.paper, "to": list(self.to), "sent": list(self.sent),
                "skipped": list(self.skipped),
                "failed": [{"to": a, "error": r} for a, r in self.failed],
                "error": self.error or None,
                "eml": str(self.eml) if self.eml is not None else None}


# ---------------------------------------------------------------- addresses and names


def check_address(value: str, what: str = "收件人") -> str:
    """A plain address (name@domain), nothing that could smuggle in another header."""
    if CONTROL.search(value):
        raise ExamgenError(f"{what}地址 {value!r} 含换行或控制字符")
    value = value.strip()
    if not ADDRESS.fullmatch(value) or not value.isascii():
        raise ExamgenError(f"{what}地址 '{value}' 格式不对，应为 name@example.com 这样的邮箱地址"
                           "（只能有一个 @，不能有空格或中文）")
    return value


def split_recipients(values: Iterable[str]) -> list[str]:
    """Checked addresses, in order, without repeats; 'a@x.com, b@x.com' counts as two."""
    out: list[str] = []
    for value in values:
        for item in RECIPIENT_SPLIT.split(value):
            if not item.strip():
                continue
            addr = check_address(item)
            if addr.lower() not in {a.lower() for a in out}:
                out.append(addr)
    if not out:
        raise ExamgenError("没有收件人：请用 --to 指定面试官的邮箱")
    return out


def parse_sender(value: str) -> Address:
    """`hr@example.com` or `人事部 <hr@example.com>`."""
    if not value.strip():
        raise ExamgenError("没有设置发件人：请用 --from、环境变量 EXAMGEN_SMTP_FROM 或 "
                           "examgen.toml 中 [smtp] 的 from 指定，例如 hr@example.com")
    if CONTROL.search(value):
        raise ExamgenError(f"发件人 {value!r} 含换行或控制字符")
    name, addr = parseaddr(value.strip())
    if not addr or value.count("@") != 1 or ("<" in value and ">" not in value):
        raise ExamgenError(f"发件人 '{value}' 格式不对，应为 hr@example.com 或 "
                           "人事部 <hr@example.com>")
    return Address(display_name=name, addr_spec=check_address(addr, "发件人"))


def _header_text(value: str, what: str) -> str:
    if CONTROL.search(value):
        raise ExamgenError(f"试卷的{what}含换行或控制字符，不能写进邮件：{value!r}")
    return value.strip()


def label(record: PaperRecord, key: str) -> str:
    """面试官用卷 / 题目卷; for a named panel 面试官手册-王敏 (per booklet) and 面试合议表."""
    booklet = re.fullmatch(r"answer_key(?:_(\d+))?", key)
    if booklet and (record.interviewers or record.mode == "oral"):
        n = int(booklet.group(1) or 1)
        name = record.interviewers[n - 1] if n <= len(record.interviewers) else ""
        kind = "面试官手册" if record.mode == "oral" else LABELS["answer_key"]
        return f"{kind}-{name}" if name else kind
    if key == "consolidation":
        return "面试合议表"
    return LABELS[key]


def expand_keys(record: PaperRecord, keys: list[str]) -> list[str]:
    """A named panel's "answer_key" means every interviewer's booklet and the 合议表."""
    out: list[str] = []
    for key in keys:
        out.append(key)
        if key == "answer_key":
            out += [f"answer_key_{n}" for n in range(2, len(record.interviewers) + 1)
                    if f"answer_key_{n}" in record.files]
            out += ["consolidation"] if "consolidation" in record.files else []
    return out


def attachment_name(record: PaperRecord, key: str) -> str:
    """面试官用卷-客服总监-张三-D-20261201-ABC123.pdf (no candidate: no name part)."""
    parts = [label(record, key), record.role_title[:30], record.candidate[:20], record.id]
    name = "-".join(UNSAFE_IN_NAME.sub("_", p.strip()) for p in parts if p.strip())
    return f"{name}.pdf"


def attachment_keys(with_sheet: bool) -> list[str]:
    return ["answer_key", "questions"] if with_sheet else ["answer_key"]


def read_attachment(record: PaperRecord, key: str) -> bytes:
    """The PDF as recorded at build time, or a clear error."""
    what = label(record, key)
    where = record.files.get(key)
    if not where:
        raise ExamgenError(f"历史记录中没有这份试卷的{what}文件")
    path = Path(where)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExamgenError(f"找不到{what}文件 {path}（被移动或删除了？"
                           "请放回原处，或重新生成试卷）") from None
    except OSError as exc:
        raise ExamgenError(f"无法读取{what}文件 {path}：{exc.strerror}") from None
    expected = record.sha256.get(key)
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise ExamgenError(f"{what}文件 {path} 在生成之后被改动过（校验值不符），"
                           "为免发错，不发送；请重新生成试卷")
    return data


# ---------------------------------------------------------------- the message


def compose(record: PaperRecord, to: list[str], sender: str, *,
            with_sheet: bool) -> EmailMessage:
    """The mail for one paper: Chinese subject and body, the PDFs attached under Chinese
    names. Raises ExamgenError for a bad address, a field with a line break, or an
    attachment that is missing or changed since the build."""
    recipients = [check_address(a) for a in to]
    if not recipients:
        raise ExamgenError("没有收件人")
    from_address = parse_sender(sender)
    title = _header_text(record.role_title or record.role, "岗位名称")
    candidate = _header_text(record.candidate, "应聘者姓名") or "未填写"
    paper_id = _header_text(record.id, "编号")
    company = _header_text(record.company, "公司名称")
    day = chinese_date(_header_text(record.date, "日期"))
    keys = attachment_keys(with_sheet)
    files = [(attachment_name(record, key), read_attachment(record, key))
             for key in expand_keys(record, keys)]

    msg = EmailMessage()
    msg["Subject"] = f"【面试官用卷】{title} · {candidate} · {day} · 试卷 {paper_id}"
    msg["From"] = from_address
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=from_address.domain or None)
    msg["X-Examgen-Paper"] = paper_id

    what = "面试官用卷（含参考答案、评分要点和评分表）"
    if record.interviewers:
        kind = "面试官手册" if record.mode == "oral" else "面试官用卷"
        what = (f"{len(record.interviewers)} 位面试官（{'、'.join(record.interviewers)}）"
                f"各自的{kind}和面试合议表")
    if with_sheet:
        what += "和应聘者的题目卷"
    lines = [
        "各位面试官好：",
        "",
        f"附件是下面这场面试的{what}，请在面试前查阅。",
        "",
        f"岗位：{title}",
        f"应聘者：{candidate}",
        f"面试日期：{day}",
        f"试卷编号：{paper_id}",
        f"题目数量：{record.count} 题",
    ]
    if company:
        lines.append(f"公司：{company}")
    lines += ["", "附件：", *(f"  {name}" for name, _ in files), "",
              "请注意保密：面试官用卷含参考答案，仅供面试官使用，请勿转发，"
              "也不要让应聘者看到；面试结束后请按公司规定妥善保管或销毁。",
              "", "（此邮件由 examgen 自动发送）", ""]
    msg.set_content("\n".join(lines), cte="base64")
    for name, data in files:
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    for part in msg.iter_attachments():
        part.set_param("name", part.get_filename())  # older clients read Content-Type name
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    """The message exactly as sent and as written to an .eml file."""
    return msg.as_bytes(policy=WIRE_POLICY)


# ---------------------------------------------------------------- finding and sending


def find_papers(history: History, ids: Sequence[str]) -> list[PaperRecord]:
    """Papers by id; an id that is an interview round (R-…) stands for all its papers.
    A damaged record is refused with its paper id, never guessed at."""
    out: list[PaperRecord] = []
    for raw in ids:
        pid = raw.strip()
        record = history.existing(pid)
        if record is not None:
            records = [record]
        else:
            before = len(history.skipped)
            records = history.find(round_id=pid) if pid else []
            if len(history.skipped) > before:
                raise ExamgenError(history.skipped[before] + "，这一轮不发送", history.path)
            if not records:
                history.get(pid)  # raises: not in the history
        out += [r for r in records if r.id not in {o.id for o in out}]
    return out


def already_sent(history: History, paper_id: str, keys: list[str]) -> set[str]:
    """Recipients (lower case) who got at least these attachments of the paper."""
    return {m["to"].lower() for m in history.mails(paper_id)
            if set(keys) <= set(m["attachments"])}


HOST_HINT = ("请用 --smtp-host、环境变量 EXAMGEN_SMTP_HOST 或 examgen.toml 中 [smtp] 的 host "
             "指定（或加 --dry-run 目录，只生成邮件文件）")
BUILD_HOST_HINT = ("请设置环境变量 EXAMGEN_SMTP_HOST，或在 examgen.toml 的 [smtp] 中写 host"
                   "（examgen build 没有 --smtp-host 选项）")


class _Failure(Exception):
    """Why the connection (and with it every remaining paper) failed."""


def check_settings(s: SmtpSettings, to: Sequence[str], *, dry_run: bool = False,
                   host_hint: str = HOST_HINT) -> list[str]:
    """Everything that can be checked before building or sending: the recipients, the
    sender and (unless dry_run) the server settings. Returns the checked recipients.
    `host_hint` names the ways the calling command can set the server."""
    recipients = split_recipients(to)
    parse_sender(s.envelope_sender)
    if dry_run:
        return recipients
    if not s.host:
        raise ExamgenError(f"没有设置邮件服务器：{host_hint}")
    if s.user and not s.password:
        raise ExamgenError(f"设置了登录用户 {s.user}，但没有密码：请设置环境变量 "
                           "EXAMGEN_SMTP_PASSWORD，或写在 examgen.toml 的 [smtp] password 中")
    s.security  # noqa: B018  (raises for ssl + starttls together)
    return recipients


def send_papers(records: Sequence[PaperRecord], to: Sequence[str], smtp_settings: SmtpSettings,
                *, with_sheet: bool = False, dry_run: Path | None = None, resend: bool = False,
                history: History) -> list[MailOutcome]:
    """Mail each paper's answer key (and sheet) to every recipient who does not have it yet.

    One SMTP connection for all papers. Each accepted (paper, recipient) is recorded in the
    history right away; failures are returned, one outcome per paper, never raised. Raises
    ExamgenError only for settings problems found before anything is sent (bad address,
    no sender, no server, user without password). With `dry_run`, writes DIR/PAPER-ID.eml
    instead and records nothing.
    """
    recipients = check_settings(smtp_settings, to, dry_run=dry_run is not None)
    sender = smtp_settings.envelope_sender
    keys = attachment_keys(with_sheet)
    outcomes: list[MailOutcome] = []
    jobs: list[tuple[MailOutcome, PaperRecord, list[str], bytes]] = []
    for record in records:
        outcome = MailOutcome(record.id, list(recipients))
        outcomes.append(outcome)
        have = set() if resend else already_sent(history, record.id, keys)
        outcome.skipped = [a for a in recipients if a.lower() in have]
        pending = [a for a in recipients if a.lower() not in have]
        if not pending:
            continue
        try:
            data = to_bytes(compose(record, pending, sender, with_sheet=with_sheet))
        except ExamgenError as exc:
            outcome.error = str(exc)
            continue
        jobs.append((outcome, record, pending, data))

    if dry_run is not None:
        _write_eml(jobs, Path(dry_run))
        return outcomes
    if jobs:
        _deliver(jobs, smtp_settings, parse_sender(sender).addr_spec, keys, history)
    return outcomes


def _write_eml(jobs: list[tuple[MailOutcome, PaperRecord, list[str], bytes]],
               folder: Path) -> None:
    from .atomic import write_atomically

    files = {}
    for outcome, record, _, data in jobs:
        outcome.eml = folder / f"{UNSAFE_IN_NAME.sub('_', record.id)}.eml"
        files[outcome.eml] = data
    for path in files:
        if path.exists() or path.is_symlink():
            raise ExamgenError("邮件文件已存在，不会覆盖（请换一个 --dry-run 文件夹，或先删除它）",
                               path)
    if files:
        write_atomically(files, replace=False)


def _deliver(jobs: list[tuple[MailOutcome, PaperRecord, list[str], bytes]],
             s: SmtpSettings, envelope_from: str, keys: list[str], history: History) -> None:
    try:
        conn = _connect(s)
    except _Failure as failure:
        for outcome, *_ in jobs:
            outcome.error = str(failure)
        return
    try:
        for i, (outcome, record, pending, data) in enumerate(jobs):
            try:
                refused = conn.sendmail(envelope_from, pending, data)
            except smtplib.SMTPRecipientsRefused as exc:
                outcome.failed = [(a, _recipient_reason(*exc.recipients[a], s))
                                  for a in pending if a in exc.recipients]
                continue
            except smtplib.SMTPSenderRefused as exc:
                if _too_large(exc.smtp_code, exc.smtp_error):
                    outcome.error = _size_reason(exc.smtp_code, exc.smtp_error, data, s)
                else:
                    outcome.error = (f"发件人 {envelope_from} 被邮件服务器拒绝"
                                     f"（{_reply(exc.smtp_code, exc.smtp_error, s)}）")
                continue
            except smtplib.SMTPServerDisconnected:
                reason = f"邮件服务器 {s.host} 中途断开了连接，未发送"
                for later, *_ in jobs[i:]:
                    later.error = reason
                return
            except smtplib.SMTPResponseException as exc:
                reply = _reply(exc.smtp_code, exc.smtp_error, s)
                outcome.error = (_size_reason(exc.smtp_code, exc.smtp_error, data, s)
                                 if _too_large(exc.smtp_code, exc.smtp_error)
                                 else f"邮件服务器拒收这封邮件（{reply}）")
                continue
            except (smtplib.SMTPException, OSError) as exc:
                reason = f"与邮件服务器 {s.host} 的连接出错（{_os_reason(exc)}），未发送"
                for later, *_ in jobs[i:]:
                    later.error = reason
                return
            outcome.sent = [a for a in pending if a not in refused]
            outcome.failed = [(a, _recipient_reason(*refused[a], s)) for a in pending
                              if a in refused]
            _record(history, record.id, outcome.sent, keys)
    finally:
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()


def _record(history: History, paper_id: str, recipients: list[str], keys: list[str]) -> None:
    try:
        for addr in recipients:
            history.record_mail(paper_id, addr, keys)
    except sqlite3.Error as exc:
        raise ExamgenError(f"试卷 {paper_id} 已发送给 {'、'.join(recipients)}，但无法写入历史记录"
                           f"（{exc}）；重发前请先确认", history.path) from None


def _connect(s: SmtpSettings) -> smtplib.SMTP:
    """Connected, encrypted as configured and logged in; or _Failure with the reason."""
    where = f"{s.host}:{s.effective_port}"
    security = s.security
    try:
        if security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout,
                                                  context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
    except TimeoutError:
        hint = "；465 端口通常要加 --ssl" if s.effective_port == 465 and security != "ssl" \
            else ""
        raise _Failure(f"连接邮件服务器 {where} 超时（{s.timeout:g} 秒内无响应）{hint}") from None
    except ConnectionRefusedError:
        raise _Failure(f"无法连接邮件服务器 {where}（连接被拒绝：服务器没有运行，"
                       "或主机、端口不对）") from None
    except socket.gaierror:
        raise _Failure(f"找不到邮件服务器 {s.host}（主机名无法解析，请检查拼写和网络）") from None
    except ssl.SSLCertVerificationError as exc:
        raise _Failure(f"邮件服务器 {where} 的证书验证失败（{exc.verify_message}）") from None
    except ssl.SSLError:
        raise _Failure(f"无法与邮件服务器 {where} 建立 SSL 加密连接（该端口是否支持 SSL？"
                       "587 端口一般用 --starttls）") from None
    except smtplib.SMTPException as exc:
        raise _Failure(f"邮件服务器 {where} 拒绝了连接（{_exc_reply(exc, s)}）") from None
    except OSError as exc:
        raise _Failure(f"无法连接邮件服务器 {where}（{_os_reason(exc)}）") from None
    stage = "connect"
    try:
        if security == "starttls":
            stage = "starttls"
            conn.ehlo()
            conn.starttls(context=ssl.create_default_context())
            conn.ehlo()
        if s.user:
            stage = "login"
            conn.login(s.user, s.password)
        return conn
    except smtplib.SMTPAuthenticationError as exc:
        reason = (f"邮件服务器拒绝登录：用户名或密码不对（用户 {s.user}；"
                  f"{_reply(exc.smtp_code, exc.smtp_error, s)}）")
    except smtplib.SMTPNotSupportedError:
        reason = (f"邮件服务器 {where} 不支持 STARTTLS 加密" if stage == "starttls"
                  else f"邮件服务器 {where} 不支持登录（AUTH）；是否需要 --starttls 或 --ssl？")
    except ssl.SSLCertVerificationError as exc:
        reason = f"邮件服务器 {where} 的证书验证失败（{exc.verify_message}）"
    except ssl.SSLError:
        reason = f"与邮件服务器 {where} 建立 STARTTLS 加密失败"
    except smtplib.SMTPServerDisconnected:
        reason = f"邮件服务器 {where} 断开了连接"
    except smtplib.SMTPResponseException as exc:
        reason = f"邮件服务器 {where} 拒绝（{_reply(exc.smtp_code, exc.smtp_error, s)}）"
    except smtplib.SMTPException as exc:
        reason = f"无法登录邮件服务器 {where}（{_scrub(str(exc), s)}）"
    except TimeoutError:
        reason = f"邮件服务器 {where} 响应超时（{s.timeout:g} 秒）"
    except OSError as exc:
        reason = f"与邮件服务器 {where} 的连接出错（{_os_reason(exc)}）"
    conn.close()
    raise _Failure(reason)


def _reply(code: int, text: bytes | str, s: SmtpSettings) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = " ".join(str(text).split())
    return _scrub(f"{code} {text}".strip(), s)


def _exc_reply(exc: smtplib.SMTPException, s: SmtpSettings) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc.smtp_code, exc.smtp_error, s)
    return _scrub(" ".join(str(exc).split()), s)


def _too_large(code: int, text: bytes | str) -> bool:
    """552 (exceeded storage allocation) or a 452/552 that says the message is too big."""
    words = (text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)).lower()
    return code == 552 or (code in (452, 552, 554) and "size" in words)


def _size_reason(code: int, text: bytes | str, data: bytes, s: SmtpSettings) -> str:
    return (f"邮件太大，邮件服务器拒收（这封邮件约 {len(data) // 1024} KB；"
            f"{_reply(code, text, s)}）；不加 --with-sheet 可以小一些，或请管理员放宽大小限制")


def _recipient_reason(code: int, text: bytes | str, s: SmtpSettings) -> str:
    return f"被邮件服务器拒收（{_reply(code, text, s)}）"


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return " ".join(str(exc).split()) or type(exc).__name__


def _scrub(text: str, s: SmtpSettings) -> str:
    """Whatever a server answers, the password never reaches the screen."""
    return text.replace(s.password, "***") if s.password else text
