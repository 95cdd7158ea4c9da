"""The README's quickstart shows real outputs of the shipped model; keep them true."""

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _quickstart() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Quickstart"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_quickstart_outputs_are_what_the_shipped_model_gives():
    code = _quickstart()
    shown_cats = ast.literal_eval(re.search(r"doc\.cats\s+# (\{.*?\})", code).group(1))
    shown_labels = ast.literal_eval(re.search(r"doc\._\.breakthroughs\s+# (\(.*?\))", code).group(1))
    shown_prints = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    scope: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md quickstart", "exec"), scope)
    doc = scope["doc"]
    assert {k: round(v, 2) for k, v in doc.cats.items()} == pytest.approx(shown_cats, abs=0.011)
    assert doc._.breakthroughs == shown_labels
    printed = out.getvalue().splitlines()
    assert len(printed) == len(shown_prints)
    for got, shown in zip(printed, shown_prints):
        label, score, *rest = got.split(" ")
        s_label, s_score, *s_rest = shown.split(" ")
        assert (label, rest) == (s_label, s_rest)
        assert float(score) == pytest.approx(float(s_score), abs=0.011)
