"""Does GoEmotions' train split help? Train with and without it and compare.

    python benchmarks/goemotions_training.py [--negatives 3000] [--json OUT.json]

The issue allows using GoEmotions train for training or tuning "if it helps".
This adds its 'realization' comments (each as one span over the whole comment,
category ``other``) and a random sample of its other comments (no span) to the
corpus training split, retrains with the default config, and reports, for both
models: GoEmotions dev P/R/F1 (a comment is positive when any span is marked),
span F1 on the corpus dev and test splits, and the false-positive rate on the
corpus's trivial-noticing hard negatives, which the guide excludes but
GoEmotions counts as realizations.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from goemotions import load, model_scores  # noqa: E402

from breakthrough_nlp.corpus import Record, load_splits  # noqa: E402
from breakthrough_nlp.training import TrainConfig, fit_pipeline  # noqa: E402


def goemotions_records(n_negatives: int, seed: int = 0) -> list[Record]:
    texts, y = load("train")
    pos = [t for t, v in zip(texts, y) if v]
    neg = [t for t, v in zip(texts, y) if not v]
    random.Random(seed).shuffle(neg)
    out = []
    for i, text in enumerate(pos + neg[:n_negatives]):
        stripped = text.strip()
        if not stripped:
            continue
        start = text.index(stripped)
        spans = [{"start": start, "end": start + len(stripped), "label": "other"}] if i < len(pos) else []
        out.append(Record(id=f"goemotions-{i}", text=text, labels=[], spans=spans, author=f"goemotions-{i % 50}"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--negatives", type=int, default=3000)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    ge_texts, ge_y = load("dev")
    extra = goemotions_records(args.negatives)
    results = {"goemotions_train_records_added": len(extra)}
    for name, train in (("corpus only", splits["train"]), ("corpus + GoEmotions train", splits["train"] + extra)):
        nlp = fit_pipeline(train, splits["dev"], TrainConfig())
        results[name] = model_scores(nlp, splits, ge_texts, ge_y, key="corpus_{}")
        print(name, json.dumps(results[name]), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
