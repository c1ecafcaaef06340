"""Render a report as JUnit XML, the test-result format every CI system displays.

Jenkins, GitLab, Azure Pipelines and the GitHub test-report actions all show
JUnit files natively, so each cited URL becomes a test case: one test suite
per document (``classname`` is the document), a ``<failure>`` for the
``--fail-on`` verdicts (a ``dead`` one only once ``--confirm-dead`` checks
agree, as for the exit code), and a ``<skipped>`` for a citation without a URL,
an excluded URL and a URL the run did not reach (``pending``), which test
nothing. Other verdicts pass, with the verdict and reason in ``<system-out>``
so the CI page still shows them.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Collection

import attrs

from citecheck.model import (
    Check,
    CitationKind,
    CitationResult,
    DocumentResult,
    Report,
    Verdict,
    is_failure,
)
from citecheck.report.sarif import NO_URL_REASON, printable

_NOT_TESTED = frozenset({Verdict.EXCLUDED, Verdict.PENDING})
"""Checks that tested nothing: excluded on purpose, or not reached before the run stopped."""


@attrs.define
class _Counts:
    tests: int = 0
    failures: int = 0
    skipped: int = 0
    seconds: float = 0.0

    def add(self, other: _Counts) -> None:
        self.tests += other.tests
        self.failures += other.failures
        self.skipped += other.skipped
        self.seconds += other.seconds

    def attributes(self) -> dict[str, str]:
        return {
            "tests": str(self.tests),
            "failures": str(self.failures),
            "errors": "0",
            "skipped": str(self.skipped),
            "time": f"{self.seconds:.3f}",
        }


def _name(result: CitationResult, url: str | None) -> str:
    citation = result.citation
    label = f"[{citation.label}]" if citation.kind is CitationKind.FOOTNOTE else citation.label
    return printable(f"{label} {url}" if url else f"{label} (no URL)")


def _details(result: CitationResult, check: Check | None) -> str:
    """What a person needs to act on from the CI page, one fact per line."""
    citation = result.citation
    lines = []
    if check is not None:
        lines += [f"verdict: {check.verdict.value}", f"url: {check.url}", f"reason: {check.reason}"]
        if check.http is not None:
            lines.append(f"status: {check.http.status if check.http.status else 'no answer'}")
            lines += [f"redirect: {hop.status} {hop.url}" for hop in check.http.redirects]
            if check.http.final_url != check.url:
                lines.append(f"final url: {check.http.final_url}")
        if check.dead_checks:
            since = check.dead_since.isoformat() if check.dead_since else "unknown"
            checks = f"{check.dead_checks} check" + ("" if check.dead_checks == 1 else "s")
            lines.append(f"dead since: {since} ({checks})")
        if check.archive is not None:
            lines.append(f"archived copy: {check.archive.url}")
    if citation.line is not None:
        lines.append(f"line: {citation.line}")
    lines.append(f"citation: {citation.text}")
    return printable("\n".join(lines))


def _testcase(
    suite: ET.Element,
    source: str,
    result: CitationResult,
    check: Check | None,
    failing: bool,
) -> _Counts:
    seconds = check.http.elapsed_ms / 1000 if check is not None and check.http else 0.0
    attributes = {
        "classname": printable(source),
        "name": _name(result, check.url if check is not None else None),
        "time": f"{seconds:.3f}",
        "file": printable(source),
    }
    if result.citation.line is not None:
        attributes["line"] = str(result.citation.line)
    case = ET.SubElement(suite, "testcase", attributes)
    counts = _Counts(tests=1, seconds=seconds)
    verdict = check.verdict if check is not None else Verdict.NO_URL
    reason = check.reason if check is not None else NO_URL_REASON
    if failing:
        failure = ET.SubElement(
            case, "failure", {"message": printable(reason), "type": verdict.value}
        )
        failure.text = _details(result, check)
        counts.failures = 1
    elif check is None or check.verdict in _NOT_TESTED:
        ET.SubElement(case, "skipped", {"message": printable(reason)})
        counts.skipped = 1
    else:
        ET.SubElement(case, "system-out").text = _details(result, check)
    return counts


def _suite(
    parent: ET.Element,
    document: DocumentResult,
    fail_on: Collection[Verdict],
    confirm_dead: int,
    timestamp: str | None,
) -> _Counts:
    source = document.document.source
    suite = ET.SubElement(parent, "testsuite", {"name": printable(source)})
    counts = _Counts()
    for result in document.citations:
        if not result.checks:
            counts.add(_testcase(suite, source, result, None, Verdict.NO_URL in fail_on))
        for check in result.checks:
            failing = is_failure(check, fail_on, confirm_dead)
            counts.add(_testcase(suite, source, result, check, failing))
    suite.attrib.update(counts.attributes())
    if timestamp is not None:
        suite.set("timestamp", timestamp)
    return counts


def render_junit(report: Report, fail_on: Collection[Verdict], *, confirm_dead: int = 1) -> str:
    """The report as JUnit XML text: one suite per document, one case per cited URL."""
    timestamp = None
    if report.generated_at is not None:
        generated = report.generated_at
        if generated.tzinfo is not None:
            generated = generated.astimezone(datetime.UTC).replace(tzinfo=None)
        timestamp = generated.isoformat(timespec="seconds")
    root = ET.Element("testsuites", {"name": "citecheck"})
    total = _Counts()
    for document in report.documents:
        total.add(_suite(root, document, fail_on, confirm_dead, timestamp))
    root.attrib.update(total.attributes())
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
