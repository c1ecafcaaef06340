"""Drift between the archived copy and the live page, and the drifted decision."""

from __future__ import annotations

import datetime
import time

import pytest

from citecheck.checks.content import ExtractedPage, extract_page
from citecheck.checks.drift import (
    DRIFT_ALONE,
    DRIFT_WITH_EVIDENCE,
    content_verdict,
    drift_score,
    jaccard_distance,
    shingles,
)
from tests.checks.helpers import PAGES

CONTENT = PAGES / "content"
ACCESSED = datetime.date(2023, 4, 14)

SEED_TITLE = "Kazakhstan Proposes Gas Pipeline Project Connecting Russia and China Publication: Eu"
JAMESTOWN_QUOTE = (
    "We are ready to consider the proposal on a commercial basis, provided that the domestic "
    "market is supplied first"
)
AZERNEWS_QUOTE = (
    "Russia has been Kazakhstan’s strategic and important economic partner. Both countries have "
    "long-term close and strong relations based on friendship and good neighborliness."
)
ANKASAM_QUOTE = (
    "Russia does not want to appear as a country that blocks the economic development of its "
    "neighbours"
)
RU_QUOTE = "Россия была и остается стратегическим партнером и союзником Казахстана"
TR_QUOTE = "kazan-kazan esaslı bir enerji işbirliği projesinin gündeme geldiği ifade edilebilir"


def extracted(name: str) -> ExtractedPage:
    """A stand-in page of fixtures/pages/content, extracted."""
    return extract_page((CONTENT / name).read_text(encoding="utf-8"))


SAME = [
    ("jamestown_pipeline_2023.html", "jamestown_pipeline_2025.html", SEED_TITLE, JAMESTOWN_QUOTE),
    (
        "tass_lavrov_nurtleu_2023.html",
        "tass_lavrov_nurtleu_2025.html",
        "Лавров провел переговоры с главой МИД Казахстана",
        RU_QUOTE,
    ),
    (
        "ankasam_tr_2023.html",
        "ankasam_tr_2025.html",
        "ASTANA-MOSKOVA HATTINDA GÜÇLÜ İŞBİRLİĞİ FORMÜLÜ",
        TR_QUOTE,
    ),
]


class TestDriftScore:
    @pytest.mark.parametrize(("old", "new", "title", "quote"), SAME)
    def test_same_article_new_layout(self, old: str, new: str, title: str, quote: str) -> None:
        """The same article in a new layout with ads and related links drifts little (< 0.3)."""
        assert drift_score(extracted(old).main_text, extracted(new).main_text) < 0.3

    def test_replaced_article(self) -> None:
        """Another story at the same URL drifts fully."""
        old = extracted("azernews_208618_2023.html").main_text
        new = extracted("azernews_208618_replaced.html").main_text
        assert drift_score(old, new) >= DRIFT_ALONE

    def test_rewritten_article(self) -> None:
        """A story rewritten under a new title keeping one paragraph drifts beyond 0.6."""
        old = extracted("akipress_putin_2023.html").main_text
        new = extracted("akipress_putin_retitled.html").main_text
        assert drift_score(old, new) >= DRIFT_WITH_EVIDENCE

    def test_added_text_is_not_drift(self) -> None:
        """Text added around the cited text is not drift, though Jaccard counts it."""
        old = " ".join(f"sentence {n} of the cited article body" for n in range(60))
        new = old + " " + " ".join(f"extra related story {n} teaser" for n in range(200))
        assert drift_score(old, new) == 0.0
        assert jaccard_distance(old, new) > 0.5

    def test_typography_is_not_drift(self) -> None:
        """Curly quotes, case and line breaks do not count as changes."""
        old = "“Kazakhstan’s proposal” was\ndiscussed on Tuesday by the ministers in Moscow."
        new = '"KAZAKHSTANS proposal" was discussed on Tuesday by the ministers in Moscow.'
        assert drift_score(old, new) == 0.0

    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [("", "anything", 0.0), ("some words here", "", 1.0), ("a b c d e f", "a b c d e f", 0.0)],
    )
    def test_edges(self, old: str, new: str, expected: float) -> None:
        """Empty snapshot text gives 0, empty live text 1, identical text 0."""
        assert drift_score(old, new) == expected

    def test_short_text_is_one_shingle(self) -> None:
        """A text shorter than five words is one shingle."""
        assert len(shingles("three short words")) == 1

    def test_long_texts_are_fast(self) -> None:
        """Two 300,000-character texts compare quickly."""
        text = " ".join(f"w{n}" for n in range(60_000))
        start = time.monotonic()
        drift_score(text, text[::-1])
        assert time.monotonic() - start < 5


class TestContentVerdict:
    @pytest.mark.parametrize(("old", "new", "title", "quote"), SAME)
    def test_new_layout_not_drifted(self, old: str, new: str, title: str, quote: str) -> None:
        """The same article in a new layout is not drifted and its quote is found (≥ 0.9)."""
        verdict = content_verdict(
            extracted(new), title=title, quote=quote, snapshot=extracted(old), accessed=ACCESSED
        )
        assert not verdict.drifted and verdict.reason is None
        assert verdict.quote_match is not None and verdict.quote_match >= 0.9
        assert verdict.title_match is not None and verdict.title_match >= 0.85
        assert verdict.matched_quote
        assert verdict.drift is not None and verdict.drift < 0.3

    def test_replaced_article_drifted(self) -> None:
        """Another story at the cited URL is drifted, with a note on its later date."""
        verdict = content_verdict(
            extracted("azernews_208618_replaced.html"),
            title="Kazakh, Russian Foreign Ministers Meet in Moscow",
            quote=AZERNEWS_QUOTE,
            snapshot=extracted("azernews_208618_2023.html"),
            accessed=ACCESSED,
            snapshot_date=ACCESSED,
        )
        assert verdict.drifted and verdict.reason
        assert "2023-04-14" in verdict.reason
        assert "published-after-access" in verdict.signals
        assert any("2024-06-18" in note for note in verdict.notes)
        assert verdict.matched_quote is None  # a chance window is not evidence

    def test_replaced_article_drifted_by_text_alone(self) -> None:
        """Without a title or quote, a replaced article is drifted by its text."""
        verdict = content_verdict(
            extracted("azernews_208618_replaced.html"),
            snapshot=extracted("azernews_208618_2023.html"),
        )
        assert verdict.drifted
        assert verdict.drift is not None and verdict.drift >= DRIFT_ALONE

    def test_title_changed_drifted(self) -> None:
        """A title that matched the snapshot and no longer matches the live page is drifted."""
        verdict = content_verdict(
            extracted("akipress_putin_retitled.html"),
            title="President Putin to Visit Kazakhstan in Autumn 2023",
            snapshot=extracted("akipress_putin_2023.html"),
            accessed=ACCESSED,
        )
        assert verdict.drifted
        assert "title:lost" in verdict.signals
        assert verdict.snapshot_title_match is not None and verdict.snapshot_title_match >= 0.8

    def test_quote_removed_drifted(self) -> None:
        """A quote on the snapshot but gone from the live page is drifted, the text being close."""
        verdict = content_verdict(
            extracted("ankasam_druzhba_edited.html"),
            title="Russia’s Purposes for Authorizing the Use of Druzhba",
            quote=ANKASAM_QUOTE,
            snapshot=extracted("ankasam_druzhba_2023.html"),
            accessed=ACCESSED,
        )
        assert verdict.drifted
        assert "quote:lost" in verdict.signals
        assert verdict.drift is not None and verdict.drift < DRIFT_WITH_EVIDENCE
        assert verdict.quote_match is not None and verdict.quote_match < 0.7

    def test_worst_of_several_quotes(self) -> None:
        """With several claims' quotes, one removed quote is enough."""
        verdict = content_verdict(
            extracted("ankasam_druzhba_edited.html"),
            quote=["Russia has allowed Kazakhstan to export oil to Germany", ANKASAM_QUOTE],
            snapshot=extracted("ankasam_druzhba_2023.html"),
        )
        assert verdict.drifted

    def test_short_quote_is_no_evidence(self) -> None:
        """A quote of a few words is too common to prove drift."""
        verdict = content_verdict(
            extracted("ankasam_druzhba_edited.html"),
            quote="blocks the economy",
            snapshot=extracted("ankasam_druzhba_2023.html"),
        )
        assert not verdict.drifted

    def test_quote_on_live_outweighs_text_drift(self) -> None:
        """A quote still on the live page outweighs text statistics: not drifted."""
        snapshot = ExtractedPage(
            title="T", titles=("T",), main_text=" ".join(f"w{n}" for n in range(200))
        )
        live = extract_page((CONTENT / "jamestown_pipeline_2025.html").read_text(encoding="utf-8"))
        verdict = content_verdict(live, quote=JAMESTOWN_QUOTE, snapshot=snapshot)
        assert verdict.drift == 1.0 and not verdict.drifted

    def test_snapshot_without_text(self) -> None:
        """A snapshot with too little text gives no drift and a note."""
        verdict = content_verdict(
            extracted("jamestown_pipeline_2025.html"),
            snapshot=ExtractedPage(title="Loading…", main_text="Loading…"),
        )
        assert verdict.drift is None and not verdict.drifted and verdict.notes


class TestWithoutSnapshot:
    def test_replaced_and_published_later(self) -> None:
        """A mismatched title on a page published after the access date is drifted."""
        verdict = content_verdict(
            extracted("azernews_208618_replaced.html"),
            title="Kazakh, Russian Foreign Ministers Meet in Moscow",
            accessed=ACCESSED,
        )
        assert verdict.drifted and "title:mismatch" in verdict.signals

    def test_title_mismatch_alone(self) -> None:
        """A mismatched title alone (maybe a translation) is a note, not drifted."""
        verdict = content_verdict(
            extracted("akipress_putin_retitled.html"),
            title="President Putin to Visit Kazakhstan in Autumn 2023",
            accessed=ACCESSED,
        )
        assert not verdict.drifted and "title:mismatch" in verdict.signals and verdict.notes

    def test_translated_title(self) -> None:
        """An English citation title for a Turkish page is not drifted."""
        verdict = content_verdict(
            extracted("ankasam_tr_2025.html"),
            title="Strong Cooperation Formula on the Astana-Moscow Line",
            quote="a win-win energy cooperation project has come to the fore",
            accessed=ACCESSED,
        )
        assert not verdict.drifted

    def test_site_name_title(self) -> None:
        """A page titled only with the site's name is never drifted by its title."""
        live = ExtractedPage(
            title="Azernews",
            titles=("Azernews",),
            site_name="Azernews",
            published=datetime.date(2024, 1, 1),
            main_text="Loading",
        )
        verdict = content_verdict(
            live, title="Kazakh, Russian Foreign Ministers Meet in Moscow", accessed=ACCESSED
        )
        assert not verdict.drifted

    def test_missing_quote_is_a_signal(self) -> None:
        """A long quote not on the page is a signal and a note, not drifted."""
        verdict = content_verdict(extracted("ankasam_druzhba_edited.html"), quote=ANKASAM_QUOTE)
        assert not verdict.drifted and "quote:not-found" in verdict.signals

    def test_page_info(self) -> None:
        """The verdict carries the live page's title and dates for the report."""
        verdict = content_verdict(extracted("jamestown_pipeline_2025.html"))
        assert verdict.page.published == datetime.date(2023, 4, 13)
        assert verdict.page.modified == datetime.date(2025, 2, 3)
        assert verdict.title_match is None and verdict.quote_match is None
