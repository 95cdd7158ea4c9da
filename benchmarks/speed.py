"""Throughput, load time and training time, measured side by side on one machine.

    python benchmarks/speed.py [--repeat 3] [--json OUT.json] [--skip-lexicon-tools]

Text: the Diary of Samuel Pepys (../shared/data/pepys/diary.jsonl, 3,415 entries,
~1.2M words). Systems, each over the same texts:

* spaCy ``blank("en")`` + ``sentencizer`` — the floor any spaCy pipeline pays;
* ``breakthrough_nlp.annotate`` with one process and with ``n_process=2``;
* VADER (vaderSentiment) and Empath, lexicon tools researchers already use
  (installed on demand: ``pip install vaderSentiment empath``).

Reports the median words/s and entries/s over ``--repeat`` runs, the ratio of the
pipeline to the floor, the median time to ``load()`` in a fresh process, and the
time to train on the full corpus.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEPYS = ROOT.parent / "shared" / "data" / "pepys" / "diary.jsonl"


def texts() -> list[str]:
    with PEPYS.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", default=None)
    ap.add_argument("--skip-lexicon-tools", action="store_true")
    args = ap.parse_args()

    import spacy

    import breakthrough_nlp

    docs = texts()
    n_words = sum(len(t.split()) for t in docs)
    results: dict = {"entries": len(docs), "words": n_words, "repeat": args.repeat, "systems": {}}

    def record(name: str, seconds: float) -> None:
        results["systems"][name] = {"seconds": round(seconds, 2), "words_per_s": round(n_words / seconds),
                                    "entries_per_s": round(len(docs) / seconds, 1)}
        print(f"{name:<48}{seconds:>8.2f}s{n_words / seconds:>12,.0f} words/s{len(docs) / seconds:>9,.1f} entries/s",
              flush=True)

    floor = spacy.blank("en")
    floor.add_pipe("sentencizer")
    record("spaCy blank('en') + sentencizer", timed(lambda: list(floor.pipe(docs, batch_size=64)), args.repeat))

    nlp = breakthrough_nlp.load()
    record("breakthrough_nlp.annotate, 1 process",
           timed(lambda: breakthrough_nlp.annotate(docs, nlp), args.repeat))
    record("breakthrough_nlp.annotate, n_process=2",
           timed(lambda: breakthrough_nlp.annotate(docs, nlp, n_process=2), args.repeat))

    if not args.skip_lexicon_tools:
        try:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            vader = SentimentIntensityAnalyzer()
            record("VADER polarity_scores", timed(lambda: [vader.polarity_scores(t) for t in docs], args.repeat))
        except ImportError:
            print("VADER not installed (pip install vaderSentiment); skipped")
        try:
            from empath import Empath

            lex = Empath()
            record("Empath analyze (all categories)",
                   timed(lambda: [lex.analyze(t, normalize=True) for t in docs], args.repeat))
        except ImportError:
            print("Empath not installed (pip install empath); skipped")

    sys_ = results["systems"]
    results["pipeline_to_floor_ratio"] = round(
        sys_["breakthrough_nlp.annotate, 1 process"]["words_per_s"] / sys_["spaCy blank('en') + sentencizer"]["words_per_s"], 3)
    print(f"pipeline / floor throughput (1 process): {results['pipeline_to_floor_ratio']:.3f}")

    load_code = ("import time; t=time.perf_counter(); import breakthrough_nlp; t1=time.perf_counter(); "
                 "breakthrough_nlp.load(); print(t1-t, time.perf_counter()-t1)")
    runs = [subprocess.run([sys.executable, "-c", load_code], capture_output=True, text=True, check=True)
            .stdout.split() for _ in range(5)]
    results["import_seconds_median"] = round(statistics.median(float(r[0]) for r in runs), 3)
    results["load_seconds_median"] = round(statistics.median(float(r[1]) for r in runs), 3)
    print(f"fresh process, median of 5: import breakthrough_nlp {results['import_seconds_median']:.3f}s, "
          f"then load() {results['load_seconds_median']:.3f}s")

    from breakthrough_nlp.training import train

    t0 = time.perf_counter()
    train(ROOT / "corpora" / "journal-breakthroughs")
    results["train_seconds"] = round(time.perf_counter() - t0, 1)
    print(f"train on the full corpus: {results['train_seconds']:.1f}s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
