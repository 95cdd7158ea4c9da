"""Write the numbered notebooks from the cells below and execute them in place (outputs kept).

    python notebooks/make_notebooks.py            # all of them
    python notebooks/make_notebooks.py 03 05      # some of them

Edit the notebooks here, not in Jupyter, so that the text and the code stay reviewable
as plain Python. Needs the ``notebooks`` extra (nbformat, nbclient, ipykernel, matplotlib).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent

SETUP = """\
%matplotlib inline
from pathlib import Path

import pandas as pd

import breakthrough_nlp

ROOT = Path.cwd().resolve().parent  # this notebook lives in the repository's notebooks/ folder
CORPUS = ROOT / "corpora" / "journal-breakthroughs"
assert CORPUS.is_dir(), f"open this notebook from the repository's notebooks/ folder (no corpus at {CORPUS})"
pd.set_option("display.max_colwidth", 110)
pd.set_option("display.width", 140)"""

NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}

# --------------------------------------------------------------------------- 01
NOTEBOOKS["01-quickstart"] = [
    ("md", """\
# 01 · Quickstart

Load the shipped model, run it on one entry and on a handful, and look at what it returns:
probabilities for the three kinds of breakthrough (`feelings`, `patterns`, `values`), the
labels that pass the model's own thresholds, and the **realization spans** — the stretches of
text that read like a light going on.

breakthrough-nlp is a research and self-reflection tool, not a clinical instrument. Everything
runs locally."""),
    ("code", SETUP),
    ("code", """\
nlp = breakthrough_nlp.load()
nlp.pipe_names"""),
    ("md", "## One entry"),
    ("code", """\
text = ("Long day. Somewhere on the drive home it hit me that every time I feel left out I pick a fight "
        "with Dan instead of saying so. Made pasta, watched the game.")
doc = nlp(text)
{label: round(p, 3) for label, p in doc.cats.items()}, doc._.breakthroughs"""),
    ("code", """\
spans = doc.spans["realizations"]
pd.DataFrame({"label": [s.label_ for s in spans], "score": spans.attrs["scores"],
              "start": [s.start_char for s in spans], "end": [s.end_char for s in spans],
              "text": [s.text for s in spans]})"""),
    ("md", "`render` shows the entry's own text with the realizations highlighted by category; hover a span for its label and score (in a notebook it displays; elsewhere it returns HTML):"),
    ("code", "breakthrough_nlp.render(doc)"),
    ("md", """\
## Why something was *not* marked

Every sentence the marker considered is kept in `doc.spans["realization_candidates"]`, with a
reason: `accepted`, `below threshold`, or the context rule that rejected it (negated,
hypothetical, someone else's insight, quoted advice, …):"""),
    ("code", """\
doc2 = nlp("My therapist says I always put everyone else first. Maybe one day I'll realize why. "
           "My sister finally understood that she drinks when she's lonely. "
           "I finally see it: I pick fights when I feel ignored.")
cands = doc2.spans["realization_candidates"]
pd.DataFrame({"text": [c.text for c in cands], "score": [round(s, 3) for s in cands.attrs["scores"]],
              "reason": cands.attrs["reasons"]})"""),
    ("md", "## Many entries at once: `annotate` → one DataFrame row per entry"),
    ("code", """\
entries = [
    {"id": "d1", "date": "2024-03-02", "author": "marta", "text": "Rain all day. Finished the puzzle."},
    {"id": "d2", "date": "2024-03-03", "author": "marta",
     "text": "Told Sam no for the first time. I don't owe everyone my weekends. What I actually want "
             "is one quiet day that belongs to me, and I'm allowed to want that."},
    {"id": "d3", "date": "2024-03-05", "author": "marta",
     "text": "I cried in the car after the call with Mum and I finally let myself admit it: I'm not "
             "angry at her, I'm grieving the mother I wanted."},
    {"id": "d4", "date": "2024-03-06", "author": "marta", "text": ""},
]
df = breakthrough_nlp.annotate(entries, nlp, include_text=True)
df[["id", "word_count", "p_feelings", "p_patterns", "p_values", "labels", "n_realizations", "status"]].round(3)"""),
    ("md", "The empty entry is not dropped: its `status` says why it has no prediction. A row of the frame renders too:"),
    ("code", "breakthrough_nlp.render(df.loc[df['n_realizations'].idxmax()])"),
    ("md", """\
Next: [02](02-annotate-a-journal.ipynb) annotates a whole journal,
[03](03-timelines.ipynb) looks at breakthroughs over time,
[04](04-train-on-your-labels.ipynb) retrains the model, and
[05](05-a-real-diary.ipynb) runs it on Samuel Pepys's diary."""),
]

# --------------------------------------------------------------------------- 02
NOTEBOOKS["02-annotate-a-journal"] = [
    ("md", """\
# 02 · Annotate a whole journal

A journal goes in, a DataFrame comes out: one row per entry, nothing dropped. As "the journal" we
use the corpus's held-out **test split** (writers the shipped model never saw). Because those
entries carry hand labels, we can also check the predictions against them.

For your own journal in another format (Markdown with date headings, a folder of daily notes,
Day One, jrnl, CSV), `breakthrough-nlp annotate JOURNAL -o out.csv` reads it for you."""),
    ("code", SETUP + "\n\nimport time"),
    ("code", """\
journal = pd.read_json(CORPUS / "test.jsonl", lines=True, dtype=False)
print(f"{len(journal)} entries by {journal['author'].nunique()} writers, "
      f"{journal['text'].str.split().str.len().sum():,} words")
journal[["id", "date", "author"]].head(3)"""),
    ("code", """\
nlp = breakthrough_nlp.load()
t0 = time.perf_counter()
df = breakthrough_nlp.annotate(journal[["id", "date", "author", "text"]], nlp, include_text=True)
print(f"annotated in {time.perf_counter() - t0:.1f}s;", df["status"].value_counts().to_dict())
df.drop(columns=["text", "realizations"]).head().round(3)"""),
    ("md", "## Distributions"),
    ("code", """\
from matplotlib.figure import Figure

COLORS = {"feelings": "#e07a5f", "patterns": "#3d85c6", "values": "#6aa84f", "other": "#b4a7d6"}
fig = Figure(figsize=(10, 2.6), dpi=80, layout="constrained")
axes = fig.subplots(1, 3, sharey=True)
for ax, label in zip(axes, ["feelings", "patterns", "values"]):
    ax.hist(df[f"p_{label}"], bins=20, range=(0, 1), color=COLORS[label])
    ax.set_title(f"p_{label}")
    ax.set_xlabel("probability")
axes[0].set_ylabel("entries")
fig"""),
    ("md", "Most entries are ordinary days, so the probabilities pile up near 0 with a tail of confident entries. How many labels and realizations per entry:"),
    ("code", """\
labels = df["labels"].map(lambda ls: "+".join(ls) or "(none)")
pd.DataFrame({"entries": labels.value_counts(), "share": labels.value_counts(normalize=True).round(3)})"""),
    ("code", """\
df["n_realizations"].value_counts().sort_index().rename("entries").to_frame().T"""),
    ("md", "Since this journal is labelled, compare how often each label is predicted with how often the annotators gave it:"),
    ("code", """\
gold = journal.set_index("id")["labels"]
rows = []
for label in breakthrough_nlp.LABELS:
    predicted = df.set_index("id")["labels"].map(lambda ls: label in ls)
    truth = gold.map(lambda ls: label in ls)
    rows.append({"label": label, "predicted": int(predicted.sum()), "gold": int(truth.sum()),
                 "both": int((predicted & truth).sum())})
pd.DataFrame(rows).set_index("label")"""),
    ("md", "## The realizations themselves\n\nOne row per span, with its entry's writer and date:"),
    ("code", """\
spans = (df[["id", "date", "author", "realizations"]].explode("realizations").dropna(subset=["realizations"])
         .reset_index(drop=True))
SPAN_FIELDS = ["start", "end", "label", "score", "text"]
spans = pd.concat([spans.drop(columns="realizations"),
                   pd.json_normalize(spans["realizations"].tolist()).reindex(columns=SPAN_FIELDS)], axis=1)
spans.groupby("label")["score"].describe()[["count", "mean", "min", "50%", "max"]].round(3)"""),
    ("code", """\
fig = Figure(figsize=(6, 2.4), dpi=80, layout="constrained")
ax = fig.subplots()
for label, group in spans.groupby("label"):
    ax.hist(group["score"], bins=15, range=(0, 1), histtype="step", lw=2, color=COLORS[label], label=label)
ax.set_xlabel("span score")
ax.set_ylabel("spans")
ax.legend(frameon=False, fontsize=8)
fig"""),
    ("md", "### The most confident realizations per category"),
    ("code", """\
top = (spans.sort_values("score", ascending=False).groupby("label", sort=False).head(3)
       .sort_values(["label", "score"], ascending=[True, False]))
top.assign(text=top["text"].str.slice(0, 140))[["label", "score", "author", "date", "text"]]"""),
    ("md", "And the entry with the most confident realization, highlighted:"),
    ("code", """\
best_id = spans.loc[spans["score"].idxmax(), "id"]
breakthrough_nlp.render(df.set_index("id").loc[best_id])"""),
    ("md", """\
Next, [03](03-timelines.ipynb) puts these entries in date order per writer."""),
]

# --------------------------------------------------------------------------- 03
NOTEBOOKS["03-timelines"] = [
    ("md", """\
# 03 · Timelines, treading water, and two indicators from the literature

Breakthroughs often come "after weeks, months of treading water", and are noticed "looking back
over the progress". The corpus has 414 writers with dated runs of 7–26 entries (the 16 test
writers have 13–24 each).
`breakthrough_nlp.timeline` puts each writer's entries in date order and finds the
**treading-water stretches**: maximal runs of consecutive entries with no breakthrough.

We use the held-out **test** writers for anything that depends on the model, so that its
predictions are not flattered by having seen the entries in training."""),
    ("code", SETUP + "\n\nread_jsonl = breakthrough_nlp.read_corpus"),
    ("code", """\
nlp = breakthrough_nlp.load()
test = read_jsonl(CORPUS / "test.jsonl")
entries = [{"id": r.id, "date": r.date, "author": r.author, "text": r.text} for r in test]
df = breakthrough_nlp.annotate(entries, nlp, include_text=True)
tl = breakthrough_nlp.timeline(df)
tl.summary.round({f"trend_{label}": 3 for label in breakthrough_nlp.LABELS})"""),
    ("md", """\
`summary` has one row per writer: entries, breakthrough entries, the first breakthrough, the
longest treading-water stretch (in entries and calendar days) and the trend of each probability
(least-squares slope, per 30 days)."""),
    ("code", """\
longest = tl.summary.nlargest(3, "entries")["writer"]
for writer in longest:
    display(breakthrough_nlp.plot_timeline(tl, author=writer))"""),
    ("md", """\
Stars mark entries where a label was predicted; grey bands are treading-water stretches. When a
writer has an undated entry the x axis shows positions (undated entries last) instead of dates.

## How long is the water?"""),
    ("code", """\
s = tl.stretches
print(f"{len(s)} stretches; {int((~s['ended_by_breakthrough']).sum())} still open at the writer's last entry")
s[["n_entries", "n_days"]].astype(float).describe().round(1).T"""),
    ("code", """\
first = tl.summary["first_breakthrough_position"]
print("entries before the first breakthrough:", first.astype(float).describe()[["min", "50%", "max"]].to_dict())
tl.stretches.sort_values("n_days", ascending=False).head(5)"""),
    ("md", """\
### The same timelines from the hand labels

The corpus has gold labels, so the timeline can also be drawn from them (the probabilities stay
the model's; only `labels` changes). That shows whether the model's stretches are the writers'
stretches:"""),
    ("code", """\
gold_labels = {r.id: r.labels for r in test}
tl_gold = breakthrough_nlp.timeline(df.assign(labels=df["id"].map(gold_labels)))
columns = ["writer", "breakthroughs", "longest_stretch_entries"]
cmp = tl.summary[columns].merge(tl_gold.summary[columns], on="writer", suffixes=("", " (gold)")).set_index("writer")
print("entries whose breakthrough flag agrees with the hand labels:",
      f"{(tl.entries['breakthrough'].values == tl_gold.entries['breakthrough'].values).mean():.0%}")
cmp"""),
    ("md", """\
## Two indicators (proxies, not measures)

Both count words from short lists this project wrote (`breakthrough_nlp/resources/indicators.json`;
LIWC's dictionaries are proprietary). They use the text only, not the model.

1. **Insight and causal words over sessions** — Pennebaker, Mayne & Francis (1997) found that
   people whose expressive writing used *more* insight and causal words ("realize", "because")
   from one session to the next improved more in health afterwards. `insight_causal_trend` gives
   each writer's slope of (insight + causal words per 100 words) over their entries in date order.
2. **Mergenthaler's "connecting" phase** — in the Therapeutic Cycles Model, key moments of
   therapy tend to fall where emotion tone and abstraction are *both* above the person's own
   average. `connecting_phases` labels every entry `connecting`, `experiencing` (emotion only),
   `reflecting` (abstraction only) or `relaxing` against the writer's own means.

What they are not: validated measures, diagnoses, or statements about one entry. The original
findings are group-level associations from prompted writing studies and therapy transcripts; our
word lists are small and our "sessions" are journal entries. Here they are computed on **all**
splits (the indicators involve no training) and set against the hand labels."""),
    ("code", """\
records = [r for split in ("train", "dev", "test") for r in read_jsonl(CORPUS / f"{split}.jsonl")]
trend = breakthrough_nlp.insight_causal_trend(records)
print(f"{len(trend)} writers; {trend['rising'].mean():.0%} with a rising insight+causal slope")
trend.describe().round(3).loc[["mean", "min", "50%", "max"]]"""),
    ("md", "Does a rising slope go with more breakthroughs in this corpus? Per writer, against the share of hand-labelled breakthrough entries in the second half of their journal minus the first half:"),
    ("code", """\
gold = pd.DataFrame([{"writer": r.author, "date": r.date, "hit": bool(r.labels)} for r in records])
gold["date"] = pd.to_datetime(gold["date"], errors="coerce")
gold = gold.sort_values(["writer", "date"], na_position="last")
gold["half"] = gold.groupby("writer").cumcount() >= gold.groupby("writer")["hit"].transform("size") / 2
per_writer = gold.groupby(["writer", "half"])["hit"].mean().unstack()
per_writer["change"] = per_writer[True] - per_writer[False]
joined = trend.set_index("writer").join(per_writer["change"])
print("Spearman correlation, slope vs change in breakthrough share:",
      round(joined["slope"].corr(joined["change"], method="spearman"), 3), f"(n={len(joined)} writers)")"""),
    ("code", """\
phases = breakthrough_nlp.connecting_phases(records)
hit = {r.id: bool(r.labels) for r in records}
phases["gold_breakthrough"] = phases["id"].map(hit)
phases.groupby("phase").agg(entries=("id", "size"), breakthrough_share=("gold_breakthrough", "mean")).round(3)"""),
    ("md", """\
The table above is the honest test of the connecting phase here: the share of hand-labelled
breakthrough entries in each phase. When this notebook was last run, the slope correlated only
weakly with a rise in breakthroughs, and entries above the writer's own emotion mean
(`connecting` and `experiencing`) carried clearly more breakthroughs than those below it, while
high abstraction added nothing on top: the signal is the emotion words. Read it with the caveats:
this corpus was written for the project, and emotion words are also what the annotators'
`feelings` label is about, so some association is built in. It says nothing about anyone's therapy.

One writer, both scales over time, connecting entries filled, hand-labelled breakthroughs
starred:"""),
    ("code", """\
from matplotlib.figure import Figure

writer = longest.iloc[0]
w = phases[phases["writer"] == writer]
fig = Figure(figsize=(9, 2.8), dpi=80, layout="constrained")
ax = fig.subplots()
ax.plot(w["position"], w["emotion_tone"], color="#e07a5f", marker="o", ms=3, label="emotion tone")
ax.plot(w["position"], w["abstraction"], color="#674ea7", marker="o", ms=3, label="abstraction")
ax.axhline(w["emotion_mean"].iloc[0], color="#e07a5f", ls=":", lw=1)
ax.axhline(w["abstraction_mean"].iloc[0], color="#674ea7", ls=":", lw=1)
for p in w.loc[w["connecting"], "position"]:
    ax.axvspan(p - 0.4, p + 0.4, color="#ffe599", alpha=0.7, lw=0)
stars = w[w["gold_breakthrough"]]
ax.scatter(stars["position"], [0] * len(stars), marker="*", s=80, color="black", label="hand-labelled breakthrough")
ax.set_xlabel("entry (date order)")
ax.set_ylabel("words per 100")
ax.set_title(f"{writer}: connecting entries shaded", fontsize=10)
ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
fig"""),
    ("md", """\
Next, [04](04-train-on-your-labels.ipynb) retrains the model, and [05](05-a-real-diary.ipynb)
draws the timeline of a real, nine-year diary."""),
]

# --------------------------------------------------------------------------- 04
NOTEBOOKS["04-train-on-your-labels"] = [
    ("md", """\
# 04 · Train on your labels

If you label your own entries (JSON Lines: `id`, `date`, `author`, `text`, `labels`, `spans`;
see the README's *Data format*), you can retrain the whole pipeline in a minute or two. Here we retrain on
the shipped corpus's `train` split, tune thresholds on `dev` (with the training entries, scored by
models that never saw their writer), evaluate on `test`, look at the
confusions and errors, and compare with the shipped model. The same three calls work on your
files: `breakthrough_nlp.read_corpus`, `breakthrough_nlp.fit_pipeline`, `breakthrough_nlp.evaluate`.
To run this notebook on your own labels, start Jupyter with `BREAKTHROUGH_CORPUS` set to a folder
holding your `train.jsonl`, `dev.jsonl` and `test.jsonl` (check them first with
`breakthrough-nlp validate FOLDER`); without it, the notebook uses the shipped corpus."""),
    ("code", SETUP + """

import os
import tempfile
import time

LABELS_DIR = Path(os.environ.get("BREAKTHROUGH_CORPUS", CORPUS))  # your labels, or the shipped corpus
print("corpus:", LABELS_DIR)

read_jsonl = breakthrough_nlp.read_corpus
evaluate = breakthrough_nlp.evaluate
fit_pipeline = breakthrough_nlp.fit_pipeline"""),
    ("code", """\
splits = {name: read_jsonl(LABELS_DIR / f"{name}.jsonl") for name in ("train", "dev", "test")}
pd.DataFrame({name: {"entries": len(rs), "writers": len({r.author for r in rs}),
                     **{label: sum(label in r.labels for r in rs) for label in breakthrough_nlp.LABELS},
                     "spans": sum(len(r.spans) for r in rs)}
              for name, rs in splits.items()}).T"""),
    ("code", """\
# Every training setting; a small corpus of your own may need TrainConfig(threshold_data="dev")
# (thresholds tuned on dev alone: training refuses, naming the label, when the default cannot work).
config = breakthrough_nlp.TrainConfig()
t0 = time.perf_counter()
mine = fit_pipeline(splits["train"], splits["dev"], config)
print(f"trained in {time.perf_counter() - t0:.1f}s")
{k: v for k, v in mine.meta["training"].items() if k != "config"}  # ["config"]: every TrainConfig setting"""),
    ("md", "## Evaluate on the held-out writers, next to the shipped model"),
    ("code", """\
shipped = breakthrough_nlp.load()
results = {"retrained": evaluate(mine, splits["test"]), "shipped": evaluate(shipped, splits["test"])}

def scores(res):
    row = {f"{label} F1": res["labels"][label]["f1"] for label in breakthrough_nlp.LABELS}
    row["macro F1"] = res["labels"]["macro_f1"]
    row.update({f"{label} Brier": res["labels"][label]["brier"] for label in breakthrough_nlp.LABELS})
    row["span F1 (overlap)"] = res["spans"]["overlap"]["f1"]
    row["span F1 (exact)"] = res["spans"]["exact"]["f1"]
    row["span label accuracy"] = res["spans"]["label_accuracy"]
    return row

pd.DataFrame({name: scores(res) for name, res in results.items()}).round(3)"""),
    ("md", "Hard negatives — entries that *sound* like insight but are not (negated, hypothetical, someone else's, sarcasm…) — and how often each model marks them:"),
    ("code", """\
pd.DataFrame({name: {t: r["rate"] for t, r in res["spans"]["hard_negative_fp_rate"].items()}
              for name, res in results.items()}).round(3)"""),
    ("md", """\
The two models differ only in training data and code version: if the corpus or the code changed
since the shipped model was saved, the retrained one reflects that. Training is deterministic
on machines whose BLAS uses the same CPU kernel (see `training.blas` in the model's meta), so
there identical columns mean the shipped model is up to date. On another kernel the retrained
model differs by about as much as training noise, a few hundredths on ~300 test entries (the
model card's "Reproducibility" gives the figures); the outputs below were executed on such a
machine.

## Confusions"""),
    ("code", """\
test = splits["test"]
docs = list(mine.pipe(r.text for r in test))
rows = []
for label in breakthrough_nlp.LABELS:
    y = pd.Series([label in r.labels for r in test])
    p = pd.Series([label in d._.breakthroughs for d in docs])
    rows.append({"label": label, "TP": int((y & p).sum()), "FP": int((~y & p).sum()),
                 "FN": int((y & ~p).sum()), "TN": int((~y & ~p).sum())})
pd.DataFrame(rows).set_index("label")"""),
    ("md", "Which label gets predicted when the writer's entry has another one? Rows: hand labels, columns: predictions (an entry counts once per pair):"),
    ("code", """\
pairs = []
for r, d in zip(test, docs):
    for g in r.labels or ["(none)"]:
        for p in d._.breakthroughs or ("(none)",):
            pairs.append((g, p))
pairs = pd.DataFrame(pairs, columns=["gold", "predicted"])
pd.crosstab(pairs["gold"], pairs["predicted"])"""),
    ("md", "Span categories: for every hand-marked span, the label of the predicted span that overlaps it most (or *missed*):"),
    ("code", """\
span_pairs = []
for r, d in zip(test, docs):
    predicted = [(s.start_char, s.end_char, s.label_) for s in d.spans["realizations"]]
    for g in r.spans:
        overlap = [(min(g["end"], e) - max(g["start"], s), lab) for s, e, lab in predicted]
        best = max(overlap, default=(0, None))
        span_pairs.append((g["label"], best[1] if best[0] > 0 else "(missed)"))
span_pairs = pd.DataFrame(span_pairs, columns=["gold span", "predicted span"])
pd.crosstab(span_pairs["gold span"], span_pairs["predicted span"])"""),
    ("md", "## Error analysis\n\nThe most confident false positives and the least confident false negatives, per label (first 100 characters):"),
    ("code", """\
errors = []
for r, d in zip(test, docs):
    for label in breakthrough_nlp.LABELS:
        gold, pred = label in r.labels, label in d._.breakthroughs
        if gold != pred:
            errors.append({"label": label, "kind": "false positive" if pred else "false negative",
                           "p": round(d.cats[label], 3), "id": r.id,
                           "decoys": ",".join(sorted({x["type"] for x in r.decoys})),
                           "text": " ".join(r.text.split())[:100]})
errors = pd.DataFrame(errors)
print(errors.groupby(["label", "kind"]).size().unstack(fill_value=0))
fp = errors[errors["kind"] == "false positive"].sort_values("p", ascending=False).groupby("label").head(2)
fn = errors[errors["kind"] == "false negative"].sort_values("p").groupby("label").head(2)
pd.concat([fp, fn])[["label", "kind", "p", "decoys", "text"]]"""),
    ("md", """\
Read the rows, not just the counts. False positives that carry a `decoys` type are hard negatives
the context rules did not catch; false negatives with a very low probability are usually quiet
realizations phrased without cue words ("so that's why Sundays are hard") — the kind of entry
worth adding more examples of to your labels.

## Calibration of the retrained model

Mean predicted probability vs the observed frequency, in bins:"""),
    ("code", """\
pd.concat({label: pd.DataFrame(rows).set_index("bin")
           for label, rows in results["retrained"]["calibration"].items()}, axis=1)"""),
    ("md", "## Save it, load it back\n\n`to_disk` writes the pipeline with checksums; `breakthrough_nlp.load(path)` loads it safely:"),
    ("code", """\
with tempfile.TemporaryDirectory() as tmp:
    mine.to_disk(tmp)
    again = breakthrough_nlp.load(tmp)
    sample = [r.text for r in test[:25]]
    same = all(a.cats == b.cats and a._.breakthroughs == b._.breakthroughs
               for a, b in zip(mine.pipe(sample), again.pipe(sample)))
print("identical predictions after a round trip:", same)"""),
    ("md", """\
From the command line the same loop is `breakthrough-nlp validate`, `breakthrough-nlp train
CORPUS_DIR -o MODEL_DIR` and `breakthrough-nlp evaluate MODEL_DIR test.jsonl`. Keep the test
writers out of train and dev, as the corpus does, or the scores will flatter the model."""),
]

# --------------------------------------------------------------------------- 05
NOTEBOOKS["05-a-real-diary"] = [
    ("md", """\
# 05 · A real diary: Samuel Pepys, 1660–1669

The model was trained on modern journals written for this project. What does it do with a real
diary in 17th-century English? Pepys's diary (Standard Ebooks edition, public domain; see
`shared/data/README.md`) has 3,415 entries and about 1.2 million words. It has no breakthrough
labels, so this notebook can only *look*: at what gets flagged, how often, and why.

The notebook looks for the diary (`pepys/diary.jsonl` of the project's shared data) in the
`shared/` folder beside the repository, or wherever the `PEPYS_DIARY` environment variable
points."""),
    ("code", SETUP + """

import json
import os
import re
import time

from matplotlib.figure import Figure

PEPYS = Path(os.environ.get("PEPYS_DIARY", ROOT.parent / "shared" / "data" / "pepys" / "diary.jsonl"))
assert PEPYS.exists(), f"the Pepys diary is not at {PEPYS}: set PEPYS_DIARY to its diary.jsonl"
with PEPYS.open(encoding="utf-8") as fh:
    diary = [json.loads(line) for line in fh]
print(f"{len(diary)} entries, {sum(len(e['text'].split()) for e in diary):,} words")
pd.DataFrame(diary)[["id", "date"]].iloc[[0, 1, 2, -1]].assign(
    opening=[diary[i]["text"][:45] for i in (0, 1, 2, -1)])"""),
    ("md", """\
Note the dates: Pepys's "Jan. 1st" 1660 is stored as `1660-01-11`. The edition's dates are in the
Gregorian calendar, ten days ahead of the Julian (Old Style) dates Pepys wrote, and two entries
have none: the preface to 1660 and the summing-up between 1660 and 1661. Neither matters for a
timeline; undated entries are kept and sorted last.

## Annotate all of it"""),
    ("code", """\
nlp = breakthrough_nlp.load()
t0 = time.perf_counter()
df = breakthrough_nlp.annotate(diary, nlp, include_text=True)
seconds = time.perf_counter() - t0
print(f"{seconds:.0f}s, {df['word_count'].sum() / seconds:,.0f} words/s;", df["status"].value_counts().to_dict())"""),
    ("md", "Set beside the held-out modern test journals, annotated the same way:"),
    ("code", """\
modern = breakthrough_nlp.annotate(pd.read_json(CORPUS / "test.jsonl", lines=True, dtype=False)
                                   [["id", "date", "author", "text"]], nlp, include_text=True)

def profile(frame):
    row = {"entries": len(frame), "median words": frame["word_count"].median()}
    for label in breakthrough_nlp.LABELS:
        row[f"mean p_{label}"] = frame[f"p_{label}"].mean()
    for label in breakthrough_nlp.LABELS:
        row[f"labelled {label}"] = frame["labels"].map(lambda ls, lab=label: lab in ls).mean()
    row["any label"] = frame["labels"].map(bool).mean()
    row["spans per 1,000 words"] = 1000 * frame["n_realizations"].sum() / frame["word_count"].sum()
    return row

pd.DataFrame({"Pepys": profile(df), "modern test journals": profile(modern)}).round(3)"""),
    ("md", """\
Read off the table: Pepys's entries are about five times as long as the modern ones, yet the span
marker finds about thirty times fewer realization spans per 1,000 words. Most of his sentences are a
chronicle of the Navy Office, dinners and plays, and the marker does **not** flag them wholesale —
the first thing to check on text this far from its training data. The entry labels behave
differently: they depend heavily on length, because a long entry offers many sentences, each a
chance to look like an insight:"""),
    ("code", """\
df["length"] = pd.qcut(df["word_count"], 5, labels=["shortest", "short", "middle", "long", "longest"])
df.groupby("length", observed=True).agg(
    words=("word_count", "median"), spans=("n_realizations", "mean"),
    any_label=("labels", lambda s: s.map(bool).mean()), mean_p_patterns=("p_patterns", "mean")).round(3)"""),
    ("md", """\
The span threshold stored with the model was tuned on modern journals in which about four
entries in ten hold an insight. On a diary where insights are rare, a higher one trades some recall
for far fewer marks (on the modern test split it costs 0.049 span F1 and 0.037 entry
macro-F1; see the model card):"""),
    ("code", """\
strict = breakthrough_nlp.annotate(diary, breakthrough_nlp.load(span_threshold=0.6))
pd.DataFrame({
    "entries with a span": [df["n_realizations"].gt(0).mean(), strict["n_realizations"].gt(0).mean()],
    "spans": [df["n_realizations"].sum(), strict["n_realizations"].sum()],
}, index=["stored threshold", "span_threshold=0.6"]).round(3)"""),
    ("md", "## What it actually flags\n\nThe highest-scoring realization spans of each category:"),
    ("code", """\
def span_table(frame):
    out = frame[["id", "date", "realizations"]].explode("realizations").dropna(subset=["realizations"])
    out = out.reset_index(drop=True)
    fields = pd.json_normalize(out["realizations"].tolist()).reindex(columns=["start", "end", "label", "score", "text"])
    return pd.concat([out.drop(columns="realizations"), fields], axis=1)

spans = span_table(df)
print(spans["label"].value_counts().to_dict())
top = spans.sort_values("score", ascending=False).groupby("label", sort=False).head(4).sort_values(["label", "score"])
top.assign(text=top["text"].str.replace(r"\\s+", " ", regex=True).str.slice(0, 120))[["label", "score", "id", "text"]]"""),
    ("md", """\
Reading these is the point of the notebook. When this notebook was last run:

* **`feelings` is worry and sorrow in the flow of events**: "I fear that it must be as it can",
  melancholy "under the fear of my eyes being spoiled", a play with "no pleasure at all", and
  an acquaintance who "troubled me with his impertinencies". They name feelings, but nothing
  buried or newly recognized: the guide would call most of them mood reports or narration,
  two of its hard negatives.
* **`patterns` mixes the real thing with troubled days**: "The truth is, I have indulged myself
  more in pleasure for these last two months than ever I did in my life before" is Pepys
  seeing what he has been doing; "thus ends all that I doubt I shall ever be able to do with my
  own eyes…" is the diary's own ending (below); his brother's complaint about his wife and an
  evening over his papers "my mind being much troubled" are plain misses.
* **`values` is mostly caution and other people, with one real find**: not trusting himself
  "in the hands" of a lord he has fallen out with, news of his boy's behaviour, and someone
  else's wish to be employed ("A mind he hath to be employed there…") are not what matters to
  *him*, newly seen; "I found that I could be willing to receive a bribe…" is Pepys
  discovering something about himself, and a blind reader of the model card's round 6 counted
  it as a realization.

Two checks on *why*. Is the superlative idiom (*ever / never / in my life / always*) behind the
`patterns` hits? And how long are the spans? Pepys's sentences run on through semicolons and
"and so", so a span can be a paragraph of business with one reflective clause in it:"""),
    ("code", """\
read_jsonl = breakthrough_nlp.read_corpus

IDIOM = r"\\b(?:ever|never|in (?:all )?my life|always)\\b"
modern_spans = span_table(modern)
gold = pd.DataFrame([{"label": s["label"], "text": r.text[s["start"]:s["end"]]}
                     for r in read_jsonl(CORPUS / "test.jsonl") for s in r.spans])

def span_profile(frame):
    patterns = frame[frame["label"] == "patterns"]
    return {"spans": len(frame), "median words per span": frame["text"].str.split().str.len().median(),
            "patterns spans with the idiom": patterns["text"].str.contains(IDIOM, case=False).mean()}

pd.DataFrame({"Pepys, predicted": span_profile(spans), "modern, predicted": span_profile(modern_spans),
              "modern, hand-marked": span_profile(gold)}).round(3)"""),
    ("md", """\
The idiom is about as common in Pepys's `patterns` spans as in the hand-marked modern ones, so it
is not the whole story; the spans' length is the bigger difference.

A few entries a reader would look for — the Great Fire (Pepys's 2 September 1666 is stored as
`1666-09-12`), the night his wife found him with Deb Willet (25 October 1668 → `1668-11-04`), and
the last entry, where his failing eyesight ends the diary — with the spans the model highlighted:"""),
    ("code", """\
wanted = {"Great Fire begins": "1666-09-12", "Deb Willet, discovered": "1668-11-04", "last entry": "1669-06-10"}
look = df.set_index("date").loc[list(wanted.values()), ["id", "word_count", "p_feelings", "p_patterns", "p_values", "labels"]]
look.insert(0, "what", list(wanted))
for what, date in wanted.items():
    print(f"{what}:")
    for r in df.loc[df["date"] == date, "realizations"].iloc[0]:
        print(f"   {r['label']:<9}{r['score']:.2f}  {' '.join(r['text'].split())[:150]}")
look.round(3)"""),
    ("code", """\
last = df[df["date"] == "1669-06-10"].iloc[0]
print(" ".join(last["text"].split())[-420:])"""),
    ("md", """\
The last entry is the diary's own reckoning — "almost as much as to see myself go into my grave" —
and when this notebook was last run the model highlighted exactly that passage: "thus ends all that
I doubt I shall ever be able to do with my own eyes in the keeping of my journal…" (`patterns`) and
"…I betake myself to that course, which is almost as much as to see myself go into my
grave" (`values`). A reader would pick the same lines.

The other two show the limits. The Great Fire is the longest and most dramatic entry of the diary,
but horror at events is not a realization in the guide's sense; when this notebook was last run it
got no label and no span, which is what a reader would give it. The night with Deb Willet is
turmoil told as events, with no sentence in which Pepys recognizes something about himself; when
this notebook was last run it got no label and no span either (the previous release labelled it
`feelings` from a low-scoring span on his promises to her, a label a reader would dispute).

## Nine years as one timeline

With thousands of entries the raw probabilities are noise; a rolling mean over 60 entries shows
the slow drift. Stars are labelled entries, grey bands runs without one:"""),
    ("code", """\
tl = breakthrough_nlp.timeline(df, by=None)
breakthrough_nlp.plot_timeline(tl, rolling=60, figsize=(10, 3))"""),
    ("code", """\
df["year"] = df["date"].str.slice(0, 4).fillna("undated")
by_year = df.groupby("year").agg(entries=("id", "size"), median_words=("word_count", "median"),
                                 any_label=("labels", lambda s: s.map(bool).mean()),
                                 spans_per_entry=("n_realizations", "mean"))
print("longest run without a labelled entry:", tl.summary["longest_stretch_entries"].iloc[0], "entries,",
      tl.summary["longest_stretch_days"].iloc[0], "days")
dated_years = by_year.drop(index="undated", errors="ignore")
print("Spearman correlation over the years, median words vs labelled share:",
      round(dated_years["median_words"].corr(dated_years["any_label"], method="spearman"), 2))
by_year.round(3).T"""),
    ("md", """\
Year to year the labelled share goes largely with how long the entries are; it is not a measure of
Pepys's inner life.

## The indicators on Pepys

Treating each entry as a session, the whole diary as one writer:"""),
    ("code", """\
trend = breakthrough_nlp.insight_causal_trend(df, by=None)
phases = breakthrough_nlp.connecting_phases(df, by=None)
rates = breakthrough_nlp.word_rates(df["text"]).assign(year=df["year"].values)
yearly = rates.groupby("year")[["insight_causal", "emotion_tone", "abstraction"]].mean()
phases["year"] = phases["entry_index"].map(df.set_index("entry_index")["year"])
yearly["connecting share"] = phases.groupby("year")["connecting"].mean()
print(trend[["sessions", "mean_rate", "slope"]].round(5).to_dict("records"))
print("insight+causal words per 100 in the modern test journals:",
      round(breakthrough_nlp.word_rates(modern["text"])["insight_causal"].mean(), 3))
yearly.round(3).T"""),
    ("md", """\
Pepys's insight+causal rate is lower than the modern journals', rises over the first years and then
levels off; over 3,415 sessions the slope is practically zero. That is no evidence about Pepys: the
indicator comes from short, prompted writing about an upheaval, and his diary is a record of public
and private life in a vocabulary our modern word lists only partly cover ("vexed", "troubled",
"merry" are in them; many period words are not).

## What to take from this

* On text far from its training data the span marker is reserved: about thirty times fewer spans per
  1,000 words than on the modern journals, and no wholesale flagging of ordinary days. The entry
  labels follow length: the longest entries are labelled far more often than the shortest.
* What it flags is readable and explainable: feeling words in reports of worry (mood reports),
  counting words that look like patterns, and long run-on sentences. A few hits are real
  self-examination (the last entry; "I have indulged myself more in pleasure…").
* Most of what it flags here is a false alarm: read blind against the annotation guide, 11 of 80
  spans sampled from its marks on this diary were realizations (model card, "On text unlike its
  training data"). The span threshold was tuned where insights are dense; on a diary like this
  one, load the model with `breakthrough_nlp.load(span_threshold=0.6)` (above) for far fewer marks.
* Its probabilities are calibrated on modern journals, not on this.
* Nothing here is validated for historical prose. To use the model on such text, label a sample of
  it and retrain ([04](04-train-on-your-labels.ipynb)); to read the diary, read the diary."""),
]


def build(name: str, cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                for kind, src in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:2]}-{i:02d}"
    return nb


def main(selected: list[str]) -> None:
    for name, cells in NOTEBOOKS.items():
        if selected and not any(name.startswith(s) for s in selected):
            continue
        nb = build(name, cells)
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(HERE)}}).execute()
        path = HERE / f"{name}.ipynb"
        nbformat.write(nb, path)
        print(f"{path.name}: executed in {time.perf_counter() - t0:.0f}s, {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
