"""`examgen build`: sample papers and print their sheets and keys (one, or a whole round)."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..bank import Role
from ..build import BuiltPaper
from ..config import load_config
from ..errors import ExamgenError
from ..paper import Paper
from . import (
    bank_option,
    emit_json,
    handle_errors,
    history_option,
    main,
    open_bank,
    parse_date,
)

PROGRESS_FROM = 4  # rounds of this many papers or more show a progress bar


@main.command()
@click.option("--role", required=True,
              help="岗位编号，例如 director、subscription-manager（用 examgen roles 查看）。")
@click.option("--count", type=click.IntRange(min=0), default=None,
              help="每份试卷的题目数量（默认 20）；与 --minutes 同用时，在时间预算内出这么多题。"
                   "与 --choice 同用时是问答题的数量（0 = 只考选择题）。")
@click.option("--choice", type=click.IntRange(min=1), default=None,
              help="笔试：先出这么多道选择题（题目卷首页附答题卡，可用 examgen scan 阅卷），"
                   "再出 --count 道问答题。不填时取 roles.yaml 中该岗位的 written 设置。")
@click.option("--minutes", type=click.IntRange(min=1), default=None,
              help="按时间出题：所选题目的建议用时合计不超过这么多分钟，并尽量用满，"
                   "每个能力维度至少一题。")
@click.option("--mode", type=click.Choice(["written", "oral"]), default="written",
              show_default=True,
              help="written：书面作答（题目卷留答题横线）；oral：结构化面试口头作答"
                   "（应聘者拿题本对照阅读，面试官拿面试官手册记录、评级）。")
@click.option("--interviewers", default=None,
              help="面试官姓名，用逗号或顿号分隔，例如 王敏,李强,赵磊：每人一份印有姓名的"
                   "面试官用卷/手册，另出一张合议表。不填时取名单的 面试官 列，"
                   "再取 examgen.toml 中的 interviewers。")
@click.option("--same-questions", is_flag=True,
              help="与 --candidates 同用：本轮每位应聘者用同一套题（便于横向比较），"
                   "而不是每人一份互不重复的试卷。")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="抽题种子：同一种子、同一题库得到同一份试卷。不填则随机选一个并印在卷上。")
@click.option("--out", type=click.Path(path_type=Path), default=Path("papers"),
              show_default=True, help="PDF 输出文件夹（一轮面试会在其中建一个子文件夹）。")
@bank_option
@click.option("--candidate", default="", help="应聘者姓名，印在两份卷上。")
@click.option("--candidates", "candidates_file", type=click.Path(path_type=Path), default=None,
              help="应聘者名单（CSV 或 .xlsx，表头含 姓名/name，可选 邮箱/email、编号/id）："
                   "为每人出一份试卷，各卷之间尽量不重题。")
@click.option("--date", "day", default=None, help="面试日期，格式 YYYY-MM-DD，默认今天。")
@click.option("--company", default=None,
              help="公司名称，印在卷首（默认取 examgen.toml 中的 company）。")
@click.option("--force", is_flag=True, help="覆盖已存在的同名试卷。")
@click.option("--allow-shortfall", is_flag=True,
              help="某维度题目不够时，从其他维度补足（并给出提示），而不是报错。")
@click.option("--html", "keep_html", is_flag=True,
              help="同时保存渲染用的 HTML（可在浏览器中打开检查模板）。")
@click.option("--mail-to", multiple=True,
              help="生成后立即把面试官用卷发到这个邮箱（可写多次）；邮件服务器设置见 "
                   "examgen mail --help。")
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果，供脚本使用。")
@handle_errors
def build(role: str, count: int | None, choice: int | None, minutes: int | None, mode: str,
          interviewers: str | None, same_questions: bool, seed: int | None, out: Path,
          bank_dir: Path | None,
          candidate: str, candidates_file: Path | None, day: str | None, company: str | None,
          force: bool, allow_shortfall: bool, keep_html: bool, mail_to: tuple[str, ...],
          history_path: Path | None, as_json: bool) -> None:
    """抽题并生成试卷：每份试卷有题目卷（给应聘者）和面试官用卷（参考答案与评分表）两个 PDF。

    --mode oral 用于现场结构化面试：应聘者的题本只印题目，面试官手册首页是面试流程，
    每题有追问、记录区、评分锚点与评级；--minutes 60 按 60 分钟排题。
    给 --interviewers 时每位面试官一份印有其姓名的手册，另出一张合议表。

    笔试加 --choice 20：先 20 道选择题（一、选择题），再 --count 道问答题；题目卷首页是
    答题卡（印有应聘者姓名、定位标记与二维码），面试官用卷印出答案与解析。

    给 --candidates 名单时，为名单上每人各出一份，放在一个以本轮编号命名的文件夹里，
    并附 manifest.csv（可用 Excel 打开）。曾经面试过的应聘者会避开做过的题。

    加 --mail-to 时，生成后把每份面试官用卷发给这些邮箱（服务器设置同 examgen mail）。

    \b
    Example: examgen build --role director --mode oral --minutes 60 --interviewers 王敏,李强
    Example: examgen build --role director --mode written --choice 20 --count 5
    """
    from ..history import History
    from ..limits import MAX_OPTION_CHARS, check_text
    from ..paper import new_seed
    from ..workers import Renderer
    from ..rounds import (
        Candidate,
        check_name,
        new_round_id,
        overlap,
        plan_round,
        read_candidates,
    )

    if candidates_file and candidate:
        raise ExamgenError("--candidate 与 --candidates 只能选一个")
    if same_questions and not candidates_file:
        raise ExamgenError("--same-questions 用于一轮面试，请同时给出 --candidates 名单")
    if mode == "oral" and choice:
        raise ExamgenError("选择题只用于笔试：--choice 不能与 --mode oral 同用")
    check_text(role, "--role 岗位编号", MAX_OPTION_CHARS)
    candidate = check_name(candidate)
    day = parse_date(day)
    config = load_config()
    company = check_text((company if company is not None else config.company).strip(),
                         "公司名称（--company）", MAX_OPTION_CHARS)
    from ..paper import parse_interviewers

    panel = None
    if interviewers is not None:
        panel = parse_interviewers(check_text(interviewers, "--interviewers 面试官",
                                              MAX_OPTION_CHARS))
    settings = None
    if mail_to:  # check the mail settings before anything is built
        from ..mail import BUILD_HOST_HINT, check_settings
        from .mail_command import smtp_settings_from_options

        settings = smtp_settings_from_options()
        check_settings(settings, mail_to, host_hint=BUILD_HOST_HINT)
    people = read_candidates(candidates_file) if candidates_file else [Candidate(candidate)]
    chosen_seed = seed if seed is not None else new_seed()
    with Renderer() as renderer, History(history_path) as history:  # workers warm up now
        bank = open_bank(bank_dir)
        choice, count = written_mix(bank.role(role), mode, choice, count, minutes)
        if panel is not None:  # the option wins over the file's column and the config
            people = [dataclasses.replace(p, interviewers=panel) for p in people]
        rid = ""
        if candidates_file:
            made_of = [bank.fingerprint, company, count, minutes, mode, same_questions, choice,
                       [p.interviewers for p in people], config.interviewers]
            rid = new_round_id(history, role, day, chosen_seed, people, force=force,
                               fingerprint=repr(made_of))
        folder = out / rid if rid else out

        def plan(seen: dict[str, set[str]]) -> list[Paper]:
            return plan_round(bank, role, count, chosen_seed, people, seen=seen, day=day,
                              company=company, allow_shortfall=allow_shortfall,
                              minutes=minutes, mode=mode, interviewers=config.interviewers,
                              same_questions=same_questions, choice=choice)

        built, records, seen, added = _build_and_save(
            plan, bank, people, rid=rid, folder=folder, allow_shortfall=allow_shortfall,
            force=force, keep_html=keep_html, renderer=renderer, history=history,
            as_json=as_json)
        stats = overlap([b.paper for b in built])
        outcomes = []
        if settings is not None:
            from ..mail import send_papers

            outcomes = send_papers(records, list(mail_to), settings, history=history)
    reprinted = [b.paper.id for b in built if b.paper.id not in added]
    for b in built:
        for warning in b.warnings:
            click.echo(f"警告：{warning}", err=True)
    repeats = {b.paper.id: [q.id for q in b.paper.questions if q.id in seen[b.paper.candidate]]
               for b in built}
    if as_json:
        data: dict[str, Any] = {"papers": [paper_json(b.paper, b.files, repeats[b.paper.id])
                                           for b in built]}
        if rid:
            data["round"] = {"id": rid, "folder": str(folder), "seed": chosen_seed,
                             "overlap": {"max_shared": stats.max_shared,
                                         "mean_shared": round(stats.mean_shared, 2)},
                             "manifest": {"csv": str(folder / "manifest.csv"),
                                          "json": str(folder / "manifest.json")}}
        if settings is not None:
            data["mails"] = [o.to_json() for o in outcomes]
        emit_json(data)
        _exit_if_unsent(outcomes)
        return
    if seed is None:
        click.echo(f"未指定 --seed，本次随机种子为 {chosen_seed}"
                   "（已印在卷上，可用它重出同一份试卷）")
    for b in built:
        _say_built(b, seen[b.paper.candidate], repeats[b.paper.id])
    if reprinted:
        click.echo(f"提示：{'、'.join(reprinted)} 已在历史记录中，按 --force 在原处重印，"
                   "历史记录不变")
    if rid:
        if same_questions:
            click.echo(f"本轮 {rid}：{len(built)} 份试卷，每位应聘者同一套题")
        else:
            click.echo(f"本轮 {rid}：{len(built)} 份试卷，{stats.describe(len(built))}")
        click.echo(f"  名单：{folder / 'manifest.csv'}")
    if settings is not None:
        from .mail_command import echo_outcomes

        echo_outcomes(outcomes)
        _exit_if_unsent(outcomes)


def written_mix(role: Role, mode: str, choice: int | None, count: int | None,
                minutes: int | None) -> tuple[int, int | None]:
    """(choice items, open questions): the options, else the role's `written:` block (for
    a written paper), else no choice items and 20 questions (none when planned by time)."""
    mix = role.written if mode == "written" else None
    if choice is None:
        choice = mix.choice if mix else 0
    if count is None and minutes is None:
        count = mix.open if mix else 20
    if count == 0 and not choice:  # a usage error, like any other count below 1
        raise click.BadParameter("题量为 0 时须用 --choice 出选择题", param_hint="'--count'")
    return choice, count


def _exit_if_unsent(outcomes: list) -> None:
    """The papers are built and kept; a key that did not go out still fails the command."""
    if not all(o.ok for o in outcomes):
        click.echo("部分面试官用卷未发出：试卷已生成并保留，可用 examgen mail 重新发送。",
                   err=True)
        sys.exit(1)


class _SeenChanged(Exception):
    """Another build recorded a paper for one of our candidates while we rendered."""


RETRIES = 3


def _build_and_save(plan: Callable[[dict[str, set[str]]], list[Paper]], bank, people: list,
                    *, rid: str, folder: Path, allow_shortfall: bool, force: bool,
                    keep_html: bool, renderer, history, as_json: bool
                    ) -> tuple[list[BuiltPaper], list, dict[str, set[str]], set[str]]:
    """Plan (`plan(seen)`: the papers, given what each candidate has seen), render and
    save, re-planning when another build gave one of our candidates
    questions in the meantime: what a candidate has seen is checked again inside the
    transaction that records the papers. Returns the papers, their records, what each
    candidate had seen, and the ids newly recorded (the others were reprinted with
    --force)."""
    from ..build import paper_record, save_papers
    from ..fonts import warn_if_slow_subsetting
    from ..history import PaperExists, RoundExists
    from ..rounds import manifest_files, overlap

    for _ in range(RETRIES):
        seen = {p.name: history.seen_by(p.name) for p in people}
        papers = plan(seen)
        known = [r for p in papers if (r := history.existing(p.id))]
        if known and not force:  # refused before anything is rendered
            raise PaperExists(known[0], history.path)
        warn_if_slow_subsetting()
        built = _render(papers, folder, force, keep_html, renderer, as_json)
        records = [paper_record(b, bank, allow_shortfall=allow_shortfall, email=p.email,
                                candidate_id=p.candidate_id, round_id=rid)
                   for b, p in zip(built, people, strict=True)]
        extra = manifest_files(folder, rid, built, people, overlap(papers)) if rid else {}

        def check(db, papers=papers, seen=seen) -> None:
            for paper in papers:
                if not force and (record := history.existing(paper.id)):
                    raise PaperExists(record, history.path)
            if rid and history.round_size(rid):
                raise RoundExists(f"本轮 {rid} 刚刚由另一个 examgen 生成，本次没有写入任何文件",
                                  history.path)
            if {p.name: history.seen_by(p.name) for p in people} != seen:
                raise _SeenChanged

        try:
            added = save_papers(built, history, records, extra, force=force, check=check)
        except _SeenChanged:
            continue
        return built, records, seen, {r.id for r in added}
    raise ExamgenError("其他 examgen 正在同时为同一应聘者出卷，重试几次仍有冲突，"
                       "没有写入任何文件；请稍后再运行")


def _render(papers: list[Paper], folder: Path, force: bool, keep_html: bool, renderer,
            as_json: bool) -> list[BuiltPaper]:
    from ..build import layouts, paper_documents, render_papers

    show = len(papers) >= PROGRESS_FROM and not as_json and sys.stderr.isatty()
    if not show:
        return render_papers(papers, folder, force=force, keep_html=keep_html,
                             renderer=renderer)
    total = sum(len(layout) for layout in layouts([paper_documents(p, folder) for p in papers],
                                                  renderer.workers))
    with click.progressbar(length=total, label="正在生成试卷", file=sys.stderr) as bar:
        return render_papers(papers, folder, force=force, keep_html=keep_html,
                             renderer=renderer, on_done=lambda: bar.update(1))


def _say_built(built: BuiltPaper, seen: set[str], repeats: list[str]) -> None:
    paper = built.paper
    for note in paper.notes:
        click.echo(f"提示：{note}")
    who = f"，应聘者 {paper.candidate}" if paper.candidate else ""
    form = "，结构化面试" if paper.oral else ""
    click.echo(f"已生成试卷 {paper.id}（{paper.role.title}{who}{form}，"
               f"{len(paper.questions)} 题{_parts(paper)}，共 {paper.total_points} 分，"
               f"种子 {paper.seed}）")
    if paper.minutes_budget:
        click.echo(f"  {budget_used(paper)}")
    if seen:
        click.echo(f"  {paper.candidate} 此前做过 {len(seen)} 道题；"
                   + (f"题库不够，本卷仍有 {len(repeats)} 题重复：{'、'.join(repeats)}"
                      if repeats else "本卷全部避开"))
    for key, path in built.files.items():
        click.echo(f"  {built.labels[key]}：{path}")


def _parts(paper: Paper) -> str:
    if not paper.choice_items:
        return ""
    return (f"：选择题 {len(paper.choice_items)} 题 {paper.choice_points} 分、"
            f"问答题 {len(paper.open_questions)} 题")


def budget_used(paper: Paper) -> str:
    """How the time budget was used, in one line (the output says it; the papers print it)."""
    budget, planned = paper.minutes_budget or 0, paper.total_minutes
    per_dim = "、".join(f"{title} {len(items)} 题" for _, title, items in paper.sections())
    rest = (f"余 {budget - planned} 分钟（题库中题目的时长凑不满）" if planned < budget
            else "正好用满")
    return f"时间预算 {budget} 分钟：计划 {planned} 分钟，{rest}；{per_dim}"


def files_json(paper: Paper, files: dict[str, Path]) -> dict[str, Any]:
    """Files by key; with interviewers also "answer_keys" (name → booklet) and
    "consolidation" (the 合议表). "answer_key" is always the first booklet. "rating_sheets"
    maps interviewer numbers ("1", "2", …) to their rating sheets."""
    out: dict[str, Any] = {key: str(path) for key, path in files.items()
                           if not re.fullmatch(r"(answer_key|rating)_\d+(_html)?", key)}
    for suffix in ("", "_html"):  # "rating_sheets": {"1": PATH, "2": PATH, …}
        sheets = {m[1]: str(path) for key, path in files.items()
                  if (m := re.fullmatch(rf"rating_(\d+){suffix}", key))}
        if sheets:
            out["rating_sheets" + suffix] = sheets
    if paper.interviewers:
        keys = ["answer_key", *(f"answer_key_{n}" for n in range(2, len(paper.interviewers) + 1))]
        out["answer_keys"] = {name: str(files[key])
                              for name, key in zip(paper.interviewers, keys, strict=True)}
    return out


def paper_json(paper: Paper, files: dict[str, Path], repeats: list[str]) -> dict[str, Any]:
    return {
        "id": paper.id,
        "role": paper.role.id,
        "seed": paper.seed,
        "candidate": paper.candidate,
        "date": paper.date,
        "mode": paper.mode,
        "minutes": paper.total_minutes,
        "minutes_budget": paper.minutes_budget,
        "interviewers": list(paper.interviewers),
        "same_questions": paper.same_questions,
        "questions": [question_json(q) for q in paper.questions],
        "choice": len(paper.choice_items),
        "choice_points": paper.choice_points,
        "notes": list(paper.notes),
        "repeated_questions": repeats,
        "files": files_json(paper, files),
    }


def question_json(q) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "type": q.type, "dimension": q.dimension,
                           "difficulty": q.difficulty, "minutes": q.minutes,
                           "points": q.points, "text": q.question, "probes": list(q.probes)}
    if q.is_choice:
        out.update(options=list(q.options), answer=list(q.correct), partial=q.partial)
    return out
