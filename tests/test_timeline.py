from __future__ import annotations

import math

import pandas as pd
import pytest

import breakthrough_nlp
from breakthrough_nlp.timelines import Timeline, order_entries, parse_dates, timeline


def _row(i: int, author: str | None, date: str | None, hit: bool, p_values: float = 0.1, **kw) -> dict:
    return {"entry_index": i, "id": f"e{i}", "date": date, "author": author, "word_count": 10,
            "p_feelings": 0.1, "p_patterns": 0.9 if hit else 0.2, "p_values": p_values,
            "labels": ["patterns"] if hit else [], "status": "ok", **kw}


@pytest.fixture()
def frame() -> pd.DataFrame:
    # Writer "a" in shuffled input order; by date: - - B - - - B - (the last one undated).
    a = [
        _row(0, "a", "2024-01-10", False),
        _row(1, "a", "2024-01-01", False),
        _row(2, "a", None, False),
        _row(3, "a", "2024-01-05", True),
        _row(4, "a", "2024-01-03", False),
        _row(5, "a", "2024-01-20", False),
        _row(6, "a", "2024-02-01", False),
        _row(7, "a", "2024-02-02", True),
    ]
    b = [_row(8 + k, "b", f"2024-03-{1 + 7 * k:02d}", False, p_values=0.1 + 0.2 * k) for k in range(4)]
    failed = {**_row(12, "a", "2023-12-01", True), "p_feelings": None, "p_patterns": None, "p_values": None,
              "status": "error: entry 12: empty text"}
    return pd.DataFrame(a + b + [failed])


def test_entries_in_date_order_with_undated_last(frame):
    tl = timeline(frame)
    assert isinstance(tl, Timeline)
    a = tl.entries[tl.entries["writer"] == "a"]
    assert a["entry_index"].tolist() == [1, 4, 3, 0, 5, 6, 7, 2]
    assert a["position"].tolist() == list(range(8))
    assert a["dated"].tolist() == [True] * 7 + [False]
    assert a["breakthrough"].tolist() == [False, False, True, False, False, False, True, False]
    # The failed entry has no probabilities and is left out.
    assert 12 not in tl.entries["entry_index"].tolist()


def test_stretch_lengths_in_entries_and_days(frame):
    tl = timeline(frame)
    a = tl.stretches[tl.stretches["writer"] == "a"].reset_index(drop=True)
    assert a["n_entries"].tolist() == [2, 3, 1]
    assert a["start_position"].tolist() == [0, 3, 7]
    assert a["end_position"].tolist() == [1, 5, 7]
    # 2024-01-01..03 is 3 days inclusive; 2024-01-10..02-01 is 23; the undated one has no day count.
    assert a["n_days"].iloc[0] == 3
    assert a["n_days"].iloc[1] == 23
    assert pd.isna(a["n_days"].iloc[2])
    assert a["ended_by_breakthrough"].tolist() == [True, True, False]
    assert str(a["start_date"].iloc[1].date()) == "2024-01-10"
    assert str(a["end_date"].iloc[1].date()) == "2024-02-01"
    # A writer with no breakthrough at all is one stretch over the whole journal.
    b = tl.stretches[tl.stretches["writer"] == "b"]
    assert b["n_entries"].tolist() == [4]
    assert b["n_days"].tolist() == [22]


def test_summary(frame):
    s = timeline(frame).summary.set_index("writer")
    assert s.loc["a", "entries"] == 8
    assert s.loc["a", "undated"] == 1
    assert s.loc["a", "breakthroughs"] == 2
    assert str(s.loc["a", "first_breakthrough_date"].date()) == "2024-01-05"
    assert s.loc["a", "first_breakthrough_position"] == 2
    assert s.loc["a", "longest_stretch_entries"] == 3
    assert s.loc["a", "longest_stretch_days"] == 23
    assert s.loc["b", "breakthroughs"] == 0
    assert pd.isna(s.loc["b", "first_breakthrough_date"])
    # p_values rises 0.2 per 7 days: 0.2 / 7 * 30 per 30 days.
    assert s.loc["b", "trend_values"] == pytest.approx(0.2 / 7 * 30)
    assert s.loc["b", "trend_feelings"] == pytest.approx(0.0)
    assert s.loc["a", "trend_patterns"] != pytest.approx(0.0)


def test_threshold_overrides_the_model_labels(frame):
    tl = timeline(frame, threshold=0.5)
    b = tl.entries[tl.entries["writer"] == "b"]
    # p_values 0.1, 0.3, 0.5, 0.7: the last two pass 0.5.
    assert b["breakthrough"].tolist() == [False, False, True, True]
    assert b["labels"].tolist() == [[], [], ["values"], ["values"]]
    assert timeline(frame, threshold=0.95).entries["breakthrough"].sum() == 0


def test_by_none_and_missing_authors(frame):
    one = timeline(frame, by=None)
    assert one.writers == ["all"]
    assert len(one.entries) == 12
    frame.loc[frame["entry_index"] == 9, "author"] = None
    tl = timeline(frame)
    assert "(unknown)" in tl.writers
    with pytest.raises(KeyError, match="group by"):
        timeline(frame, by="writer_name")


def test_dates_before_1677_and_odd_values():
    dates = parse_dates(pd.Series(["1660-05-11", None, "2024-03-02T23:30:00-05:00", "not a date", float("nan")]))
    assert str(dates.iloc[0].date()) == "1660-05-11"
    assert str(dates.iloc[2].date()) == "2024-03-02"  # the writer's own calendar day, not UTC's
    assert dates.isna().tolist() == [False, True, False, True, True]


def test_labels_read_back_from_csv_strings():
    df = pd.DataFrame([_row(0, "a", "2024-01-01", False), _row(1, "a", "2024-01-02", True)])
    df["labels"] = ["[]", "['patterns']"]
    assert timeline(df).entries["breakthrough"].tolist() == [False, True]


def test_order_entries_without_dates_keeps_input_order():
    df = pd.DataFrame({"text": ["x", "y", "z"], "author": ["a", "b", "a"]})
    out = order_entries(df)
    assert out["entry_index"].tolist() == [0, 2, 1]
    assert out["position"].tolist() == [0, 1, 0]


def test_for_writer_and_errors(frame):
    tl = timeline(frame)
    b = tl.for_writer("b")
    assert b.writers == ["b"] and set(b.entries["writer"]) == {"b"} and len(b.stretches) == 1
    with pytest.raises(KeyError):
        tl.for_writer("nobody")
    with pytest.raises(KeyError, match="annotate"):
        timeline(pd.DataFrame({"text": ["x"]}))


def test_on_real_annotations(nlp):
    entries = [
        {"id": "1", "date": "2024-03-01", "author": "m", "text": "Rain all day. Finished the puzzle."},
        {"id": "2", "date": "2024-03-02", "author": "m",
         "text": "Driving home it landed: every time I say yes to everything I end up burned out and "
                 "resenting the people I said yes to."},
        {"id": "3", "date": "2024-03-03", "author": "m", "text": ""},
    ]
    df = breakthrough_nlp.annotate(entries, nlp)
    tl = breakthrough_nlp.timeline(df)
    assert tl.entries["id"].tolist() == ["1", "2"]
    assert tl.summary["entries"].tolist() == [2]
    flags = tl.entries["breakthrough"].tolist()
    assert flags == [bool(labels) for labels in df["labels"][:2]]
    assert tl.stretches["n_entries"].sum() == flags.count(False)
    assert not math.isnan(tl.summary["trend_patterns"].iloc[0])


def test_module_and_function_do_not_shadow_each_other():
    # The function is breakthrough_nlp.timeline; its module has its own name, so
    # `import breakthrough_nlp.timelines as m` gives the module, not the function.
    import breakthrough_nlp.timelines as module

    assert module.timeline is breakthrough_nlp.timeline
    assert module.Timeline is breakthrough_nlp.Timeline
    assert callable(breakthrough_nlp.timeline) and not hasattr(breakthrough_nlp.timeline, "order_entries")


def test_timelines_judge_dates_as_the_readers_do():
    from breakthrough_nlp.timelines import _as_date

    assert _as_date("2024-03-02T09:00:00+02:00").isoformat() == "2024-03-02"
    for junk in ("2024-03-021", "2024-03-02 junk", "2024-03-02T25:99", "20240302", "2024-W10-1"):
        assert _as_date(junk) is None, junk  # the same on every Python version
