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


def f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"  # undefined: no gold and nothing predicted, or no matches


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
    if "decoding" in fs:
        out += ["", "Span decoding, whole pipeline on dev (thresholds tuned by each row's config on train + dev, "
                "as in training):", "",
                "| setting | span overlap F1 | span exact F1 | span label acc. | hard negatives marked | entry macro-F1 |",
                "|---|---|---|---|---|---|"]
        for name, r in fs["decoding"].items():
            out.append(f"| {name} | {f(r['overlap_f1'])} | {f(r['exact_f1'])} | {f(r['label_accuracy'])} | "
                       f"{r['hard_negatives_marked']} | {f(r['entry_macro_f1'])} |")
    return "\n".join(out)


def span_error_tables() -> str:
    se = load("span_errors")
    out = [f"{se['split'].capitalize()} split, {se['gold spans']} gold spans (`python benchmarks/span_errors.py`): "
           "the shipped model against the same model with its sentence detector replaced by the gold answer.", "",
           "| decoding | overlap P / R / F1 | exact P / R / F1 |", "|---|---|---|"]
    for name in ("model", "oracle detection", "oracle detection, no context rules"):
        r = se[name]
        out.append(f"| {name} | " + " | ".join(
            f"{r[m]['precision']:.3f} / {r[m]['recall']:.3f} / {r[m]['f1']:.3f}" for m in ("overlap", "exact")) + " |")
    b = se["model breakdown"]
    out += ["", f"Gold spans: exact {b.get('gold exact', 0)}, overlap-matched but not exact {b.get('gold overlap', 0)}, "
            f"touched by a prediction but under half overlap {b.get('gold partial', 0)}, untouched "
            f"{b.get('gold missed', 0)}. Predicted spans: matched {b.get('pred matched', 0)}, partly on a gold span "
            f"{b.get('pred partial', 0)}, on no gold span {b.get('pred no gold', 0)}. Of the overlap matches that are "
            f"not exact, the prediction is longer in {b.get('extent: pred longer', 0)}, shorter in "
            f"{b.get('extent: pred shorter', 0)}, shifted in {b.get('extent: pred shifted', 0)}.",
            f"With oracle detection and oracle grouping, the boundary model reproduces "
            f"{se['oracle detection + joining: exact share of gold runs']:.1%} of gold spans exactly."]
    return "\n".join(out)


def learning_curve_table() -> str:
    rows = load("learning_curve")
    out = ["Dev split, default config on a growing share of training writers (`python benchmarks/learning_curve.py`):",
           "", "| share of writers | entries | span overlap F1 | span exact F1 | entry F1 feelings / patterns / values |",
           "|---|---|---|---|---|"]
    for r in rows:
        lab = r["dev_label_f1"]
        out.append(f"| {r['share']:.0%} | {r['entries']} | {f(r['dev_span_overlap_f1'])} | {f(r['dev_span_exact_f1'])} | "
                   f"{lab['feelings']:.3f} / {lab['patterns']:.3f} / {lab['values']:.3f} |")
    return "\n".join(out)


def cross_validation_table(name: str = "cross_validation", command: str = "`python benchmarks/cross_validation.py`",
                           names: dict[str, str] | None = None) -> str:
    rows = load(name)
    n = len(rows[0]["folds"])
    out = [f"Writer-grouped {n}-fold cross-validation over train + dev, {rows[0].get('entries', 0):,} entries, "
           f"test never used ({command}); each fold's thresholds tuned on a writer-disjoint "
           "sixth of its training writers. Differences are paired by fold: mean [smallest, largest].", "",
           "| config | span overlap F1 | span exact F1 | span label acc. | entry macro-F1 |", "|---|---|---|---|---|"]
    metrics = ("span_overlap_f1", "span_exact_f1", "span_label_accuracy", "entry_macro_f1")
    for r in rows:
        key = ", ".join(f"{k}={v}" for k, v in r["config"].items()) or "default"
        cells = []
        for m in metrics:
            d = r.get(f"{m}_diff")
            cells.append(f"{r[m]:.3f}" + (f" ({d['mean']:+.3f} [{d['min']:+.3f}, {d['max']:+.3f}])" if d else ""))
        out.append(f"| {(names or {}).get(key, key)} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def labeler_table() -> str:
    """The entry-reading span labeler against the previous one, end to end."""
    return cross_validation_table(
        "cross_validation_labeler",
        "`benchmarks/cross_validation.py`, both configs in one run, output in "
        "`benchmarks/results/cross_validation_labeler.txt`; training single-threaded",
        {"label_C=4.0, label_entry_weight=0.0, label_balanced=True": "previous labeler: the span's words",
         "default": "shipped labeler: the span's and the entry's words"})


def four_config_cv_table() -> str:
    """The four configs of ``run_all.sh cross_validation`` (merged from two runs; the file's first lines say how)."""
    return cross_validation_table(
        "cross_validation",
        "`benchmarks/cross_validation.py` with the four configs of `run_all.sh cross_validation`, merged from "
        "two runs in `benchmarks/results/cross_validation.txt`; training single-threaded",
        {"default": "shipped", "entry_context=False": "without the reranker",
         "threshold_data=dev": "thresholds tuned on dev only",
         "unit_weighting=span": "sample weights: each gold span weighs 1"})


def reranker_cv_table() -> str:
    """The reranker's writer-fold cross-validation on this release's corpus (two one-config runs, merged)."""
    return cross_validation_table(
        "cross_validation_reranker",
        "`benchmarks/cross_validation.py`, one process per config, merged in "
        "`benchmarks/results/cross_validation_reranker.txt`",
        {"entry_context=False": "without the reranker", "default": "shipped (with the reranker)"})


COMPARE_KEYS = {"entry macro-F1": "test macro-F1", "span overlap F1": "test span overlap F1",
                "span exact F1": "test span exact F1"}


def paired_test_cis(cmp: dict, what: str, metrics: tuple[str, ...]) -> str:
    """The sentence under a ``compare_models.py`` table: its paired bootstrap CIs on test."""
    cis = ", ".join(f"{m} {cmp[COMPARE_KEYS[m] + ', new minus old, 95% CI']}" for m in metrics)
    return f"Test-split differences, {what}, paired bootstrap 95% CI: {cis}."


def reranker_table() -> str:
    """The shipped pipeline (with the reranker) against the same training without it: test split and Pepys.

    No cross-validation columns: ``cross_validation.json`` is an earlier release's run, whose default
    config had no reranker; the reranker's cross-validation on this corpus is in
    ``cross_validation_shape.txt`` (quoted in the model card).
    """
    cmp = load("compare_reranker")
    pep, pep_plain = load("pepys"), load("pepys_no_reranker")
    out = ["The shipped pipeline against the same training without the reranker "
           "(`TrainConfig(entry_context=False)`; both with thresholds tuned on train + dev): the test split "
           "(`benchmarks/compare_models.py`, results in `benchmarks/results/compare_reranker.txt`) and the Pepys "
           "diary (`benchmarks/pepys.py --train-config '{\"entry_context\": false}'`).", "",
           "| pipeline | test span overlap F1 | test span exact F1 | test entry macro-F1 | Pepys entries with a span | "
           "Pepys spans per 1,000 words | Pepys entries with a label |",
           "|---|---|---|---|---|---|---|"]
    for name, t, p in (("without the reranker", cmp["old test"], pep_plain),
                       ("shipped (with the reranker)", cmp["new test"], pep)):
        out.append(f"| {name} | {t['span_overlap_f1']:.3f} | {t['span_exact_f1']:.3f} | "
                   f"{t['macro_f1_own_thresholds']:.3f} | {p['share_with_a_span']:.1%} | "
                   f"{p['spans_per_1000_words']:.2f} | {p['share_with_any_label']:.1%} |")
    out += ["", paired_test_cis(cmp, "with minus without the reranker",
                                 ("span overlap F1", "span exact F1", "entry macro-F1"))]
    return "\n".join(out)


def release_table() -> str:
    """This release against the previous one, paired on the test split."""
    cmp = load("compare_release")
    out = ["This release against the previous one (the same corpus, code and settings; the previous release was "
           "trained with two BLAS threads, this one single-threaded), "
           "paired on the test split (`benchmarks/compare_models.py`, results in "
           "`benchmarks/results/compare_release.txt`):", "",
           "| model | test mean avg. precision of `doc.cats` | test entry macro-F1 | test span overlap F1 | "
           "test span exact F1 | dev entry macro-F1 | dev span overlap F1 | dev span exact F1 |",
           "|---|---|---|---|---|---|---|---|"]
    for name, k in (("previous release", "old"), ("this release", "new")):
        t, d = cmp[f"{k} test"], cmp[f"{k} dev"]
        out.append(f"| {name} | {t['mean_average_precision']:.3f} | {t['macro_f1_own_thresholds']:.3f} | "
                   f"{t['span_overlap_f1']:.3f} | {t['span_exact_f1']:.3f} | {d['macro_f1_own_thresholds']:.3f} | "
                   f"{d['span_overlap_f1']:.3f} | {d['span_exact_f1']:.3f} |")
    out += ["", paired_test_cis(cmp, "this release minus the previous",
                                 ("entry macro-F1", "span overlap F1", "span exact F1"))]
    return "\n".join(out)


def added_data_table() -> str:
    a = load("added_data")
    out = [f"Writer folds of the {a['original_entries']:,} original train + dev entries (batches 1–9), each model "
           f"trained on the same remaining original writers, without and with the {a['added_entries']:,} entries of the "
           f"batches added after batch 9 (`python benchmarks/added_data.py`; {a['folds']} folds, test never used). Differences are paired "
           "by fold: mean [smallest, largest].", "",
           "| metric | without added writers | with added writers | difference |", "|---|---|---|---|"]
    names = {"span_overlap_f1": "span overlap F1", "span_exact_f1": "span exact F1",
             "span_label_accuracy": "span label accuracy", "entry_macro_f1": "entry macro-F1"}
    for m, name in names.items():
        d = a["difference"][m]
        out.append(f"| {name} | {a['without'][m]:.3f} | {a['with'][m]:.3f} | "
                   f"{d['mean']:+.3f} [{d['min']:+.3f}, {d['max']:+.3f}] |")
    return "\n".join(out)


# (round, result name, description, display names for the models the round called "this release" etc.,
# which later releases make earlier ones). Earlier releases are named by their training batches.
PREV = "previous release (batches 1–35)"
R29, R25 = "release on batches 1–29", "release on batches 1–25"
TWO_THREADS = "span weighting, trained with two BLAS threads (not shipped)"
SPAN_ONE = "span weighting, trained single-threaded (not shipped)"
JUDGED_ROUNDS = (("1", "pepys_judged", "an early release; same training with the reranker, before batches 20–25", {}),
                 ("2", "pepys_judged_2", "an early release; batches 20–25 added, without and with the reranker "
                                         "(thresholds tuned on dev, before the last 4-entry adjudication)", {}),
                 ("3", "pepys_judged_3", f"the {R25} (826 spans in the diary when sampled, 829 later)",
                  {"previous release": R25}),
                 ("4", "pepys_judged_4", f"the {R29}, a new reader", {"this release": R29}),
                 ("5", "pepys_judged_5", f"the {R29} and the same training without the reranker, a new "
                                         "reader and a new sample",
                  {"this release": R29, "without the reranker": f"{R29}, without the reranker"}),
                 ("6", "pepys_judged_6", "the previous release (batches 30–35 added) and the same training without "
                                         "the reranker, a new reader and a new sample",
                  {"this release": PREV,
                   "this release without the reranker": "previous release, without the reranker"}),
                 ("7", "pepys_judged_7", "a candidate (each gold span weighs 1 in the detector's training), trained "
                                         "with two BLAS threads, and the previous release, a new reader and a new "
                                         "sample", {"this release": TWO_THREADS, "previous release": PREV}),
                 ("8", "pepys_judged_8", "the same candidate trained single-threaded, and the previous release, a new "
                                         "reader and a new sample",
                  {"this release": SPAN_ONE, "previous release": PREV}),
                 ("9", "pepys_judged_9", "this release and the previous one, a new reader and a new sample",
                  {"previous release": PREV}))

def pepys_judged_table() -> str:
    dirs = "|".join(f"_{rnd}" for rnd, *_ in JUDGED_ROUNDS[1:])
    out = [f"Spans marked in the Pepys diary, judged blind by the annotation guide, in {len(JUDGED_ROUNDS)} rounds "
           f"(`python benchmarks/pepys_judged.py score --dir benchmarks/results/pepys_judged[{dirs}]`):", "",
           "| round | model | spans in the diary | entries with a span | judged | realizations | precision [95% CI] | "
           "estimated realizations found |", "|---|---|---|---|---|---|---|---|"]
    for rnd, name, _, names in JUDGED_ROUNDS:
        for model, r in load(name)["models"].items():
            lo, hi = r["precision_95ci"]
            out.append(f"| {rnd} | {names.get(model, model)} | {r['spans_in_diary']:,} | "
                       f"{r['share_of_entries_with_a_span']:.1%} | "
                       f"{r['judged']} | {r['realizations']} | {r['precision']:.3f} [{lo:.3f}, {hi:.3f}] | "
                       f"{r['estimated_realizations_found']} |")
    out.append("")
    out.append("Rounds: " + "; ".join(f"{rnd}: {desc}" for rnd, _, desc, _ in JUDGED_ROUNDS) + ".")
    return "\n".join(out)


def _baseline(r: dict) -> tuple[str, dict]:
    """A short_notes.py result's baseline: its training batches for display ("batches 1–29") and its scores.
    Results stored before the name was recorded were all trained on batches 1-25."""
    key = r.get("baseline_name", "baseline (batches 1-25)")
    return key.removeprefix("baseline (").removesuffix(")").replace("-", "–"), r[key]


def short_notes_table() -> str:
    """Held-out-batch CV over the short-note batches 26-29."""
    r = load("short_notes")
    base, new = r["held-out short notes, baseline"], r["held-out short notes, with the other short batches"]
    bname, _ = _baseline(r)
    out = [f"Short notes (batches {r['batches'][0]}–{r['batches'][-1]}, {base['entries']} entries, median 17 words): "
           f"each batch held out in turn, scored by a model trained on {bname} only and by one trained with the "
           "other short batches added; its writers are in neither (`python benchmarks/short_notes.py`). Summed over "
           "the four held-out batches:", "",
           "| training data | span overlap P | span overlap R | span overlap F1 | unlabelled notes given a span | "
           "labelled notes given a span of a right category |", "|---|---|---|---|---|---|"]
    for name, t in ((bname, base), (f"{bname} + the other short batches", new)):
        out.append(f"| {name} | {t['precision']:.3f} | {t['recall']:.3f} | {t['f1']:.3f} | "
                   f"{t['unlabelled_marked']} / {t['unlabelled']} | {t['labelled_found']} / {t['labelled']} |")
    out += ["", "The same models on the corpus test split and GoEmotions dev (comments flagged, and GoEmotions' own "
            "`realization` F1):", ""] + _fold_models_table(r, "short batches")
    return "\n".join(out)


def _fold_models_table(r: dict, batches: str) -> list[str]:
    """The baseline and each held-out-batch fold model on the corpus test split and GoEmotions dev."""
    out = ["| model | test span overlap F1 | test span exact F1 | test span label acc. | test entry macro-F1 | "
           "GoEmotions dev flags | GoEmotions dev F1 |", "|---|---|---|---|---|---|---|"]
    rows = [_baseline(r)] + [(f"+ {batches} except {k}", v["corpus"]) for k, v in r["folds"].items()]
    for name, c in rows:
        t, g = c["test"], c["goemotions_dev"]
        out.append(f"| {name} | {t['span_overlap_f1']:.3f} | {t['span_exact_f1']:.3f} | "
                   f"{t['span_label_accuracy']:.3f} | {t['entry_macro_f1']:.3f} | {g['predicted_positive']} | "
                   f"{g['f1']:.3f} |")
    return out


def stock_phrases_table() -> str:
    """Held-out-batch CV over batches 30-35, the stock phrases in their ordinary sense."""
    r = load("stock_phrases")
    base, new = r["held-out short notes, baseline"], r["held-out short notes, with the other short batches"]
    bname, _ = _baseline(r)
    out = [f"Stock phrases in their ordinary sense (batches {r['batches'][0]}–{r['batches'][-1]}, {base['entries']} "
           f"entries): each batch held out in turn, scored by a model trained on {bname} and by one trained with the "
           "other stock-phrase batches added; its writers are in neither (`python benchmarks/short_notes.py --batches "
           f"{' '.join(map(str, r['batches']))}`). Summed over the {len(r['batches'])} held-out batches; a "
           "\"stock-phrase span\" contains one of the "
           "addendum's phrases (\"I'd rather\", \"want to be\", \"I'm scared\", ...):", "",
           "| training data | span overlap P | span overlap R | span overlap F1 | unlabelled entries given a span | "
           "predicted stock-phrase spans that are right | gold stock-phrase spans found |",
           "|---|---|---|---|---|---|---|"]
    for name, t in ((bname, base), (f"{bname} + the other stock-phrase batches", new)):
        out.append(f"| {name} | {t['precision']:.3f} | {t['recall']:.3f} | {t['f1']:.3f} | "
                   f"{t['unlabelled_marked']} / {t['unlabelled']} | {t['phrase_predicted_matched']} / "
                   f"{t['phrase_predicted']} | {t['phrase_gold_found']} / {t['phrase_gold']} |")
    out += ["", "The same models on the corpus test split and GoEmotions dev:", ""]
    return "\n".join(out + _fold_models_table(r, "stock-phrase batches"))


GE_JUDGED_ROUNDS = (("1", "goemotions_judged", {"previous release": R25, "this release": R29}),
                    ("2", "goemotions_judged_2", {"previous release": R29, "this release": PREV}),
                    ("3", "goemotions_judged_3", {"this release": TWO_THREADS, "previous release": PREV}),
                    ("4", "goemotions_judged_4", {"this release": SPAN_ONE, "previous release": PREV}),
                    ("5", "goemotions_judged_5", {"previous release": PREV}))


def goemotions_judged_table() -> str:
    dirs = "|".join(f"_{rnd}" for rnd, *_ in GE_JUDGED_ROUNDS[1:])
    out = ["GoEmotions dev comments flagged by either model of a round, judged blind by the annotation guide, "
           "a new reader each round (`python benchmarks/goemotions_judged.py score [--dir "
           f"benchmarks/results/goemotions_judged{dirs}]`):", "",
           "| round | model | comments flagged | realizations by the guide | precision [95% CI] | "
           "flagged comments GoEmotions rates `realization` |", "|---|---|---|---|---|---|"]
    for rnd, name, names in GE_JUDGED_ROUNDS:
        for model, m in load(name)["models"].items():
            out.append(f"| {rnd} | {names.get(model, model)} | {m['flagged']} | {m['judged_yes']} | "
                       f"{m['precision']:.3f} [{m['ci95'][0]:.3f}, {m['ci95'][1]:.3f}] | "
                       f"{m['goemotions_realization']} |")
    return "\n".join(out)


def pepys_sweep_table() -> str:
    rows = load("pepys").get("threshold_sweep", [])
    out = ["| sentence threshold | Pepys entries with a span | Pepys spans | Pepys entries with a label | "
           "test overlap precision | test overlap recall | test overlap F1 | test entry macro-F1 |",
           "|---|---|---|---|---|---|---|---|"]
    for k, r in enumerate(rows):
        name = f"{r['threshold']}" + (" (stored)" if k == 0 else "")
        out.append(f"| {name} | {r['pepys_share_with_a_span']:.1%} | {r['pepys_spans']:,} | "
                   f"{r['pepys_share_with_any_label']:.1%} | {r['test_overlap_precision']:.3f} | "
                   f"{r['test_overlap_recall']:.3f} | {r['test_overlap_f1']:.3f} | {r['test_entry_macro_f1']:.3f} |")
    return "\n".join(out)


def goemotions_training_table() -> str:
    g = load("goemotions_training")
    out = [f"Retrained with and without GoEmotions train ({g['goemotions_train_records_added']:,} comments added: every "
           "`realization` comment as one span, plus a random sample of the rest; "
           "`python benchmarks/goemotions_training.py`):", "",
           "| training data | GoEmotions dev P / R / F1 | corpus dev span overlap F1 | corpus test span overlap F1 | "
           "corpus test entry macro-F1 | trivial-noticing FP rate, corpus dev / test |", "|---|---|---|---|---|---|"]
    for name, r in g.items():
        if not isinstance(r, dict):
            continue
        ge, dv, te = r["goemotions_dev"], r["corpus_dev"], r["corpus_test"]
        out.append(f"| {name} | {ge['precision']:.3f} / {ge['recall']:.3f} / {ge['f1']:.3f} | "
                   f"{f(dv['span_overlap_f1'])} | {f(te['span_overlap_f1'])} | {f(te['entry_macro_f1'])} | "
                   f"{dv['trivial_fp_rate']:.2f} / {te['trivial_fp_rate']:.2f} |")
    return "\n".join(out)


def calibration_table() -> str:
    ev = load("evaluate_test")
    out = ["Reliability of `doc.cats` on the test split (`breakthrough-nlp evaluate … --json`, `calibration`): "
           "mean predicted probability against the observed share of entries with the label, in five bins.", "",
           "| label | bin | entries | mean predicted | observed share |", "|---|---|---|---|---|"]
    for label in LABELS:
        for b in ev["calibration"][label]:
            out.append(f"| {label} | {b['bin']} | {b['n']} | {b['mean_p']:.2f} | {b['observed']:.2f} |")
    out.append("\nBrier scores on test: " + ", ".join(f"{lab} {ev['labels'][lab]['brier']:.3f}" for lab in LABELS) + ".")
    sc = ev.get("span_calibration")
    if sc:
        out += ["", "Reliability of the realization scores on the test split (`span_calibration`): each candidate "
                "sentence's score against whether a gold span covers it, and each marked span's score against "
                "whether it overlap-matches a gold span.", "",
                "| scores | bin | n | mean score | observed share |", "|---|---|---|---|---|"]
        for name in ("sentences", "spans"):
            for b in sc[name]["bins"]:
                out.append(f"| {name} | {b['bin']} | {b['n']} | {b['mean_p']:.2f} | {b['observed']:.2f} |")
        out.append(f"\nBrier scores: sentences {sc['sentences']['brier']:.3f} (n={sc['sentences']['n']:,}), "
                   f"marked spans {sc['spans']['brier']:.3f} (n={sc['spans']['n']}).")
    return "\n".join(out)


def embedding_probe_table() -> str:
    e = load("embedding_probe")
    out = [f"Dev sentence units ({e['dev_units']:,}, {e['dev_positive']} inside a gold span); average precision of "
           "sentence detection (`benchmarks/embedding_probe.py`, needs torch; not part of `run_all.sh`):", "",
           "| features | average precision |", "|---|---|"]
    for k, v in e.items():
        if k not in ("dev_units", "dev_positive", "encode_sentences_per_second"):
            out.append(f"| {k} | {f(v)} |")
    out.append(f"\nEncoding ran at {e['encode_sentences_per_second']:.0f} sentences/s on this machine's CPU.")
    return "\n".join(out)


def pepys_summary() -> str:
    p = load("pepys")
    out = [f"The Diary of Samuel Pepys: {p['entries']:,} entries, {p['words']:,} words, median "
           f"{p['median_words_per_entry']:.0f} words an entry (`python benchmarks/pepys.py`).", "",
           f"- entries with at least one label: {p['share_with_any_label']:.1%} (feelings {p['share_feelings']:.1%}, "
           f"patterns {p['share_patterns']:.1%}, values {p['share_values']:.1%})",
           f"- entries with a realization span: {p['share_with_a_span']:.1%}; {p['spans']:,} spans, "
           f"{p['spans_per_1000_words']:.2f} per 1,000 words", "- highest-scoring spans:"]
    for s in p["top_spans"]:
        out.append(f"  - {s['score']:.2f} `{s['label']}`: \"{s['text']}\"")
    return "\n".join(out)


if __name__ == "__main__":
    for title, fn in (("Accuracy", accuracy_tables), ("Speed and memory", speed_tables),
                      ("GoEmotions", goemotions_table), ("GoEmotions, judged by the guide", goemotions_judged_table),
                      ("GoEmotions train as training data", goemotions_training_table),
                      ("Short notes", short_notes_table), ("Stock phrases", stock_phrases_table),
                      ("Where span errors come from", span_error_tables), ("Learning curve", learning_curve_table),
                      ("Cross-validation", four_config_cv_table), ("The reranker", reranker_table),
                      ("The reranker, cross-validated", reranker_cv_table),
                      ("This release against the previous one", release_table),
                      ("The span labeler", labeler_table),
                      ("Pretrained sentence embeddings", embedding_probe_table),
                      ("Pepys", pepys_summary), ("Pepys, judged blind", pepys_judged_table),
                      ("Pepys, higher span thresholds", pepys_sweep_table),
                      ("Added writers (batches 10-35)", added_data_table), ("Calibration", calibration_table), ("Feature selection", selection_tables)):
        print(f"### {title}\n\n{fn()}\n")
