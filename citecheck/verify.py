"""The verify stage: fetch every cited URL once, classify it, and assemble a Report.

This module wires the stages together and holds no policy of its own: the
fetch layer decides how to talk to servers, ``citecheck.checks`` decides what
an answer means, the cache remembers, and the report layer renders.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor

import attrs

from citecheck.api import parse
from citecheck.checks import classify, needs_probe, probe_target
from citecheck.fetch.addresses import Resolver
from citecheck.fetch.cache import CheckCache
from citecheck.fetch.cassette import Cassette
from citecheck.fetch.client import Fetcher
from citecheck.fetch.policy import FetchPolicy
from citecheck.fetch.result import FetchResult
from citecheck.fetch.scheduler import host_key, run_by_host
from citecheck.model import (
    Check,
    CitationResult,
    Document,
    DocumentResult,
    HttpEvidence,
    Report,
    Verdict,
)

DocumentSource = Document | str | os.PathLike[str]


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def check_from_fetch(result: FetchResult, probe: FetchResult | None = None) -> Check:
    """Classify one fetched URL and keep the evidence the report shows."""
    classification = classify(result, probe)
    http = None
    if result.status is not None or result.redirects:
        http = HttpEvidence(
            status=result.status,
            final_url=result.final_url,
            redirects=result.redirects,
            elapsed_ms=result.elapsed_ms,
            content_type=result.content_type,
        )
    return Check(
        url=result.url,
        verdict=classification.verdict,
        reason=classification.reason,
        http=http,
        signals=classification.signals,
        fetched_at=result.fetched_at,
        sha256=result.sha256,
        # The size of what the digest covers (the decoded body up to the cap),
        # so that the pair can be checked against a saved copy.
        bytes=len(result.body),
    )


class _UrlChecker:
    """Checks one URL: cache, fetch, soft-404 probe, classification, history."""

    def __init__(
        self,
        fetcher: Fetcher,
        cache: CheckCache | None,
        probe: bool,
        now: Callable[[], datetime.datetime],
    ) -> None:
        self._fetcher = fetcher
        self._cache = cache
        self._probe = probe
        self._now = now

    def __call__(self, url: str) -> Check:
        if self._cache is not None:
            cached = self._cache.get_fresh(url, self._now())
            if cached is not None:
                return self._with_history(cached)
        result = self._fetcher.fetch(url)
        probe_result = None
        if self._probe and needs_probe(result):
            probe_result = self._fetcher.fetch(probe_target(result))
        check = check_from_fetch(result, probe_result)
        if self._cache is not None:
            self._cache.record(check)
        return self._with_history(check)

    def _with_history(self, check: Check) -> Check:
        if self._cache is None:
            return (
                check
                if check.verdict is not Verdict.DEAD
                else attrs.evolve(check, dead_since=check.fetched_at, dead_checks=1)
            )
        return attrs.evolve(
            check,
            dead_since=self._cache.dead_since(check.url),
            dead_checks=self._cache.dead_streak(check.url),
        )


def _load(source: DocumentSource) -> Document:
    return source if isinstance(source, Document) else parse(source)


def verify(
    sources: DocumentSource | Sequence[DocumentSource],
    *,
    policy: FetchPolicy | None = None,
    cache: CheckCache | None = None,
    resolver: Resolver | None = None,
    executor: Executor | None = None,
    probe_soft_404: bool = True,
    cassette: Cassette | None = None,
    exclude: Callable[[str], bool] | None = None,
    progress: Callable[[Check], None] | None = None,
    now: Callable[[], datetime.datetime] = _utcnow,
) -> Report:
    """Check every URL cited by the given documents (parsed or paths).

    Each distinct URL is fetched once per run however often it is cited, with
    per-host politeness from ``policy``. Network failures are verdicts, never
    exceptions; an unreadable document raises :class:`citecheck.InputError`.
    With a ``cassette``, every HTTP exchange is recorded to it or replayed from it.
    URLs for which ``exclude`` is true are neither fetched nor listed among the
    checks; ``progress`` is called with each check as it completes.
    """
    if isinstance(sources, Document | str | os.PathLike):
        sources = [sources]
    documents = [_load(source) for source in sources]
    policy = policy or FetchPolicy()
    urls = [
        url
        for document in documents
        for citation in document.citations
        for url in citation.urls
        if exclude is None or not exclude(url)
    ]
    with Fetcher(policy, resolver=resolver, cassette=cassette) as fetcher:
        checker = _UrlChecker(fetcher, cache, probe_soft_404, now)
        checks = run_by_host(
            urls,
            checker,
            key=host_key,
            concurrency=policy.concurrency,
            per_host=policy.per_host_concurrency,
            per_host_delay=policy.per_host_delay,
            executor=executor,
            on_result=None if progress is None else lambda _url, check: progress(check),
        )
    return Report(
        documents=tuple(_document_result(document, checks) for document in documents),
        generated_at=now(),
    )


def _document_result(document: Document, checks: dict[str, Check]) -> DocumentResult:
    return DocumentResult(
        document=document,
        citations=tuple(
            CitationResult(
                citation=citation,
                checks=tuple(checks[url] for url in citation.urls if url in checks),
            )
            for citation in document.citations
        ),
    )


def failing_verdicts(report: Report, fail_on: Iterable[Verdict], confirm_dead: int = 1) -> int:
    """How many checks carry a verdict in ``fail_on``.

    A dead check counts only once ``confirm_dead`` checks in a row have found the
    URL dead, so a CI job can wait out a site's bad day before failing.
    """
    wanted = set(fail_on)
    count = 0
    for document in report.documents:
        for result in document.citations:
            for check in result.checks:
                if check.verdict not in wanted:
                    continue
                if check.verdict is Verdict.DEAD and check.dead_checks < confirm_dead:
                    continue
                count += 1
    return count
