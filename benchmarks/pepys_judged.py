"""How many of the spans marked in Pepys's diary are realizations? A blind judgement.

    python benchmarks/pepys_judged.py sample NAME=MODEL_DIR [NAME=MODEL_DIR ...] [--n 80] [--seed 0] [--dir DIR]
    (a reader labels DIR/blind.txt, writing DIR/judgements.txt)
    python benchmarks/pepys_judged.py score [--dir DIR] [--json OUT.json]

``--dir`` defaults to ``benchmarks/results/pepys_judged``; each round of judgement
(a new set of models, a new reader) gets its own directory so earlier rounds stay
scoreable.

``benchmarks/pepys.py`` counts what a model marks in the diary (text nobody here
wrote, unlike the corpus in period, register and length) but cannot say whether
the marks are right. This draws ``--n`` spans at random from each model's marks,
pools them (a span two models both marked is judged once), shuffles them, and
writes each with the text around it and no model name to ``blind.txt``; the key
stays in ``key.json``. A reader who knows only the annotation guide answers, for
each item, whether the marked words are the writer's own realization by the guide::

    === item 17 | yes | patterns
    === item 18 | no

``score`` reports each model's precision (with a Wilson 95% interval), its span
count over the whole diary, and ``precision x spans``: the estimated number of
realizations it finds, which compares recall between models without needing
every realization in 1.2 million words.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PEPYS = ROOT.parent / "shared" / "data" / "pepys" / "diary.jsonl"
OUT = ROOT / "benchmarks" / "results" / "pepys_judged"
CONTEXT = 400  # characters shown on each side of a span
ITEM = re.compile(r"^===\s*item\s+(\d+)\s*\|\s*(yes|no)\b", re.IGNORECASE)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def sample(models: list[str], n: int, seed: int, out: Path = OUT) -> None:
    import breakthrough_nlp

    rows = [json.loads(line) for line in PEPYS.open(encoding="utf-8")]
    texts = [r["text"] for r in rows]
    marked: dict[str, list[tuple[int, int, int]]] = {}
    for spec in models:
        model, _, path = spec.partition("=")
        nlp = breakthrough_nlp.load(path or model)
        spans = []
        for i, doc in enumerate(nlp.pipe(texts, batch_size=64)):
            spans += [(i, s.start_char, s.end_char) for s in doc.spans["realizations"]]
        marked[model] = spans
    rng = random.Random(seed)
    models = list(marked)
    picked = {m: sorted(rng.sample(s, min(n, len(s)))) for m, s in marked.items()}
    items = sorted({span for spans in picked.values() for span in spans})
    rng.shuffle(items)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "blind.txt").open("w", encoding="utf-8") as fh:
        for k, (i, s, e) in enumerate(items, 1):
            t = texts[i]
            a, b = max(0, s - CONTEXT), min(len(t), e + CONTEXT)
            shown = ("…" if a else "") + t[a:s] + "[[" + t[s:e] + "]]" + t[e:b] + ("…" if b < len(t) else "")
            fh.write(f"=== item {k}\n{shown}\n\n")
    key = {
        "models": {m: {"spans": len(marked[m]), "entries": len(texts),
                       "entries_with_a_span": len({i for i, _, _ in marked[m]}),
                       "sampled": [items.index(sp) + 1 for sp in picked[m]]} for m in models},
        "items": [{"item": k, "entry": rows[i]["id"], "start": s, "end": e}
                  for k, (i, s, e) in enumerate(items, 1)],
        "seed": seed,
    }
    (out / "key.json").write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")
    print(f"{len(items)} items for {len(models)} models written to {out / 'blind.txt'}")


def named_model(spec: str):
    """``NAME=MODEL_DIR`` (the benchmarks' way of naming models on the command line) -> (name, loaded pipeline)."""
    import breakthrough_nlp

    name, _, path = spec.partition("=")
    if not path:
        raise SystemExit(f"expected NAME=MODEL_DIR, got {spec!r}")
    return name, breakthrough_nlp.load(path)


def read_verdicts(out: Path) -> dict[int, bool]:
    """The reader's ``out/judgements.txt``: item number -> judged a realization."""
    verdicts: dict[int, bool] = {}
    for line in (out / "judgements.txt").read_text(encoding="utf-8").splitlines():
        m = ITEM.match(line)
        if m:
            verdicts[int(m.group(1))] = m.group(2).lower() == "yes"
    return verdicts


def score(out: Path = OUT) -> dict:
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    verdicts = read_verdicts(out)
    missing = [it["item"] for it in key["items"] if it["item"] not in verdicts]
    if missing:
        raise SystemExit(f"judgements.txt has no verdict for items {missing[:10]}")
    out = {"items_judged": len(key["items"]), "models": {}}
    for model, info in key["models"].items():
        ks = info["sampled"]
        yes = sum(verdicts[k] for k in ks)
        lo, hi = wilson(yes, len(ks))
        out["models"][model] = {
            "spans_in_diary": info["spans"],
            "share_of_entries_with_a_span": round(info["entries_with_a_span"] / info["entries"], 3),
            "judged": len(ks), "realizations": yes,
            "precision": round(yes / len(ks), 3), "precision_95ci": [round(lo, 3), round(hi, 3)],
            "estimated_realizations_found": round(yes / len(ks) * info["spans"]),
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("sample")
    p.add_argument("models", nargs="+")
    p.add_argument("--n", type=int, default=80)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dir", type=Path, default=OUT)
    p = sub.add_parser("score")
    p.add_argument("--dir", type=Path, default=OUT)
    p.add_argument("--json", default=None)
    args = ap.parse_args()
    if args.cmd == "sample":
        sample(args.models, args.n, args.seed, args.dir)
        return 0
    result = score(args.dir)
    for model, r in result["models"].items():
        print(f"{model}: precision {r['precision']:.3f} {r['precision_95ci']} ({r['realizations']}/{r['judged']}), "
              f"{r['spans_in_diary']} spans, {r['share_of_entries_with_a_span']:.1%} of entries, "
              f"~{r['estimated_realizations_found']} realizations found")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
