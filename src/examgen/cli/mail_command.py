"""`examgen mail`: send answer keys to the interviewers (and what `build --mail-to` shares)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import emit_json, handle_errors, history_option, main

SMTP_HELP = """\b
邮件服务器设置的来源（优先级从高到低）：
  1. 命令行选项：--smtp-host、--smtp-port、--from、--user、--starttls / --ssl
  2. 环境变量：EXAMGEN_SMTP_HOST、EXAMGEN_SMTP_PORT、EXAMGEN_SMTP_USER、
     EXAMGEN_SMTP_PASSWORD、EXAMGEN_SMTP_FROM
  3. 配置文件 examgen.toml（先找当前文件夹，再找用户配置文件夹）中的 [smtp] 部分
密码只能来自环境变量 EXAMGEN_SMTP_PASSWORD 或配置文件，不能写在命令行上，
也不会显示在屏幕或邮件里。端口默认 25；加 --starttls 默认 587，加 --ssl 默认 465；
端口为 465 时自动用 SSL，为 587 时自动用 STARTTLS。"""


def smtp_options(func):
    """--smtp-host, --smtp-port, --from, --user, --starttls, --ssl (no password option)."""
    options = [
        click.option("--smtp-host", default=None,
                     help="邮件服务器地址，例如 smtp.example.com。"),
        click.option("--smtp-port", type=click.IntRange(1, 65535), default=None,
                     help="邮件服务器端口（默认 25；--starttls 时 587，--ssl 时 465）。"),
        click.option("--from", "sender", default=None,
                     help="发件人，例如 hr@example.com 或 \"人事部 <hr@example.com>\"。"),
        click.option("--user", "smtp_user", default=None,
                     help="登录邮件服务器的用户名；密码请放在环境变量 EXAMGEN_SMTP_PASSWORD "
                          "或 examgen.toml 中。"),
        click.option("--starttls", is_flag=True, default=False,
                     help="连接后用 STARTTLS 加密（常见于 587 端口）。"),
        click.option("--ssl", "use_ssl", is_flag=True, default=False,
                     help="一开始就用 SSL 加密连接（常见于 465 端口）。"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def smtp_settings_from_options(smtp_host: str | None = None, smtp_port: int | None = None,
                               sender: str | None = None, smtp_user: str | None = None,
                               starttls: bool = False, use_ssl: bool = False):
    """examgen.toml + environment + these options; prints the config's warnings."""
    from ..config import load_config

    config = load_config()
    settings = config.smtp.override(host=smtp_host, port=smtp_port, sender=sender,
                                    user=smtp_user, starttls=starttls, ssl=use_ssl)
    for warning in (*config.warnings, *settings.warnings()):
        click.echo(f"警告：{warning}", err=True)
    return settings


def echo_outcomes(outcomes) -> bool:
    """One line per paper (failures on stderr); True when every paper went out."""
    for outcome in outcomes:
        click.echo(outcome.describe(), err=not outcome.ok)
    return all(o.ok for o in outcomes)


@main.command("mail", epilog=SMTP_HELP)
@click.argument("paper_ids", nargs=-1, required=True)
@click.option("--to", "recipients", multiple=True, required=True,
              help="面试官的邮箱；有几位面试官就写几次 --to。")
@click.option("--with-sheet", is_flag=True, help="同时附上应聘者的题目卷。")
@click.option("--dry-run", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="不发送，只把每封邮件存成 .eml 文件放进这个文件夹，供发送前检查"
                   "（双击可用邮件程序打开）。")
@click.option("--resend", is_flag=True,
              help="重新发送已经发过的试卷（默认只发还没发过的）。")
@smtp_options
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def mail(paper_ids: tuple[str, ...], recipients: tuple[str, ...], with_sheet: bool,
         dry_run: Path | None, resend: bool, smtp_host: str | None, smtp_port: int | None,
         sender: str | None, smtp_user: str | None, starttls: bool, use_ssl: bool,
         history_path: Path | None, as_json: bool) -> None:
    """把面试官用卷（含参考答案和评分表）作为 PDF 附件发到面试官的邮箱。

    \b
    PAPER_IDS 是试卷编号（生成试卷时显示的编号，如 D-20261201-ABC123），可以写多个；
    写一轮面试的编号（R-…）则发送这一轮的全部试卷。每份试卷发一封邮件，
    标题和正文写明岗位、应聘者、面试日期和试卷编号。

    \b
    已经发给某位面试官的试卷不会重复发送（除非加 --resend），所以发送失败后
    直接再运行一次同样的命令即可。有任何试卷没发出去时，以状态 1 结束。
    先加 --dry-run 文件夹 可以只生成邮件文件（.eml）检查，不发送。

    \b
    Example: examgen mail D-20261201-ABC123 --to interviewer@example.com
    """
    from ..history import History
    from ..mail import find_papers, send_papers

    settings = smtp_settings_from_options(smtp_host, smtp_port, sender, smtp_user,
                                          starttls, use_ssl)
    with History(history_path) as history:
        records = find_papers(history, paper_ids)
        outcomes = send_papers(records, list(recipients), settings, with_sheet=with_sheet,
                               dry_run=dry_run, resend=resend, history=history)
    if as_json:
        emit_json({"mails": [o.to_json() for o in outcomes],
                   "dry_run": str(dry_run) if dry_run is not None else None})
        ok = all(o.ok for o in outcomes)
    else:
        ok = echo_outcomes(outcomes)
    if not ok:
        sys.exit(1)
