"""How annotation time grows with the length of one text full of ConText cues.

    python benchmarks/probes/context_scaling.py [OUT.json]

Each sentence of ``"Maybe I never realized that I always run away, she said? " * k`` carries
hypothetical, negated, other-person and question cues, so a long text holds thousands of
modifiers. Looking up the modifiers of every sentence by scanning them all made annotation
quadratic in the length of such a text; it should grow about linearly. A probe, not part of
``run_all.sh``; the output quoted in the closing notes is ``benchmarks/results/probes/context_scaling.txt``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import breakthrough_nlp  # noqa: E402

SENTENCE = "Maybe I never realized that I always run away, she said? "


def main() -> None:
    nlp = breakthrough_nlp.load()
    nlp(SENTENCE * 10)  # warm up
    rows = []
    for k in (1000, 4000, 16000):
        text = SENTENCE * k
        t0 = time.perf_counter()
        doc = nlp(text)
        seconds = time.perf_counter() - t0
        rows.append({"characters": len(text), "seconds": round(seconds, 2),
                     "candidates": len(doc.spans["realization_candidates"]),
                     "spans": len(doc.spans["realizations"])})
        print(f"{len(text):>9,} characters  {seconds:6.2f} s  {rows[-1]['candidates']} candidates, "
              f"{rows[-1]['spans']} spans", flush=True)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
