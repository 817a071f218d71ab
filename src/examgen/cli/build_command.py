"""`examgen build`: sample a paper and print its sheet and key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import (
    bank_option,
    emit_json,
    handle_errors,
    history_option,
    main,
    open_bank,
    parse_date,
)


@main.command()
@click.option("--role", required=True,
              help="岗位编号，例如 director、subscription-manager（用 examgen roles 查看）。")
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
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def build(role: str, count: int, seed: int | None, out: Path, bank_dir: Path | None,
          candidate: str, day: str | None, company: str, force: bool, allow_shortfall: bool,
          keep_html: bool, history_path: Path | None, as_json: bool) -> None:
    """抽题并生成一份试卷：题目卷和面试官用卷两个 PDF。

    Example: examgen build --role director --count 20 --candidate 张三 --date 2026-12-01
    """
    from ..build import new_paper, paper_record, render_papers, save_papers
    from ..fonts import warn_if_slow_subsetting
    from ..history import History
    from ..paper import new_seed
    from ..pdf import Renderer

    day = parse_date(day)
    candidate = candidate.strip()
    with Renderer() as renderer, History(history_path) as history:
        bank = open_bank(bank_dir)
        bank.role(role)
        chosen_seed = seed if seed is not None else new_seed()
        seen = history.seen_by(candidate)
        paper = new_paper(bank, role, count, chosen_seed, candidate=candidate,
                          day=day, company=company.strip(), allow_shortfall=allow_shortfall,
                          penalty=dict.fromkeys(seen, 1))
        warn_if_slow_subsetting()
        [built] = render_papers([paper], out, force=force, keep_html=keep_html,
                                renderer=renderer)
        save_papers([built], history, [paper_record(built, bank,
                                                     allow_shortfall=allow_shortfall)])
    repeats = [q.id for q in paper.questions if q.id in seen]
    for warning in built.warnings:
        click.echo(f"警告：{warning}", err=True)
    if as_json:
        data = paper_json(built.paper, built.files)
        data["repeated_questions"] = repeats
        emit_json({"papers": [data]})
        return
    if seed is None:
        click.echo(f"未指定 --seed，本次随机种子为 {chosen_seed}"
                   "（已印在卷上，可用它重出同一份试卷）")
    for note in paper.notes:
        click.echo(f"提示：{note}")
    if seen:
        click.echo(f"{candidate} 此前做过 {len(seen)} 道题，本卷已避开"
                   + (f"，但题库不够，仍有 {len(repeats)} 题重复：{'、'.join(repeats)}"
                      if repeats else "全部"))
    click.echo(f"已生成试卷 {paper.id}（{paper.role.title}，{len(paper.questions)} 题，"
               f"共 {paper.total_points} 分，种子 {paper.seed}）")
    labels = {"questions": "题目卷", "answer_key": "面试官用卷",
              "questions_html": "题目卷 HTML", "answer_key_html": "面试官用卷 HTML"}
    for key, path in built.files.items():
        click.echo(f"  {labels[key]}：{path}")


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
