"""Pictures: timelines with matplotlib, highlighted realizations with displaCy.

matplotlib is optional (``pip install 'breakthrough-nlp[plots]'``) and only
imported when a plot is drawn, so ``import breakthrough_nlp`` never needs it.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Hashable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import spacy
from spacy.tokens import Doc

from .labels import LABELS, SPANS_KEY
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
"""One color per span label, shared by plots, displaCy and the HTML report."""

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
    ax.set_title(f"{writer}: {len(entries)} entries, {n_hits} with a breakthrough (★)", fontsize=10)
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
    for r in sorted(realizations, key=lambda r: (int(r["start"]), int(r["end"]))):
        span = doc.char_span(int(r["start"]), int(r["end"]), label=str(r.get("label", "other")),
                             alignment_mode="expand")
        if span is not None:
            spans.append(span)
            scores.append(float(r.get("score", float("nan"))))
    doc.spans[SPANS_KEY] = spans
    doc.spans[SPANS_KEY].attrs["scores"] = scores
    return doc


def _as_doc(obj: Any) -> Doc:
    if isinstance(obj, Doc):
        return obj
    if isinstance(obj, (Mapping, pd.Series)):
        if "text" not in obj:
            raise KeyError("render() needs the entry's text: annotate with include_text=True "
                           "(or `breakthrough-nlp annotate --include-text`)")
        realizations = obj.get("realizations")
        if isinstance(realizations, str):  # a CSV cell holds them as JSON
            realizations = json.loads(realizations)
        return realization_doc(obj["text"], realizations or [])
    if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], str):
        return realization_doc(obj[0], obj[1] or [])
    if isinstance(obj, str):
        raise TypeError("render() needs spans: pass nlp(text), or (text, realizations)")
    raise TypeError(f"render() takes a Doc, a (text, realizations) pair or a row with 'text' and 'realizations', "
                    f"not {type(obj).__name__}")


def render(doc_or_text_and_spans: Any, *, jupyter: bool | None = None) -> str | None:
    """Highlight realization spans by category with displaCy's span style.

    Takes a ``Doc`` from the pipeline, a ``(text, realizations)`` pair, or a
    row of :func:`breakthrough_nlp.annotate` made with ``include_text=True``
    (a Series or dict with ``text`` and ``realizations``). In a notebook
    (or with ``jupyter=True``) the markup is displayed and ``None`` returned;
    elsewhere (or with ``jupyter=False``) the HTML string is returned.
    """
    from spacy import displacy

    doc = _as_doc(doc_or_text_and_spans)
    options = {"spans_key": SPANS_KEY, "colors": COLORS}
    with warnings.catch_warnings():
        # An entry without realizations is ordinary; displaCy would warn about it.
        warnings.filterwarnings("ignore", message=r".*\[W117\]")
        return displacy.render(doc, style="span", options=options, jupyter=jupyter)

