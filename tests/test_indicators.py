from __future__ import annotations

import json
import math
from importlib.resources import files

import pandas as pd
import pytest

import breakthrough_nlp
from breakthrough_nlp.corpus import read_jsonl
from breakthrough_nlp.indicators import (
    CATEGORIES,
    connecting_phases,
    insight_causal_trend,
    tokenize,
    word_lists,
    word_rates,
)


def test_lexicon_ships_in_the_package_with_every_category():
    data = json.loads(files("breakthrough_nlp").joinpath("resources", "indicators.json").read_text("utf-8"))
    for category in CATEGORIES:
        assert len(data[category]) >= 20, category
        assert all(w == w.lower() and " " not in w for w in data[category])


def test_word_list_patterns():
    wl = word_lists()
    assert "realized" in wl["insight"] and "realization" in wl["insight"]  # prefix
    assert "because" in wl["causal"] and "cupboard" not in wl["causal"]
    assert "happiness" in wl["abstraction"]  # suffix
    assert "station" not in wl["abstraction"]  # excluded
    assert "ness" not in wl["abstraction"]  # too short for the suffix rule
    assert "please" not in wl["positive_emotion"] and "pleased" in wl["positive_emotion"]


def test_tokenize_joins_words_split_by_invisible_characters():
    assert tokenize("Some\u2060thing — I’m OK, 42 times.") == ["something", "i’m", "ok", "times"]


def test_word_rates_per_100_words():
    rates = word_rates(["I realized it because I was sad.", "", None])
    first = rates.iloc[0]
    assert first["n_words"] == 7
    assert first["insight"] == pytest.approx(100 / 7)
    assert first["causal"] == pytest.approx(100 / 7)
    assert first["negative_emotion"] == pytest.approx(100 / 7)
    assert first["positive_emotion"] == 0
    assert first["insight_causal"] == pytest.approx(200 / 7)
    assert first["emotion_tone"] == pytest.approx(100 / 7)
    assert rates["n_words"].tolist() == [7, 0, 0]
    assert math.isnan(rates["insight"].iloc[1]) and math.isnan(rates["insight"].iloc[2])


FILLER = "We walked to the market and bought bread and apples and then went home for lunch."


def _sessions(author: str, n_hits: list[int], start_day: int = 1) -> list[dict]:
    """One entry per session; the k-th carries n_hits[k] insight/causal words among the filler."""
    out = []
    for k, hits in enumerate(n_hits):
        text = FILLER + " I realized why, because." * hits
        out.append({"id": f"{author}{k}", "author": author, "date": f"2024-01-{start_day + k:02d}", "text": text})
    return out


def test_insight_causal_slope_sign():
    entries = _sessions("rising", [0, 1, 2, 3, 4]) + _sessions("falling", [4, 3, 2, 1, 0])
    entries += _sessions("flat", [2, 2, 2])
    # Input order must not matter: sessions are put in date order.
    entries.reverse()
    trend = insight_causal_trend(entries).set_index("writer")
    assert trend.loc["rising", "slope"] > 0 and trend.loc["rising", "rising"]
    assert trend.loc["falling", "slope"] < 0 and not trend.loc["falling", "rising"]
    assert trend.loc["flat", "slope"] == pytest.approx(0.0)
    assert trend.loc["rising", "sessions"] == 5
    assert trend.loc["rising", "first_rate"] == 0
    assert trend.loc["rising", "last_rate"] > trend.loc["rising", "first_rate"]


def test_single_session_has_no_slope():
    trend = insight_causal_trend([{"author": "x", "date": "2024-01-01", "text": "I realized it."}])
    assert math.isnan(trend["slope"].iloc[0]) and not trend["rising"].iloc[0]


EMOTION = "I was so sad and angry and afraid."
ABSTRACT = "The meaning of freedom and responsibility in a relationship."
PLAIN = "We ate soup at the table by the window."


def test_connecting_phases_against_the_writers_own_mean():
    texts = [EMOTION + " " + ABSTRACT, EMOTION + " " + PLAIN, PLAIN + " " + ABSTRACT, PLAIN + " " + PLAIN, ""]
    entries = [{"author": "w", "date": f"2024-02-0{k + 1}", "text": t} for k, t in enumerate(texts)]
    # A second writer who writes emotionally all the time: their own mean is high.
    entries += [{"author": "v", "date": "2024-02-01", "text": EMOTION + " " + ABSTRACT},
                {"author": "v", "date": "2024-02-02", "text": EMOTION + " " + EMOTION + " " + ABSTRACT}]
    phases = connecting_phases(entries)
    w = phases[phases["writer"] == "w"]
    assert w["phase"].tolist()[:4] == ["connecting", "experiencing", "reflecting", "relaxing"]
    assert pd.isna(w["phase"].iloc[4])  # no words, no phase
    assert w["connecting"].tolist() == [True, False, False, False, False]
    v = phases[phases["writer"] == "v"]
    assert v["connecting"].sum() == 0  # neither is above the writer's own mean on both scales
    assert (w["emotion_mean"].iloc[0] == pytest.approx(w["emotion_tone"].mean()))


def test_indicators_accept_annotations_and_skip_failed_rows(nlp):
    entries = _sessions("m", [0, 2, 4]) + [{"id": "bad", "author": "m", "date": "2024-01-09", "text": ""}]
    df = breakthrough_nlp.annotate(entries, nlp, include_text=True)
    trend = breakthrough_nlp.insight_causal_trend(df)
    assert trend["sessions"].tolist() == [3] and trend["rising"].tolist() == [True]
    phases = breakthrough_nlp.connecting_phases(df)
    assert "bad" not in phases["id"].tolist()
    with pytest.raises(KeyError, match="include_text"):
        insight_causal_trend(df.drop(columns=["text"]))


def test_corpus_records_work_and_are_fast(corpus_dir):
    records = read_jsonl(corpus_dir / "dev.jsonl")
    trend = insight_causal_trend(records)
    assert set(trend["writer"]) == {r.author for r in records}
    assert trend["slope"].notna().all()
    phases = connecting_phases(records)
    assert len(phases) == len(records)
    assert set(phases["phase"].dropna()) <= {"connecting", "experiencing", "reflecting", "relaxing"}
    assert isinstance(phases, pd.DataFrame)


def test_words_of_any_script_are_whole_words():
    from breakthrough_nlp.indicators import tokenize

    assert tokenize("Café naïve Zoë’s 3rd") == ["café", "naïve", "zoë’s", "rd"]
