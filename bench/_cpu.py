"""CPU time of the server side of a benchmark: the gunicorn process tree and the database's backends.

On a shared machine the wall-clock rates move with whatever else runs; the CPU seconds these processes
spent per request barely do. Read from ``/proc`` (Linux); elsewhere every figure is ``None``.
"""

import os
import threading
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes():
    """``{pid: (ppid, cpu_seconds, cmdline)}`` of every readable process."""
    found = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, cmdline)
    return found


def snapshot(root_pid, database):
    """``{"server": {pid: s}, "database": {pid: s}}``: ``root_pid``'s process tree, ``database``'s backends."""
    processes = _processes()
    tree, frontier = set(), {root_pid}
    while frontier:
        tree |= frontier
        frontier = {pid for pid, (ppid, _cpu, _cmd) in processes.items() if ppid in frontier} - tree
    return {
        "server": {pid: processes[pid][1] for pid in tree if pid in processes},
        "database": {
            pid: cpu
            for pid, (_ppid, cpu, cmdline) in processes.items()
            if cmdline.startswith("postgres: ") and f" {database} " in cmdline
        },
    }


class Meter:
    """Samples :func:`snapshot` every ``interval`` seconds in a thread between ``start()`` and ``stop()``, so
    that a process ending in between (a database connection recycled) still counts up to its last sample;
    one started in between counts from zero. ``stop()`` returns ``{"server": s, "database": s}``, or
    ``None`` for both where ``/proc`` is missing.
    """

    SIDES = ("server", "database")

    def __init__(self, root_pid, database, interval=0.25):
        self.root_pid, self.database, self.interval = root_pid, database, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.first = {}
        self.last = {}

    def _sample(self):
        for side, cpus in snapshot(self.root_pid, self.database).items():
            for pid, cpu in cpus.items():
                self.first[side].setdefault(pid, 0.0)
                self.last[side][pid] = cpu

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self):
        self.last = snapshot(self.root_pid, self.database)
        self.first = {side: dict(self.last[side]) for side in self.SIDES}
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._thread.join()
        self._sample()
        if not self.last["server"]:
            return dict.fromkeys(self.SIDES)
        return {side: sum(cpu - self.first[side][pid] for pid, cpu in self.last[side].items()) for side in self.SIDES}
