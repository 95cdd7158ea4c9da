"""How many of the GoEmotions comments a model flags hold a realization by *our* guide? A blind judgement.

    python benchmarks/goemotions_judged.py sample NAME=MODEL_DIR [NAME=MODEL_DIR ...] [--dir DIR]
    (a reader labels DIR/blind.txt, writing DIR/judgements.txt)
    python benchmarks/goemotions_judged.py score [--dir DIR] [--json OUT.json]

``benchmarks/goemotions.py`` scores flags against GoEmotions' raters, whose
``realization`` is broader than the guide's insight ("oh, I didn't know that") and
who never saw the guide, so its precision says little about whether a flagged
comment holds a breakthrough. This pools every GoEmotions dev comment that any of
the named models flags (marks a span in), shuffles them, and writes them with no
model name and no marked words to ``blind.txt``; the key stays in ``key.json``. A
reader who knows only the annotation guide answers, for each item, whether the
comment contains the writer's own realization by the guide::

    === item 17 | yes
    === item 18 | no

``score`` reports, per model, how many comments it flags, the share judged to
hold a realization (Wilson 95% interval) and ``precision x flags``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
OUT = ROOT / "benchmarks" / "results" / "goemotions_judged"

from goemotions import load  # noqa: E402
from pepys_judged import named_model, read_verdicts, wilson  # noqa: E402


def sample(models: list[str], seed: int, out: Path) -> None:
    texts, y = load("dev")
    flagged: dict[str, list[int]] = {}
    for spec in models:
        name, nlp = named_model(spec)
        flagged[name] = [i for i, d in enumerate(nlp.pipe(texts, batch_size=256)) if len(d.spans["realizations"])]
        print(f"{name}: {len(flagged[name])} of {len(texts)} comments flagged", flush=True)
    pool = sorted({i for v in flagged.values() for i in v})
    random.Random(seed).shuffle(pool)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "blind.txt").open("w", encoding="utf-8") as fh:
        for k, i in enumerate(pool, 1):
            fh.write(f"=== item {k}\n{texts[i]}\n\n")
    key = {"items": {str(k): i for k, i in enumerate(pool, 1)}, "flagged": flagged,
           "goemotions_realization": [i for i in pool if y[i]]}
    (out / "key.json").write_text(json.dumps(key) + "\n", encoding="utf-8")
    print(f"{len(pool)} comments written to {out / 'blind.txt'}")


def score(out: Path, json_out: str | None) -> dict:
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    answers = {key["items"][str(k)]: v for k, v in read_verdicts(out).items()}
    missing = [k for k, i in key["items"].items() if i not in answers]
    if missing:
        raise SystemExit(f"judgements.txt has no answer for {len(missing)} item(s), e.g. item {missing[0]}")
    ge = set(key["goemotions_realization"])
    result = {"judged": len(answers), "judged_yes": sum(answers.values()), "models": {}}
    for name, idx in key["flagged"].items():
        k = sum(answers[i] for i in idx)
        lo, hi = wilson(k, len(idx))
        rated = sum(1 for i in idx if i in ge)
        result["models"][name] = {"flagged": len(idx), "judged_yes": k, "precision": round(k / len(idx), 4),
                                  "ci95": [round(lo, 4), round(hi, 4)], "goemotions_realization": rated}
        print(f"{name:24s} flags {len(idx):4d}  realizations by the guide {k:3d}  precision {k / len(idx):.3f} "
              f"[{lo:.3f}, {hi:.3f}]  (rated 'realization' by GoEmotions: {rated})")
    both = [i for i in answers if i in ge]
    print(f"of the {len(both)} pooled comments GoEmotions rated 'realization', {sum(answers[i] for i in both)} "
          f"were judged realizations by the guide; of the {len(answers) - len(both)} others, "
          f"{sum(v for i, v in answers.items() if i not in ge)}")
    if json_out:
        Path(json_out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("sample", "score"))
    ap.add_argument("models", nargs="*", help="NAME=MODEL_DIR (sample)")
    ap.add_argument("--dir", default=str(OUT))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if args.command == "sample":
        if not args.models:
            raise SystemExit("sample needs at least one NAME=MODEL_DIR")
        sample(args.models, args.seed, Path(args.dir))
    else:
        score(Path(args.dir), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
