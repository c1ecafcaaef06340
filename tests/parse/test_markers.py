"""Body markers and the claims they support."""

from __future__ import annotations

import pytest

from citecheck.parse.markers import ClaimFinder, find_markers
from citecheck.parse.sentences import sentence_around, sentence_bounds


class TestFindMarkers:
    """Which bracketed and superscript numbers are markers."""

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ("A claim[1].", ["1"]),
            ("A claim [1]. Another[2]", ["1", "2"]),
            ("A claim.¹ Another.²", ["1", "2"]),
            ("A claim.^1", ["1"]),
            ("Markdown style[^2].", ["2"]),
            ("Superscript ten¹⁰ here.", ["10"]),
        ],
    )
    def test_markers(self, body: str, expected: list[str]) -> None:
        """Markers in every style point at their label."""
        labels = {str(n) for n in range(1, 11)}
        assert [marker.label for marker in find_markers(body, labels)] == expected

    @pytest.mark.parametrize(
        "body",
        [
            "Published in [2023] by the press.",
            "A list [1, 2, 3] of numbers.",
            "Only notes 1 and 2 exist, not [9].",
        ],
    )
    def test_not_markers(self, body: str) -> None:
        """Years, lists and numbers without a note are not markers."""
        assert find_markers(body, {"1", "2"}) == []

    def test_brackets_inside_urls_are_not_markers(self) -> None:
        """A [1] that is part of a URL span is skipped."""
        body = "See https://example.org/a[1]b for more[2]."
        url_end = body.index(" for")
        markers = find_markers(body, {"1", "2"}, [(4, url_end)])
        assert [marker.label for marker in markers] == ["2"]


class TestSentences:
    """Sentence boundaries a reader would draw."""

    def test_full_stop_inside_quotation_does_not_end_the_sentence(self) -> None:
        """The seed's quotation with two sentences stays inside one sentence."""
        text = "He said, “One. Two.” found in it. Next sentence."
        starts = sentence_bounds(text)
        assert sentence_around(starts, text, 5) == (0, text.index(" Next"))

    @pytest.mark.parametrize(
        "text", ["Dr. Smith arrived. Then", "The U.S. Army left. Then", "J. Smith wrote. Then"]
    )
    def test_abbreviations_and_initials(self, text: str) -> None:
        """Abbreviations and initials do not end a sentence."""
        starts = sentence_bounds(text)
        assert starts == [0, text.index("Then")]

    def test_blank_line_starts_a_sentence(self) -> None:
        """A heading does not run into the first sentence of the body."""
        text = "A heading\n\nThe body starts here."
        assert sentence_bounds(text) == [0, text.index("The")]

    def test_unclosed_quote_does_not_swallow_the_paragraph(self) -> None:
        """An opening quote that never closes stops counting after a while."""
        text = "He said “" + "word " * 400 + "end. Next one."
        assert text.index("Next") in sentence_bounds(text)


class TestClaims:
    """The claim a marker supports."""

    def test_marker_before_full_stop(self) -> None:
        """A marker at the end of a sentence claims that sentence."""
        body = "First sentence. Putin will visit in 2023[2]. Therefore, more."
        finder = ClaimFinder(body)
        marker = find_markers(body, {"2"})[0]
        assert finder.claim_for_marker(marker).text == "Putin will visit in 2023[2]."

    def test_marker_opening_a_line_trails_the_previous_sentence(self) -> None:
        """The first seed's "…statement\\n\\n[1]. Therefore" claims the quoting sentence."""
        body = (
            "Intro. In this context, Nurtleu said, “Russia has been Kazakhstan’s strategic "
            "and important economic partner. Both countries have long-term close\nrelations.” "
            "found in the statement\n\n[1]. Therefore, it can be stated."
        )
        finder = ClaimFinder(body)
        claim = finder.claim_for_marker(find_markers(body, {"1"})[0])
        assert claim.text.startswith("In this context, Nurtleu said")
        assert claim.text.endswith("found in the statement")
        assert claim.quote == (
            "Russia has been Kazakhstan’s strategic and important economic partner. "
            "Both countries have long-term close relations."
        )
        assert claim.line == 1

    def test_short_quoted_terms_are_not_quotes(self) -> None:
        """A quoted name of three words is a term, not a quotation."""
        body = "Russia follows the “Near Environment Doctrine” in its policy[3]."
        claim = ClaimFinder(body).claim_for_marker(find_markers(body, {"3"})[0])
        assert claim.quote is None

    def test_quote_far_before_marker_is_not_attached(self) -> None:
        """A quotation must end shortly before the marker to be what it cites."""
        body = "He said “one two three four five” and then " + "x " * 100 + "later[1]."
        claim = ClaimFinder(body).claim_for_marker(find_markers(body, {"1"})[0])
        assert claim.quote is None


class TestMarkersAfterFullStop:
    """A marker after the full stop belongs to the sentence before it."""

    @pytest.mark.parametrize(
        "body",
        [
            "Volumes hit a record in 2022.¹ Officials said more. Later text.",
            "Volumes hit a record in 2022.[1] Officials said more. Later text.",
            "Volumes hit a record in 2022.^1 Officials said more. Later text.",
            "Volumes hit a record in 2022.[^1] Officials said more. Later text.",
        ],
    )
    def test_claim_is_the_sentence_before(self, body: str) -> None:
        """The claim ends at the marker, not at the end of the paragraph."""
        claim = ClaimFinder(body).claim_for_marker(find_markers(body, {"1"})[0])
        assert claim.text.startswith("Volumes hit a record in 2022.")
        assert "Officials" not in claim.text
