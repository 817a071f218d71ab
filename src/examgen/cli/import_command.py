"""`examgen import`: turn a question-bank document (.txt/.md, .docx, .pdf) into a bank file."""

from __future__ import annotations

from pathlib import Path

import click

from . import emit_json, handle_errors, main


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--role", required=True,
              help="岗位编号（字母、数字、-），例如 director。题库里没有这个岗位时会自动添加。")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="要生成的题目文件，例如 questions/director-imported.yaml。"
                   "它所在的文件夹就是题库文件夹（没有 roles.yaml 时会自动创建）。")
@click.option("--dimension", default=None,
              help="文档没有分维度时，所有题目归入这个维度（编号或名称，例如 knowledge 或"
                   " 专业知识与技能）。不填则按题目中的关键词推断。")
@click.option("--to-simplified", "simplified", is_flag=True,
              help="把繁体字转换为简体字（OpenCC）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出导入报告，供脚本使用。")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件。")
@handle_errors
def import_(file: Path, role: str, output: Path, dimension: str | None, simplified: bool,
            as_json: bool, force: bool) -> None:
    """导入已有的题库文档（.txt、.md、.docx、文字版 .pdf），生成可以出卷的题目文件。

    \b
    认识四种常见写法：连成一段的「1.…答案:…」、分行的「第一题 … 答案: … 解析:」、
    带 A/B/C/D 选项的选择题（笔试题，如「一、单选题(共15题,每题2分)」）、
    以及只有问题和回答思路的文章（没有「答案」二字）。
    会自动去掉网站的页码、下载提示、版权声明和页脚，以及字后面的拼音（如 業(yè)）。
    按文档中的大标题（如「一、专业知识与技能」）分维度；文档没有分维度时，
    按题目中的关键词推断，或用 --dimension 指定。
    导入的问答题为中等难度、答题时间 5 分钟、分值 10 分；选择题 1 分钟，
    分值取自大题说明。都可在生成的文件中修改。
    结束时列出缺少答案、被截断、有乱码的题目，并给出出卷命令。

    \b
    Example: examgen import 题库.txt --role director -o questions/director-imported.yaml
    """
    from ..importer import import_document

    report = import_document(file, role, output, dimension=dimension, simplified=simplified,
                             force=force)
    data = report.to_json()
    if as_json:
        emit_json(data)
        return
    echo = click.echo
    choice = len(data["choice_items"])
    kinds = f"，其中选择题 {choice} 道" if choice else ""
    echo(f"已导入 {data['questions']} 道题（文档形式 {report.shape}{kinds}）：{file} → {output}")
    for dim, count in data["per_dimension"].items():
        echo(f"    {report.dimensions[dim]}（{dim}）：{count} 题")
    if report.announced is not None:
        echo(f"文档声明共 {report.announced} 题，找到 {data['questions']} 题。")
    if data["new_dimensions"]:
        added = "、".join(f"{t}（{d}）" for d, t in data["new_dimensions"].items())
        echo(f"新维度（文档中的标题不在题库中）：{added}，已加入 roles.yaml。")
    if data["inferred"]:
        echo(f"维度按关键词推断，请核对：{'、'.join(data['inferred'])}")
    if data["missing_answers"]:
        echo(f"缺少参考答案：{'、'.join(data['missing_answers'])}")
    if data["truncated"]:
        echo(f"原文在此截断（残缺内容见文件中的注释）：{'、'.join(data['truncated'])}")
    if data["commented_out"]:
        echo("以下选择题没有可用的答案，已作为注释留在文件中，补上答案并去掉注释后才能使用："
             f"{'、'.join(data['commented_out'])}")
    if data["garbled"]:
        echo(f"有乱码，请对照原文修改：{'、'.join(data['garbled'])}")
    if data["unprintable"]:
        where = "、".join(dict.fromkeys(u["id"] for u in data["unprintable"]))
        echo(f"字体无法显示部分字符（修改前无法出卷、检查不通过）：{where}")
    roles_path = Path(data["bank"]) / "roles.yaml"
    if report.roles.created:
        echo(f"已创建 {roles_path}（复制自带的岗位与维度）。")
    if report.roles.role_added:
        echo(f"已在 {roles_path} 中添加岗位 {role}（{report.title}），各维度权重相同，"
             "可按需修改。")
    for line in data["notes"]:
        echo(f"提示：{line}")
    if choice:
        echo("难度为默认值（中等）；选择题 1 分钟，分值取自大题说明，可在文件中修改。")
    if choice < data["questions"]:
        echo("难度、答题时间、分值为默认值（中等、5 分钟、10 分），可在文件中修改。")
    if data["next"]:
        first = "改好上面列出的乱码或无法显示的字符后，" if data["unprintable"] else ""
        echo(f"下一步{first}出卷：{data['next']}")
        if data["next"].endswith("--allow-shortfall"):
            echo("（各维度题量与岗位的出题比例不一致，所以需要 --allow-shortfall，"
                 "不足的维度由其他维度补足。）")
    else:
        echo(f"下一步：运行 examgen validate --bank {data['bank']} 检查题库。")
