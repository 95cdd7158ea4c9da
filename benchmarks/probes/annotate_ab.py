"""Time ``annotate`` on the Pepys diary with this checkout's code; run it alternately from two checkouts.

    git worktree add /tmp/old REV
    (cd /tmp/old && PYTHONPATH=/tmp/old python /path/to/benchmarks/probes/annotate_ab.py old)
    python benchmarks/probes/annotate_ab.py new

A probe, not part of ``run_all.sh``: on a machine whose speed drifts from day to
day, alternating runs of two code versions compare them where ``speed.py``'s
stored table cannot. It prints the label, the seconds for the whole diary (after
a warm-up of 200 entries) and which package file was imported.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import breakthrough_nlp

PEPYS = Path(__file__).resolve().parents[3] / "shared" / "data" / "pepys" / "diary.jsonl"


def main() -> None:
    rows = [json.loads(line) for line in PEPYS.open(encoding="utf-8")]
    nlp = breakthrough_nlp.load()
    breakthrough_nlp.annotate(rows[:200], nlp)
    t0 = time.perf_counter()
    breakthrough_nlp.annotate(rows, nlp)
    print(sys.argv[1] if len(sys.argv) > 1 else "this", round(time.perf_counter() - t0, 2), breakthrough_nlp.__file__)


if __name__ == "__main__":
    main()
