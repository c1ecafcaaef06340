"""Accuracy of find_urls and find_access_date on the AnyStyle reference corpus.

Run from the repository root (no network; always exits 0 once it has run):

    .venv/bin/python benchmarks/accuracy/anystyle.py [--show-errors]

The expected values are in ``fixtures/anystyle/expected.jsonl``: about 1,200
real reference strings from AnyStyle's hand-tagged training data, with the URLs
and access dates a careful reader would take from them (see the README beside
the table for how it was derived; it was *not* produced by running the parser).

Scoring, kept in plain functions so that ``tests/parse/test_anystyle_corpus.py``
can import them by file path:

* URLs: per row, the expected and predicted URLs are compared as multisets after
  trivial normalisation (scheme and host lowercased, nothing else). ``http`` and
  ``https`` differ: a checker that fetches the wrong one may get a different page.
* Access dates: a prediction is right when its date equals the expected one. On a
  row whose numeric date reads either way round (``accessed_ambiguous``), a
  prediction that names the other reading *and* flags itself ambiguous with the
  expected date among its alternatives is also right: it reported the ambiguity
  instead of hiding it. A wrong date counts once as a false positive and once as
  a false negative. Rows with only a partial date (``accessed_partial``, e.g.
  "Consulted: may 2014") are not scored.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "fixtures" / "anystyle" / "expected.jsonl"

Row = dict[str, Any]


class DateLike(Protocol):
    """What the scorer reads from a ``FoundDate``."""

    @property
    def value(self) -> datetime.date: ...

    @property
    def ambiguous(self) -> bool: ...

    @property
    def alternatives(self) -> tuple[datetime.date, ...]: ...


class UrlLike(Protocol):
    """What the scorer reads from a ``FoundUrl``."""

    @property
    def url(self) -> str: ...


def load_table(path: Path = TABLE) -> list[Row]:
    """The expected table, one dict per JSON line."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def normalize_url(url: str) -> str:
    """Lowercase scheme and host; leave everything else exactly as it is."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    # Only the host is case-insensitive; userinfo (rare) is kept as written.
    userinfo, at, hostport = netloc.rpartition("@")
    netloc = f"{userinfo}{at}{hostport.lower()}"
    return urllib.parse.urlunsplit(
        (parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment)
    )


@dataclass
class Counts:
    """True positives, false positives and false negatives, with the usual ratios."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    @property
    def precision(self) -> float:
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = self.tp + self.fn
        return self.tp / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}"
            f"  (tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


def score_urls(expected: Iterable[str], predicted: Iterable[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) of one row's URLs, compared as multisets after normalisation."""
    want = collections.Counter(normalize_url(u) for u in expected)
    got = collections.Counter(normalize_url(u) for u in predicted)
    tp = sum((want & got).values())
    return tp, sum(got.values()) - tp, sum(want.values()) - tp


def score_access(row: Row, found: DateLike | None) -> tuple[int, int, int] | None:
    """(tp, fp, fn) of one row's access date, or None when the row is not scored."""
    if row.get("accessed_partial"):
        return None
    expected = datetime.date.fromisoformat(row["accessed"]) if row["accessed"] else None
    if found is None:
        return (0, 0, 1) if expected else (0, 0, 0)
    if expected is None:
        return (0, 1, 0)
    if found.value == expected:
        return (1, 0, 0)
    if row.get("accessed_ambiguous") and found.ambiguous and expected in found.alternatives:
        return (1, 0, 0)
    return (0, 1, 1)


@dataclass
class Report:
    """Everything the benchmark measured."""

    rows: int = 0
    urls: Counts = field(default_factory=Counts)
    urls_sure: Counts = field(default_factory=Counts)
    urls_by_selection: dict[str, Counts] = field(
        default_factory=lambda: collections.defaultdict(Counts)
    )
    dates: Counts = field(default_factory=Counts)
    dates_labelled: Counts = field(default_factory=Counts)
    dates_skipped: int = 0
    url_errors: list[tuple[Row, list[str]]] = field(default_factory=list)
    date_errors: list[tuple[Row, DateLike | None]] = field(default_factory=list)
    crashes: list[tuple[Row, str]] = field(default_factory=list)
    urls_missing: str | None = None
    dates_missing: str | None = None
    seconds: float = 0.0


def evaluate(
    rows: Sequence[Row],
    find_urls: Callable[[str], Sequence[UrlLike]] | None,
    find_access_date: Callable[[str], DateLike | None] | None,
) -> Report:
    """Run both finders over every row and tally the scores."""
    report = Report(rows=len(rows))
    started = time.perf_counter()
    for row in rows:
        if find_urls is not None and report.urls_missing is None:
            try:
                predicted = [f.url for f in find_urls(row["text"])]
            except NotImplementedError:
                report.urls_missing = "find_urls raises NotImplementedError"
            except Exception as exc:  # a crash is a finding, not a reason to stop
                report.crashes.append((row, f"find_urls: {exc!r}"))
                predicted = []
            if report.urls_missing is None:
                tp, fp, fn = score_urls(row["urls"], predicted)
                report.urls.add(tp, fp, fn)
                report.urls_by_selection[row["selected_as"]].add(tp, fp, fn)
                if not row.get("doubtful"):
                    report.urls_sure.add(tp, fp, fn)
                if fp or fn:
                    report.url_errors.append((row, predicted))
        if find_access_date is not None and report.dates_missing is None:
            found: DateLike | None = None
            try:
                found = find_access_date(row["text"])
            except NotImplementedError:
                report.dates_missing = "find_access_date raises NotImplementedError"
            except Exception as exc:
                report.crashes.append((row, f"find_access_date: {exc!r}"))
            if report.dates_missing is None:
                score = score_access(row, found)
                if score is None:
                    report.dates_skipped += 1
                else:
                    report.dates.add(*score)
                    if not row.get("accessed_unlabeled"):
                        report.dates_labelled.add(*score)
                    if score[1] or score[2]:
                        report.date_errors.append((row, found))
    report.seconds = time.perf_counter() - started
    return report


def _short(text: str, limit: int = 260) -> str:
    return text if len(text) <= limit else "…" + text[-limit:]


def format_report(report: Report, rows: Sequence[Row], show_errors: bool) -> str:
    """The human-readable summary (and, on request, every mismatching row)."""
    n_urls = sum(len(r["urls"]) for r in rows)
    n_url_rows = sum(1 for r in rows if r["urls"])
    n_dates = sum(1 for r in rows if r["accessed"])
    out = [
        f"AnyStyle corpus: {report.rows} rows; {n_url_rows} rows expect {n_urls} URLs; "
        f"{n_dates} rows expect an access date ({report.seconds:.2f} s)",
        "",
    ]
    if report.urls_missing:
        out.append(f"URLs: not measured ({report.urls_missing})")
    else:
        out.append("URLs (exact after lowercasing scheme and host):")
        out.append(f"  all rows            {report.urls.line()}")
        out.append(f"  without doubtful    {report.urls_sure.line()}")
        for name in sorted(report.urls_by_selection):
            out.append(f"  {name:<19} {report.urls_by_selection[name].line()}")
    out.append("")
    if report.dates_missing:
        out.append(f"Access dates: not measured ({report.dates_missing})")
    else:
        out.append(
            f"Access dates (exact date; {report.dates_skipped} partial-date rows not scored):"
        )
        out.append(f"  all rows            {report.dates.line()}")
        out.append(f"  labelled only       {report.dates_labelled.line()}")
    if report.crashes:
        out.append("")
        out.append(f"Crashes: {len(report.crashes)}")
        for row, message in report.crashes[:20]:
            out.append(f"  {row['file']}:{row['index']}  {message}")
    if show_errors:
        out.append("")
        out.append(f"URL mismatches ({len(report.url_errors)} rows):")
        for row, predicted in report.url_errors:
            want = collections.Counter(normalize_url(u) for u in row["urls"])
            got = collections.Counter(normalize_url(u) for u in predicted)
            out.append(f"- {row['file']}:{row['index']}  {_short(row['text'])}")
            for url in (want - got).elements():
                out.append(f"    missing  {url}")
            for url in (got - want).elements():
                out.append(f"    extra    {url}")
            if row.get("note"):
                out.append(f"    note     {row['note']}")
        out.append("")
        out.append(f"Access-date mismatches ({len(report.date_errors)} rows):")
        for row, found in report.date_errors:
            got_text = "none" if found is None else found.value.isoformat()
            if found is not None and found.ambiguous:
                alts = ", ".join(d.isoformat() for d in found.alternatives)
                got_text += f" (ambiguous; alternatives {alts})"
            raw = getattr(found, "raw", None)
            if raw:
                got_text += f" from {raw!r}"
            out.append(f"- {row['file']}:{row['index']}  {_short(row['text'])}")
            out.append(f"    expected {row['accessed']}  got {got_text}")
            if row.get("note"):
                out.append(f"    note     {row['note']}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="print every mismatching row")
    parser.add_argument("--table", type=Path, default=TABLE, help="expected table (JSON Lines)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from citecheck.parse.dates import find_access_date
    from citecheck.parse.urls import find_urls

    rows = load_table(args.table)
    report = evaluate(rows, find_urls, find_access_date)
    print(format_report(report, rows, args.show_errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
