"""Do ``nlp()`` and ``annotate()`` agree, and do LF, CRLF and CR-only line breaks give the same spans?

    python benchmarks/probes/text_forms.py [OUT.json]

A probe, not part of ``run_all.sh``. For the test split (as written, with CRLF and
with lone CR line breaks) and the Pepys diary: the spans ``nlp.pipe`` marks, how many
entries ``annotate`` marks identically, and in how many entries the CR and CRLF forms
mark the same words with the same labels as the LF form. With ``OUT.json`` it also
stores every entry's spans and probabilities, so two checkouts can be compared (run it
from each, then diff the files).
Output of the run quoted in the closing note: ``benchmarks/results/probes/text_forms.txt``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import breakthrough_nlp

ROOT = Path(__file__).resolve().parents[2]
PEPYS = ROOT.parent / "shared" / "data" / "pepys" / "diary.jsonl"


def main() -> None:
    nlp = breakthrough_nlp.load()
    test = [json.loads(line)["text"] for line in (ROOT / "corpora" / "journal-breakthroughs" / "test.jsonl").open()]
    forms = {"test": test, "test_crlf": [t.replace("\n", "\r\n") for t in test],
             "test_cr": [t.replace("\n", "\r") for t in test],
             "pepys": [json.loads(line)["text"] for line in PEPYS.open(encoding="utf-8")]}
    out = {}
    for name, texts in forms.items():
        docs = list(nlp.pipe(texts))
        spans = [[(s.start_char, s.end_char, s.label_) for s in d.spans["realizations"]] for d in docs]
        # Span words and labels, line breaks written as \n: comparable across forms whose offsets differ.
        words = [[(s.text.replace("\r\n", "\n").replace("\r", "\n"), s.label_) for s in d.spans["realizations"]]
                 for d in docs]
        df = breakthrough_nlp.annotate(texts, nlp)
        rows = [[(r["start"], r["end"], r["label"]) for r in row] for row in df["realizations"]]
        same = sum(a == b for a, b in zip(spans, rows))
        out[name] = {"spans": spans, "words": words, "cats": [[round(v, 6) for v in d.cats.values()] for d in docs]}
        line = f"{name:<10} entries {len(texts):>5}  spans {sum(map(len, spans)):>4}  nlp() == annotate: {same}"
        if name in ("test_crlf", "test_cr"):
            line += f"  same spans as LF: {sum(a == b for a, b in zip(words, out['test']['words']))}"
        print(line)
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(json.dumps(out), encoding="utf-8")


if __name__ == "__main__":
    main()
