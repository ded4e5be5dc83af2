"""Assignment benchmark: the optimal plan (min-cost flow, ``reviews.optimal``) next to the greedy one.

    .venv/bin/python bench/assignment.py            # --help for the options

A body of 2,300 entries in 8 domains and 300 experts (each with one or two domains, 60 organisations,
a quarter of them institutes of a parent such as 中国科学院), 3 experts per entry, a load cap of the even
share plus two. Conflicts: 5 % of the pairs at random, plus every pair whose expert's organisation is
the entry's unit or a parent or child of it (``reviews.organisations.OrganisationIndex.relation``, in
memory), plus 2 % "hard" entries (a unit whose family employs most experts; the last ids) for which
only the same 12 experts are free of conflict. Both planners get the same conflicts, cap and expertise
points. Prints per planner: the wall time, entries left short, the load spread (min, max, standard
deviation), the total expertise match; then the entries greedy leaves short and the optimum fills.
PASS when the optimum takes ≤ 10 s. No database is used.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kczg_site.settings")

import django  # noqa: E402

django.setup()

from nominations.rules.duplicates import normalize_name  # noqa: E402
from reviews.assignment import plan_automatic  # noqa: E402
from reviews.optimal import plan_optimal  # noqa: E402
from reviews.organisations import OrganisationIndex  # noqa: E402

LIMIT_S = 10.0


def scenario(n_entries, n_experts, n_domains, seed, conflict_rate, hard_rate=0.0, hard_eligible=12):
    rng = random.Random(seed)
    index = OrganisationIndex()
    orgs = []
    for i in range(60):
        pk = i + 1
        parent = None
        if i >= 45:  # institutes of the first three parents
            parent = 1 + (i % 3)
            name = f"{index.names[parent]}第{i}研究所"
        else:
            name = f"第{i}科学研究院"
        index.names[pk] = name
        index.parent[pk] = parent
        index.by_key[normalize_name(name)] = pk
        orgs.append(name)
    entries = list(range(1, n_entries + 1))
    experts = list(range(10001, 10001 + n_experts))
    entry_domain = {e: rng.randrange(n_domains) for e in entries}
    entry_unit = {e: rng.choice(orgs) for e in entries}
    expert_domains = {x: set(rng.sample(range(n_domains), rng.choice((1, 2)))) for x in experts}
    expert_org = {x: rng.choice(orgs) for x in experts}
    conflicted = set()
    organisational = 0
    for e in entries:
        for x in experts:
            if index.relation(expert_org[x], entry_unit[e]):
                conflicted.add((e, x))
                organisational += 1
            elif rng.random() < conflict_rate:
                conflicted.add((e, x))
    # Hard entries: a unit whose family employs most of the experts leaves only a few without conflict.
    # They come last in id order (a large unit's late entries) and the same few experts are free for all.
    hard = entries[len(entries) - int(hard_rate * n_entries) :]
    allowed = set(rng.sample(experts, hard_eligible))
    for e in hard:
        conflicted.update((e, x) for x in experts if x not in allowed)
        conflicted.difference_update((e, x) for x in allowed)
    match = {}
    for e in entries:
        for x in experts:
            if entry_domain[e] in expert_domains[x]:
                match[(e, x)] = 2
    return entries, experts, conflicted, organisational, match


def describe(label, pairs, shortfall, experts, match, seconds):
    loads = defaultdict(int)
    for _, x in pairs:
        loads[x] += 1
    values = [loads[x] for x in experts]
    total_match = sum(match.get(p, 0) for p in pairs)
    print(
        f"{label:8} {seconds:7.2f} s  pairs {len(pairs):5}  short entries {len(shortfall):4} "
        f"(missing {sum(shortfall.values()):4})  load min {min(values):3} max {max(values):3} "
        f"sd {statistics.pstdev(values):5.2f}  expertise match {total_match:6}"
    )
    return {"short": set(shortfall), "match": total_match}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=2300)
    parser.add_argument("--experts", type=int, default=300)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--domains", type=int, default=8)
    parser.add_argument("--conflicts", type=float, default=0.05)
    parser.add_argument("--slack", type=int, default=2, help="the cap: the even share plus this")
    parser.add_argument("--hard", type=float, default=0.02, help="share of entries with few experts free of conflict")
    parser.add_argument("--hard-eligible", type=int, default=12, help="experts free of conflict for a hard entry")
    parser.add_argument("--seed", type=int, default=2023)
    args = parser.parse_args()

    started = time.perf_counter()
    entries, experts, conflicted, organisational, match = scenario(
        args.entries, args.experts, args.domains, args.seed, args.conflicts, args.hard, args.hard_eligible
    )
    cap = math.ceil(args.entries * args.k / args.experts) + args.slack
    print(
        f"{len(entries)} entries, {len(experts)} experts, k={args.k}, cap {cap}; conflicts {len(conflicted)} "
        f"({organisational} by organisation), scenario built in {time.perf_counter() - started:.1f} s"
    )

    t = time.perf_counter()
    pairs, shortfall = plan_automatic(entries, experts, args.k, conflicted=conflicted, cap=cap)
    greedy = describe("greedy", pairs, shortfall, experts, match, time.perf_counter() - t)

    t = time.perf_counter()
    plan = plan_optimal(entries, experts, args.k, conflicted=conflicted, match=match, cap=cap)
    optimal_seconds = time.perf_counter() - t
    best = describe("optimal", plan.pairs, plan.shortfall, experts, match, optimal_seconds)

    filled = sorted(greedy["short"] - best["short"])
    print(f"entries greedy leaves short and the optimum fills: {len(filled)}", end="")
    print(f" (first: {', '.join(map(str, filled[:10]))})" if filled else "")
    print(f"entries the optimum leaves short: {len(best['short'])} (no conflict-free assignment within the cap)")
    verdict = "PASS" if optimal_seconds <= LIMIT_S else "FAIL"
    print(f"{verdict}: optimal plan in {optimal_seconds:.2f} s (limit {LIMIT_S:.0f} s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
