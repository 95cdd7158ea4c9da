"""The public entry points: ``load``, ``annotate`` and ``annotate_frame``."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import pandas as pd
import spacy
from spacy.language import Language

from . import model_io
from .labels import LABELS, SPANS_KEY
from .tokenizer import is_blank

DEFAULT_MODEL = "journal_breakthroughs"
"""Name of the pipeline shipped in ``models/`` (installed as ``breakthrough_nlp.models``)."""


RESULT_COLUMNS = [
    "entry_index", "id", "date", "author", "word_count",
    *(f"p_{label}" for label in LABELS),
    "labels", "realizations", "n_realizations", "status",
]


def default_model_path() -> Path:
    """Where the shipped model lives: in the installed package, or in ``models/`` of a checkout
    that is imported without being installed."""
    try:
        resource = files("breakthrough_nlp.models").joinpath(DEFAULT_MODEL)
    except ModuleNotFoundError:
        checkout = Path(__file__).resolve().parents[1] / "models" / DEFAULT_MODEL
        if (checkout / "config.cfg").exists():
            return checkout
        raise OSError(f"The shipped model '{DEFAULT_MODEL}' is not installed: install breakthrough-nlp "
                      "(pip install .), or pass a model folder to load().") from None
    with as_file(resource) as path:
        if not (Path(path) / "config.cfg").exists():
            raise OSError(
                f"The shipped model '{DEFAULT_MODEL}' is missing from the installation ({path}). "
                "Reinstall breakthrough-nlp, or train one with `breakthrough-nlp train` and pass its path to load()."
            )
        return Path(path)


def load(path: str | os.PathLike | None = None, *, trusted: bool = False, span_threshold: float | None = None,
         **kwargs: Any) -> Language:
    """Load a breakthrough pipeline: the shipped model, or the one at ``path``.

    ``trusted=True`` allows model files that were changed after saving or that
    need types outside the package's allow-list; only use it for files whose
    author you trust. ``span_threshold`` replaces the sentence threshold the
    realization marker was tuned with: it was tuned on a corpus dense with
    insights, and on long or real diaries, where they are rare, a higher one
    (0.6) marks far fewer false alarms. Entry labels change with it, since the
    categorizer reads the marked spans as evidence (see the model card). Other
    keyword arguments go to ``spacy.load``.
    """
    if span_threshold is not None and not 0.0 < float(span_threshold) < 1.0:
        raise ValueError(f"span_threshold must be between 0 and 1 (exclusive), got {span_threshold!r}")
    if not isinstance(trusted, bool):
        raise TypeError(f"trusted must be True or False, got {trusted!r}")
    if path is None or (str(path) == DEFAULT_MODEL and not Path(path).exists()):
        target = default_model_path()
    else:
        target = Path(path)
    if not target.exists():
        raise FileNotFoundError(f"No spaCy pipeline at {target}: no such file or directory.")
    if not (target / "config.cfg").exists():
        raise FileNotFoundError(f"No spaCy pipeline at {target} (config.cfg not found).")
    overrides = dict(kwargs.pop("config", {}) or {})
    if span_threshold is not None:
        overrides["components.breakthrough_realizations.threshold"] = float(span_threshold)
    with model_io.trusting(trusted):  # trust is the caller's to give, never the model folder's
        return spacy.load(target, config=overrides, **kwargs)


_DEFAULT_NLP: Language | None = None


def _default_nlp() -> Language:
    global _DEFAULT_NLP
    if _DEFAULT_NLP is None:
        _DEFAULT_NLP = load()
    return _DEFAULT_NLP


def _pieces(text: str, max_length: int) -> list[tuple[int, str]]:
    """Split an over-long text at paragraph, line or word breaks into pieces < max_length."""
    out: list[tuple[int, str]] = []
    start = 0
    n = len(text)
    while n - start > max_length:
        window = text[start:start + max_length]
        # The last paragraph break in the window's second half, else line break, sentence end, space.
        cuts = ((window.rfind(sep), len(sep)) for sep in ("\n\n", "\n", ". ", " "))
        cut = next((at + width for at, width in cuts if at > max_length // 2), max_length)
        out.append((start, text[start:start + cut]))
        start += cut
    out.append((start, text[start:]))
    return out


def _normalize_entry(item: Any, index: int) -> dict[str, Any]:
    if isinstance(item, str):
        return {"text": item}
    if isinstance(item, Mapping):
        return dict(item)
    raise TypeError(
        f"entry {index}: expected a string or a mapping with a 'text' key, got {type(item).__name__}"
    )


def _entries_from(entries: Any) -> Iterable[Any]:
    if isinstance(entries, pd.DataFrame):
        return (row for row in entries.to_dict(orient="records"))
    if isinstance(entries, (str, bytes)):
        raise TypeError("annotate() takes a collection of entries; wrap a single text in a list")
    if isinstance(entries, Mapping):
        raise TypeError("annotate() takes a collection of entries; wrap a single entry (a mapping) in a list")
    if not isinstance(entries, Iterable):
        raise TypeError(f"annotate() takes a collection of entries (strings, mappings or a DataFrame), "
                        f"got {type(entries).__name__}")
    return entries


def _unencodable(text: str) -> int | None:
    """Position of the first character UTF-8 cannot encode (a lone surrogate), or None."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return e.start
    return None


def _check_args(nlp: Any, batch_size: int, n_process: int) -> None:
    if nlp is not None and not isinstance(nlp, Language):
        raise TypeError(f"nlp must be a loaded pipeline (breakthrough_nlp.load()), got {type(nlp).__name__}; "
                        "to use a model directory, pass breakthrough_nlp.load(path)")
    for name, value in (("batch_size", batch_size), ("n_process", n_process)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def writable(value: Any) -> Any:
    """``value``, with any lone surrogate (half an emoji, cut in two) written as its escape ``\\ud83d``.

    UTF-8 cannot encode a lone surrogate, so one in an id, author or kept text would
    stop every writer downstream (pyarrow-backed DataFrames, CSV, JSON Lines); the
    entry's own status already says when its text has one.
    """
    if isinstance(value, str) and _unencodable(value) is not None:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _result_row(entry: Mapping[str, Any], index: int, cats: dict[str, float], labels: tuple[str, ...],
                spans: list[dict[str, Any]], status: str, text: str | None,
                keep: tuple[str, ...] = ()) -> dict[str, Any]:
    row = {key: writable(entry.get(key)) for key in keep}
    row.update({
        "entry_index": index,
        "id": writable(entry.get("id")),
        "date": writable(entry.get("date")),
        "author": writable(entry.get("author")),
        "word_count": len(text.split()) if isinstance(text, str) else 0,
    })
    for label in LABELS:
        row[f"p_{label}"] = cats.get(label) if status == "ok" else None
    row["labels"] = list(labels)
    row["realizations"] = spans
    row["n_realizations"] = len(spans)
    row["status"] = status
    return row


def iter_annotations(
    entries: Any,
    nlp: Language | None = None,
    *,
    text_key: str = "text",
    batch_size: int = 64,
    n_process: int = 1,
    keep: tuple[str, ...] = (),
    start: int = 0,
) -> Iterator[dict[str, Any]]:
    """Annotate entries lazily, one result dict per entry, in input order.

    Never drops an entry: one that cannot be annotated (missing or non-string
    text, empty text) yields a row whose ``status`` says why. With
    ``n_process > 1`` batches of entries go to worker processes that send back
    result rows, not ``Doc`` objects; the rows are identical to one process.
    ``start`` is the ``entry_index`` of the first entry (for a resumed run).
    """
    _check_args(nlp, batch_size, n_process)
    nlp = nlp or _default_nlp()
    _check_running(nlp)  # refuse an incomplete pipeline now, not in a worker
    if n_process > 1:
        return _iter_parallel(entries, nlp, text_key=text_key, batch_size=batch_size, n_process=n_process,
                              keep=keep, start=start)
    return _iter_serial(entries, nlp, text_key=text_key, batch_size=batch_size, keep=keep, start=start)


PIPELINE = ("breakthrough_sentencizer", "breakthrough_realizations", "breakthrough_categorizer")


def _check_running(nlp: Language) -> None:
    """Refuse a pipeline that is missing a component (or has one disabled): its rows would show
    probabilities of 0, no spans or spans from unsegmented text as if they were results."""
    missing = [name for name in PIPELINE if name not in nlp.pipe_names]
    if missing:
        raise ValueError(f"annotate needs the whole breakthrough pipeline; not running: {', '.join(missing)} "
                         "(enable it, or call nlp() on texts yourself)")


def _iter_serial(entries: Any, nlp: Language, *, text_key: str, batch_size: int, keep: tuple[str, ...],
                 start: int = 0) -> Iterator[dict[str, Any]]:
    """One process; entry indices count from ``start``."""
    max_len = nlp.max_length

    def jobs() -> Iterator[tuple[str, tuple[int, int, int]]]:
        for index, item in enumerate(_entries_from(entries), start):
            pending.append(item)
            text = item.get(text_key) if isinstance(item, Mapping) else item
            if (not isinstance(text, str) or is_blank(text) or _unencodable(text) is not None
                    or (isinstance(item, Mapping) and item.get("_error"))):
                continue
            pieces = _pieces(text, max_len) if len(text) >= max_len else [(0, text)]
            for k, (offset, piece) in enumerate(pieces):
                yield piece, (index, offset, len(pieces) - 1 - k)

    pending: deque[Any] = deque()
    next_index = start
    acc: dict[str, Any] = {}

    def flush_until(limit: int) -> Iterator[dict[str, Any]]:
        nonlocal next_index
        while next_index < limit:
            item = pending.popleft()
            yield _row_for_invalid(item, next_index, text_key, keep)
            next_index += 1

    for doc, (index, offset, remaining) in nlp.pipe(jobs(), as_tuples=True, batch_size=batch_size):
        yield from flush_until(index)
        if not acc:
            acc = {"cats": {label: 0.0 for label in LABELS}, "labels": set(), "spans": []}
        for label in LABELS:
            acc["cats"][label] = max(acc["cats"][label], doc.cats.get(label, 0.0))
        acc["labels"].update(doc._.breakthroughs)
        group = doc.spans.get(SPANS_KEY, [])
        scores = group.attrs.get("scores", []) if len(group) else []
        item = pending[0]
        original: str = item[text_key] if isinstance(item, Mapping) else item
        for span, score in zip(group, scores):
            start, end = span.start_char + offset, span.end_char + offset
            acc["spans"].append({"start": start, "end": end, "label": span.label_, "score": round(float(score), 4),
                                 "text": original[start:end]})
        if remaining == 0:
            pending.popleft()
            entry = _normalize_entry(item, index)
            labels = tuple(label for label in LABELS if label in acc["labels"])
            yield _result_row(entry, index, acc["cats"], labels, acc["spans"], "ok", original, keep)
            next_index = index + 1
            acc = {}
    # Drain any invalid entries after the last valid one.
    while pending:
        yield _row_for_invalid(pending.popleft(), next_index, text_key, keep)
        next_index += 1


_WORKER_NLP: Language | None = None


def _init_worker(nlp: Language | None) -> None:
    global _WORKER_NLP
    if nlp is not None:  # spawn: the pipeline arrives pickled; fork: it is inherited
        _WORKER_NLP = nlp


def _work(batch: list[Any], start: int, text_key: str, batch_size: int, keep: tuple[str, ...]) -> list[dict[str, Any]]:
    assert _WORKER_NLP is not None, "worker not initialised"
    return list(_iter_serial(batch, _WORKER_NLP, text_key=text_key, batch_size=batch_size, keep=keep, start=start))


def _iter_parallel(entries: Any, nlp: Language, *, text_key: str, batch_size: int, n_process: int,
                   keep: tuple[str, ...], start: int = 0) -> Iterator[dict[str, Any]]:
    """Fan batches out to ``n_process`` workers, at most two batches per worker in flight."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER_NLP
    # The platform's (or the user's) start method: fork on Linux up to Python 3.13, spawn on macOS,
    # where forking after NumPy's libraries are loaded is unsafe, and on Windows.
    ctx = mp.get_context()
    initargs: tuple[Language | None]
    if ctx.get_start_method() == "fork":
        _WORKER_NLP, initargs = nlp, (None,)
    else:
        initargs = (nlp,)

    def batches() -> Iterator[list[Any]]:
        batch: list[Any] = []
        for item in _entries_from(entries):
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    with ProcessPoolExecutor(max_workers=n_process, mp_context=ctx, initializer=_init_worker,
                             initargs=initargs) as pool:
        in_flight: deque = deque()
        for batch in batches():
            in_flight.append(pool.submit(_work, batch, start, text_key, batch_size, keep))
            start += len(batch)
            if len(in_flight) >= 2 * n_process:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def _row_for_invalid(item: Any, index: int, text_key: str, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    try:
        entry = _normalize_entry(item, index)
    except TypeError as e:
        return _result_row({}, index, {}, (), [], f"error: {e}", None)
    text = entry.get(text_key)
    if entry.get("_error"):
        status = f"error: {entry['_error']}"
    elif text_key not in entry:
        status = f"error: entry {index} has no '{text_key}' field"
    elif text is None or text is pd.NA or text is pd.NaT or (isinstance(text, float) and text != text):
        status = f"error: entry {index}: '{text_key}' is empty (None or NaN)"
    elif not isinstance(text, str):
        status = f"error: entry {index}: '{text_key}' is {type(text).__name__}, not a string"
    elif (pos := _unencodable(text)) is not None:
        status = (f"error: entry {index}: character {pos} is a lone surrogate (U+{ord(text[pos]):04X}), "
                  "not valid Unicode text (half of a character cut in two, or bytes that could not be decoded)")
    else:
        status = f"error: entry {index}: empty text"
    return _result_row(entry, index, {}, (), [], status, text if isinstance(text, str) else None, keep)


def annotate(
    entries: Any,
    nlp: Language | None = None,
    *,
    text_key: str = "text",
    batch_size: int = 64,
    n_process: int = 1,
    include_text: bool = False,
) -> pd.DataFrame:
    """Annotate entries into a DataFrame with one row per entry, in input order.

    ``entries`` may be strings, mappings with ``text`` (and optionally ``id``,
    ``date``, ``author``), or a DataFrame with those columns. Columns: the
    entry's position, id, date, author, word count, ``p_feelings``,
    ``p_patterns``, ``p_values``, the predicted ``labels``, the
    ``realizations`` (dicts with start, end, label, score, text; offsets index
    the original text) and a ``status`` (``ok`` or the error). With
    ``include_text=True`` a ``text`` column holds each entry's text (for
    timelines, reports and highlighting).
    """
    keep = (text_key,) if include_text else ()
    rows = list(iter_annotations(entries, nlp, text_key=text_key, batch_size=batch_size, n_process=n_process,
                                 keep=keep))
    df = pd.DataFrame(rows, columns=RESULT_COLUMNS + list(keep))
    return df.rename(columns={text_key: "text"}) if include_text else df


def annotate_frame(df: pd.DataFrame, *, text_column: str = "text",
                   model: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """pandas in, pandas out: ``df`` with the annotation columns appended.

    Made to run unchanged as a partition function, e.g. Dask's
    ``ddf.map_partitions(annotate_frame)`` or Spark's ``mapInPandas``; each
    worker process loads the model once (``model`` is a path, default the
    shipped one). The index of ``df`` is kept; a row that cannot be annotated
    gets a ``status`` naming its position within ``df`` (within the partition,
    under Dask or Spark).
    """
    if text_column not in df.columns:
        raise KeyError(f"annotate_frame: no column {text_column!r} in the frame (columns: {list(df.columns)})")
    clash = [c for c in FRAME_COLUMNS if c in df.columns]
    if clash:  # duplicate column names break to_parquet and every later lookup
        raise ValueError(f"annotate_frame: the frame already has column(s) {clash}, which it would add; "
                         "rename or drop them first")
    nlp = _default_nlp() if model is None else _cached_load(os.fspath(model))
    records = [{"text": t} for t in df[text_column].tolist()]
    result = pd.DataFrame(list(iter_annotations(records, nlp)), columns=RESULT_COLUMNS, index=df.index)
    result = result[FRAME_COLUMNS]
    probabilities = [f"p_{label}" for label in LABELS]
    result[probabilities] = result[probabilities].astype("float64")  # failed rows: NaN, not object None
    return pd.concat([df, result], axis=1)


FRAME_COLUMNS = [c for c in RESULT_COLUMNS if c not in ("entry_index", "id", "date", "author")]
"""The columns :func:`annotate_frame` appends."""


def arrow_schema(sample: pd.DataFrame) -> Any:
    """A pyarrow schema for a frame from :func:`annotate_frame`: the annotation columns typed (lists
    of labels, lists of span structs, float probabilities), the others inferred from ``sample``, a
    non-empty frame with the same columns. Parquet writers cannot infer the span lists from Dask's
    empty ``meta``: ``annotated.to_parquet(path, schema=arrow_schema(annotate_frame(ddf.head(1))))``."""
    import pyarrow as pa

    ours = {c: t for c, t in arrow_types().items() if c in FRAME_COLUMNS}
    others = pa.Schema.from_pandas(sample[[c for c in sample.columns if c not in ours]], preserve_index=False)
    return pa.schema([pa.field(c, ours[c]) if c in ours else others.field(c) for c in sample.columns])


def arrow_types() -> dict[str, Any]:
    """The pyarrow type of every column an annotation row can have (``annotate``, ``annotate_frame``
    and the CLI's table: ``source``, ``locator`` and ``text`` included), defined once for every writer."""
    import pyarrow as pa

    span = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()),
                      ("score", pa.float64()), ("text", pa.string())])
    return {"source": pa.string(), "locator": pa.string(), "entry_index": pa.int64(), "id": pa.string(),
            "date": pa.string(), "author": pa.string(), "word_count": pa.int64(),
            **{f"p_{label}": pa.float64() for label in LABELS},
            "labels": pa.list_(pa.string()), "realizations": pa.list_(span), "n_realizations": pa.int64(),
            "status": pa.string(), "text": pa.string()}


_LOADED: dict[str, Language] = {}


def _cached_load(path: str) -> Language:
    if path not in _LOADED:
        _LOADED[path] = load(path)
    return _LOADED[path]
