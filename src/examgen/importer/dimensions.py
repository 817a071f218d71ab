"""Step 5, place: section headings onto the bank's dimensions (new ones `extra-N`), or a
dimension inferred from the wording; ids `ROLE-DIMENSION-NNN`."""

from __future__ import annotations

import re
from collections import Counter

from ..errors import ExamgenError
from .clean import DAMAGED, remove_readings
from .model import ImportResult, Placed, RawQuestion
from .script import to_simplified

# The shipped dimensions, for inferring a question's dimension from its wording.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "motivation": (
        "为什么选择", "为什么想", "为什么离开", "为什么来", "离职", "职业规划", "职业发展",
        "职业目标", "动机", "自我介绍", "介绍一下你", "介绍一下自己", "优点", "缺点", "优势",
        "劣势", "性格", "评价自己", "描述你自己", "描述自己", "兴趣", "薪资", "期望薪",
        "加入我们", "吸引你", "三年后", "五年后", "未来三年", "未来五年", "求职", "应聘",
        "这个岗位", "这份工作"),
    "knowledge": (
        "什么是", "解释", "含义", "定义", "概念", "指标", "计算", "公式", "原理", "流程", "体系",
        "标准", "工具", "系统", "模型", "维护", "SLA", "KPI", "NPS", "CSAT", "AHT", "FCR", "CLV",
        "专业", "知识", "区别", "有哪些", "包括哪些"),
    "situational": (
        "如果", "假如", "假设", "遇到", "突发", "紧急", "投诉", "危机", "情绪激动", "怎么办",
        "如何处理", "怎么处理", "怎样处理", "你会怎么", "你会如何", "场景", "情境", "宕机",
        "故障"),
    "teamwork": (
        "团队", "协作", "沟通", "同事", "上级", "领导", "下属", "跨部门", "冲突", "合作", "配合",
        "意见不合", "意见不一致", "分歧", "协调", "组长"),
    "potential": (
        "学习", "成长", "文化", "价值观", "压力", "适应", "变化", "变革", "创新", "新技能",
        "反馈", "失败", "挫折", "学到", "反思", "挑战", "潜力", "自我提升", "提升自己"),
}
FALLBACK_DIMENSION = "knowledge"


def normalize_heading(text: str) -> str:
    """A heading or dimension title as compared: simplified script, no parentheses, no
    trailing 类 / 题 / 问题."""
    text = to_simplified(remove_readings(text).replace(DAMAGED, ""))
    text = re.sub(r"[(（][^)）]*[)）]", "", text)
    text = re.sub(r"[\s:：、.．]+", "", text)
    text = re.sub(r"(类)?(题目|问题|试题|题)$", "", text)
    return re.sub(r"类$", "", text)


def match_dimension(heading: str, dimensions: dict[str, str]) -> str | None:
    """The id of the dimension a heading names (by title or id), or None."""
    wanted = normalize_heading(heading)
    if not wanted:
        return None
    if heading.strip() in dimensions:
        return heading.strip()
    titles = {dim: normalize_heading(title) for dim, title in dimensions.items()}
    for dim, title in titles.items():
        if title == wanted:
            return dim
    for dim, title in titles.items():
        short = min(title, wanted, key=len)
        if len(short) >= 4 and (title in wanted or wanted in title):
            return dim
    return None


def infer_dimension(question: RawQuestion,
                    dimensions: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """A dimension from the wording (keywords of the shipped dimensions): the question
    counts most, the answer breaks ties. Falls back to knowledge when nothing matches."""
    ask = to_simplified(question.question)
    said = to_simplified(question.answer)
    best: tuple[float, str, tuple[str, ...]] | None = None
    for dim, words in KEYWORDS.items():
        if dim not in dimensions:
            continue
        hits = tuple(w for w in words if w in ask)
        score = 2 * len(hits) + 0.1 * sum(said.count(w) for w in words)
        if hits and (best is None or score > best[0]):
            best = (score, dim, hits)
    if best:
        return best[1], best[2]
    fallback = FALLBACK_DIMENSION if FALLBACK_DIMENSION in dimensions else next(iter(dimensions))
    return fallback, ()


def place(result: ImportResult, role: str, dimensions: dict[str, str],
          option: str | None = None, taken: set[str] | None = None
          ) -> tuple[list[Placed], dict[str, str]]:
    """Give every question a dimension and an id `ROLE-DIMENSION-NNN`.

    Headings map onto `dimensions` (id → title); unknown headings become new dimensions
    (returned as id → title, ids `extra-N`). Questions without a heading take `option`
    (a dimension id or title) or a dimension inferred from their wording. `taken`: ids
    already used elsewhere in the bank, never reused."""
    chosen: str | None = None
    if option is not None:
        chosen = match_dimension(option, dimensions)
        if chosen is None:
            raise ExamgenError(f"未知维度「{option}」，可选：{'、'.join(dimensions)}")
    new: dict[str, str] = {}
    placed: list[Placed] = []
    for q in result.questions:
        if q.heading:
            dim = match_dimension(q.heading, {**dimensions, **new})
            if dim is None:
                number = 1
                while f"extra-{number}" in dimensions or f"extra-{number}" in new:
                    number += 1
                dim = f"extra-{number}"
                new[dim] = q.heading.strip()
            placed.append(Placed(q, "", dim, "heading"))
        elif chosen is not None:
            placed.append(Placed(q, "", chosen, "option"))
        else:
            dim, words = infer_dimension(q, dimensions)
            placed.append(Placed(q, "", dim, "inferred", words))
    taken = taken or set()
    counters: Counter[str] = Counter()
    for p in placed:
        while True:
            counters[p.dimension] += 1
            qid = f"{role}-{p.dimension}-{counters[p.dimension]:03d}"
            if qid not in taken:
                break
        p.id = qid
    return placed, new
