"""Realization detection on real Reddit comments nobody here wrote (GoEmotions dev).

    python benchmarks/goemotions.py [--json OUT.json]

A comment is positive when its raters gave ``realization`` (label id 22). A system
predicts positive when it marks any realization span. Systems: the shipped model,
its learned scorer with the context layer off at inference, and the cue-word
baseline. GoEmotions' "realization" is broader than the guide's therapeutic insight
("oh right, I forgot X was on the show"), so precision here measures agreement with
a different definition; the GoEmotions paper's BERT baseline scores about 0.2 F1
on this label. The GoEmotions train split was not used for training or tuning.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
DATA = ROOT.parent / "shared" / "data" / "goemotions"

import breakthrough_nlp  # noqa: E402
from baselines import CueWordBaseline  # noqa: E402
from breakthrough_nlp.evaluation import evaluate  # noqa: E402

REALIZATION = "22"


def load(split: str) -> tuple[list[str], list[int]]:
    texts, y = [], []
    with (DATA / f"{split}.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            text, labels, _cid = line.rstrip("\n").split("\t")
            texts.append(text)
            y.append(int(REALIZATION in labels.split(",")))
    return texts, y


def prf(y, pred) -> dict:
    tp = sum(1 for a, b in zip(y, pred) if a and b)
    fp = sum(1 for a, b in zip(y, pred) if b and not a)
    fn = sum(1 for a, b in zip(y, pred) if a and not b)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "predicted_positive": tp + fp, "tp": tp}


def model_scores(nlp, splits, ge_texts, ge_y, key: str = "{}") -> dict:
    """One model's GoEmotions dev flags and its corpus dev and test scores, stored under
    ``key.format(split)`` (the training experiments in goemotions_training.py and short_notes.py)."""
    pred = [int(len(d.spans["realizations"]) > 0) for d in nlp.pipe(ge_texts, batch_size=256)]
    out = {"goemotions_dev": prf(ge_y, pred)}
    for split in ("dev", "test"):
        r = evaluate(nlp, splits[split])
        out[key.format(split)] = {
            "span_overlap_f1": r["spans"]["overlap"]["f1"],
            "span_exact_f1": r["spans"]["exact"]["f1"],
            "span_label_accuracy": r["spans"]["label_accuracy"],
            "entry_macro_f1": r["labels"]["macro_f1"],
            "trivial_fp_rate": r["spans"]["hard_negative_fp_rate"].get("trivial", {}).get("rate"),
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    texts, y = load("dev")
    systems = {
        "shipped model": breakthrough_nlp.load(),
        "shipped model, context layer off at inference": breakthrough_nlp.load(
            config={"components.breakthrough_realizations.use_context_rules": False}),
        "cue-word baseline": CueWordBaseline(),
    }
    results = {"comments": len(texts), "positives": sum(y)}
    print(f"GoEmotions dev: {len(texts)} comments, {sum(y)} with 'realization'")
    for name, system in systems.items():
        pred = [int(len(doc.spans["realizations"]) > 0) for doc in system.pipe(texts)]
        results[name] = prf(y, pred)
        r = results[name]
        print(f"{name:<48} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}  "
              f"(flags {r['predicted_positive']})")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
