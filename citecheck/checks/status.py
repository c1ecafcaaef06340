"""Verdicts that follow from the status code or the fetch failure alone.

The rule that matters most: a refusal is not a death. Link checkers call a
403 bot wall "dead" and editors then delete live citations; here 401, 403,
429, 451 and friends are ``blocked`` (inconclusive), and only 404, 410, a host
that does not resolve and a refused connection are ``dead``.
"""

from __future__ import annotations

import http
import urllib.parse

from citecheck.checks.textutil import clip
from citecheck.fetch.result import FetchFailure, FetchResult
from citecheck.model import Verdict

DEAD_STATUSES = frozenset({404, 410})
"""The server says the page is not there (410: and never will be)."""

BLOCKED_STATUSES = frozenset({401, 402, 403, 405, 406, 407, 418, 429, 451, 999})
"""The server refuses *us*; the page may well be there.

Beyond the issue's 401/403/407/429/451: 402 (paywalls and metered APIs), 405
(some WAFs answer a bot's GET with "Method Not Allowed" although browsers GET
the same page), 406 (mod_security rejecting the User-Agent), 418 (used as a
joke-refusal for bots) and LinkedIn's non-standard 999.
"""

NO_CONTENT_STATUSES = frozenset({204, 205})

_NON_STANDARD = {
    999: "Request Denied",
    520: "Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
    525: "SSL Handshake Failed",
    526: "Invalid SSL Certificate",
    530: "Origin Error",
}

_FAILURE_VERDICTS = {
    FetchFailure.DNS: Verdict.DEAD,
    FetchFailure.REFUSED: Verdict.DEAD,
    FetchFailure.UNSAFE_SCHEME: Verdict.UNSAFE,
    FetchFailure.UNSAFE_ADDRESS: Verdict.UNSAFE,
}


def status_text(status: int) -> str:
    """``404 Not Found``; ``599`` alone for a code without a known phrase."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = _NON_STANDARD.get(status, "")
    return f"{status} {phrase}".strip()


def _hostport(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return clip(url, 100)
    name = parts.hostname or url
    if port is None:
        return name
    if ":" in name:
        return f"[{name}]:{port}"
    return f"{name}:{port}"


def _attempts(result: FetchResult) -> str:
    return f" (after {result.attempts} attempts)" if result.attempts > 1 else ""


def _detail(result: FetchResult) -> str:
    return f" ({clip(result.detail, 120)})" if result.detail.strip() else ""


def _scheme(url: str) -> str:
    try:
        return urllib.parse.urlsplit(url).scheme.lower()
    except ValueError:
        return ""


def failure_verdict(result: FetchResult) -> tuple[Verdict, str, str]:
    """Verdict, reason and signal for a fetch that ended in a failure."""
    failure = result.failure
    assert failure is not None
    verdict = _FAILURE_VERDICTS.get(failure, Verdict.ERROR)
    signal = f"failure:{failure.value}"
    where = result.final_url or result.url
    host = _hostport(where)
    redirected = bool(result.redirects) and where != result.url
    lead = f"The URL redirects to {clip(where, 200)}, but " if redirected else ""
    if failure is FetchFailure.DNS:
        reason = f"The host name {host} does not resolve."
        if redirected:
            reason = f"{lead}its host name {host} does not resolve."
    elif failure is FetchFailure.REFUSED:
        reason = f"{lead}the server {host} refused the connection{_attempts(result)}."
    elif failure is FetchFailure.UNSAFE_SCHEME:
        scheme = _scheme(where)
        what = f"the {scheme}: scheme" if scheme else "this kind of address"
        reason = (
            f"The URL {clip(where, 200)} was not fetched: {what} is not allowed, "
            "only http and https are."
        )
    elif failure is FetchFailure.UNSAFE_ADDRESS:
        reason = (
            f"The URL {clip(where, 200)} was not fetched: its address is outside the "
            f"allowed networks{_detail(result)}."
        )
    elif failure is FetchFailure.TIMEOUT:
        reason = f"{lead}the server {host} did not answer in time{_attempts(result)}."
    elif failure is FetchFailure.TLS:
        reason = f"{lead}the secure connection to {host} failed{_detail(result)}."
    elif failure is FetchFailure.RESET:
        reason = f"{lead}the server {host} closed the connection mid-answer{_attempts(result)}."
    elif failure is FetchFailure.BAD_RESPONSE:
        reason = f"{lead}the server {host} sent a broken HTTP answer{_detail(result)}."
    elif failure is FetchFailure.DECOMPRESSION_BOMB:
        reason = f"{lead}the server {host} sent a compressed body that expands far too much."
    elif failure is FetchFailure.TOO_MANY_REDIRECTS:
        reason = f"The URL redirects too many times (stopped at {clip(where, 200)})."
    elif failure is FetchFailure.REDIRECT_LOOP:
        reason = f"The URL's redirects go round in a loop (back to {clip(where, 200)})."
    elif failure is FetchFailure.INVALID_URL:
        reason = f"The URL cannot be requested as written{_detail(result)}."
    elif failure is FetchFailure.NOT_RECORDED:
        reason = "The recording being replayed holds no answer for this URL."
    else:
        reason = f"{lead}fetching it failed{_detail(result)}."
        if not lead:
            reason = f"Fetching the URL failed{_detail(result)}."
    if lead == "" and reason[:1].islower():
        reason = reason[0].upper() + reason[1:]
    return verdict, reason, signal


def retry_after(result: FetchResult) -> str:
    """``"; it asks us to wait 120 seconds"`` from a ``Retry-After`` header, or ''."""
    value = (result.header("retry-after") or "").strip()
    if not value:
        return ""
    if value.isdigit():
        return f"; it asks us to wait {int(value)} seconds"
    return f"; it asks us to wait until {clip(value, 40)}"


def status_verdict(result: FetchResult, status: int) -> tuple[Verdict, str, str] | None:
    """Verdict, reason and signal for a status that decides alone; None for a 2xx."""
    text = status_text(status)
    signal = f"status:{status}"
    where = result.final_url or result.url
    redirected = bool(result.redirects) and where != result.url
    lead = (
        f"The URL redirects to {clip(where, 200)}, which answers"
        if redirected
        else ("The server answered")
    )
    if status in DEAD_STATUSES:
        return Verdict.DEAD, f"{lead} {text}.", signal
    if status in BLOCKED_STATUSES:
        if status == 429:
            return (
                Verdict.BLOCKED,
                f"{lead} {text}{retry_after(result)}: the server is rate-limiting us, "
                "try again later.",
                signal,
            )
        return (
            Verdict.BLOCKED,
            f"{lead} {text}: the server refused us, which is not proof the page is gone.",
            signal,
        )
    if 500 <= status <= 599:
        return (
            Verdict.ERROR,
            f"{lead} {text}{_attempts(result)}{retry_after(result)}: a server-side failure, "
            "try again later.",
            signal,
        )
    if status in NO_CONTENT_STATUSES:
        return Verdict.ERROR, f"{lead} {text}, with no page to read.", signal
    if 200 <= status <= 299:
        return None
    if 300 <= status <= 399:
        return (
            Verdict.ERROR,
            f"{lead} {text} without a usable address to go on to.",
            signal,
        )
    return (
        Verdict.ERROR,
        f"{lead} {text}, which says nothing about whether the page exists.",
        signal,
    )
