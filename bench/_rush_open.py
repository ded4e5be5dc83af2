"""The open loop of the deadline-rush benchmark: requests of the rush mix arrive at a fixed rate.

People at a deadline do not wait for the server before the next of them arrives: arrivals are a
Poisson process at ``rate`` per second, independent of the answers (a scheduler thread; a pool of
threads sends), and the latency of a request counts from its scheduled arrival, so that waiting for
a free sender counts too (no coordinated omission). Each arrival is the next step of an idle actor:
a member (GET the edit page, two autosaves, submit, next draft) or, for ``secretariat_share`` of the
arrivals, a secretariat (the inbox, then accept, opinion and recommend of what it found). An arrival
finding no idle actor is an error (status 0, kind ``no_actor``).

``search()`` steps the rate: from ``start`` × the baseline's closed-loop throughput up by ``factor``
while a step passes (p95 ≤ ``p95_ms`` over every request of the step, no answer ≥ 500, no failed
connection; a p95 failure alone is confirmed by a second step at the same rate, as one burst of other
work on a shared machine can fail a step), or down until one passes, then bisects between the highest
passing and the lowest failing rate (``refine`` times); the figure is the highest passing rate.
"""

import random
import re
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor

from bench import _cpu as cpu
from bench._rush_client import VERSION_RE, percentile

ENTRY_RE = re.compile(r'href="/secretariat/entries/(\d+)/"')


class Member:
    def __init__(self, client, drafts):
        self.client, self.drafts, self.step, self.version = client, list(drafts), 0, None

    def act(self, started, ctx):
        pk, code, title = self.drafts[0]
        if self.step == 0:
            status, body, _loc = self.client.request("edit_get", "GET", f"/member/{pk}/edit/", started=started)
            match = VERSION_RE.search(body) if status == 200 else None
            if match is None:
                self.drafts.pop(0)
                return
            self.version, self.step = int(match.group(1)), 1
        elif self.step in (1, 2):
            field = ctx["marker_field"][code]
            marker = f"{ctx['posted'][code][field]}【开环{pk}-{self.step}-{ctx['rng'].randrange(10**6)}】"
            form = {**ctx["posted"][code], "name": title, field: marker, "version": self.version}
            status, body, _loc = self.client.request(
                "autosave", "POST", f"/member/{pk}/autosave/", form, {"HX-Request": "true"}, started=started
            )
            if status == 200 and "text-success" in body:
                match = VERSION_RE.search(body)
                self.version = int(match.group(1)) if match else self.version
                with ctx["lock"]:
                    ctx["last_saved"][pk] = marker
            self.step += 1
        else:
            self.client.request("submit", "POST", f"/member/{pk}/act/submit/", {}, started=started)
            self.drafts.pop(0)
            self.step = 0

    @property
    def alive(self):
        return bool(self.drafts)


class Secretariat:
    ACTIONS = ("accept", "opinion", "recommend")

    def __init__(self, client):
        self.client, self.pending = client, deque()

    def act(self, started, ctx):
        if not self.pending:
            status, body, _loc = self.client.request(
                "inbox", "GET", "/secretariat/inbox/?state=submitted", started=started
            )
            found = ENTRY_RE.findall(body) if status == 200 else []
            for pk in found[:3]:
                self.pending.extend((pk, action) for action in self.ACTIONS)
            return
        pk, action = self.pending.popleft()
        if action == "opinion":
            form, path = {"opinion": "同意推荐。"}, f"/secretariat/entries/{pk}/opinion/"
        else:
            form, path = {"action": action}, f"/secretariat/entries/{pk}/act/"
        self.client.request(action, "POST", path, form, started=started)

    alive = True


def step(port_recorder, members, secretariats, rate, seconds, ctx, seed, secretariat_share=0.08, threads=200):
    """One open-loop step at ``rate`` arrivals per second for ``seconds``; return its samples."""
    recorder = port_recorder
    first = len(recorder.samples)
    idle = {"member": deque(m for m in members if m.alive), "secretariat": deque(secretariats)}
    lock = threading.Lock()
    rng = random.Random(seed)
    abort = threading.Event()
    in_flight = [0]

    def arrive(kind, started):
        with lock:
            actor = idle[kind].popleft() if idle[kind] else None
            if actor is None and kind == "secretariat" and idle["member"]:
                actor = idle["member"].popleft()
            in_flight[0] += 1
        try:
            if abort.is_set():
                return
            if actor is None:
                recorder.add("no_actor", 0, time.perf_counter() - started)
                return
            actor.act(started, ctx)
        finally:
            with lock:
                in_flight[0] -= 1
                if actor is not None and actor.alive:
                    idle["member" if isinstance(actor, Member) else "secretariat"].append(actor)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        start = time.perf_counter()
        at = start
        while True:
            at += rng.expovariate(rate)
            if at >= start + seconds:
                break
            delay = at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            if in_flight[0] > 4 * threads:  # hopelessly behind: stop, the step has failed
                abort.set()
                recorder.add("no_actor", 0, 0.0)
                break
            kind = "secretariat" if secretariats and rng.random() < secretariat_share else "member"
            pool.submit(arrive, kind, at)
        duration = time.perf_counter() - start
    return recorder.samples[first:], duration


def search(
    recorder,
    members,
    secretariats,
    baseline_rate,
    ctx,
    meter_args,
    measured,
    start=0.06,
    factor=1.25,
    seconds=10.0,
    p95_ms=300.0,
    max_steps=14,
    retries=1,
    refine=2,
    log=print,
):
    """Step the rate (see the module docstring); return ``(best_fraction, rows)``.

    ``retries``: a step that failed on its p95 alone (no error) is run again at the same rate, and the
    rate fails only if every run does: on a shared machine one burst of other work can fail a step.
    ``refine``: once a passing rate lies below a failing one a ``factor`` apart, that many bisections
    (geometric means) narrow the bracket, so that the figure is not understated by up to a ``factor``.
    """
    fraction, best, rows, direction = start, None, [], 0
    runs = 0

    def run(fraction):
        nonlocal runs
        runs += 1
        rate = fraction * baseline_rate
        meter = cpu.Meter(*meter_args).start()
        samples, duration = step(recorder, members, secretariats, rate, seconds, ctx, seed=3000 + runs)
        used = meter.stop()
        timed = [s for s in samples if s[0] in measured or s[0] == "no_actor"]
        latencies = [s[2] for s in timed]
        errors = sum(1 for s in samples if s[1] == 0 or s[1] >= 500)
        row = {
            "fraction": fraction,
            "rate": rate,
            "count": len(timed),
            "per_second": len(timed) / duration if duration else 0,
            "p50_ms": 1000 * percentile(latencies, 0.50),
            "p95_ms": 1000 * percentile(latencies, 0.95),
            "p99_ms": 1000 * percentile(latencies, 0.99),
            "errors": errors,
            "statuses": dict(Counter(f"{s[0]} {s[1]}" for s in samples)),
            "cpu_ms_per_request": {side: used[side] and 1000 * used[side] / max(len(timed), 1) for side in used},
        }
        row["ok"] = bool(timed) and errors == 0 and row["p95_ms"] <= p95_ms
        rows.append(row)
        log(
            f"  open loop {rate:7.1f}/s ({fraction:.3f} × baseline): {row['per_second']:6.1f} req/s answered, "
            f"p50/p95/p99 {row['p50_ms']:.0f}/{row['p95_ms']:.0f}/{row['p99_ms']:.0f} ms, {errors} errors: "
            f"{'pass' if row['ok'] else 'fail'}"
        )
        time.sleep(2.0)  # let the queue drain before the next step
        return row

    def confirmed(fraction):
        row = run(fraction)
        tries = 0
        while not row["ok"] and not row["errors"] and tries < retries and runs < max_steps:
            tries += 1
            row = run(fraction)
        return row

    failed_at = None
    while runs < max_steps:
        row = confirmed(fraction)
        if not row["ok"]:
            failed_at = fraction if failed_at is None else min(failed_at, fraction)
        if row["ok"]:
            best = fraction if best is None else max(best, fraction)
            if direction < 0:
                break
            direction, fraction = 1, fraction * factor
        else:
            if direction > 0:
                break
            direction, fraction = -1, fraction / factor
        if not any(m.alive for m in members):
            log("  open loop: no drafts left")
            return best, rows
    low, high = best, failed_at
    for _ in range(refine):
        if low is None or high is None or high <= low or runs >= max_steps or not any(m.alive for m in members):
            break
        middle = (low * high) ** 0.5
        if confirmed(middle)["ok"]:
            low = best = max(best, middle)
        else:
            high = middle
    return best, rows
