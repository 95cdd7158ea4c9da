"""The ``breakthrough-nlp`` command: a thin layer over the library functions."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import warnings
from pathlib import Path

from . import __version__


def _cmd_annotate(args: argparse.Namespace) -> int:
    from .batch import run_annotate

    return run_annotate(
        inputs=args.inputs,
        output=args.output,
        fmt=args.format,
        model=args.model,
        span_threshold=args.span_threshold,
        n_process=args.n_process,
        batch_size=args.batch_size,
        quiet=args.quiet,
        resume=args.resume,
        text_column=args.text_column,
        id_column=args.id_column,
        date_column=args.date_column,
        author_column=args.author_column,
        dayfirst=args.dayfirst,
        encoding_errors=args.encoding_errors,
        encoding=args.encoding,
        trusted=args.trusted,
        include_text=args.include_text,
        author_from=args.author_from,
        excel=args.excel,
    )


def _cmd_train(args: argparse.Namespace) -> int:
    from .training import TrainConfig, train

    t0 = time.perf_counter()
    cfg = TrainConfig.from_json(args.config, seed=args.seed) if args.config else TrainConfig(seed=args.seed)
    nlp = train(args.corpus_dir, cfg)
    out = Path(args.output)
    nlp.to_disk(out)
    info = nlp.meta.get("training", {})
    print(f"trained on {info.get('train_entries')} entries in {time.perf_counter() - t0:.1f}s; saved to {out}")
    print(f"dev: span overlap-F1 {info.get('dev_span_overlap_f1_at_threshold')}, "
          f"label F1 {info.get('dev_label_f1_at_threshold')}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .api import load
    from .corpus import read_jsonl
    from .evaluation import evaluate, format_table

    nlp = load(args.model, trusted=args.trusted, span_threshold=args.span_threshold)
    records = read_jsonl(args.corpus)
    result = evaluate(nlp, records)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(format_table(result))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .corpus import validate

    problems = validate(args.paths)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print("corpus is valid")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .readers import ReadOptions
    from .report import write_report

    opts = ReadOptions(args.text_column, args.id_column, args.date_column, args.author_column,
                       dayfirst=args.dayfirst, encoding_errors=args.encoding_errors, encoding=args.encoding)
    result = write_report(args.inputs, args.output, fmt=args.format, model=args.model, opts=opts,
                          trusted=args.trusted, title=args.title)
    print(result.summary())
    return 1 if result.failed else 0


def _add_journal_options(p: argparse.ArgumentParser, *, output_help: str) -> None:
    """Inputs, output, format, model and decoding options shared by `annotate` and `report`."""
    p.add_argument("inputs", nargs="+", help="journal files or folders")
    p.add_argument("-o", "--output", required=True, help=output_help)
    p.add_argument("--format", default="auto",
                   help="input format: auto, jsonl, csv, tsv, text, folder (daily notes), directory (every file by "
                        "its own format; what auto picks for a folder), jrnl, dayone (default: auto)")
    p.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    p.add_argument("--dayfirst", action="store_true", help="read 3/4/24 as 3 April (default: 4 March)")
    p.add_argument("--encoding", default="utf-8",
                   help="encoding of files without a byte-order mark, e.g. cp1252 for Excel on Windows "
                        "(default: utf-8; a BOM decides UTF-8/16/32 itself)")
    p.add_argument("--encoding-errors", choices=["strict", "replace"], default="strict",
                   help="bytes not in the encoding: an error row for the entry holding them (strict) or "
                        "U+FFFD with a warning (replace)")
    p.add_argument("--trusted", action="store_true", help="allow model files outside the safe allow-list")
    p.add_argument("--text-column", default="text",
                   help="CSV column / JSON field of the entry text; several names are tried in order "
                        "(text,entry,body); case and surrounding spaces are ignored (default: text)")
    p.add_argument("--id-column", default="id", help="column of the entry id (default: id)")
    p.add_argument("--date-column", default="date", help="column of the entry date (default: date)")
    p.add_argument("--author-column", default="author", help="column of the writer (default: author)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="breakthrough-nlp",
        description="Find breakthrough moments (feelings, patterns, values) in journal text.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details (never journal text)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("annotate", help="annotate journals into a CSV, Parquet or JSONL table")
    _add_journal_options(p, output_help="output file; .csv, .parquet or .jsonl")
    p.add_argument("--span-threshold", type=float, default=None,
                   help="sentence threshold for realization spans instead of the model's tuned one; "
                        "0.6 marks far fewer false alarms on long or real diaries (see the model card)")
    p.add_argument("--n-process", type=int, default=1, help="worker processes (default: 1)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run into the same output")
    p.add_argument("--author-from", choices=["file", "folder"], default=None,
                   help="fill a missing author with the entry's file name or its folder's name "
                        "(one file or one folder per participant)")
    p.add_argument("--excel", action="store_true",
                   help="a .csv for Excel: with a byte-order mark, and cells that would run as formulas "
                        "(=, +, -, @) prefixed with '")
    p.add_argument("--include-text", action="store_true",
                   help="add a text column: each entry's text as read, which the realization offsets index")
    p.set_defaults(func=_cmd_annotate)

    p = sub.add_parser("train", help="train a pipeline from a corpus directory")
    p.add_argument("corpus_dir", help="directory with train.jsonl and dev.jsonl")
    p.add_argument("-o", "--output", required=True, help="where to save the trained pipeline")
    p.add_argument("--seed", type=int, default=0,
                   help="random_state for every estimator (training is deterministic; with the default "
                        "settings no estimator draws random numbers, so the seed changes nothing)")
    p.add_argument("--config", default=None,
                   help='TrainConfig overrides as JSON, e.g. \'{"entry_context": false, "unit_C": 8}\'')
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="score a model on a labelled JSONL file")
    p.add_argument("model", help="model directory")
    p.add_argument("corpus", help="labelled JSONL file (the guide's format)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--trusted", action="store_true", help="allow model files outside the safe allow-list")
    p.add_argument("--span-threshold", type=float, default=None,
                   help="evaluate spans at this sentence threshold instead of the model's tuned one")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("validate", help="check a corpus against the annotation guide's format")
    p.add_argument("paths", nargs="+", help="corpus files or directories")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("report", help="write one self-contained, offline HTML page about journals")
    _add_journal_options(p, output_help="the HTML file to write")
    p.add_argument("--title", default=None, help="page title (default: names the inputs)")
    p.set_defaults(func=_cmd_report)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Warnings as one line for people at a terminal, without the source line that raised them."""
    print(f"breakthrough-nlp: warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (OSError, ValueError) as e:
        print(f"breakthrough-nlp {args.command}: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
