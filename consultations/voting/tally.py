"""Counting: the counter keys a ballot adds to, and results computed from counts.

Everything here is pure (no queries): ``ballot_keys`` turns one validated ballot into
``{key: increment}``; ``question_results`` turns summed counters into the published
figures. A recount from the bulletin feeds the same functions with keys summed from the
bulletin's ballots, so the two paths cannot disagree by construction of the code, only
by the data (which is what the recount checks).

Ranking questions are decided by the Schulze method (beatpath), with the Borda count
shown beside it; see docs/voting.md.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from consultations.voting.models import SCALE_VALUES, YES_NO_ANSWERS, QuestionKind

BALLOTS = "ballots"


def ballot_keys(questions: Iterable, answers: Mapping[str, object]) -> dict[str, int]:
    """The counter increments of one ballot whose ``answers`` are already validated."""
    keys: dict[str, int] = {BALLOTS: 1}
    for question in questions:
        value = answers[str(question.pk)]
        prefix = f"{question.pk}:"
        if question.kind == QuestionKind.MULTIPLE:
            for option in value:
                keys[f"{prefix}{option}"] = 1
        elif question.kind == QuestionKind.RANKING:
            size = len(value)
            for rank, option in enumerate(value):
                keys[f"{prefix}b{option}"] = size - 1 - rank
                for lower in value[rank + 1 :]:
                    keys[f"{prefix}p{option}>{lower}"] = 1
        else:
            keys[f"{prefix}{value}"] = 1
    return keys


def recount(questions: list, ballots: Iterable[Mapping[str, object]]) -> Counter:
    """Counter totals recomputed from ballots' answers (the bulletin)."""
    total: Counter = Counter()
    for answers in ballots:
        total.update(ballot_keys(questions, answers))
    return total


def percent(part: int | float, whole: int | float) -> float:
    if not whole:
        return 0.0
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def schulze(candidates: list[int], pairs: Mapping[tuple[int, int], int]) -> list[list[int]]:
    """Schulze ranking: a list of tiers (ties share a tier), best first.

    ``pairs[(a, b)]`` is how many ballots rank ``a`` above ``b``. Strongest paths by
    Floyd-Warshall over the winning margins' support, O(n^3) in the options, independent
    of the number of ballots.
    """
    strength = {}
    for a in candidates:
        for b in candidates:
            if a != b:
                d_ab, d_ba = pairs.get((a, b), 0), pairs.get((b, a), 0)
                strength[a, b] = d_ab if d_ab > d_ba else 0
    for i in candidates:
        for j in candidates:
            if i == j:
                continue
            for k in candidates:
                if k in (i, j):
                    continue
                strength[j, k] = max(strength[j, k], min(strength[j, i], strength[i, k]))
    wins = {
        a: sum(1 for b in candidates if a != b and strength[a, b] > strength[b, a])
        for a in candidates
    }
    tiers: dict[int, list[int]] = {}
    for a in candidates:
        tiers.setdefault(wins[a], []).append(a)
    return [tiers[w] for w in sorted(tiers, reverse=True)]


def question_results(
    question, options: list, counts: Mapping[str, int], ballots: int, threshold: int
) -> dict:
    """The published figures of one question from its summed counters."""
    prefix = f"{question.pk}:"
    result: dict = {
        "id": question.pk,
        "text": question.text,
        "kind": question.kind,
        "section_key": question.section_key,
        "options": [],
        "threshold_met": None,
    }
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        rows = [(o.pk, o.label, counts.get(f"{prefix}{o.pk}", 0)) for o in options]
        result["options"] = [
            {"key": str(pk), "label": label, "count": n, "percent": percent(n, ballots)}
            for pk, label, n in rows
        ]
        if rows:
            best = max(n for _pk, _label, n in rows)
            result["leading"] = [str(pk) for pk, _label, n in rows if n == best and n > 0]
            result["threshold_met"] = percent(best, ballots) >= threshold if ballots else False
    elif question.kind == QuestionKind.YES_NO:
        labels = {"yes": _("Sì"), "no": _("No"), "abstain": _("Astensione")}
        got = {key: counts.get(f"{prefix}{key}", 0) for key in YES_NO_ANSWERS}
        result["options"] = [
            {
                "key": key,
                "label": labels[key],
                "count": got[key],
                "percent": percent(got[key], ballots),
            }
            for key in YES_NO_ANSWERS
        ]
        expressed = got["yes"] + got["no"]
        result["yes_percent_of_expressed"] = percent(got["yes"], expressed)
        result["threshold_met"] = bool(expressed) and percent(got["yes"], expressed) >= threshold
    elif question.kind == QuestionKind.SCALE:
        distribution = {v: counts.get(f"{prefix}{v}", 0) for v in SCALE_VALUES}
        answered = sum(distribution.values())
        result["options"] = [
            {"key": str(v), "label": str(v), "count": n, "percent": percent(n, answered)}
            for v, n in distribution.items()
        ]
        result["mean"] = (
            round(sum(v * n for v, n in distribution.items()) / answered, 2) if answered else None
        )
        result["median"] = _median(distribution, answered)
    elif question.kind == QuestionKind.RANKING:
        ids = [o.pk for o in options]
        labels = {o.pk: o.label for o in options}
        pairs = {(a, b): counts.get(f"{prefix}p{a}>{b}", 0) for a in ids for b in ids if a != b}
        borda = sorted(
            ((counts.get(f"{prefix}b{pk}", 0), pk) for pk in ids),
            key=lambda item: (-item[0], ids.index(item[1])),
        )
        tiers = schulze(ids, pairs)
        # Each option's share of all the Borda points given (the bars and the % column).
        points_given = sum(points for points, _pk in borda)
        result["options"] = [
            {
                "key": str(pk),
                "label": labels[pk],
                "count": points,
                "percent": percent(points, points_given),
            }
            for points, pk in borda
        ]
        result["schulze"] = [
            [{"key": str(pk), "label": labels[pk]} for pk in tier] for tier in tiers
        ]
        result["borda"] = [
            {"key": str(pk), "label": labels[pk], "points": points} for points, pk in borda
        ]
        result["pairwise"] = [
            {"winner": str(a), "loser": str(b), "count": n} for (a, b), n in pairs.items() if n
        ]
    return result


def _median(distribution: Mapping[int, int], answered: int) -> float | None:
    if not answered:
        return None
    values = sorted(distribution)

    def nth(n: int) -> int:  # the n-th smallest answer, 0-based
        seen = 0
        for v in values:
            seen += distribution[v]
            if n < seen:
                return v
        return values[-1]

    if answered % 2:
        return float(nth(answered // 2))
    return (nth(answered // 2 - 1) + nth(answered // 2)) / 2
