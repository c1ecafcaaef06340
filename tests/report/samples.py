"""Reports for the renderer tests: the stand-in article's, and small ones built by hand.

The hand-built report holds what real reports rarely show at once: a citation
with two URLs, one without any, parenthetical and inline citations, a missing
line number, a ``javascript:`` address, a dead streak, and footnote text that
attacks each output format (``<script>``, table pipes, newlines, ``%``, ``:``,
``,``, ``@mentions``, control characters and a lone surrogate).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import attrs

from citecheck.model import (
    ArchivedCopy,
    Check,
    Citation,
    CitationKind,
    CitationResult,
    Claim,
    Document,
    DocumentResult,
    HttpEvidence,
    PageInfo,
    Redirect,
    Report,
    Verdict,
)
from citecheck.report.json_report import report_to_dict

ROOT = Path(__file__).parent.parent.parent
DOCUMENTS = sorted((ROOT / "fixtures" / "documents").glob("*.txt"))
FAIL_ON = (Verdict.DEAD, Verdict.SOFT_404, Verdict.PARKED, Verdict.UNSAFE)
"""The command line's default --fail-on verdicts."""

UTC = datetime.UTC
WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)

HOSTILE = (
    '<script>alert("x")</script> A | B \\| C\nnext line\r\n100% of a:b,c @octocat #12 '
    "$x$ `code` *bold* [link](javascript:alert(1)) &amp; \x1b[31mred\x07 \ud800 end"
)
"""A footnote text that tries to break out of every format."""


def check(
    url: str,
    verdict: Verdict,
    reason: str | None = None,
    *,
    status: int | None = 200,
    redirects: tuple[tuple[str, int], ...] = (),
    final_url: str | None = None,
    http: bool = True,
    dead_checks: int = 0,
    elapsed_ms: int = 120,
) -> Check:
    """A check with plausible evidence."""
    evidence = None
    if http:
        evidence = HttpEvidence(
            status=status,
            final_url=final_url or url,
            redirects=tuple(Redirect(url=hop, status=code) for hop, code in redirects),
            elapsed_ms=elapsed_ms,
            content_type="text/html",
        )
    return Check(
        url=url,
        verdict=verdict,
        reason=reason or f"The check of {url} found it {verdict.value}.",
        http=evidence,
        signals=(f"status:{status}",) if status else ("failure:timeout",),
        fetched_at=WHEN,
        sha256="ab" * 32 if status == 200 else None,
        bytes=2048 if status == 200 else 0,
        from_cache=dead_checks > 1,
        dead_since=WHEN - datetime.timedelta(days=30) if dead_checks else None,
        dead_checks=dead_checks,
    )


def citation(
    label: str,
    urls: tuple[str, ...],
    *,
    text: str | None = None,
    line: int | None = None,
    kind: CitationKind = CitationKind.FOOTNOTE,
    claims: tuple[Claim, ...] = (),
    accessed: datetime.date | None = datetime.date(2023, 4, 14),
) -> Citation:
    """A citation whose text names its URLs."""
    return Citation(
        id=f"fn-{label}" if kind is CitationKind.FOOTNOTE else f"{kind.value}-{label[:3]}",
        label=label,
        kind=kind,
        text=text or f"“Source {label}”, Example Monitor, {', '.join(urls)}.",
        title=f"Source {label}",
        publisher="Example Monitor",
        urls=urls,
        accessed=accessed,
        claims=claims,
        line=line,
    )


def _result(cited: Citation, *checks: Check) -> CitationResult:
    return CitationResult(citation=cited, checks=checks)


def sample_report() -> Report:
    """Two documents covering every verdict and every awkward case."""
    first = [
        _result(
            citation(
                "1",
                ("https://example.org/a",),
                line=20,
                claims=(
                    Claim(
                        text="The minister said “gas will flow”[1].",
                        quote="gas will flow",
                        start=10,
                        end=47,
                        line=3,
                    ),
                ),
            ),
            check(
                "https://example.org/a",
                Verdict.OK,
                "The URL redirects to its canonical address https://example.org/a/.",
                redirects=(("https://example.org/a", 301),),
                final_url="https://example.org/a/",
            ),
        ),
        _result(
            citation("2", ("https://example.org/gone",), line=21),
            check(
                "https://example.org/gone",
                Verdict.DEAD,
                "The server answered 404 Not Found.",
                status=404,
                dead_checks=3,
            ),
        ),
        _result(
            citation("3", ("https://example.org/x|y)z",), text=HOSTILE, line=22),
            check(
                "https://example.org/x|y)z",
                Verdict.SOFT_404,
                'The page\'s title says "Page <b>not</b> found | Site"\nsecond line 50%',
                redirects=(("https://example.org/x|y)z", 302),),
                final_url="https://example.org/",
            ),
        ),
        _result(
            citation("4", ("https://one.example/p", "https://two.example/q"), line=23),
            check("https://one.example/p", Verdict.BLOCKED, status=403),
            check("https://two.example/q", Verdict.DEAD, status=410, dead_checks=1),
        ),
        _result(citation("5", (), text="A. Author, A Printed Book, 1999.", line=24)),
        _result(
            citation(
                "Radio Free Europe/Radio Liberty, November 29",
                ("https://moved.example/old",),
                kind=CitationKind.PARENTHETICAL,
            ),
            check(
                "https://moved.example/old",
                Verdict.MOVED,
                "The URL redirects permanently (301 Moved Permanently) to "
                "https://moved.example/new; update the citation to the new address.",
                redirects=(("https://moved.example/old", 301),),
                final_url="https://moved.example/new",
            ),
        ),
        _result(
            citation("javascript", ("javascript:alert(1)",), kind=CitationKind.INLINE, line=9),
            check(
                "javascript:alert(1)",
                Verdict.UNSAFE,
                "citecheck did not fetch javascript:alert(1): the javascript: scheme is "
                "not allowed, only http and https are.",
                http=False,
                status=None,
            ),
        ),
        _result(
            citation("8", ("https://slow.example/",), line=27),
            check(
                "https://slow.example/",
                Verdict.ERROR,
                "The server slow.example did not answer in time (after 3 attempts).",
                http=False,
                status=None,
            ),
        ),
    ]
    second = [
        _result(
            citation("1", ("https://b.example/ok",), line=5),
            check("https://b.example/ok", Verdict.OK, "The server answered 200 OK."),
        ),
        _result(
            citation("2", ("https://b.example/parked",), line=6),
            check("https://b.example/parked", Verdict.PARKED, "The domain is for sale."),
        ),
        _result(
            citation("3", ("https://b.example/changed",), line=7),
            check("https://b.example/changed", Verdict.DRIFTED, "The quote is gone."),
        ),
    ]
    return Report(
        documents=(
            DocumentResult(
                document=Document(
                    source="docs/article one.md",
                    text="",
                    title="An <em>Article</em>",
                    published=datetime.date(2023, 4, 14),
                    warnings=("a document warning",),
                    citations=tuple(result.citation for result in first),
                ),
                citations=tuple(first),
            ),
            DocumentResult(
                document=Document(
                    source="b.txt",
                    text="",
                    citations=tuple(result.citation for result in second),
                ),
                citations=tuple(second),
            ),
        ),
        generated_at=WHEN,
    )


def expected_counts(report: Report) -> dict[Verdict, int]:
    """Verdict counts computed independently of Report.summary, from the checks."""
    counts = dict.fromkeys(Verdict, 0)
    for document in report.documents:
        for result in document.citations:
            worst = Verdict.NO_URL
            for item in result.checks:
                if item.verdict.severity > worst.severity:
                    worst = item.verdict
            counts[worst] += 1
    return counts


ARCHIVED = "https://web.archive.org/web/20230414093000/https://example.org/gone"

# What the content and archive stages find for some of the sample's URLs.
CONTENT: dict[str, dict[str, Any]] = {
    "https://example.org/gone": {
        "archive": ArchivedCopy(
            url=ARCHIVED, timestamp=datetime.datetime(2023, 4, 14, 9, 30, tzinfo=UTC)
        ),
    },
    "https://example.org/a": {
        "title_match": 0.92,
        "quote_match": 0.97,
        "matched_quote": "gas will <b>flow</b>",
        "page": PageInfo(title="Source 1 | Example", published=datetime.date(2023, 4, 1)),
    },
    "https://b.example/changed": {
        "title_match": 1.0,
        "quote_match": 0.12,
        "drift": 0.64,
        "archive": ArchivedCopy(
            url="https://web.archive.org/web/20230401000000/https://b.example/changed",
            timestamp=datetime.datetime(2023, 4, 1, tzinfo=UTC),
        ),
    },
}


def with_content(report: Report) -> Report:
    """The report with the content-check results of :data:`CONTENT` on its checks."""
    return attrs.evolve(
        report,
        documents=tuple(
            attrs.evolve(
                document,
                citations=tuple(
                    attrs.evolve(
                        result,
                        checks=tuple(
                            attrs.evolve(item, **CONTENT.get(item.url, {}))
                            for item in result.checks
                        ),
                    )
                    for result in document.citations
                ),
            )
            for document in report.documents
        ),
    )


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def content_json(item: Check) -> dict[str, Any]:
    """A check's content fields as docs/report-schema.md says the JSON report carries them."""
    page = item.page
    archive = item.archive
    return {
        "title_match": item.title_match,
        "quote_match": item.quote_match,
        "matched_quote": item.matched_quote,
        "drift": item.drift,
        "page": None
        if page is None
        else {
            "title": page.title,
            "published": page.published.isoformat() if page.published else None,
            "modified": page.modified.isoformat() if page.modified else None,
        },
        "archive": None
        if archive is None
        else {"url": archive.url, "timestamp": _utc(archive.timestamp), "source": archive.source},
    }


def report_json(report: Report) -> dict[str, Any]:
    """``report_to_dict(report)`` through real JSON, with each check's content fields.

    Fields json_report already writes are kept as written, so a test comparing the
    two catches a disagreement between the writer and the documented shape.
    """
    data = report_to_dict(report)
    for document, document_data in zip(report.documents, data["documents"], strict=True):
        for result, result_data in zip(document.citations, document_data["citations"], strict=True):
            for item, item_data in zip(result.checks, result_data["checks"], strict=True):
                for key, value in content_json(item).items():
                    item_data.setdefault(key, value)
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded
