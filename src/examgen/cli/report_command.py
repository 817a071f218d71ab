"""`examgen scores template|import` and `examgen report`: typed ratings in, decisions out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..history import History
from . import emit_json, handle_errors, history_option, main
from .scores_command import scores


@scores.command("template")
@click.argument("ids", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="要生成的评分表：ratings.xlsx（Excel）或 ratings.csv。")
@click.option("--interviewers", type=click.IntRange(1, 20), default=2, show_default=True,
              help="出卷时没有记录面试官的试卷，按这么多位面试官各留一行。")
@click.option("--force", is_flag=True, help="覆盖已存在的同名文件。")
@history_option
@handle_errors
def template(ids: tuple[str, ...], output: Path, interviewers: int, force: bool,
             history_path: Path | None) -> None:
    """生成评分录入表（没有扫描仪时手工录入评分用）。

    \b
    IDS 是一轮面试的编号（R-…）或若干试卷编号。每份试卷的每位面试官占一行，
    每道题一列（按卷上的题号），最后一列是推荐意见（强烈推荐/推荐/待定/不推荐）。
    评分填 1–5；空着表示还没录入（导入时不记录）；填“未评”表示面试官没有评这道题。
    已经记录的评分会预先填好。填好后用 examgen scores import 导入。

    \b
    Example: examgen scores template R-D-20261201-ABC123 -o ratings.xlsx
    """
    from ..atomic import check_free, write_atomically
    from ..rated import find_records
    from ..typed import template_bytes, template_rows

    check_free([output], force)
    with History(history_path) as history:
        records = find_records(history, ids)
        rows = template_rows(history, records, interviewers)
    write_atomically({output: template_bytes(rows, output)}, replace=force)
    click.echo(f"已生成评分表 {output}：{len(records)} 份试卷，{len(rows) - 1} 行。")
    click.echo(f"填好后运行：examgen scores import {output}")


@scores.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="表中的评分与已记录的不同时，以表格为准（默认保留已记录的并报错）。")
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def import_(file: Path, replace: bool, history_path: Path | None, as_json: bool) -> None:
    """导入填好的评分表（.xlsx 或 .csv），记入历史记录（来源记为“手工录入”）。

    \b
    有问题的行（评分不在 1–5、试卷或题号不存在、与已记录的评分矛盾）每行报一条错误，
    这一行的内容一概不记录，其余行照常记录，最后以状态 1 结束。改好后再导入一次即可：
    已记录的相同评分不会重复记录。

    \b
    Example: examgen scores import ratings.xlsx
    """
    from ..typed import import_ratings

    with History(history_path) as history:
        result = import_ratings(history, file, replace=replace)
    s = result.stored
    if as_json:
        emit_json({"file": str(file), "rows": result.rows, "new": len(s.new),
                   "unchanged": len(s.unchanged), "replaced": len(s.replaced),
                   "errors": result.errors})
    else:
        for line in result.errors:
            click.echo(f"错误：{line}", err=True)
        click.echo(f"读取 {result.rows} 行：新记录 {len(s.new)} 个评分，"
                   f"{len(s.unchanged)} 个与已记录的相同"
                   + (f"，替换 {len(s.replaced)} 个" if s.replaced else "")
                   + (f"；{len(result.errors)} 处错误未记录" if result.errors else "") + "。")
    if result.errors:
        sys.exit(1)


@main.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True, help="报告 PDF 放在这个文件夹。")
@click.option("--html", "keep_html", is_flag=True,
              help="同时保存 HTML（字体内嵌，可在浏览器中打开）。")
@click.option("--force", is_flag=True, help="覆盖已存在的同名报告。")
@history_option
@click.option("--json", "as_json", is_flag=True,
              help="以 JSON 输出排名和面试官评分倾向，供脚本使用（同时生成 PDF）。")
@handle_errors
def report(ids: tuple[str, ...], out: Path, keep_html: bool, force: bool,
           history_path: Path | None, as_json: bool) -> None:
    """汇总评分，生成一轮面试的评估报告（PDF）。

    \b
    报告包括：排名表（总分、各维度得分、推荐意见统计、缺评数）、每位应聘者的维度
    得分图（与本轮平均对比）、本轮总分图、需要合议的题目（评分相差 2 档及以上）
    及各面试官的评分，以及每位面试官的平均评分与评委会平均的对比（偏宽/偏严）。
    报告只读取评分，不会修改任何已记录的评分。

    \b
    Example: examgen report R-D-20261201-ABC123 --out reports
    """
    from ..report import build_report

    with History(history_path) as history:
        built = build_report(history, list(ids), out, force=force, keep_html=keep_html)
    if as_json:
        emit_json(built.to_json())
        return
    click.echo(f"已生成评估报告 {built.pdf}（{len(built.scores.papers)} 位应聘者）")
    if built.html:
        click.echo(f"  HTML：{built.html}")
    for note in built.scores.notes:
        click.echo(f"注意：{note}")
