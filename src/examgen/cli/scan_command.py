"""`examgen scan` (rating sheets back from paper) and `examgen scores set|show`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ExamgenError
from ..history import History
from . import emit_json, handle_errors, history_option, main
from .scores_command import scores


def _need_scan_extra() -> None:
    try:
        import cv2  # noqa: F401
        import pypdfium2  # noqa: F401
        import zxingcpp  # noqa: F401
    except ImportError:
        raise ExamgenError("扫描需要图像识别组件：请运行 bash setup.sh，"
                           "或 pip install 'examgen[scan]'") from None


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--review", "review_dir", type=click.Path(path_type=Path), default=None,
              help="无法判断的行（涂了两个或涂得太浅）的截图放在这里。默认：扫描件旁的 review/。")
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def scan(files: tuple[Path, ...], review_dir: Path | None, history_path: Path | None,
         as_json: bool) -> None:
    """读取扫描或拍照的评分卡（PDF 的每一页、JPEG、PNG），把评级记入历史记录。

    每行只涂一个圆圈的记为该评级，空行记为"未评"；涂了两个、或涂得太浅的行不会猜测，
    而是把该行截图放入 --review 文件夹，等人工用 examgen scores set 填写。同一页再扫一次
    不会重复记录；与上次读得不同的页会报告为冲突，保留第一次的结果。

    \b
    Example: examgen scan scans/面试官1.pdf scans/IMG_2041.jpg
    """
    _need_scan_extra()
    from ..scan.session import scan as run_scan

    with History(history_path) as store:
        report = run_scan(list(files), store, review_dir)
    if as_json:
        emit_json(report.to_json())
    else:
        _print_report(report)
    if report.errors:
        sys.exit(1)


def _where(file: str, page: int | None) -> str:
    return f"{file}" + (f" 第 {page} 页" if page else "")


def _what(question: str) -> str:
    return "综合推荐" if question == "recommendation" else f"第 {question} 题"


def _shown(question: str, value: str | None) -> str:
    return f"{_what(question)} {value if value is not None else '未评'}"


def _print_report(report) -> None:
    labels = {"read": "已读入", "unchanged": "已读过，无变化", "conflict": "与上次读得不同"}
    for p in report.pages:
        if p.status != "error":
            click.echo(f"{_where(p.file, p.page)}：试卷 {p.paper} 面试官 {p.interviewer}，"
                       f"{labels[p.status]}")
    for c in report.conflicts:
        click.echo(f"  冲突：试卷 {c.paper} 面试官 {c.interviewer} "
                   f"{_shown(c.question, c.stored)}（保留），"
                   f"本次读到 {c.read if c.read else '未评'}"
                   f"；确认后用 examgen scores set 改正")
    for item in report.review:
        click.echo(f"  待人工确认：试卷 {item.paper} 面试官 {item.interviewer} "
                   f"{_what(item.question)}，"
                   f"{item.reason}：{item.image}")
    for file, page, message in report.errors:
        nothing = "此页未记录" if page else "未记录任何评级"
        click.echo(f"错误：{_where(file, page)}：{message}，{nothing}", err=True)
    rated = sum(1 for r in report.scores if r.value is not None)
    click.echo(f"共 {len(report.pages)} 页：读到 {rated} 个评级，"
               f"{len(report.review)} 行待人工确认，"
               f"{len(report.conflicts)} 处冲突，{len(report.errors)} 页无法识别")


@scores.command(name="set")
@click.argument("paper_id")
@click.option("--interviewer", type=click.IntRange(min=1), required=True,
              help="面试官编号（评分卡上印的 1、2、…）。")
@click.argument("ratings", nargs=-1, required=True)
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def scores_set(paper_id: str, interviewer: int, ratings: tuple[str, ...],
               history_path: Path | None, as_json: bool) -> None:
    """手工填写或更正评级：题号=评级（1–5，留空写 -），综合推荐写 recommendation=推荐。

    记为"手工录入"，替换扫描结果，并结清该行的待确认与冲突。

    \b
    Example: examgen scores set D-20261201-ABC123 --interviewer 2 3=4 7=- recommendation=推荐
    """
    from ..scores import set_scores

    with History(history_path) as store:
        changes = set_scores(store, paper_id.strip(), interviewer, list(ratings))
    if as_json:
        emit_json({"paper": paper_id.strip(), "interviewer": interviewer, "set": [
            {"question": q, "rating": new, "was": old} for q, old, new in changes]})
        return
    for question, old, new in changes:
        before = f"（原为 {old if old is not None else '未评'}）" if old != new else "（未变）"
        click.echo(f"已记录：试卷 {paper_id.strip()} 面试官 {interviewer} "
                   f"{_shown(str(question), None if new is None else str(new))}{before}")


@scores.command(name="show")
@click.argument("paper_id")
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def scores_show(paper_id: str, history_path: Path | None, as_json: bool) -> None:
    """显示一份试卷已记录的评级（每位面试官一列），以及待人工确认的行和冲突。

    \b
    Example: examgen scores show D-20261201-ABC123
    """
    from ..scores import paper_scores

    with History(history_path) as store:
        data = paper_scores(store, paper_id.strip())
    if as_json:
        emit_json(data)
        return
    click.echo(f"试卷 {data['paper']}（{data['candidate'] or '未填姓名'}，{data['count']} 题）")
    by_cell = {(r["interviewer"], str(r["question"])): r for r in data["readings"]}
    panel = sorted({r["interviewer"] for r in data["readings"]} |
                   {r["interviewer"] for r in data["review"]})
    if not panel:
        click.echo("尚无评级记录。")
    else:
        click.echo("题号\t" + "\t".join(f"面试官{i}" for i in panel))
        waiting = {(r["interviewer"], str(r["question"])) for r in data["review"]}
        for q in [*map(str, range(1, data["count"] + 1)), "recommendation"]:
            cells = []
            for i in panel:
                r = by_cell.get((i, q))
                cells.append("待确认" if (i, q) in waiting and r is None else
                             "—" if r is None else
                             ("未评" if r["rating"] is None else str(r["rating"])) +
                             ("*" if r["source"] == "typed" else ""))
            click.echo(("推荐" if q == "recommendation" else q) + "\t" + "\t".join(cells))
        click.echo("（* 为手工录入，— 为尚未读到）")
    for r in data["review"]:
        click.echo(f"待人工确认：面试官 {r['interviewer']} {_what(str(r['question']))}"
                   f"，{r['reason']}：{r['image']}")
    for c in data["conflicts"]:
        click.echo(f"冲突：面试官 {c['interviewer']} {_what(str(c['question']))} "
                   f"另有一次读到 {c['rating'] if c['rating'] is not None else '未评'}"
                   f"（{c['file']} 第 {c['page']} 页）")
