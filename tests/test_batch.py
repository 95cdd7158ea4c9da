import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from breakthrough_nlp.cli import main


def _jsonl(path, n, bad_lines=()):
    lines = []
    for i in range(n):
        if i in bad_lines:
            lines.append('{"text": broken')
        else:
            lines.append(json.dumps({"id": f"e{i}", "author": f"w{i % 3}", "date": "2024-01-01",
                                     "text": f"Entry {i}. Every time I say yes to everything I end up tired."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_annotate_writes_one_row_per_entry(tmp_path, suffix):
    src = _jsonl(tmp_path / "in.jsonl", 12, bad_lines={4})
    out = tmp_path / f"out{suffix}"
    code = main(["annotate", str(src), "-o", str(out), "--quiet"])
    assert code == 1  # one entry failed
    if suffix == ".csv":
        df = pd.read_csv(out)
    elif suffix == ".jsonl":
        df = pd.read_json(out, lines=True)
    else:
        df = pd.read_parquet(out)
    assert len(df) == 12
    assert list(df["entry_index"]) == list(range(12))
    assert (df["status"] == "ok").sum() == 11
    assert "line 5" in df.loc[4, "status"]
    assert df.loc[0, "locator"] == "line 1"
    assert not (tmp_path / f"out{suffix}.partial").exists()


def test_exit_status_zero_when_all_ok_and_summary_line(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", 3)
    assert main(["annotate", str(src), "-o", str(tmp_path / "o.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "3 entries: 3 ok, 0 failed" in err


def test_many_formats_in_one_run(fixtures, tmp_path):
    out = tmp_path / "all.jsonl"
    inputs = [fixtures / "journal.md", fixtures / "daily", fixtures / "jrnl_export.json",
              fixtures / "dayone" / "Journal.json", fixtures / "entries.csv"]
    main(["annotate", *map(str, inputs), "-o", str(out), "--quiet"])
    df = pd.read_json(out, lines=True)
    assert len(df) == 4 + 3 + 3 + 3 + 3
    assert df["source"].str.endswith("journal.md").sum() == 4
    text_by_row = {}
    for _, row in df.iterrows():
        for span in row["realizations"]:
            assert span["end"] > span["start"]
            text_by_row[row["entry_index"]] = span["text"]


def test_unknown_output_extension_is_an_error(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", 1)
    assert main(["annotate", str(src), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert ".csv, .parquet or .jsonl" in capsys.readouterr().err


def test_resume_after_kill_neither_redoes_nor_duplicates(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", 1500)
    out = tmp_path / "out.csv"
    cmd = [sys.executable, "-m", "breakthrough_nlp.cli", "annotate", str(src), "-o", str(out), "--quiet"]
    proc = subprocess.Popen(cmd)
    partial = tmp_path / "out.csv.partial"
    deadline = time.time() + 120
    while time.time() < deadline and not list(partial.glob("chunk-*.jsonl")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    chunks = list(partial.glob("chunk-*.jsonl"))
    assert chunks, "no chunk was written before the kill"
    assert not out.exists(), "no output file is left half-written"
    # Without --resume the leftover state is reported, not silently overwritten.
    assert subprocess.run(cmd, capture_output=True, text=True).returncode == 2
    done_before = sum(1 for c in chunks for _ in c.open())
    res = subprocess.run(cmd + ["--resume"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    df = pd.read_csv(out)
    assert len(df) == 1500
    assert list(df["entry_index"]) == list(range(1500))
    assert df["id"].tolist() == [f"e{i}" for i in range(1500)]
    assert done_before < 1500


def test_resume_refuses_changed_inputs(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", 5)
    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    partial.mkdir()
    (partial / "chunk-0000000.jsonl").write_text(json.dumps({"source": "other.jsonl", "locator": "line 1",
                                                              "status": "ok"}) + "\n")
    assert main(["annotate", str(src), "-o", str(out), "--resume", "--quiet"]) == 2


def test_n_process_two_matches_one(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", 40)
    main(["annotate", str(src), "-o", str(tmp_path / "a.jsonl"), "--quiet"])
    main(["annotate", str(src), "-o", str(tmp_path / "b.jsonl"), "--quiet", "--n-process", "2", "--batch-size", "8"])
    a = pd.read_json(tmp_path / "a.jsonl", lines=True)
    b = pd.read_json(tmp_path / "b.jsonl", lines=True)
    pd.testing.assert_frame_equal(a, b)


def test_span_threshold_marks_fewer_spans_in_every_process(tmp_path, corpus_dir):
    lines = (corpus_dir / "test.jsonl").read_text(encoding="utf-8").splitlines()[:60]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    main(["annotate", str(src), "-o", str(tmp_path / "default.jsonl"), "--quiet"])
    main(["annotate", str(src), "-o", str(tmp_path / "strict.jsonl"), "--quiet", "--span-threshold", "0.8"])
    main(["annotate", str(src), "-o", str(tmp_path / "strict2.jsonl"), "--quiet", "--span-threshold", "0.8",
          "--n-process", "2", "--batch-size", "8"])
    default = pd.read_json(tmp_path / "default.jsonl", lines=True)
    strict = pd.read_json(tmp_path / "strict.jsonl", lines=True)
    assert len(strict) == len(default) == 60
    assert 0 < strict["n_realizations"].sum() < default["n_realizations"].sum()
    pd.testing.assert_frame_equal(strict, pd.read_json(tmp_path / "strict2.jsonl", lines=True))


def test_span_threshold_is_checked(tmp_path, capsys):
    import breakthrough_nlp

    with pytest.raises(ValueError, match="span_threshold must be between 0 and 1"):
        breakthrough_nlp.load(span_threshold=1.5)
    nlp = breakthrough_nlp.load(span_threshold=0.6)
    assert nlp.get_pipe("breakthrough_realizations").threshold == 0.6


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_include_text_and_author_from_folder(tmp_path, suffix):
    import breakthrough_nlp

    for who in ("P01", "P02"):
        (tmp_path / who).mkdir()
        _jsonl(tmp_path / who / "diary.jsonl", 3)
        lines = (tmp_path / who / "diary.jsonl").read_text(encoding="utf-8").splitlines()
        rows = [dict(json.loads(line), author=None) for line in lines]
        (tmp_path / who / "diary.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    assert main(["annotate", str(tmp_path / "P01" / "diary.jsonl"), str(tmp_path / "P02" / "diary.jsonl"),
                 "-o", str(out), "--quiet", "--include-text", "--author-from", "folder"]) == 0
    df = {".csv": pd.read_csv, ".parquet": pd.read_parquet}.get(suffix, lambda p: pd.read_json(p, lines=True))(out)
    assert df["author"].tolist() == ["P01"] * 3 + ["P02"] * 3
    assert df["text"].str.startswith("Entry 0.").sum() == 2
    row = df.iloc[0]
    spans = json.loads(row["realizations"]) if suffix == ".csv" else list(row["realizations"])
    assert spans and all(row["text"][s["start"]:s["end"]] == s["text"] for s in spans)
    html = breakthrough_nlp.render(row)  # the notebooks' highlighting reads the command's table
    assert "Every" in html and "<span" in html


def _stop_after_first_chunk(monkeypatch):
    """Make the run stop as Ctrl-C would, once its first chunk is saved; returns the real writer."""
    import breakthrough_nlp.batch as batch

    real_write = batch._ChunkStore.write

    def write_then_stop(self, rows):
        real_write(self, rows)
        raise KeyboardInterrupt

    monkeypatch.setattr(batch._ChunkStore, "write", write_then_stop)
    return real_write


def test_resume_refuses_other_settings(tmp_path, monkeypatch, capsys):
    import breakthrough_nlp.batch as batch

    src = _jsonl(tmp_path / "in.jsonl", 600)
    out = tmp_path / "out.jsonl"
    real_write = _stop_after_first_chunk(monkeypatch)
    assert main(["annotate", str(src), "-o", str(out), "--quiet", "--span-threshold", "0.3"]) == 130
    monkeypatch.setattr(batch._ChunkStore, "write", real_write)
    capsys.readouterr()
    assert main(["annotate", str(src), "-o", str(out), "--quiet", "--resume"]) == 2
    err = capsys.readouterr().err
    assert "other settings (span_threshold" in err and "was 0.3" in err
    assert main(["annotate", str(src), "-o", str(out), "--quiet", "--resume", "--span-threshold", "0.3"]) == 0
    df = pd.read_json(out, lines=True)
    assert list(df["entry_index"]) == list(range(600))


def test_parquet_without_pyarrow_fails_before_annotating(tmp_path, monkeypatch, capsys):
    import breakthrough_nlp.batch as batch

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setattr(batch, "load", lambda *a, **k: pytest.fail("the model was loaded"))
    src = _jsonl(tmp_path / "in.jsonl", 3)
    assert main(["annotate", str(src), "-o", str(tmp_path / "out.parquet"), "--quiet"]) == 2
    assert "Parquet output needs pyarrow" in capsys.readouterr().err


def test_error_rows_of_a_resumed_run_name_their_own_entry(tmp_path, monkeypatch):
    import breakthrough_nlp.batch as batch

    lines = [json.dumps({"id": f"e{i}", "text": "" if i == 400 else f"Entry {i}."}) for i in range(420)]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    real_write = _stop_after_first_chunk(monkeypatch)
    main(["annotate", str(src), "-o", str(out), "--quiet"])
    monkeypatch.setattr(batch._ChunkStore, "write", real_write)
    assert main(["annotate", str(src), "-o", str(out), "--quiet", "--resume"]) == 1
    df = pd.read_json(out, lines=True)
    assert df.loc[400, "entry_index"] == 400
    assert "entry 400" in df.loc[400, "status"]


def test_a_lone_surrogate_with_include_text_is_an_error_row(tmp_path):
    src = tmp_path / "s.jsonl"
    src.write_text('{"id":"a","text":"ok entry."}\n{"id":"b","text":"half \\ud83d emoji"}\n', encoding="utf-8")
    out = tmp_path / "s.csv"
    assert main(["annotate", str(src), "-o", str(out), "--quiet", "--include-text"]) == 1
    df = pd.read_csv(out)
    assert df["status"].tolist()[0] == "ok" and "lone surrogate" in df.loc[1, "status"]


def test_author_from_folder_when_inputs_are_in_the_current_folder(tmp_path, monkeypatch):
    part = tmp_path / "participant_07"
    part.mkdir()
    _jsonl(part / "entries.jsonl", 2)
    rows = [dict(json.loads(line), author=None) for line in (part / "entries.jsonl").read_text().splitlines()]
    (part / "entries.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n", encoding="utf-8")
    monkeypatch.chdir(part)
    assert main(["annotate", "entries.jsonl", "-o", "out.csv", "--quiet", "--author-from", "folder"]) == 0
    assert pd.read_csv(part / "out.csv")["author"].tolist() == ["participant_07"] * 2


def test_output_inside_an_input_folder_is_never_read_as_input(tmp_path, capsys):
    study = tmp_path / "study"
    (study / "p01").mkdir(parents=True)
    _jsonl(study / "p01" / "diary.jsonl", 3)
    out = study / "annotations.csv"
    # The run's own settings file, chunks and output are not inputs (the first run read its
    # settings.json as a journal; a second run read the first run's table as a participant's diary).
    for _ in range(2):
        assert main(["annotate", str(study), "-o", str(out), "--quiet", "--include-text"]) == 0
        df = pd.read_csv(out)
        assert len(df) == 3 and set(df["source"].map(lambda s: s.rsplit("/", 1)[-1])) == {"diary.jsonl"}
    # An earlier run's table under another name is skipped too, with a warning.
    assert main(["annotate", str(study), "-o", str(study / "again.jsonl"), "--quiet"]) == 0
    assert len(pd.read_json(study / "again.jsonl", lines=True)) == 3
    assert "skipped 1 file written by breakthrough-nlp as output" in capsys.readouterr().err


def test_output_that_is_an_input_or_a_folder_is_refused_before_annotating(tmp_path, capsys):
    src = _jsonl(tmp_path / "diary.jsonl", 2)
    before = src.read_bytes()
    assert main(["annotate", str(src), "-o", str(src), "--quiet"]) == 2
    assert "is one of the inputs" in capsys.readouterr().err
    assert src.read_bytes() == before
    (tmp_path / "out.csv").mkdir()
    assert main(["annotate", str(src), "-o", str(tmp_path / "out.csv"), "--quiet"]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert not (tmp_path / "out.csv.partial").exists()


def test_author_from_folder_fills_empty_author_cells_and_encoding_option(tmp_path):
    for p in ("p01", "p02"):
        (tmp_path / "study" / p).mkdir(parents=True)
        (tmp_path / "study" / p / "diary.csv").write_bytes(
            f"id,date,author,text\n1,2024-03-01,,Caf\u00e9 with {p}.\n".encode("cp1252"))
    out = tmp_path / "o.jsonl"
    code = main(["annotate", str(tmp_path / "study"), "-o", str(out), "--quiet", "--author-from", "folder",
                 "--encoding", "cp1252", "--include-text"])
    assert code == 0
    df = pd.read_json(out, lines=True, dtype=False)
    assert list(df["author"]) == ["p01", "p02"]
    assert list(df["text"]) == ["Caf\u00e9 with p01.", "Caf\u00e9 with p02."]


def test_python_dash_m_runs_the_command():
    out = subprocess.run([sys.executable, "-m", "breakthrough_nlp", "--version"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("breakthrough-nlp ")


def test_excel_csv_has_a_bom_and_no_formulas(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "=1+1", "text": "=HYPERLINK(\"http://x\") caf\u00e9 day."}) + "\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    assert main(["annotate", str(src), "-o", str(out), "--quiet", "--include-text", "--excel"]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert df.loc[0, "id"] == "'=1+1" and df.loc[0, "text"] == "'=HYPERLINK(\"http://x\") caf\u00e9 day."
    assert main(["annotate", str(src), "-o", str(tmp_path / "o.jsonl"), "--quiet", "--excel"]) == 2


def test_a_journal_in_the_input_folder_is_never_overwritten_by_the_output(tmp_path, capsys):
    study = tmp_path / "study"
    study.mkdir()
    notes = study / "notes.csv"
    notes.write_text("id,text\n1,A real journal kept as CSV.\n", encoding="utf-8")
    before = notes.read_bytes()
    assert main(["annotate", str(study), "-o", str(notes), "--quiet"]) == 2
    assert "did not write" in capsys.readouterr().err and notes.read_bytes() == before
    assert main(["annotate", str(study), "-o", str(tmp_path / "o.csv"), "--quiet", "--format", "csvv"]) == 2
    assert "unknown format 'csvv'" in capsys.readouterr().err
    assert not (tmp_path / "o.csv.partial").exists()


def test_a_journal_reached_through_a_linked_folder_is_not_overwritten_and_parquet_reruns_work(tmp_path, capsys):
    real = tmp_path / "real"
    real.mkdir()
    notes = real / "notes.csv"
    notes.write_text("id,text\n1,A real journal.\n", encoding="utf-8")
    study = tmp_path / "study"
    study.mkdir()
    (study / "sub").symlink_to(real, target_is_directory=True)
    _jsonl(study / "a.jsonl", 2)
    assert main(["annotate", str(study), "-o", str(study / "sub" / "notes.csv"), "--quiet"]) == 2
    assert notes.read_text(encoding="utf-8") == "id,text\n1,A real journal.\n"
    capsys.readouterr()
    pytest.importorskip("pyarrow")
    for _ in range(2):  # an earlier .pq output in the input folder may be replaced
        assert main(["annotate", str(study), "-o", str(study / "out.pq"), "--quiet"]) == 0
