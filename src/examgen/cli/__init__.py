"""The examgen command line: parses options, calls the library, prints the result.

One module per group of commands; this one holds the group and what they share."""

from __future__ import annotations

import contextlib
import functools
import json
import signal
import sys
import threading
from collections.abc import Iterator
from datetime import date as Date
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..bank import ROLES_FILE, Bank, load_bank
from ..errors import BankErrors, ExamgenError
from ..resources import default_bank_dir


class Stopped(BaseException):
    """SIGTERM or SIGHUP (the terminal closed): unwinds like Ctrl-C, so every `with` and
    `finally` on the way out removes its temporary files and rolls its transaction back."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """While a command runs, SIGTERM and SIGHUP raise Stopped (then the old handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise Stopped(signum)

    old = {sig: signal.signal(sig, stop) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _stopped(signum: int) -> None:
    name = signal.Signals(signum).name
    click.echo(f"已中止（收到 {name}）：未完成的文件没有写入，临时文件已删除", err=True)
    sys.exit(128 + signum)


def handle_errors(func):
    """Every user error ends here: one line in Chinese, exit status 1, no traceback.
    Ctrl-C, SIGTERM and SIGHUP stop the command cleanly (exit 130, 143, 129)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _signals_stop():
                return func(*args, **kwargs)
        except Stopped as exc:
            _stopped(exc.signum)
        except KeyboardInterrupt:
            _stopped(signal.SIGINT)
        except BankErrors as exc:
            first = exc.errors[0]
            more = f"（共 {len(exc.errors)} 处错误，运行 examgen validate 查看全部）" \
                if len(exc.errors) > 1 else ""
            click.echo(f"错误：{first}{more}", err=True)
            sys.exit(1)
        except ExamgenError as exc:
            click.echo(f"错误：{exc}", err=True)
            sys.exit(1)
        except OSError as exc:  # the file system said no somewhere we did not expect
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"错误：{where}{exc.strerror or exc}", err=True)
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
