"""Question statistics over every rated paper: which questions separate candidates, and how
far interviewers agree. A number that needs more data than there is stays None with the
reason beside it, never a made-up value.

- asked: papers that held the question; rated: of those, papers with at least one rating;
- mean and sd (sample standard deviation) over every single rating of the question;
- item–rest correlation: across the papers that rated it, Pearson's r between the panel's
  rating of the question and the panel's mean rating of the paper's other questions (a mean,
  not a sum, so papers with different questions compare);
- per dimension, Krippendorff's alpha (ordinal, values 1–5) with interviewers as coders and
  each (paper, question) of the dimension as a unit.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from .consolidate import PaperInfo, PaperScore, score_paper
from .readings import Reading

MIN_SD = 2  # ratings
MIN_CORRELATION = 3  # papers


@dataclass(frozen=True)
class QuestionStats:
    id: str
    dimension: str
    asked: int
    rated: int
    ratings: int
    mean: float | None
    sd: float | None
    item_rest: float | None
    notes: dict[str, str] = field(default_factory=dict)  # statistic → why it is None


@dataclass(frozen=True)
class DimensionStats:
    id: str
    title: str
    alpha: float | None
    units: int  # (paper, question) pairs rated by two or more interviewers
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Statistics:
    papers: int  # papers with at least one rating
    questions: tuple[QuestionStats, ...]
    dimensions: tuple[DimensionStats, ...]
    notes: tuple[str, ...] = ()

    @property
    def never_rated(self) -> list[str]:
        return [q.id for q in self.questions if q.rated == 0]

    def to_json(self) -> dict:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "papers": self.papers,
            "questions": [{"id": q.id, "dimension": q.dimension, "asked": q.asked,
                           "rated": q.rated, "ratings": q.ratings, "mean": r(q.mean),
                           "sd": r(q.sd), "item_rest": r(q.item_rest), "notes": q.notes}
                          for q in self.questions],
            "dimensions": [{"id": d.id, "title": d.title, "alpha": r(d.alpha),
                            "units": d.units, "notes": d.notes} for d in self.dimensions],
            "never_rated": self.never_rated,
            "notes": list(self.notes),
        }


def question_stats(qid: str, dimension: str, papers: list[PaperInfo],
                   scores: dict[str, PaperScore]) -> QuestionStats:
    asked = rated = 0
    values: list[int] = []
    pairs: list[tuple[float, float]] = []
    for p in papers:
        for q in p.questions:
            if q.id != qid:
                continue
            asked += 1
            s = scores[p.id]
            given = [i.ratings[q.number] for i in s.interviewers if q.number in i.ratings]
            if not given:
                continue
            rated += 1
            values += given
            rest = [v for n, v in s.question_ratings.items() if n != q.number and v is not None]
            if rest:
                pairs.append((s.question_ratings[q.number], statistics.fmean(rest)))
    notes: dict[str, str] = {}
    mean = statistics.fmean(values) if values else None
    if mean is None:
        notes["mean"] = "还没有评分"
    sd = statistics.stdev(values) if len(values) >= MIN_SD else None
    if sd is None:
        notes["sd"] = f"需要至少 {MIN_SD} 个评分（现有 {len(values)} 个）"
    item_rest = None
    if len(pairs) < MIN_CORRELATION:
        notes["item_rest"] = (f"需要至少 {MIN_CORRELATION} 份评过本题和其他题的试卷"
                              f"（现有 {len(pairs)} 份）")
    elif len({x for x, _ in pairs}) < 2:
        notes["item_rest"] = "各试卷本题评分相同，无法计算相关"
    elif len({y for _, y in pairs}) < 2:
        notes["item_rest"] = "各试卷其余题目的平均评分相同，无法计算相关"
    else:
        item_rest = statistics.correlation([x for x, _ in pairs], [y for _, y in pairs])
    return QuestionStats(qid, dimension, asked, rated, len(values), mean, sd, item_rest, notes)


def dimension_alpha(dim: str, title: str, papers: list[PaperInfo],
                    scores: dict[str, PaperScore]) -> DimensionStats:
    """Krippendorff's alpha (ordinal) for one dimension; None with the reason when the
    data cannot give one (no question rated twice, or no difference among the ratings)."""
    units: list[dict[int, int]] = []
    for p in papers:
        s = scores[p.id]
        for q in p.questions:
            if q.dimension == dim:
                unit = {i.number: i.ratings[q.number] for i in s.interviewers
                        if q.number in i.ratings}
                if unit:
                    units.append(unit)
    pairable = [u for u in units if len(u) >= 2]
    if not pairable:
        return DimensionStats(dim, title, None, 0,
                              {"alpha": "没有一道题被两位及以上面试官评过"})
    if len({v for u in pairable for v in u.values()}) < 2:
        return DimensionStats(dim, title, None, len(pairable),
                              {"alpha": "所有评分都相同，一致性无从计算"})
    import krippendorff
    import numpy as np

    coders = sorted({n for u in units for n in u})
    data = np.full((len(coders), len(units)), np.nan)
    for j, unit in enumerate(units):
        for n, v in unit.items():
            data[coders.index(n), j] = v
    alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal",
                                     value_domain=[1, 2, 3, 4, 5]))
    if math.isnan(alpha):
        return DimensionStats(dim, title, None, len(pairable), {"alpha": "数据不足"})
    return DimensionStats(dim, title, alpha, len(pairable))


def statistics_of(papers: list[PaperInfo], readings: list[Reading],
                  notes: tuple[str, ...] = ()) -> Statistics:
    """Every question asked on these papers (in first-asked order) and every dimension."""
    scores = {p.id: score_paper(p, readings) for p in papers}
    questions: dict[str, str] = {}
    dims: dict[str, str] = {}
    for p in papers:
        for q in p.questions:
            questions.setdefault(q.id, q.dimension)
            dims.setdefault(q.dimension, p.dimensions.get(q.dimension, q.dimension))
    order = {d: i for p in papers for i, d in enumerate(p.dimensions)}
    rated = sum(1 for s in scores.values() if any(i.ratings for i in s.interviewers))
    return Statistics(
        papers=rated,
        questions=tuple(question_stats(qid, dim, papers, scores)
                        for qid, dim in questions.items()),
        dimensions=tuple(dimension_alpha(d, t, papers, scores)
                         for d, t in sorted(dims.items(), key=lambda kv: order.get(kv[0], 99))),
        notes=notes)
