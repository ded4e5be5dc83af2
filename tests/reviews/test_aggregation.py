"""Aggregation and normalisation on a worked example with exact numbers.

Criteria of 先导技术榜 (the product's defaults): 创新性 30, 先进性 25, 应用价值与经济效益 25, 转化与推广前景 20,
each scored 0–10, so a review's weighted total is 3·s1 + 2.5·s2 + 2.5·s3 + 2·s4 (0–100).

Three experts score four entries. Expert A is lenient, B harsh, C in between:

    weighted totals   E1    E2    E3    E4     expert mean   expert σ (population)
    A                 87    81    79    73     80            5
    B                 60    60    50    50     55            5
    C                 64    64    76    76     70            6

A's review of E1 is (10, 8, 8, 8.5): 30 + 20 + 20 + 17 = 87; every other review gives the same score
on each criterion (total / 10), e.g. B on E3: (5, 5, 5, 5) = 50.

Per entry (population standard deviation; see reviews.aggregation):

    E1: mean 211/3 = 70.333…, median 64, σ = √1274 / 3 ≈ 11.898
    E2: mean 205/3 = 68.333…, median 64, σ = √746 / 3  ≈ 9.104
    E3: mean 205/3 = 68.333…, median 76, σ = √1526 / 3 ≈ 13.021
    E4: mean 199/3 = 66.333…, median 73, σ = √1214 / 3 ≈ 11.614

Ranking by mean: E1 1, E2 2 (并列), E3 2 (并列), E4 4 — competition ranking "1, 2, 2, 4".

z-scores (each expert's totals against their own mean and σ):

    A: E1 +1.4, E2 +0.2, E3 −0.2, E4 −1.4
    B: E1 +1,   E2 +1,   E3 −1,   E4 −1
    C: E1 −1,   E2 −1,   E3 +1,   E4 +1

Normalised score (mean z): E1 1.4/3, E2 0.2/3, E3 −0.2/3, E4 −1.4/3 → ranks 1, 2, 3, 4 (the tie goes:
B's harsh 50 for E3 no longer weighs more than A's lenient 81 for E2).
"""

import math

import pytest
import time_machine

from reviews import aggregation, scoring
from reviews.models import Score
from tests.reviews.conftest import IN_REVIEW_TIME, assign, put_in_review, recommended

CRITERIA = [("innovation", 30, 10), ("advancement", 25, 10), ("value", 25, 10), ("transfer", 20, 10)]

TOTALS = {
    "A": {"E1": 87, "E2": 81, "E3": 79, "E4": 73},
    "B": {"E1": 60, "E2": 60, "E3": 50, "E4": 50},
    "C": {"E1": 64, "E2": 64, "E3": 76, "E4": 76},
}


def uniform(total):
    score = str(total / 10).removesuffix(".0")
    return {"innovation": score, "advancement": score, "value": score, "transfer": score}


def review_values(expert, entry):
    if (expert, entry) == ("A", "E1"):
        return {"innovation": "10", "advancement": "8", "value": "8", "transfer": "8.5"}
    return uniform(TOTALS[expert][entry])


EXPECTED = {
    "E1": {"mean": 211 / 3, "median": 64, "stdev": math.sqrt(1274) / 3, "z": 1.4 / 3, "rank": 1, "tied": False},
    "E2": {"mean": 205 / 3, "median": 64, "stdev": math.sqrt(746) / 3, "z": 0.2 / 3, "rank": 2, "tied": True},
    "E3": {"mean": 205 / 3, "median": 76, "stdev": math.sqrt(1526) / 3, "z": -0.2 / 3, "rank": 2, "tied": True},
    "E4": {"mean": 199 / 3, "median": 73, "stdev": math.sqrt(1214) / 3, "z": -1.4 / 3, "rank": 4, "tied": False},
}


def test_weighted_totals_of_the_example():
    for expert, by_entry in TOTALS.items():
        for entry, total in by_entry.items():
            assert aggregation.weighted_total(review_values(expert, entry), CRITERIA) == pytest.approx(total, abs=1e-9)
    assert aggregation.weighted_total({"innovation": 9, "advancement": 8, "value": 7, "transfer": 6}, CRITERIA) == 76.5


def test_mean_median_spread_count_per_entry():
    for entry, expected in EXPECTED.items():
        summary = aggregation.summarize([TOTALS[e][entry] for e in "ABC"])
        assert summary.count == 3
        assert summary.mean == pytest.approx(expected["mean"], abs=1e-9)
        assert summary.median == expected["median"]
        assert summary.stdev == pytest.approx(expected["stdev"], abs=1e-9)
    assert round(aggregation.summarize([87, 60, 64]).stdev, 3) == 11.898


def test_zscores_per_expert():
    z = aggregation.zscores(TOTALS)
    assert z["A"] == pytest.approx({"E1": 1.4, "E2": 0.2, "E3": -0.2, "E4": -1.4})
    assert z["B"] == pytest.approx({"E1": 1, "E2": 1, "E3": -1, "E4": -1})
    assert z["C"] == pytest.approx({"E1": -1, "E2": -1, "E3": 1, "E4": 1})
    normalized = aggregation.normalized_means(TOTALS)
    assert normalized == pytest.approx({e: EXPECTED[e]["z"] for e in EXPECTED})


def test_one_score_or_zero_variance_gives_zero():
    z = aggregation.zscores({"single": {"E1": 90}, "flat": {"E1": 70, "E2": 70, "E3": 70}})
    assert z == {"single": {"E1": 0.0}, "flat": {"E1": 0.0, "E2": 0.0, "E3": 0.0}}


def test_competition_ranking_with_ties():
    means = {e: sum(TOTALS[x][e] for x in "ABC") / 3 for e in ("E1", "E2", "E3", "E4")}
    ranked = aggregation.rank(means.items())
    assert [(r.key, r.rank, r.tied) for r in ranked] == [
        ("E1", 1, False),
        ("E2", 2, True),
        ("E3", 2, True),
        ("E4", 4, False),
    ]
    normalized = aggregation.rank(aggregation.normalized_means(TOTALS).items())
    assert [(r.key, r.rank, r.tied) for r in normalized] == [
        ("E1", 1, False),
        ("E2", 2, False),
        ("E3", 3, False),
        ("E4", 4, False),
    ]
    assert [r.rank for r in aggregation.rank([("x", 5), ("y", None), ("z", 5), ("w", 1)])] == [1, 1, 3, None]


def test_the_example_through_the_database(criteria, tech, electronics, society, body, experts, platform_user):
    """The same numbers from stored scores: save_score computes the totals, results() ranks them."""
    entries = put_in_review(recommended(tech, electronics, society, 4), body, platform_user)
    names = dict(zip(("E1", "E2", "E3", "E4"), entries, strict=True))
    people = dict(zip("ABC", experts, strict=True))
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        for expert_key, expert in people.items():
            for entry_key, entry in names.items():
                item = assign(entry, expert, platform_user)
                scoring.save_score(item, expert, review_values(expert_key, entry_key), "意见", submit=True)
    assert Score.objects.get(assignment__expert=people["A"], assignment__nomination=names["E1"]).total == 87
    assert Score.objects.get(assignment__expert=people["A"], assignment__nomination=names["E1"]).history.count() == 1

    from django.db.models import Q

    totals = aggregation.submitted_totals(Q(assignment__body=body))
    by_key = {e.pk: k for k, e in names.items()}
    raw = aggregation.results(entries, totals)
    assert [(by_key[r.nomination.pk], r.rank, r.tied) for r in raw] == [
        ("E1", 1, False),
        ("E2", 2, True),
        ("E3", 2, True),
        ("E4", 4, False),
    ]
    for result in raw:
        expected = EXPECTED[by_key[result.nomination.pk]]
        assert result.summary.mean == pytest.approx(expected["mean"])
        assert result.summary.median == expected["median"]
        assert result.summary.stdev == pytest.approx(expected["stdev"])
        assert result.count == 3
    normalized = aggregation.results(entries, totals, normalize=True)
    assert [by_key[r.nomination.pk] for r in normalized] == ["E1", "E2", "E3", "E4"]
    assert [r.z_mean for r in normalized] == pytest.approx([EXPECTED[k]["z"] for k in ("E1", "E2", "E3", "E4")])
