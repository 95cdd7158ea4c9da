"""One self-contained HTML page about a journal: timeline pictures, breakthroughs, every entry highlighted.

The page works offline and asks for nothing from the network: styles are
inline, pictures are base64 PNGs inside the page, there is no script, and a
Content-Security-Policy forbids loading anything else. Journal text appears
only in the page itself, never in logs.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import logging
import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from spacy.language import Language

from .api import annotate, load
from .batch import check_output
from .labels import LABELS, SPAN_LABELS
from .readers import Entry, ReadOptions, read_entries
from .timelines import Timeline, timeline
from .viz import COLORS, TREADING_WATER_COLOR, css_label as _css_label, highlight_html, plot_timeline

logger = logging.getLogger(__name__)

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
EXCERPT_CHARS = 200

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:70rem;margin:1.5rem auto;
padding:0 1rem;color:#222;line-height:1.5}
h1{margin-bottom:.2rem}.sub{color:#666;margin-top:0}
.note{background:#fff8e1;border-left:4px solid #f1c232;padding:.5rem .8rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.chip{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-size:.8rem;margin-right:.2rem}
figure{margin:.5rem 0 1.2rem}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}
article{border-top:1px solid #ddd;padding:.6rem 0}
article h3{font-size:1rem;margin:.2rem 0}.meta{font-size:.85rem;color:#555;margin:.1rem 0 .4rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
mark.rz{border-radius:.2rem;padding:0 .1rem}
mark.rz::before{content:attr(data-label);font-size:.65rem;font-weight:bold;vertical-align:super;margin-right:.2rem}
.legend .chip{font-size:.85rem}
.err{color:#a61c00}
"""


@dataclass(frozen=True)
class ReportResult:
    """What :func:`write_report` wrote."""

    path: Path
    entries: int
    failed: int
    breakthroughs: int

    def summary(self) -> str:
        return (f"{self.path}: {self.entries} entries, {self.breakthroughs} with a breakthrough, "
                f"{self.failed} could not be read")


def _e(value: Any) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _label_css() -> str:
    rules = [f"mark.rz.{label}{{background:{color}55;box-shadow:0 2px 0 {color}}}"
             f".chip.{label}{{background:{color}55}}" for label, color in COLORS.items()]
    return "\n".join(rules) + f"\n.chip.tw{{background:{TREADING_WATER_COLOR}}}"


def _chips(labels: Iterable[str]) -> str:
    return "".join(f'<span class="chip {_css_label(lab)}">{_e(lab)}</span>' for lab in labels)


def _png_data_uri(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _date_str(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _anchor(entry_index: Any) -> str:
    return f"e-{int(entry_index)}"


def _figures_html(tl: Timeline) -> str:
    if tl.entries.empty:
        return "<p>No entry could be annotated, so there is no timeline.</p>"
    try:
        figures = plot_timeline(tl, dpi=100)
    except ImportError as e:
        logger.warning("report without timeline pictures: %s", e)
        return f'<p class="note">The timeline pictures need matplotlib: {_e(e)}</p>'
    if not isinstance(figures, dict):
        figures = {tl.writers[0]: figures}
    parts = []
    for _, s in tl.summary.iterrows():
        writer: Hashable = s["writer"]
        # Two maxima, each over all stretches: the most entries and the most days need not be one stretch.
        longest = f"{s['longest_stretch_entries']} entries"
        if not pd.isna(s["longest_stretch_days"]):
            longest += f"; longest in days: {s['longest_stretch_days']} days"
        first = _date_str(s["first_breakthrough_date"]) or ("none" if s["breakthroughs"] == 0 else "undated")
        caption = (f"<b>{_e(writer)}</b>: {s['entries']} entries, {s['breakthroughs']} with a breakthrough; "
                   f"first breakthrough: {_e(first)}; longest treading-water stretch: {_e(longest)}.")
        parts.append(f'<figure><img alt="timeline of {_e(writer)}" src="{_png_data_uri(figures[writer])}">'
                     f"<figcaption>{caption}</figcaption></figure>")
    return "\n".join(parts)


def _best_realization(realizations: Sequence[Mapping[str, Any]]) -> str:
    if not realizations:
        return ""
    best = max(realizations, key=lambda r: float(r.get("score") or 0.0))
    text = " ".join(str(best.get("text", "")).split())
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS - 1] + "…"
    return f'<span class="chip {_css_label(best.get("label"))}">{_e(best.get("label"))}</span> {_e(text)}'


def _breakthrough_table(tl: Timeline, by_index: pd.DataFrame) -> str:
    hits = tl.entries[tl.entries["breakthrough"]]
    if hits.empty:
        return "<p>No entry was predicted to hold a breakthrough.</p>"
    head = "".join(f"<th>{h}</th>" for h in ("date", "writer", "entry", "labels", *(f"p({lab})" for lab in LABELS),
                                              "strongest realization"))
    rows = []
    for _, e in hits.iterrows():
        row = by_index.loc[e["entry_index"]]
        probs = "".join(f'<td class="num">{e[f"p_{lab}"]:.2f}</td>' for lab in LABELS)
        rows.append(f"<tr><td>{_date_str(e['date'])}</td><td>{_e(e['writer'])}</td>"
                    f'<td><a href="#{_anchor(e["entry_index"])}">{_e(e["id"]) or _e(e["entry_index"])}</a></td>'
                    f"<td>{_chips(e['labels'])}</td>{probs}<td>{_best_realization(row['realizations'])}</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _failed_table(df: pd.DataFrame) -> str:
    failed = df[df["status"] != "ok"]
    if failed.empty:
        return ""
    rows = "".join(f"<tr><td>{_e(r.get('source'))}</td><td>{_e(r.get('locator'))}</td>"
                   f"<td class=\"err\">{_e(str(r['status']).removeprefix('error: '))}</td></tr>"
                   for _, r in failed.iterrows())
    return (f"<h2>Entries that could not be read ({len(failed)})</h2>"
            f"<table><thead><tr><th>source</th><th>where</th><th>error</th></tr></thead><tbody>{rows}</tbody></table>")


def _entries_html(tl: Timeline, by_index: pd.DataFrame) -> str:
    parts = []
    for _, e in tl.entries.iterrows():
        row = by_index.loc[e["entry_index"]]
        heading = " · ".join(x for x in (_date_str(e["date"]) or "undated", _e(e["writer"]), _e(e["id"])) if x)
        probs = ", ".join(f"{lab} {e[f'p_{lab}']:.2f}" for lab in LABELS)
        verdict = _chips(e["labels"]) if e["breakthrough"] else "no breakthrough"
        parts.append(f'<article id="{_anchor(e["entry_index"])}"><h3>{heading}</h3>'
                     f'<p class="meta">{verdict} — {probs}; {row["n_realizations"]} realization(s)</p>'
                     f'<div class="text">{highlight_html(row["text"], row["realizations"])}</div></article>')
    return "\n".join(parts)


def _records(entries: Iterable[Entry | Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for e in entries:
        if isinstance(e, Entry):
            rec: dict[str, Any] = {"text": e.text, "id": e.id, "date": e.date, "author": e.author,
                                   "source": e.source, "locator": e.locator}
            if e.error:
                rec["_error"] = e.error
        else:
            rec = dict(e)
        out.append(rec)
    return out


def build_report(
    entries: Iterable[Entry | Mapping[str, Any]],
    nlp: Language | None = None,
    *,
    title: str = "Breakthrough report",
    sources: Sequence[str] = (),
) -> str:
    """Annotate ``entries`` and return the report page as an HTML string.

    ``entries`` are :class:`~breakthrough_nlp.readers.Entry` objects (from
    :func:`~breakthrough_nlp.readers.read_entries`) or mappings with ``text``
    and optionally ``id``, ``date``, ``author``, ``source``, ``locator``.
    ``nlp`` defaults to the shipped model. Entries that failed to read are
    listed with their error; the rest are grouped by author in date order.
    """
    return _build(entries, nlp, title=title, sources=sources)[0]


def _build(entries: Iterable[Entry | Mapping[str, Any]], nlp: Language | None, *, title: str,
           sources: Sequence[str]) -> tuple[str, int, int, int]:
    """The page, and how many entries, failed entries and breakthrough entries it shows."""
    records = _records(entries)
    df = annotate(records, nlp, include_text=True)
    for key in ("source", "locator"):
        df[key] = [r.get(key) for r in records]
    by_index = df.set_index("entry_index")
    tl = timeline(df)
    n_failed = int((df["status"] != "ok").sum())
    n_hits = int(tl.entries["breakthrough"].sum())
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    src = f" from {_e(', '.join(sources))}" if sources else ""
    legend = "".join(f'<span class="chip {lab}">{lab}</span>' for lab in SPAN_LABELS)
    legend += '<span class="chip tw">treading water (no breakthrough)</span>'
    body = f"""<h1>{_e(title)}</h1>
<p class="sub">{len(df)} entries{src}: {len(df) - n_failed} annotated, {n_hits} with a breakthrough,
{n_failed} could not be read. Made {now} by breakthrough-nlp.</p>
<p class="note">Breakthroughs here are a model's guesses about journal text: a research and self-reflection aid,
not a clinical or diagnostic judgement. Probabilities are calibrated on the project's modern-English journals
and mean less on writing unlike them.</p>
<p class="legend">{legend}</p>
<h2>Timeline</h2>
<p>Per writer: the probability of each kind of breakthrough over time; ★ marks an entry where that kind was
predicted; grey bands are stretches with no breakthrough.</p>
{_figures_html(tl)}
<h2>Breakthrough entries ({n_hits})</h2>
{_breakthrough_table(tl, by_index)}
{_failed_table(df)}
<h2>All entries ({len(tl.entries)})</h2>
<p>Realizations are highlighted by kind.</p>
{_entries_html(tl, by_index)}
"""
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_STYLE}{_label_css()}</style></head>
<body>
{body}</body></html>
"""
    return page, len(df), n_failed, n_hits


def write_report(
    inputs: Sequence[str | os.PathLike],
    output: str | os.PathLike,
    *,
    fmt: str = "auto",
    model: str | os.PathLike | None = None,
    opts: ReadOptions | None = None,
    trusted: bool = False,
    title: str | None = None,
) -> ReportResult:
    """Read journals, annotate them and write the HTML report to ``output``.

    Reads every input with :func:`~breakthrough_nlp.readers.read_entries`
    (``fmt`` as for ``breakthrough-nlp annotate``); ``model`` is a model
    directory (default: the shipped model). The file is written whole or not
    at all.
    """
    out = Path(output)
    check_output(inputs, out, "an .html file")  # before any work, and never over a journal
    opts = opts or ReadOptions()
    entries = [e for inp in inputs for e in read_entries(inp, fmt, opts, exclude=[out])]
    nlp = load(model, trusted=trusted)
    names = [Path(p).name for p in inputs]
    page, n, n_failed, n_hits = _build(entries, nlp, title=title or f"Breakthrough report: {', '.join(names)}",
                                       sources=names)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)  # never leave journal text behind in a stray file
    return ReportResult(out, n, n_failed, n_hits)
