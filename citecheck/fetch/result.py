"""What one fetch of a URL produced, successful or not.

The fetch layer never raises for a network problem: every failure becomes a
:class:`FetchResult` with a :class:`FetchFailure`, so the checks stage can
classify it and the report can show it.
"""

from __future__ import annotations

import datetime
import enum

import attrs

from citecheck.model import Redirect


class FetchFailure(enum.StrEnum):
    """Why a fetch ended without a usable final response."""

    DNS = "dns"
    """The host name does not resolve."""
    REFUSED = "refused"
    """The connection was refused (nothing listens there)."""
    RESET = "reset"
    """The connection was reset or closed mid-exchange."""
    TIMEOUT = "timeout"
    """Connect, read or total deadline exceeded."""
    TLS = "tls"
    """The TLS handshake failed or the certificate is not trusted."""
    TOO_MANY_REDIRECTS = "too_many_redirects"
    """More redirects than the policy allows."""
    REDIRECT_LOOP = "redirect_loop"
    """A redirect chain came back to a URL it had already visited."""
    UNSAFE_SCHEME = "unsafe_scheme"
    """A scheme other than http(s), refused before any connection."""
    UNSAFE_ADDRESS = "unsafe_address"
    """An address outside the allowed networks, refused before any connection."""
    BAD_RESPONSE = "bad_response"
    """The server's answer was not valid HTTP (bad status line, broken chunking, …)."""
    DECOMPRESSION_BOMB = "decompression_bomb"
    """The body expanded far beyond its compressed size and was stopped."""
    INVALID_URL = "invalid_url"
    """The URL cannot be requested at all (no host, bad characters, too long)."""
    NOT_RECORDED = "not_recorded"
    """Replaying a cassette that holds no answer for this request."""
    OTHER = "other"
    """Anything else; the detail says what."""


def header_value(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The first value of header ``name`` among ``headers`` (case-insensitive), or None."""
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


@attrs.frozen
class FetchResult:
    """One URL fetched: the final response (if any) and how it was reached.

    ``redirects`` lists every hop before the final response, in order, each with
    the status that sent us on. ``body`` holds at most the policy's byte cap;
    ``truncated`` says whether more was on offer. ``text`` is the body decoded
    with the charset from the header, the ``<meta>`` tag or detection, for
    textual content types only.
    """

    url: str
    final_url: str
    status: int | None = None
    redirects: tuple[Redirect, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str | None = None
    body: bytes = b""
    truncated: bool = False
    text: str | None = None
    encoding: str | None = None
    elapsed_ms: int = 0
    fetched_at: datetime.datetime | None = None
    sha256: str | None = None
    bytes_read: int = 0
    attempts: int = 1
    failure: FetchFailure | None = None
    detail: str = ""

    def header(self, name: str) -> str | None:
        """The final response's header ``name`` (case-insensitive), or None."""
        return header_value(self.headers, name)
