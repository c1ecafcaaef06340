"""probe_url, needs_probe and the probe comparison, both ways."""

from __future__ import annotations

import hashlib
import re
import urllib.parse

import pytest

from citecheck.checks import classify, needs_probe, probe_target, probe_url
from citecheck.checks.soft404 import similarity
from citecheck.fetch.result import FetchFailure
from citecheck.model import Verdict
from tests.checks.helpers import answer, failed, page

CITED = "https://news.example.org/2023/04/ministers-meet"
PROBE = probe_url(CITED)


def _catchall(path: str, time: str = "10:00") -> str:
    return page("catchall_latest.html").replace("{path}", path).replace("{time}", time)


class TestProbeUrl:
    """The probe address is a deterministic, made-up sibling on the same origin."""

    @pytest.mark.parametrize(
        ("url", "expected_path"),
        [
            ("https://x.org/news/2020/story", "/news/2020/citecheck-probe-{h}"),
            ("https://x.org/news/2020/story/", "/news/2020/citecheck-probe-{h}"),
            ("https://x.org/news/story.html?id=3#top", "/news/citecheck-probe-{h}.html"),
            ("https://x.org/index.php?id=3", "/citecheck-probe-{h}.php"),
            ("https://x.org/", "/citecheck-probe-{h}"),
            ("https://x.org", "/citecheck-probe-{h}"),
            ("https://x.org/a/v1.2", "/a/citecheck-probe-{h}"),
            (
                "https://x.org/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/1",
                "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/citecheck-probe-{h}",
            ),
        ],
    )
    def test_shape(self, url: str, expected_path: str) -> None:
        """The probe keeps directory and extension, drops query and fragment, hashes the folder."""
        path = urllib.parse.urlsplit(probe_url(url)).path
        pattern = re.escape(expected_path).replace(re.escape("{h}"), "([0-9a-f]{12})")
        match = re.fullmatch(pattern, path)
        assert match, path
        directory = path.rsplit("/", 1)[0]
        suffix = "." + path.rsplit(".", 1)[1] if path.endswith((".html", ".php")) else ""
        key = f"https://x.org{directory}/*{suffix}"
        assert match.group(1) == hashlib.sha256(key.encode()).hexdigest()[:12]
        assert "?" not in probe_url(url) and "#" not in probe_url(url)

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8080/a/b",
            "https://[::1]:8443/x/y.html",
            "https://news.example.org:444/a",
            "http://example.org/a",
        ],
    )
    def test_keeps_origin(self, url: str) -> None:
        """Scheme, host and port are kept."""
        ours, theirs = urllib.parse.urlsplit(probe_url(url)), urllib.parse.urlsplit(url)
        assert (ours.scheme, ours.hostname, ours.port) == (
            theirs.scheme,
            theirs.hostname,
            theirs.port,
        )

    def test_drops_credentials(self) -> None:
        """Credentials are not sent to the probe."""
        assert probe_url("https://user:pw@x.org/a/b").startswith("https://x.org/a/citecheck-probe-")

    def test_deterministic(self) -> None:
        """The same URL always gives the same probe (recorded runs replay)."""
        assert probe_url(CITED) == probe_url(CITED) == PROBE

    def test_one_probe_per_directory(self) -> None:
        """URLs of one directory share a probe; other directories and extensions do not."""
        same = {probe_url(f"https://x.org/a/{index}") for index in range(200)}
        assert len(same) == 1
        others = {
            probe_url(url)
            for url in (
                "https://x.org/a/1",
                "https://x.org/b/1",
                "https://x.org/a/1.html",
                "https://y.org/a/1",
                "https://x.org:8443/a/1",
            )
        }
        assert len(others) == 5

    def test_probe_is_not_the_url(self) -> None:
        """The probe never equals the cited URL."""
        for url in ("https://x.org/", "https://x.org/a", "https://x.org/a/b/"):
            assert probe_url(url) != url

    def test_malformed_url_does_not_raise(self) -> None:
        """A URL urlsplit rejects still gets a deterministic probe."""
        assert probe_url("http://[::1/a") == probe_url("http://[::1/a")

    def test_probe_target_uses_final_url(self) -> None:
        """After a redirect, the probe is a sibling of the URL that answered."""
        result = answer(
            CITED, 200, "<p>x</p>", final="https://www.example.net/world/a", hops=((CITED, 301),)
        )
        assert probe_target(result) == probe_url("https://www.example.net/world/a")


class TestNeedsProbe:
    """Only a 2xx HTML answer to a deep URL is worth a probe."""

    @pytest.mark.parametrize(
        ("result", "expected"),
        [
            (answer(CITED, 200, "<p>x</p>"), True),
            (
                answer(
                    CITED,
                    200,
                    "<p>x</p>",
                    final="https://news.example.org/other/a",
                    hops=((CITED, 302),),
                ),
                True,
            ),
            (answer(CITED, 203, "<p>x</p>"), True),
            (answer(CITED, 200, "<!doctype html><p>x</p>", content_type=None), True),
            (answer(CITED, 200, "%PDF", content_type="application/pdf"), False),
            (answer(CITED, 204, ""), False),
            (answer(CITED, 404, "<p>x</p>"), False),
            (answer(CITED, 403, "<p>x</p>"), False),
            (answer(CITED, 500, "<p>x</p>"), False),
            (answer("https://news.example.org/", 200, "<p>x</p>"), False),
            (failed(CITED, FetchFailure.TIMEOUT), False),
        ],
    )
    def test_table(self, result: object, expected: bool) -> None:
        """needs_probe answers as the table says."""
        assert needs_probe(result) is expected  # type: ignore[arg-type]


class TestProbeComparison:
    """A 200 that looks like the probe's 200 is a soft 404; a different one is not."""

    def test_same_catchall_page_is_soft(self) -> None:
        """A site answering every path with its latest-news page (echoing it) is a soft 404."""
        result = answer(CITED, 200, _catchall("/2023/04/ministers-meet", "10:00:01"))
        probe = answer(PROBE, 200, _catchall(urllib.parse.urlsplit(PROBE).path, "10:00:02"))
        verdict = classify(result, probe)
        assert verdict.verdict is Verdict.SOFT_404
        assert verdict.signals[0] in ("probe:same-content", "probe:same-title")
        assert "made-up address" in verdict.reason and PROBE in verdict.reason

    def test_without_probe_catchall_is_ok(self) -> None:
        """Without a probe the same catch-all page cannot be told apart: ok."""
        assert classify(answer(CITED, 200, _catchall("/x"))).verdict is Verdict.OK

    def test_identical_bytes_are_soft(self) -> None:
        """Byte-identical bodies are the same page."""
        html = page("short_press_release.html")
        assert (
            classify(answer(CITED, 200, html), answer(PROBE, 200, html)).verdict is Verdict.SOFT_404
        )

    def test_real_article_differs_from_probe(self) -> None:
        """An article compared with the site's catch-all probe answer is ok."""
        result = answer(CITED, 200, page("article_news.html"))
        probe = answer(PROBE, 200, _catchall("/probe"))
        verdict = classify(result, probe)
        assert verdict.verdict is Verdict.OK
        assert "probe:different" in verdict.signals

    @pytest.mark.parametrize("status", [404, 410])
    def test_probe_not_found_supports_ok(self, status: int) -> None:
        """A probe answered with 404/410 shows the site reports missing pages: ok."""
        verdict = classify(
            answer(CITED, 200, page("article_news.html")), answer(PROBE, status, "nf")
        )
        assert verdict.verdict is Verdict.OK
        assert f"probe:{status}" in verdict.signals

    @pytest.mark.parametrize(
        "probe",
        [
            answer(PROBE, 403, "<p>no</p>"),
            answer(PROBE, 503, "<p>no</p>"),
            failed(PROBE, FetchFailure.TIMEOUT),
        ],
    )
    def test_unusable_probe_changes_nothing(self, probe: object) -> None:
        """A probe that was refused or failed leaves the verdict alone."""
        html = page("short_press_release.html")
        assert classify(answer(CITED, 200, html), probe).verdict is Verdict.OK  # type: ignore[arg-type]

    def test_both_redirect_to_same_page(self) -> None:
        """Cited URL and probe redirecting to the same non-home page is a soft 404."""
        landing = "https://news.example.org/latest/"
        result = answer(CITED, 200, _catchall("/latest"), final=landing, hops=((CITED, 302),))
        probe = answer(PROBE, 200, _catchall("/latest"), final=landing, hops=((PROBE, 302),))
        verdict = classify(result, probe)
        assert verdict.verdict is Verdict.SOFT_404
        assert verdict.signals[0] == "probe:same-url"

    def test_js_shell_is_not_soft(self) -> None:
        """Two identical single-page-app shells prove nothing: ok, with a caveat."""
        html = page("spa_shell.html")
        verdict = classify(answer(CITED, 200, html), answer(PROBE, 200, html))
        assert verdict.verdict is Verdict.OK
        assert "probe:js-shell" in verdict.signals
        assert "JavaScript" in verdict.reason

    def test_home_citation_ignores_probe(self) -> None:
        """A cited home page equal to the probe (site serves home for every path) stays ok."""
        html = page("home.html")
        home = "https://news.example.org/"
        verdict = classify(answer(home, 200, html), answer(probe_url(home), 200, html))
        assert verdict.verdict is Verdict.OK

    def test_error_title_decides_before_probe(self) -> None:
        """Page evidence wins even when the probe differs."""
        verdict = classify(answer(CITED, 200, page("de_404.html")), answer(PROBE, 404, ""))
        assert verdict.verdict is Verdict.SOFT_404
        assert verdict.signals[0].startswith("title:")


class TestSimilarity:
    """The text similarity behind the probe comparison."""

    @pytest.mark.parametrize(
        ("first", "second", "low", "high"),
        [
            ("the cat sat on the mat", "the cat sat on the mat", 1.0, 1.0),
            ("request 12345 failed at 10:00", "request 99999 failed at 11:30", 1.0, 1.0),
            ("one two three four five six", "seven eight nine ten eleven twelve", 0.0, 0.0),
            ("", "", 1.0, 1.0),
        ],
    )
    def test_values(self, first: str, second: str, low: float, high: float) -> None:
        """Similarity is 1 for equal texts (digits ignored) and 0 for unrelated ones."""
        assert low <= similarity(first, second) <= high

    def test_ignored_words(self) -> None:
        """Echoed path words are ignored."""
        assert (
            similarity(
                "no page ministers meet here",
                "no page citecheck probe here",
                frozenset({"ministers", "meet", "citecheck", "probe"}),
            )
            == 1.0
        )
