"""Two word-count indicators from the writing-and-psychotherapy literature.

Both are *proxies*: counts of words from short lists this project wrote
(``resources/indicators.json``; LIWC's dictionaries are proprietary and were
not used), read off the text without the model. They are not validated
measures, they say nothing about a single entry on its own, and neither is a
clinical instrument. They are here to set beside the model's breakthroughs,
not to replace them.

1. **Insight and causal words over sessions** (:func:`insight_causal_trend`).
   Pennebaker, Mayne & Francis (1997, *J. Personality and Social Psychology*
   72:863–871) found that people whose expressive writing *increased* in
   insight and causal words across sessions improved more in health
   afterwards than those whose use stayed flat. The indicator is the
   per-writer slope of (insight + causal words per 100 words) over the
   writer's entries in date order. A rising slope is what that work
   associates with improvement; it is a group-level association from
   short, prompted writing studies, not a property of every journal.

2. **Mergenthaler's "connecting" phase** (:func:`connecting_phases`). The
   Therapeutic Cycles Model (Mergenthaler 1996, *J. Consulting and Clinical
   Psychology* 64:1306–1315; 2008, *Psychotherapy Research* 18:109–126)
   tracks emotion tone and abstraction in session transcripts and calls a
   stretch where both are above the person's own average "connecting": the
   phase in which key moments of therapy tend to occur. Here each entry
   stands for one of the model's word blocks and the comparison is with the
   writer's own mean over their entries; the other three phases
   (``experiencing``: emotion only, ``reflecting``: abstraction only,
   ``relaxing``: neither) are reported too. Mergenthaler's dictionaries,
   block size and smoothing are not reproduced.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .resources import load_resource
from .timelines import order_entries

CATEGORIES: tuple[str, ...] = ("insight", "causal", "positive_emotion", "negative_emotion", "abstraction")
PHASES: tuple[str, ...] = ("connecting", "experiencing", "reflecting", "relaxing")
RESOURCE = "indicators.json"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")  # letters of any script: "café" is one word, not "caf"
# Zero-width characters join the parts of one word (the Pepys edition uses U+2060).
_JOINERS = {ord(c): None for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}


@dataclass(frozen=True)
class _WordList:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    excluded: frozenset[str]

    def __contains__(self, word: str) -> bool:
        if word in self.excluded:
            return False
        if word in self.words or (self.prefixes and word.startswith(self.prefixes)):
            return True
        return any(word.endswith(s) and len(word) >= len(s) + 3 for s in self.suffixes)


def _compile(patterns: list[str]) -> _WordList:
    words, prefixes, suffixes, excluded = set(), [], [], set()
    for p in patterns:
        p = p.strip().lower()
        if p.startswith("-"):
            excluded.add(p[1:])
        elif p.startswith("*"):
            suffixes.append(p[1:])
        elif p.endswith("*"):
            prefixes.append(p[:-1])
        else:
            words.add(p)
    return _WordList(frozenset(words), tuple(prefixes), tuple(suffixes), frozenset(excluded))


@lru_cache(maxsize=None)
def word_lists() -> dict[str, _WordList]:
    """The compiled lists of ``resources/indicators.json``, one per category."""
    data = load_resource(RESOURCE)
    missing = [c for c in CATEGORIES if c not in data]
    if missing:
        raise ValueError(f"{RESOURCE} lacks the word lists {missing}")
    return {c: _compile(data[c]) for c in CATEGORIES}


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens: letters with inner apostrophes; digits and punctuation dropped."""
    return _WORD.findall(text.translate(_JOINERS).lower())


def _rates(text: Any) -> dict[str, float]:
    if not isinstance(text, str):
        return {"n_words": 0, **{c: float("nan") for c in CATEGORIES}}
    counts = Counter(tokenize(text))
    n = sum(counts.values())
    row: dict[str, float] = {"n_words": n}
    for category, wl in word_lists().items():
        hits = sum(k for word, k in counts.items() if word in wl)
        row[category] = 100.0 * hits / n if n else float("nan")
    return row


def word_rates(texts: Iterable[Any]) -> pd.DataFrame:
    """Per text: ``n_words`` and each category's words per 100 words.

    Also ``insight_causal`` (insight + causal per 100 words, Pennebaker) and
    ``emotion_tone`` (positive + negative emotion per 100 words, Mergenthaler).
    A text with no words (or a missing one) gets NaN rates. The index follows
    ``texts`` when it is a pandas Series.
    """
    index = texts.index if isinstance(texts, pd.Series) else None
    df = pd.DataFrame([_rates(t) for t in texts], columns=["n_words", *CATEGORIES], index=index)
    df["n_words"] = df["n_words"].astype(int)
    df["insight_causal"] = df["insight"] + df["causal"]
    df["emotion_tone"] = df["positive_emotion"] + df["negative_emotion"]
    return df


def _frame(data: Any, text_column: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        df = data
    else:
        rows = [r if isinstance(r, dict) else dict(vars(r)) for r in data]
        df = pd.DataFrame(rows)
    if text_column not in df.columns:
        raise KeyError(f"no {text_column!r} column: pass entries with their text "
                       "(breakthrough_nlp.annotate(..., include_text=True), or `breakthrough-nlp annotate "
                       "--include-text` for a table from the command line)")
    if "status" in df.columns:
        df = df[df["status"] == "ok"]
    return df


def _ordered_rates(data: Any, by: str | None, text_column: str) -> pd.DataFrame:
    df = _frame(data, text_column)
    ordered = order_entries(df, by)
    rates = word_rates(ordered[text_column])
    keep = [c for c in ("writer", "position", "entry_index", "id", "date") if c in ordered.columns]
    return pd.concat([ordered[keep], rates], axis=1)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    if len(np.unique(x)) < 2:
        return float("nan")
    x = x - x.mean()
    return float((x * (y - y.mean())).sum() / (x * x).sum())


def insight_causal_trend(data: Any, by: str | None = "author", *, text_column: str = "text") -> pd.DataFrame:
    """Pennebaker's indicator: per writer, the slope of insight + causal words over sessions.

    ``data``: entries with text, date and author — a DataFrame (such as
    ``annotate(..., include_text=True)``), dicts, or corpus records. Sessions
    are the writer's entries in date order (undated ones last, in input
    order), numbered 0, 1, 2 …; entries with no words are skipped.

    Returns one row per writer: ``writer, sessions, mean_rate, first_rate,
    last_rate, slope`` (change in insight + causal words per 100 words, per
    session; NaN with fewer than two sessions) and ``rising`` (slope > 0).
    A proxy from the research literature, not a validated measure: see the
    module docstring for what it is and is not.
    """
    rates = _ordered_rates(data, by, text_column)
    rows = []
    for writer, g in rates.groupby("writer", sort=False):
        g = g[g["n_words"] > 0]
        y = g["insight_causal"].to_numpy(dtype=float)
        slope = _slope(np.arange(len(g), dtype=float), y)
        rows.append({
            "writer": writer,
            "sessions": len(g),
            "mean_rate": float(np.mean(y)) if len(y) else float("nan"),
            "first_rate": float(y[0]) if len(y) else float("nan"),
            "last_rate": float(y[-1]) if len(y) else float("nan"),
            "slope": slope,
            "rising": bool(slope > 0),
        })
    return pd.DataFrame(rows, columns=["writer", "sessions", "mean_rate", "first_rate", "last_rate", "slope",
                                       "rising"])


def connecting_phases(data: Any, by: str | None = "author", *, text_column: str = "text") -> pd.DataFrame:
    """Mergenthaler's cycle phases per entry; ``connecting`` marks the "connecting" entries.

    For each writer, every entry's emotion tone (positive + negative emotion
    words per 100 words) and abstraction (abstraction words per 100 words)
    are compared with that writer's own mean over their entries. ``phase``
    is ``connecting`` (both above), ``experiencing`` (emotion only),
    ``reflecting`` (abstraction only) or ``relaxing`` (neither); ``None``
    for an entry with no words.

    Returns one row per entry in timeline order: ``writer, position,
    entry_index, id, date, n_words, emotion_tone, abstraction,
    emotion_mean, abstraction_mean, phase, connecting``. A proxy from the
    research literature, not a validated measure: see the module docstring.
    """
    rates = _ordered_rates(data, by, text_column)
    grouped = rates.groupby("writer", sort=False)
    rates["emotion_mean"] = grouped["emotion_tone"].transform("mean")
    rates["abstraction_mean"] = grouped["abstraction"].transform("mean")
    emo = rates["emotion_tone"] > rates["emotion_mean"]
    abst = rates["abstraction"] > rates["abstraction_mean"]
    phase = np.select([emo & abst, emo, abst], list(PHASES[:3]), default=PHASES[3]).astype(object)
    phase[rates["n_words"].to_numpy() == 0] = None
    rates["phase"] = phase
    rates["connecting"] = rates["phase"] == "connecting"
    columns = ["writer", "position", "entry_index", "id", "date", "n_words", "emotion_tone", "abstraction",
               "emotion_mean", "abstraction_mean", "phase", "connecting"]
    return rates[[c for c in columns if c in rates.columns]].reset_index(drop=True)
