"""Whole-document parsing holds up on arbitrary and pathological text."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import citecheck

# Text built from the pieces real notes are made of, so that hypothesis reaches
# the interesting paths (labels, URLs, dates, quotes) rather than only noise.
_PIECES = st.sampled_from(
    [
        "[1] ",
        "[2] ",
        "1. ",
        "2) ",
        "^1 ",
        "¹ ",
        "\n",
        "\n\n",
        " ",
        "“",
        "”",
        '"',
        "«",
        "»",
        "(",
        ")",
        "[",
        "]",
        ".",
        ",",
        ";",
        ":",
        "-",
        "Ibid.",
        "op. cit.",
        "Smith, ",
        "https://",
        "http://",
        "www.",
        "example.org/",
        "a-\n",
        "b_c",
        "?q=1&x=2",
        "#frag",
        "doi:10.1000/182",
        "ftp://",
        "file:///",
        "C:\\\\Users\\\\",
        "(Date of Accession: ",
        "14.04.2023",
        "04/05/2023",
        "April 14, 2023",
        "Retrieved ",
        "abgerufen am ",
        "дата обращения: ",
        "Erişim Tarihi: ",
        "(Reuters, November 29)",
        "Notes\n",
        "___\n",
    ]
)
_DOCUMENTS = st.one_of(st.text(), st.lists(_PIECES | st.text(max_size=5), max_size=60).map("".join))


def _assert_urls_sound(document: citecheck.Document) -> None:
    for citation in document.citations:
        for url in citation.urls:
            parts = urlsplit(url)
            assert parts.scheme, url
            if parts.scheme in {"http", "https"}:
                assert parts.netloc, url


class TestProperties:
    """Parsing never raises, and what it returns is well formed."""

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(_DOCUMENTS)
    def test_never_raises_and_urls_have_schemes(self, text: str) -> None:
        """Any text parses, and every URL returned has a scheme (and a host if web)."""
        document = citecheck.parse_text(text)
        _assert_urls_sound(document)
        for citation in document.citations:
            for claim in citation.claims:
                assert 0 <= claim.start <= claim.end <= len(document.text)

    @settings(max_examples=100, deadline=None)
    @given(st.binary(max_size=2000))
    def test_bytes_parse_or_fail_cleanly(self, data: bytes) -> None:
        """Arbitrary bytes give a document or an InputError, nothing else."""
        try:
            citecheck.parse_text(data)
        except citecheck.InputError as exc:
            assert "\n" not in str(exc)


class TestPathological:
    """Inputs built to make a careless parser hang; each must simply finish."""

    @pytest.mark.parametrize(
        "text",
        [
            "[" * 100_000,
            "[1]" * 50_000,
            "https://" + "a" * 1_000_000,
            "www." + "a." * 300_000,
            "(" * 50_000 + ")" * 50_000,
            "“" * 50_000 + "x" + "”" * 50_000,
            "1. x\n" * 30_000,
            "Ibid.\n" * 30_000,
            ". " * 200_000,
            "Accessed " * 50_000,
            "14.04.2023 " * 50_000,
        ],
        ids=lambda text: f"{text[:12]!r}x{len(text)}",
    )
    def test_finishes(self, text: str) -> None:
        """The parser returns (the test runner's timeout is the bound)."""
        document = citecheck.parse_text(text)
        _assert_urls_sound(document)

    def test_many_real_notes(self) -> None:
        """A large real-shaped document keeps every note."""
        notes = "\n".join(
            f"[{n}] “Title {n}”, Site, https://example.org/{n}, (Date of Accession: 14.04.2023)."
            for n in range(1, 5001)
        )
        document = citecheck.parse_text("Body[1].\n\n" + notes)
        assert len(document.citations) == 5000
        assert document.footnote("4321").urls == ("https://example.org/4321",)


class TestBlankLines:
    """Long runs of blank lines (code blocks blanked by the Markdown reader) stay linear."""

    def test_many_blank_lines(self) -> None:
        """300,000 blank lines between two sentences parse at once."""
        document = citecheck.parse_text(
            "A claim[1].\n" + "\n" * 300_000 + "[1] “T”, S, https://a.example/x."
        )
        assert document.citations[0].urls == ("https://a.example/x",)
