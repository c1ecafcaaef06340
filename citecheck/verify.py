"""The verify stage: fetch every cited URL once, classify it, and assemble a Report.

This module wires the stages together and holds no policy of its own: the
fetch layer decides how to talk to servers, ``citecheck.checks`` decides what
an answer means, the cache remembers, and the report layer renders.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor

import attrs

from citecheck.api import parse
from citecheck.archive import MementoClient, WaybackClient
from citecheck.checks import classify, needs_probe, probe_target
from citecheck.checks.content import extract_page
from citecheck.checks.drift import content_verdict
from citecheck.errors import InterruptedRun
from citecheck.fetch.addresses import Resolver
from citecheck.fetch.cache import CheckCache
from citecheck.fetch.cassette import Cassette
from citecheck.fetch.client import Fetcher
from citecheck.fetch.policy import FetchPolicy
from citecheck.fetch.result import FetchResult
from citecheck.fetch.scheduler import host_key, run_by_host
from citecheck.fetch.shards import ShardedExecutor
from citecheck.model import (
    ArchivedCopy,
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


@attrs.frozen
class ArchiveOptions:
    """Where and how to look for archived copies of cited pages.

    Archived copies are looked up for ``dead``, ``soft_404`` and ``parked``
    URLs, as replacement links. ``compare_drift`` also looks up every live page
    and compares it with the copy nearest the access date, which costs one
    archive call per URL at the archive's slow pace (see docs/archives.md).
    """

    wayback_url: str | None = "https://web.archive.org"
    min_interval: float = 2.5
    compare_drift: bool = False
    memento_timegates: tuple[str, ...] = ()
    """Memento TimeGates (RFC 7089) asked, in order, when the Wayback Machine has no copy."""


@attrs.frozen
class CitationContext:
    """What the article says about a cited URL: what to look for on the page, and when.

    A URL cited by several notes is checked once, with the first note's context.
    """

    title: str | None = None
    quotes: tuple[str, ...] = ()
    accessed: datetime.date | None = None
    article_date: datetime.date | None = None
    archived: ArchivedCopy | None = None
    """An archived copy the citation already names (Wikipedia's ``archive-url``)."""


_ARCHIVE_FOR = frozenset({Verdict.DEAD, Verdict.SOFT_404, Verdict.PARKED, Verdict.DRIFTED})
_CONTENT_FOR = frozenset({Verdict.OK, Verdict.MOVED})


class _UrlChecker:
    """Checks one URL: fetch, soft-404 probe, classification, content, archive; and the cache."""

    def __init__(
        self,
        fetcher: Fetcher,
        cache: CheckCache | None,
        probe: bool,
        now: Callable[[], datetime.datetime],
        contexts: dict[str, CitationContext],
        archive: _Archives | None,
    ) -> None:
        self._fetcher = fetcher
        self._cache = cache
        self._probe = probe
        self._now = now
        self._contexts = contexts
        self._archive = archive
        self._new_probe_memo()

    def _new_probe_memo(self) -> None:
        # One probe per directory is shared by every URL in it (see probe_url);
        # the lock per probe URL makes concurrent workers wait for one fetch.
        self._probes: dict[str, FetchResult] = {}
        self._probe_locks: dict[str, threading.Lock] = {}
        self._probe_locks_guard = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        # Executors that ship work to other processes (Dask) pickle the checker;
        # locks do not pickle, and each process keeps its own probe memo.
        state = self.__dict__.copy()
        for name in ("_probes", "_probe_locks", "_probe_locks_guard"):
            state.pop(name)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._new_probe_memo()

    def cached(self, url: str) -> Check | None:
        """The cache's fresh check of ``url`` with its history, or None."""
        if self._cache is None:
            return None
        cached = self._cache.get_fresh(url, self._now())
        return None if cached is None else self._with_history(cached)

    def __call__(self, url: str) -> Check:
        # verify() has served every fresh check from the cache before the run
        # (cached()), so what reaches here is fetched.
        result = self._fetcher.fetch(url)
        probe_result = None
        if self._probe and needs_probe(result):
            probe_result = self._probe_once(probe_target(result))
        check = check_from_fetch(result, probe_result)
        check = self._with_content_and_archive(check, result)
        if self._cache is not None:
            self._cache.record(check)
        return self._with_history(check)

    def _probe_once(self, url: str) -> FetchResult:
        with self._probe_locks_guard:
            lock = self._probe_locks.setdefault(url, threading.Lock())
        with lock:
            if url not in self._probes:
                self._probes[url] = self._fetcher.fetch(url)
            return self._probes[url]

    def _with_content_and_archive(self, check: Check, result: FetchResult) -> Check:
        context = self._contexts.get(check.url, CitationContext())
        live = None
        archives = self._archive
        if check.verdict in _CONTENT_FOR and result.text and _is_html(result):
            # The main text is read only when a quote or the drift comparison
            # will look at it: extracting it is most of a page's CPU cost.
            wants_text = bool(context.quotes) or (
                archives is not None and archives.options.compare_drift
            )
            live = extract_page(result.text, result.final_url, main_text=wants_text)
        copy = None
        snapshot = None
        if archives is not None and (
            check.verdict in _ARCHIVE_FOR or (live is not None and archives.options.compare_drift)
        ):
            copy, raw_url = archives.find(check.url, context)
            if live is not None and raw_url:
                archived = archives.fetcher.fetch(raw_url)
                if archived.text and archived.status == 200:
                    snapshot = extract_page(archived.text, check.url)
        if copy is None and context.archived is not None:
            copy = context.archived
        if live is not None:
            content = content_verdict(
                live,
                title=context.title,
                quote=context.quotes or None,
                snapshot=snapshot,
                accessed=context.accessed,
                snapshot_date=copy.timestamp.date() if copy else None,
            )
            reason = check.reason
            if content.drifted and content.reason:
                reason = content.reason
            elif content.notes:
                reason = f"{reason} {' '.join(content.notes)}"
            check = attrs.evolve(
                check,
                verdict=Verdict.DRIFTED if content.drifted else check.verdict,
                reason=reason,
                signals=(*check.signals, *content.signals),
                title_match=content.title_match,
                quote_match=content.quote_match,
                matched_quote=content.matched_quote,
                drift=content.drift,
                page=content.page,
            )
        if copy is not None and check.verdict in _ARCHIVE_FOR:
            check = attrs.evolve(check, archive=copy)
        return check

    def _with_history(self, check: Check) -> Check:
        if self._cache is None:
            return (
                check
                if check.verdict is not Verdict.DEAD
                else attrs.evolve(check, dead_since=check.fetched_at, dead_checks=1)
            )
        dead_since, dead_checks = self._cache.dead_record(check.url)
        return attrs.evolve(check, dead_since=dead_since, dead_checks=dead_checks)


@attrs.frozen
class _Archives:
    """The configured archives, asked in order: the Wayback Machine, then TimeGates."""

    fetcher: Fetcher
    options: ArchiveOptions
    wayback: WaybackClient | None
    timegates: tuple[MementoClient, ...]

    def find(self, url: str, context: CitationContext) -> tuple[ArchivedCopy | None, str | None]:
        """The copy nearest the access date, and where its raw body is (Wayback only).

        A copy the citation names itself wins: an editor chose it, and asking the
        archive again would only spend its rate limit.
        """
        if context.archived is not None:
            return context.archived, _raw_wayback_url(context.archived.url)
        if self.wayback is not None:
            lookup = self.wayback.lookup(url, context.accessed, context.article_date)
            if lookup.copy is not None:
                return lookup.copy, lookup.raw_url
        when = context.accessed or context.article_date
        if when is not None:
            for timegate in self.timegates:
                copy = timegate.find(url, when)
                if copy is not None:
                    return copy, None
        return None, None


_WAYBACK_PATH = re.compile(r"^(https?://[^/]+/web/)(\d{4,14})(?:[a-z]{2}_)?/(.+)$")


def _named_archive(url: str | None, date: datetime.date | None) -> ArchivedCopy | None:
    """The citation's own archive link as an ArchivedCopy, timed by its date or its URL."""
    if not url:
        return None
    match = _WAYBACK_PATH.match(url)
    if date is not None:
        when = datetime.datetime.combine(date, datetime.time(), datetime.UTC)
    elif match:
        stamp = match.group(2).ljust(14, "0")
        try:
            when = datetime.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=datetime.UTC)
        except ValueError:
            return None
    else:
        return None
    return ArchivedCopy(url=url, timestamp=when, source="citation")


def _raw_wayback_url(url: str) -> str | None:
    """The unmodified-body address (``id_``) of a Wayback snapshot link, if it is one."""
    match = _WAYBACK_PATH.match(url)
    return f"{match.group(1)}{match.group(2)}id_/{match.group(3)}" if match else None


def _is_html(result: FetchResult) -> bool:
    return (result.content_type or "").endswith(("html", "xml")) or (
        result.content_type is None and "<html" in (result.text or "")[:2000].lower()
    )


def _contexts(documents: Sequence[Document]) -> dict[str, CitationContext]:
    contexts: dict[str, CitationContext] = {}
    for document in documents:
        for citation in document.citations:
            quotes = tuple(claim.quote for claim in citation.claims if claim.quote)
            if citation.quote:
                quotes = (citation.quote, *quotes)
            archived = _named_archive(citation.archive_url, citation.archive_date)
            for url in citation.urls:
                contexts.setdefault(
                    url,
                    CitationContext(
                        title=citation.title,
                        quotes=quotes,
                        accessed=citation.accessed,
                        article_date=document.published or citation.date,
                        archived=archived,
                    ),
                )
    return contexts


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
    archive: ArchiveOptions | None = None,
    exclude: Callable[[str], bool] | None = None,
    progress: Callable[[Check], None] | None = None,
    reuse: Mapping[str, Check] | None = None,
    now: Callable[[], datetime.datetime] = _utcnow,
    processes: int = 1,
) -> Report:
    """Check every URL cited by the given documents (parsed or paths).

    Each distinct URL is fetched once per run however often it is cited, with
    per-host politeness from ``policy``. Network failures are verdicts, never
    exceptions; an unreadable document raises :class:`citecheck.InputError`.
    With a ``cassette``, every HTTP exchange is recorded to it or replayed from it.
    URLs for which ``exclude`` is true are neither fetched nor listed among the
    checks; ``progress`` is called with each check as it completes. With
    ``archive``, dead, soft-404 and parked URLs get the archived copy nearest the
    citation's access date (and live pages are compared with it for drift when
    ``archive.compare_drift`` is set). Checks in ``reuse`` (from an interrupted
    run's report) are taken as they are, without fetching.

    ``processes`` > 1 spreads the checks over that many worker processes
    (:class:`citecheck.fetch.shards.ShardedExecutor`), each host in one of
    them, for runs whose CPU work outgrows one interpreter (see docs/scale.md).
    The cache, resolver and ``now`` must then pickle; a cassette cannot be
    shared between processes, and each process spaces its archive calls
    ``processes`` times further apart so the archive sees the same rate.

    Ctrl-C (KeyboardInterrupt) during the run raises
    :class:`citecheck.errors.InterruptedRun` carrying a partial report of every
    check that finished, marked incomplete, with the URLs still pending.
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
    if processes < 1:
        raise ValueError(f"processes must be at least 1, got {processes}")
    if processes > 1 and executor is not None:
        raise ValueError("give processes or an executor, not both")
    # A ShardedExecutor passed in (the CLI starts one before parsing, so the
    # workers' imports overlap the parse) counts like processes=N.
    spread = executor.processes if isinstance(executor, ShardedExecutor) else processes
    if spread > 1 and cassette is not None:
        raise ValueError("a cassette is written by one process: use processes=1 with a cassette")
    with contextlib.ExitStack() as stack:
        pool = None
        if processes > 1:
            pool = ShardedExecutor(processes, max(1, policy.concurrency))
            stack.callback(pool.shutdown)
            executor = pool
        fetcher = stack.enter_context(Fetcher(policy, resolver=resolver, cassette=cassette))
        archive_parts = None
        if archive is not None:
            # Its own fetcher without retries: retries inside one archive call would
            # bypass the spacing the archive's rate limit needs.
            archive_fetcher = stack.enter_context(
                fetcher.with_policy(attrs.evolve(policy, retries=0))
            )
            wayback = None
            if archive.wayback_url:
                wayback = WaybackClient(
                    archive_fetcher,
                    base_url=archive.wayback_url,
                    min_interval=archive.min_interval * spread,
                )
            timegates = tuple(
                MementoClient(archive_fetcher, timegate) for timegate in archive.memento_timegates
            )
            archive_parts = _Archives(archive_fetcher, archive, wayback, timegates)
        checker = _UrlChecker(
            fetcher, cache, probe_soft_404, now, _contexts(documents), archive_parts
        )
        finished: dict[str, Check] = dict(reuse or {})

        def on_result(url: str, check: Check) -> None:
            finished[url] = check
            if progress is not None:
                progress(check)

        wanted = set(urls)
        for url, check in finished.items():
            if progress is not None and url in wanted:
                progress(check)
        # Fresh checks come straight from the cache, in this thread: a warm run
        # then spends no time handing thousands of look-ups to worker threads.
        for url in dict.fromkeys(urls):
            if url not in finished:
                cached = checker.cached(url)
                if cached is not None:
                    on_result(url, cached)
        # With our own threads, a few more URL checks than requests: the
        # fetcher still lets only policy.concurrency requests out at once, and a
        # check analysing its page no longer keeps the next request waiting.
        # Another executor gets exactly policy.concurrency checks, since its
        # processes each hold a copy of the fetcher and its limit.
        checks_at_once = policy.concurrency
        if executor is None:
            checks_at_once += max(2, policy.concurrency // 4)
        try:
            run_by_host(
                [url for url in urls if url not in finished],
                checker,
                key=host_key,
                concurrency=checks_at_once,
                per_host=policy.per_host_concurrency,
                per_host_delay=policy.per_host_delay,
                executor=executor,
                on_result=on_result,
            )
        except KeyboardInterrupt:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            partial = Report(
                documents=tuple(_document_result(document, finished) for document in documents),
                generated_at=now(),
                incomplete=True,
                pending=tuple(dict.fromkeys(url for url in urls if url not in finished)),
            )
            raise InterruptedRun(partial) from None
        checks = finished
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
