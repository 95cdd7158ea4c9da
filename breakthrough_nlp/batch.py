"""Batch annotation of whole journals: every entry accounted for, resumable.

Entries stream from the readers through one ``nlp.pipe`` call (so
``--n-process`` workers start once) and the results are written in chunks to a
``<output>.partial/`` folder, each chunk atomically (write a temporary file, then
rename). Only when every entry is done is the final CSV/Parquet/JSONL assembled,
again under a temporary name and renamed into place, so the output is never
half-written. ``--resume`` counts the rows already in the chunks, checks that
the inputs still start with the same entries, and carries on after them.
Memory stays flat: nothing holds more than one chunk of results.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .api import RESULT_COLUMNS, arrow_types, iter_annotations, load, writable
from .readers import FORMATS, JOURNAL_SUFFIXES, Entry, ReadOptions, is_output_table, read_entries

if TYPE_CHECKING:
    from .realizations import RealizationMarker

logger = logging.getLogger(__name__)

OUTPUT_KINDS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
BATCH_COLUMNS = ["source", "locator", *RESULT_COLUMNS]
CHUNK_SIZE = 256


def check_output(inputs: Iterable[str | os.PathLike[str]], out: Path, what: str) -> None:
    """Refuse, before any work, an output that cannot be written or would overwrite a journal: a
    missing folder, a folder, one of the inputs, or a journal file inside an input folder (one this
    library did not write, such as an earlier output table)."""
    if not out.parent.exists():
        raise FileNotFoundError(f"output folder {out.parent} does not exist")
    if out.is_dir():
        raise IsADirectoryError(f"output {out} is a folder; name {what}")
    for inp in inputs:
        if Path(inp).is_file() and out.exists() and os.path.samefile(inp, out):
            raise ValueError(f"output {out} is one of the inputs; writing it would overwrite the journal")
        # Inside the folder as written or once links are followed (a linked subfolder is walked too).
        inside = Path(inp).is_dir() and any(
            Path(folder) in Path(file).parents
            for folder, file in ((os.path.abspath(inp), os.path.abspath(out)),
                                 (os.path.realpath(inp), os.path.realpath(out))))
        if inside and out.is_file() and out.suffix.lower() in JOURNAL_SUFFIXES and not is_output_table(out):
            raise ValueError(f"output {out} is a file in the input folder {inp} that this library did not write; "
                             "writing it would overwrite it: choose another output name")


def output_kind(path: Path) -> str:
    try:
        return OUTPUT_KINDS[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"output {path}: use a .csv, .parquet or .jsonl file name") from None


AUTHOR_FROM = ("file", "folder")


def _check_author_from(author_from: str | None) -> None:
    if author_from is not None and author_from not in AUTHOR_FROM:
        raise ValueError(f"--author-from must be one of {', '.join(AUTHOR_FROM)}, got {author_from!r}")


def iter_inputs(inputs: Iterable[str | Path], fmt: str, opts: ReadOptions,
                author_from: str | None = None, exclude: Iterable[str | Path] = ()) -> Iterator[Entry]:
    """Entries of every input in order. ``author_from`` fills a missing (or empty) author with the
    entry's file name (``"file"``, without its extension) or the name of the folder holding the file
    (``"folder"``), for studies that keep one file or one folder per participant. Files in ``exclude``
    (the run's own output, when it is written into an input folder) are not read."""
    _check_author_from(author_from)
    exclude = list(exclude)
    for inp in inputs:
        for entry in read_entries(inp, fmt, opts, exclude=exclude):
            if author_from and entry.author is None and entry.source:
                src = Path(entry.source.split("!", 1)[0]).resolve()  # "export.zip!Journal.json": the zip
                entry.author = src.stem if author_from == "file" else (src.parent.name or None)
            yield entry


def _as_record(entry: Entry) -> dict[str, Any]:
    rec: dict[str, Any] = {"text": entry.text, "id": entry.id, "date": entry.date, "author": entry.author,
                           "source": writable(entry.source), "locator": entry.locator}
    if entry.error:
        rec["_error"] = entry.error
    return rec


class _ChunkStore:
    """Numbered JSONL chunk files in ``<output>.partial/``, each written atomically."""

    def __init__(self, out: Path) -> None:
        self.dir = out.with_name(out.name + ".partial")

    def exists(self) -> bool:
        return self.dir.exists()

    def chunks(self) -> list[Path]:
        return sorted(self.dir.glob("chunk-*.jsonl"))

    def done_rows(self) -> list[tuple[str, str]]:
        keys = []
        for chunk in self.chunks():
            with chunk.open(encoding="utf-8") as fh:
                for line in fh:
                    row = json.loads(line)
                    keys.append((row["source"], row["locator"]))
        return keys

    def write(self, rows: list[dict[str, Any]]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        n = len(self.chunks())
        final = self.dir / f"chunk-{n:07d}.jsonl"
        tmp = self.dir / f".tmp-{n:07d}.jsonl"
        with tmp.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)

    def rows(self) -> Iterator[list[dict[str, Any]]]:
        for chunk in self.chunks():
            with chunk.open(encoding="utf-8") as fh:
                yield [json.loads(line) for line in fh]

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def check_settings(self, settings: dict[str, Any], resume: bool) -> None:
        """Record the run's settings, or on ``--resume`` refuse to mix rows made with other ones."""
        path = self.dir / "settings.json"
        if resume and path.exists():
            before = json.loads(path.read_text(encoding="utf-8"))
            changed = sorted(k for k in set(before) | set(settings) if before.get(k) != settings.get(k))
            if changed:
                raise ValueError(
                    f"--resume: the interrupted run used other settings ({', '.join(changed)}: "
                    + "; ".join(f"{k} was {before.get(k)!r}, now {settings.get(k)!r}" for k in changed)
                    + f"); rerun with the same options, or delete {self.dir} to start over"
                )
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=1, sort_keys=True) + "\n", encoding="utf-8")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(row: dict[str, Any], excel: bool = False) -> dict[str, Any]:
    out = dict(row)
    out["labels"] = ";".join(row["labels"])
    out["realizations"] = json.dumps(row["realizations"], ensure_ascii=False)
    if excel:  # a cell Excel would run as a formula (a journal line "=cmd|..."), quoted with ' as OWASP advises
        for key, value in out.items():
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                out[key] = "'" + value
    return out


def _tmp_path(out: Path) -> Path:
    return out.with_name(f".{out.name}.tmp")


def _assemble(store: _ChunkStore, out: Path, kind: str, columns: list[str], excel: bool = False) -> None:
    """Write the final output from the chunks under a temporary name, then rename it.

    ``excel``: a CSV for Excel: UTF-8 with a byte-order mark (else Excel reads it as cp1252)
    and formula-like cells prefixed with ``'``, so a text no longer indexes its offsets exactly.
    """
    tmp = _tmp_path(out)
    if kind == "jsonl":
        with tmp.open("w", encoding="utf-8") as fh:
            for chunk in store.chunks():
                with chunk.open(encoding="utf-8") as src:
                    shutil.copyfileobj(src, fh)
    elif kind == "csv":
        import csv

        with tmp.open("w", encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for rows in store.rows():
                writer.writerows(_csv_cell(r, excel) for r in rows)
    else:
        _write_parquet(store, tmp, columns)
    os.replace(tmp, out)


def _require_pyarrow() -> None:
    """Fail before annotating anything, not after, when Parquet cannot be written."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ValueError(
            "Parquet output needs pyarrow: pip install 'breakthrough-nlp[parquet]' (or write .csv or .jsonl)"
        ) from None


def _write_parquet(store: _ChunkStore, tmp: Path, columns: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = arrow_types()
    schema = pa.schema([(name, types[name]) for name in columns])
    with pq.ParquetWriter(tmp, schema) as writer:
        for rows in store.rows():
            cols = {name: [r.get(name) for r in rows] for name in schema.names}
            for key in ("id", "date", "author"):
                cols[key] = [None if v is None else str(v) for v in cols[key]]
            writer.write_table(pa.table(cols, schema=schema))


class _Progress:
    """A progress bar on a terminal (entries/s and words/s); silent otherwise."""

    def __init__(self, enabled: bool, initial: int) -> None:
        self.bar = None
        self.words = 0
        self.t0 = time.perf_counter()
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(unit=" entries", initial=initial, file=sys.stderr, dynamic_ncols=True)

    def update(self, row: dict[str, Any]) -> None:
        self.words += row.get("word_count") or 0
        if self.bar is not None:
            self.bar.update(1)
            if self.bar.n % 50 == 0:
                elapsed = max(time.perf_counter() - self.t0, 1e-9)
                self.bar.set_postfix_str(f"{self.words / elapsed:,.0f} words/s", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_annotate(
    inputs: list[str],
    output: str,
    *,
    fmt: str = "auto",
    model: str | None = None,
    span_threshold: float | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    quiet: bool = False,
    resume: bool = False,
    text_column: str = "text",
    id_column: str = "id",
    date_column: str = "date",
    author_column: str = "author",
    dayfirst: bool = False,
    encoding_errors: str = "strict",
    encoding: str = "utf-8",
    trusted: bool = False,
    include_text: bool = False,
    author_from: str | None = None,
    excel: bool = False,
) -> int:
    """Annotate ``inputs`` into ``output``; return 0 when every entry is ok, 1 otherwise.

    ``include_text`` adds each entry's text as read (the string the realization offsets
    index); ``author_from`` fills missing authors from file or folder names (:func:`iter_inputs`).
    """
    out = Path(output)
    kind = output_kind(out)
    if excel and kind != "csv":
        raise ValueError("--excel is for .csv output")
    if kind == "parquet":
        _require_pyarrow()
    _check_author_from(author_from)  # now, not when the first entry is read
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_output(inputs, out, "a .csv, .parquet or .jsonl file")
    opts = ReadOptions(text_column, id_column, date_column, author_column, dayfirst, encoding_errors, encoding)
    store = _ChunkStore(out)
    if store.exists() and not resume:
        raise ValueError(
            f"{store.dir} holds an interrupted run; continue it with --resume, or delete it to start over"
        )
    if n_process < 1:
        raise ValueError("--n-process must be at least 1")
    nlp = load(model, trusted=trusted, span_threshold=span_threshold)
    columns = BATCH_COLUMNS + ["text"] * include_text
    store.check_settings({
        "model": "shipped" if model is None else str(Path(model).resolve()),
        "model_version": nlp.meta.get("version"),
        "span_threshold": cast("RealizationMarker", nlp.get_pipe("breakthrough_realizations")).threshold,
        "format": fmt, "columns": [text_column, id_column, date_column, author_column], "dayfirst": dayfirst,
        "encoding_errors": encoding_errors, "encoding": encoding, "include_text": include_text,
        "author_from": author_from,
    }, resume)
    done = store.done_rows() if resume and store.exists() else []
    prior = [r["status"] == "ok" for rows in store.rows() for r in rows] if done else []
    entries = iter_inputs(inputs, fmt, opts, author_from, exclude=[out, store.dir, _tmp_path(out)])
    for i, key in enumerate(done):
        entry = next(entries, None)
        if entry is None or (entry.source, entry.locator) != key:
            raise ValueError(
                f"--resume: the inputs changed since the interrupted run (entry {i} was {key}); "
                f"delete {store.dir} to start over"
            )
    t0 = time.perf_counter()
    progress = _Progress(enabled=not quiet and sys.stderr.isatty(), initial=len(done))
    records = (_as_record(e) for e in entries)
    ok = failed = 0
    buffer: list[dict[str, Any]] = []
    try:
        keep = ("source", "locator") + ("text",) * include_text
        for row in iter_annotations(records, nlp, batch_size=batch_size, n_process=n_process, keep=keep,
                                    start=len(done)):
            buffer.append({k: row.get(k) for k in columns})
            ok += row["status"] == "ok"
            failed += row["status"] != "ok"
            progress.update(row)
            if len(buffer) >= CHUNK_SIZE:
                store.write(buffer)
                buffer = []
        if buffer:
            store.write(buffer)
            buffer = []
    except KeyboardInterrupt:
        progress.close()
        print(f"interrupted: {len(done) + ok + failed - len(buffer)} entries saved in {store.dir}; "
              "run the same command with --resume to continue", file=sys.stderr)
        raise
    progress.close()
    if not store.exists():
        store.dir.mkdir(parents=True)
    ok += sum(prior)
    failed += len(prior) - sum(prior)
    _assemble(store, out, kind, columns, excel)
    store.remove()
    elapsed = time.perf_counter() - t0
    total = ok + failed
    print(f"{total} entries: {ok} ok, {failed} failed in {elapsed:.1f}s -> {out}", file=sys.stderr)
    return 1 if failed else 0
