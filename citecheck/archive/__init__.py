"""Web archives: the copy of a cited page from the day it was read.

``select_snapshot`` and the format readers in :mod:`.snapshots` are pure;
:class:`WaybackClient` (CDX API) and :class:`MementoClient` (RFC 7089
TimeGates) reach the network only through :class:`citecheck.fetch.client.Fetcher`.
See docs/archives.md.
"""

from __future__ import annotations

from citecheck.archive.lookup import ArchiveLookup
from citecheck.archive.memento import MementoClient
from citecheck.archive.polite import Memo, StopSwitch, Throttle
from citecheck.archive.snapshots import (
    CDX_FIELDS,
    Capture,
    CdxFormatError,
    Link,
    choose_memento,
    end_of_day,
    format_stamp,
    http_date,
    parse_cdx_json,
    parse_http_date,
    parse_link_header,
    parse_stamp,
    select_snapshot,
)
from citecheck.archive.wayback import (
    DEFAULT_MIN_INTERVAL,
    DEFAULT_WAYBACK_URL,
    CdxAnswer,
    WaybackClient,
)

__all__ = [
    "CDX_FIELDS",
    "DEFAULT_MIN_INTERVAL",
    "DEFAULT_WAYBACK_URL",
    "ArchiveLookup",
    "Capture",
    "CdxAnswer",
    "CdxFormatError",
    "Link",
    "MementoClient",
    "Memo",
    "StopSwitch",
    "Throttle",
    "WaybackClient",
    "choose_memento",
    "end_of_day",
    "format_stamp",
    "http_date",
    "parse_cdx_json",
    "parse_http_date",
    "parse_link_header",
    "parse_stamp",
    "select_snapshot",
]
