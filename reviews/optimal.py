"""Automatic assignment as an optimisation: a min-cost max-flow solved by OR-Tools.

The network: source → entry (capacity: the experts it still needs) → expert (capacity 1, for every pair
without a 回避 conflict; cost: the expertise mismatch) → sink through one arc per unit of load up to the
cap, the ``j``-th unit costing ``BALANCE_WEIGHT × j``: the cost of a load is convex, so the optimum
balances the loads. ``SolveMaxFlowWithMinCost`` first maximises the number of pairs (every entry gets
its ``k`` experts whenever a conflict-free assignment within the cap exists) and then minimises the
cost. Greedy assignment (``assignment.plan_automatic``) can leave an entry short where this does not.

Hard constraints: ``k`` per entry, no conflicted pair, at most ``cap`` entries per expert. The pinned
pairs (scored, or made by hand) are kept as they are and count towards ``k`` and the loads; the other
automatic pairs of an earlier run are free: the new plan keeps them when it can (a small bonus) and may
replace them. Nothing with a score is ever removed.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

MATCH_MAX = 3  # expertise points of a pair: 2 for the domain, 1 for a 学科 named in the title
MATCH_WEIGHT = 10
BALANCE_WEIGHT = 2
STAY_BONUS = 1  # a free pair of the current assignment is kept when nothing better is at stake


@dataclass
class Plan:
    """The optimum: the pairs to have (besides the pinned ones), what is short and why, the loads."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    shortfall: dict[int, int] = field(default_factory=dict)
    loads: dict[int, int] = field(default_factory=dict)
    match: int = 0
    cap: int = 0


def default_cap(n_entries: int, n_experts: int, k: int, pinned_loads: Iterable[int] = ()) -> int:
    """A generous cap when the coordinator gives none: three times the even share, at least the largest
    pinned load; the convex cost keeps the loads even anyway."""
    if not n_experts:
        return 0
    even = math.ceil(n_entries * k / n_experts)
    return max(min(n_entries, 3 * even + 2), max(pinned_loads, default=0))


def plan_optimal(
    entries: Iterable[int],
    experts: Iterable[int],
    k: int,
    *,
    pinned: Mapping[int, Iterable[int]] | None = None,
    free: Iterable[tuple[int, int]] = (),
    conflicted: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
    match: Mapping[tuple[int, int], int] | None = None,
    cap: int | None = None,
) -> Plan:
    """The optimal pairs ``(entry, expert)`` besides the ``pinned`` ones (``{entry: experts}``).

    ``free``: pairs of the current assignment that may stay or go; ``match``: expertise points of a pair
    (0 to :data:`MATCH_MAX`, missing = 0); ``cap``: the most entries per expert, pinned ones included.
    Returns the pairs to have (free pairs kept are among them) and ``shortfall`` ``{entry: missing}``."""
    entries, experts = sorted(set(entries)), sorted(set(experts))
    pinned = {entry: set(items) for entry, items in (pinned or {}).items()}
    free = set(free)
    match = match or {}
    pinned_load = defaultdict(int)
    for items in pinned.values():
        for expert in items:
            pinned_load[expert] += 1
    if cap is None:
        cap = default_cap(len(entries), len(experts), k, pinned_load.values())
    plan = Plan(cap=cap)
    need = {entry: max(0, k - len(pinned.get(entry, ()))) for entry in entries}
    if not experts:
        plan.shortfall = {entry: n for entry, n in need.items() if n}
        return plan

    n_e, n_x = len(entries), len(experts)
    source, sink = 0, n_e + n_x + 1
    expert_node = {expert: n_e + 1 + i for i, expert in enumerate(experts)}
    tails, heads, caps, costs = [], [], [], []
    pair_arcs = []
    for i, entry in enumerate(entries):
        if not need[entry]:
            continue
        tails.append(source)
        heads.append(i + 1)
        caps.append(need[entry])
        costs.append(0)
        taken = pinned.get(entry, ())
        for expert in experts:
            if expert in taken or (entry, expert) in conflicted:
                continue
            cost = (MATCH_MAX - min(MATCH_MAX, match.get((entry, expert), 0))) * MATCH_WEIGHT
            if (entry, expert) in free:
                cost -= STAY_BONUS
            pair_arcs.append((len(tails), entry, expert))
            tails.append(i + 1)
            heads.append(expert_node[expert])
            caps.append(1)
            costs.append(cost)
    for expert in experts:
        for load in range(pinned_load[expert] + 1, cap + 1):
            tails.append(expert_node[expert])
            heads.append(sink)
            caps.append(1)
            costs.append(BALANCE_WEIGHT * load)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    total = sum(need.values())
    solver.set_node_supply(source, total)
    solver.set_node_supply(sink, -total)
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:  # pragma: no cover - the network is always feasible (max flow)
        raise RuntimeError(f"min-cost flow failed: {status}")
    flows = solver.flows(np.array([arc for arc, _, _ in pair_arcs], dtype=np.int32))
    got = defaultdict(int)
    loads = defaultdict(int, pinned_load)
    for (_, entry, expert), flow in zip(pair_arcs, flows, strict=True):
        if flow:
            plan.pairs.append((entry, expert))
            got[entry] += 1
            loads[expert] += 1
            plan.match += match.get((entry, expert), 0)
    plan.shortfall = {entry: need[entry] - got[entry] for entry in entries if need[entry] > got[entry]}
    plan.loads = {expert: loads[expert] for expert in experts}
    return plan
