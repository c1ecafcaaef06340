"""render_html: one standalone page, escaped, with a chart, filters and each citation's evidence."""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.parse

import pytest

from citecheck.model import Report, Verdict
from citecheck.report.html import render_html
from tests.report.htmlparse import Element, parse_html
from tests.report.samples import CONTENT, HOSTILE, expected_counts, with_content


def _page(report: Report) -> Element:
    return parse_html(render_html(report))


def _articles(page: Element) -> list[Element]:
    return [element for element in page.iter("article") if element.has_class("citation")]


def _allowed_links(report: Report) -> set[str]:
    """The addresses a page may link to: cited URLs, final URLs of moved ones, archives."""
    allowed = set()
    for document in report.documents:
        for result in document.citations:
            for check in result.checks:
                allowed.add(check.url)
                if check.http is not None:
                    allowed.add(check.http.final_url)
    allowed.update(found["archive"].url for found in CONTENT.values() if "archive" in found)
    return allowed


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class TestStandalone:
    """Nothing outside the file is loaded, and nothing but cited addresses is linked."""

    @pytest.mark.parametrize("content", [False, True])
    def test_no_external_references(self, sample: Report, content: bool) -> None:
        """No src, no <link>, no CSS url() or @import; hrefs are fragments or report URLs."""
        page = parse_html(render_html(with_content(sample) if content else sample))
        elements = page.iter()
        assert not [e.tag for e in elements if "src" in e.attrs or "srcset" in e.attrs]
        assert not [e for e in elements if e.tag in ("link", "iframe", "object", "embed", "img")]
        for style in page.iter("style"):
            assert "url(" not in style.all_text() and "@import" not in style.all_text()
        hrefs = [e.attrs["href"] or "" for e in elements if "href" in e.attrs]
        assert hrefs
        allowed = _allowed_links(sample)
        for href in hrefs:
            assert href.startswith("#") or href in allowed, href
            assert urllib.parse.urlsplit(href).scheme in ("", "http", "https"), href

    def test_no_other_addresses_in_markup(self, sample: Report) -> None:
        """Outside the report's own text, the markup names no http(s) address at all."""
        text = render_html(sample)
        for url in sorted(_allowed_links(sample), key=len, reverse=True):
            text = text.replace(url.replace("&", "&amp;"), "")
        text = text.replace("https://example.org/x|y)z", "")
        assert re.findall(r"https?://[^\s\"'<]+", text) == []

    def test_content_security_policy(self, sample: Report) -> None:
        """A CSP allows only the page's own style and script, by their exact hashes."""
        page = _page(sample)
        (meta,) = [
            e for e in page.iter("meta") if e.attrs.get("http-equiv") == "Content-Security-Policy"
        ]
        policy = meta.attrs["content"] or ""
        (style,) = page.iter("style")
        (script,) = page.iter("script")
        assert "default-src 'none'" in policy
        assert f"style-src {_sha(style.all_text())}" in policy
        assert f"script-src {_sha(script.all_text())}" in policy

    def test_phone_and_print(self, sample: Report) -> None:
        """A viewport for phones and a print stylesheet are there."""
        page = _page(sample)
        assert any(e.attrs.get("name") == "viewport" for e in page.iter("meta"))
        style = page.iter("style")[0].all_text()
        assert "@media print" in style and "@media (max-width" in style


class TestEscaping:
    """Footnotes are untrusted: everything renders as text."""

    def test_script_in_footnote_is_text(self, sample: Report) -> None:
        """A footnote containing <script> shows as text; the only script is the page's own."""
        page = _page(sample)
        assert len(page.iter("script")) == 1
        (article,) = [a for a in _articles(page) if a.attrs["data-verdict"] == "soft_404"]
        (footnote,) = article.by_class("footnote")
        shown = footnote.all_text()
        assert '<script>alert("x")</script>' in shown
        assert "A | B \\| C" in shown and "@octocat #12" in shown

    def test_no_raw_markup_from_report(self, sample: Report) -> None:
        """The report's HTML-like text never reaches the markup unescaped."""
        text = render_html(sample)
        assert "<script>alert" not in text and "<em>Article" not in text and "<b>not" not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)" in text

    def test_javascript_url_is_not_a_link(self, sample: Report) -> None:
        """A javascript: address is shown but is no href."""
        page = _page(sample)
        hrefs = [e.attrs["href"] or "" for e in page.iter() if "href" in e.attrs]
        assert not [href for href in hrefs if "javascript" in href.lower()]
        assert "javascript:alert(1)" in page.all_text()

    def test_controls_and_surrogates_replaced(self, sample: Report) -> None:
        """Control characters and lone surrogates become U+FFFD, so the page encodes as UTF-8."""
        text = render_html(sample)
        assert "\x1b" not in text and "\x07" not in text
        text.encode("utf-8")
        assert "\ufffd[31mred\ufffd" in text

    def test_hostile_text_round_trips(self, sample: Report) -> None:
        """What the reader sees is the footnote itself, apart from the replaced controls."""
        (article,) = [a for a in _articles(_page(sample)) if a.attrs["data-verdict"] == "soft_404"]
        expected = HOSTILE.replace("\x1b", "\ufffd").replace("\x07", "\ufffd")
        expected = expected.replace("\ud800", "?")
        assert article.by_class("footnote")[0].all_text() == expected


class TestSummary:
    """The chart and the filters."""

    def test_chart_bars(self, sample: Report) -> None:
        """One bar per verdict, its length proportional to the count, with the count shown."""
        page = _page(sample)
        (svg,) = page.iter("svg")
        counts = expected_counts(sample)
        top = max(counts.values())
        bars = {
            rect.attrs["class"]: float(rect.attrs["width"] or 0)
            for rect in svg.iter("rect")
            if (rect.attrs.get("class") or "").startswith("v-")
        }
        assert set(bars) == {f"v-{verdict.value}" for verdict in Verdict}
        full = float(next(r for r in svg.iter("rect") if r.has_class("track")).attrs["width"] or 0)
        for verdict, count in counts.items():
            assert bars[f"v-{verdict.value}"] == pytest.approx(full * count / top, abs=0.1)
        labels = [t.all_text() for t in svg.iter("text") if t.has_class("count")]
        ordered = sorted(Verdict, key=lambda v: -v.severity)
        assert labels == [str(counts[verdict]) for verdict in ordered]

    def test_chart_has_a_text_alternative(self, sample: Report) -> None:
        """Screen readers get the counts from the chart's title."""
        (svg,) = _page(sample).iter("svg")
        assert svg.attrs["role"] == "img"
        assert "2 dead" in svg.iter("title")[0].all_text()

    def test_filters_hidden_without_script(self, sample: Report) -> None:
        """The filter buttons are hidden in the markup, so a page without scripts shows none."""
        page = _page(sample)
        (nav,) = [e for e in page.iter("nav") if e.has_class("filters")]
        assert "hidden" in nav.attrs
        assert not [a for a in _articles(page) if "hidden" in a.attrs]

    def test_filter_buttons(self, sample: Report) -> None:
        """A button per verdict that occurs, with its count, plus all and needs-attention."""
        page = _page(sample)
        buttons = {b.attrs["data-filter"]: b.all_text() for b in page.iter("button")}
        counts = expected_counts(sample)
        expected = {v.value: f"{v.value} {n}" for v, n in counts.items() if n}
        problems = sum(n for v, n in counts.items() if v not in (Verdict.OK, Verdict.NO_URL))
        expected |= {
            "all": f"All {sum(counts.values())}",
            "problems": f"Needs attention {problems}",
        }
        assert buttons == expected


class TestCitations:
    """Each citation with its evidence."""

    def test_one_article_per_citation(self, sample: Report) -> None:
        """Every citation has an article with its verdict, and the ids are unique."""
        articles = _articles(_page(sample))
        results = [r for d in sample.documents for r in d.citations]
        assert [a.attrs["data-verdict"] for a in articles] == [r.verdict.value for r in results]
        ids = [a.attrs["id"] for a in articles]
        assert len(set(ids)) == len(ids)
        assert ids[1] == "d1-fn-2"
        problems = [a for a in articles if "data-problem" in a.attrs]
        assert len(problems) == sum(r.verdict not in (Verdict.OK, Verdict.NO_URL) for r in results)

    def _article(self, page: Element, label: str, document: int = 1) -> Element:
        return next(
            a
            for a in _articles(page)
            if a.by_class("label")[0].all_text() == label
            and (a.attrs["id"] or "").startswith(f"d{document}-")
        )

    def test_claim_and_quote(self, sample: Report) -> None:
        """The claim sentence and its quote are shown."""
        article = self._article(_page(sample), "1")
        text = article.all_text()
        assert "The minister said “gas will flow”[1]." in text
        assert [q.all_text() for q in article.iter("q")] == ["gas will flow"]

    def test_status_and_redirect_chain(self, sample: Report) -> None:
        """The status with its phrase, and the chain hop by hop ending at the final URL."""
        article = self._article(_page(sample), "Radio Free Europe/Radio Liberty, November 29")
        assert "200 OK" in article.all_text()
        (chain,) = article.by_class("chain")
        hops = [li.all_text() for li in chain.iter("li")]
        assert hops == ["301 https://moved.example/old", "200 OK https://moved.example/new"]
        links = [a.attrs["href"] for a in article.iter("a")]
        assert links == ["https://moved.example/old", "https://moved.example/new"]

    def test_dead_since(self, sample: Report) -> None:
        """A dead streak shows since when and how many checks."""
        text = self._article(_page(sample), "2").all_text()
        assert "Dead since2024-04-06 07:08 UTC (3 checks)" in text

    def test_several_urls(self, sample: Report) -> None:
        """A citation with two URLs shows each check with its own verdict badge."""
        article = self._article(_page(sample), "4")
        badges = [b.all_text() for b in article.by_class("badge")]
        assert badges == ["dead", "blocked", "dead"]
        assert "(1 check)" in article.all_text()

    def test_no_url(self, sample: Report) -> None:
        """A citation without a URL says so."""
        article = self._article(_page(sample), "5")
        assert article.attrs["data-verdict"] == "no_url"
        assert "no URL to check" in article.all_text()

    def test_content_fields(self, sample: Report) -> None:
        """Title and quote match with the snippet, the page now, and the archive link show."""
        page = _page(with_content(sample))
        text = self._article(page, "1").all_text()
        assert "Title match92%" in text
        assert "Quote match97% “gas will <b>flow</b>”" in text
        assert "Page nowtitle “Source 1 | Example”; published 2023-04-01" in text
        archive = self._article(page, "2").by_class("archive")
        assert [a.attrs["href"] for a in archive] == [
            CONTENT["https://example.org/gone"]["archive"].url
        ]
        assert archive[0].all_text() == "Archived copy of 2023-04-14 09:30 UTC"

    def test_drift(self, sample: Report) -> None:
        """A drifted page shows how far it moved from its archived copy, and the copy."""
        article = self._article(_page(with_content(sample)), "3", document=2)
        text = article.all_text()
        assert "Drift64% changed since the archived copy" in text
        assert "Title match100%" in text and "Quote match12%" in text
        assert len(article.by_class("archive")) == 1

    def test_content_fields_absent(self, sample: Report) -> None:
        """Without content checks, no empty match or archive rows appear."""
        text = _page(sample).all_text()
        assert "Title match" not in text and "Archive" not in text

    def test_document_headers(self, sample: Report) -> None:
        """Each document has a heading (its title, else its source) and its warnings."""
        page = _page(sample)
        headings = [h.all_text() for h in page.iter("h2")][1:]
        assert headings == ["An <em>Article</em>", "b.txt"]
        assert "Warning: a document warning" in page.all_text()


class TestStandinArticle:
    """The stand-in article's real report."""

    def test_every_citation(self, standin_report: Report) -> None:
        """28 articles with the verdicts of the report, in document order."""
        articles = _articles(_page(standin_report))
        (document,) = standin_report.documents
        assert [a.attrs["data-verdict"] for a in articles] == [
            r.verdict.value for r in document.citations
        ]

    def test_size_is_reasonable(self, standin_report: Report) -> None:
        """The page for 28 citations stays small enough to mail."""
        assert len(render_html(standin_report)) < 200_000
