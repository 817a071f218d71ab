"""`examgen history` and `examgen reprint`: what was issued, and the same paper again."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ExamgenError
from ..history import History
from . import emit_json, handle_errors, history_option, main


@main.command()
@click.option("--role", default=None, help="只看这个岗位的试卷。")
@click.option("--candidate", default=None, help="只看这位应聘者的试卷（按姓名）。")
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出，供脚本使用。")
@handle_errors
def history(role: str | None, candidate: str | None, history_path: Path | None,
            as_json: bool) -> None:
    """列出已经发出的试卷：编号、岗位、应聘者、日期、题目和文件。

    \b
    Example: examgen history --candidate 张三
    """
    with History(history_path) as store:
        records = store.find(role=role, candidate=candidate)
        mails = {r.id: store.mails(r.id) for r in records}
    for problem in store.skipped:
        click.echo(f"警告：{problem}，已跳过（其余记录照常列出）", err=True)
    if as_json:
        emit_json({"history": str(store.path), "skipped": store.skipped, "papers": [
            {**r.to_json(), "mails": mails[r.id]} for r in records]})
        return
    if not records:
        click.echo(f"没有符合条件的试卷（历史记录：{store.path}）")
        return
    for r in records:
        who = r.candidate or "（未填姓名）"
        sent = "、".join(sorted({m["to"] for m in mails[r.id]}))
        click.echo(f"{r.id}  {r.date}  {r.role_title}  {who}  {len(r.questions)} 题"
                   + (f"  轮次 {r.round}" if r.round else "")
                   + (f"  已发送给 {sent}" if sent else ""))
        click.echo(f"    题目：{'、'.join(r.questions)}")
        click.echo(f"    文件：{r.files.get('questions', '')}  {r.files.get('answer_key', '')}")


@main.command()
@click.argument("paper_id")
@click.option("--out", type=click.Path(path_type=Path), default=Path("papers"),
              show_default=True, help="重印的 PDF 放在这个文件夹。")
@click.option("--bank", "bank_dir", type=click.Path(path_type=Path), default=None,
              help="题库文件夹（默认用出卷时记录的题库）。")
@click.option("--allow-changed", is_flag=True,
              help="题库中本卷的题目已修改时，仍用修改后的内容重印。")
@click.option("--force", is_flag=True, help="覆盖已存在的同名文件。")
@history_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出，供脚本使用。")
@handle_errors
def reprint(paper_id: str, out: Path, bank_dir: Path | None, allow_changed: bool,
            force: bool, history_path: Path | None, as_json: bool) -> None:
    """按历史记录重新生成同一份试卷（例如面试官用卷丢了），与原卷逐字节一致。

    若出卷后题库里本卷的题目被修改或删除，会列出这些题并拒绝重印，除非加 --allow-changed。

    \b
    Example: examgen reprint D-20261201-ABC123 --out reprints
    """
    from ..bank import load_bank
    from ..build import changed_questions, recorded_paper, render_papers, save_papers

    with History(history_path) as store:
        record = store.get(paper_id.strip())
    bank = load_bank(bank_dir or Path(record.bank_dir))
    changed = changed_questions(record, bank)
    missing = [qid for qid in changed if qid not in bank.by_id()]
    if missing:
        raise ExamgenError(f"试卷 {record.id} 的题目已从题库中删除：{'、'.join(missing)}，无法重印")
    if changed and not allow_changed:
        raise ExamgenError(f"出卷后题库中有 {len(changed)} 道题已修改：{'、'.join(changed)}"
                           "；重印将与原卷不同，如确需重印请加 --allow-changed")
    paper = recorded_paper(record, bank)
    [built] = render_papers([paper], out, force=force)
    save_papers([built], None, force=force)
    identical = built.sha256() == record.sha256
    if as_json:
        emit_json({"paper": record.id, "identical": identical, "changed_questions": changed,
                   "files": {k: str(v) for k, v in built.files.items()}})
        return
    click.echo(f"已重印试卷 {record.id}（{record.role_title}，{record.candidate or '未填姓名'}）")
    for key, path in built.files.items():
        click.echo(f"  {built.labels[key]}：{path}")
    if identical:
        click.echo("与原卷逐字节一致。")
    else:
        reason = "题目已修改" if changed else "模板或字体自出卷后有更新"
        click.echo(f"注意：与原卷不完全一致（{reason}）。")
