"""The examgen command line: parses options, calls the library, prints the result."""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter
from datetime import date as Date
from pathlib import Path
from typing import Any

import click

from . import __version__
from .bank import ROLES_FILE, Bank, load_bank
from .errors import BankErrors, ExamgenError
from .resources import default_bank_dir


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
    """examgen：按岗位从题库抽题，生成面试题目卷（给应聘者）和面试官用卷（含参考答案与评分表）的 PDF。

    Example: examgen build --role director --count 20
    """


@main.command()
@click.option("--role", required=True, help="岗位编号，例如 director、subscription-manager（用 examgen roles 查看）。")
@click.option("--count", type=click.IntRange(min=1), default=20, show_default=True,
              help="题目数量。")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="抽题种子：同一种子、同一题库得到同一份试卷。不填则随机选一个并印在卷上。")
@click.option("--out", type=click.Path(path_type=Path), default=Path("papers"),
              show_default=True, help="PDF 输出文件夹。")
@bank_option
@click.option("--candidate", default="", help="应聘者姓名，印在两份卷上。")
@click.option("--date", "day", default=None, help="面试日期，格式 YYYY-MM-DD，默认今天。")
@click.option("--company", default="", help="公司名称，印在卷首。")
@click.option("--force", is_flag=True, help="覆盖已存在的同名试卷。")
@click.option("--allow-shortfall", is_flag=True,
              help="某维度题目不够时，从其他维度补足（并给出提示），而不是报错。")
@click.option("--html", "keep_html", is_flag=True,
              help="同时保存渲染用的 HTML（可在浏览器中打开检查模板）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def build(role: str, count: int, seed: int | None, out: Path, bank_dir: Path | None,
          candidate: str, day: str | None, company: str, force: bool, allow_shortfall: bool,
          keep_html: bool, as_json: bool) -> None:
    """抽题并生成一份试卷：题目卷和面试官用卷两个 PDF。

    Example: examgen build --role director --count 20 --candidate 张三 --date 2026-12-01
    """
    from .build import new_paper, render_papers
    from .fonts import warn_if_slow_subsetting
    from .paper import new_seed
    from .pdf import Renderer

    day = parse_date(day)
    with Renderer() as renderer:  # workers warm up while the bank loads
        bank = open_bank(bank_dir)
        chosen_seed = seed if seed is not None else new_seed()
        paper = new_paper(bank, role, count, chosen_seed, candidate=candidate.strip(),
                          day=day, company=company.strip(), allow_shortfall=allow_shortfall)
        warn_if_slow_subsetting()
        [built] = render_papers([paper], out, force=force, keep_html=keep_html,
                                renderer=renderer)
    for warning in built.warnings:
        click.echo(f"警告：{warning}", err=True)
    if as_json:
        emit_json({"papers": [paper_json(built.paper, built.files)]})
        return
    if seed is None:
        click.echo(f"未指定 --seed，本次随机种子为 {chosen_seed}（已印在卷上，可用它重出同一份试卷）")
    for note in paper.notes:
        click.echo(f"提示：{note}")
    click.echo(f"已生成试卷 {paper.id}（{paper.role.title}，{len(paper.questions)} 题，"
               f"共 {paper.total_points} 分，种子 {paper.seed}）")
    labels = {"questions": "题目卷", "answer_key": "面试官用卷",
              "questions_html": "题目卷 HTML", "answer_key_html": "面试官用卷 HTML"}
    for key, path in built.files.items():
        click.echo(f"  {labels[key]}：{path}")


def parse_date(day: str | None) -> str:
    if day is None:
        return Date.today().isoformat()
    try:
        return Date.fromisoformat(day.strip()).isoformat()
    except ValueError:
        raise ExamgenError(f"日期 '{day}' 格式不对，应为 YYYY-MM-DD，例如 2026-12-01") from None


def paper_json(paper, files: dict[str, Path]) -> dict[str, Any]:
    return {
        "id": paper.id,
        "role": paper.role.id,
        "seed": paper.seed,
        "candidate": paper.candidate,
        "date": paper.date,
        "questions": [{"id": q.id, "dimension": q.dimension, "difficulty": q.difficulty,
                       "text": q.question} for q in paper.questions],
        "notes": list(paper.notes),
        "files": {key: str(path) for key, path in files.items()},
    }


@main.command()
@bank_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
@handle_errors
def validate(bank_dir: Path | None, as_json: bool) -> None:
    """检查题库的每个文件：字段、格式、编号、字体能否显示每个字。有错误时逐条列出并以 1 退出。

    Example: examgen validate --bank questions
    """
    from .fonts import find_unprintable

    root = resolve_bank_dir(bank_dir)
    errors: list[str] = []
    bank = None
    try:
        bank = load_bank(root)
    except BankErrors as exc:
        errors = [str(e) for e in exc.errors]
    if bank is not None:
        texts = [(f"{q.file}:{q.line} {q.id}", name, text)
                 for q in bank.questions for name, text in q.texts().items()]
        texts += [(f"{root / ROLES_FILE} {r.id}", "title", r.title) for r in bank.roles.values()]
        errors += [p.message() for p in find_unprintable(texts)]
    warnings = list(bank.warnings) if bank else []
    if as_json:
        emit_json({"bank": str(root), "ok": not errors, "errors": errors, "warnings": warnings,
                   "questions": len(bank.questions) if bank else None})
    else:
        for line in errors:
            click.echo(line, err=True)
        for line in warnings:
            click.echo(f"提示：{line}", err=True)
        if not errors and bank is not None:
            click.echo(f"题库无误：{root}，{len(bank.roles)} 个岗位，{len(bank.questions)} 道题。")
        else:
            click.echo(f"题库有 {len(errors)} 处错误：{root}", err=True)
    if errors:
        sys.exit(1)


@main.command()
@bank_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@handle_errors
def roles(bank_dir: Path | None, as_json: bool) -> None:
    """列出题库中的岗位、名称，以及每个维度有多少道题。

    Example: examgen roles --json
    """
    bank = open_bank(bank_dir)
    rows = []
    for role in bank.roles.values():
        counts = Counter(q.dimension for q in bank.for_role(role.id))
        rows.append({"id": role.id, "title": role.title, "mix": dict(role.mix),
                     "difficulty": dict(role.difficulty),
                     "questions": {d: counts.get(d, 0) for d in bank.dimensions}})
    if as_json:
        emit_json({"roles": rows})
        return
    for row in rows:
        total = sum(row["questions"].values())
        click.echo(f"{row['id']}  {row['title']}  共 {total} 题")
        for dim, title in bank.dimensions.items():
            weight = row["mix"].get(dim, 0)
            click.echo(f"    {title}：{row['questions'][dim]} 题（出题权重 {weight}）")


if __name__ == "__main__":
    main()
