"""The verify stage: fetch every cited URL once, judge every citation of it, and assemble a Report.

This module wires the stages together and holds no policy of its own: the
fetch layer decides how to talk to servers, ``citecheck.checks`` decides what
an answer means, the cache remembers what was fetched, and the report layer
renders.

A URL is *fetched* once per run however often it is cited, but it is *judged*
once per citation: two notes citing one page with different titles, quotes or
access dates each get the verdict their own evidence gives (a title or quote
matched against what that note says, drift against the archived copy from that
note's access date). The cache stores the fetch (the classified answer and the
page's extracted text, keyed by what shaped them) and never a citation's
verdict, so no option, citation or upgrade can be served another's answer.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import os
import re
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor

import attrs

from citecheck._version import __version__
from citecheck.api import parse
from citecheck.archive import ArchiveLookup, MementoClient, Memo, WaybackClient
from citecheck.checks import VOCABULARY_ONLY, classify, needs_probe, probe_target
from citecheck.checks.content import ExtractedPage, extract_page, title_match
from citecheck.checks.drift import QUOTE_LOST, TITLE_MATCHED, ContentVerdict, content_verdict
from citecheck.checks.support import (
    Sentence,
    claims_support,
    split_sentences,
    support_signals,
)
from citecheck.checks.textutil import clip
from citecheck.errors import InterruptedRun
from citecheck.fetch.addresses import Resolver
from citecheck.fetch.cache import CheckCache
from citecheck.fetch.cassette import Cassette
from citecheck.fetch.client import Fetcher
from citecheck.fetch.policy import FetchPolicy
from citecheck.fetch.result import FetchResult
from citecheck.fetch.scheduler import host_key, run_by_host
from citecheck.fetch.shards import HostSharded, ShardedExecutor
from citecheck.model import (
    ArchivedCopy,
    ArchiveState,
    ArchiveStatus,
    Check,
    Citation,
    CitationResult,
    ClaimSupport,
    Document,
    DocumentResult,
    HttpEvidence,
    Report,
    SnapshotEvidence,
    Verdict,
)
from citecheck.model import failing_verdicts as failing_verdicts  # moved; re-exported
from citecheck.urlrules import Remap, accept_status

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
    URLs, as replacement links, and for live pages whose title or quote does
    not match the citation, to tell a page that changed (``drifted``) from a
    citation that was never right (``inaccurate``). ``compare_drift`` also
    looks up every other live page and compares it with the copy nearest the
    access date, which costs one archive call per URL at the archive's slow
    pace (see docs/archives.md). ``verify(archive=None)`` asks no archive.
    """

    wayback_url: str | None = "https://web.archive.org"
    min_interval: float = 2.5
    compare_drift: bool = False
    memento_timegates: tuple[str, ...] = ()
    """Memento TimeGates (RFC 7089) asked, in order, when the Wayback Machine has no copy."""


DEFAULT_ARCHIVE = ArchiveOptions()
"""The archive lookups ``verify`` and ``citecheck verify`` make unless told otherwise."""


@attrs.frozen
class CitationContext:
    """What one citation says about a cited URL: what to look for on the page, and when.

    Citations of one URL with the same context share one judgement; any
    difference (another title, quote or access date) gets its own.
    """

    title: str | None = None
    quotes: tuple[str, ...] = ()
    accessed: datetime.date | None = None
    article_date: datetime.date | None = None
    archived: ArchivedCopy | None = None
    """An archived copy the citation already names (Wikipedia's ``archive-url``)."""
    claims: tuple[tuple[str, str | None], ...] = ()
    """The citation's claims as (sentence, quote) pairs, in order: what the page must support."""


def citation_context(citation: Citation, document: Document) -> CitationContext:
    """The context a citation gives its URLs.

    A back-reference (``Ibid.``) names the same work as the note it repeats,
    so it takes that note's title, access date and archive link when it has
    none of its own; its quotes are always its own.
    """
    quotes = tuple(claim.quote for claim in citation.claims if claim.quote)
    if citation.quote:
        quotes = (citation.quote, *quotes)
    source = citation
    if citation.ibid_of is not None:
        with contextlib.suppress(KeyError):
            source = document.citation(citation.ibid_of)
    archived = _named_archive(citation.archive_url, citation.archive_date) or _named_archive(
        source.archive_url, source.archive_date
    )
    return CitationContext(
        title=citation.title or source.title,
        quotes=tuple(dict.fromkeys(quotes)),
        accessed=citation.accessed or source.accessed,
        article_date=document.published or citation.date or source.date,
        archived=archived,
        claims=tuple(dict.fromkeys((claim.text, claim.quote) for claim in citation.claims)),
    )


def shaping_key(policy: FetchPolicy, probe: bool, remap: Remap | None = None) -> str:
    """What, besides the page, shaped a URL's classification: the key its cached fetch is kept by.

    citecheck's version (the classifier's rules change between releases), the
    soft-404 probe, the request settings a server answers differently to
    (user agent, headers, size cap, redirect limit), and the ``--remap`` rules
    that chose where the URL was fetched from. Headers may carry credentials,
    so the key is a digest.
    """
    parts: tuple[str, ...] = (
        __version__,
        f"probe={probe}",
        policy.user_agent,
        repr(policy.headers),
        str(policy.max_bytes),
        str(policy.max_redirects),
    )
    if remap:
        parts = (*parts, f"remap={remap.key()}")
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"citecheck {__version__} {digest[:16]}"


_ARCHIVE_FOR = frozenset({Verdict.DEAD, Verdict.SOFT_404, Verdict.PARKED})
"""Verdicts that need a replacement link whatever the citation says."""
_CONTENT_FOR = frozenset({Verdict.OK, Verdict.MOVED})
"""Verdicts whose page is read and matched against each citation."""
_INCONCLUSIVE = frozenset({Verdict.BLOCKED, Verdict.ERROR})

_NO_ARCHIVE = "archive lookups are off (--no-archive)"


@attrs.frozen
class _OnPage:
    """What the live page alone says about one citation, as the cache keeps it across runs."""

    content: ContentVerdict
    support: tuple[ClaimSupport, ...] = ()


@attrs.frozen
class _Found:
    """An archive lookup's outcome as the cache keeps it across runs."""

    status: ArchiveStatus
    copy: ArchivedCopy | None = None
    raw_url: str | None = None


@attrs.frozen
class _Snapshot:
    """The outcome of looking for the copy from a citation's access date, and its text."""

    status: ArchiveStatus
    copy: ArchivedCopy | None = None
    page: ExtractedPage | None = None


class _Archives:
    """The configured archives, asked in order: the Wayback Machine, then TimeGates.

    Lookups are memoised by what decides them: the CDX clients keep each
    query (URL and date window), and an archived body is fetched and read
    once per (URL, snapshot chosen), so two citations of one URL with
    different access dates each get their own copy and two with the same
    copy cost one fetch. With a ``cache``, definite answers (a copy, or none)
    and the text of the copies read are kept across runs for the cache's
    ``max_age``, keyed by the archives asked, the URL, the dates and
    citecheck's version: a warm run does not spend the archive's rate limit
    again. An unreachable archive is never remembered. Pickles (for worker
    processes) as its settings; each process builds its own clients.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        options: ArchiveOptions,
        spread: int,
        cache: CheckCache | None = None,
        now: Callable[[], datetime.datetime] = _utcnow,
    ) -> None:
        self.fetcher = fetcher
        self.options = options
        self._spread = spread
        self._cache = cache
        self._now = now
        self.wayback: WaybackClient | None = None
        if options.wayback_url:
            self.wayback = WaybackClient(
                fetcher, base_url=options.wayback_url, min_interval=options.min_interval * spread
            )
        self.timegates = tuple(
            MementoClient(fetcher, timegate) for timegate in options.memento_timegates
        )
        self._pages: Memo[ExtractedPage | None] = Memo()

    def __getstate__(self) -> dict[str, object]:
        return {
            "fetcher": self.fetcher,
            "options": self.options,
            "spread": self._spread,
            "cache": self._cache,
            "now": self._now,
        }

    def __setstate__(self, state: dict[str, object]) -> None:
        fetcher, options, spread = state["fetcher"], state["options"], state["spread"]
        cache, now = state["cache"], state["now"]
        assert isinstance(fetcher, Fetcher) and isinstance(options, ArchiveOptions)
        assert isinstance(spread, int) and (cache is None or isinstance(cache, CheckCache))
        assert callable(now)
        self.__init__(fetcher, options, spread, cache, now)  # type: ignore[misc]

    def _key(self, *parts: object) -> str:
        """A cache key naming everything that decided an archive answer."""
        settings = (__version__, self.options.wayback_url, *self.options.memento_timegates)
        return "\0".join(str(part) for part in (*settings, *parts))

    def find(
        self, url: str, context: CitationContext
    ) -> tuple[ArchivedCopy | None, str | None, ArchiveStatus]:
        """The copy nearest the access date, where its raw body is, and what the archives said.

        A copy the citation names itself wins: an editor chose it, and asking the
        archive again would only spend its rate limit.
        """
        if context.archived is not None:
            status = ArchiveStatus(
                ArchiveState.FOUND, "the citation names its own archived copy (archive-url)"
            )
            return context.archived, _raw_wayback_url(context.archived.url), status
        key = self._key("lookup", url, context.accessed, context.article_date)
        if self._cache is not None:
            kept = self._cache.get_answer(key, self._now(), _Found)
            if kept is not None:
                status = attrs.evolve(kept.status, reason=f"{kept.status.reason} (from the cache)")
                return kept.copy, kept.raw_url, status
        copy, raw_url, status = self._ask(url, context)
        if self._cache is not None and status.state in (ArchiveState.FOUND, ArchiveState.NONE):
            self._cache.record_answer(key, _Found(status, copy, raw_url), self._now())
        return copy, raw_url, status

    def _ask(
        self, url: str, context: CitationContext
    ) -> tuple[ArchivedCopy | None, str | None, ArchiveStatus]:
        lookups: list[ArchiveLookup] = []
        if self.wayback is not None:
            lookup = self.wayback.lookup(url, context.accessed, context.article_date)
            if lookup.copy is not None:
                return lookup.copy, lookup.raw_url, _status_of(lookup)
            lookups.append(lookup)
        when = context.accessed or context.article_date
        if when is not None:
            for timegate in self.timegates:
                lookup = timegate.lookup(url, when)
                if lookup.copy is not None:
                    return lookup.copy, None, _status_of(lookup)
                lookups.append(lookup)
        return None, None, _combined_status(lookups)

    def snapshot(self, url: str, context: CitationContext) -> _Snapshot:
        """The copy from the access date with its text read, for comparing with the live page."""
        copy, raw_url, status = self.find(url, context)
        if copy is None:
            return _Snapshot(status)
        if raw_url is None:
            return _Snapshot(status, copy)
        page = self._pages.get(raw_url, lambda: self._read(raw_url, url), keep=lambda _: True)
        if page is None:
            status = attrs.evolve(
                status, reason=f"{status.reason}; its archived body could not be read"
            )
        return _Snapshot(status, copy, page)

    def _read(self, raw_url: str, url: str) -> ExtractedPage | None:
        # A capture never changes: its text is kept like a definite answer.
        key = self._key("snapshot", raw_url)
        if self._cache is not None:
            kept = self._cache.get_answer(key, self._now(), ExtractedPage)
            if kept is not None:
                return kept
        archived = self.fetcher.fetch(raw_url)
        if archived.status != 200 or not archived.text:
            return None
        page = extract_page(archived.text, url)
        if self._cache is not None:
            self._cache.record_answer(key, page, self._now())
        return page


def _status_of(lookup: ArchiveLookup) -> ArchiveStatus:
    return ArchiveStatus(lookup.state, lookup.reason)


def _combined_status(lookups: Sequence[ArchiveLookup]) -> ArchiveStatus:
    """One status for several archives that had no copy: an unreachable one says most.

    "Unreachable" wins, because asking again may still find a copy; then
    "none"; "not requested" only when no archive was asked at all.
    """
    if not lookups:
        return ArchiveStatus(
            ArchiveState.NOT_REQUESTED,
            "no archive is configured that can be asked without a date",
        )
    for state in (ArchiveState.UNREACHABLE, ArchiveState.NONE, ArchiveState.NOT_REQUESTED):
        reasons = [lookup.reason for lookup in lookups if lookup.state is state]
        if reasons:
            return ArchiveStatus(state, "; ".join(dict.fromkeys(reasons)))
    return ArchiveStatus(ArchiveState.NONE, "no archive has a copy")


class _UrlChecker:
    """Checks one URL: fetch, soft-404 probe, classification and cache; then one judgement
    per distinct citation context of the URL (content, archive)."""

    def __init__(
        self,
        fetcher: Fetcher,
        cache: CheckCache | None,
        probe: bool,
        now: Callable[[], datetime.datetime],
        contexts: Mapping[str, tuple[CitationContext, ...]],
        archive: _Archives | None,
        support: bool = True,
        remap: Remap | None = None,
        accept: Collection[int] = (),
    ) -> None:
        self._remap = remap or Remap()
        self._accept = frozenset(accept)
        self._fetcher = fetcher
        self._support = support
        self._cache = cache
        self._probe = probe
        self._now = now
        self._contexts = contexts
        self._archive = archive
        self._shaped_by = shaping_key(fetcher.policy, probe, self._remap)
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

    def close(self) -> None:
        """Close this copy's fetchers (their connection pools): a worker's copy, after its run."""
        self._fetcher.close()
        if self._archive is not None:
            self._archive.fetcher.close()

    def contexts(self, url: str) -> tuple[CitationContext, ...]:
        """The distinct contexts ``url`` is cited in, in the order the checks are returned."""
        return self._contexts.get(url, (CitationContext(),))

    def cached(self, urls: Iterable[str]) -> Iterator[tuple[str, tuple[Check, ...]]]:
        """The judgements of each URL the cache has a fresh fetch of; the others are to fetch.

        The cache reads every URL's latest check, page and dead streak in one pass.
        """
        if self._cache is None:
            return
        now = self._now()
        found = self._cache.recall(urls, now, shaped_by=self._shaped_by, page_type=ExtractedPage)
        servable = {
            url: observation
            for url, observation in found.items()
            # A page stored by a run that needed no main text, when this one does, is read again.
            if observation.page is None
            or observation.page.main_text_read
            or not self._wants_main_text(url)
        }
        # What the pages said about their citations, recalled in one pass too.
        compare_drift = self._archive is not None and self._archive.options.compare_drift
        keys = (
            self._on_page_key(observation.check, context, compare_drift)
            for url, observation in servable.items()
            if observation.page is not None
            for context in self.contexts(url)
        )
        recalled = self._cache.get_answers((key for key in keys if key is not None), now, _OnPage)
        for url, observation in servable.items():
            yield url, self._judge_all(url, observation.check, observation.page, recalled)

    def __call__(self, url: str) -> tuple[Check, ...]:
        # verify() has served every fresh check from the cache before the run
        # (cached()), so what reaches here is fetched.
        fetched = self._remap(url)
        result = self._fetcher.fetch(fetched)
        probe_result = None
        if self._probe and needs_probe(result):
            probe_result = self._probe_once(probe_target(result))
        check = check_from_fetch(result, probe_result)
        if fetched != url:
            # The report keeps the cited URL; the evidence (http.final_url) is the fetched one.
            check = attrs.evolve(
                check,
                url=url,
                reason=f"{check.reason} (Fetched as {fetched}, rewritten by --remap.)",
                signals=(*check.signals, "remapped"),
            )
        live = self._extract(url, check, result)
        if self._cache is not None:
            self._cache.record(check, page=live, shaped_by=self._shaped_by)
        return self._judge_all(url, self._with_history(check), live)

    def _probe_once(self, url: str) -> FetchResult:
        with self._probe_locks_guard:
            lock = self._probe_locks.setdefault(url, threading.Lock())
        with lock:
            if url not in self._probes:
                self._probes[url] = self._fetcher.fetch(url)
            return self._probes[url]

    def _wants_main_text(self, url: str) -> bool:
        archives = self._archive
        return any(
            context.quotes or (self._support and context.claims) for context in self.contexts(url)
        ) or (archives is not None and archives.options.compare_drift)

    def _extract(self, url: str, check: Check, result: FetchResult) -> ExtractedPage | None:
        """The page's titles, dates and (when a citation needs it) main text, or None.

        Read for pages whose content the citations are matched against, and
        for error or parking verdicts that rest on the page's words alone (a
        citation carrying the page's own title overrules those). The main text
        is most of a page's CPU cost, so it is read only when a quote or the
        drift comparison will look at it.
        """
        readable = check.verdict in _CONTENT_FOR or VOCABULARY_ONLY in check.signals
        if not (readable and result.text and _is_html(result)):
            return None
        return extract_page(result.text, result.final_url, main_text=self._wants_main_text(url))

    def _judge_all(
        self,
        url: str,
        check: Check,
        live: ExtractedPage | None,
        recalled: Mapping[str, _OnPage] | None = None,
    ) -> tuple[Check, ...]:
        """Each citation context's check of ``url``; ``recalled``: the cache's on-page answers,
        when already read (None: each is looked up as it is needed)."""
        # An accepted status (--accept) is ok before any judgement: no archive is looked for.
        check = accept_status(check, self._accept)
        contexts = self.contexts(url)
        # The page is cut into sentences once, for every claim of every citation of it,
        # and only when one is judged here rather than recalled from the cache.
        text = live.main_text if self._support and live is not None else ""
        sentences = functools.cache(lambda: split_sentences(text) if text else ())
        return tuple(self._judge(check, live, context, sentences, recalled) for context in contexts)

    def _judge(
        self,
        check: Check,
        live: ExtractedPage | None,
        context: CitationContext,
        sentences: Callable[[], Sequence[Sentence]] = tuple,
        recalled: Mapping[str, _OnPage] | None = None,
    ) -> Check:
        """One citation's verdict on a fetched URL, from that citation's own evidence."""
        if (
            check.verdict in (Verdict.SOFT_404, Verdict.PARKED)
            and VOCABULARY_ONLY in check.signals
            and live is not None
            and context.title
            and live.titles
        ):
            score = title_match(context.title, live.titles)
            if score >= TITLE_MATCHED:
                check = attrs.evolve(
                    check,
                    verdict=Verdict.OK,
                    reason=(
                        f"The page's words are those of {_ERROR_WORDS[check.verdict]}, but it is "
                        "a full page carrying the cited title: it is the cited page, about "
                        "that subject."
                    ),
                    signals=(*check.signals, "title:cited"),
                )
        if check.verdict in _CONTENT_FOR and live is not None:
            return self._judge_content(check, live, context, sentences, recalled)
        if check.verdict in _ARCHIVE_FOR:
            if self._archive is None:
                if context.archived is not None:
                    status = ArchiveStatus(
                        ArchiveState.FOUND, "the citation names its own archived copy (archive-url)"
                    )
                    return attrs.evolve(check, archive=context.archived, archive_status=status)
                return attrs.evolve(
                    check, archive_status=ArchiveStatus(ArchiveState.NOT_REQUESTED, _NO_ARCHIVE)
                )
            copy, _, status = self._archive.find(check.url, context)
            return attrs.evolve(check, archive=copy, archive_status=status)
        if check.verdict in _INCONCLUSIVE:
            reason = (
                f"the verdict {check.verdict.value} is inconclusive: the page may be there, "
                "so no replacement is looked for"
            )
        else:
            reason = f"the verdict {check.verdict.value} needs no archived copy"
        return attrs.evolve(check, archive_status=ArchiveStatus(ArchiveState.NOT_REQUESTED, reason))

    def _judge_content(
        self,
        check: Check,
        live: ExtractedPage,
        context: CitationContext,
        sentences: Callable[[], Sequence[Sentence]],
        known: Mapping[str, _OnPage] | None,
    ) -> Check:
        """Match the citation's title, quotes and claims against the live page, and against the
        copy from its access date when the title or quote does not match (or ``--drift`` asks).

        A claim the copy from the access date supported and the live page no
        longer does makes the page ``drifted`` (see docs/verdicts.md, "Claim
        support"); the copy is never fetched for the claims alone.

        What the live page alone says about the citation (its content verdict
        and claims' support, most of a warm run's CPU) is a pure function of
        the page and the citation: it is kept in the cache under a key naming
        both (:meth:`_on_page_key`) and recalled by the next run.
        """
        quotes = context.quotes or None
        archives = self._archive
        compare_drift = archives is not None and archives.options.compare_drift
        page = live
        if not (quotes or compare_drift):
            # The main text compares with the copy's only for a citation that quotes the page,
            # or under --drift: text read for the claims alone must not change what decides
            # drifted (nor make one citation's verdict depend on another's claims).
            page = attrs.evolve(live, main_text_read=False)
        on_page_key = self._on_page_key(check, context, compare_drift)
        recalled = None
        if on_page_key is not None and known is not None:
            recalled = known.get(on_page_key)
        elif on_page_key is not None and self._cache is not None:
            recalled = self._cache.get_answer(on_page_key, self._now(), _OnPage)
        if recalled is not None:
            content = recalled.content
        else:
            content = content_verdict(
                page, title=context.title, quote=quotes, accessed=context.accessed
            )
        on_page = content
        compare = content.mismatched or compare_drift
        snapshot: SnapshotEvidence | None = None
        snapshot_page: ExtractedPage | None = None
        copy: ArchivedCopy | None = None
        if not compare:
            nothing = content.title_match is None and content.quote_match is None
            status = ArchiveStatus(
                ArchiveState.NOT_REQUESTED,
                "the citation gives no title or quote to match, so no archived copy was needed"
                if nothing
                else "the page matches the citation, so no archived copy was needed",
            )
        elif archives is None:
            status = ArchiveStatus(
                ArchiveState.NOT_REQUESTED,
                f"{_NO_ARCHIVE}; with them, the copy from the access date would tell a changed "
                "page from a wrong citation",
            )
        else:
            found = archives.snapshot(check.url, context)
            status, copy = found.status, found.copy
            if found.page is not None and copy is not None:
                content = content_verdict(
                    page,
                    title=context.title,
                    quote=quotes,
                    snapshot=found.page,
                    accessed=context.accessed,
                    snapshot_date=copy.timestamp.date(),
                )
                snapshot = SnapshotEvidence(
                    copy=copy,
                    title=found.page.title,
                    title_match=content.snapshot_title_match,
                    quote_match=content.snapshot_quote_match,
                )
                snapshot_page = found.page
        if snapshot_page is None and recalled is not None:
            support = recalled.support
        else:
            support = claims_support(
                context.claims,
                sentences(),
                split_sentences(snapshot_page.main_text) if snapshot_page is not None else (),
            )
        if snapshot_page is None and recalled is None and on_page_key is not None:
            assert self._cache is not None
            self._cache.record_answer(on_page_key, _OnPage(on_page, support), self._now())
        lost = next((item for item in support if item.lost), None)
        verdict = check.verdict
        reason = check.reason
        if lost is not None and not content.drifted and not content.inaccurate and copy is not None:
            assert lost.live is not None and lost.snapshot is not None
            verdict = Verdict.DRIFTED
            reason = (
                f"The page no longer supports the claim “{clip(lost.claim, 120)}”: the copy "
                f"archived on {copy.timestamp.date().isoformat()} did (support "
                f"{lost.snapshot.score:.2f} then, {lost.live.score:.2f} now)."
            )
        elif content.drifted:
            verdict = Verdict.DRIFTED
            reason = content.reason or reason
        elif content.inaccurate:
            verdict = Verdict.INACCURATE
            reason = content.reason or reason
        elif content.notes:
            reason = f"{reason} {' '.join(content.notes)}"
        if content.mismatched and snapshot is None:
            if not content.notes:
                reason = f"{reason} {_mismatch(content)}"
            reason = (
                f"{reason} It could not be compared with the archived copy from the access "
                f"date ({_why_no_copy(status)})."
            )
        return attrs.evolve(
            check,
            verdict=verdict,
            reason=reason,
            signals=(*check.signals, *content.signals, *support_signals(support)),
            title_match=content.title_match,
            quote_match=content.quote_match,
            matched_quote=content.matched_quote,
            drift=content.drift,
            page=content.page,
            # A live source needs no replacement link unless it drifted.
            archive=(copy or context.archived) if verdict is Verdict.DRIFTED else None,
            archive_status=status,
            snapshot=snapshot,
            support=support,
        )

    def _on_page_key(
        self, check: Check, context: CitationContext, compare_drift: bool
    ) -> str | None:
        """The cache key of what the live page says about a citation, or None to keep nothing.

        It names everything that decides it: the page (the digest of its body, its
        final URL and what shaped its fetch, citecheck's version included), the
        whole citation context, and the options that change the judgement.
        """
        if self._cache is None or check.sha256 is None:
            return None
        parts = (
            "on-page",
            self._shaped_by,
            check.url,
            check.http.final_url if check.http is not None else None,
            check.sha256,
            repr(context),
            f"support={self._support}",
            f"drift={compare_drift}",
        )
        digest = hashlib.sha256("\0".join(map(str, parts)).encode("utf-8", "surrogatepass"))
        return f"on-page {digest.hexdigest()}"

    def _with_history(self, check: Check) -> Check:
        if self._cache is None:
            return (
                check
                if check.verdict is not Verdict.DEAD
                else attrs.evolve(check, dead_since=check.fetched_at, dead_checks=1)
            )
        dead_since, dead_checks = self._cache.dead_record(check.url)
        return attrs.evolve(check, dead_since=dead_since, dead_checks=dead_checks)


def _mismatch(content: ContentVerdict) -> str:
    """One sentence on what of the citation the live page does not carry."""
    if content.quote_match is not None and content.quote_match < QUOTE_LOST:
        return (
            f"A quoted passage was not found on the page (quote match {content.quote_match:.2f})."
        )
    return f"The cited title matches the page's only at {content.title_match or 0:.2f}."


def _why_no_copy(status: ArchiveStatus) -> str:
    if status.state is ArchiveState.NONE:
        return "no archive has one"
    if status.state is ArchiveState.UNREACHABLE:
        return "the archive could not be reached"
    return status.reason


_ERROR_WORDS = {Verdict.SOFT_404: "an error page", Verdict.PARKED: "a parked domain"}

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


def _contexts(documents: Sequence[Document]) -> dict[str, tuple[CitationContext, ...]]:
    """Every URL's distinct citation contexts, in the order they are first cited."""
    contexts: dict[str, dict[CitationContext, None]] = {}
    for document in documents:
        for citation in document.citations:
            context = citation_context(citation, document)
            for url in citation.urls:
                contexts.setdefault(url, {})[context] = None
    return {url: tuple(found) for url, found in contexts.items()}


def _load(source: DocumentSource) -> Document:
    return source if isinstance(source, Document) else parse(source)


_CheckKey = tuple[str, CitationContext]
"""A judgement's key within a run: the URL and the citation context it was judged in."""
_ReuseKey = tuple[str, str, str]
"""A finished check's key in an interrupted run's report: document source, citation id, URL."""


def _reusable(report: Report | None) -> dict[_ReuseKey, Check]:
    if report is None:
        return {}
    # Pending and excluded checks saw no page: this run decides them afresh.
    return {
        (document.document.source, result.citation.id, check.url): check
        for document in report.documents
        for result in document.citations
        for check in result.checks
        if check.verdict not in (Verdict.PENDING, Verdict.EXCLUDED)
    }


INSECURE_WARNING = (
    "TLS certificates were not verified (--insecure): an HTTPS page checked in this run "
    "may have come from anyone between the checker and the site"
)


def verify(
    sources: DocumentSource | Sequence[DocumentSource],
    *,
    policy: FetchPolicy | None = None,
    cache: CheckCache | None = None,
    resolver: Resolver | None = None,
    executor: Executor | None = None,
    probe_soft_404: bool = True,
    cassette: Cassette | None = None,
    archive: ArchiveOptions | None = DEFAULT_ARCHIVE,
    exclude: Callable[[str], bool | str | None] | None = None,
    progress: Callable[[Check], None] | None = None,
    reuse: Report | None = None,
    now: Callable[[], datetime.datetime] = _utcnow,
    processes: int = 1,
    support: bool = True,
    accept: Collection[int] = (),
    remap: Remap | None = None,
) -> Report:
    """Check every URL cited by the given documents (parsed or paths).

    Each distinct URL is fetched once per run however often it is cited, with
    per-host politeness from ``policy``, and judged once per citation: every
    citation's check measures the page against its own title, quotes and
    access date. Network failures are verdicts, never exceptions; an
    unreadable document raises :class:`citecheck.InputError`. With a
    ``cassette``, every HTTP exchange is recorded to it or replayed from it.
    URLs for which ``exclude`` returns something true are not fetched: their
    checks are ``excluded``, with the string it returned as the reason (a
    :class:`citecheck.urlrules.UrlFilter` names the pattern). ``progress`` is
    called once per URL as it completes, with the worst of its citations'
    checks. ``accept`` holds status codes counted as ``ok`` rather than
    ``dead``, ``blocked`` or ``error`` (``--accept``); ``remap`` rewrites a URL
    before it is fetched (``--remap``, a :class:`citecheck.urlrules.Remap`),
    the check keeping the cited URL.

    ``archive`` defaults to the command line's lookups (:data:`DEFAULT_ARCHIVE`,
    the Wayback Machine): dead, soft-404 and parked URLs get the archived copy
    nearest each citation's access date, and a live page whose title or quote
    does not match is compared with that copy to tell ``drifted`` from
    ``inaccurate`` (every live page, with ``archive.compare_drift``).
    ``archive=None`` asks no archive (``--no-archive``). Every check says what
    became of its lookup in ``archive_status``. Checks in ``reuse`` (an
    interrupted run's report, see ``--resume``) are taken as they are, and a
    URL whose every citation has one is not fetched.

    ``processes`` > 1 spreads the checks over that many worker processes
    (:class:`citecheck.fetch.shards.ShardedExecutor`), each host in one of
    them, for runs whose CPU work outgrows one interpreter (see docs/scale.md);
    ``executor=DaskExecutor(client)`` (:mod:`citecheck.fetch.cluster`) does
    the same on the workers of a Dask cluster.
    The cache, resolver and ``now`` must then pickle; a cassette cannot be
    shared between processes, and each process spaces its archive calls
    ``processes`` times further apart so the archive sees the same rate.

    ``support`` (the default) gives every claim of every citation its support
    on the page (``Check.support``, see docs/verdicts.md, "Claim support"):
    the main text of every page a claim cites is read for it, about a third
    more CPU per page; ``support=False`` (``--no-support``) leaves it out.

    Ctrl-C (KeyboardInterrupt) during the run raises
    :class:`citecheck.errors.InterruptedRun` carrying a partial report of every
    check that finished, marked incomplete, with the URLs still pending (their
    checks are ``pending``).
    """
    if isinstance(sources, Document | str | os.PathLike):
        sources = [sources]
    documents = [_load(source) for source in sources]
    policy = policy or FetchPolicy()
    if policy.insecure:
        documents = [
            attrs.evolve(document, warnings=(*document.warnings, INSECURE_WARNING))
            for document in documents
        ]
    excluded: dict[str, str] = {}
    if exclude is not None:
        for document in documents:
            for citation in document.citations:
                for url in citation.urls:
                    why = exclude(url) if url not in excluded else None
                    if why:
                        excluded[url] = why if isinstance(why, str) else _EXCLUDED
    urls = [
        url
        for document in documents
        for citation in document.citations
        for url in citation.urls
        if url not in excluded
    ]
    if processes < 1:
        raise ValueError(f"processes must be at least 1, got {processes}")
    if processes > 1 and executor is not None:
        raise ValueError("give processes or an executor, not both")
    # A HostSharded executor passed in (a ShardedExecutor the CLI starts before
    # parsing, so that the workers' imports overlap the parse, or a Dask
    # cluster's DaskExecutor) counts like processes=N.
    spread = executor.processes if isinstance(executor, HostSharded) else processes
    if cassette is not None and (spread > 1 or isinstance(executor, HostSharded)):
        raise ValueError("a cassette is written by one process: use processes=1 with a cassette")
    reused = _reusable(reuse)
    contexts = _contexts(documents)
    with contextlib.ExitStack() as stack:
        pool = None
        if processes > 1:
            pool = ShardedExecutor(processes, max(1, policy.concurrency))
            stack.callback(pool.shutdown)
            executor = pool
        # One connection pool per host of the run: with fewer, a 50-host run at
        # concurrency 16 opened a new connection for every request (issue 17).
        hosts = len({host_key(url) for url in urls})
        fetcher = stack.enter_context(
            Fetcher(policy, resolver=resolver, cassette=cassette, hosts=hosts)
        )
        archive_parts = None
        if archive is not None:
            # Its own fetcher without retries: retries inside one archive call would
            # bypass the spacing the archive's rate limit needs.
            archive_fetcher = stack.enter_context(
                fetcher.with_policy(attrs.evolve(policy, retries=0))
            )
            archive_parts = _Archives(archive_fetcher, archive, spread, cache, now)
        checker = _UrlChecker(
            fetcher,
            cache,
            probe_soft_404,
            now,
            contexts,
            archive_parts,
            support,
            remap,
            accept,
        )
        if isinstance(executor, HostSharded):
            # Its processes keep a copy of the checker for the run; then they drop and close it.
            stack.callback(executor.release, checker)
        judged: dict[_CheckKey, Check] = {}
        finished: set[str] = set()

        def on_result(url: str, checks: tuple[Check, ...]) -> None:
            for context, check in zip(checker.contexts(url), checks, strict=True):
                judged[url, context] = check
            finished.add(url)
            if progress is not None and checks:
                progress(max(checks, key=lambda check: check.verdict.severity))

        def result_of(document: Document, pending: str | None = None) -> DocumentResult:
            return _document_result(document, judged, reused, excluded, pending)

        for url in dict.fromkeys(urls):
            if _all_reused(url, documents, reused):
                finished.add(url)
                if progress is not None:
                    progress(_reused_check(url, documents, reused))
        # Fresh checks come straight from the cache, in this thread: a warm run
        # then spends no time handing thousands of look-ups to worker threads.
        for url, cached in checker.cached(url for url in urls if url not in finished):
            on_result(url, cached)
        # With our own threads, a few more URL checks than requests: the
        # fetcher still lets only policy.concurrency requests out at once, and a
        # check analysing its page no longer keeps the next request waiting.
        # Another executor gets exactly policy.concurrency checks, since its
        # processes each hold a copy of the fetcher and its limit.
        checks_at_once = policy.concurrency
        if executor is None:
            checks_at_once += max(2, policy.concurrency // 4)
        # A HostSharded executor runs the scheduler its own way (a Dask cluster, on its workers).
        schedule = (
            executor.run_by_host
            if isinstance(executor, HostSharded)
            else functools.partial(run_by_host, executor=executor)
        )
        try:
            schedule(
                [url for url in urls if url not in finished],
                checker,
                key=host_key,
                concurrency=checks_at_once,
                per_host=policy.per_host_concurrency,
                per_host_delay=policy.per_host_delay,
                on_result=on_result,
            )
        except KeyboardInterrupt:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            partial = Report(
                documents=tuple(result_of(document, _PENDING) for document in documents),
                generated_at=now(),
                incomplete=True,
                pending=tuple(dict.fromkeys(url for url in urls if url not in finished)),
            )
            raise InterruptedRun(partial) from None
    return Report(
        documents=tuple(result_of(document) for document in documents),
        generated_at=now(),
    )


def _all_reused(url: str, documents: Sequence[Document], reused: Mapping[_ReuseKey, Check]) -> bool:
    return bool(reused) and all(
        (document.source, citation.id, url) in reused
        for document in documents
        for citation in document.citations
        if url in citation.urls
    )


def _reused_check(
    url: str, documents: Sequence[Document], reused: Mapping[_ReuseKey, Check]
) -> Check:
    return max(
        (
            reused[document.source, citation.id, url]
            for document in documents
            for citation in document.citations
            if url in citation.urls
        ),
        key=lambda check: check.verdict.severity,
    )


_EXCLUDED = "Excluded from checking: not fetched."
_PENDING = (
    "Not checked: the run stopped before this URL was fetched; "
    "run again with --resume REPORT.json to check it."
)


def _document_result(
    document: Document,
    judged: Mapping[_CheckKey, Check],
    reused: Mapping[_ReuseKey, Check],
    excluded: Mapping[str, str],
    pending: str | None = None,
) -> DocumentResult:
    """The citations' checks; an excluded URL gets an ``excluded`` check, and in an
    interrupted run (``pending`` is the reason) a URL not reached a ``pending`` one."""
    results = []
    for citation in document.citations:
        context = citation_context(citation, document)
        checks = []
        for url in citation.urls:
            check = judged.get((url, context)) or reused.get((document.source, citation.id, url))
            if check is None and url in excluded:
                check = Check(url=url, verdict=Verdict.EXCLUDED, reason=excluded[url])
            elif check is None and pending is not None:
                check = Check(url=url, verdict=Verdict.PENDING, reason=pending)
            if check is not None:
                checks.append(check)
        results.append(CitationResult(citation=citation, checks=tuple(checks)))
    return DocumentResult(document=document, citations=tuple(results))
