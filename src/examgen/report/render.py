"""RoundScores → the report's HTML, through the package's Jinja2 templates (report.html)."""

from __future__ import annotations

from collections.abc import Sequence

import jinja2

from ..consolidate import FLAG_SPREAD, LEANING, TRIM_FROM, PaperScore, RoundScores
from ..errors import ExamgenError
from ..history import PaperRecord
from ..render import RECOMMENDATIONS, _environment, chinese_date
from .charts import Bar, profile_chart, totals_chart


def number(value: float | None, digits: int = 1) -> str:
    """A score as printed: one decimal, a dash for nothing."""
    return "—" if value is None else f"{value:.{digits}f}"


def tally_text(tally: dict[str, int]) -> str:
    parts = [f"{label} {tally[label]}" for label in RECOMMENDATIONS if tally.get(label)]
    parts += [f"{k} {v}" for k, v in tally.items() if k not in RECOMMENDATIONS]
    return "，".join(parts) or "—"


def profile(score: PaperScore, scores: RoundScores):
    """The candidate's dimension chart: own share against the round's mean share."""
    rates = scores.dimension_rates()
    maxima = score.paper.dimension_max()
    dims = list(scores.dimensions)
    own = [score.dimensions[d] / maxima[d] if maxima.get(d) else None for d in dims]
    return profile_chart([scores.dimensions[d] for d in dims], own,
                         [rates.get(d) for d in dims],
                         f"{score.paper.candidate} 各维度得分率与本轮平均")


def totals(scores: RoundScores):
    bars = [Bar(s.paper.candidate or s.paper.id, s.total, s.max_points,
                f"{number(s.total)} / {number(s.max_points, 0)}" if s.rated else "尚未评分")
            for s in scores.papers]
    return totals_chart(bars, "本轮各应聘者总分")


def common_maxima(scores: RoundScores) -> dict[str, float | None]:
    """Per dimension, its points when every paper holding it gives it the same, else None
    (then each cell shows its own maximum)."""
    out: dict[str, float | None] = {}
    for dim in scores.dimensions:
        maxima = {s.paper.dimension_max()[dim] for s in scores.papers
                  if dim in s.paper.dimension_max()}
        out[dim] = maxima.pop() if len(maxima) == 1 else None
    return out


def printed_texts(scores: RoundScores, records: Sequence[PaperRecord]
                  ) -> list[tuple[str, str, str]]:
    """Everything from the history that the report prints, for the font check."""
    texts = [(s.paper.id, "candidate", s.paper.candidate) for s in scores.papers]
    texts += [(f"维度 {d}", "title", t) for d, t in scores.dimensions.items()]
    texts += [(f"面试官 {t.number}", "name", t.name) for t in scores.interviewers]
    texts += [(r.id, "company", r.company) for r in records]
    texts += [(r.id, "role_title", r.role_title) for r in records]
    return texts


_env: jinja2.Environment | None = None


def render_report(scores: RoundScores, records: Sequence[PaperRecord],
                  font_urls: dict[str, str]) -> str:
    global _env
    if _env is None:
        _env = _environment()
        _env.filters["num"] = number
    companies = sorted({r.company for r in records if r.company})
    days = sorted({r.date for r in records if r.date})
    context = dict(
        scores=scores, font_urls=font_urls, tally_text=tally_text,
        profile=lambda s: profile(s, scores), totals_chart=totals(scores),
        company="、".join(companies),
        roles="、".join(dict.fromkeys(r.role_title for r in records)),
        dates="至".join(chinese_date(d) for d in dict.fromkeys([days[0], days[-1]]))
        if days else "",
        panel_size=max((len(s.interviewers) for s in scores.papers), default=0),
        flag_spread=FLAG_SPREAD, trim_from=TRIM_FROM, leaning=LEANING,
        common_max=common_maxima(scores),
        rank_z={pid: i for i, pid in enumerate(scores.standardized_order, start=1)},
    )
    try:
        return _env.get_template("report.html").render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ExamgenError(f"模板语法错误：{exc.message}", exc.filename, exc.lineno) from None
    except jinja2.UndefinedError as exc:
        raise ExamgenError(f"模板使用了未定义的变量：{exc.message}", "report.html") from None
