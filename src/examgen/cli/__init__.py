"""The examgen command line: parses options, calls the library, prints the result.

One module per group of commands; this one holds the group and what they share."""

from __future__ import annotations

import functools
import json
import sys
from datetime import date as Date
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..bank import ROLES_FILE, Bank, load_bank
from ..errors import BankErrors, ExamgenError
from ..resources import default_bank_dir


def handle_errors(func):
    """Every user error ends here: one line in Chinese, exit status 1, no traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BankErrors as exc:
            first = exc.errors[0]
            more = f"（共 {len(exc.errors)} 处错误，运行 examgen validate 查看全部）" \
                if len(exc.errors) > 1 else ""
            click.echo(f"错误：{first}{more}", err=True)
            sys.exit(1)
        except ExamgenError as exc:
            click.echo(f"错误：{exc}", err=True)
            sys.exit(1)

    return wrapper


def bank_option(func):
    return click.option(
        "--bank", "bank_dir", type=click.Path(path_type=Path), default=None,
        help="题库文件夹（含 roles.yaml）。默认：当前文件夹下的 questions/（若有），"
             "否则用 examgen 自带的题库。")(func)


def history_option(func):
    return click.option(
        "--history", "history_path", type=click.Path(path_type=Path), default=None,
        help="历史记录数据库文件（SQLite）。默认在用户数据文件夹中，"
             "也可用环境变量 EXAMGEN_HISTORY 指定。")(func)


def resolve_bank_dir(bank_dir: Path | None) -> Path:
    if bank_dir is not None:
        return bank_dir
    local = Path("questions")
    return local if (local / ROLES_FILE).is_file() else default_bank_dir()


def open_bank(bank_dir: Path | None) -> Bank:
    return load_bank(resolve_bank_dir(bank_dir))


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="examgen")
def main() -> None:
    """examgen：按岗位抽题，生成题目卷（给应聘者）与面试官用卷（答案与评分表）PDF。

    \b
    Example: examgen build --role director --count 20
    """




def parse_date(day: str | None) -> str:
    """A YYYY-MM-DD option (today when omitted), checked."""
    if day is None:
        return Date.today().isoformat()
    try:
        return Date.fromisoformat(day.strip()).isoformat()
    except ValueError:
        raise ExamgenError(f"日期 '{day}' 格式不对，应为 YYYY-MM-DD，例如 2026-12-01") from None


# The commands register themselves on `main` when their modules are imported.
from . import (  # noqa: E402,F401
    bank_commands,
    build_command,
    history_commands,
    import_command,
    mail_command,
    report_command,
    scan_command,
    scores_command,
    stats_command,
)
