"""CPU time the benchmark's gunicorn workers spend in Python's cyclic garbage collector.

``bench.rush_settings`` installs :func:`install` in every worker: a ``gc.callbacks`` hook that sums the
process time of each collection per generation and, after every collection of generation 1 or 2, writes
the worker's totals to ``bench/out/rush-gc/<pid>.json`` (cheap: those collections are rare). ``rush.py``
reads the files of its gunicorn and prints them after the rush.
"""

import gc
import json
import os
import time
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent / "out" / "rush-gc"


def install(directory: Path = DIRECTORY) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    spent, counts, started = [0.0, 0.0, 0.0], [0, 0, 0], [0.0]

    def hook(phase, info):
        if phase == "start":
            started[0] = time.process_time()
            return
        generation = info["generation"]
        spent[generation] += time.process_time() - started[0]
        counts[generation] += 1
        if generation:
            path = directory / f"{os.getpid()}.json"
            path.write_text(json.dumps({"seconds": spent, "collections": counts, "at": time.time()}))

    gc.callbacks.append(hook)


def read(since: float, directory: Path = DIRECTORY) -> dict:
    """The totals of the workers that wrote since ``since`` (a ``time.time()``): seconds and collections per
    generation, summed over the workers."""
    seconds, collections = [0.0, 0.0, 0.0], [0, 0, 0]
    for path in directory.glob("*.json"):
        found = json.loads(path.read_text())
        if found["at"] < since:
            continue
        seconds = [a + b for a, b in zip(seconds, found["seconds"], strict=True)]
        collections = [a + b for a, b in zip(collections, found["collections"], strict=True)]
    return {"seconds": seconds, "collections": collections}
