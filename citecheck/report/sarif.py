"""Render a report as SARIF 2.1.0, so code-scanning UIs annotate the document itself.

GitHub code scanning, GitLab and IDE SARIF viewers put each result on a line
of a file: here the footnote's line in the article, with one rule per verdict.
The levels follow the exit code: a ``--fail-on`` verdict is an ``error``; the
inconclusive ``blocked`` and ``error`` are warnings (a server refusing a bot
is not a broken citation); other problems such as ``moved`` are notes; ``ok``
and ``no_url`` are left out, since a result is something to act on.

:func:`citecheck.model.is_failure` and :func:`level_for` are the rules that the
JUnit and GitHub renderers share, so that every format agrees with the exit code.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from collections.abc import Collection, Iterator
from typing import Any, Literal

from citecheck._version import DOCUMENTATION_URL, __version__
from citecheck.model import Check, Citation, DocumentResult, Report, Verdict, is_failure

Level = Literal["error", "warning", "note"]

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = DOCUMENTATION_URL
"""The project's documentation address (citecheck._version; pyproject's [project.urls])."""

_INCONCLUSIVE = frozenset({Verdict.BLOCKED, Verdict.ERROR, Verdict.PENDING})
_QUIET = frozenset({Verdict.OK, Verdict.NO_URL, Verdict.EXCLUDED})

_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF], "\ufffd"
)

NO_URL_REASON = "The citation has no URL to check."

# (rule name, short description, full description) per verdict, for the rules table.
_RULES: dict[Verdict, tuple[str, str, str]] = {
    Verdict.OK: (
        "SourceOk",
        "The cited source is reachable.",
        "Reachable and, as far as the checks go, still the cited source.",
    ),
    Verdict.MOVED: (
        "SourceMoved",
        "The cited URL redirects permanently.",
        "Permanently redirected (301/308) to a URL that serves the source: update the citation.",
    ),
    Verdict.DEAD: (
        "SourceDead",
        "The cited URL is dead.",
        "404/410, a redirect chain ending in one, an unresolvable host or a refused connection.",
    ),
    Verdict.SOFT_404: (
        "SourceSoft404",
        "The cited URL serves an error or generic page.",
        "A success status that serves an error page, the home page or a login page instead of "
        "the source.",
    ),
    Verdict.PARKED: (
        "SourceParked",
        "The cited domain is parked.",
        "The domain is parked or for sale and the source is gone from it.",
    ),
    Verdict.DRIFTED: (
        "SourceDrifted",
        "The cited page no longer says what was cited.",
        "Reachable, but no longer the cited content: compare with the archived copy.",
    ),
    Verdict.INACCURATE: (
        "CitationInaccurate",
        "The citation's title or quote is not its source's.",
        "The cited title or quote is not on the page and was not on the archived copy from the "
        "access date either: correct the citation.",
    ),
    Verdict.BLOCKED: (
        "SourceBlocked",
        "The server refused the check.",
        "401/403/429/451 or a bot challenge: inconclusive, never proof that the page is gone.",
    ),
    Verdict.ERROR: (
        "CheckError",
        "The check could not complete.",
        "A timeout, TLS failure, 5xx after retries, broken response or redirect loop: "
        "inconclusive, try again later.",
    ),
    Verdict.UNSAFE: (
        "UnsafeUrl",
        "The cited URL was refused by policy.",
        "A non-web scheme or a disallowed address: citecheck did not connect.",
    ),
    Verdict.NO_URL: (
        "NoUrl",
        "The citation has no URL.",
        "The citation gives no URL to check, such as a printed book.",
    ),
    Verdict.EXCLUDED: (
        "UrlExcluded",
        "The cited URL was excluded from checking.",
        "An exclusion (--exclude, the configuration's exclude, .citecheckignore) matched the URL.",
    ),
    Verdict.PENDING: (
        "CheckPending",
        "The cited URL was not checked yet.",
        "The run stopped before this URL was fetched: run again with --resume.",
    ),
}


def level_for(verdict: Verdict, failing: bool) -> Level | None:
    """The severity of a result: ``None`` for the verdicts that need no action."""
    if failing:
        return "error"
    if verdict in _QUIET:
        return None
    # A dead link still waiting for --confirm-dead is on the way to failing.
    if verdict in _INCONCLUSIVE or verdict is Verdict.DEAD:
        return "warning"
    return "note"


def printable(text: str) -> str:
    """``text`` without controls or lone surrogates, which JSON, XML and CI logs reject."""
    return text.encode("utf-8", "replace").decode("utf-8").translate(_CONTROLS)


def message_for(check: Check) -> str:
    """The reason, with the URL when the reason does not name it (a footnote may cite
    several), and the archived copy when there is one."""
    text = check.reason.strip()
    if check.url not in text:
        text += f" ({check.url})"
    if check.archive is not None:
        text += f" Archived copy: {check.archive.url}"
    return printable(text)


_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


def artifact_uri(source: str) -> str:
    """A document's ``source`` as a SARIF artifact URI.

    A relative path stays relative (code scanning resolves it against the
    repository root); an absolute path becomes a ``file:`` URI; a URL stays as is.
    """
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", source):
        return printable(source)
    if _DRIVE.match(source):
        return "file:///" + urllib.parse.quote(printable(source).replace("\\", "/"), safe="/:")
    if source.startswith("/"):
        return "file://" + urllib.parse.quote(printable(source), safe="/")
    path = source[2:] if source.startswith("./") else source
    return urllib.parse.quote(printable(path), safe="/")


def findings(
    report: Report, fail_on: Collection[Verdict], confirm_dead: int = 1
) -> Iterator[tuple[DocumentResult, Citation, Check | None, Verdict, Level]]:
    """Every check (or URL-less citation) that deserves an annotation, with its level."""
    for document in report.documents:
        for result in document.citations:
            citation = result.citation
            if not result.checks:
                level = level_for(Verdict.NO_URL, Verdict.NO_URL in fail_on)
                if level is not None:
                    yield document, citation, None, Verdict.NO_URL, level
            for check in result.checks:
                level = level_for(check.verdict, is_failure(check, fail_on, confirm_dead))
                if level is not None:
                    yield document, citation, check, check.verdict, level


def _fingerprint(source: str, citation: Citation, url: str) -> str:
    # Stable across runs and line shifts, so code scanning tracks one alert per cited URL.
    key = "\0".join((source, citation.id, url))
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]


def _rule(verdict: Verdict, fail_on: Collection[Verdict]) -> dict[str, Any]:
    name, short, full = _RULES[verdict]
    level = level_for(verdict, verdict in fail_on)
    return {
        "id": verdict.value,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": level or "none"},
        "properties": {"tags": ["citation", "link-rot"]},
    }


def render_sarif(report: Report, fail_on: Collection[Verdict], *, confirm_dead: int = 1) -> str:
    """The report as SARIF 2.1.0 JSON text (one run, one rule per verdict), ending in a newline."""
    rule_index = {verdict: index for index, verdict in enumerate(Verdict)}
    results = []
    for document, citation, check, verdict, level in findings(report, fail_on, confirm_dead):
        location: dict[str, Any] = {
            "artifactLocation": {"uri": artifact_uri(document.document.source)}
        }
        if citation.line is not None and citation.line >= 1:
            location["region"] = {"startLine": citation.line}
        url = check.url if check is not None else ""
        properties: dict[str, Any] = {
            "citation": printable(citation.label),
            "citationId": printable(citation.id),
        }
        if check is not None:
            properties["url"] = printable(check.url)
            if check.http is not None:
                properties["status"] = check.http.status
                properties["finalUrl"] = printable(check.http.final_url)
            if check.archive is not None:
                properties["archiveUrl"] = printable(check.archive.url)
        results.append(
            {
                "ruleId": verdict.value,
                "ruleIndex": rule_index[verdict],
                "level": level,
                "message": {"text": message_for(check) if check is not None else NO_URL_REASON},
                "locations": [{"physicalLocation": location}],
                "partialFingerprints": {
                    "citecheck/v1": _fingerprint(document.document.source, citation, url)
                },
                "properties": properties,
            }
        )
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "citecheck",
                        "informationUri": INFORMATION_URI,
                        "version": __version__,
                        "rules": [_rule(verdict, fail_on) for verdict in Verdict],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"
