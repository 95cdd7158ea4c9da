"""Pictures: timelines with matplotlib, and realizations highlighted in the entry's own text.

matplotlib is optional (``pip install 'breakthrough-nlp[plots]'``) and only
imported when a plot is drawn, so ``import breakthrough_nlp`` never needs it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Hashable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import spacy
from spacy.tokens import Doc

from .labels import LABELS, SPAN_LABELS, SPANS_KEY
from .timelines import Timeline, timeline
from .tokenizer import JournalTokenizer

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLORS: dict[str, str] = {
    "feelings": "#e07a5f",
    "patterns": "#3d85c6",
    "values": "#6aa84f",
    "other": "#b4a7d6",
}
"""One color per span label, shared by plots, :func:`render` and the HTML report."""

TREADING_WATER_COLOR = "#d9d9d9"
MATPLOTLIB_MISSING = "plot_timeline needs matplotlib: pip install 'breakthrough-nlp[plots]'"


def _figure_class() -> type[Figure]:
    try:
        from matplotlib.figure import Figure
    except ImportError as e:
        raise ImportError(MATPLOTLIB_MISSING) from e
    return Figure


def _x_values(entries: pd.DataFrame) -> tuple[np.ndarray, bool]:
    """Dates when every entry has one, else positions (undated entries sort last)."""
    if len(entries) and entries["dated"].all():
        return entries["date"].to_numpy(), True
    return entries["position"].to_numpy(dtype=float), False


def _draw(ax: Axes, tl: Timeline, writer: Hashable, rolling: int) -> None:
    entries = tl.entries[tl.entries["writer"] == writer]
    stretches = tl.stretches[tl.stretches["writer"] == writer]
    x, by_date = _x_values(entries)
    half = np.timedelta64(12, "h") if by_date else 0.5
    for _, s in stretches.iterrows():
        lo, hi = x[s["start_position"]], x[s["end_position"]]
        ax.axvspan(lo - half, hi + half, color=TREADING_WATER_COLOR, alpha=0.5, lw=0,
                   label="treading water" if s["stretch"] == stretches["stretch"].iloc[0] else None)
    star = 70 if len(entries) <= 60 else 14
    for label in LABELS:
        p = entries[f"p_{label}"].astype(float)
        y = p.rolling(rolling, center=True, min_periods=1).mean().to_numpy() if rolling > 1 else p.to_numpy()
        ax.plot(x, y, color=COLORS[label], lw=1.4, marker="o" if rolling <= 1 else None, ms=2.5,
                label=label if rolling <= 1 else f"{label} (rolling mean of {rolling})")
        hit = entries["labels"].map(lambda labels, lab=label: lab in labels).to_numpy(dtype=bool)
        if hit.any():
            ax.scatter(x[hit], p.to_numpy()[hit], s=star, marker="*", color=COLORS[label], edgecolor="black",
                       lw=0.5, zorder=3, alpha=1.0 if rolling <= 1 else 0.5)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("probability")
    ax.set_xlabel("date" if by_date else "entry (date order; undated last)")
    n_hits = int(entries["breakthrough"].sum())
    ax.set_title(f"{writer}: {len(entries)} entries, {n_hits} with a breakthrough (★)", fontsize=10,
                 parse_math=False)  # a writer named "$x$" is a name, not a formula
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    if by_date:
        ax.figure.autofmt_xdate()


def plot_timeline(
    tl_or_df: Timeline | pd.DataFrame,
    author: Hashable | None = None,
    ax: Axes | None = None,
    *,
    rolling: int = 1,
    figsize: tuple[float, float] = (9.0, 3.0),
    dpi: int = 80,
) -> Figure | dict[Hashable, Figure]:
    """Probabilities over time, breakthrough markers (★) and shaded treading-water stretches.

    ``tl_or_df`` is a :class:`~breakthrough_nlp.timelines.Timeline` or the
    output of :func:`breakthrough_nlp.annotate` (grouped by ``author``). The x
    axis is the date when every entry of the writer is dated, else the
    entry's position in date order. ``rolling=n`` draws a centred rolling
    mean over ``n`` entries instead of the raw probabilities (for long
    diaries); the stars stay on the raw values.

    Returns one ``Figure`` when ``author`` is given, when there is a single
    writer or when drawing into ``ax``; otherwise a dict of one figure per
    writer. Figures are made without pyplot, so none stays open in a script;
    in a notebook, display one by leaving it as a cell's value.

    Raises ImportError naming the ``plots`` extra when matplotlib is missing.
    """
    figure_class = _figure_class()
    tl = tl_or_df if isinstance(tl_or_df, Timeline) else timeline(tl_or_df)
    writers = tl.writers
    if author is not None:
        if author not in set(writers):
            raise KeyError(f"no writer {author!r} in the timeline (writers: {writers[:10]})")
        writers = [author]
    if not writers:
        raise ValueError("plot_timeline: the timeline has no entries to plot")
    if ax is not None:
        if len(writers) != 1:
            raise ValueError("plot_timeline: pass author=... to draw one writer into ax")
        _draw(ax, tl, writers[0], rolling)
        return ax.figure  # type: ignore[return-value]  # a SubFigure when ax is in one
    figures: dict[Hashable, Figure] = {}
    for writer in writers:
        fig = figure_class(figsize=figsize, dpi=dpi, layout="constrained")
        _draw(fig.add_subplot(), tl, writer, rolling)
        figures[writer] = fig
    return next(iter(figures.values())) if len(figures) == 1 else figures


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    return JournalTokenizer(spacy.blank("en").tokenizer)  # the pipeline's tokenization, without its models


def realization_doc(text: str, realizations: Sequence[Mapping[str, Any]]) -> Doc:
    """A ``Doc`` of ``text`` with ``realizations`` (dicts with start, end, label[, score]) as spans.

    Offsets are character offsets into ``text``, as in the ``realizations``
    column of :func:`breakthrough_nlp.annotate`; a span that does not fall
    on token boundaries is widened to the tokens it touches. Scores go to
    ``doc.spans["realizations"].attrs["scores"]``.
    """
    doc = _tokenizer()(text)
    spans, scores = [], []
    for r in sorted(_realization_list(realizations), key=lambda r: (int(r["start"]), int(r["end"]))):
        span = doc.char_span(int(r["start"]), int(r["end"]), label=str(r.get("label", "other")),
                             alignment_mode="expand")
        if span is not None:
            spans.append(span)
            scores.append(float(r.get("score", float("nan"))))
    doc.spans[SPANS_KEY] = spans
    doc.spans[SPANS_KEY].attrs["scores"] = scores
    return doc


def css_label(label: Any) -> str:
    """A span label fit for markup: one of :data:`SPAN_LABELS`, anything else ``other``."""
    return label if label in SPAN_LABELS else "other"


def highlight_html(text: str, realizations: Iterable[Mapping[str, Any]], *, inline_style: bool = False) -> str:
    """``text`` as escaped HTML with each realization wrapped in ``<mark class="rz LABEL">``.

    Offsets are character offsets into ``text`` (end exclusive), as in
    :func:`breakthrough_nlp.annotate`'s ``realizations``. The marked text is
    exactly ``text[start:end]``; a span overlapping the previous one is cut
    to start where that one ended. The label shows through CSS (``data-label``)
    and the title, so the text content stays the entry's text. ``inline_style``
    colors each mark itself, for pages without the report's style sheet.
    """
    out: list[str] = []
    pos = 0
    for r in sorted(realizations, key=lambda r: (int(r["start"]), int(r["end"]))):
        start, end = max(int(r["start"]), pos), min(int(r["end"]), len(text))
        if end <= start:
            continue
        label = css_label(r.get("label"))
        try:
            score = float(r.get("score"))  # type: ignore[arg-type]  # None and strings are caught
        except (TypeError, ValueError):  # none, or not a number (a hand-edited table): the label alone
            score = float("nan")
        title = f"{label} {score:.2f}" if score == score else label
        style = (f' style="background:{COLORS[label]}40;box-shadow:0 2px 0 {COLORS[label]};border-radius:.2rem"'
                 if inline_style else "")
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="rz {label}" data-label="{label}" title="{html.escape(title)}"{style}>'
                   f"{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _realization_list(value: Any) -> list[Mapping[str, Any]]:
    """A realizations cell as a list of mappings, however it was read back: a list, a NumPy array of
    dicts (Parquet), a JSON string (CSV), or missing (a failed entry)."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, str):
        value = json.loads(value) if value.strip() else []
    return [r for r in list(value) if isinstance(r, Mapping)]


def _text_and_spans(obj: Any) -> tuple[str, list[Mapping[str, Any]]]:
    if isinstance(obj, Doc):
        group = obj.spans.get(SPANS_KEY, [])
        scores = group.attrs.get("scores", []) if len(group) else []
        scores = list(scores) + [None] * (len(group) - len(scores))
        return obj.text, [{"start": s.start_char, "end": s.end_char, "label": s.label_, "score": sc}
                          for s, sc in zip(group, scores)]
    if isinstance(obj, (Mapping, pd.Series)):
        if "text" not in obj:
            raise KeyError("render() needs the entry's text: annotate with include_text=True "
                           "(or `breakthrough-nlp annotate --include-text`)")
        text, realizations = obj["text"], obj.get("realizations")
    elif isinstance(obj, tuple) and len(obj) == 2:
        text, realizations = obj
    elif isinstance(obj, str):
        raise TypeError("render() needs spans: pass nlp(text), or (text, realizations)")
    else:
        raise TypeError(f"render() takes a Doc, a (text, realizations) pair or a row with 'text' and "
                        f"'realizations', not {type(obj).__name__}")
    if not isinstance(text, str):
        status = obj.get("status") if isinstance(obj, (Mapping, pd.Series)) else None
        hint = (" (status ok: if the table was read with pandas.read_csv, a text such as 'NA' became NaN; "
                "pass keep_default_na=False)" if status == "ok" else f" (status: {status})" if status else "")
        raise ValueError("render(): this entry has no text to show" + hint)
    return text, _realization_list(realizations)


def render(doc_or_text_and_spans: Any, *, jupyter: bool | None = None) -> str | None:
    """Highlight realization spans by category in the entry's own text.

    Takes a ``Doc`` from the pipeline, a ``(text, realizations)`` pair, or a
    row of :func:`breakthrough_nlp.annotate` made with ``include_text=True``
    (a Series or dict with ``text`` and ``realizations``, also as read back
    from CSV, JSONL or Parquet). The text is shown exactly as written, line
    breaks included, escaped; each span's label and score are in its title.
    In a notebook (or with ``jupyter=True``) the markup is displayed and
    ``None`` returned; elsewhere (or with ``jupyter=False``) the HTML string
    is returned.
    """
    text, realizations = _text_and_spans(doc_or_text_and_spans)
    legend = "".join(f'<span style="background:{COLORS[label]}40;border-radius:.2rem;padding:0 .3rem;'
                     f'margin-right:.3rem">{label}</span>'
                     for label in SPAN_LABELS if any(css_label(r.get("label")) == label for r in realizations))
    markup = ('<div class="breakthrough-render" style="line-height:1.6">'
              + (f'<div style="font-size:.8em;margin-bottom:.3rem">{legend}</div>' if legend else "")
              + '<div style="white-space:pre-wrap;overflow-wrap:anywhere">'
              + highlight_html(text, realizations, inline_style=True) + "</div></div>")
    if jupyter is None:
        jupyter = spacy.util.is_in_jupyter()
    if jupyter:
        from IPython.display import HTML, display

        display(HTML(markup))
        return None
    return markup
