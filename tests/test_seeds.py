"""The two real articles citecheck was started from, parsed exactly right.

These are the acceptance tests of the parsing issue: every field a reader can
check by eye is asserted.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

import citecheck
from citecheck import CitationKind

DOCUMENTS = Path(__file__).parent.parent / "fixtures" / "documents"
ANKASAM = DOCUMENTS / "ankasam-astana-moscow-2023-04.txt"
JAMESTOWN = DOCUMENTS / "jamestown-kazakhstan-multivector-2023-12.txt"


@pytest.fixture(scope="module")
def ankasam() -> citecheck.Document:
    return citecheck.parse(ANKASAM)


@pytest.fixture(scope="module")
def jamestown() -> citecheck.Document:
    return citecheck.parse(JAMESTOWN)


ANKASAM_NOTES = [
    (
        "1",
        "Kazakh, Russian Foreign Ministers Meet in Moscow",
        (),
        "Azernews",
        "https://www.azernews.az/region/208618.html",
    ),
    (
        "2",
        "President Putin to Visit Kazakhstan in Autumn 2023",
        (),
        "AKI Press",
        "https://akipress.com/news:701673:President_Putin_to_visit_Kazakhstan_in_autumn_2023/",
    ),
    (
        "3",
        "Kazakhstan Proposes Gas Pipeline Project Connecting Russia and China Publication: Eu",
        ("Nuray Alekberli-Museyibova",),
        "The Jamestown Foundation",
        "https://jamestown.org/program/kazakhstan-proposes-gas-pipeline-project-connecting-russia-and-china/",
    ),
    (
        "5",
        "China Population",
        (),
        "Worldometers",
        "https://www.worldometers.info/world-population/china-population/",
    ),
    (
        "6",
        "Russia’s Purposes for Authorizing the Use of Druzhba",
        ("Emrah Kaya",),
        "ANKASAM",
        "https://www.ankasam.org/russias-purposes-for-authorizing-the-use-of-druzhba/?lang=en",
    ),
]


class TestAnkasam:
    """First seed: six numbered footnotes with "(Date of Accession: 14.04.2023)"."""

    def test_six_footnotes(self, ankasam: citecheck.Document) -> None:
        """Exactly the six notes, labelled 1 to 6, and nothing else cited."""
        assert [c.label for c in ankasam.citations] == ["1", "2", "3", "4", "5", "6"]
        assert all(c.kind is CitationKind.FOOTNOTE for c in ankasam.citations)

    def test_title(self, ankasam: citecheck.Document) -> None:
        """The article's title is its first line."""
        assert ankasam.title == (
            "Formula for Strong Cooperation on the Astana-Moscow Line: "
            "Transporting Russian Natural Gas to China"
        )

    @pytest.mark.parametrize(("label", "title", "authors", "publisher", "url"), ANKASAM_NOTES)
    def test_note_fields(
        self,
        ankasam: citecheck.Document,
        label: str,
        title: str,
        authors: tuple[str, ...],
        publisher: str,
        url: str,
    ) -> None:
        """Title, authors, publisher, URL and access date of each note, exactly."""
        note = ankasam.footnote(label)
        assert note.title == title
        assert note.authors == authors
        assert note.publisher == publisher
        assert note.urls == (url,)
        assert note.accessed == datetime.date(2023, 4, 14)
        assert note.ibid_of is None
        assert note.warnings == ()

    def test_ibid(self, ankasam: citecheck.Document) -> None:
        """[4] is Ibid. of [3] and carries [3]'s URL."""
        note = ankasam.footnote("4")
        assert note.text == "Ibid."
        assert note.ibid_of == "fn-3"
        assert note.urls == ankasam.footnote("3").urls

    def test_first_claim_carries_the_quote(self, ankasam: citecheck.Document) -> None:
        """[1]'s claim is the quoting sentence, with the quoted statement as its quote."""
        (claim,) = ankasam.footnote("1").claims
        assert claim.quote is not None
        assert claim.quote.startswith("Russia has been Kazakhstan’s strategic and important")
        assert claim.quote.endswith("based on friendship and good neighborliness.")
        assert claim.text.startswith("In this context, Nurtleu said,")
        assert ankasam.text[claim.start : claim.end].startswith("In this context")

    def test_every_note_has_its_claim(self, ankasam: citecheck.Document) -> None:
        """Each marker [1]…[6] in the body links its sentence to the note."""
        claims = {c.label: c.claims for c in ankasam.citations}
        assert all(len(found) == 1 for found in claims.values())
        assert "autumn of 2023" in claims["2"][0].text
        assert claims["5"][0].text.endswith("1.4 billion population[5].")
        assert claims["2"][0].quote is None

    def test_footnote_lines(self, ankasam: citecheck.Document) -> None:
        """Each note knows the line it stands on in the file."""
        lines = ANKASAM.read_text(encoding="utf-8").split("\n")
        for citation in ankasam.citations:
            assert citation.line is not None
            assert lines[citation.line - 1].startswith(f"[{citation.label}]")


class TestJamestown:
    """Second seed: parenthetical sources without a year, a broken URL, encoding damage."""

    def test_published(self, jamestown: citecheck.Document) -> None:
        """The publication date comes from the header line."""
        assert jamestown.published == datetime.date(2023, 12, 3)

    def test_parenthetical_sources(self, jamestown: citecheck.Document) -> None:
        """Both parenthetical sources, with the year taken from the article."""
        found = [
            (c.publisher, c.date)
            for c in jamestown.citations
            if c.kind is CitationKind.PARENTHETICAL
        ]
        assert found == [
            ("Radio Free Europe/Radio Liberty", datetime.date(2023, 11, 29)),
            ("Fmprc.gov.cn", datetime.date(2023, 9, 15)),
        ]

    def test_parenthetical_claims(self, jamestown: citecheck.Document) -> None:
        """Each parenthetical source supports the sentence around it."""
        first = next(c for c in jamestown.citations if c.kind is CitationKind.PARENTHETICAL)
        assert first.claims[0].text.startswith("Recently, Kazakhstani Energy Minister")
        assert first.claims[0].text.endswith("November 29).")

    def test_broken_url_is_joined(self, jamestown: citecheck.Document) -> None:
        """The URL broken across two lines is one inline citation."""
        inline = [c for c in jamestown.citations if c.kind is CitationKind.INLINE]
        assert [c.urls for c in inline] == [
            ("https://jamestown.org/program/kazakhstans-expanding-multi-vector-foreign-policy/",)
        ]
        assert inline[0].claims[0].text.startswith("To read the rest of the article:")

    def test_swapped_utf16_run_is_repaired(self, jamestown: citecheck.Document) -> None:
        """The byte-swapped UTF-16 run reads as text and its neighbours are intact."""
        assert "enjoy —namely, its deepening cooperation with Beijing" in jamestown.text
        assert "渀" in jamestown.raw_text

    def test_no_notes_block(self, jamestown: citecheck.Document) -> None:
        """The article has no footnotes, only body citations."""
        assert not any(c.kind is CitationKind.FOOTNOTE for c in jamestown.citations)
