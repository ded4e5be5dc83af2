"""PostgreSQL's own account of a benchmark phase: ``pg_stat_statements`` for one database, if loaded.

The extension needs ``shared_preload_libraries = 'pg_stat_statements'`` and a restart of the server,
which a benchmark must not do by itself on a shared machine (``bench/README.md`` says how, and how to
undo it). Without it every function here returns ``None`` and the benchmark runs as before.

The times are the server's planning (with ``pg_stat_statements.track_planning = on``) and execution
times (wall clock inside the backend, lock waits included), not CPU: under concurrency a statement that
waits for a row lock shows here, not in ``bench/_cpu.py``.
"""

import re

import psycopg

TOP = 15
_LITERALS = re.compile(r"\s+")


def _admin(url):
    from urllib.parse import urlparse

    return urlparse(url)._replace(path="/postgres").geturl()


def reset(url):
    """Create the extension in the server's ``postgres`` database and reset its counters; ``False`` if the
    server does not load it."""
    try:
        with psycopg.connect(_admin(url), autocommit=True) as conn:
            loaded = conn.execute("SHOW shared_preload_libraries").fetchone()[0]
            if "pg_stat_statements" not in loaded:
                return False
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            conn.execute("SELECT pg_stat_statements_reset()")
    except psycopg.Error:
        return False
    return True


def top(url, database, limit=TOP):
    """The statements of ``database`` since :func:`reset`, by total execution time: a list of dicts."""
    with psycopg.connect(_admin(url), autocommit=True) as conn:
        rows = conn.execute(
            """
            SELECT s.calls, s.total_exec_time + s.total_plan_time, s.total_plan_time, s.rows,
                   s.shared_blks_hit + s.shared_blks_read, s.wal_records, s.query
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = %s
            ORDER BY s.total_exec_time + s.total_plan_time DESC
            """,
            [database],
        ).fetchall()
    total = sum(row[1] for row in rows) or 1.0
    return [
        {
            "calls": calls,
            "total_ms": round(total_ms, 1),
            "share": round(total_ms / total, 3),
            "mean_ms": round(total_ms / max(calls, 1), 3),
            "plan_ms": round(plan_ms, 1),
            "rows": n_rows,
            "blocks": blocks,
            "wal_records": wal,
            "query": _LITERALS.sub(" ", query)[:400],
        }
        for calls, total_ms, plan_ms, n_rows, blocks, wal, query in rows[:limit]
    ], {
        "statements": len(rows),
        "calls": sum(row[0] for row in rows),
        "total_ms": round(total, 1),
        "plan_ms": round(sum(row[2] for row in rows), 1),
    }


def print_top(found, summary, requests):
    print(
        f"pg_stat_statements: {summary['calls']} statements ({summary['calls'] / max(requests, 1):.1f} per request), "
        f"{summary['total_ms']:.0f} ms planning and executing ({summary['total_ms'] / max(requests, 1):.2f} ms per "
        f"request, of which planning {summary['plan_ms'] / max(requests, 1):.2f} ms: 0 unless "
        "pg_stat_statements.track_planning is on)"
    )
    print(f"{'calls':>8}{'total ms':>10}{'share':>7}{'mean ms':>9}{'plan ms':>9}{'blocks':>9}{'wal':>7}  query")
    for row in found:
        print(
            f"{row['calls']:>8}{row['total_ms']:>10.0f}{row['share']:>7.1%}{row['mean_ms']:>9.3f}{row['plan_ms']:>9.0f}"
            f"{row['blocks']:>9}{row['wal_records']:>7}  {row['query'][:160]}"
        )
