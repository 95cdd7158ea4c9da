"""Peak memory (RSS) of `breakthrough-nlp annotate` on the Pepys diary, once and ten times over.

    python benchmarks/memory.py [--copies 10] [--json OUT.json]

Each run is a fresh process (the CLI, writing CSV); its peak RSS is read from
``resource.getrusage(RUSAGE_CHILDREN)`` after it exits. Flat memory means the ten-copy
run peaks at about the same RSS as the single copy.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEPYS = ROOT.parent / "shared" / "data" / "pepys" / "diary.jsonl"


def run(inputs: list[Path], out: Path) -> tuple[float, float]:
    code = ("import sys; from breakthrough_nlp.cli import main; sys.exit(main(sys.argv[1:]))")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, "annotate", *map(str, inputs), "-o", str(out), "--quiet"], check=True)
    elapsed = time.perf_counter() - t0
    # ru_maxrss of children is the max over all waited-for children: run each size in its own parent.
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, elapsed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--json", default=None)
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as tmp:
            peak, elapsed = run([PEPYS] * args.child, Path(tmp) / "out.csv")
        print(json.dumps({"copies": args.child, "peak_rss_mb": round(peak, 1), "seconds": round(elapsed, 1)}))
        return 0
    results = []
    for copies in (1, args.copies):
        res = subprocess.run([sys.executable, __file__, "--child", str(copies)], capture_output=True, text=True,
                             check=True)
        row = json.loads(res.stdout.strip().splitlines()[-1])
        results.append(row)
        print(f"{copies:>3} x diary: peak RSS {row['peak_rss_mb']:.0f} MB, {row['seconds']:.0f}s", flush=True)
    ratio = results[1]["peak_rss_mb"] / results[0]["peak_rss_mb"]
    print(f"peak RSS ratio ({args.copies}x / 1x): {ratio:.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": results, "ratio": round(ratio, 3)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
