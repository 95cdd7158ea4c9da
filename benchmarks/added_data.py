"""Do the writers added to train (batches 10-19) help on the original writers' entries?

    python benchmarks/added_data.py [--config JSON] [--folds 5] [--json OUT.json]

Dev and test hold only writers of the original batches (pinned in
``corpora/journal-breakthroughs/writer_splits.json``), and the added batches
were written later, with a somewhat different habit of span extent. One test
split of ~200 spans cannot tell whether adding them helps; this can, with more
data: the original writers of train + dev are split into writer folds, and for
each held-out fold two pipelines are trained on the same remaining original
writers (thresholds tuned on a writer-disjoint sixth of them), one without and
one with every added writer. Both are scored on the held-out fold, so the
differences are paired. Test is never used.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cross_validation import METRICS, fold_scores, paired, show_paired  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.training import TrainConfig  # noqa: E402

CORPUS = ROOT / "corpora" / "journal-breakthroughs"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="{}", help="TrainConfig overrides as JSON, used for both pipelines")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    cfg = TrainConfig.from_json(args.config)
    pinned = json.loads((CORPUS / "writer_splits.json").read_text(encoding="utf-8"))
    original = set(pinned["train"]) | set(pinned["dev"])
    splits = load_splits(CORPUS)
    pool = [r for r in splits["train"] + splits["dev"] if r.author in original]
    added = [r for r in splits["train"] if r.author not in original]
    writers = np.asarray([r.author for r in pool])
    rows = {"without": [], "with": []}
    for k, (rest, held) in enumerate(GroupKFold(n_splits=args.folds).split(pool, groups=writers)):
        inner = next(GroupKFold(n_splits=6).split(rest, groups=writers[rest]))
        train = [pool[rest[i]] for i in inner[0]]
        dev = [pool[rest[i]] for i in inner[1]]
        test = [pool[i] for i in held]
        for name, extra in (("without", []), ("with", added)):
            scores = fold_scores(cfg, train + extra, dev, test)
            rows[name].append(scores)
            print(f"fold {k} {name} added writers ({len(train) + len(extra)} training entries): "
                  + ", ".join(f"{m} {scores[m]:.3f}" for m in METRICS), flush=True)
    out = {"config": json.loads(args.config), "original_entries": len(pool), "added_entries": len(added),
           "folds": args.folds, "without": {}, "with": {}, "difference": {}}
    for m in METRICS:
        a = np.asarray([f[m] for f in rows["without"]])
        b = np.asarray([f[m] for f in rows["with"]])
        out["without"][m], out["with"][m] = round(float(a.mean()), 4), round(float(b.mean()), 4)
        out["difference"][m] = paired(b - a)
    print(f"\nmeans over {args.folds} folds of the {len(pool)} original train+dev entries; "
          f"'with' adds {len(added)} entries of later writers to each training set")
    for m in METRICS:
        print(f"  {m:<22} without {out['without'][m]:.3f}  with {out['with'][m]:.3f}  "
              f"diff {show_paired(out['difference'][m])}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
