"""Paper → HTML through the Jinja2 templates (strict, autoescaped)."""

from __future__ import annotations

from datetime import date as Date
from typing import Literal

import jinja2

from . import sheets
from .bank import DIFFICULTIES
from .errors import ExamgenError
from .layout import RECOMMENDATIONS  # one list: printed and scanned
from .paper import Paper
from .resources import templates_dir

Kind = Literal["sheet", "key", "booklet", "panel", "rating"]
KINDS: dict[str, str] = {"sheet": "题目卷", "key": "面试官用卷", "booklet": "面试官手册",
                         "panel": "面试合议表", "rating": "评分卡"}
ORAL_SHEET = "题本"  # the oral mode's sheet: read along, not written on
_NUMERALS = "一二三四五六七八九十"


def chinese_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (section numbers)."""
    if n <= 10:
        return _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _NUMERALS[tens - 1]) + "十" +
            (_NUMERALS[ones - 1] if ones else ""))


def chinese_date(iso: str) -> str:
    day = Date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def writing_lines(minutes: int) -> int:
    """Ruled lines on the sheet: about one per minute of answer time and a fifth more,
    between 4 and 12, so two questions usually share a page."""
    return max(4, min(12, round(minutes * 1.2)))


def note_lines(minutes: int) -> int:
    """Ruled lines for an interviewer's evidence notes: a line per minute and two more,
    between 5 and 14, so a long answer gets room and a short one no empty page."""
    return max(5, min(14, minutes + 2))


def anchor_levels(levels: tuple[tuple[int, str], ...]) -> list[tuple[int, str, bool]]:
    """Levels 1–5 as printed: the bank's own, and an undefined level between two defined
    ones spelled out as "between" (so 2 and 4 always mean the same thing to every rater).
    (level, text, spelled_out); empty when the question has no anchors."""
    defined = dict(levels)
    out: list[tuple[int, str, bool]] = []
    for level in range(1, 6):
        if level in defined:
            out.append((level, defined[level], False))
            continue
        lower = [n for n in defined if n < level]
        upper = [n for n in defined if n > level]
        if lower and upper:
            lo, hi = max(lower), min(upper)
            out.append((level, f"介于 {lo} 级与 {hi} 级之间：好于 {lo} 级的描述，"
                               f"但未完全达到 {hi} 级。", True))
    return out


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cn_numeral"] = chinese_numeral
    env.filters["cn_date"] = chinese_date
    env.globals.update(difficulty_label=DIFFICULTIES, writing_lines=writing_lines,
                       note_lines=note_lines, anchor_levels=anchor_levels,
                       recommendations=RECOMMENDATIONS, kinds=KINDS)
    sheets.register(env)
    return env


_env: jinja2.Environment | None = None


def kind_label(paper: Paper, kind: str) -> str:
    """What a document is called on its pages: 题目卷 / 题本, 面试官用卷, 面试官手册, 合议表."""
    return ORAL_SHEET if kind == "sheet" and paper.oral else KINDS[kind]


def render_html(paper: Paper, kind: Kind, font_urls: dict[str, str], **context: object) -> str:
    """The HTML of one document of a paper; `font_urls` maps weight → URL. `context` goes to
    the template as is: `interviewer` (1-based number) and `interviewer_name` for a key or
    booklet ("" when no interviewers were named)."""
    global _env
    if _env is None:
        _env = _environment()
    values = {"interviewer": 1, "interviewer_name": "", **context}
    try:
        template = _env.get_template(f"{kind}.html")
        return template.render(paper=paper, kind=kind, font_urls=font_urls,
                               sections=paper.sections(), label=kind_label(paper, kind),
                               **values)
    except jinja2.TemplateSyntaxError as exc:
        raise ExamgenError(f"模板语法错误：{exc.message}", exc.filename, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        raise ExamgenError(f"模板使用了未定义的变量：{exc.message}", f"{kind}.html") from None
