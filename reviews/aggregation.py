"""Aggregating the experts' reviews of an entry, normalising harsh and lenient experts, and ranking.

The first half is pure functions on plain numbers (unit-tested on a worked example); the second half
loads submitted scores from the database and feeds them through the same functions.

Choices (the product's own; the notice says nothing about scoring):

* The weighted total of one review is ``sum(weight * score / max_score)`` over the list's criteria, so
  with weights adding up to 100 every review lies between 0 and 100.
* The spread shown is the **population** standard deviation of the reviews of an entry: it describes
  the panel that actually scored the entry, it is not an estimate of a larger population; one review
  has a spread of 0.
* z-score normalisation: each expert's totals are turned into ``(total - expert mean) / expert
  population standard deviation`` over every entry the expert scored. An expert who scored only one
  entry, or gave every entry the same total (zero variance), carries no information about relative
  quality: each of their z-scores is 0. An entry's normalised score is the mean of its z-scores.
* The aggregation rule of a list (``ListScoringRule.aggregation``, default 均值) decides the value an
  entry is ranked by: 均值 (mean), 中位数 (median), 去掉一个最高分和一个最低分后的均值 (the trimmed mean,
  :func:`trimmed_mean`) or 标准化均值 (the mean of the z-scores below). Every ranking page and export
  names the rule it ranked by (:func:`rule_label`).
* The disagreement (分歧) of an entry is the **range** of its totals, highest − lowest (:func:`value_range`),
  in the totals' own points (0–100): "two experts are 30 points apart" is what a coordinator checks and
  can compare with a threshold set per list (``ListScoringRule.disagreement_threshold``, default 20); the
  standard deviation stays in its own column. An entry whose range is above the threshold is marked
  (``EntryResult.disagrees``) and highlighted.
* Ranking is competition ranking ("1, 2, 2, 4"): entries whose compared value is equal (to three
  decimals) share a rank and are marked as tied (并列); the next rank skips the shared places.
  Entries without any submitted review come last, unranked.
"""

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from reviews.models import DEFAULT_DISAGREEMENT_THRESHOLD, Aggregation, ListScoringRule, Score, ScoreStatus

Number = float | int | Decimal | str  # a score or total as stored (text in ``Score.values``) or computed

PRECISION = 3  # decimals kept when comparing values for ties


# ---------------------------------------------------------------- pure functions


def weighted_total(values: Mapping[str, Number], criteria: Iterable[tuple[str, Number, Number]]) -> float:
    """``values``: criterion code → score; ``criteria``: iterable of ``(code, weight, max_score)``."""
    total = 0.0
    for code, weight, max_score in criteria:
        total += float(weight) * float(values[code]) / float(max_score)
    return total


def mean(numbers: list[float]) -> float | None:
    return statistics.fmean(numbers) if numbers else None


def median(numbers: list[float]) -> float | None:
    return statistics.median(numbers) if numbers else None


def spread(numbers: list[float]) -> float | None:
    """Population standard deviation; 0 for a single number, ``None`` for none."""
    if not numbers:
        return None
    return statistics.pstdev(numbers) if len(numbers) > 1 else 0.0


def trimmed_mean(numbers: list[float]) -> float | None:
    """The mean after dropping one highest and one lowest score (去掉一个最高分和一个最低分后的均值).

    Exactly one of each is dropped, even when several scores share the highest or the lowest value.
    With fewer than 3 scores nothing would be left to average (or one score would decide alone), so the
    plain mean is returned instead: the rule is for panels of 3 or more, and an entry that got only two
    reviews is still ranked, by the mean of both.

    Worked example, five experts' weighted totals 90, 85, 80, 78, 40:

    >>> trimmed_mean([90, 85, 80, 78, 40])  # (85 + 80 + 78) / 3
    81.0
    >>> mean([90, 85, 80, 78, 40])  # the outlier 40 pulls the mean down
    74.6
    >>> trimmed_mean([70, 80])  # fewer than 3: the mean
    75.0
    >>> trimmed_mean([80, 80, 60])  # one 80 and the 60 dropped
    80.0
    """
    if not numbers:
        return None
    if len(numbers) < 3:
        return statistics.fmean(numbers)
    ordered = sorted(float(n) for n in numbers)
    return statistics.fmean(ordered[1:-1])


def value_range(numbers: list[float]) -> float | None:
    """The disagreement (分歧): highest − lowest; 0 for one number, ``None`` for none.

    >>> value_range([90, 85, 80, 78, 40])
    50.0
    """
    if not numbers:
        return None
    return float(max(numbers)) - float(min(numbers))


def aggregate(numbers: list[float], rule: str) -> float | None:
    """An entry's value under a per-entry rule (均值, 中位数, 去掉最高最低分后的均值).

    标准化均值 depends on every entry an expert scored, not on the entry's numbers alone: see
    :func:`normalized_means` (``results`` applies it).
    """
    if rule == Aggregation.MEAN:
        return mean(numbers)
    if rule == Aggregation.MEDIAN:
        return median(numbers)
    if rule == Aggregation.TRIMMED:
        return trimmed_mean(numbers)
    raise ValueError(f"not a per-entry rule: {rule}")


def rule_label(rule: str) -> str:
    """The Chinese name of a rule, as the pages and exports print it (排名规则：…)."""
    return Aggregation(rule).label


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    median: float | None
    stdev: float | None


def summarize(totals: Iterable[Number]) -> Summary:
    totals = [float(t) for t in totals]
    return Summary(len(totals), mean(totals), median(totals), spread(totals))


def zscores(
    totals_by_expert: Mapping[Hashable, Mapping[Hashable, Number]],
) -> dict[Hashable, dict[Hashable, float]]:
    """``{expert: {entry: total}}`` → ``{expert: {entry: z}}`` (see the module docstring for 0)."""
    result = {}
    for expert, by_entry in totals_by_expert.items():
        numbers = [float(v) for v in by_entry.values()]
        sigma = statistics.pstdev(numbers) if len(numbers) > 1 else 0.0
        mu = statistics.fmean(numbers) if numbers else 0.0
        if sigma == 0 or math.isclose(sigma, 0.0, abs_tol=1e-12):
            result[expert] = dict.fromkeys(by_entry, 0.0)
        else:
            result[expert] = {entry: (float(v) - mu) / sigma for entry, v in by_entry.items()}
    return result


def normalized_means(totals_by_expert: Mapping[Hashable, Mapping[Hashable, Number]]) -> dict[Hashable, float]:
    """``{entry: mean of the entry's z-scores}`` over every expert who scored it."""
    per_entry = defaultdict(list)
    for by_entry in zscores(totals_by_expert).values():
        for entry, z in by_entry.items():
            per_entry[entry].append(z)
    return {entry: statistics.fmean(zs) for entry, zs in per_entry.items()}


@dataclass(frozen=True)
class Ranked:
    key: Any
    value: float | None
    rank: int | None
    tied: bool


def rank(items: Iterable[tuple[Any, float | None]]) -> list[Ranked]:
    """Competition ranking of ``(key, value)`` pairs, highest value first; ``None`` values last, unranked.

    Keys with equal values keep their given order. Returns a list of :class:`Ranked`.
    """
    items = list(items)
    scored = [(k, v) for k, v in items if v is not None]
    unscored = [(k, v) for k, v in items if v is None]
    rounded = [round(float(v), PRECISION) for _, v in scored]
    order = sorted(range(len(scored)), key=lambda i: -rounded[i])
    counts = defaultdict(int)
    for value in rounded:
        counts[value] += 1
    result = []
    for position, index in enumerate(order):
        value = rounded[index]
        place = result[-1].rank if position > 0 and rounded[order[position - 1]] == value else position + 1
        key, original = scored[index]
        result.append(Ranked(key, float(original), place, counts[value] > 1))
    result.extend(Ranked(k, None, None, False) for k, _ in unscored)
    return result


# ---------------------------------------------------------------- the queryset layer


@dataclass
class EntryResult:
    nomination: Any  # a Nomination, or any row with ``pk`` (e.g. ``final.LightEntry``)
    totals: list[float] = field(default_factory=list)
    summary: Summary | None = None
    z_mean: float | None = None
    assigned: int = 0
    submitted: int = 0
    rank: int | None = None
    tied: bool = False
    body: Any = None
    rule: str = Aggregation.MEAN
    value: float | None = None  # the value ranked by, under ``rule``
    trimmed: float | None = None
    disagreement: float | None = None
    disagrees: bool = False

    @property
    def count(self) -> int:
        return self.summary.count if self.summary else 0


def submitted_totals(score_filter: Q) -> dict[int, dict[int, float]]:
    """``{expert_id: {nomination_id: total}}`` of the submitted reviews of active assignments."""
    rows = Score.objects.filter(score_filter, status=ScoreStatus.SUBMITTED, assignment__active=True).values_list(
        "assignment__expert_id", "assignment__nomination_id", "total"
    )
    totals = defaultdict(dict)
    for expert_id, nomination_id, total in rows:
        if total is not None:
            totals[expert_id][nomination_id] = float(total)
    return dict(totals)


@dataclass(frozen=True)
class ListRule:
    """A list's aggregation rule and disagreement threshold (``ListScoringRule``, or the defaults)."""

    aggregation: str = Aggregation.MEAN
    threshold: float = float(DEFAULT_DISAGREEMENT_THRESHOLD)

    @property
    def label(self) -> str:
        return rule_label(self.aggregation)


DEFAULT_RULE = ListRule()


def list_rules(list_ids: Iterable[int]) -> dict[int, ListRule]:
    """``{list id: ListRule}`` for every id given (one query; a list without a row gets the defaults)."""
    list_ids = list(list_ids)
    rows = ListScoringRule.objects.filter(ranking_list_id__in=list_ids).values_list(
        "ranking_list_id", "aggregation", "disagreement_threshold"
    )
    found = {list_id: ListRule(aggregation, float(threshold)) for list_id, aggregation, threshold in rows}
    return {list_id: found.get(list_id, DEFAULT_RULE) for list_id in list_ids}


def rule_of(ranking_list_id: int) -> ListRule:
    return list_rules([ranking_list_id])[ranking_list_id]


def results(
    nominations: Iterable[Any],
    totals_by_expert: Mapping[int, Mapping[int, float]],
    *,
    normalize: bool = False,
    counts: Mapping[int, tuple[int, int]] | None = None,
    rule: ListRule | None = None,
) -> list[EntryResult]:
    """One :class:`EntryResult` per nomination, ranked by the list's rule (``rule``, default 均值), ties shown.

    ``normalize``: rank by 标准化均值 whatever the list's rule (the pages' comparison view).
    ``counts``: optional ``{nomination_id: (assigned, submitted)}``.
    """
    rule = rule or DEFAULT_RULE
    aggregation = Aggregation.NORMALIZED if normalize else rule.aggregation
    normalize = aggregation == Aggregation.NORMALIZED
    per_entry = defaultdict(list)
    for by_entry in totals_by_expert.values():
        for nomination_id, total in by_entry.items():
            per_entry[nomination_id].append(total)
    z = normalized_means(totals_by_expert) if normalize else {}
    entries = []
    for nomination in nominations:
        totals = per_entry.get(nomination.pk, [])
        entry = EntryResult(nomination=nomination, totals=totals, summary=summarize(totals))
        entry.z_mean = z.get(nomination.pk) if normalize else None
        entry.rule = aggregation
        entry.trimmed = trimmed_mean(totals)
        entry.disagreement = value_range(totals)
        entry.disagrees = entry.disagreement is not None and entry.disagreement > rule.threshold
        if normalize:
            entry.value = entry.z_mean if totals else None
        else:
            entry.value = aggregate(totals, aggregation)
        if counts is not None:
            entry.assigned, entry.submitted = counts.get(nomination.pk, (0, 0))
        entries.append(entry)
    ranked = rank((entry, entry.value) for entry in entries)
    ordered = []
    for item in ranked:
        item.key.rank = item.rank
        item.key.tied = item.tied
        ordered.append(item.key)
    return ordered
