"""`examgen stats`: question statistics and interviewer agreement over the whole history."""

from __future__ import annotations

from pathlib import Path

import click

from ..history import History
from . import emit_json, handle_errors, history_option, main

LABELS = {"mean": "平均", "sd": "标准差", "item_rest": "与其余题相关", "alpha": "alpha"}


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@main.command()
@click.option("--role", default=None, help="只统计这个岗位的试卷。")
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出，供脚本使用。")
@handle_errors
def stats(role: str | None, history_path: Path | None, as_json: bool) -> None:
    """题目统计：每道题出过几次、评过几次、平均分、标准差、与其余题目的相关，
    以及每个维度上面试官之间的一致性（Krippendorff's alpha）。

    \b
    与其余题目相关很低（或为负）的题，可能考的不是同一种能力，值得改写；
    alpha 越接近 1，面试官的评分越一致（一般认为 0.667 以下偏低）。
    数据不够算某项时显示“—”并说明原因，不会编造数字。

    \b
    Example: examgen stats --role director
    """
    from ..errors import ExamgenError
    from ..rated import BankCache, paper_info
    from ..readings import readings
    from ..stats import statistics_of

    with History(history_path) as history:
        records = history.find(role=role)
        banks = BankCache()
        papers, notes = [], []
        for record in records:
            try:
                papers.append(paper_info(record, banks))
            except ExamgenError as exc:
                notes.append(f"跳过试卷 {record.id}：{exc}")
        notes += history.skipped  # damaged records, left out
        result = statistics_of(papers, readings(history, [p.id for p in papers]),
                               tuple(notes))
    if as_json:
        emit_json(result.to_json())
        return
    if not records:
        click.echo(f"没有符合条件的试卷（历史记录：{history.path}）")
        return
    click.echo(f"共 {len(papers)} 份试卷，其中 {result.papers} 份已有评分。")
    click.echo("题目（出题次数 / 评分试卷数 / 平均 / 标准差 / 与其余题相关）：")
    for q in result.questions:
        if q.rated == 0:
            continue
        why = "；".join(f"{LABELS.get(k, k)}：{v}" for k, v in q.notes.items())
        click.echo(f"  {q.id}  {q.asked} / {q.rated} / {_num(q.mean)} / {_num(q.sd)} / "
                   f"{_num(q.item_rest)}" + (f"  （{why}）" if why else ""))
    if result.never_rated:
        click.echo(f"从未评分的题目（{len(result.never_rated)} 道）：" + "、".join(
            result.never_rated))
    click.echo("各维度面试官一致性（Krippendorff's alpha，有序）：")
    for d in result.dimensions:
        why = d.notes.get("alpha", "")
        click.echo(f"  {d.title}：{_num(d.alpha, 3)}" + (f"（{why}）" if why else
                                                       f"（{d.units} 道题次）"))
    for note in result.notes:
        click.echo(f"注意：{note}")
