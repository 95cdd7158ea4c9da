from __future__ import annotations

import html as html_module
import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import breakthrough_nlp
from breakthrough_nlp.timelines import timeline
from breakthrough_nlp.viz import COLORS, MATPLOTLIB_MISSING, plot_timeline, realization_doc, render

matplotlib = pytest.importorskip("matplotlib")  # the [test] extra installs it; the message test below does not need it
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def _frame() -> pd.DataFrame:
    rows = []
    hits = {"a": [False, True, False, False, True, False], "b": [False, False, False]}
    for author, flags in hits.items():
        for k, hit in enumerate(flags):
            rows.append({"entry_index": len(rows), "id": f"{author}{k}", "date": f"2024-05-{k + 1:02d}",
                         "author": author, "p_feelings": 0.7 if hit else 0.1, "p_patterns": 0.2, "p_values": 0.1,
                         "labels": ["feelings"] if hit else [], "status": "ok"})
    return pd.DataFrame(rows)


def test_one_figure_per_writer():
    figs = plot_timeline(_frame())
    assert isinstance(figs, dict) and set(figs) == {"a", "b"}
    assert all(isinstance(f, Figure) for f in figs.values())
    single = plot_timeline(timeline(_frame()), author="b")
    assert isinstance(single, Figure)
    with pytest.raises(KeyError):
        plot_timeline(_frame(), author="nobody")


def test_lines_markers_and_shaded_stretches():
    tl = timeline(_frame())
    ax = plot_timeline(tl, author="a").axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["feelings", "patterns", "values"]
    # Stretches of "a": [0], [2, 3], [5] -> three shaded bands.
    assert len(tl.stretches[tl.stretches["writer"] == "a"]) == 3
    assert len(ax.patches) == 3
    stars = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in stars) == 2  # two breakthrough entries, one label each
    assert "2 with a breakthrough" in ax.get_title()
    # Probabilities are drawn as they are.
    assert list(ax.get_lines()[0].get_ydata()) == [0.1, 0.7, 0.1, 0.1, 0.7, 0.1]


def test_draw_into_given_axes_and_rolling():
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_timeline(_frame(), author="a", ax=ax) is fig
    with pytest.raises(ValueError, match="author"):
        plot_timeline(_frame(), ax=fig.add_subplot())
    smooth = plot_timeline(_frame(), author="a", rolling=3).axes[0].get_lines()[0].get_ydata()
    assert smooth[1] == pytest.approx((0.1 + 0.7 + 0.1) / 3)


def test_clear_message_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError) as err:
        plot_timeline(_frame())
    assert str(err.value) == MATPLOTLIB_MISSING
    assert "breakthrough-nlp[plots]" in str(err.value)


def test_import_does_not_import_matplotlib():
    code = "import sys, breakthrough_nlp; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


TEXT = "Rain again.\n\nThen it hit me:\u2060 every time I say yes I end up resentful. Odd."


def test_realization_doc_offsets():
    start = TEXT.index("every")
    end = TEXT.index(" Odd") - 1  # without the full stop
    doc = realization_doc(TEXT, [{"start": start, "end": end, "label": "patterns", "score": 0.8}])
    assert doc.text == TEXT
    (span,) = doc.spans["realizations"]
    assert (span.start_char, span.end_char) == (start, end)
    assert span.text == TEXT[start:end]
    assert span.label_ == "patterns"
    assert doc.spans["realizations"].attrs["scores"] == [0.8]
    # Offsets inside a word widen to the whole token.
    widened = realization_doc(TEXT, [{"start": start + 2, "end": start + 4, "label": "feelings"}])
    assert widened.spans["realizations"][0].text == "every"


def _shown_text(markup):
    """The text a reader sees: the markup without tags, legend and marks' titles."""
    body = markup.split('<div style="white-space:pre-wrap;overflow-wrap:anywhere">', 1)[1]
    return html_module.unescape(re.sub(r"<[^>]+>", "", body))


def test_render_returns_html_outside_notebooks():
    start, end = TEXT.index("every"), TEXT.index(" Odd") - 1
    html = render((TEXT, [{"start": start, "end": end, "label": "patterns", "score": 0.8}]), jupyter=False)
    assert isinstance(html, str)
    assert 'data-label="patterns"' in html and 'title="patterns 0.80"' in html
    assert COLORS["patterns"] in html
    assert _shown_text(html) == TEXT
    row = pd.Series({"text": TEXT, "realizations": [{"start": 0, "end": 5, "label": "values", "score": 0.6}]})
    assert COLORS["values"] in render(row, jupyter=False)


def test_render_shows_the_entry_exactly_and_escapes_everything():
    # displaCy showed tokens with a space after each ("ca n't", "father .") and dropped line breaks;
    # a label from a file went into its template unescaped.
    text = "It's not the job.\r\n\r\n<script>alert('x')</script> & \"Dad's\" 60th \u2014 can't wait \U0001F602"
    spans = [{"start": 0, "end": 16, "label": "patterns", "score": 0.7},
             {"start": 21, "end": 29, "label": '<img src=x onerror="alert(1)">', "score": 0.5}]
    html = render((text, spans), jupyter=False)
    assert _shown_text(html) == text
    assert "<script>" not in html and "<img" not in html
    assert 'data-label="other"' in html  # an unknown label is shown as other


def test_render_takes_rows_as_read_back_from_any_output_format(tmp_path):
    spans = [{"start": 0, "end": 5, "label": "values", "score": 0.6},
             {"start": 10, "end": 15, "label": "feelings", "score": 0.9}]
    for realizations in (spans, np.array(spans, dtype=object), json.dumps(spans)):
        for obj in (pd.Series({"text": TEXT, "realizations": realizations}), (TEXT, realizations)):
            html = render(obj, jupyter=False)
            assert html.count("<mark") == 2 and _shown_text(html) == TEXT
    # A failed entry has no text: a clear error, not a TypeError from inside the tokenizer.
    failed = pd.Series({"text": float("nan"), "realizations": "[]", "status": "error: entry 1: empty text"})
    with pytest.raises(ValueError, match="no text to show .*empty text"):
        render(failed, jupyter=False)


def test_render_doc_from_the_pipeline(nlp):
    doc = nlp("Driving home it landed: every time I say yes to everything I end up burned out and "
              "resenting the people I said yes to.")
    html = render(doc, jupyter=False)
    assert "burned" in html
    for span in doc.spans["realizations"]:
        assert span.label_ in html and COLORS[span.label_] in html


def test_render_displays_in_a_notebook(monkeypatch):
    pytest.importorskip("IPython")
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    assert render((TEXT, [{"start": 0, "end": 4, "label": "feelings"}]), jupyter=True) is None
    assert len(shown) == 1 and "feelings" in shown[0].data


def test_render_rejects_bare_text():
    with pytest.raises(TypeError, match="spans"):
        render("just a string")


def test_render_from_annotate_rows(nlp):
    df = breakthrough_nlp.annotate(["Every time I say yes to everything I end up burned out."], nlp,
                                   include_text=True)
    html = breakthrough_nlp.render(df.iloc[0], jupyter=False)
    assert "burned" in html


def test_render_survives_odd_scores_and_explains_pandas_na():
    html = render((TEXT, [{"start": 0, "end": 5, "label": "values", "score": "high"}]), jupyter=False)
    assert 'title="values"' in html
    row = pd.Series({"text": float("nan"), "realizations": "[]", "status": "ok"})
    with pytest.raises(ValueError, match="keep_default_na=False"):
        render(row, jupyter=False)


def test_a_writer_name_with_dollar_signs_is_drawn_as_written():
    df = pd.DataFrame({"author": ["$\\frac$"] * 3, "date": ["2024-03-01", "2024-03-02", "2024-03-03"],
                       "p_feelings": [0.1, 0.2, 0.3], "p_patterns": [0.1, 0.9, 0.2], "p_values": [0.1, 0.1, 0.1],
                       "labels": [[], ["patterns"], []], "status": ["ok"] * 3})
    fig = plot_timeline(timeline(df))
    import io

    fig.savefig(io.BytesIO(), format="png")  # mathtext used to raise on "$\frac$"
    assert fig.axes[0].get_title().startswith("$\\frac$")
