"""examgen.toml: the company name for the papers and the mail server for answer keys.

Looked for in the current folder, else in the user's config folder. For every SMTP setting
a command-line option beats the environment (EXAMGEN_SMTP_*), which beats the file, which
beats the defaults. The password comes only from EXAMGEN_SMTP_PASSWORD or the file: it is
never a command-line option, never part of a repr, an error message or a mail.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import ExamgenError

CONFIG_NAME = "examgen.toml"
ENV_PREFIX = "EXAMGEN_SMTP_"
DEFAULT_TIMEOUT = 15.0

# key in [smtp] → (attribute, expected type)
SMTP_KEYS: dict[str, tuple[str, type]] = {
    "host": ("host", str), "port": ("port", int), "from": ("sender", str),
    "user": ("user", str), "password": ("password", str), "starttls": ("starttls", bool),
    "ssl": ("ssl", bool),
}
TOP_KEYS = {"company": str, "interviewers": list, "smtp": dict}
TYPE_NAMES = {str: "文字（加引号）", int: "整数", bool: "true 或 false", dict: "表 [smtp]",
              list: "名单，例如 [\"王敏\", \"李强\"]"}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send mail. `starttls` / `ssl` left as None mean "decide by port":
    465 → SSL, 587 → STARTTLS, anything else → plain."""

    host: str = ""
    port: int | None = None
    sender: str = ""  # `from` in examgen.toml; may be `名字 <addr@example.com>`
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool | None = None
    ssl: bool | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def security(self) -> str:
        """"ssl", "starttls" or "plain"."""
        if self.ssl and self.starttls:
            raise ExamgenError("不能同时使用 SSL 和 STARTTLS，请只选一种（--ssl 或 --starttls）")
        if self.ssl:
            return "ssl"
        if self.starttls:
            return "starttls"
        if self.ssl is None and self.starttls is None:
            return {465: "ssl", 587: "starttls"}.get(self.port or 0, "plain")
        return "plain"

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return {"ssl": 465, "starttls": 587}.get(self.security, 25)

    @property
    def envelope_sender(self) -> str:
        """The From address, falling back to the login user when that is an address."""
        if self.sender:
            return self.sender
        return self.user if "@" in self.user else ""

    def override(self, *, host: str | None = None, port: int | None = None,
                 sender: str | None = None, user: str | None = None,
                 starttls: bool | None = None, ssl: bool | None = None,
                 timeout: float | None = None) -> SmtpSettings:
        """Command-line options on top (None / empty = not given). `--starttls` turns SSL
        off and `--ssl` turns STARTTLS off, whatever the file said."""
        changes: dict[str, Any] = {k: v for k, v in {
            "host": host, "port": port, "sender": sender, "user": user,
            "timeout": timeout}.items() if v not in (None, "")}
        if starttls and ssl:
            raise ExamgenError("--starttls 和 --ssl 只能选一个")
        if starttls:
            changes.update(starttls=True, ssl=False)
        elif ssl:
            changes.update(ssl=True, starttls=False)
        return replace(self, **changes)

    def describe(self) -> str:
        """For messages: host:port and the encryption, never the password."""
        names = {"ssl": "SSL", "starttls": "STARTTLS", "plain": "不加密"}
        login = f"，登录用户 {self.user}" if self.user else ""
        return f"{self.host}:{self.effective_port}（{names[self.security]}{login}）"

    def warnings(self) -> list[str]:
        out = []
        if self.user and self.security == "plain" and self.host not in (
                "localhost", "127.0.0.1", "::1"):
            out.append("连接不加密，密码会以明文传到邮件服务器；建议加 --starttls 或 --ssl")
        return out


@dataclass(frozen=True)
class Config:
    company: str = ""
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    interviewers: tuple[str, ...] = ()  # the usual panel: one booklet each
    path: Path | None = None  # the examgen.toml that was read, if any
    warnings: tuple[str, ...] = ()


def config_paths(cwd: Path | None = None) -> list[Path]:
    """Where examgen.toml is looked for, first match wins."""
    from platformdirs import user_config_dir

    return [(cwd or Path.cwd()) / CONFIG_NAME,
            Path(user_config_dir("examgen", appauthor=False)) / CONFIG_NAME]


def find_config(cwd: Path | None = None) -> Path | None:
    """The first examgen.toml that exists; one we may not look at is an error, not skipped
    (the papers would otherwise print without the company name, silently)."""
    for path in config_paths(cwd):
        try:
            if path.is_file():
                return path
        except OSError as exc:
            raise ExamgenError(f"无法读取配置文件所在的文件夹（{exc.strerror}）；请检查它的权限",
                               path) from None
    return None


def load_config(cwd: Path | None = None) -> Config:
    """examgen.toml (current folder, else the user's config folder) with EXAMGEN_SMTP_*
    on top. Command-line options go on top of that with `config.smtp.override(...)`."""
    path = find_config(cwd)
    company, smtp, warnings, panel = "", SmtpSettings(), [], ()
    if path is not None:
        company, smtp, panel = _read_file(path)
        if smtp.password and _readable_by_others(path):
            warnings.append(f"{path} 中写有邮箱密码，但其他用户也能读取此文件；"
                            f"建议执行 chmod 600 {path}")
    return Config(company=company, smtp=_apply_env(smtp), path=path,
                  warnings=tuple(warnings), interviewers=panel)


def _read_file(path: Path) -> tuple[str, SmtpSettings, tuple[str, ...]]:
    from .limits import check_file_size

    check_file_size(path, 1024 * 1024, "配置文件")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ExamgenError(f"无法读取配置文件：{exc.strerror}", path) from None
    except UnicodeDecodeError:
        raise ExamgenError("配置文件不是 UTF-8 编码", path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "TOML 语法错误"
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(found.group(1)) if found else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if found:
            message += f"（第 {found.group(1)} 行第 {found.group(2)} 列）"
        raise ExamgenError(f"配置文件格式不对（TOML）：{message}", path, line) from None

    unknown = sorted(set(data) - set(TOP_KEYS))
    section = data.get("smtp", {})
    if isinstance(section, dict):
        unknown += [f"smtp.{k}" for k in sorted(set(section) - set(SMTP_KEYS))]
    if unknown:
        allowed = ", ".join([*TOP_KEYS, *(f"smtp.{k}" for k in SMTP_KEYS)])
        raise ExamgenError(f"配置文件中有不认识的设置：{', '.join(unknown)}"
                           f"（可用的设置：{allowed}）", path)
    for key, kind in TOP_KEYS.items():
        _check_type(path, key, data.get(key), kind)
    values: dict[str, Any] = {}
    for key, (attr, kind) in SMTP_KEYS.items():
        value = section.get(key)
        _check_type(path, f"smtp.{key}", value, kind)
        if value is not None:
            values[attr] = value.strip() if isinstance(value, str) and key != "password" \
                else value
    if "port" in values:
        values["port"] = _check_port(values["port"], f"{path}: smtp.port")
    if values.get("ssl") and values.get("starttls"):
        raise ExamgenError("smtp.ssl 和 smtp.starttls 不能同时为 true，请只留一个", path)
    names = data.get("interviewers", [])
    if not all(isinstance(n, str) and n.strip() for n in names):
        raise ExamgenError("设置 interviewers 应为面试官姓名的名单，例如 [\"王敏\", \"李强\"]",
                           path)
    from .limits import MAX_NAME_CHARS, MAX_OPTION_CHARS, check_text
    from .paper import parse_interviewers

    for name in names:
        check_text(name.strip(), "设置 interviewers 中的面试官姓名", MAX_NAME_CHARS, file=path)
    panel = parse_interviewers("、".join(n.strip() for n in names), path)
    company = check_text(data.get("company", "").strip(), "设置 company（公司名称）",
                         MAX_OPTION_CHARS, file=path)
    return company, SmtpSettings(**values), panel


def _check_type(path: Path, key: str, value: Any, kind: type) -> None:
    # bool is an int in Python; a port of `true` is still wrong
    if value is None or (isinstance(value, kind) and not (kind is int and
                                                          isinstance(value, bool))):
        return
    raise ExamgenError(f"设置 {key} 应为{TYPE_NAMES[kind]}", path)


def _check_port(value: Any, where: str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise ExamgenError(f"{where} 应为 1 到 65535 之间的端口号，现在是 '{value}'")
    return port


def _apply_env(smtp: SmtpSettings) -> SmtpSettings:
    env = {name: os.environ.get(ENV_PREFIX + name.upper(), "")
           for name in ("host", "port", "user", "password", "from")}
    changes: dict[str, Any] = {}
    for name, attr in (("host", "host"), ("user", "user"), ("from", "sender")):
        if env[name].strip():
            changes[attr] = env[name].strip()
    if env["port"].strip():
        changes["port"] = _check_port(env["port"], f"环境变量 {ENV_PREFIX}PORT")
    if env["password"]:
        changes["password"] = env["password"]
    return replace(smtp, **changes)


def _readable_by_others(path: Path) -> bool:
    if os.name != "posix":
        return False
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False
