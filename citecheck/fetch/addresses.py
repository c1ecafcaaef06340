"""Which URLs and addresses citecheck may connect to: pure rules plus the resolver protocol.

A citation checker fetches URLs that strangers wrote. Without a guard, a URL
such as ``http://169.254.169.254/latest/meta-data/`` (the AWS/GCP/Azure
metadata service) or ``http://localhost:8080/admin`` turns a CI job into a
proxy into its own network (server-side request forgery). So only http(s) is
fetched, and only addresses that are routable on the public internet, unless
the caller opens a range with ``FetchPolicy.allowed_networks``.

Everything here is pure except :class:`SystemResolver`, which asks the
operating system (``getaddrinfo``). The client resolves a host once, checks
*every* answer with :func:`refusal_reason`, and then connects to the vetted
address itself, so a DNS server that answers "public" first and "private" on
the next lookup (DNS rebinding) cannot slip a private address in between.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Iterable
from typing import Protocol

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

WEB_SCHEMES = frozenset({"http", "https"})
"""The only schemes fetched: ``file:``, ``ftp:``, ``data:``, ``javascript:`` … are refused."""


class Resolver(Protocol):
    """Turns a host name into IP address strings.

    Raising :class:`socket.gaierror` or returning ``[]`` means the name does
    not resolve. Tests inject their own resolver so that no real name is ever
    looked up.
    """

    def resolve(self, host: str, port: int) -> list[str]:
        """Return the addresses of ``host`` (IPv4 or IPv6 text), in the order to try them."""
        ...


class SystemResolver:
    """The operating system's resolver (``/etc/hosts``, DNS, …) through ``getaddrinfo``."""

    def resolve(self, host: str, port: int) -> list[str]:
        """Return the unique addresses ``getaddrinfo`` gives for a TCP connection, in its order."""
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
        addresses: list[str] = []
        for family, _type, _proto, _canonname, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            address = str(sockaddr[0])
            if address not in addresses:
                addresses.append(address)
        return addresses


def _v4(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr)


def _v6(cidr: str) -> ipaddress.IPv6Network:
    return ipaddress.IPv6Network(cidr)


# Named so that a refusal says *why* ("link-local (cloud metadata)"), which a
# user needs to decide whether to pass --allow-network. Sources: the IANA IPv4
# and IPv6 Special-Purpose Address Registries (RFC 6890 and successors).
_REFUSED_V4: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_v4("0.0.0.0/8"), "unspecified ('this network')"),
    (_v4("10.0.0.0/8"), "private"),
    (_v4("100.64.0.0/10"), "carrier-grade NAT"),
    (_v4("127.0.0.0/8"), "loopback"),
    (_v4("169.254.0.0/16"), "link-local (cloud metadata)"),
    (_v4("172.16.0.0/12"), "private"),
    (_v4("192.0.0.0/24"), "IETF protocol assignment"),
    (_v4("192.0.2.0/24"), "documentation"),
    (_v4("192.88.99.0/24"), "reserved (6to4 relay)"),
    (_v4("192.168.0.0/16"), "private"),
    (_v4("198.18.0.0/15"), "benchmarking"),
    (_v4("198.51.100.0/24"), "documentation"),
    (_v4("203.0.113.0/24"), "documentation"),
    (_v4("224.0.0.0/4"), "multicast"),
    (_v4("255.255.255.255/32"), "broadcast"),
    (_v4("240.0.0.0/4"), "reserved"),
)

_REFUSED_V6: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_v6("::/128"), "unspecified"),
    (_v6("::1/128"), "loopback"),
    (_v6("64:ff9b:1::/48"), "local-use NAT64"),
    (_v6("100::/64"), "discard-only"),
    (_v6("2001::/32"), "Teredo tunnel"),
    (_v6("2001:2::/48"), "benchmarking"),
    (_v6("2001:10::/28"), "reserved (ORCHID)"),
    (_v6("2001:db8::/32"), "documentation"),
    (_v6("3fff::/20"), "documentation"),
    (_v6("fc00::/7"), "unique local (private)"),
    (_v6("fe80::/10"), "link-local"),
    (_v6("fec0::/10"), "site-local (deprecated)"),
    (_v6("ff00::/8"), "multicast"),
)

_NAT64 = _v6("64:ff9b::/96")
_IPV4_COMPATIBLE = _v6("::/96")


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, str] | None:
    """The IPv4 address an IPv6 address carries, and how, if it carries one.

    ``::ffff:169.254.169.254`` reaches the metadata service on a dual-stack
    host exactly as ``169.254.169.254`` does, so such addresses are judged by
    the IPv4 address inside: IPv4-mapped, NAT64 (``64:ff9b::/96``), 6to4
    (``2002::/16``) and the deprecated IPv4-compatible form (``::a.b.c.d``).
    """
    mapped = address.ipv4_mapped
    if mapped is not None:
        return mapped, "IPv4-mapped"
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "NAT64"
    sixtofour = address.sixtofour
    if sixtofour is not None:
        return sixtofour, "6to4"
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF), "IPv4-compatible"
    return None


def refusal_reason(address: IPAddress) -> str | None:
    """Why ``address`` is refused by default (``"loopback"``, …), or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            inner, how = embedded
            reason = refusal_reason(inner)
            return None if reason is None else f"{reason} ({how})"
        for network6, label in _REFUSED_V6:
            if address in network6:
                return label
    else:
        for network4, label in _REFUSED_V4:
            if address in network4:
                return label
    # Anything the tables miss that Python still knows is not globally
    # routable (new IANA assignments end up here first).
    if not address.is_global:
        return "not globally routable"
    return None


def _in_networks(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    # ``in`` is simply False across IP versions, so mixed tuples are fine.
    return any(address in network for network in networks)


def address_refusal(address: IPAddress, allowed_networks: Iterable[IPNetwork] = ()) -> str | None:
    """The reason ``address`` may not be connected to under these allowed networks, or None.

    An address inside an allowed network is accepted whatever its kind; an
    IPv6 address that carries an IPv4 address is also accepted when that IPv4
    address is inside an allowed network (``::ffff:127.0.0.1`` under
    ``127.0.0.1/32``), because that is where the connection really goes.
    """
    allowed = tuple(allowed_networks)
    if _in_networks(address, allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None and _in_networks(embedded[0], allowed):
            return None
    return refusal_reason(address)


_LEGACY_IPV4_CHARS = frozenset("0123456789abcdefxABCDEFX.")


@functools.lru_cache(maxsize=4096)
def parse_ip(text: str) -> IPAddress | None:
    """The IP address a URL host or resolver answer spells, or None for a name.

    Memoised: a run asks it about the same few hundred hosts at every step of
    every fetch (four times per request, 5 % of the fetch path's CPU).

    Accepts ``[::1]`` brackets, IPv6 zone ids (``fe80::1%eth0``) and the legacy
    IPv4 spellings that browsers and ``inet_aton`` accept (``2130706433``,
    ``0x7f.1``, ``127.1``): a URL that writes ``http://2130706433/`` means
    127.0.0.1 and must be judged as such, not handed to a resolver.
    """
    host = text.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host:
        return None
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host.endswith("."):
        host = host[:-1]
    if host and set(host) <= _LEGACY_IPV4_CHARS and any(char.isdigit() for char in host):
        try:
            packed = socket.inet_aton(host)
        except OSError:
            return None
        return ipaddress.IPv4Address(packed)
    return None


def url_scheme(url: str) -> str | None:
    """The lower-cased scheme of ``url`` (RFC 3986 syntax), or None if it has none."""
    colon = url.find(":")
    if colon <= 0:
        return None
    scheme = url[:colon].strip()
    if not scheme or not scheme[0].isascii() or not scheme[0].isalpha():
        return None
    if not all(char.isascii() and (char.isalnum() or char in "+-.") for char in scheme):
        return None
    return scheme.lower()


def is_web_scheme(url: str) -> bool:
    """Whether ``url`` is http(s), the only schemes citecheck fetches."""
    return url_scheme(url) in WEB_SCHEMES
