"""Balanced, reproducible sampling of a paper's questions from a bank.

Quotas per dimension come from the role's mix by largest remainder; within a dimension the
difficulty mix is followed as closely as the bank allows; no two questions share a group;
the same seed gives the same selection. `penalty` lets rounds and returning candidates
steer away from questions already used without ever making a paper impossible.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from .bank import DIFFICULTIES, Bank, Question
from .errors import ExamgenError

DIFFICULTY_ORDER = tuple(DIFFICULTIES)
# A penalty this high means "only if nothing else fits": such a question is not taken to
# keep the difficulty mix, only to fill the count (a returning candidate's seen questions).
AVOID = 1000


def largest_remainder(weights: Mapping[str, int], count: int) -> dict[str, int]:
    """Split `count` over `weights` into integers that sum to `count`.

    Each key gets the floor of its exact share; the leftover units go to the largest
    remainders, ties to the key listed first.
    """
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("weights must sum to more than 0")
    shares = {key: count * w // total for key, w in weights.items()}
    remainders = {key: count * w % total for key, w in weights.items()}
    order = list(weights)
    leftover = count - sum(shares.values())
    for key in sorted(order, key=lambda k: (-remainders[k], order.index(k)))[:leftover]:
        shares[key] += 1
    return shares


@dataclass(frozen=True)
class Selection:
    """The questions of a paper in print order, and what the sampler had to say."""

    questions: tuple[Question, ...]
    quotas: dict[str, int]
    notes: tuple[str, ...] = ()


def sample(bank: Bank, role_id: str, count: int, seed: int, *, allow_shortfall: bool = False,
           penalty: Mapping[str, int] | None = None) -> Selection:
    """Choose `count` questions for a role.

    `penalty` maps question ids to a cost: cheaper questions are taken first (a round passes
    how often each question was used; a returning candidate's seen questions cost more).
    """
    role = bank.role(role_id)
    pool = bank.for_role(role_id)
    if count < 1:
        raise ExamgenError("题量必须至少为 1")
    if count > len(pool):
        raise ExamgenError(f"题量 {count} 超过题库中「{role.title}」的题目总数 {len(pool)}")
    penalty = penalty or {}
    rng = random.Random(f"{role_id}:{seed}")
    shuffled = sorted(pool, key=lambda q: q.id)
    rng.shuffle(shuffled)
    rank = {q.id: i for i, q in enumerate(shuffled)}

    def cost(q: Question) -> tuple[int, int]:
        return (penalty.get(q.id, 0), rank[q.id])

    quotas = largest_remainder(role.mix, count)
    chosen: list[Question] = []
    groups: set[str] = set()

    def free(q: Question) -> bool:
        return q not in chosen and (q.group is None or q.group not in groups)

    def take(q: Question) -> None:
        chosen.append(q)
        if q.group:
            groups.add(q.group)

    shortfalls: dict[str, int] = {}
    for dim, quota in quotas.items():
        if quota == 0:
            continue
        in_dim = sorted((q for q in pool if q.dimension == dim), key=cost)
        targets = largest_remainder(role.difficulty, quota)
        for level in DIFFICULTY_ORDER:
            for q in [q for q in in_dim if q.difficulty == level]:
                if targets.get(level, 0) == 0:
                    break
                if free(q) and penalty.get(q.id, 0) < AVOID:
                    take(q)
                    targets[level] -= 1
        missing_levels = [lvl for lvl, n in targets.items() if n > 0]
        still = sum(targets.values())
        if still:
            # Fill from the nearest difficulty the bank has, cheapest first.
            def nearness(q: Question, missing: list[str] = missing_levels) -> tuple[int, ...]:
                d = min(abs(DIFFICULTY_ORDER.index(q.difficulty) - DIFFICULTY_ORDER.index(m))
                        for m in missing)
                return (penalty.get(q.id, 0), d, rank[q.id])

            for q in sorted(in_dim, key=nearness):
                if still == 0:
                    break
                if free(q):
                    take(q)
                    still -= 1
        if still:
            shortfalls[dim] = still

    notes: list[str] = []
    if shortfalls:
        described = "；".join(f"「{bank.dimensions[d]}」缺 {n} 题" for d, n in shortfalls.items())
        if not allow_shortfall:
            raise ExamgenError(f"题库不足以按比例出题：{described}"
                               "（可加 --allow-shortfall 从其他维度补足）")
        rest = sorted((q for q in pool if free(q)), key=cost)
        need = sum(shortfalls.values())
        for q in rest[:need]:
            take(q)
        if len(chosen) < count:
            raise ExamgenError(f"题库不足：同组题目互斥后只能选出 {len(chosen)} 题，"
                               f"需要 {count} 题")
        notes.append(f"{described}，已从其他维度补足")

    dims = list(bank.dimensions)
    ordered = sorted(chosen, key=lambda q: (dims.index(q.dimension),
                                            DIFFICULTY_ORDER.index(q.difficulty), rank[q.id]))
    return Selection(questions=tuple(ordered), quotas=quotas, notes=tuple(notes))


def choose(bank: Bank, role_id: str, seed: int, *, count: int | None = None,
           minutes: int | None = None, allow_shortfall: bool = False,
           penalty: Mapping[str, int] | None = None) -> Selection:
    """By count (`sample`) or, with `minutes`, by time (`timeplan.plan_by_minutes`: `count`
    questions within the budget when both are given)."""
    if minutes is None:
        return sample(bank, role_id, count if count is not None else 20, seed,
                      allow_shortfall=allow_shortfall, penalty=penalty)
    from .timeplan import plan_by_minutes  # it builds on this module

    return plan_by_minutes(bank, role_id, minutes, seed, count=count,
                           allow_shortfall=allow_shortfall, penalty=penalty)
