"""Save Page Now: ask a web archive to capture cited pages while they are alive.

The request shapes are those of the Internet Archive's Save Page Now 2 API
(SPN2), which self-hosted archives imitate::

    POST {base}/save            url=<page>&if_not_archived_within=<N>d
         Accept: application/json
         Authorization: LOW <access key>:<secret key>
      -> {"url": "<page>", "job_id": "spn2-…"}
    GET  {base}/save/status/<job_id>
      -> {"status": "pending"} … {"status": "success", "timestamp": "20260105120000",
          "original_url": "<page>"}  or  {"status": "error", "status_ext": "…", "message": "…"}

Manners, since an archive that blocks us is useless for every later run: one
capture at a time (SPN2 limits each account to a few concurrent captures, and
a citation checker has no hurry), ``min_interval`` seconds between capture
requests, status polled every ``poll_interval`` seconds at most ``max_polls``
times, a 429 answered by waiting its ``Retry-After`` (capped) at most
``max_retries`` times, after which captures stop for the run.

Keys come from the environment only (``CITECHECK_SPN_ACCESS_KEY``,
``CITECHECK_SPN_SECRET_KEY``), never from a file in the tree being checked,
and go only to the capture host: they are passed per request to the fetch
layer, which drops ``Authorization`` on a redirect to another origin. A
capture request is never recorded to a cassette.

The answer readers (:func:`read_save_answer`, :func:`read_status`) and
:func:`needs_capture` are pure; :class:`SavePageNow` reaches the network only
through :class:`citecheck.fetch.client.Fetcher`.
"""

from __future__ import annotations

import datetime
import enum
import json
import os
import time
from collections.abc import Callable, Mapping
from urllib.parse import quote

import attrs

from citecheck.archive.polite import Clock, Sleep, StopSwitch, Throttle
from citecheck.archive.snapshots import parse_stamp
from citecheck.errors import InputError
from citecheck.fetch.client import Fetcher, retry_after_seconds
from citecheck.fetch.result import FetchResult
from citecheck.model import ArchivedCopy

ACCESS_KEY_ENV = "CITECHECK_SPN_ACCESS_KEY"
SECRET_KEY_ENV = "CITECHECK_SPN_SECRET_KEY"
DEFAULT_CAPTURE_URL = "https://web.archive.org"


@attrs.frozen(repr=False)
class CaptureKeys:
    """An archive account's S3-style key pair; its repr never shows the secret."""

    access: str
    secret: str

    def __repr__(self) -> str:
        return f"CaptureKeys(access={self.access!r}, secret='***')"

    @property
    def header(self) -> tuple[str, str]:
        """The ``Authorization`` header SPN2 reads (``LOW access:secret``)."""
        return ("Authorization", f"LOW {self.access}:{self.secret}")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> CaptureKeys | None:
        """The keys from ``CITECHECK_SPN_ACCESS_KEY`` and ``…_SECRET_KEY``; None if neither is set.

        One without the other is an error (:class:`citecheck.InputError`): a
        half-configured account would silently capture anonymously.
        """
        environ = os.environ if environ is None else environ
        access = environ.get(ACCESS_KEY_ENV, "").strip()
        secret = environ.get(SECRET_KEY_ENV, "").strip()
        if not access and not secret:
            return None
        if not access or not secret:
            raise InputError(f"set both {ACCESS_KEY_ENV} and {SECRET_KEY_ENV}, or neither")
        return cls(access, secret)


@attrs.frozen
class CaptureOptions:
    """Where to capture and how politely. Times are in seconds."""

    capture_url: str = DEFAULT_CAPTURE_URL
    within_days: int = 30
    """A page with a snapshot this recent is not captured again."""
    min_interval: float = 10.0
    poll_interval: float = 5.0
    max_polls: int = 60
    max_retries: int = 3
    retry_after_cap: float = 600.0
    default_retry_after: float = 60.0
    """How long to wait after a 429 without ``Retry-After``."""


DEFAULT_CAPTURE = CaptureOptions()
"""The Internet Archive's Save Page Now, with the manners above."""


class CaptureState(enum.StrEnum):
    """What became of one page. The JSON report's archive reasons use these words."""

    CAPTURED = "captured"
    """The archive captured the page now; the outcome names the new snapshot."""
    RECENT = "recent"
    """A snapshot within ``within_days`` exists: nothing was asked."""
    FAILED = "failed"
    """The archive refused or failed the capture; the reason says how."""
    STOPPED = "stopped"
    """Captures stopped for the run (429s after every retry): this page was not asked."""


@attrs.frozen
class CaptureOutcome:
    """One page's capture: its state, the snapshot (captured or recent) and one sentence why."""

    url: str
    state: CaptureState
    reason: str
    copy: ArchivedCopy | None = None


def needs_capture(latest: ArchivedCopy | None, now: datetime.datetime, within_days: int) -> bool:
    """Whether a page whose newest snapshot is ``latest`` should be captured now."""
    if latest is None:
        return True
    return now - latest.timestamp > datetime.timedelta(days=within_days)


def _json(body: str | None) -> dict[str, object] | None:
    try:
        value = json.loads(body or "")
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def read_save_answer(body: str | None) -> tuple[str | None, str]:
    """The job id of a capture request's answer, or None and the archive's reason."""
    value = _json(body)
    if value is None:
        return None, "the archive's answer is not the Save Page Now JSON"
    job = value.get("job_id")
    if isinstance(job, str) and job:
        return job, ""
    message = value.get("message") or value.get("status_ext") or "no job id in the answer"
    return None, str(message)[:240]


@attrs.frozen
class CaptureStatus:
    """A status answer: ``pending``, ``success`` (with the capture's time) or ``error``."""

    status: str
    timestamp: datetime.datetime | None = None
    original_url: str | None = None
    message: str = ""


def read_status(body: str | None) -> CaptureStatus:
    """Read a status answer; anything unreadable is an ``error`` with the reason."""
    value = _json(body)
    if value is None:
        return CaptureStatus("error", message="the status answer is not JSON")
    status = str(value.get("status", ""))
    if status == "success":
        stamp = value.get("timestamp")
        when = parse_stamp(stamp) if isinstance(stamp, str) else None
        if when is None:
            return CaptureStatus("error", message="a success without a capture timestamp")
        original = value.get("original_url")
        return CaptureStatus(
            "success", when, original_url=original if isinstance(original, str) else None
        )
    if status == "pending":
        return CaptureStatus("pending")
    message = value.get("message") or value.get("status_ext") or f"status {status!r}"
    return CaptureStatus("error", message=str(message)[:240])


class SavePageNow:
    """Captures pages one at a time through a Save Page Now-compatible API.

    ``clock`` and ``sleep`` are injectable so tests never wait. After
    ``max_retries`` 429s in a row captures stop for this client's lifetime.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        options: CaptureOptions = DEFAULT_CAPTURE,
        keys: CaptureKeys | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        now: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.UTC),
    ) -> None:
        self.fetcher = fetcher
        self.options = options
        self.base = options.capture_url.rstrip("/")
        self._keys = keys
        self._sleep = sleep
        self._now = now
        self._throttle = Throttle(options.min_interval, clock=clock, sleep=sleep)
        self._stop = StopSwitch()
        self.requests = 0
        """Capture requests sent (429s and their retries included)."""

    def _headers(self) -> tuple[tuple[str, str], ...]:
        headers = [("Accept", "application/json")]
        if self._keys is not None:
            headers.append(self._keys.header)
        return tuple(headers)

    def capture(self, url: str) -> CaptureOutcome:
        """Ask for a capture of ``url`` and wait for it; never raises for the network."""
        stopped = self._stop.reason
        if stopped is not None:
            return CaptureOutcome(url, CaptureState.STOPPED, stopped)
        form = (("url", url), ("if_not_archived_within", f"{self.options.within_days}d"))
        retries = 0
        while True:
            answer = self._throttle.call(
                lambda: self.fetcher.fetch(f"{self.base}/save", headers=self._headers(), form=form)
            )
            self.requests += 1
            if answer.status != 429:
                break
            if retries >= self.options.max_retries:
                reason = (
                    f"the archive answered 429 (too many requests) {retries + 1} times; "
                    "captures stopped for this run"
                )
                self._stop.trip(reason)
                return CaptureOutcome(url, CaptureState.STOPPED, reason)
            retries += 1
            self._sleep(self._retry_after(answer))
        if answer.status != 200:
            why = answer.detail or f"HTTP {answer.status}"
            return CaptureOutcome(url, CaptureState.FAILED, f"the capture request failed: {why}")
        job, why = read_save_answer(answer.text)
        if job is None:
            return CaptureOutcome(url, CaptureState.FAILED, f"the archive refused: {why}")
        return self._wait(url, job)

    def _retry_after(self, answer: FetchResult) -> float:
        value = answer.header("Retry-After")
        seconds = retry_after_seconds(value, self._now())
        if seconds is None:
            seconds = self.options.default_retry_after
        return min(max(0.0, seconds), self.options.retry_after_cap)

    def _wait(self, url: str, job: str) -> CaptureOutcome:
        status_url = f"{self.base}/save/status/{quote(job, safe='')}"
        for _ in range(max(1, self.options.max_polls)):
            self._sleep(self.options.poll_interval)
            answer = self.fetcher.fetch(status_url, headers=self._headers())
            if answer.status == 429:
                self._sleep(self._retry_after(answer))
                continue
            if answer.status != 200:
                why = answer.detail or f"HTTP {answer.status}"
                return CaptureOutcome(url, CaptureState.FAILED, f"the status check failed: {why}")
            status = read_status(answer.text)
            if status.status == "pending":
                continue
            if status.status == "error" or status.timestamp is None:
                return CaptureOutcome(
                    url, CaptureState.FAILED, f"the archive could not capture it: {status.message}"
                )
            stamp = status.timestamp.strftime("%Y%m%d%H%M%S")
            copy = ArchivedCopy(
                url=f"{self.base}/web/{stamp}/{status.original_url or url}",
                timestamp=status.timestamp,
                source="capture",
            )
            return CaptureOutcome(
                url,
                CaptureState.CAPTURED,
                f"captured on {status.timestamp:%Y-%m-%d %H:%M} UTC",
                copy,
            )
        waited = self.options.max_polls * self.options.poll_interval
        return CaptureOutcome(
            url, CaptureState.FAILED, f"the capture was still pending after {waited:g} s"
        )
