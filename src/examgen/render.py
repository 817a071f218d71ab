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

Kind = Literal["sheet", "key", "rating"]
KINDS: dict[Kind, str] = {"sheet": "题目卷", "key": "面试官用卷", "rating": "评分卡"}

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
                       recommendations=RECOMMENDATIONS, kinds=KINDS)
    sheets.register(env)
    return env


_env: jinja2.Environment | None = None


def render_html(paper: Paper, kind: Kind, font_urls: dict[str, str], **context) -> str:
    """The HTML of the question sheet, the answer key or a rating sheet; `font_urls` maps
    weight → URL; `context` adds e.g. `interviewer` and `interviewer_name`."""
    global _env
    if _env is None:
        _env = _environment()
    try:
        template = _env.get_template(f"{kind}.html")
        return template.render(paper=paper, kind=kind, font_urls=font_urls,
                               sections=paper.sections(), **context)
    except jinja2.TemplateSyntaxError as exc:
        raise ExamgenError(f"模板语法错误：{exc.message}", exc.filename, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        raise ExamgenError(f"模板使用了未定义的变量：{exc.message}", f"{kind}.html") from None
