"""Checks on the shipped corpus: format, size, balance, splits, and hand-written variety."""

import json
import re
from collections import Counter, defaultdict

import pytest

from breakthrough_nlp.corpus import CorpusError, read_jsonl, validate
from breakthrough_nlp.labels import LABELS

CUE_RE = re.compile(
    r"\b(realiz|realis|understand|understood|notic|hit me|see now|i see\b|saw that|see that|dawn|"
    r"figured|figure out|recogni|learn|aware|occurred to me|click|epiphany|light ?bulb|struck me|"
    r"get it now|got it now|insight|turns out|discover)",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def splits(corpus_dir):
    return {s: read_jsonl(corpus_dir / f"{s}.jsonl") for s in ("train", "dev", "test")}


@pytest.fixture(scope="module")
def records(splits):
    return [r for rs in splits.values() for r in rs]


def test_corpus_is_valid(corpus_dir):
    assert validate(corpus_dir) == []


def test_size_writers_and_split_by_writer(splits, records):
    assert len(records) >= 1500
    writers = {r.author for r in records}
    assert len(writers) >= 80
    by_split = {s: {r.author for r in rs} for s, rs in splits.items()}
    assert not (by_split["train"] & by_split["dev"])
    assert not (by_split["train"] & by_split["test"])
    assert not (by_split["dev"] & by_split["test"])
    # Dev and test were split 15/15 by writer and are frozen (writer_splits.json); later
    # batches only grow train, so bound their size, not their share.
    assert len(splits["train"]) >= 0.6 * len(records)
    for name in ("dev", "test"):
        assert len(splits[name]) >= 250 and len(by_split[name]) >= 12


def test_label_balance(records):
    unlabelled = sum(1 for r in records if not r.labels)
    assert unlabelled / len(records) >= 0.40
    counts = Counter(lab for r in records for lab in r.labels)
    assert all(counts[lab] >= 300 for lab in LABELS), counts
    labelled = [r for r in records if r.labels]
    assert sum(1 for r in labelled if len(r.labels) >= 2) / len(labelled) >= 0.15


def test_spans_and_cue_words(records):
    spans = [r.text[s["start"]:s["end"]] for r in records for s in r.spans]
    assert len(spans) >= 800
    cueless = sum(1 for t in spans if not CUE_RE.search(t))
    assert cueless / len(spans) >= 1 / 3


def test_hard_negatives_cover_every_exclusion(records):
    decoys = Counter(d["type"] for r in records for d in r.decoys)
    assert sum(1 for r in records if r.decoys and not r.spans) >= 300
    for kind in ("trivial", "other_person", "negated", "hypothetical", "asked", "generic", "sarcasm",
                 "quoted_advice", "mood_report", "goal_list", "doubted"):
        assert decoys[kind] >= 30, (kind, decoys[kind])


def test_long_dated_journals_for_timelines(records):
    dated = defaultdict(list)
    for r in records:
        if r.date:
            dated[r.author].append(r.date)
    long_runs = [a for a, ds in dated.items() if len(ds) >= 10]
    assert len(long_runs) >= 20
    for a in long_runs:
        assert dated[a] == sorted(dated[a]), f"{a}'s dates are not in order"


def test_lengths_and_registers_vary(records):
    words = sorted(len(r.text.split()) for r in records)
    assert words[0] <= 10 and words[-1] >= 300
    assert sum(1 for w in words if w < 20) >= 0.08 * len(words)
    lowercase_entries = sum(1 for r in records if r.text == r.text.lower())
    bullet_entries = sum(1 for r in records if re.search(r"^\s*[-*•]\s", r.text, re.M))
    assert lowercase_entries >= 30 and bullet_entries >= 30


def _ngrams(text, n):
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_near_duplicates(records):
    """No two entries share more than 30% of their word 5-grams."""
    grams = [_ngrams(r.text, 5) for r in records]
    index = defaultdict(set)
    for i, g in enumerate(grams):
        for gram in g:
            index[gram].add(i)
    shared = Counter()
    for ids in index.values():
        if 1 < len(ids) < 50:
            ids = sorted(ids)
            for a in range(len(ids)):
                for b in range(a + 1, len(ids)):
                    shared[ids[a], ids[b]] += 1
    worst = []
    for (a, b), n in shared.items():
        small = min(len(grams[a]), len(grams[b]))
        if small and n / small > 0.30:
            worst.append((records[a].id, records[b].id, n / small))
    assert not worst, worst[:10]


def test_no_eight_word_sequence_in_more_than_five_entries(records):
    counts = Counter()
    for r in records:
        counts.update(_ngrams(r.text, 8))
    repeated = [(" ".join(g), c) for g, c in counts.items() if c > 5]
    assert not repeated, repeated[:10]


def test_validator_reports_every_problem_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    rows = [
        {"id": "a", "text": "Fine entry.", "labels": [], "spans": []},
        {"id": "a", "text": "Duplicate id.", "labels": [], "spans": []},
        {"id": "b", "text": "Span out of range.", "labels": ["values"], "spans": [{"start": 5, "end": 99, "label": "values"}]},
        {"id": "c", "text": "Leading space span.", "labels": ["values"], "spans": [{"start": 7, "end": 13, "label": "values"}]},
        {"id": "d", "text": "Label missing.", "labels": [], "spans": [{"start": 0, "end": 5, "label": "patterns"}]},
        {"id": "e", "text": "Unknown label.", "labels": ["joy"], "spans": []},
        {"id": "f", "date": "March 3rd", "text": "Bad date.", "labels": [], "spans": []},
    ]
    bad.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n", encoding="utf-8")
    problems = validate(bad)
    text = "\n".join(map(str, problems))
    assert f"{bad}:2 (id 'a'): duplicate id 'a'" in text
    assert f"{bad}:3 (id 'b'):" in text and "outside the text" in text
    assert f"{bad}:4 (id 'c'):" in text and "whitespace" in text
    assert f"{bad}:5 (id 'd'):" in text and "not in the entry's labels" in text
    assert f"{bad}:6 (id 'e'):" in text and "unknown label 'joy'" in text
    assert f"{bad}:7 (id 'f'):" in text and "not an ISO date" in text
    assert f"{bad}:8:" in text and "malformed JSON" in text
    with pytest.raises(CorpusError) as err:
        read_jsonl(bad)
    assert len(err.value.problems) == len(problems)


def test_validator_checks_decoys_types_and_dates_without_crashing(tmp_path):
    text = "I realized I forgot my keys. Every time I rush I lose things."
    span = {"start": 29, "end": 61, "label": "patterns"}
    rows = [
        {"id": "a", "text": text, "labels": [["patterns"]], "spans": []},
        {"id": "b", "text": text, "labels": ["patterns"], "spans": [span], "decoys": "trivial"},
        {"id": "c", "text": text, "labels": ["patterns"], "spans": [span], "decoys": [{"begin": 0, "stop": 27}]},
        {"id": "d", "text": text, "labels": ["patterns"], "spans": [span],
         "decoys": [{"start": 0, "end": 9999, "type": "trivial"}]},
        {"id": "e", "text": text, "labels": ["patterns"], "spans": [span],
         "decoys": [{"start": 30, "end": 40, "type": "trivial"}]},
        {"id": "f", "text": text, "labels": ["patterns"], "spans": [span],
         "decoys": [{"start": 0, "end": 27, "type": "nonsense"}]},
        {"id": "g", "text": text, "date": 20240302, "labels": [], "spans": []},
        {"id": "h", "text": text, "date": "2024-W10-1", "labels": [], "spans": []},
        {"id": "i", "text": text, "labels": ["patterns"], "spans": [dict(span, end=True)]},
        {"id": "j", "text": text, "labels": ["patterns"], "spans": [dict(span, start=40, end=30)]},
        {"id": "k", "text": text, "lables": ["patterns"], "spans": []},
        {"id": "l", "text": text, "labels": ["patterns"], "spans": [span], "notes": "lab metadata is allowed",
         "decoys": [{"start": 0, "end": 27, "type": "trivial"}]},
        {"id": "m", "text": text, "labels": ["patterns"], "spans": [span], "spanz": [],
         "decoys": [{"start": 0, "end": 27, "typ": "trivial"}]},
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\xef\xbb\xbf" + "\n".join(json.dumps(r) for r in rows).encode("utf-8") + b"\n")
    text_of: dict[int, str] = defaultdict(str)
    for p in validate(bad):
        text_of[p.line] += f"{p} | "
    assert "'labels' must be a list of strings" in text_of[1]
    assert "'decoys' must be a list" in text_of[2]
    assert "decoy 0: start/end must be integers" in text_of[3]
    assert "decoy 0: offsets 0-9999 outside the text" in text_of[4]
    assert "decoy 0 (30-40) overlaps span 29-61" in text_of[5]
    assert "decoy 0: unknown type 'nonsense'" in text_of[6]
    assert "not an ISO date" in text_of[7] and "not an ISO date" in text_of[8]
    assert "start/end must be integers" in text_of[9]
    assert "end 30 is not after start 40" in text_of[10]
    assert "unknown field 'lables' (did you mean 'labels'?)" in text_of[11]
    assert 12 not in text_of  # a valid entry after a byte order mark and eleven bad ones
    problems_13 = " | ".join(str(p) for p in validate(bad) if p.line == 13)
    assert "unknown field 'spanz' (did you mean 'spans'?)" in problems_13
    assert "decoy 0: unknown field 'typ' (did you mean 'type'?)" in problems_13
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert [str(p) for p in validate(empty)] == [f"{empty}:0: the file holds no entries"]


def test_validator_flags_missing_gold_fields_and_spans_inside_words(tmp_path):
    text = "Every time I skip lunch I snap at the kids by four o'clock."
    rows = [
        {"id": "gold-elsewhere", "text": text, "gold": ["patterns"]},  # evaluated as "nothing labelled" before
        {"id": "off-by-3", "text": text, "labels": ["patterns"], "spans": [{"start": 0, "end": 55, "label": "patterns"}]},
        {"id": "late-start", "text": text, "labels": ["patterns"], "spans": [{"start": 2, "end": 58, "label": "patterns"}]},
        {"id": "fine", "text": text, "labels": ["patterns"], "spans": [{"start": 0, "end": 58, "label": "patterns"}]},
    ]
    f = tmp_path / "c.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    found = [str(p) for p in validate(f)]
    assert f"{f}:1 (id 'gold-elsewhere'): no 'labels' field (an entry without any has \"labels\": [])" in found
    assert f"{f}:1 (id 'gold-elsewhere'): no 'spans' field (an entry without any has \"spans\": [])" in found
    assert any(p.startswith(f"{f}:2 (id 'off-by-3'): span 0: span ends inside a word") for p in found)
    assert any(p.startswith(f"{f}:3 (id 'late-start'): span 0: span starts inside a word") for p in found)
    assert not any(":4 " in p for p in found)


def test_records_may_be_given_as_mappings_and_are_validated(nlp, corpus_dir):
    import breakthrough_nlp

    rows = [json.loads(line) for line in (corpus_dir / "test.jsonl").read_text(encoding="utf-8").splitlines()[:20]]
    expected = breakthrough_nlp.evaluate(nlp, read_jsonl(corpus_dir / "test.jsonl")[:20])
    assert breakthrough_nlp.evaluate(nlp, rows) == expected
    with pytest.raises(CorpusError, match=rf"<records> item 1 \(id '{rows[1]['id']}'\): unknown label 'joy'"):
        breakthrough_nlp.evaluate(nlp, [rows[0], dict(rows[1], labels=["joy"])])


def test_validate_cli(corpus_dir, capsys):
    from breakthrough_nlp.cli import main

    assert main(["validate", str(corpus_dir)]) == 0
    assert "corpus is valid" in capsys.readouterr().out


def test_second_pass_adjudication_is_applied(corpus_dir, records):
    """Every adjudicated disagreement is in the corpus exactly as decided."""
    import importlib.util

    tool = corpus_dir.parent / "tools" / "apply_adjudication.py"
    spec = importlib.util.spec_from_file_location("apply_adjudication", tool)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    decisions = mod.read_all()
    assert len(decisions) >= 100
    by_id = {r.id: r for r in records}
    for eid, rec in decisions.items():
        r = by_id[eid]
        assert sorted(r.labels) == sorted(rec["labels"]), eid
        got = sorted((s["label"], r.text[s["start"] : s["end"]]) for s in r.spans)
        want = sorted((lab, q.rstrip(".,;:!?… ")) for lab, q in rec["spans"])
        assert got == want, eid


def test_splits_follow_the_pinned_writer_assignment(corpus_dir, splits):
    """Dev and test are frozen by writer (writer_splits.json); new writers only join train."""
    import json

    pinned = json.loads((corpus_dir / "writer_splits.json").read_text(encoding="utf-8"))
    by_split = {s: {r.author for r in rs} for s, rs in splits.items()}
    assert by_split["dev"] == set(pinned["dev"])
    assert by_split["test"] == set(pinned["test"])
    assert set(pinned["train"]) <= by_split["train"]
