"""Planning a paper by time (`--minutes`): questions whose minutes fill the budget.

What matters, in order: never over the budget; every dimension of the role's mix has a
question; no question a candidate must avoid (penalty ≥ AVOID) while another fits; the total
as close to the budget as the bank allows; the fewest questions already used in the round;
a count near the budget's natural size (budget ÷ average minutes); the difficulty mix and the
seeded order. The mix is followed by count: for each candidate count k the dimensions get
their largest-remainder share of k (at least one each), and within a dimension an exact
"choose q of these, at most one per group" knapsack over minutes finds the preferred set for
every total. A group that spans dimensions is settled afterwards by dropping one question of
it and planning again.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from .bank import Bank, Question
from .errors import ExamgenError
from .sampling import AVOID, DIFFICULTY_ORDER, Selection, largest_remainder

# (questions to avoid, penalty sum, preference rank sum): smaller is better.
Cost = tuple[int, int, int]


@dataclass(frozen=True)
class _Plan:
    questions: tuple[Question, ...]
    cost: Cost
    minutes: int


def quotas_for(mix: Mapping[str, int], count: int) -> dict[str, int]:
    """Largest-remainder shares of `count`, but at least one question for every dimension
    (taken from the dimensions with the most, so the mix bends as little as it can)."""
    dims = [d for d, w in mix.items() if w > 0]
    quotas = largest_remainder({d: mix[d] for d in dims}, count)
    for dim in dims:
        if quotas[dim] == 0:
            donor = max(dims, key=lambda d: (quotas[d] - mix[d] * count / sum(mix.values()),
                                             quotas[d], -dims.index(d)))
            quotas[donor] -= 1
            quotas[dim] = 1
    return quotas


def _preference(pool: list[Question], role_difficulty: Mapping[str, int],
                rng: random.Random) -> dict[str, int]:
    """A rank per question: within each dimension the seeded order, interleaved by
    difficulty so that any first k follow the difficulty mix as closely as possible."""
    shuffled = sorted(pool, key=lambda q: q.id)
    rng.shuffle(shuffled)
    weights = {lvl: role_difficulty.get(lvl, 0) for lvl in DIFFICULTY_ORDER}
    if sum(weights.values()) <= 0:
        weights = dict.fromkeys(DIFFICULTY_ORDER, 1)
    rank: dict[str, int] = {}
    for dim in dict.fromkeys(q.dimension for q in shuffled):
        queues = {lvl: [q for q in shuffled if q.dimension == dim and q.difficulty == lvl]
                  for lvl in DIFFICULTY_ORDER}
        taken = dict.fromkeys(DIFFICULTY_ORDER, 0)
        position = 0
        while any(queues.values()):
            position += 1
            target = largest_remainder(weights, position)
            open_levels = [lvl for lvl in DIFFICULTY_ORDER if queues[lvl]]
            level = max(open_levels, key=lambda lvl: (target[lvl] - taken[lvl],
                                                      weights[lvl],
                                                      -DIFFICULTY_ORDER.index(lvl)))
            taken[level] += 1
            q = queues[level].pop(0)
            rank[q.id] = len(rank)
    return rank


def _dimension_table(items: list[Question], quota: int, budget: int,
                     cost_of: Mapping[str, Cost]) -> dict[int, tuple[Cost, tuple[Question, ...]]]:
    """For every total of minutes, the cheapest set of exactly `quota` questions of this
    dimension with at most one per group: a knapsack over (count, minutes)."""
    classes: dict[str, list[Question]] = {}
    for q in items:
        classes.setdefault(q.group or f"\0{q.id}", []).append(q)
    # table[c][m] = (cost, questions)
    table: list[dict[int, tuple[Cost, tuple[Question, ...]]]] = [
        {0: ((0, 0, 0), ())}] + [{} for _ in range(quota)]
    for members in classes.values():
        new = [dict(row) for row in table]
        for c in range(quota):
            for m, (cost, chosen) in table[c].items():
                for q in members:
                    total = m + q.minutes
                    if total > budget:
                        continue
                    qc = cost_of[q.id]
                    candidate = ((cost[0] + qc[0], cost[1] + qc[1], cost[2] + qc[2]),
                                 (*chosen, q))
                    best = new[c + 1].get(total)
                    if best is None or _key(candidate) < _key(best):
                        new[c + 1][total] = candidate
        table = new
    return table[quota]


def _key(entry: tuple[Cost, tuple[Question, ...]]) -> tuple:
    cost, chosen = entry
    return (cost, tuple(sorted(q.id for q in chosen)))


def _plan_count(by_dim: dict[str, list[Question]], quotas: dict[str, int], budget: int,
                cost_of: Mapping[str, Cost]) -> _Plan | None:
    """The best plan with exactly these quotas, or None when they cannot fit the budget."""
    combined: dict[int, tuple[Cost, tuple[Question, ...]]] = {0: ((0, 0, 0), ())}
    for dim, quota in quotas.items():
        if quota == 0:
            continue
        if len(by_dim.get(dim, [])) < quota:
            return None
        table = _dimension_table(by_dim[dim], quota, budget, cost_of)
        merged: dict[int, tuple[Cost, tuple[Question, ...]]] = {}
        for m1, (c1, q1) in combined.items():
            for m2, (c2, q2) in table.items():
                total = m1 + m2
                if total > budget:
                    continue
                candidate = ((c1[0] + c2[0], c1[1] + c2[1], c1[2] + c2[2]), q1 + q2)
                best = merged.get(total)
                if best is None or _key(candidate) < _key(best):
                    merged[total] = candidate
        if not merged:
            return None
        combined = merged
    # Avoided questions first, then the closest to the budget, then the cheapest.
    minutes, (cost, chosen) = min(combined.items(),
                                  key=lambda kv: (kv[1][0][0], -kv[0], kv[1][0][1:], _key(kv[1])))
    return _Plan(chosen, cost, minutes)


def plan_by_minutes(bank: Bank, role_id: str, budget: int, seed: int, *,
                    count: int | None = None, allow_shortfall: bool = False,
                    penalty: Mapping[str, int] | None = None) -> Selection:
    """Choose questions for a role whose minutes add up to at most `budget` (and exactly
    `count` of them when given); the same seed gives the same selection."""
    role = bank.role(role_id)
    pool = bank.for_role(role_id)
    if budget < 1:
        raise ExamgenError("时间预算必须至少为 1 分钟")
    penalty = penalty or {}
    mix = {d: w for d, w in role.mix.items() if w > 0}
    notes: list[str] = []
    empty = [d for d in mix if not any(q.dimension == d for q in pool)]
    if empty:
        described = "、".join(f"「{bank.dimensions[d]}」" for d in empty)
        if not allow_shortfall:
            raise ExamgenError(f"题库中没有{described}的题目，无法让每个维度都有题"
                               "（可加 --allow-shortfall 不考这些维度）")
        notes.append(f"题库中没有{described}的题目，本卷未考这些维度")
        mix = {d: w for d, w in mix.items() if d not in empty}
    if not mix:
        raise ExamgenError(f"题库中没有「{role.title}」的题目")
    if count is not None and count < len(mix):
        raise ExamgenError(f"题量 {count} 少于维度数 {len(mix)}：按时间出题时每个维度至少一题")

    rng = random.Random(f"{role_id}:{seed}:minutes")
    rank = _preference(pool, role.difficulty, rng)
    cost_of: dict[str, Cost] = {q.id: (int(penalty.get(q.id, 0) >= AVOID),
                                       penalty.get(q.id, 0), rank[q.id]) for q in pool}
    by_dim = {d: sorted((q for q in pool if q.dimension == d), key=lambda q: rank[q.id])
              for d in mix}
    mean = sum(q.minutes for q in pool if q.dimension in mix) / sum(map(len, by_dim.values()))
    natural = budget / mean
    counts = [count] if count is not None else range(len(mix), sum(map(len, by_dim.values())) + 1)

    excluded: set[str] = set()
    while True:
        usable = {d: [q for q in qs if q.id not in excluded] for d, qs in by_dim.items()}
        best: tuple[tuple, _Plan] | None = None
        for k in counts:
            quotas = quotas_for(mix, k)
            if any(len(usable[d]) < n for d, n in quotas.items()) or sum(
                    sum(q.minutes for q in sorted(usable[d], key=lambda q: q.minutes)[:n])
                    for d, n in quotas.items()) > budget:
                continue  # cannot fit, whatever is chosen
            plan = _plan_count(usable, quotas, budget, cost_of)
            if plan is None:
                continue
            key = (plan.cost[0], -plan.minutes, plan.cost[1], abs(k - natural), k, plan.cost[2])
            if best is None or key < best[0]:
                best = (key, plan)
        if best is None:
            raise ExamgenError(_infeasible(bank, mix, usable, budget, count))
        plan = best[1]
        clash = _group_clash(plan.questions, rank)
        if clash is None:
            break
        excluded.add(clash.id)

    dims = list(bank.dimensions)
    ordered = sorted(plan.questions, key=lambda q: (
        dims.index(q.dimension), DIFFICULTY_ORDER.index(q.difficulty), rank[q.id]))
    quotas = {d: sum(q.dimension == d for q in ordered) for d in mix}
    return Selection(questions=tuple(ordered), quotas=quotas, notes=tuple(notes))


def _group_clash(chosen: tuple[Question, ...], rank: Mapping[str, int]) -> Question | None:
    """The less preferred question of two sharing a group (across dimensions), if any."""
    seen: dict[str, Question] = {}
    for q in sorted(chosen, key=lambda q: rank[q.id]):
        if q.group and q.group in seen:
            return q
        if q.group:
            seen[q.group] = q
    return None


def _infeasible(bank: Bank, mix: Mapping[str, int], by_dim: Mapping[str, list[Question]],
                budget: int, count: int | None) -> str:
    """Why nothing fits, in one line: the shortest paper that would."""
    if count is not None:
        quotas = quotas_for(mix, count)
        short = [d for d, n in quotas.items() if len(by_dim[d]) < n]
        if short:
            gaps = "；".join(f"「{bank.dimensions[d]}」需 {quotas[d]} 题、只有 {len(by_dim[d])} 题"
                            for d in short)
            return f"题库不足以按比例出 {count} 题：{gaps}"
        need = sum(sum(sorted(q.minutes for q in by_dim[d])[:n]) for d, n in quotas.items())
        return (f"{budget} 分钟内排不下 {count} 道题：按维度比例最短也需要 {need} 分钟"
                f"（可加大 --minutes 或减少 --count）")
    need = sum(min(q.minutes for q in by_dim[d]) for d in mix)
    return (f"{budget} 分钟不够每个能力维度各一题：最短也需要 {need} 分钟"
            "（可加大 --minutes）")
