"""Held-out targeted batches: do batches 26-29 (or 30-35) teach the model what they were written for?

    python benchmarks/short_notes.py [--batches 26 27 28 29] [--json OUT.json]
    python benchmarks/short_notes.py --batches 30 31 32 33 34 35 --json benchmarks/results/stock_phrases.json
    python benchmarks/short_notes.py --score NAME=MODEL_DIR [NAME=MODEL_DIR ...]   # the same counts on dev and test

Batches 26-29 (``corpora/tools/ADDENDUM_BATCHES_26-29.md``) are short notes as
people type them in a journaling app, mostly likes, wants, moods and opinions,
written after the model marked such sentences as realizations. Held-out-batch
cross-validation: for each short batch, a model is trained on the other
training writers (batches 1-25 and the other short batches) and scored on that
batch's entries, whose writers it never saw; a baseline model trained on
batches 1-25 only is scored on the same entries. Both are also scored on the
corpus dev and test splits and on GoEmotions dev (a comment is positive when
its raters gave ``realization``, predicted positive when any span is marked).

Batches 30-35 (``corpora/tools/ADDENDUM_BATCHES_30-35.md``) use the stock
phrases of earlier batches' insights ("I'd rather", "I want to be", "I'm
scared", ...) in their ordinary sense, written after the model marked "I want
to learn piano this year." as a realization; ``--batches 30 31 32 33 34 35`` runs the
same design on them, the baseline then trained on all the other batches.

Reported per held-out batch and summed: span overlap P/R/F1, the share of
unlabelled entries given a span ("marked, no label"), the share of labelled
entries given a span of a right category, and how the predicted and gold spans
that contain a stock phrase fare.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from goemotions import load, model_scores  # noqa: E402
from pepys_judged import named_model  # noqa: E402

from breakthrough_nlp.corpus import Record, load_splits  # noqa: E402
from breakthrough_nlp.evaluation import _prf, match_spans  # noqa: E402
from breakthrough_nlp.training import TrainConfig, fit_pipeline  # noqa: E402


STOCK_PHRASES = re.compile(
    r"\b(i'?d rather|i would rather|rather be|want to be|i want to|i want my|want is|i don'?t want|"
    r"what i (?:really )?want|i need to|i don'?t need|care about|matters? to me|what matters|i'?m angry|"
    r"i'?m scared|ashamed of|jealous of|let myself)\b",
    re.IGNORECASE,
)
"""The phrases of ``ADDENDUM_BATCHES_30-35.md`` (straight or curly apostrophes are normalized first)."""


def has_stock_phrase(text: str) -> bool:
    return bool(STOCK_PHRASES.search(text.replace("\u2019", "'")))


def batch_ranges(numbers) -> str:
    """``[1, 2, 3, 5]`` -> ``"1-3, 5"``: the batches a model was trained on, for labels."""
    out, run = [], []
    for n in sorted(set(numbers)):
        if run and n != run[-1] + 1:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        run.append(n)
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


def span_scores(matched: int, predicted: int, gold: int) -> dict:
    """Span precision, recall and F1 from counts (the evaluation's rounding)."""
    r = _prf(matched, predicted - matched, gold - matched)
    return {k: r[k] for k in ("precision", "recall", "f1")}


def batch_of(rec: Record) -> int:
    """Batch number from the writer id: w2601 is batch 26's first writer, w101 batch 1's."""
    return int((rec.author or "w000")[1:-2])


def score_notes(nlp, records: list[Record]) -> dict:
    docs = list(nlp.pipe([r.text for r in records], batch_size=256))
    tp = n_pred = n_gold = 0
    unl_marked = unl = lab = lab_found = 0
    ph_pred = ph_pred_ok = ph_gold = ph_gold_found = 0
    for rec, doc in zip(records, docs):
        gold = [(s["start"], s["end"]) for s in rec.spans]
        spans = list(doc.spans["realizations"])
        matched, _ = match_spans(doc, gold, [(s.start_char, s.end_char) for s in spans])
        gold_hit = {g for g, _ in matched}
        pred_hit = {p for _, p in matched}
        for k, s in enumerate(spans):
            if has_stock_phrase(s.text):
                ph_pred += 1
                ph_pred_ok += k in pred_hit
        for k, (a, b) in enumerate(gold):
            if has_stock_phrase(rec.text[a:b]):
                ph_gold += 1
                ph_gold_found += k in gold_hit
        tp += len(matched)
        n_pred += len(spans)
        n_gold += len(gold)
        if rec.labels:
            lab += 1
            lab_found += any(s.label_ in rec.labels for s in spans)
        else:
            unl += 1
            unl_marked += bool(spans)
    return {"entries": len(records), "gold_spans": n_gold, "predicted_spans": n_pred, "matched": tp,
            **span_scores(tp, n_pred, n_gold),
            "unlabelled": unl, "unlabelled_marked": unl_marked, "labelled": lab, "labelled_found": lab_found,
            "phrase_predicted": ph_pred, "phrase_predicted_matched": ph_pred_ok,
            "phrase_gold": ph_gold, "phrase_gold_found": ph_gold_found}


def total(rows: list[dict]) -> dict:
    keys = ("entries", "gold_spans", "predicted_spans", "matched", "unlabelled", "unlabelled_marked",
            "labelled", "labelled_found", "phrase_predicted", "phrase_predicted_matched", "phrase_gold",
            "phrase_gold_found")
    t = {k: sum(r[k] for r in rows) for k in keys}
    t.update(span_scores(t["matched"], t["predicted_spans"], t["gold_spans"]))
    return t


def line(name: str, s: dict) -> str:
    return (f"{name:34s} spans P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}  "
            f"marked, no label {s['unlabelled_marked']}/{s['unlabelled']}  "
            f"labelled found {s['labelled_found']}/{s['labelled']}  "
            f"stock-phrase spans right {s['phrase_predicted_matched']}/{s['phrase_predicted']}, "
            f"stock-phrase gold found {s['phrase_gold_found']}/{s['phrase_gold']}")


def score_models(specs: list[str], splits) -> int:
    """Span and stock-phrase counts of already trained models on dev and test."""
    for spec in specs:
        name, nlp = named_model(spec)
        for split in ("dev", "test"):
            print(line(f"{name}, {split}", score_notes(nlp, splits[split])))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, nargs="+", default=[26, 27, 28, 29])
    ap.add_argument("--json", default=None)
    ap.add_argument("--score", nargs="+", metavar="NAME=MODEL_DIR",
                    help="no training: score these trained models' spans on the corpus dev and test splits")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    splits = load_splits(ROOT / "corpora" / "journal-breakthroughs")
    if args.score:
        return score_models(args.score, splits)
    short = set(args.batches)
    base = [r for r in splits["train"] if batch_of(r) not in short]
    held = {b: [r for r in splits["train"] if batch_of(r) == b] for b in args.batches}
    missing = [b for b, rows in held.items() if not rows]
    if missing:
        raise SystemExit(f"no training entries from batch(es) {missing}: build the corpus first")
    ge_texts, ge_y = load("dev")
    base_name = f"baseline (batches {batch_ranges(batch_of(r) for r in base)})"
    results: dict = {"batches": args.batches, "base_train_entries": len(base), "baseline_name": base_name,
                     "folds": {}}
    baseline = fit_pipeline(base, splits["dev"], TrainConfig())
    results[base_name] = model_scores(baseline, splits, ge_texts, ge_y)
    print(base_name, json.dumps(results[base_name]), flush=True)
    rows_base, rows_new = [], []
    for b in args.batches:
        train = base + [r for k, rows in held.items() if k != b for r in rows]
        nlp = fit_pipeline(train, splits["dev"], TrainConfig())
        fold = {"held_out_entries": len(held[b]), "baseline": score_notes(baseline, held[b]),
                "with the other short batches": score_notes(nlp, held[b]),
                "corpus": model_scores(nlp, splits, ge_texts, ge_y)}
        results["folds"][str(b)] = fold
        rows_base.append(fold["baseline"])
        rows_new.append(fold["with the other short batches"])
        print(f"batch {b}: {json.dumps(fold)}", flush=True)
    results["held-out short notes, baseline"] = total(rows_base)
    results["held-out short notes, with the other short batches"] = total(rows_new)
    print()
    print(f"held-out batches {args.batches}, {sum(len(v) for v in held.values())} entries")
    print(line(base_name, results["held-out short notes, baseline"]))
    print(line("with the other held-out batches", results["held-out short notes, with the other short batches"]))
    ge = results[base_name]["goemotions_dev"]
    print(f"GoEmotions dev, baseline: P {ge['precision']:.3f} R {ge['recall']:.3f} F1 {ge['f1']:.3f} "
          f"(flags {ge['predicted_positive']})")
    for b in args.batches:
        c = results["folds"][str(b)]["corpus"]
        ge = c["goemotions_dev"]
        print(f"fold {b}: GoEmotions dev P {ge['precision']:.3f} R {ge['recall']:.3f} F1 {ge['f1']:.3f} "
              f"(flags {ge['predicted_positive']}); test overlap {c['test']['span_overlap_f1']:.3f} "
              f"exact {c['test']['span_exact_f1']:.3f} label acc {c['test']['span_label_accuracy']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
