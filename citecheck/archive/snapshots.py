"""Which archived capture stands in for a cited page: pure logic, no I/O.

The Wayback Machine often holds hundreds of captures of one URL. The one a
citation needs is the page *as the author read it*, so the choice is driven by
the citation's access date, the way Wikipedia's ``archive-url`` is meant to be
filled in: the last good capture on or before the access date, else the
first one after it. The newest capture is the wrong answer for exactly the
cases that matter: a dead link's newest captures are often the 404 page or the
domain parker's page, and a drifted page's newest capture is the drifted text.

This module also reads the two formats the archives answer in: the CDX API's
JSON (a header row, then one row per capture) and the HTTP ``Link`` header of
Memento (RFC 7089, with RFC 8288's link syntax).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from email.utils import format_datetime, parsedate_to_datetime

import attrs

CDX_FIELDS = ("timestamp", "original", "statuscode", "mimetype", "digest")
"""The CDX fields citecheck asks for (``fl=``), in this order."""


@attrs.frozen
class Capture:
    """One capture in an archive's index (a CDX row).

    ``stamp`` is the archive's own 14-digit ``yyyyMMddhhmmss`` string, kept
    verbatim because snapshot addresses are built from it; ``timestamp`` is
    the same instant as an aware UTC datetime. ``status`` is None for rows
    whose status is ``-`` (Wayback revisit records).
    """

    stamp: str
    original: str
    status: int | None = None
    mimetype: str = ""
    digest: str = ""

    @property
    def timestamp(self) -> datetime.datetime:
        """When the archive captured the page (UTC)."""
        parsed = parse_stamp(self.stamp)
        if parsed is None:  # only reachable for a Capture built by hand with a bad stamp
            raise ValueError(f"not a Wayback timestamp: {self.stamp!r}")
        return parsed

    @property
    def successful(self) -> bool:
        """A 2xx or 3xx capture: something a reader can be sent to."""
        return self.status is not None and 200 <= self.status < 400


def parse_stamp(stamp: str) -> datetime.datetime | None:
    """A Wayback ``yyyyMMddhhmmss`` stamp (1–14 digits, padded low) as UTC, or None.

    The CDX API and snapshot URLs accept shortened stamps (``2023``,
    ``20230414``); the missing parts are the start of that period.
    """
    if not stamp or len(stamp) > 14 or not (stamp.isascii() and stamp.isdigit()):
        return None
    padded = stamp + "00000101000000"[len(stamp) :]
    try:
        return datetime.datetime(
            int(padded[0:4]),
            int(padded[4:6]),
            int(padded[6:8]),
            int(padded[8:10]),
            int(padded[10:12]),
            int(padded[12:14]),
            tzinfo=datetime.UTC,
        )
    except ValueError:  # month 13, 30 February, hour 24
        return None


def format_stamp(when: datetime.datetime | datetime.date) -> str:
    """The 14-digit Wayback stamp of ``when`` (a date is its first second; naive means UTC)."""
    if not isinstance(when, datetime.datetime):
        when = datetime.datetime(when.year, when.month, when.day, tzinfo=datetime.UTC)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when.astimezone(datetime.UTC).strftime("%Y%m%d%H%M%S")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last second of ``day`` in UTC.

    "Accessed 14 April 2023" covers the whole day: a capture at 18:00 that
    day is still on or before the access date. UTC is an approximation (the
    author's time zone is unknown); it errs by at most a day.
    """
    return datetime.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=datetime.UTC)


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


def _candidates(captures: Sequence[Capture]) -> list[Capture]:
    """The captures worth choosing from, oldest first.

    2xx captures win; 3xx captures are used only when there is no 2xx one at
    all, because replaying an archived redirect sends the reader wherever the
    site redirected that day, quite often its home page (a dead article URL
    "fixed" by a redirect to ``/``). 4xx/5xx captures (the archived error
    page) and revisit rows without a status are never chosen.
    """
    usable = [c for c in captures if c.successful and parse_stamp(c.stamp) is not None]
    ok = [c for c in usable if c.status is not None and c.status < 300]
    chosen = ok or usable
    # Stable sort: captures in the same second keep the archive's order.
    return sorted(chosen, key=lambda c: c.timestamp)


def select_snapshot(
    captures: Sequence[Capture],
    access: datetime.date | None,
    article_date: datetime.date | None,
) -> Capture | None:
    """The capture that best shows the page as the citation's author saw it, or None.

    * With an access date: the last successful capture on or before the end of
      that day, else the first one after it.
    * Without one but with the article's date: the capture nearest that date
      (on a tie, the earlier one: the article can only cite what existed).
    * With neither: the newest successful capture.

    Successful means 2xx, or 3xx when the URL has no 2xx capture at all.
    """
    candidates = _candidates(captures)
    if not candidates:
        return None
    if access is not None:
        limit = end_of_day(access)
        before = [c for c in candidates if c.timestamp <= limit]
        if before:
            return before[-1]
        return candidates[0]  # all are after the access date: the first after it
    if article_date is not None:
        # Nearest to the whole day: any capture within the day is distance 0.
        start, end = _start_of_day(article_date), end_of_day(article_date)

        def distance(capture: Capture) -> tuple[float, int]:
            when = capture.timestamp
            if when < start:
                return (start - when).total_seconds(), 0
            if when > end:
                return (when - end).total_seconds(), 1
            return 0.0, 0

        # min() keeps the first of equals, and candidates are oldest first.
        return min(candidates, key=distance)
    return candidates[-1]


# --------------------------------------------------------------------------
# The CDX API's JSON


class CdxFormatError(ValueError):
    """The CDX answer is not the JSON the API documents."""


def parse_cdx_json(data: bytes | str) -> list[Capture]:
    """Captures from a CDX API answer with ``output=json``.

    The documented shape is an array of arrays of strings whose first row
    names the fields (``["timestamp","original",…]``), or ``[]`` when nothing
    matched. Columns are found by name, not position, so any ``fl=`` order
    works. Rows that cannot be captures (the empty row and resume key the API
    appends with ``showResumeKey=true``, a malformed stamp) are skipped;
    anything that is not that shape at all raises :class:`CdxFormatError`.
    """
    try:
        rows = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise CdxFormatError(f"the answer is not JSON ({exc})") from exc
    if not isinstance(rows, list):
        raise CdxFormatError("the answer is not a JSON array")
    if not rows:
        return []
    header = rows[0]
    if not isinstance(header, list) or not all(isinstance(name, str) for name in header):
        raise CdxFormatError("the first row is not a header of field names")
    columns = {name: index for index, name in enumerate(header)}
    for needed in ("timestamp", "original"):
        if needed not in columns:
            raise CdxFormatError(f"the header has no {needed!r} field")
    captures: list[Capture] = []
    for row in rows[1:]:
        if not isinstance(row, list):
            raise CdxFormatError("a row is not an array")
        if len(row) != len(header) or not all(isinstance(cell, str) for cell in row):
            continue
        stamp = row[columns["timestamp"]]
        if parse_stamp(stamp) is None:
            continue
        captures.append(
            Capture(
                stamp=stamp,
                original=row[columns["original"]],
                status=_status(row, columns),
                mimetype=_cell(row, columns, "mimetype"),
                digest=_cell(row, columns, "digest"),
            )
        )
    return captures


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return row[index] if index is not None else ""


def _status(row: list[str], columns: dict[str, int]) -> int | None:
    text = _cell(row, columns, "statuscode")
    # "-" marks revisit records (same content as an earlier capture).
    if len(text) == 3 and text.isascii() and text.isdigit():
        return int(text)
    return None


# --------------------------------------------------------------------------
# Memento (RFC 7089) headers


@attrs.frozen
class Link:
    """One entry of an HTTP ``Link`` header: the target, its relations, its datetime."""

    uri: str
    rels: tuple[str, ...] = ()
    datetime: datetime.datetime | None = None


MAX_LINK_HEADER = 1024 * 1024
"""Longer Link headers are cut here (a TimeMap-sized header is already absurd)."""


def http_date(when: datetime.datetime | datetime.date) -> str:
    """``when`` as an RFC 1123 date (``Fri, 14 Apr 2023 23:59:59 GMT``) for Accept-Datetime."""
    if not isinstance(when, datetime.datetime):
        when = end_of_day(when)
    elif when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return format_datetime(when.astimezone(datetime.UTC), usegmt=True)


def parse_http_date(value: str | None) -> datetime.datetime | None:
    """An RFC 1123 date (Memento-Datetime) as aware UTC, or None."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when.astimezone(datetime.UTC)


def parse_link_header(value: str) -> list[Link]:
    """The entries of a ``Link`` header (RFC 8288), by a single linear scan.

    ``<uri>; rel="memento first"; datetime="Fri, 14 Apr 2023 …"`` entries are
    separated by commas, but the datetime values contain commas themselves,
    so the header is scanned for ``<…>`` and quoted strings rather than split.
    Unparseable parts are skipped.
    """
    text = value[:MAX_LINK_HEADER]
    links: list[Link] = []
    i, n = 0, len(text)
    while i < n:
        start = text.find("<", i)
        if start < 0:
            break
        end = text.find(">", start + 1)
        if end < 0:
            break
        uri = text[start + 1 : end].strip()
        i = end + 1
        params: dict[str, str] = {}
        # Parameters up to the next comma outside quotes.
        while i < n:
            while i < n and text[i] in " \t;":
                i += 1
            if i >= n or text[i] == ",":
                i += 1
                break
            if text[i] == "<":
                break  # a missing comma: the next link starts here
            eq = i
            while eq < n and text[eq] not in "=;,<":
                eq += 1
            name = text[i:eq].strip().lower()
            i = eq
            val = ""
            if i < n and text[i] == "=":
                i += 1
                while i < n and text[i] in " \t":
                    i += 1
                if i < n and text[i] == '"':
                    close = text.find('"', i + 1)
                    close = n if close < 0 else close
                    val = text[i + 1 : close]
                    i = close + 1
                else:
                    stop = i
                    while stop < n and text[stop] not in ";,":
                        stop += 1
                    val = text[i:stop].strip()
                    i = stop
            if name and name not in params:
                params[name] = val
        rels = tuple(params.get("rel", "").lower().split())
        links.append(Link(uri=uri, rels=rels, datetime=parse_http_date(params.get("datetime"))))
    return links


def choose_memento(links: Sequence[Link], when: datetime.datetime) -> Link | None:
    """The memento of a Link header to use for ``when``: the same rule as :func:`select_snapshot`.

    The last memento at or before ``when``, else the first after it. Entries
    without ``rel="memento"`` (original, timegate, timemap) or without a
    datetime cannot be placed in time and are ignored.
    """
    mementos = sorted(
        (link for link in links if "memento" in link.rels and link.datetime is not None),
        key=lambda link: link.datetime or when,
    )
    if not mementos:
        return None
    before = [link for link in mementos if link.datetime is not None and link.datetime <= when]
    return before[-1] if before else mementos[0]
