"""The records every stage of citecheck hands to the next.

They are frozen ``attrs`` classes so that a parsed document can be shared
between threads, cached and compared without defensive copies. Dates are
:class:`datetime.date` values; rendering them as ISO strings is the report
layer's job.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable

import attrs


class CitationKind(enum.StrEnum):
    """Where in the article a citation was found."""

    FOOTNOTE = "footnote"
    """A numbered note, usually in a block at the end of the article."""
    PARENTHETICAL = "parenthetical"
    """A source named in the body, such as ``(Radio Free Europe/Radio Liberty, November 29)``."""
    INLINE = "inline"
    """A bare URL in the body, such as ``To read the rest of the article: https://…``."""


def _tuple_of_str(value: str | Iterable[str]) -> tuple[str, ...]:
    """Accept a list or a single string where a tuple of strings is stored."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen
class Claim:
    """A statement of the article that a citation supports.

    ``start`` and ``end`` are offsets into :attr:`Document.text`, so a report
    can point at the sentence; ``line`` is 1-based in the same text.
    """

    text: str
    quote: str | None = None
    start: int = 0
    end: int = 0
    line: int | None = None


@attrs.frozen
class Citation:
    """One cited source, as the article gives it.

    ``urls`` are cleaned, absolute URLs; for a back-reference (``Ibid.``) they
    are the resolved ones of the citation named by ``ibid_of``. ``date`` is the
    source's own date and ``accessed`` the date the author says they read it.
    ``warnings`` says in plain words what the parser could not decide, such as
    an access date whose day and month could be either way round.
    """

    id: str
    label: str
    kind: CitationKind
    text: str
    authors: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    title: str | None = None
    publisher: str | None = None
    urls: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    doi: str | None = None
    date: datetime.date | None = None
    accessed: datetime.date | None = None
    ibid_of: str | None = None
    claims: tuple[Claim, ...] = ()
    line: int | None = None
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    archive_url: str | None = None
    """An archived copy the source itself names (Wikipedia's ``archive-url``)."""
    archive_date: datetime.date | None = None
    url_status: str | None = None
    """What the source says of its URL (Wikipedia's ``url-status``: live, dead, usurped, …)."""
    quote: str | None = None
    """A quotation the citation itself carries (``{{cite web |quote=…}}``)."""
    source_format: str | None = None
    """The input format the citation was read from (``text``, ``markdown``, ``wikitext``, …)."""


@attrs.frozen
class Document:
    """An article and the citations found in it.

    ``text`` is the normalised text every offset refers to; ``raw_text`` is the
    text as decoded from the source, kept so that nothing the author wrote is
    lost by repairs.
    """

    source: str
    text: str
    raw_text: str = ""
    title: str | None = None
    published: datetime.date | None = None
    citations: tuple[Citation, ...] = ()
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)

    def citation(self, citation_id: str) -> Citation:
        """Return the citation with this id; ``KeyError`` if there is none."""
        for citation in self.citations:
            if citation.id == citation_id:
                return citation
        raise KeyError(citation_id)

    def footnote(self, label: str) -> Citation:
        """Return the footnote with this label (``"3"``); ``KeyError`` if there is none."""
        for citation in self.citations:
            if citation.kind is CitationKind.FOOTNOTE and citation.label == label:
                return citation
        raise KeyError(label)


class Verdict(enum.StrEnum):
    """What checking a cited URL found. The JSON report uses these names."""

    OK = "ok"
    """Reachable and, as far as the checks go, still the cited source."""
    MOVED = "moved"
    """Permanently redirected (301/308) to a URL that serves the source: update the citation."""
    DEAD = "dead"
    """404/410, a redirect chain ending in one, an unresolvable host, a refused connection."""
    SOFT_404 = "soft_404"
    """A 200 (or a redirect) that serves an error page, the home page or a generic page."""
    PARKED = "parked"
    """The domain is parked or for sale."""
    DRIFTED = "drifted"
    """Reachable, but no longer the cited content: the title or quote the citation gives, or the
    text, was on the archived copy from the access date and is gone from the live page."""
    INACCURATE = "inaccurate"
    """Reachable, but the cited title or quote is not on the page, and was not on the archived
    copy from the access date either: the citation itself is wrong, not the page."""
    BLOCKED = "blocked"
    """401/403/429/451 or a bot challenge: the server refused us. Inconclusive, never dead."""
    ERROR = "error"
    """Timeouts, TLS failures, 5xx after retries, broken responses, redirect loops: inconclusive."""
    UNSAFE = "unsafe"
    """Refused by policy before any connection: a non-web scheme or a disallowed address."""
    NO_URL = "no_url"
    """The citation has no URL to check."""
    EXCLUDED = "excluded"
    """Not checked on purpose: an exclusion (``--exclude``, ``exclude`` in the configuration,
    ``.citecheckignore``) matched the URL; the reason names the pattern and where it came from."""
    PENDING = "pending"
    """Not checked yet: the run stopped (Ctrl-C, SIGTERM) before this URL was fetched.
    ``--resume`` with the partial report checks it."""

    @property
    def severity(self) -> int:
        """Rank for "the worst verdict of a citation's URLs": higher is worse.

        Conclusive failures outrank inconclusive ones, which outrank success, so
        a citation with one dead URL and one timed-out URL is reported dead.
        """
        return _SEVERITY[self]


_SEVERITY = {
    Verdict.NO_URL: 0,
    # Excluded on purpose says less than a check that found the page: a citation with
    # one excluded and one ok URL is ok.
    Verdict.EXCLUDED: 1,
    Verdict.OK: 2,
    # Not checked yet outranks ok, so a citation half checked is not shown as fine.
    Verdict.PENDING: 3,
    Verdict.BLOCKED: 4,
    Verdict.ERROR: 5,
    Verdict.MOVED: 6,
    Verdict.INACCURATE: 7,
    Verdict.DRIFTED: 8,
    Verdict.UNSAFE: 9,
    Verdict.SOFT_404: 10,
    Verdict.PARKED: 11,
    Verdict.DEAD: 12,
}


DEFAULT_FAIL_ON = (
    Verdict.DEAD,
    Verdict.SOFT_404,
    Verdict.PARKED,
    Verdict.UNSAFE,
    Verdict.DRIFTED,
)
"""The verdicts that fail a CI run unless ``--fail-on`` says otherwise.

``drifted`` fails only when it is confirmed against the archived copy from the
access date (:func:`is_failure`); ``dead`` only after ``confirm_dead`` checks.
"""


def worst_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    """The worst of several verdicts; ``no_url`` when there are none."""
    return max(verdicts, key=lambda verdict: verdict.severity, default=Verdict.NO_URL)


@attrs.frozen
class Redirect:
    """One hop of a redirect chain: the URL asked for and the status it answered with."""

    url: str
    status: int


@attrs.frozen
class HttpEvidence:
    """What the server said, kept as evidence in the report."""

    status: int | None
    final_url: str
    redirects: tuple[Redirect, ...] = ()
    elapsed_ms: int = 0
    content_type: str | None = None


@attrs.frozen
class PageInfo:
    """What a fetched page says about itself: its title and dates."""

    title: str | None = None
    published: datetime.date | None = None
    modified: datetime.date | None = None


@attrs.frozen
class ArchivedCopy:
    """A web-archive snapshot of a URL, as Wikipedia's ``archive-url`` uses it.

    ``url`` is the snapshot's address (``https://web.archive.org/web/20230414…/…``)
    and ``timestamp`` when the archive captured it (UTC).
    """

    url: str
    timestamp: datetime.datetime
    source: str = "wayback"


class ArchiveState(enum.StrEnum):
    """What became of the archive lookup for one check. The JSON report uses these names."""

    FOUND = "found"
    """An archive has a copy from (or near) the access date; ``Check.archive`` or
    ``Check.snapshot`` names it."""
    NONE = "none"
    """The archives answered, and none has a usable copy of the URL."""
    UNREACHABLE = "unreachable"
    """No archive could be asked successfully: the reason carries the error."""
    NOT_REQUESTED = "not_requested"
    """No archive was asked: lookups are off (``--no-archive``), the verdict needs no copy,
    or lookups stopped for the run (the archive's rate limit); the reason says which."""


@attrs.frozen
class ArchiveStatus:
    """Whether an archived copy was looked for, what came of it, and why, in one sentence."""

    state: ArchiveState
    reason: str = ""


@attrs.frozen
class SnapshotEvidence:
    """The archived copy from the access date, as compared with the live page: the "before".

    ``title_match`` and ``quote_match`` score the citation's title and quote
    on the copy, as ``Check.title_match`` and ``Check.quote_match`` do on the
    live page; ``title`` is the copy's own title. A ``drifted`` check with
    this evidence is confirmed; an ``inaccurate`` one always has it.
    """

    copy: ArchivedCopy
    title: str | None = None
    title_match: float | None = None
    quote_match: float | None = None


class SupportVerdict(enum.StrEnum):
    """How well a page supports a claim of the article. The JSON report uses these names."""

    SUPPORTED = "supported"
    """The evidence covers the claim, its numbers, names and negations included."""
    PARTIAL = "partial"
    """Some of the claim is on the page, not all of it (WiCE's "partially supported")."""
    UNSUPPORTED = "unsupported"
    """No passage of the page says what the claim says."""


Span = tuple[int, int]
"""A ``(start, end)`` range of characters in the text it belongs to."""


@attrs.frozen
class EvidenceSentence:
    """A sentence of a page offered as evidence for a claim.

    ``start`` and ``end`` are its offsets in the page's main text (as
    extracted, see docs/verdicts.md), ``marks`` the ranges of ``text`` whose
    words the claim shares, for a report to highlight.
    """

    text: str
    start: int
    end: int
    marks: tuple[Span, ...] = ()


@attrs.frozen
class PageSupport:
    """How well one version of a page (live, or the copy from the access date) supports a claim.

    ``score`` is 0..1; ``evidence`` the supporting sentences, best first;
    ``missing`` the numbers, names or negations of the claim the page lacks.
    """

    score: float
    verdict: SupportVerdict
    evidence: tuple[EvidenceSentence, ...] = ()
    missing: tuple[str, ...] = ()


@attrs.frozen
class ClaimSupport:
    """One claim of a citation, with the page's support for it, then and now.

    ``live`` is measured on the live page, ``snapshot`` on the archived copy
    from the access date when one was read (the same copy as
    ``Check.snapshot``). ``claim_marks`` are the ranges of ``claim`` whose
    words the live page's evidence shares. ``lost``: the copy supported the
    claim and the live page no longer does, which makes the page ``drifted``
    (see docs/verdicts.md, "Claim support").
    """

    claim: str
    quote: str | None = None
    live: PageSupport | None = None
    snapshot: PageSupport | None = None
    claim_marks: tuple[Span, ...] = ()
    lost: bool = False


@attrs.frozen
class Check:
    """The verdict on one URL, as one citation cites it, and the evidence behind it.

    A URL is fetched once per run, but each citation of it gets its own Check:
    ``title_match``, ``quote_match``, ``drift`` and the verdict they decide are
    measured against that citation's own title, quote and access date.
    ``reason`` is one plain sentence a person can act on; ``sha256`` and
    ``bytes`` describe the body as read (up to the size cap). ``signals`` are
    short tags of what decided the verdict (``"status:404"``, ``"parking:sedo"``).
    """

    url: str
    verdict: Verdict
    reason: str
    http: HttpEvidence | None = None
    signals: tuple[str, ...] = ()
    fetched_at: datetime.datetime | None = None
    sha256: str | None = None
    bytes: int = 0
    from_cache: bool = False
    dead_since: datetime.datetime | None = None
    """When the current run of ``dead`` checks began (from the cache's history)."""
    dead_checks: int = 0
    """How many checks in a row, this one included, found the URL dead."""
    title_match: float | None = None
    """0..1: how well the citation's title matches the page's titles (None: nothing to match)."""
    quote_match: float | None = None
    """0..1: the best fuzzy match of the claim's quote in the page's main text."""
    matched_quote: str | None = None
    """The snippet of the page that ``quote_match`` found."""
    drift: float | None = None
    """0..1: how far the live page's main text is from the archived copy (0 = same)."""
    page: PageInfo | None = None
    archive: ArchivedCopy | None = None
    """The archived copy offered as a replacement link (for dead, soft-404, parked and drifted
    pages)."""
    archive_status: ArchiveStatus | None = None
    """Whether an archive was asked for this check and what it said (None: before lookups
    were reported, or a parse-only record)."""
    snapshot: SnapshotEvidence | None = None
    """The archived copy from the access date as compared with the live page, when one was."""
    support: tuple[ClaimSupport, ...] = ()
    """For each claim of the citation, in order: how well the page (and the copy from the access
    date, when one was read) supports it. Empty when the citation has no claim or the page has no
    text to read (an error, a PDF, a page not reached)."""

    @property
    def confirmed(self) -> bool:
        """Whether the verdict stands on its own evidence.

        A ``drifted`` verdict is confirmed only against the archived copy from
        the access date (``snapshot``); without one it rests on the live page's
        dates alone and only warns. Every other verdict is its own evidence.
        """
        return self.verdict is not Verdict.DRIFTED or self.snapshot is not None


def is_failure(check: Check, fail_on: Iterable[Verdict], confirm_dead: int = 1) -> bool:
    """Whether ``check`` fails a CI run: its verdict is in ``fail_on`` and confirmed.

    A ``dead`` check counts once ``confirm_dead`` checks in a row found the URL
    dead; a ``drifted`` one once it was confirmed against the archived copy
    (:attr:`Check.confirmed`). The exit code and the CI report formats all ask
    this one function, so they fail exactly the same checks.
    """
    if check.verdict not in set(fail_on):
        return False
    if check.verdict is Verdict.DEAD:
        return check.dead_checks >= confirm_dead
    return check.confirmed


def failing_verdicts(report: Report, fail_on: Iterable[Verdict], confirm_dead: int = 1) -> int:
    """How many checks fail the run (:func:`is_failure`).

    A dead check counts only once ``confirm_dead`` checks in a row have found the
    URL dead, so a CI job can wait out a site's bad day before failing; a
    drifted one only when the archived copy from the access date confirmed it.
    """
    wanted = tuple(fail_on)
    return sum(
        is_failure(check, wanted, confirm_dead)
        for document in report.documents
        for result in document.citations
        for check in result.checks
    )


@attrs.frozen
class CitationResult:
    """A citation with the checks of its URLs; its verdict is the worst of theirs."""

    citation: Citation
    checks: tuple[Check, ...] = ()

    @property
    def verdict(self) -> Verdict:
        """The worst verdict among the checks, or ``no_url``."""
        return worst_verdict(check.verdict for check in self.checks)


@attrs.frozen
class DocumentResult:
    """A verified document: its parse and the result of every citation."""

    document: Document
    citations: tuple[CitationResult, ...] = ()


@attrs.frozen
class Report:
    """Everything a run found, ready to render."""

    documents: tuple[DocumentResult, ...] = ()
    generated_at: datetime.datetime | None = None
    incomplete: bool = False
    """The run was interrupted: ``pending`` URLs were not checked (see ``--resume``)."""
    pending: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)

    def summary(self) -> dict[Verdict, int]:
        """How many citations got each verdict, every verdict listed."""
        counts = dict.fromkeys(Verdict, 0)
        for document in self.documents:
            for result in document.citations:
                counts[result.verdict] += 1
        return counts
