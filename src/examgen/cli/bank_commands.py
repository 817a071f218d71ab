"""`examgen validate` and `examgen roles`: look at a bank."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from ..bank import ROLES_FILE, load_bank
from ..errors import BankErrors
from . import bank_option, emit_json, handle_errors, main, open_bank, resolve_bank_dir


@main.command()
@bank_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查结果。")
@handle_errors
def validate(bank_dir: Path | None, as_json: bool) -> None:
    """检查题库的每个文件：字段、格式、编号、字体能否显示每个字。有错误时逐条列出并以 1 退出。

    \b
    Example: examgen validate --bank questions
    """
    from ..fonts import find_unprintable

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
    """列出题库中的岗位、名称，以及每个维度有多少道题（问答题与笔试选择题）。

    \b
    Example: examgen roles --json
    """
    bank = open_bank(bank_dir)
    rows = []
    for role in bank.roles.values():
        counts = Counter(q.dimension for q in bank.for_role(role.id))
        choices = Counter(q.dimension for q in bank.for_role(role.id, "choice"))
        rows.append({"id": role.id, "title": role.title, "mix": dict(role.mix),
                     "difficulty": dict(role.difficulty),
                     "questions": {d: counts.get(d, 0) for d in bank.dimensions},
                     "choice": {d: choices.get(d, 0) for d in bank.dimensions},
                     "written": ({"choice": role.written.choice, "open": role.written.open}
                                 if role.written else None)})
    if as_json:
        emit_json({"roles": rows})
        return
    for row in rows:
        total = sum(row["questions"].values())
        choice = sum(row["choice"].values())
        extra = f"，另有选择题 {choice} 道" if choice else ""
        click.echo(f"{row['id']}  {row['title']}  共 {total} 题{extra}")
        for dim, title in bank.dimensions.items():
            weight = row["mix"].get(dim, 0)
            picks = f"、选择题 {row['choice'][dim]} 道" if choice else ""
            click.echo(f"    {title}：{row['questions'][dim]} 题{picks}（出题权重 {weight}）")
        if row["written"]:
            click.echo(f"    笔试默认：选择题 {row['written']['choice']} 道、"
                       f"问答题 {row['written']['open']} 道")
