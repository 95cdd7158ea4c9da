from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import breakthrough_nlp
from breakthrough_nlp.cli import main
from breakthrough_nlp.report import CSP, build_report, highlight_html

CHROMIUM = os.environ.get("BREAKTHROUGH_CHROMIUM", "/usr/bin/chromium")

ENTRIES = [
    {"id": "m1", "date": "2024-03-01", "author": "marta", "text": "Rain all day. Finished the puzzle & ate <soup>."},
    {"id": "m2", "date": "2024-03-04", "author": "marta",
     "text": "Driving home it landed: every time I say yes to everything I end up burned out and resenting "
             "the people I said yes to."},
    {"id": "m3", "date": "2024-03-09", "author": "marta",
     "text": "I finally admitted to myself that I am angry at my mother, and have been for years.\n\n"
             "Saved the recipe from https://example.org/soup for later."},
    {"id": "j1", "date": "2024-02-11", "author": "jon",
     "text": "What matters to me is the work itself, not the title. I'd rather be honest than impressive."},
    {"id": "j2", "date": None, "author": "jon", "text": "Laundry. Dentist at four."},
]


def _write_journal(path: Path) -> Path:
    lines = [json.dumps(e) for e in ENTRIES]
    lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _text(page: str) -> str:
    """What a reader sees: the markup stripped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _marks(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<mark class="rz [a-z]+"[^>]*>(.*?)</mark>', page, flags=re.S)]


# ------------------------------------------------------------------ highlighting
def test_highlight_offsets_and_escaping():
    text = "a <b>bold</b> & plain.\nI see now: it was me all along."
    spans = [{"start": text.index("I see"), "end": len(text) - 1, "label": "patterns", "score": 0.9},
             {"start": 2, "end": 13, "label": "feelings", "score": 0.4}]
    out = highlight_html(text, spans)
    assert "<b>" not in out and "&lt;b&gt;" in out
    assert _marks(out) == [text[2:13], text[text.index("I see"):len(text) - 1]]
    # Stripping the markup gives the text back, character for character.
    assert _text(out) == text
    assert 'class="rz patterns"' in out and 'title="patterns 0.90"' in out


def test_highlight_overlaps_and_unknown_labels():
    text = "0123456789"
    out = highlight_html(text, [{"start": 0, "end": 6, "label": "values"}, {"start": 4, "end": 9, "label": "x\"><"}])
    assert _marks(out) == ["012345", "678"]
    assert 'class="rz other"' in out  # an unknown label never reaches the markup
    assert _text(out) == text


# ------------------------------------------------------------------ the page
@pytest.fixture(scope="module")
def page(nlp) -> str:
    entries = ENTRIES + [{"text": None, "source": "broken.jsonl", "locator": "line 9", "_error": "malformed JSON"}]
    return build_report(entries, nlp, title="Test <report>")


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert f'content="{CSP}"' in page
    assert "<script" not in page.lower()
    assert "@import" not in page and "url(" not in page
    # Every src/href is inline data or an anchor on the page.
    refs = re.findall(r'\b(?:src|href)="([^"]*)"', page)
    assert refs and all(r.startswith(("data:image/png;base64,", "#")) for r in refs)
    # The only http(s) text is the URL a writer typed, shown as escaped text, never as a link.
    assert re.findall(r"https?://\S+", page) == ["https://example.org/soup"]
    assert not re.search(r"(src|href)=\"https?:", page)


def test_page_contents(page, nlp):
    assert "<title>Test &lt;report&gt;</title>" in page
    assert page.count('src="data:image/png;base64,') == 2  # one timeline picture per writer
    for i, e in enumerate(ENTRIES):
        assert e["text"] in _text(page)
        assert f'id="e-{i}"' in page
    assert "malformed JSON" in page and "line 9" in page
    df = breakthrough_nlp.annotate(ENTRIES, nlp)
    n_hits = int(df["labels"].map(bool).sum())
    assert f"Breakthrough entries ({n_hits})" in page
    table = page.split("<h2>Breakthrough entries")[1].split("<h2>")[0]
    assert table.count("<tr><td>") == n_hits
    # Every realization the model found is highlighted with exactly its text.
    expected = [r["text"] for rs in df["realizations"] for r in rs]
    marks = _marks(page)
    assert sorted(marks) == sorted(expected)


# ------------------------------------------------------------------ command line + Chromium
@pytest.fixture(scope="module")
def cli_report(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("report")
    journal = _write_journal(tmp / "journal.jsonl")
    out = tmp / "report.html"
    markdown = Path(__file__).parent / "fixtures" / "journal.md"
    code = main(["report", str(journal), str(markdown), "-o", str(out), "--title", "CLI report"])
    assert code == 1  # the malformed line is reported, and the run says so
    return out


def test_cli_writes_the_report(cli_report):
    page = cli_report.read_text(encoding="utf-8")
    assert "<title>CLI report</title>" in page
    assert "malformed JSON" in page and "line 3" in page
    assert "Told Sam no for the first time." in page  # from the Markdown journal
    assert not list(cli_report.parent.glob(".*.tmp"))


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium not found at {CHROMIUM}: install Debian's package with "
                    "`apt-get update && apt-get install -y chromium` (.ci/run does this)", pytrace=False)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


def test_report_renders_in_headless_chromium(cli_report, tmp_path):
    from PIL import Image

    url = cli_report.resolve().as_uri()
    shot = tmp_path / "shot.png"
    run = _chromium([f"--screenshot={shot}", "--window-size=1200,2000", url], tmp_path / "profile1")
    assert shot.exists(), f"Chromium wrote no screenshot (exit {run.returncode}): {run.stderr[-2000:]}"
    with Image.open(shot) as im:
        assert im.size == (1200, 2000)
        rgb = im.convert("RGB")
        colors = rgb.getcolors(maxcolors=1_000_000) or []
        non_white = sum(n for n, c in colors if c != (255, 255, 255))
    assert len(colors) > 50, "the screenshot is nearly uniform: the page did not render"
    assert non_white > 0.02 * 1200 * 2000

    dom = _chromium(["--dump-dom", url], tmp_path / "profile2")
    assert dom.returncode == 0, dom.stderr[-2000:]
    text = _text(dom.stdout)
    assert "CLI report" in text and "Breakthrough entries" in text
    for e in ENTRIES:
        assert e["text"] in text
    assert "Told Sam no for the first time." in text
    assert re.search(r'<img alt="timeline of marta" src="data:image/png;base64,', dom.stdout)


def test_report_never_overwrites_a_journal_and_links_entries_without_ids(tmp_path, nlp, capsys):
    from breakthrough_nlp.readers import Entry

    journal = tmp_path / "j.md"
    journal.write_text("## 2024-03-01\nEvery time I say yes to everything I end up burned out.\n", encoding="utf-8")
    before = journal.read_bytes()
    assert main(["report", str(journal), "-o", str(journal)]) == 2
    folder = tmp_path / "diary"
    folder.mkdir()
    (folder / "journal.md").write_bytes(before)
    assert main(["report", str(folder), "-o", str(folder / "journal.md")]) == 2
    assert journal.read_bytes() == before and (folder / "journal.md").read_bytes() == before
    assert "overwrite" in capsys.readouterr().err
    page = build_report([Entry(text="Every time I say yes to everything I end up burned out.", source="x.csv",
                               locator="line 2", id=None, date="2024-03-01")], nlp)
    assert 'href="#' in page and "></a>" not in page


def test_report_takes_the_column_options(tmp_path):
    src = tmp_path / "e.csv"
    src.write_text("id,entry\n1,Every time I say yes to everything I end up burned out.\n", encoding="utf-8")
    assert main(["report", str(src), "-o", str(tmp_path / "e.html"), "--text-column", "entry"]) == 0
