"""Render the measured results in benchmarks/results/*.json as Markdown tables.

    python benchmarks/make_results.py > /tmp/tables.md

RESULTS.md and the model card quote these tables; regenerate them after
``bash benchmarks/run_all.sh`` so every number comes from a run.
"""

from __future__ import annotations

import json
from pathlib import Path

R = Path(__file__).resolve().parent / "results"
LABELS = ("feelings", "patterns", "values")


def load(name: str) -> dict:
    return json.loads((R / f"{name}.json").read_text())


def f(x: float) -> str:
    return f"{x:.3f}"


def ci(pair: list[float]) -> str:
    return f"[{pair[0]:.3f}, {pair[1]:.3f}]"


def accuracy_tables() -> str:
    acc = load("accuracy")
    boot = acc["bootstrap_95ci"]
    systems = [k for k in acc if isinstance(acc[k], dict) and "labels" in acc[k]]
    out = [f"Test split: {acc['test_entries']} entries (`python benchmarks/accuracy.py`).", "",
           "| system | feelings F1 | patterns F1 | values F1 | macro-F1 (95% CI) | span exact F1 (95% CI) | "
           "span overlap F1 (95% CI) | span label acc. |",
           "|---|---|---|---|---|---|---|---|"]
    for s in systems:
        lab, sp, b = acc[s]["labels"], acc[s]["spans"], boot[s]
        out.append(f"| {s} | {f(lab['feelings']['f1'])} | {f(lab['patterns']['f1'])} | {f(lab['values']['f1'])} | "
                   f"{f(lab['macro_f1'])} {ci(b['macro_f1'])} | {f(sp['exact']['f1'])} {ci(b['span_exact_f1'])} | "
                   f"{f(sp['overlap']['f1'])} {ci(b['span_overlap_f1'])} | {f(sp['label_accuracy'])} |")
    out += ["", "Per-label precision / recall / F1 (entry labels):", "",
            "| system | " + " | ".join(f"{lab} P / R / F1" for lab in LABELS) + " |", "|---|---|---|---|"]
    for s in systems:
        lab = acc[s]["labels"]
        if lab["macro_f1"] == 0:
            continue
        out.append(f"| {s} | " + " | ".join(f"{lab[l]['precision']:.3f} / {lab[l]['recall']:.3f} / {lab[l]['f1']:.3f}"
                                             for l in LABELS) + " |")
    out += ["", "Paired bootstrap differences (shipped model minus baseline, 95% CI; 1,000 resamples of test entries):",
            "", "| comparison | macro-F1 | span exact F1 | span overlap F1 |", "|---|---|---|---|"]
    for k, v in boot.items():
        if k.startswith("shipped model - "):
            out.append(f"| {k} | {ci(v['macro_f1'])} | {ci(v['span_exact_f1'])} | {ci(v['span_overlap_f1'])} |")
    types = sorted({t for s in systems for t in acc[s]["spans"]["hard_negative_fp_rate"]})
    out += ["", "Hard negatives marked as realizations (false-positive rate per exclusion type, test split):", "",
            "| system | " + " | ".join(types) + " |", "|---|" + "---|" * len(types)]
    for s in systems:
        fp = acc[s]["spans"]["hard_negative_fp_rate"]
        out.append(f"| {s} | " + " | ".join(f"{fp[t]['rate']:.2f} ({fp[t]['marked']}/{fp[t]['total']})"
                                             if t in fp else "–" for t in types) + " |")
    return "\n".join(out)


def speed_tables() -> str:
    sp = load("speed")
    out = [f"The Pepys diary: {sp['entries']:,} entries, {sp['words']:,} words; median of {sp['repeat']} runs "
           "(`python benchmarks/speed.py`).", "", "| system | seconds | words/s | entries/s |", "|---|---|---|---|"]
    for name, r in sp["systems"].items():
        out.append(f"| {name} | {r['seconds']:.2f} | {r['words_per_s']:,} | {r['entries_per_s']:,} |")
    out += ["", f"- pipeline / tokenizer+sentencizer throughput, one process: **{sp['pipeline_to_floor_ratio']:.3f}**",
            f"- `import breakthrough_nlp` in a fresh process (median of 5): {sp.get('import_seconds_median', float('nan')):.2f} s; "
            f"then `load()`: **{sp['load_seconds_median']:.2f} s**",
            f"- training on the full corpus (`train`): {sp['train_seconds']:.1f} s"]
    mem = load("memory")
    out += ["", "Peak memory of `breakthrough-nlp annotate` (fresh process, CSV output; `python benchmarks/memory.py`):",
            "", "| input | peak RSS | time |", "|---|---|---|"]
    for r in mem["runs"]:
        out.append(f"| {r['copies']} x diary | {r['peak_rss_mb']:.0f} MB | {r['seconds']:.0f} s |")
    out.append(f"\nPeak RSS ratio, {mem['runs'][1]['copies']}x / 1x: **{mem['ratio']:.2f}**")
    return "\n".join(out)


def goemotions_table() -> str:
    g = load("goemotions")
    out = [f"GoEmotions dev: {g['comments']:,} Reddit comments, {g['positives']} rated `realization` "
           "(`python benchmarks/goemotions.py`).", "", "| system | precision | recall | F1 | comments flagged |",
           "|---|---|---|---|---|"]
    for name, r in g.items():
        if isinstance(r, dict):
            out.append(f"| {name} | {f(r['precision'])} | {f(r['recall'])} | {f(r['f1'])} | {r['predicted_positive']} |")
    return "\n".join(out)


def selection_tables() -> str:
    fs = load("feature_selection")
    out = ["Span detector, dev sentence units:", "", "| setting | ROC AUC | avg. precision | best F1 |", "|---|---|---|---|"]
    for name, r in fs["detector"].items():
        out.append(f"| {name} | {f(r['auc'])} | {f(r['ap'])} | {f(r['best_f1'])} |")
    out += ["", "Entry categorizer, dev (F1 at dev-tuned thresholds):", "",
            "| setting | macro-F1 | feelings | patterns | values |", "|---|---|---|---|---|"]
    for name, r in fs["categorizer"].items():
        out.append(f"| {name} | {f(r['macro_f1'])} | {f(r['feelings'])} | {f(r['patterns'])} | {f(r['values'])} |")
    return "\n".join(out)


if __name__ == "__main__":
    for title, fn in (("Accuracy", accuracy_tables), ("Speed and memory", speed_tables),
                      ("GoEmotions", goemotions_table), ("Feature selection", selection_tables)):
        print(f"### {title}\n\n{fn()}\n")
