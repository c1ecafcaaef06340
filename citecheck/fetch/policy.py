"""How politely and how carefully citecheck fetches: one immutable policy value.

Every knob the command line exposes (timeouts, caps, retries, allowed
networks, concurrency) lives here, so a fetch function takes one policy rather
than a dozen flags, and a test builds exactly the policy it needs.
"""

from __future__ import annotations

import ipaddress

import attrs

from citecheck._version import PROJECT_URL, __version__

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_USER_AGENT = f"citecheck/{__version__} (+{PROJECT_URL}; citation checker)"


def _networks(values: object) -> tuple[IPNetwork, ...]:
    if isinstance(values, str):
        values = (values,)
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)  # type: ignore[attr-defined]


@attrs.frozen
class FetchPolicy:
    """Limits and manners for fetching cited URLs.

    ``allowed_networks`` opens address ranges that are refused by default
    (loopback, private, link-local, …); the tests pass ``127.0.0.1/32``.
    """

    connect_timeout: float = 15.0
    read_timeout: float = 15.0
    # A server that drips one byte every few seconds never trips the read
    # timeout; the total deadline bounds every URL, retries included.
    total_deadline: float = 60.0
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 10
    retries: int = 2
    backoff_base: float = 0.5
    retry_after_cap: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT
    allowed_networks: tuple[IPNetwork, ...] = attrs.field(default=(), converter=_networks)
    concurrency: int = 16
    per_host_concurrency: int = 2
    per_host_delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()
    # TLS trust (issue 17): a PEM file (or directory) of trusted CAs instead of
    # certifi's; SSL_CERT_FILE / REQUESTS_CA_BUNDLE honoured only when
    # trust_env is set; insecure turns certificate checking off altogether.
    ca_bundle: str | None = None
    trust_env: bool = False
    insecure: bool = False
