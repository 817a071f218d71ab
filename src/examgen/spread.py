"""Spreading a round's questions over its papers: candidates of one round sit in the same
waiting room, so first the fewest repeats the bank allows, then every paper's difficulty mix
as close to its quota as it can get.

Papers are drafted one after another (paper i from seed + i, preferring what the round used
least); a draft cannot see the papers after it, so this then improves the whole round by
replacing a question with another of its dimension, or swapping two between papers, while
that makes the round strictly better. Group rules hold throughout. Deterministic: the same
drafts give the same round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from .bank import Question
from .sampling import DIFFICULTY_ORDER, largest_remainder


class _Round:
    def __init__(self, pool: Sequence[Question], papers: Sequence[Sequence[Question]],
                 seen: Sequence[set[str]], difficulty: Mapping[str, int]):
        self.papers = [list(p) for p in papers]
        self.seen = seen
        self.uses = Counter(q.id for p in self.papers for q in p)
        self.holders: dict[str, set[int]] = {}
        for i, paper in enumerate(self.papers):
            for q in paper:
                self.holders.setdefault(q.id, set()).add(i)
        self.in_dim: dict[str, list[Question]] = {}
        for q in sorted(pool, key=lambda q: q.id):
            self.in_dim.setdefault(q.dimension, []).append(q)
        # Each paper keeps its own number of questions per dimension; its difficulty quota
        # per dimension comes from the role's mix, as for a single paper.
        self.targets = []
        for paper in self.papers:
            per_dim = Counter(q.dimension for q in paper)
            self.targets.append({d: largest_remainder(difficulty, n) for d, n in per_dim.items()})
        self.want = [{lvl: sum(t.get(lvl, 0) for t in targets.values()) for lvl in DIFFICULTY_ORDER}
                     for targets in self.targets]
        self.total = [Counter(q.difficulty for q in p) for p in self.papers]
        self.by_dim = [Counter((q.dimension, q.difficulty) for q in p) for p in self.papers]

    def level_change(self, i: int, dim: str, lower: str, higher: str) -> tuple[int, int, int]:
        """How paper i's difficulty terms (levels more than one off its quota, how far off,
        how far off per dimension) change when a question of `dim` goes from level `lower`
        to level `higher` (names: one leaves, one arrives)."""
        if lower == higher:
            return 0, 0, 0
        total, want = self.total[i], self.want[i]
        target = self.targets[i][dim]
        outside = off = dim_off = 0
        for level, step in ((lower, -1), (higher, 1)):
            before, after = abs(total[level] - want[level]), abs(total[level] + step - want[level])
            outside += max(0, after - 1) - max(0, before - 1)
            off += after - before
            have, aim = self.by_dim[i][(dim, level)], target.get(level, 0)
            dim_off += abs(have + step - aim) - abs(have - aim)
        return outside, off, dim_off

    def _apply(self, i: int, out: Question, into: Question) -> None:
        self.papers[i] = [into if q is out else q for q in self.papers[i]]
        self.total[i][out.difficulty] -= 1
        self.total[i][into.difficulty] += 1
        self.by_dim[i][(out.dimension, out.difficulty)] -= 1
        self.by_dim[i][(into.dimension, into.difficulty)] += 1

    @staticmethod
    def fits(paper: Sequence[Question], out: Question, into: Question) -> bool:
        """Whether `into` may replace `out` in `paper` (not there yet, no group twice)."""
        if any(q.id == into.id for q in paper):
            return False
        return into.group is None or all(q.group != into.group for q in paper if q is not out)

    def sweep(self) -> int:
        """One pass over every question of every paper; the number of changes made."""
        moves = 0
        for i in range(len(self.papers)):
            for out_id in sorted(q.id for q in self.papers[i]):
                out = next((q for q in self.papers[i] if q.id == out_id), None)
                for into in self.in_dim[out.dimension] if out else ():
                    if self.fits(self.papers[i], out, into) and self._try(i, out, into):
                        moves += 1
                        break
        return moves

    def _try(self, i: int, out: Question, into: Question) -> bool:
        """Replace `out` by `into` in paper i, or swap it with a paper holding `into`, if
        that makes the round better; say whether it did."""
        seen = self.seen[i]
        seen_gain = (into.id in seen) - (out.id in seen)
        shared = self.uses[into.id] - (self.uses[out.id] - 1)  # change in repeated pairs
        change = self.level_change(i, out.dimension, out.difficulty, into.difficulty)
        if (seen_gain, shared, *change) < (0,) * 5:
            self._apply(i, out, into)
            self.uses[out.id] -= 1
            self.uses[into.id] += 1
            self.holders[out.id].discard(i)
            self.holders.setdefault(into.id, set()).add(i)
            return True
        if into.difficulty == out.difficulty and not seen:
            return False  # a swap would change nothing that counts
        for j in sorted(self.holders.get(into.id, ())):
            other = self.papers[j]
            if j == i or any(q.id == out.id for q in other):
                continue
            mine = next(q for q in other if q.id == into.id)
            if not self.fits(other, mine, out):
                continue
            theirs = self.level_change(j, out.dimension, into.difficulty, out.difficulty)
            seen_j = (out.id in self.seen[j]) - (into.id in self.seen[j])
            if (seen_gain + seen_j, 0, *_sum(change, theirs)) < (0,) * 5:
                self._apply(i, out, into)
                self._apply(j, mine, out)
                self.holders[out.id] = (self.holders[out.id] - {i}) | {j}
                self.holders[into.id] = (self.holders[into.id] - {j}) | {i}
                return True
        return False


def _sum(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def spread(pool: Sequence[Question], papers: Sequence[Sequence[Question]],
           seen: Sequence[set[str]], difficulty: Mapping[str, int],
           max_sweeps: int = 50) -> list[list[Question]]:
    """The round's papers (question lists, any order) after improving them: fewer questions a
    candidate saw before, then fewer repeated pairs, then difficulty closer to each paper's
    quota (within one of it first), in that order of importance."""
    state = _Round(pool, papers, seen, difficulty)
    for _ in range(max_sweeps):
        if not state.sweep():
            break
    return state.papers


def difficulty_gap(papers: Sequence[Sequence[Question]],
                   difficulty: Mapping[str, int]) -> list[dict[str, tuple[int, int]]]:
    """Per paper: level → (count, quota) where the paper's count differs from its quota."""
    out = []
    for paper in papers:
        per_dim = Counter(q.dimension for q in paper)
        want: Counter[str] = Counter()
        for n in per_dim.values():
            want.update(largest_remainder(difficulty, n))
        have = Counter(q.difficulty for q in paper)
        out.append({lvl: (have[lvl], want[lvl]) for lvl in DIFFICULTY_ORDER
                    if have[lvl] != want[lvl]})
    return out
