"""Render documents and reports as plain text for a person at a terminal.

A verify report read on its own (a CI log, an e-mail) must say which source is
which and what to do: each citation's label, cited title and access date, its
verdict, and per URL the reason, the replacement link and the next step,
worst first.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from citecheck.model import (
    Check,
    Citation,
    CitationKind,
    Document,
    PageSupport,
    Report,
    SnapshotEvidence,
    Verdict,
)
from citecheck.report.advice import next_step, repeats, replacement
from citecheck.wording import plural


def _citation_lines(citation: Citation) -> list[str]:
    head = f"  [{citation.kind.value} {citation.label}]"
    if citation.line is not None:
        head += f" line {citation.line}"
    lines = [head]
    fields = (
        ("authors", "; ".join(citation.authors) or None),
        ("title", citation.title),
        ("publisher", citation.publisher),
        ("date", citation.date.isoformat() if citation.date else None),
        ("accessed", citation.accessed.isoformat() if citation.accessed else None),
        ("ibid of", citation.ibid_of),
        ("doi", citation.doi),
    )
    lines.extend(f"    {name}: {value}" for name, value in fields if value)
    lines.extend(f"    url: {url}" for url in citation.urls)
    for claim in citation.claims:
        lines.append(f"    claim: {claim.text}")
        if claim.quote:
            lines.append(f"    quote: {claim.quote}")
    lines.extend(f"    warning: {warning}" for warning in citation.warnings)
    return lines


def render_text(documents: Sequence[Document]) -> str:
    """One block per document, one indented entry per citation."""
    lines: list[str] = []
    for document in documents:
        lines.append(f"{document.source}: {plural(len(document.citations), 'citation')}")
        if document.title:
            lines.append(f"  title: {document.title}")
        if document.published:
            lines.append(f"  published: {document.published.isoformat()}")
        lines.extend(f"  warning: {warning}" for warning in document.warnings)
        for citation in document.citations:
            lines.extend(_citation_lines(citation))
        lines.append("")
    return "\n".join(lines)


def _then(snapshot: SnapshotEvidence) -> str:
    """The archived copy's side of the comparison, in one line."""
    parts = [f"copy of {snapshot.copy.timestamp.date().isoformat()} ({snapshot.copy.url})"]
    if snapshot.title:
        parts.append(f"titled “{snapshot.title}”")
    if snapshot.title_match is not None:
        parts.append(f"title match {snapshot.title_match:.2f}")
    if snapshot.quote_match is not None:
        parts.append(f"quote match {snapshot.quote_match:.2f}")
    return "then: " + ", ".join(parts)


def _support(support: PageSupport, what: str) -> list[str]:
    """A page's support for a claim: verdict and score, then its best evidence sentence."""
    lines = [f"{what}: {support.verdict.value} ({support.score:.2f})"]
    if support.evidence:
        best = support.evidence[0]
        lines.append(f"  evidence (characters {best.start}-{best.end}): “{best.text}”")
    if support.missing:
        lines.append(f"  not on the page: {', '.join(support.missing)}")
    return lines


def _support_lines(check: Check) -> list[str]:
    lines: list[str] = []
    for item in check.support:
        lines.append(f"claim: “{item.claim}”")
        if item.live is not None:
            lines.extend(f"  {line}" for line in _support(item.live, "support now"))
        if item.snapshot is not None:
            lines.extend(f"  {line}" for line in _support(item.snapshot, "support then"))
    return lines


def _label(citation: Citation) -> str:
    """``note 3``, ``parenthetical Radio Free Europe…``, ``inline 2``: how to find it."""
    kind = "note" if citation.kind is CitationKind.FOOTNOTE else citation.kind.value
    return f"{kind} {citation.label}"


def _cited(citation: Citation, document: Document) -> str:
    """The cited title and access date, as the article gives them."""
    parts = []
    if citation.title:
        parts.append(f"“{citation.title}”")
    again = repeats(citation, document)
    if again is not None:
        parts.append(f"ibid. ({again})")
    if citation.accessed:
        parts.append(f"accessed {citation.accessed.isoformat()}")
    if citation.line is not None:
        parts.append(f"line {citation.line}")
    return ", ".join(parts)


def _check_lines(check: Check) -> list[str]:
    lines = [f"{check.verdict.value:9} {check.url}", f"          {check.reason}"]
    found = replacement(check)
    if found is not None:
        what, url = found
        lines.append(f"          replacement ({what}): {url}")
    elif check.archive_status is not None:
        # What became of the archive lookup, and so why there is no replacement link.
        status = check.archive_status
        lines.append(f"          archive: {status.state.value}: {status.reason}")
    step = next_step(check)
    if step:
        lines.append(f"          next step: {step}")
    if check.snapshot is not None:
        lines.append(f"          {_then(check.snapshot)}")
    lines.extend(f"          {line}" for line in _support_lines(check))
    if check.dead_checks > 1 and check.dead_since is not None:
        since = check.dead_since.date().isoformat()
        lines.append(f"          dead since {since} ({check.dead_checks} checks)")
    return lines


def _counts(report: Report) -> str:
    counts = report.summary()
    total = sum(counts.values())
    verdicts = ", ".join(
        f"{counts[verdict]} {verdict.value}"
        for verdict in sorted(Verdict, key=lambda verdict: -verdict.severity)
        if counts[verdict]
    )
    return plural(total, "citation") + (f": {verdicts}" if verdicts else "")


def render_report_text(report: Report) -> str:
    """Each citation, worst first within its document: label, cited title and access date,
    verdict; per URL the reason, the replacement link and the next step; then the counts."""
    lines: list[str] = []
    when = ""
    if report.generated_at is not None:
        generated = report.generated_at
        if generated.tzinfo is not None:
            generated = generated.astimezone(datetime.UTC)
        when = f", checked {generated:%Y-%m-%d %H:%M} UTC"
    where = (
        report.documents[0].document.source
        if len(report.documents) == 1
        else plural(len(report.documents), "document")
    )
    lines.append(f"citecheck: {where}{when}: {_counts(report)}")
    if report.incomplete:
        lines.append(
            f"incomplete: the run stopped with {plural(len(report.pending), 'URL')} not checked "
            "(pending); --resume finishes it"
        )
    lines.append("")
    for document in report.documents:
        lines.append(f"{document.document.source}: {plural(len(document.citations), 'citation')}")
        # Worst first; a stable sort keeps the article's order within a verdict.
        ordered = sorted(document.citations, key=lambda result: -result.verdict.severity)
        for result in ordered:
            citation = result.citation
            cited = _cited(citation, document.document)
            head = f"  {result.verdict.value:9} {_label(citation)}"
            lines.append(f"{head}: {cited}" if cited else head)
            if not result.checks:
                lines.append("    no URL to check")
            for check in result.checks:
                lines.extend(f"    {line}" for line in _check_lines(check))
        lines.append("")
    lines.append(f"summary: {_counts(report)}")
    return "\n".join(lines) + "\n"
