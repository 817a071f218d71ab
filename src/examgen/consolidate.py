"""Ratings → scores: per interviewer, per dimension, the panel, flags and a ranking.

Pure functions over dataclasses: `consolidate` knows papers (which question has which
number, dimension and points) and readings, nothing about images, files or the history.

The rules, so that a person can recompute every number by hand:
- a rating r of a question worth p points scores r / 5 × p;
- an interviewer's total (and dimension subtotal) sums the questions they rated; a question
  they did not rate is left out and counted as missing;
- the panel's score of a question is the mean score of the interviewers who rated it (so
  with every question rated, the panel total is the mean of the interviewers' totals); when
  five or more rated it, the highest and the lowest rating are dropped first (体操计分法);
  a question nobody rated adds nothing;
- a question whose ratings differ by 2 levels or more is flagged for 合议;
- when the round's papers hold different questions, each paper also gets a standardized
  score: for every question asked on two or more papers, the z-score of the paper's panel
  rating among those papers (population standard deviation; all equal → 0), averaged over
  the paper's questions that have one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import fmean, pstdev

from .readings import GRID, RECOMMENDATION, Reading

TRIM_FROM = 5  # raters of a question from which the highest and lowest are dropped
FLAG_SPREAD = 2  # rating levels apart that call for 合议
LEANING = 0.5  # mean rating this far above/below the panel's counts as lenient/harsh
RATINGS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class QuestionInfo:
    number: int  # as printed on the paper, 1…N
    id: str
    dimension: str
    points: float


@dataclass(frozen=True)
class PaperInfo:
    """What consolidation needs to know about one paper."""

    id: str
    candidate: str
    questions: tuple[QuestionInfo, ...]
    dimensions: dict[str, str]  # id → title, in print order
    round: str = ""
    interviewers: tuple[str, ...] = ()  # names; number = position + 1; () = not recorded
    same_questions: bool | None = None  # recorded by the round, None = not recorded

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def dimension_max(self) -> dict[str, float]:
        out = {d: 0.0 for d in self.used_dimensions()}
        for q in self.questions:
            out[q.dimension] += q.points
        return out

    def used_dimensions(self) -> list[str]:
        """The dimensions of its questions, in the bank's print order."""
        used = {q.dimension for q in self.questions}
        ordered = [d for d in self.dimensions if d in used]
        return ordered + sorted(used - set(ordered))

    def interviewer_name(self, number: int) -> str:
        if 1 <= number <= len(self.interviewers) and self.interviewers[number - 1]:
            return self.interviewers[number - 1]
        return f"面试官{number}"


@dataclass(frozen=True)
class InterviewerScore:
    number: int
    name: str
    total: float
    dimensions: dict[str, float]
    ratings: dict[int, int]  # question number → rating 1–5
    missing: tuple[int, ...]  # question numbers this interviewer did not rate
    recommendation: str | None


@dataclass(frozen=True)
class Flag:
    """A question the panel should discuss: its ratings lie 2 levels or more apart."""

    number: int
    question: str
    dimension: str
    ratings: dict[int, int]  # interviewer number → rating

    @property
    def spread(self) -> int:
        return max(self.ratings.values()) - min(self.ratings.values())


@dataclass(frozen=True)
class PaperScore:
    paper: PaperInfo
    total: float
    dimensions: dict[str, float]
    interviewers: tuple[InterviewerScore, ...]
    question_ratings: dict[int, float | None]  # panel rating per question (after trimming)
    trimmed: tuple[int, ...]  # questions whose highest and lowest rating were dropped
    flags: tuple[Flag, ...]
    recommendations: dict[str, int]
    missing: int  # ratings not given (interviewer × question)
    standardized: float | None = None

    @property
    def max_points(self) -> float:
        return self.paper.max_points

    @property
    def rated(self) -> bool:
        return any(i.ratings for i in self.interviewers)


@dataclass(frozen=True)
class InterviewerTendency:
    """An interviewer's mean rating against the panel's on the same questions."""

    number: int
    name: str
    ratings: int
    mean: float | None
    panel_mean: float | None

    @property
    def leaning(self) -> str:
        if self.mean is None or self.panel_mean is None:
            return ""
        diff = self.mean - self.panel_mean
        return "偏宽" if diff >= LEANING else "偏严" if diff <= -LEANING else "适中"


@dataclass(frozen=True)
class RoundScores:
    round: str
    papers: tuple[PaperScore, ...]  # ranked: highest total first
    dimensions: dict[str, str]  # every dimension of the round, in print order
    same_questions: bool
    interviewers: tuple[InterviewerTendency, ...]
    notes: tuple[str, ...] = ()
    standardized_order: tuple[str, ...] = field(default=())  # paper ids, papers differ only

    @property
    def trimmed(self) -> bool:
        return any(p.trimmed for p in self.papers)

    def dimension_rates(self) -> dict[str, float]:
        """The round's mean share of the points reached per dimension (0–1), over the
        papers rated so far."""
        out: dict[str, float] = {}
        for dim in self.dimensions:
            rates = [p.dimensions[dim] / m for p in self.papers
                     if p.rated and (m := p.paper.dimension_max().get(dim))]
            if rates:
                out[dim] = fmean(rates)
        return out


def rating_value(value: str | None) -> int | None:
    """A stored rating as a number, None when not rated (or not a rating)."""
    return int(value) if value in RATINGS else None


def panel_rating(ratings: list[int]) -> tuple[float | None, bool]:
    """(the panel's rating of one question, whether highest and lowest were dropped)."""
    if not ratings:
        return None, False
    if len(ratings) >= TRIM_FROM:
        kept = sorted(ratings)[1:-1]
        return fmean(kept), True
    return fmean(ratings), False


def score_paper(paper: PaperInfo, readings: list[Reading]) -> PaperScore:
    """One paper's scores from its readings (readings of other papers are ignored)."""
    mine = [r for r in readings if r.paper == paper.id and r.interviewer != GRID]
    numbers = {q.number for q in paper.questions}
    expected = range(1, len(paper.interviewers) + 1) if paper.interviewers else ()
    panel = sorted(set(expected) | {r.interviewer for r in mine})
    given: dict[int, dict[int, int]] = {n: {} for n in panel}
    recommendation: dict[int, str | None] = {n: None for n in panel}
    for r in mine:
        if r.question == RECOMMENDATION:
            recommendation[r.interviewer] = r.value or None
        elif r.question.isdigit() and int(r.question) in numbers:
            value = rating_value(r.value)
            if value is not None:
                given[r.interviewer][int(r.question)] = value
    dims = paper.used_dimensions()
    by_number = {q.number: q for q in paper.questions}
    scores = []
    for n in panel:
        subtotal = dict.fromkeys(dims, 0.0)
        for number, rating in given[n].items():
            q = by_number[number]
            subtotal[q.dimension] += rating / 5 * q.points
        scores.append(InterviewerScore(
            number=n, name=paper.interviewer_name(n), total=sum(subtotal.values()),
            dimensions=subtotal, ratings=dict(sorted(given[n].items())),
            missing=tuple(q.number for q in paper.questions if q.number not in given[n]),
            recommendation=recommendation[n]))
    question_ratings: dict[int, float | None] = {}
    trimmed, flags = [], []
    panel_dims = dict.fromkeys(dims, 0.0)
    for q in paper.questions:
        by_rater = {n: given[n][q.number] for n in panel if q.number in given[n]}
        rating, was_trimmed = panel_rating(list(by_rater.values()))
        question_ratings[q.number] = rating
        if was_trimmed:
            trimmed.append(q.number)
        if rating is not None:
            panel_dims[q.dimension] += rating / 5 * q.points
        if by_rater and max(by_rater.values()) - min(by_rater.values()) >= FLAG_SPREAD:
            flags.append(Flag(q.number, q.id, q.dimension, by_rater))
    tally = Counter(v for v in recommendation.values() if v)
    return PaperScore(
        paper=paper, total=sum(panel_dims.values()), dimensions=panel_dims,
        interviewers=tuple(scores), question_ratings=question_ratings,
        trimmed=tuple(trimmed), flags=tuple(flags), recommendations=dict(tally),
        missing=sum(len(s.missing) for s in scores))


def papers_share_questions(papers: list[PaperInfo]) -> bool:
    """True when every paper was recorded as same-questions, or all hold the same set."""
    if papers and all(p.same_questions for p in papers):
        return True
    sets = {frozenset(q.id for q in p.questions) for p in papers}
    return len(sets) <= 1


def standardized_scores(scores: list[PaperScore]) -> dict[str, float | None]:
    """Paper id → mean z-score of its panel ratings over questions shared with others."""
    by_question: dict[str, dict[str, float]] = {}
    for s in scores:
        for q in s.paper.questions:
            rating = s.question_ratings.get(q.number)
            if rating is not None:
                by_question.setdefault(q.id, {})[s.paper.id] = rating
    zs: dict[str, list[float]] = {s.paper.id: [] for s in scores}
    for values in by_question.values():
        if len(values) < 2:
            continue
        mean, sd = fmean(values.values()), pstdev(values.values())
        for paper_id, rating in values.items():
            zs[paper_id].append((rating - mean) / sd if sd else 0.0)
    return {pid: (fmean(z) if z else None) for pid, z in zs.items()}


def tendencies(scores: list[PaperScore]) -> list[InterviewerTendency]:
    """Per interviewer (number and name), their mean rating and the panel's on the same
    questions; the same number under different names counts as different people."""
    cells: dict[tuple[int, str], list[tuple[int, float]]] = {}
    for s in scores:
        for i in s.interviewers:
            pairs = cells.setdefault((i.number, i.name), [])
            for number, rating in i.ratings.items():
                panel = s.question_ratings[number]
                if panel is not None:
                    pairs.append((rating, panel))
    out = []
    for (number, name), pairs in sorted(cells.items()):
        out.append(InterviewerTendency(
            number=number, name=name, ratings=len(pairs),
            mean=fmean(p[0] for p in pairs) if pairs else None,
            panel_mean=fmean(p[1] for p in pairs) if pairs else None))
    return out


def consolidate(papers: list[PaperInfo], readings: list[Reading],
                round_id: str = "") -> RoundScores:
    """Score every paper, rank them (highest total first) and say what the ranking rests on."""
    scores = [score_paper(p, readings) for p in papers]
    same = papers_share_questions(papers)
    notes: list[str] = []
    order: tuple[str, ...] = ()
    if not same:
        z = standardized_scores(scores)
        scores = [_with_z(s, z[s.paper.id]) for s in scores]
        order = tuple(s.paper.id for s in sorted(
            scores, key=lambda s: (s.standardized is None, -(s.standardized or 0),
                                   s.paper.candidate, s.paper.id)))
        notes.append("本轮各试卷的题目不同，原始总分不能直接比较；另按标准分（每道题在本轮"
                     "各试卷间的 z 分数的平均）排序。")
        if len(scores) > 1 and all(s.standardized is None for s in scores):
            notes.append("没有一道题在两份及以上试卷中都有评分，无法计算标准分；"
                         "请结合各维度得分率比较。")
    if any(s.trimmed for s in scores):
        notes.append(f"有 {TRIM_FROM} 位及以上面试官评分的题目，去掉一个最高分和一个最低分后"
                     "取平均（体操计分法）。")
    for s in scores:
        if not s.rated:
            notes.append(f"试卷 {s.paper.id}（{s.paper.candidate or '未填姓名'}）还没有任何评分。")
    # Highest total first; a paper nobody has rated yet comes last, whatever its zeros say.
    scores.sort(key=lambda s: (not s.rated, -s.total, s.paper.candidate, s.paper.id))
    used = {d for p in papers for d in p.used_dimensions()}
    dims: dict[str, str] = {}
    for p in papers:
        for d in [*p.dimensions, *p.used_dimensions()]:
            if d in used:
                dims.setdefault(d, p.dimensions.get(d, d))
    return RoundScores(round=round_id, papers=tuple(scores), dimensions=dims,
                       same_questions=same, interviewers=tuple(tendencies(scores)),
                       notes=tuple(notes), standardized_order=order)


def _with_z(score: PaperScore, z: float | None) -> PaperScore:
    from dataclasses import replace

    return replace(score, standardized=z)
