"""The building blocks: URL shapes, HTML reading, folding, status texts, and linear time."""

from __future__ import annotations

import time

import pytest

from citecheck.checks import classify, urls
from citecheck.checks.page import parse_page
from citecheck.checks.soft404 import heading_error
from citecheck.checks.status import status_text
from citecheck.checks.textutil import fold
from tests.checks.helpers import answer, page


class TestUrls:
    """Canonical forms and generic-page recognition."""

    @pytest.mark.parametrize(
        ("first", "second", "same"),
        [
            ("http://example.org/a", "https://example.org/a", True),
            ("https://example.org/a", "https://www.example.org/a/", True),
            ("https://example.org:443/a", "https://example.org/a", True),
            ("https://example.org/a#x", "https://example.org/a", True),
            ("https://example.org/a?b=1&c=2", "https://example.org/a?c=2&b=1", True),
            ("https://example.org/a?fbclid=1", "https://example.org/a", True),
            ("https://example.org/a", "https://example.org/b", False),
            ("https://example.org/a?id=1", "https://example.org/a?id=2", False),
            ("https://example.org:8080/a", "https://example.org/a", False),
            ("https://example.org/a", "https://example.net/a", False),
            ("https://www2.example.org/a", "https://example.org/a", False),
        ],
    )
    def test_same_address(self, first: str, second: str, same: bool) -> None:
        """Spelling variants compare equal; real differences do not."""
        assert urls.same_address(first, second) is same

    @pytest.mark.parametrize(
        ("url", "home"),
        [
            ("https://x.org", True),
            ("https://x.org/", True),
            ("https://x.org/index.html", True),
            ("https://x.org/en/", True),
            ("https://x.org/pt-br", True),
            ("https://x.org/home", True),
            ("https://x.org/en/home", True),
            ("https://x.org/news", False),
            ("https://x.org/a/b", False),
            ("https://x.org/?error=404", False),
        ],
    )
    def test_is_home(self, url: str, home: bool) -> None:
        """Home pages include index files, /home and language roots."""
        assert urls.is_home(url) is home

    @pytest.mark.parametrize(
        ("url", "error"),
        [
            ("https://x.org/404", True),
            ("https://x.org/404.html", True),
            ("https://x.org/errors/404", True),
            ("https://x.org/error", True),
            ("https://x.org/Error404.aspx", True),
            ("https://x.org/PageNotFound", True),
            ("https://x.org/?aspxerrorpath=/a", True),
            ("https://x.org/a?status=404", True),
            ("https://x.org/error-handling", False),
            ("https://x.org/errata", False),
            ("https://x.org/a?status=ok", False),
        ],
    )
    def test_is_error_page(self, url: str, error: bool) -> None:
        """Error pages are recognised by their address, articles about errors are not."""
        assert urls.is_error_page(url) is error

    def test_malformed_urls(self) -> None:
        """Malformed URLs do not raise."""
        for url in ("http://[::1/a", "http://x.org:99999/a", "", "::::"):
            urls.canonical(url)
            urls.landing(url, "https://x.org/")


class TestPage:
    """Reading HTML with the forward-only scanner."""

    def test_title_headings_text(self) -> None:
        """Title, headings and main text (without nav, header, footer) are read."""
        found = parse_page(answer("https://x.org/a", 200, page("en_news_404.html")))
        assert found.title == "The Steppe Ledger"
        assert found.headings == ("The Steppe Ledger",)
        assert "can't find the page" in found.text
        assert "Newsletters" not in found.text
        assert found.size < 60

    def test_entities_and_svg_title(self) -> None:
        """Entities are decoded and an <svg><title> is not the page title."""
        html = "<svg><title>icon</title></svg><title>A &amp; B &#8211; C</title><p>x &lt; y</p>"
        found = parse_page(answer("https://x.org/a", 200, html))
        assert found.title == "A & B – C"
        assert "x < y" in found.text

    def test_non_ascii_case_keeps_offsets(self) -> None:
        """Upper-case Turkish İ before a raw-text end tag does not shift it."""
        found = parse_page(answer("https://x.org/a", 200, "<title>ANALİZ MERKEZİ</title><p>ok</p>"))
        assert found.title == "ANALİZ MERKEZİ"

    def test_unclosed_head(self) -> None:
        """Text after an unclosed <head> is still main text."""
        found = parse_page(answer("https://x.org/a", 200, "<head><title>t</title><p>body text"))
        assert found.text == "body text"

    def test_meta_refresh(self) -> None:
        """A meta refresh's delay and target are read."""
        html = '<meta http-equiv="refresh" content="5; URL=\'/next\'">'
        found = parse_page(answer("https://x.org/a", 200, html))
        assert (found.refresh_delay, found.refresh_url) == (5, "/next")

    def test_cjk_size(self) -> None:
        """A long Japanese text counts as long although it has no spaces."""
        found = parse_page(
            answer("https://x.org/a", 200, "<p>" + "日本語の記事本文です。" * 300 + "</p>")
        )
        assert found.size > 300


class TestFolding:
    """Folding makes one phrase list match every spelling."""

    @pytest.mark.parametrize(
        ("text", "folded"),
        [
            ("PÁGINA NÃO ENCONTRADA!", " pagina nao encontrada "),
            ("SAYFA BULUNAMADI", " sayfa bulunamadi "),
            ("Sayfa bulunamadı", " sayfa bulunamadi "),
            ("Doesn’t exist", " doesn't exist "),
            ("Błąd 404", " blad 404 "),
            ("Страница  не найдена", " страница не наидена "),
        ],
    )
    def test_fold(self, text: str, folded: str) -> None:
        """Case, accents, apostrophes and punctuation are normalised."""
        assert fold(text) == folded

    def test_heading_error_segments(self) -> None:
        """The site-name segment does not hide the error segment."""
        assert heading_error("Our Great Site | Page not found") == "page not found"
        assert heading_error("Our Great Site") is None


class TestStatusText:
    """Status codes with their phrases."""

    @pytest.mark.parametrize(
        ("status", "text"),
        [
            (404, "404 Not Found"),
            (451, "451 Unavailable For Legal Reasons"),
            (999, "999 Request Denied"),
            (599, "599"),
        ],
    )
    def test_status_text(self, status: int, text: str) -> None:
        """Known codes get their phrase; unknown ones stand alone."""
        assert status_text(status) == text


class TestLinearTime:
    """Pathological 1 MB bodies finish quickly (the stdlib HTMLParser would not)."""

    @pytest.mark.parametrize(
        "body",
        [
            "<a " * 333_333,
            "<a b='" * 166_666,
            "<" * 1_000_000,
            "[" * 1_000_000,
            "<div>" * 200_000,
            "<nav>" * 200_000,
            "<h1>" * 250_000,
            "<!--" + "a" * 1_000_000,
            "<script>" * 125_000,
            "&" * 1_000_000,
            "http://x.org/" + "a/" * 500_000,
            "page not found " * 66_000,
            '<meta http-equiv=refresh content="0;' + " " * 1_000_000 + '\n">',
        ],
        ids=[
            "unclosed-tags",
            "unclosed-quotes",
            "lt",
            "brackets",
            "divs",
            "navs",
            "h1s",
            "comment",
            "scripts",
            "amps",
            "url-run",
            "phrases",
            "refresh",
        ],
    )
    def test_pathological(self, body: str) -> None:
        """Classifying a 1 MB hostile page (and an identical probe) takes well under 5 s."""
        start = time.process_time()
        url = "https://x.org/a/b"
        classify(answer(url, 200, body), answer("https://x.org/a/citecheck-probe-0", 200, body))
        assert time.process_time() - start < 5
