"""Compare training configs by writer-grouped cross-validation over train + dev.

    python benchmarks/cross_validation.py --config '{}' --config '{"entry_context": false}' [--folds 5]
        [--corpus DIR] [--json OUT.json]

One dev split of ~300 entries is a noisy judge: two configs can swap places
between dev and test by more than either gains. This pools the train and dev
writers (never test), holds out each fold of writers in turn, trains each
config on the rest (its thresholds tuned on a writer-disjoint sixth of them)
and scores the held-out fold. The folds are the same for every config, so the
per-fold differences are paired; the script reports each config's mean and the
mean paired difference against the first config with its range over folds.
``--corpus`` points it at any directory with ``train.jsonl`` and ``dev.jsonl``
(writers in the ``author`` field; entries without one count as their own writer).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.model_selection import GroupKFold  # noqa: E402

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.evaluation import evaluate  # noqa: E402
from breakthrough_nlp.training import TrainConfig, fit_pipeline  # noqa: E402

METRICS = ("span_overlap_f1", "span_exact_f1", "span_label_accuracy", "entry_macro_f1")


def paired(diff: np.ndarray) -> dict[str, float]:
    """Mean, smallest and largest of per-fold differences."""
    return {"mean": round(float(diff.mean()), 4), "min": round(float(diff.min()), 4), "max": round(float(diff.max()), 4)}


def show_paired(d: dict[str, float]) -> str:
    return f"{d['mean']:+.3f} [{d['min']:+.3f}, {d['max']:+.3f}]"


def fold_scores(cfg: TrainConfig, train, dev, test) -> dict[str, float]:
    nlp = fit_pipeline(train, dev, cfg)
    r = evaluate(nlp, test)
    return {"span_overlap_f1": r["spans"]["overlap"]["f1"], "span_exact_f1": r["spans"]["exact"]["f1"],
            "span_label_accuracy": r["spans"]["label_accuracy"], "entry_macro_f1": r["labels"]["macro_f1"]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", action="append", default=[], help="TrainConfig overrides as JSON (repeatable)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--corpus", default=str(ROOT / "corpora" / "journal-breakthroughs"))
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    raw = args.config or ["{}"]
    cfgs = [TrainConfig.from_json(c) for c in raw]  # a mistyped setting fails here, before any training
    configs = [json.loads(c) for c in raw]
    splits = load_splits(args.corpus)
    pool = splits["train"] + splits["dev"]
    writers = np.asarray([r.author or r.id for r in pool])
    results = [[] for _ in configs]
    for k, (rest, held) in enumerate(GroupKFold(n_splits=args.folds).split(pool, groups=writers)):
        # A writer-disjoint sixth of the rest tunes the thresholds.
        inner = next(GroupKFold(n_splits=6).split(rest, groups=writers[rest]))
        train = [pool[rest[i]] for i in inner[0]]
        dev = [pool[rest[i]] for i in inner[1]]
        test = [pool[i] for i in held]
        for c, overrides in enumerate(configs):
            scores = fold_scores(cfgs[c], train, dev, test)
            results[c].append(scores)
            print(f"fold {k} config {c} {overrides}: " + ", ".join(f"{m} {scores[m]:.3f}" for m in METRICS),
                  flush=True)
    out = []
    for c, overrides in enumerate(configs):
        row = {"config": overrides, "entries": len(pool), "folds": results[c]}
        for m in METRICS:
            vals = np.asarray([f[m] for f in results[c]])
            row[m] = round(float(vals.mean()), 4)
            if c:
                row[f"{m}_diff"] = paired(vals - np.asarray([f[m] for f in results[0]]))
        out.append(row)
    print(f"\nmeans over {args.folds} writer folds of train+dev ({len(pool)} entries); differences against config 0")
    for c, row in enumerate(out):
        print(f"config {c} {row['config']}")
        for m in METRICS:
            d = row.get(f"{m}_diff")
            extra = f"   diff {show_paired(d)}" if d else ""
            print(f"  {m:<22} {row[m]:.3f}{extra}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
