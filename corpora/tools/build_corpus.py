"""Build corpora/journal-breakthroughs/{train,dev,test}.jsonl from the drafts.

Entries keep the order they were written in; ids are assigned per writer
(``w301-007`` is writer w301's seventh entry). Writers, not entries, are split
70/15/15 with a fixed seed, so no writer appears in two splits, and the split
is chosen among seeded shuffles to keep each split's label mix close to the
whole corpus.

Once chosen, the assignment is pinned in ``writer_splits.json``: later builds
keep every listed writer in its split, so dev and test stay the same entries
across corpus releases and results stay comparable, and writers added later go
to train. ``--resplit`` ignores the pinned file and splits all writers afresh.

    python corpora/tools/build_corpus.py [--resplit]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from drafts import LABELS, parse_file, summarize  # noqa: E402

CORPUS = HERE.parent / "journal-breakthroughs"
SEED = 20261128
FRACTIONS = (0.70, 0.15, 0.15)
PINNED = CORPUS / "writer_splits.json"


def _label_mix(entries: list[dict]) -> list[float]:
    n = max(len(entries), 1)
    c = Counter(lab for e in entries for lab in e["labels"])
    unl = sum(1 for e in entries if not e["labels"])
    return [c[lab] / n for lab in LABELS] + [unl / n]


def split_writers(entries: list[dict]) -> dict[str, str]:
    by_writer: dict[str, list[dict]] = defaultdict(list)
    for e in entries:
        by_writer[e["author"]].append(e)
    writers = sorted(by_writer)
    whole = _label_mix(entries)
    total = len(entries)
    best, best_cost = None, float("inf")
    rng = random.Random(SEED)
    for _ in range(400):
        order = writers[:]
        rng.shuffle(order)
        assign, counts = {}, [0, 0, 0]
        for w in order:
            # Fill dev and test to their share first, the rest goes to train.
            need = [FRACTIONS[i] * total - counts[i] for i in range(3)]
            k = 1 if need[1] > 0 else 2 if need[2] > 0 else 0
            assign[w] = k
            counts[k] += len(by_writer[w])
        cost = sum(abs(counts[i] / total - FRACTIONS[i]) for i in range(3))
        for k in range(3):
            part = [e for w in writers if assign[w] == k for e in by_writer[w]]
            cost += sum(abs(a - b) for a, b in zip(_label_mix(part), whole))
        if cost < best_cost:
            best, best_cost = dict(assign), cost
    names = ("train", "dev", "test")
    return {w: names[k] for w, k in best.items()}


def pinned_split(entries: list[dict]) -> dict[str, str]:
    """Writers keep their pinned split; writers the file does not list go to train."""
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    split = {w: name for name, writers in pinned.items() for w in writers}
    return {e["author"]: split.get(e["author"], "train") for e in entries}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resplit", action="store_true", help="split all writers afresh and re-pin")
    args = ap.parse_args()
    # Numeric order (batch2 before batch10) keeps earlier entries in their place.
    files = sorted((CORPUS / "drafts").glob("batch*.txt"), key=lambda f: int(f.stem[len("batch"):]))
    entries, problems = [], []
    for f in files:
        e, p = parse_file(f)
        entries += e
        problems += p
    if problems:
        for p in problems:
            print("PROBLEM", p)
        return 1
    per_writer: Counter[str] = Counter()
    for e in entries:
        per_writer[e["author"]] += 1
        e["id"] = f"{e['author']}-{per_writer[e['author']]:03d}"
    resplit = args.resplit or not PINNED.exists()
    split = split_writers(entries) if resplit else pinned_split(entries)
    if resplit:
        names = ("train", "dev", "test")
        PINNED.write_text(json.dumps({n: sorted(w for w, s in split.items() if s == n) for n in names}, indent=1)
                          + "\n", encoding="utf-8")
    out = {name: [] for name in ("train", "dev", "test")}
    for e in entries:
        out[split[e["author"]]].append(e)
    for name, rows in out.items():
        with (CORPUS / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for e in rows:
                rec = {k: e[k] for k in ("id", "date", "author", "text", "labels", "spans")}
                if e["decoys"]:
                    rec["decoys"] = e["decoys"]
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} entries, {len({e['author'] for e in rows})} writers")
    print(summarize(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
