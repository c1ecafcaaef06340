"""The address guard: which schemes and addresses a fetch may reach (pure functions)."""

from __future__ import annotations

import ipaddress

import pytest

from citecheck.fetch.addresses import (
    SystemResolver,
    address_refusal,
    embedded_ipv4,
    is_web_scheme,
    parse_ip,
    refusal_reason,
    url_scheme,
)

# (address, expected reason or None for public) — every range the issue names,
# both edges where an off-by-one would matter, and the IPv6 spellings of them.
GUARD_TABLE = [
    # public
    ("8.8.8.8", None),
    ("1.1.1.1", None),
    ("93.184.215.14", None),
    ("9.255.255.255", None),
    ("11.0.0.0", None),
    ("100.63.255.255", None),
    ("100.128.0.0", None),
    ("172.15.255.255", None),
    ("172.32.0.0", None),
    ("192.167.255.255", None),
    ("192.169.0.0", None),
    ("169.253.255.255", None),
    ("223.255.255.255", None),
    ("2606:4700:4700::1111", None),
    ("2001:4860:4860::8888", None),
    ("2a00:1450:4001:82a::200e", None),
    ("::ffff:8.8.8.8", None),
    ("64:ff9b::808:808", None),
    ("2002:808:808::1", None),
    # loopback
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("127.1.2.3", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback (IPv4-mapped)"),
    ("::127.0.0.1", "loopback (IPv4-compatible)"),
    ("64:ff9b::7f00:1", "loopback (NAT64)"),
    ("2002:7f00:1::", "loopback (6to4)"),
    # private
    ("10.0.0.0", "private"),
    ("10.255.255.255", "private"),
    ("172.16.0.0", "private"),
    ("172.31.255.255", "private"),
    ("192.168.0.1", "private"),
    ("192.168.255.255", "private"),
    ("::ffff:10.1.2.3", "private (IPv4-mapped)"),
    ("::ffff:192.168.1.1", "private (IPv4-mapped)"),
    ("fc00::1", "unique local (private)"),
    ("fd12:3456:789a::1", "unique local (private)"),
    # link-local and cloud metadata
    ("169.254.169.254", "link-local (cloud metadata)"),
    ("169.254.0.0", "link-local (cloud metadata)"),
    ("169.254.255.255", "link-local (cloud metadata)"),
    ("::ffff:169.254.169.254", "link-local (cloud metadata) (IPv4-mapped)"),
    ("::ffff:a9fe:a9fe", "link-local (cloud metadata) (IPv4-mapped)"),
    ("fe80::1", "link-local"),
    ("febf:ffff::1", "link-local"),
    ("fd00:ec2::254", "unique local (private)"),  # AWS's IPv6 metadata endpoint
    # carrier-grade NAT
    ("100.64.0.0", "carrier-grade NAT"),
    ("100.100.100.200", "carrier-grade NAT"),  # Alibaba Cloud metadata
    ("100.127.255.255", "carrier-grade NAT"),
    # multicast, broadcast, reserved, unspecified
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),
    ("255.255.255.255", "broadcast"),
    ("240.0.0.1", "reserved"),
    ("250.1.2.3", "reserved"),
    ("0.0.0.0", "unspecified ('this network')"),
    ("0.1.2.3", "unspecified ('this network')"),
    ("::", "unspecified"),
    # documentation, benchmarking and protocol ranges
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("192.0.0.8", "IETF protocol assignment"),
    ("192.88.99.1", "reserved (6to4 relay)"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("2001::1", "Teredo tunnel"),
    ("100::1", "discard-only"),
    ("fec0::1", "site-local (deprecated)"),
    ("64:ff9b:1::1", "local-use NAT64"),
]


class TestRefusalReason:
    """Every refused range is named; public addresses pass."""

    @pytest.mark.parametrize(("text", "expected"), GUARD_TABLE)
    def test_table(self, text: str, expected: str | None) -> None:
        """Each address gets the reason in the table (None: public)."""
        assert refusal_reason(ipaddress.ip_address(text)) == expected

    @pytest.mark.parametrize("text", [text for text, reason in GUARD_TABLE if reason])
    def test_refused_without_allowed_networks(self, text: str) -> None:
        """With no allowed networks every non-public address is refused."""
        assert address_refusal(ipaddress.ip_address(text)) is not None


class TestAllowedNetworks:
    """--allow-network opens exactly the ranges given."""

    @pytest.mark.parametrize(
        ("text", "allowed", "refused"),
        [
            ("127.0.0.1", ["127.0.0.1/32"], False),
            ("127.0.0.2", ["127.0.0.1/32"], True),
            ("::1", ["127.0.0.1/32"], True),
            ("::1", ["::1/128"], False),
            ("::ffff:127.0.0.1", ["127.0.0.1/32"], False),
            ("::ffff:127.0.0.2", ["127.0.0.1/32"], True),
            ("10.1.2.3", ["10.0.0.0/8"], False),
            ("10.1.2.3", ["10.1.0.0/16", "192.168.0.0/16"], False),
            ("10.2.0.1", ["10.1.0.0/16", "192.168.0.0/16"], True),
            ("169.254.169.254", ["10.0.0.0/8"], True),
            ("fd00::5", ["fc00::/7"], False),
            ("8.8.8.8", [], False),
        ],
    )
    def test_allowed(self, text: str, allowed: list[str], refused: bool) -> None:
        """An address inside an allowed network (or carrying one) passes; others do not."""
        networks = [ipaddress.ip_network(cidr) for cidr in allowed]
        assert (address_refusal(ipaddress.ip_address(text), networks) is not None) is refused


class TestEmbeddedIPv4:
    """IPv6 spellings of IPv4 addresses are unwrapped."""

    @pytest.mark.parametrize(
        ("text", "inner", "how"),
        [
            ("::ffff:1.2.3.4", "1.2.3.4", "IPv4-mapped"),
            ("64:ff9b::102:304", "1.2.3.4", "NAT64"),
            ("2002:102:304::", "1.2.3.4", "6to4"),
            ("::1.2.3.4", "1.2.3.4", "IPv4-compatible"),
        ],
    )
    def test_unwrapped(self, text: str, inner: str, how: str) -> None:
        """The embedded address and the way it is embedded are reported."""
        address = ipaddress.IPv6Address(text)
        assert embedded_ipv4(address) == (ipaddress.IPv4Address(inner), how)

    @pytest.mark.parametrize("text", ["::1", "::", "2606:4700::1", "fe80::1"])
    def test_plain_ipv6(self, text: str) -> None:
        """Ordinary IPv6 addresses carry no IPv4 address."""
        assert embedded_ipv4(ipaddress.IPv6Address(text)) is None


class TestParseIp:
    """URL hosts that are IP addresses, however spelled, are recognised."""

    @pytest.mark.parametrize(
        ("host", "expected"),
        [
            ("127.0.0.1", "127.0.0.1"),
            ("[::1]", "::1"),
            ("::1", "::1"),
            ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
            ("2130706433", "127.0.0.1"),  # decimal
            ("0x7f000001", "127.0.0.1"),  # hexadecimal
            ("0x7f.1", "127.0.0.1"),
            ("127.1", "127.0.0.1"),
            ("0177.0.0.1", "127.0.0.1"),  # octal
            ("169.254.169.254.", "169.254.169.254"),  # trailing dot
            ("example.com", None),
            ("cafe", None),
            ("deadbeef.example", None),
            ("xn--bcher-kva.example", None),
            ("", None),
            ("[]", None),
            ("1.2.3.4.5", None),
        ],
    )
    def test_parse(self, host: str, expected: str | None) -> None:
        """Legacy numeric forms mean what browsers make of them; names stay names."""
        parsed = parse_ip(host)
        assert (None if parsed is None else str(parsed)) == expected


class TestSchemes:
    """Only http and https are fetched."""

    @pytest.mark.parametrize(
        ("url", "scheme", "web"),
        [
            ("http://example.com/", "http", True),
            ("HTTPS://EXAMPLE.COM/", "https", True),
            ("file:///etc/passwd", "file", False),
            ("ftp://ftp.example.com/x", "ftp", False),
            ("data:text/html,<b>x</b>", "data", False),
            ("javascript:alert(1)", "javascript", False),
            ("gopher://127.0.0.1:6379/_FLUSHALL", "gopher", False),
            ("mailto:someone@example.com", "mailto", False),
            ("www.example.com/page", None, False),
            ("//example.com/page", None, False),
            ("1http://x", None, False),
            ("", None, False),
        ],
    )
    def test_scheme(self, url: str, scheme: str | None, web: bool) -> None:
        """The scheme is read case-insensitively; only http(s) counts as web."""
        assert url_scheme(url) == scheme
        assert is_web_scheme(url) is web


class TestSystemResolver:
    """The default resolver answers IP literals without any network."""

    def test_literal(self) -> None:
        """getaddrinfo on a literal returns it, de-duplicated across socket types."""
        assert SystemResolver().resolve("127.0.0.1", 80) == ["127.0.0.1"]
