"""The longitudinal view: per writer, entries in date order and the stretches between breakthroughs.

``timeline(annotate(...))`` turns one row per entry into three tables: the
entries of each writer in date order, the "treading water" stretches (maximal
runs of consecutive entries with no breakthrough) and a per-writer summary
with trends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .labels import LABELS
from .readers import is_iso_date

UNKNOWN_WRITER = "(unknown)"
"""Group key for entries whose ``by`` value is missing."""

PROBABILITY_COLUMNS = [f"p_{label}" for label in LABELS]
DAYS_PER_TREND_UNIT = 30

ENTRY_COLUMNS = ["writer", "position", "entry_index", "id", "date", "dated", *PROBABILITY_COLUMNS,
                 "breakthrough", "labels"]
STRETCH_COLUMNS = ["writer", "stretch", "start_position", "end_position", "n_entries", "start_date", "end_date",
                   "n_days", "ended_by_breakthrough"]
SUMMARY_COLUMNS = ["writer", "entries", "undated", "breakthroughs", "first_breakthrough_date",
                   "first_breakthrough_position", "longest_stretch_entries", "longest_stretch_days",
                   *(f"trend_{label}" for label in LABELS)]


@dataclass(frozen=True)
class Timeline:
    """The three tables :func:`timeline` returns, each with a ``writer`` column.

    ``entries``: one row per entry, in date order within each writer.
    ``stretches``: one row per treading-water stretch.
    ``summary``: one row per writer.
    """

    entries: pd.DataFrame
    stretches: pd.DataFrame
    summary: pd.DataFrame
    by: str | None = "author"
    threshold: float | None = None

    @property
    def writers(self) -> list[Hashable]:
        """The writers, in the order of ``summary``."""
        return self.summary["writer"].tolist()

    def for_writer(self, writer: Hashable) -> Timeline:
        """The same tables restricted to one writer."""
        if writer not in set(self.writers):
            raise KeyError(f"no writer {writer!r} in this timeline (writers: {self.writers[:10]})")

        def pick(df: pd.DataFrame) -> pd.DataFrame:
            return df[df["writer"] == writer].reset_index(drop=True)

        return Timeline(pick(self.entries), pick(self.stretches), pick(self.summary), self.by, self.threshold)


def _writer_keys(df: pd.DataFrame, by: str | None) -> pd.Series:
    if by is None:
        return pd.Series(["all"] * len(df), index=df.index, dtype=object)
    if by not in df.columns:
        raise KeyError(f"timeline: no column {by!r} to group by (columns: {list(df.columns)}); pass by=None "
                       "to treat every entry as one writer's")
    keys = df[by].astype(object)
    return keys.where(keys.notna(), UNKNOWN_WRITER)


def _as_date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, dt.date):  # also datetime and pd.Timestamp
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value).strip()
    if not is_iso_date(text):  # as the readers judge dates: "2024-03-021" or "2024-03-02 junk" are none
        return None
    return dt.date.fromisoformat(text[:10])  # the local calendar day, whatever its time zone


def parse_dates(values: pd.Series) -> pd.Series:
    """ISO dates or datetimes to day-resolution ``datetime64[s]``; anything else becomes ``NaT``.

    Seconds resolution keeps dates before 1677 (Pepys wrote in the 1660s),
    which nanosecond timestamps cannot hold.
    """
    days = [_as_date(v) for v in values]
    arr = np.array([np.datetime64(d, "s") if d else np.datetime64("NaT", "s") for d in days], dtype="datetime64[s]")
    return pd.Series(arr, index=values.index, name=values.name)


def order_entries(df: pd.DataFrame, by: str | None = "author") -> pd.DataFrame:
    """``df`` with ``writer``, ``date`` (parsed), ``dated`` and ``position`` columns, in timeline order.

    Within a writer, dated entries come first in date order (ties broken by
    ``entry_index``, or by row order when there is none), then the undated
    ones in ``entry_index`` order. ``position`` counts 0, 1, 2 … per writer.
    """
    out = df.copy()
    if "entry_index" not in out.columns:
        out["entry_index"] = np.arange(len(out))
    out["writer"] = _writer_keys(out, by)
    dates = out["date"] if "date" in out.columns else pd.Series([None] * len(out), index=out.index)
    out["date"] = parse_dates(dates)
    out["dated"] = out["date"].notna()
    first_seen = {w: i for i, w in enumerate(dict.fromkeys(out["writer"]))}
    out["_writer_order"] = out["writer"].map(first_seen)
    out["_undated"] = ~out["dated"]
    out = out.sort_values(["_writer_order", "_undated", "date", "entry_index"], kind="stable")
    out = out.drop(columns=["_writer_order", "_undated"]).reset_index(drop=True)
    out["position"] = out.groupby("writer", sort=False).cumcount()
    return out


def _labels_at(row: pd.Series, threshold: float | None) -> list[str]:
    if threshold is not None:
        return [label for label in LABELS if _float(row.get(f"p_{label}")) >= threshold]
    labels = row.get("labels")
    if labels is None or (isinstance(labels, float) and np.isnan(labels)):
        return []
    if isinstance(labels, str):  # read back from CSV as "['patterns']" or "patterns;values"
        return [label for label in LABELS if label in labels]
    return [label for label in LABELS if label in set(labels)]


def _float(value: Any) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return f


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of y on x; NaN with fewer than two distinct x or any missing y."""
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if len(np.unique(x)) < 2:
        return float("nan")
    x = x - x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum())


def _stretches(group: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    flags = group["breakthrough"].to_numpy()
    start = None
    for i, flag in enumerate([*flags, True]):
        if not flag and start is None:
            start = i
        elif flag and start is not None:
            run = group.iloc[start:i]
            dates = run["date"].dropna()
            first, last = (dates.iloc[0], dates.iloc[-1]) if len(dates) else (pd.NaT, pd.NaT)
            rows.append({
                "writer": group["writer"].iloc[0],
                "stretch": len(rows),
                "start_position": int(run["position"].iloc[0]),
                "end_position": int(run["position"].iloc[-1]),
                "n_entries": len(run),
                "start_date": first,
                "end_date": last,
                "n_days": (last - first).days + 1 if len(dates) else pd.NA,
                "ended_by_breakthrough": i < len(flags),
            })
            start = None
    return rows


def _summary(group: pd.DataFrame, stretches: list[dict[str, Any]]) -> dict[str, Any]:
    hits = group[group["breakthrough"]]
    dated = group[group["dated"]]
    days = (dated["date"] - dated["date"].min()).dt.days.to_numpy(dtype=float)
    row: dict[str, Any] = {
        "writer": group["writer"].iloc[0],
        "entries": len(group),
        "undated": int((~group["dated"]).sum()),
        "breakthroughs": len(hits),
        "first_breakthrough_date": hits["date"].iloc[0] if len(hits) else pd.NaT,
        "first_breakthrough_position": int(hits["position"].iloc[0]) if len(hits) else pd.NA,
        "longest_stretch_entries": max((s["n_entries"] for s in stretches), default=0),
        "longest_stretch_days": max((s["n_days"] for s in stretches if s["n_days"] is not pd.NA), default=pd.NA),
    }
    for label in LABELS:
        y = dated[f"p_{label}"].to_numpy(dtype=float)
        row[f"trend_{label}"] = _slope(days, y) * DAYS_PER_TREND_UNIT
    return row


def timeline(df: pd.DataFrame, by: str | None = "author", *, threshold: float | None = None) -> Timeline:
    """Per writer: entries in date order, treading-water stretches and a summary.

    Parameters
    ----------
    df
        The output of :func:`breakthrough_nlp.annotate` (or any frame with
        ``p_feelings``, ``p_patterns``, ``p_values`` and, ideally, ``date``,
        ``labels`` and ``entry_index``). Rows whose ``status`` is not ``ok``
        have no probabilities and are left out.
    by
        The column that names the writer; ``None`` treats all rows as one
        writer (called ``"all"``). Rows with a missing value are grouped
        under ``"(unknown)"``.
    threshold
        ``None`` (default): an entry is a breakthrough when the model
        predicted any label (its ``labels``, which use the model's own tuned
        per-label thresholds). A number: when any of the three probabilities
        is at least ``threshold``; ``labels`` are then recomputed the same way.

    Returns
    -------
    Timeline
        ``entries``: ``writer, position, entry_index, id, date, dated,
        p_feelings, p_patterns, p_values, breakthrough, labels`` (plus
        ``word_count`` when present).

        ``stretches``: treading water — maximal runs of consecutive entries
        with no breakthrough: ``writer, stretch, start_position,
        end_position, n_entries, start_date, end_date, n_days,
        ended_by_breakthrough``. ``n_days`` counts calendar days from the
        first dated entry of the stretch to its last, inclusive (1 for a
        single entry); it is missing when no entry of the stretch is dated.
        ``ended_by_breakthrough`` is false for a stretch still running at
        the writer's last entry.

        ``summary``: ``writer, entries, undated, breakthroughs,
        first_breakthrough_date, first_breakthrough_position,
        longest_stretch_entries, longest_stretch_days, trend_feelings,
        trend_patterns, trend_values``. A trend is the least-squares slope of
        that probability over the writer's dated entries, in probability per
        30 days; it is NaN with fewer than two distinct dates.

    Notes
    -----
    Undated entries (a missing or unparseable ``date``) are kept: within
    each writer they come after all dated entries, in ``entry_index`` order,
    so they take part in stretches but not in trends or day counts. Dates are
    read as ISO 8601; times of day are dropped.
    """
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(list(df))
    missing = [c for c in PROBABILITY_COLUMNS if c not in df.columns]
    if missing:
        raise KeyError(f"timeline: the frame has no {missing} columns; pass the output of breakthrough_nlp.annotate")
    if "status" in df.columns:
        df = df[df["status"] == "ok"]
    ordered = order_entries(df, by)
    for col in PROBABILITY_COLUMNS:
        ordered[col] = pd.to_numeric(ordered[col], errors="coerce").astype(float)
    ordered["labels"] = [_labels_at(row, threshold) for _, row in ordered.iterrows()]
    ordered["breakthrough"] = ordered["labels"].map(bool)
    if "id" not in ordered.columns:
        ordered["id"] = None
    columns = ENTRY_COLUMNS + (["word_count"] if "word_count" in ordered.columns else [])
    entries = ordered[columns].reset_index(drop=True)

    stretch_rows: list[dict[str, Any]] = []
    summary_rows: list[dict[str, Any]] = []
    for _, group in entries.groupby("writer", sort=False):
        own = _stretches(group)
        stretch_rows += own
        summary_rows.append(_summary(group, own))
    stretches = pd.DataFrame(stretch_rows, columns=STRETCH_COLUMNS)
    for col in ("start_date", "end_date"):
        stretches[col] = stretches[col].astype("datetime64[s]")
    stretches["n_days"] = stretches["n_days"].astype("Int64")
    summary = pd.DataFrame(summary_rows, columns=SUMMARY_COLUMNS)
    summary["first_breakthrough_date"] = summary["first_breakthrough_date"].astype("datetime64[s]")
    for col in ("first_breakthrough_position", "longest_stretch_days"):
        summary[col] = summary[col].astype("Int64")
    return Timeline(entries, stretches, summary, by, threshold)
