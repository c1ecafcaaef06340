"""Dates and labelled access dates, in the styles and languages real footnotes use."""

from __future__ import annotations

import datetime
import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.parse.dates import (
    FoundDate,
    find_access_date,
    find_access_dates,
    find_dates,
    find_month_days,
    infer_day_first,
    month_number,
    parse_date,
)

D = datetime.date
APRIL_14 = D(2023, 4, 14)

# Footnotes of the first seed article (ANKASAM), exactly as published.
ANKASAM_NOTES = (
    "[1] “Kazakh, Russian Foreign Ministers Meet in Moscow”, Azernews, "
    "https://www.azernews.az/region/208618.html, (Date of Accession: 14.04.2023).",
    "[2] “President Putin to Visit Kazakhstan in Autumn 2023”, AKI Press, "
    "https://akipress.com/news:701673:President_Putin_to_visit_Kazakhstan_in_autumn_2023/, "
    "(Date of Accession: 14.04.2023).",
    "[6] Emrah Kaya, “Russia’s Purposes for Authorizing the Use of Druzhba”, ANKASAM, "
    "https://www.ankasam.org/russias-purposes-for-authorizing-the-use-of-druzhba/?lang=en, "
    "(Date of Accession: 14.04.2023)",
)
# Body of the second seed article (Jamestown), with its year-less body citations.
JAMESTOWN_BODY = (
    "Jamestown Foundation (3 December 2023)\n\n"
    "Eurasia Daily Monitor, Volume: 20, Issue: 1\n\n"
    "suggested by Russian President Vladimir Putin (Radio Free Europe/Radio Liberty, \n"
    "November 29). Kazakhstans refusal would not be as surprising had it not been for the \n"
    "since Russias re-invasion of Ukraine in February 2022. As a result, this changing \n"
    "choice to visit Astana for his first official visit abroad after the COVID-19 pandemic \n"
    "(Fmprc.gov.cn, September 15). During his trip, the Chinese leader underscored Beijings \n"
)


def _check_span(text: str, found: FoundDate) -> None:
    assert 0 <= found.start <= found.end <= len(text)
    assert text[found.start : found.end] == found.raw
    assert found.start <= found.date_start <= found.date_end <= found.end


class TestMonthNumber:
    """month_number reads month names and abbreviations in every supported language."""

    @pytest.mark.parametrize(
        ("name", "number"),
        [
            ("January", 1),
            ("jan", 1),
            ("Jan.", 1),
            ("FEBRUARY", 2),
            ("Sept.", 9),
            ("sep", 9),
            ("May", 5),
            ("Ocak", 1),
            ("Şubat", 2),
            ("ŞUBAT", 2),
            ("subat", 2),
            ("Şub.", 2),
            ("Mayıs", 5),
            ("MAYIS", 5),
            ("Ağustos", 8),
            ("agustos", 8),
            ("Eylül", 9),
            ("Kasım", 11),
            ("Aralık", 12),
            ("ARALIK", 12),
            ("апреля", 4),
            ("Апрель", 4),
            ("мая", 5),
            ("май", 5),
            ("сент.", 9),
            ("декабря", 12),
            ("März", 3),
            ("Maerz", 3),
            ("Marz", 3),
            ("Mrz.", 3),
            ("Jänner", 1),
            ("Okt.", 10),
            ("Dezember", 12),
            ("février", 2),
            ("févr.", 2),
            ("fevrier", 2),
            ("août", 8),
            ("aout", 8),
            ("décembre", 12),
            ("abril", 4),
            ("setiembre", 9),
            ("dic.", 12),
            ("março", 3),
            ("out.", 10),
            ("dez.", 12),
            ("aprile", 4),
            ("giugno", 6),
            ("ott", 10),
            ("kwietnia", 4),
            ("února", 2),
            ("листопада", 11),
            ("S\u0327ubat", 2),  # decomposed "Ş", as macOS writes it
        ],
    )
    def test_known(self, name: str, number: int) -> None:
        """Each spelling, case and abbreviation gives its month."""
        assert month_number(name) == number

    @pytest.mark.parametrize("name", ["", "Monday", "Issue", "Vol.", "2023", "apple", "x" * 100])
    def test_unknown(self, name: str) -> None:
        """Words that are not months give None."""
        assert month_number(name) is None


PARSE_TABLE = [
    # numeric
    ("14.04.2023", APRIL_14),
    ("14.4.2023", APRIL_14),
    ("14. 04. 2023", APRIL_14),
    ("2023-04-14", APRIL_14),
    ("2023/04/14", APRIL_14),
    ("2023.04.14", APRIL_14),
    ("04/14/2023", APRIL_14),
    ("14/04/2023", APRIL_14),
    ("14-04-2023", APRIL_14),
    ("4/14/23", APRIL_14),
    ("14.04.23", APRIL_14),
    ("01.01.99", D(1999, 1, 1)),
    ("2023-04-14T10:00:00Z", APRIL_14),
    ("14.04.2023 г.", APRIL_14),
    # English
    ("14 April 2023", APRIL_14),
    ("April 14, 2023", APRIL_14),
    ("April 14 2023", APRIL_14),
    ("14 Apr. 2023", APRIL_14),
    ("14 Apr 2023", APRIL_14),
    ("Apr 14 2023", APRIL_14),
    ("Apr. 14, 2023", APRIL_14),
    ("14-Apr-2023", APRIL_14),
    ("14-Apr-23", APRIL_14),
    ("14 APRIL 2023", APRIL_14),
    ("14 april 2023", APRIL_14),
    ("2023, April 14", APRIL_14),
    ("(2023, April 14)", APRIL_14),
    ("2023 Apr 14", APRIL_14),
    ("14th April 2023", APRIL_14),
    ("14th of April 2023", APRIL_14),
    ("April 14th, 2023", APRIL_14),
    ("1st May 2023", D(2023, 5, 1)),
    ("May 2nd, 2023", D(2023, 5, 2)),
    ("Sept. 3, 2021", D(2021, 9, 3)),
    ("3 December 2023", D(2023, 12, 3)),
    ("Friday, April 14, 2023", APRIL_14),
    ("14 April, 2023", APRIL_14),
    # Turkish
    ("14 Nisan 2023", APRIL_14),
    ("14 NİSAN 2023", APRIL_14),
    ("14 Şubat 2023", D(2023, 2, 14)),
    ("14 Subat 2023", D(2023, 2, 14)),
    ("1 Ocak 2023", D(2023, 1, 1)),
    ("5 Mayıs 2023", D(2023, 5, 5)),
    ("30 Ağustos 2023", D(2023, 8, 30)),
    ("9 Eylül 2023", D(2023, 9, 9)),
    ("29 Ekim 2023", D(2023, 10, 29)),
    ("10 Kasım 2023", D(2023, 11, 10)),
    ("31 Aralık 2023", D(2023, 12, 31)),
    ("14 Nis. 2023", APRIL_14),
    # Russian
    ("14 апреля 2023 г.", APRIL_14),
    ("14 апреля 2023", APRIL_14),
    ("14 апреля 2023 года", APRIL_14),
    ("1 мая 2023 г.", D(2023, 5, 1)),
    ("14 Апрель 2023", APRIL_14),
    ("3 дек. 2023", D(2023, 12, 3)),
    # German
    ("14. April 2023", APRIL_14),
    ("14. Apr. 2023", APRIL_14),
    ("14. März 2023", D(2023, 3, 14)),
    ("14. Maerz 2023", D(2023, 3, 14)),
    ("3. Dezember 2023", D(2023, 12, 3)),
    ("1. Jänner 2023", D(2023, 1, 1)),
    # French
    ("14 avril 2023", APRIL_14),
    ("1er mai 2023", D(2023, 5, 1)),
    ("14 févr. 2023", D(2023, 2, 14)),
    ("14 fevrier 2023", D(2023, 2, 14)),
    ("15 août 2023", D(2023, 8, 15)),
    ("3 décembre 2023", D(2023, 12, 3)),
    # Spanish
    ("14 de abril de 2023", APRIL_14),
    ("14 de abril del 2023", APRIL_14),
    ("1 de enero de 2023", D(2023, 1, 1)),
    ("14 abr. 2023", APRIL_14),
    ("3 de diciembre de 2023", D(2023, 12, 3)),
    # Portuguese
    ("14 de abril de 2023", APRIL_14),
    ("14 abr. 2023", APRIL_14),
    ("1º de maio de 2023", D(2023, 5, 1)),
    ("3 dez. 2023", D(2023, 12, 3)),
    ("10 out. 2023", D(2023, 10, 10)),
    ("7 de março de 2023", D(2023, 3, 7)),
    # Italian
    ("14 aprile 2023", APRIL_14),
    ("1º maggio 2023", D(2023, 5, 1)),
    ("3 dicembre 2023", D(2023, 12, 3)),
    ("20 giugno 2023", D(2023, 6, 20)),
    # Others a citation may carry
    ("14 april 2023", APRIL_14),
    ("14 kwietnia 2023", APRIL_14),
    ("7. února 2017", D(2017, 2, 7)),
    ("2023年4月14日", APRIL_14),
    ("2023년 4월 14일", APRIL_14),
    ("29 February 2024", D(2024, 2, 29)),
    # Forms real reference sections write
    ("23June-2018", D(2018, 6, 23)),  # LaTeX thesis: "[Online; accessed 23June-2018]"
    ("24-June2018", D(2018, 6, 24)),
    ("01. 12 2022", D(2022, 12, 1)),  # German Word bibliography: "(Zugriff am 01. 12 2022)"
    ("09. 01\n2023", D(2023, 1, 9)),
    ("1.04.2017r.", D(2017, 4, 1)),  # Polish "aktualne na dzień 1.04.2017r."
    ("1.04.2017 r.", D(2017, 4, 1)),
    ("1 يونيو 2018", D(2018, 6, 1)),  # Arabic "تم الوصول إليها في 1 يونيو 2018"
    ("14 أبريل 2023", APRIL_14),
    ("14 نيسان 2023", APRIL_14),
    ("١٤ أبريل ٢٠٢٣", APRIL_14),  # Arabic-Indic digits
    ("２０２３年４月１４日", APRIL_14),  # fullwidth digits
]


class TestParseDate:
    """parse_date reads one date expression and nothing else."""

    @pytest.mark.parametrize(("text", "expected"), PARSE_TABLE)
    def test_table(self, text: str, expected: datetime.date) -> None:
        """Every supported form gives its date, with a span pointing at the text."""
        found = parse_date(text)
        assert found is not None, text
        assert found.value == expected
        _check_span(text, found)

    @pytest.mark.parametrize(
        "text",
        [
            "31.02.2023",
            "30 February 2023",
            "29 February 2023",
            "31 April 2023",
            "32.01.2023",
            "00.01.2023",
            "2023-13-01",
            "2023-00-10",
            "31/31/2023",
            "April 31, 2023",
            "31 Nisan 2023",
            "0 April 2023",
        ],
    )
    def test_impossible_dates(self, text: str) -> None:
        """Dates that do not exist are not read."""
        assert parse_date(text) is None

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "2023",
            "April 2023",
            "14 April",
            "Accessed 14 April 2023",
            "14 April 2023 and 15 April 2023",
            "Volume: 20, Issue: 1",
            "pp. 12-14",
            "14 Foo 2023",
            "the 14th",
        ],
    )
    def test_not_one_date(self, text: str) -> None:
        """Text that is not exactly one full date gives None."""
        assert parse_date(text) is None

    def test_apa_parenthesised_span(self) -> None:
        """APA's (2023, April 14) is read with the span on the date inside the brackets."""
        found = parse_date("(2023, April 14)")
        assert found is not None
        assert (found.start, found.end, found.raw) == (1, 15, "2023, April 14")

    def test_russian_year_suffix_in_span(self) -> None:
        """The Russian "г." after the year belongs to the date phrase."""
        found = parse_date("14 апреля 2023 г.")
        assert found is not None
        assert found.raw == "14 апреля 2023 г."

    def test_two_digit_year_rule(self) -> None:
        """A two-digit year later than next year goes to the previous century."""
        this_year = datetime.date.today().year
        future = (this_year + 2) % 100
        found = parse_date(f"14.04.{future:02d}")
        assert found is not None
        assert found.value.year == this_year + 2 - 100
        current = parse_date(f"14.04.{this_year % 100:02d}")
        assert current is not None
        assert current.value.year == this_year

    def test_decomposed_diacritics(self) -> None:
        """A decomposed "Ş" (S + combining cedilla) still reads, and the span keeps the mark."""
        text = "14 S\u0327ubat 2023"
        found = parse_date(text)
        assert found is not None
        assert found.value == D(2023, 2, 14)
        assert found.raw == text


class TestAmbiguity:
    """Numeric dates whose day and month could swap."""

    def test_unlabelled_default_is_day_first(self) -> None:
        """Without a hint, 04/05/2023 reads day first and says it is ambiguous."""
        found = parse_date("04/05/2023")
        assert found is not None
        assert found.value == D(2023, 5, 4)
        assert found.ambiguous
        assert found.alternatives == (D(2023, 4, 5),)

    def test_english_language_is_month_first(self) -> None:
        """With language="en", 04/05/2023 reads month first, still ambiguous."""
        found = parse_date("04/05/2023", language="en")
        assert found is not None
        assert (found.value, found.ambiguous, found.alternatives) == (
            D(2023, 4, 5),
            True,
            (D(2023, 5, 4),),
        )

    @pytest.mark.parametrize(
        ("text", "day_first", "expected"),
        [
            ("04/05/2023", True, D(2023, 5, 4)),
            ("04/05/2023", False, D(2023, 4, 5)),
            ("04-05-2023", True, D(2023, 5, 4)),
            ("04-05-2023", False, D(2023, 4, 5)),
            ("4/5/23", False, D(2023, 4, 5)),
            # a component over 12 overrides the habit
            ("14/04/2023", False, APRIL_14),
            ("04/14/2023", True, APRIL_14),
            # dotted dates are day first whatever the habit
            ("04.05.2023", False, D(2023, 5, 4)),
        ],
    )
    def test_explicit_day_first(self, text: str, day_first: bool, expected: datetime.date) -> None:
        """An explicit day_first decides, and the result is not ambiguous."""
        found = parse_date(text, day_first=day_first)
        assert found is not None
        assert found.value == expected
        assert not found.ambiguous
        assert found.alternatives == ()

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("13/04/2023", D(2023, 4, 13)),
            ("04/13/2023", D(2023, 4, 13)),
            ("31-12-2023", D(2023, 12, 31)),
            ("12-31-2023", D(2023, 12, 31)),
            ("05/05/2023", D(2023, 5, 5)),
            ("04.05.2023", D(2023, 5, 4)),
            ("2023-04-05", D(2023, 4, 5)),
        ],
    )
    def test_decided_without_hint(self, text: str, expected: datetime.date) -> None:
        """A component over 12, equal components, dots or year first leave no ambiguity."""
        found = parse_date(text)
        assert found is not None
        assert found.value == expected
        assert not found.ambiguous

    @pytest.mark.parametrize(
        ("text", "expected", "alternative"),
        [
            ("[Accessed 04/05/2023]", D(2023, 4, 5), D(2023, 5, 4)),
            ("Retrieved 4/5/23, from https://example.org", D(2023, 4, 5), D(2023, 5, 4)),
            ("Acesso em 04/05/2023", D(2023, 5, 4), D(2023, 4, 5)),
            ("Erişim Tarihi: 04/05/2023", D(2023, 5, 4), D(2023, 4, 5)),
            ("abgerufen am 04/05/2023", D(2023, 5, 4), D(2023, 4, 5)),
            ("consulté le 04/05/2023", D(2023, 5, 4), D(2023, 4, 5)),
        ],
    )
    def test_label_language_decides_default(
        self, text: str, expected: datetime.date, alternative: datetime.date
    ) -> None:
        """English labels read month first, the others day first; both stay ambiguous."""
        found = find_access_date(text)
        assert found is not None
        assert found.value == expected
        assert found.ambiguous
        assert found.alternatives == (alternative,)

    def test_access_date_with_document_habit(self) -> None:
        """The document's habit overrides the English label and removes the ambiguity."""
        found = find_access_date("[Accessed 04/05/2023]", day_first=True)
        assert found is not None
        assert (found.value, found.ambiguous) == (D(2023, 5, 4), False)

    def test_dotted_access_date_not_ambiguous(self) -> None:
        """A dotted date under an English label ("Date of Accession") is day first."""
        found = find_access_date("(Date of Accession: 04.05.2023)")
        assert found is not None
        assert (found.value, found.ambiguous) == (D(2023, 5, 4), False)


class TestFindDates:
    """find_dates returns every full date of a longer text, in order."""

    def test_seed_footnote(self) -> None:
        """The ANKASAM footnote holds one date, the access date."""
        text = ANKASAM_NOTES[0]
        found = find_dates(text)
        assert [f.value for f in found] == [APRIL_14]
        assert found[0].raw == "14.04.2023"

    def test_seed_body(self) -> None:
        """The Jamestown body holds one full date; month-year and year-less ones are not."""
        found = find_dates(JAMESTOWN_BODY)
        assert [f.value for f in found] == [D(2023, 12, 3)]
        assert found[0].raw == "3 December 2023"

    def test_order_and_mixed_styles(self) -> None:
        """Dates of different styles come back in text order."""
        text = (
            "Published 3 May 2021, updated 2022-06-01 and on April 14, 2023; "
            "erişim 14.04.2023, обращение 1 мая 2023 г."
        )
        found = find_dates(text)
        assert [f.value for f in found] == [
            D(2021, 5, 3),
            D(2022, 6, 1),
            APRIL_14,
            APRIL_14,
            D(2023, 5, 1),
        ]
        for f in found:
            _check_span(text, f)

    def test_wikipedia_archive_and_retrieved(self) -> None:
        """Both dates of a Wikipedia reference are found."""
        text = "Archived from the original on 3 May 2021. Retrieved 14 April 2023."
        assert [f.value for f in find_dates(text)] == [D(2021, 5, 3), APRIL_14]

    def test_non_overlapping(self) -> None:
        """Adjacent dates do not overlap."""
        text = "14 April 2023 15 April 2023 2023-04-16 17.04.2023"
        found = find_dates(text)
        assert [f.value.day for f in found] == [14, 15, 16, 17]
        assert all(a.end <= b.start for a, b in itertools.pairwise(found))

    @pytest.mark.parametrize(
        "text",
        [
            "Eurasia Daily Monitor, Volume: 20, Issue: 1",
            "pp. 12-14",
            "pp. 112-114, 2023",
            "ISBN 978-3-16-148410-0",
            "ISBN 0-306-40615-2",
            "Tel. +7 (495) 123-45-67",
            "Phone 555-12-34",
            "12-34-56",
            "2023",
            "in the autumn of 2023",
            "in February 2022",
            "May 2023",
            "https://example.com/2023/04/14/story",
            "https://example.com/news-2023-04-14-story",
            "192.168.1.10",
            "Python 3.10.12",
            "Section 1.2.30",
            "doi:10.1016/2023.04.014",
            "20230414",
            "(Radio Free Europe/Radio Liberty, November 29)",
            "14 Foo 2023",
            "31.02.2023",
        ],
    )
    def test_not_dates(self, text: str) -> None:
        """Volumes, pages, ISBNs, phones, versions, URL paths and partial dates are not dates."""
        assert find_dates(text) == []

    def test_date_inside_brackets(self) -> None:
        """A date in brackets is found with the brackets left out of its span."""
        text = "Jamestown Foundation (3 December 2023)"
        (found,) = find_dates(text)
        assert found.raw == "3 December 2023"


class TestFindMonthDays:
    """find_month_days returns year-less dates for body citations."""

    def test_jamestown_body_citations(self) -> None:
        """Jamestown's (…, November 29) and (…, September 15) are found, its full date is not."""
        found = find_month_days(JAMESTOWN_BODY)
        assert [(m, d) for m, d, _, _ in found] == [(11, 29), (9, 15)]
        assert [JAMESTOWN_BODY[s:e] for _, _, s, e in found] == ["November 29", "September 15"]

    @pytest.mark.parametrize(
        ("text", "month", "day", "raw"),
        [
            ("(Radio Free Europe/Radio Liberty, November 29)", 11, 29, "November 29"),
            ("(Reuters, 29 November)", 11, 29, "29 November"),
            ("(Fmprc.gov.cn, September 15)", 9, 15, "September 15"),
            ("(Kommersant, 29 ноября)", 11, 29, "29 ноября"),
            ("(El País, 29 de noviembre)", 11, 29, "29 de noviembre"),
            ("(Spiegel, 29. November)", 11, 29, "29. November"),
            ("(TASS, Nov. 29)", 11, 29, "Nov. 29"),
            ("(Le Monde, 1er mai)", 5, 1, "1er mai"),
            ("(AA, 29 Kasım)", 11, 29, "29 Kasım"),
            ("(BBC, 29th November)", 11, 29, "29th November"),
        ],
    )
    def test_forms(self, text: str, month: int, day: int, raw: str) -> None:
        """Month-day and day-month in several languages are found with their span."""
        ((m, d, start, end),) = find_month_days(text)
        assert (m, d, text[start:end]) == (month, day, raw)

    @pytest.mark.parametrize(
        "text",
        [
            "you may 5 times try",
            "they march 20 miles",
            "on November 29, 2023",
            "29 November 2023",
            "November 2023",
            "February 30",
            "November 32",
        ],
    )
    def test_not_month_days(self, text: str) -> None:
        """Lower-case English verbs, full dates, month-year and impossible days are left out."""
        assert find_month_days(text) == []


ACCESS_TABLE = [
    # English
    ("(Date of Accession: 14.04.2023)", "(Date of Accession: 14.04.2023)", "Date of Accession"),
    ("Accessed 14 April 2023.", "Accessed 14 April 2023", "Accessed"),
    ("accessed on 14 April 2023", "accessed on 14 April 2023", "accessed on"),
    ("Accessed: 14 April 2023", "Accessed: 14 April 2023", "Accessed"),
    ("(Accessed: 14 April 2023)", "(Accessed: 14 April 2023)", "Accessed"),
    ("Accessed 14 Apr. 2023.", "Accessed 14 Apr. 2023", "Accessed"),
    ("accessed April 14, 2023, https://x.org", "accessed April 14, 2023", "accessed"),
    ("Retrieved 14 April 2023.", "Retrieved 14 April 2023", "Retrieved"),
    ("Retrieved on April 14, 2023", "Retrieved on April 14, 2023", "Retrieved on"),
    (
        "Retrieved April 14, 2023, from https://x.org/a",
        "Retrieved April 14, 2023, from",
        "Retrieved",
    ),
    ("Retrieved 2023-04-14.", "Retrieved 2023-04-14", "Retrieved"),
    ("last accessed 14 April 2023", "last accessed 14 April 2023", "last accessed"),
    ("Last visited April 14, 2023", "Last visited April 14, 2023", "Last visited"),
    ("[Accessed 14 April 2023]", "[Accessed 14 April 2023]", "Accessed"),
    ("[accessed 14 April 2023].", "[accessed 14 April 2023]", "accessed"),
    ("Viewed 14 April 2023", "Viewed 14 April 2023", "Viewed"),
    ("Consulted 14 April 2023", "Consulted 14 April 2023", "Consulted"),
    ("date accessed: 14 April 2023", "date accessed: 14 April 2023", "date accessed"),
    ("Access date: 14 April 2023", "Access date: 14 April 2023", "Access date"),
    ("[Accessed: Apr. 14, 2023]", "[Accessed: Apr. 14, 2023]", "Accessed"),
    ("[cited 2023 Apr 14]", "[cited 2023 Apr 14]", "cited"),
    ("Accessed on Friday, 14 April 2023", "Accessed on Friday, 14 April 2023", "Accessed on"),
    ("Accessed 14th of April 2023", "Accessed 14th of April 2023", "Accessed"),
    ("ACCESSED 14 APRIL 2023", "ACCESSED 14 APRIL 2023", "ACCESSED"),
    ("Accessed - 14 April 2023", "Accessed - 14 April 2023", "Accessed"),
    ("JSTOR. Web. 14 Apr. 2023.", "Web. 14 Apr. 2023", "Web."),
    # Turkish
    ("Erişim Tarihi: 14.04.2023", "Erişim Tarihi: 14.04.2023", "Erişim Tarihi"),
    ("(Erişim Tarihi: 14.04.2023)", "(Erişim Tarihi: 14.04.2023)", "Erişim Tarihi"),
    ("ERİŞİM TARİHİ: 14.04.2023", "ERİŞİM TARİHİ: 14.04.2023", "ERİŞİM TARİHİ"),
    ("Erişim: 14 Nisan 2023", "Erişim: 14 Nisan 2023", "Erişim"),
    ("Erisim tarihi 14.04.2023", "Erisim tarihi 14.04.2023", "Erisim tarihi"),
    ("Son Erişim Tarihi: 14.04.2023", "Son Erişim Tarihi: 14.04.2023", "Son Erişim Tarihi"),
    ("E.T.: 14.04.2023", "E.T.: 14.04.2023", "E.T."),
    ("(E.T. 14.04.2023)", "(E.T. 14.04.2023)", "E.T."),
    ("14.04.2023 tarihinde erişildi.", "14.04.2023 tarihinde erişildi", "tarihinde erişildi"),
    (
        "14 Nisan 2023 tarihinde https://x.org adresinden erişilmiştir.",
        "14 Nisan 2023 tarihinde",
        "tarihinde",
    ),
    # Russian, Ukrainian
    ("(дата обращения: 14.04.2023)", "(дата обращения: 14.04.2023)", "дата обращения"),
    ("(дата обращения 14.04.2023)", "(дата обращения 14.04.2023)", "дата обращения"),
    (
        "Дата обращения: 14 апреля 2023 г.",
        "Дата обращения: 14 апреля 2023 г.",
        "Дата обращения",
    ),
    ("(дата звернення: 14.04.2023)", "(дата звернення: 14.04.2023)", "дата звернення"),
    # German
    ("abgerufen am 14.04.2023", "abgerufen am 14.04.2023", "abgerufen am"),
    ("Abgerufen am 14. April 2023.", "Abgerufen am 14. April 2023", "Abgerufen am"),
    ("Zugriff am 14.04.2023", "Zugriff am 14.04.2023", "Zugriff am"),
    ("(Zugriff: 14.4.2023)", "(Zugriff: 14.4.2023)", "Zugriff"),
    ("letzter Zugriff am 14.04.2023", "letzter Zugriff am 14.04.2023", "letzter Zugriff am"),
    ("(Stand: 14.04.2023)", "(Stand: 14.04.2023)", "Stand"),
    ("Abruf am: 14.04.2023", "Abruf am: 14.04.2023", "Abruf am"),
    # French
    ("consulté le 14 avril 2023", "consulté le 14 avril 2023", "consulté le"),
    ("(page consultée le 14 avril 2023)", "(page consultée le 14 avril 2023)", "page consultée le"),
    ("Consulté le 1er mai 2023", "Consulté le 1er mai 2023", "Consulté le"),
    (
        "dernière consultation le 14/04/2023",
        "dernière consultation le 14/04/2023",
        "dernière consultation le",
    ),
    ("Repéré le 2023-04-14 à http://x.org", "Repéré le 2023-04-14", "Repéré le"),
    ("[en ligne (14 avril 2023) : http://x.org]", "en ligne (14 avril 2023)", "en ligne"),
    # Spanish
    ("consultado el 14 de abril de 2023", "consultado el 14 de abril de 2023", "consultado el"),
    (
        "Fecha de consulta: 14 de abril de 2023",
        "Fecha de consulta: 14 de abril de 2023",
        "Fecha de consulta",
    ),
    (
        "Recuperado el 14 de abril de 2023 de https://x.org",
        "Recuperado el 14 de abril de 2023 de",
        "Recuperado el",
    ),
    ("(Último acceso: 14/04/2023)", "(Último acceso: 14/04/2023)", "Último acceso"),
    # Portuguese
    ("Acesso em: 14 abr. 2023.", "Acesso em: 14 abr. 2023", "Acesso em"),
    ("Acesso em 14/04/2023", "Acesso em 14/04/2023", "Acesso em"),
    ("Acessado em 14 de abril de 2023", "Acessado em 14 de abril de 2023", "Acessado em"),
    ("Consultado em 14 de abril de 2023", "Consultado em 14 de abril de 2023", "Consultado em"),
    # Italian
    ("consultato il 14 aprile 2023", "consultato il 14 aprile 2023", "consultato il"),
    ("URL consultato il 14 aprile 2023.", "URL consultato il 14 aprile 2023", "URL consultato il"),
    ("(ultimo accesso 14 aprile 2023)", "(ultimo accesso 14 aprile 2023)", "ultimo accesso"),
    (
        "ultima consultazione: 14/04/2023",
        "ultima consultazione: 14/04/2023",
        "ultima consultazione",
    ),
    ("[accesso: 14.4.2023]", "[accesso: 14.4.2023]", "accesso"),
    # Dutch, Polish, Czech, Chinese, Japanese
    ("Geraadpleegd op 14 april 2023", "Geraadpleegd op 14 april 2023", "Geraadpleegd op"),
    ("[dostęp: 14.04.2023]", "[dostęp: 14.04.2023]", "dostęp"),
    ("[cit. 14. dubna 2023]", "[cit. 14. dubna 2023]", "cit."),
    ("访问日期：2023年4月14日", "访问日期：2023年4月14日", "访问日期"),
    ("2023年4月14日閲覧。", "2023年4月14日閲覧", "閲覧"),
    # Swedish, Danish, Finnish, Korean, and French "dernier accès"
    ("Hämtad 14 april 2023.", "Hämtad 14 april 2023", "Hämtad"),
    ("Hentet 14. april 2023.", "Hentet 14. april 2023", "Hentet"),
    ("Viitattu 14.4.2023.", "Viitattu 14.4.2023", "Viitattu"),
    ("검색일: 2023.04.14", "검색일: 2023.04.14", "검색일"),
    ("(dernier accès le 14 avril 2023)", "(dernier accès le 14 avril 2023)", "dernier accès le"),
]


# Access phrases as real reference sections write them (text, date, raw, label).
REAL_ACCESS_TABLE = [
    # Polish
    ("Raport. aktualne na dzień 1.04.2017r.", D(2017, 4, 1), "aktualne na dzień 1.04.2017r.",
     "aktualne na dzień"),
    # German: Citavi, Word's "dd. MM yyyy", a misspelling, a line break anywhere
    ("https://x.de, zuletzt geprüft am 11.01.2019.", D(2019, 1, 11),
     "zuletzt geprüft am 11.01.2019", "zuletzt geprüft am"),
    ("https://asana.com/de (Zugriff am 01. 12\n2022).", D(2022, 12, 1),
     "(Zugriff am 01. 12\n2022)", "Zugriff am"),
    ("https://x.de\n\n(Zugriff\n\nam 14. 12 2022).", D(2022, 12, 14),
     "(Zugriff\n\nam 14. 12 2022)", "Zugriff\n\nam"),
    ("whitepaper.pdf (abgerfufen 10.05.2018)", D(2018, 5, 10), "(abgerfufen 10.05.2018)",
     "abgerfufen"),
    ("Abrufdatum: 05.06.2020", D(2020, 6, 5), "Abrufdatum: 05.06.2020", "Abrufdatum"),
    ("Berlin.de, Abgerufen am 9. Juni 2010", D(2010, 6, 9), "Abgerufen am 9. Juni 2010",
     "Abgerufen am"),
    # Spanish
    ("(visitado 15-09-2021).", D(2021, 9, 15), "(visitado 15-09-2021)", "visitado"),
    ("Accedido: 26 de septiembre de 2022", D(2022, 9, 26), "Accedido: 26 de septiembre de 2022",
     "Accedido"),
    ("Consultado el 11/09/2016", D(2016, 9, 11), "Consultado el 11/09/2016", "Consultado el"),
    ("ng-conf, 19 de abril de 2018. Acceso 30 de mayo de 2018", D(2018, 5, 30),
     "Acceso 30 de mayo de 2018", "Acceso"),
    # Portuguese
    ("Acessado em: 2021-10-31", D(2021, 10, 31), "Acessado em: 2021-10-31", "Acessado em"),
    ("Acesso em: 17 out. 2016.", D(2016, 10, 17), "Acesso em: 17 out. 2016", "Acesso em"),
    ("Acesso em: 9 de dezembro de 2023", D(2023, 12, 9), "Acesso em: 9 de dezembro de 2023",
     "Acesso em"),
    # Ukrainian, Russian (GOST and machine-translated MLA)
    ("— Дата доступу: 28.05.2016.", D(2016, 5, 28), "Дата доступу: 28.05.2016", "Дата доступу"),
    ("(дата обращения 7.11.2022)", D(2022, 11, 7), "(дата обращения 7.11.2022)",
     "дата обращения"),
    ("Google . Доступ к 31 мая 2018 года", D(2018, 5, 31), "Доступ к 31 мая 2018 года",
     "Доступ к"),
    ("19 апреля 2018. Доступен 30 мая 2018 года", D(2018, 5, 30), "Доступен 30 мая 2018 года",
     "Доступен"),
    # English: LaTeX, IEEE, APA, Wikipedia, PDF hyphenation
    ("https://semver.org/. [Online; accessed 24-June2018].", D(2018, 6, 24),
     "accessed 24-June2018", "accessed"),
    ("https://rubygems.org/. [Online; accessed 23June-2018].", D(2018, 6, 23),
     "accessed 23June-2018", "accessed"),
    ("Accessed: May 12, 2026. [Online]. Available: https://x.org", D(2026, 5, 12),
     "Accessed: May 12, 2026", "Accessed"),
    ("[Accessed on: 1 November 2021]", D(2021, 11, 1), "[Accessed on: 1 November 2021]",
     "Accessed on"),
    ("Retrieved 2015-07-24, from http://www.decawave.com", D(2015, 7, 24),
     "Retrieved 2015-07-24, from", "Retrieved"),
    ("Cornish Guardian], accessdate: 23 June 2016", D(2016, 6, 23), "accessdate: 23 June 2016",
     "accessdate"),
    ("https://x.org. Ac-\ncessed: 12 May 2020.", D(2020, 5, 12), "Ac-\ncessed: 12 May 2020",
     "Ac-\ncessed"),
    ("Re-\ntrieved 14 April 2023.", APRIL_14, "Re-\ntrieved 14 April 2023", "Re-\ntrieved"),
    ("<http://rgdal.r-forge.r-project.org/articles/PROJ6_GDAL3.html> (accessed\n"
     "      September 21, 2020).", D(2020, 9, 21), "(accessed\n      September 21, 2020)",
     "accessed"),  # a plain-text list's hanging indent
    ("Retrieved March 3,\n                              2020", D(2020, 3, 3),
     "Retrieved March 3,\n                              2020", "Retrieved"),  # Wikipedia's HTML
    # Japanese, Chinese (Baidu Baike, Wikipedia, GB/T 7714)
    ("「タイトル」『朝日新聞』(2024年11月2日取得)", D(2024, 11, 2), "(2024年11月2日取得)", "取得"),
    ("标题. 百度百科. 引用日期2020-01-11", D(2020, 1, 11), "引用日期2020-01-11", "引用日期"),
    ("YAML Ain't Markup Language. YAML.org. 2009-10-01 [2019-05-29]. （原始内容存档于2019-05-24）.",
     D(2019, 5, 29), "[2019-05-29]", "["),
    ("标题. 新华网. [2020-01-11]. （原始内容存档于2020-01-12）.", D(2020, 1, 11), "[2020-01-11]",
     "["),
    ("Smith J. Title[EB/OL]. (2019-05-01)[2020-01-11]. https://x.org", D(2020, 1, 11),
     "[2020-01-11]", "["),
    ("Smith J. Title[EB/OL]. [2020-01-11]. https://x.org", D(2020, 1, 11), "[2020-01-11]", "["),
    # Turkish, Arabic, Italian, French
    ("Erişim Tarihi: 14.04.2023", APRIL_14, "Erişim Tarihi: 14.04.2023", "Erişim Tarihi"),
    ("جوجل. تم الوصول إليها في 1 يونيو 2018", D(2018, 6, 1),
     "تم الوصول إليها في 1 يونيو 2018", "تم الوصول إليها في"),
    ("URL consultato il 14 aprile 2023.", APRIL_14, "URL consultato il 14 aprile 2023",
     "URL consultato il"),
    ("consulté le 30/07/2024", D(2024, 7, 30), "consulté le 30/07/2024", "consulté le"),
]  # fmt: skip


class TestFindAccessDate:
    """find_access_date finds the labelled date a source was read on."""

    @pytest.mark.parametrize(("text", "value", "raw", "label"), REAL_ACCESS_TABLE)
    def test_real_forms(self, text: str, value: datetime.date, raw: str, label: str) -> None:
        """Each access phrase of a real reference section gives its date, span and label."""
        found = find_access_date(text)
        assert found is not None, text
        assert (found.value, found.raw, found.label) == (value, raw, label)
        _check_span(text, found)

    @pytest.mark.parametrize(("text", "raw", "label"), ACCESS_TABLE)
    def test_label_styles(self, text: str, raw: str, label: str) -> None:
        """Each label style gives 14 April 2023, spanning label, date and enclosing brackets."""
        found = find_access_date(text)
        assert found is not None, text
        assert found.value in (APRIL_14, D(2023, 5, 1))
        assert found.raw == raw
        assert found.label == label
        _check_span(text, found)

    @pytest.mark.parametrize("note", ANKASAM_NOTES)
    def test_ankasam_notes(self, note: str) -> None:
        """Each ANKASAM footnote's access date is read and masking it leaves the URL intact."""
        found = find_access_date(note)
        assert found is not None
        assert (found.value, found.label, found.language) == (APRIL_14, "Date of Accession", "en")
        assert found.raw == "(Date of Accession: 14.04.2023)"
        masked = note[: found.start] + note[found.end :]
        assert "14.04.2023" not in masked
        assert "https://" in masked

    def test_date_span_inside_phrase(self) -> None:
        """date_start/date_end point at the date alone."""
        text = "Azernews, (Date of Accession: 14.04.2023)."
        found = find_access_date(text)
        assert found is not None
        assert text[found.date_start : found.date_end] == "14.04.2023"

    def test_wikipedia_archive_then_retrieved(self) -> None:
        """Wikipedia's archive date is not the access date; the Retrieved one is."""
        text = (
            '"Title". Publisher. Archived from the original on 3 May 2021. Retrieved 14 April 2023.'
        )
        found = find_access_date(text)
        assert found is not None
        assert found.value == APRIL_14
        assert found.raw == "Retrieved 14 April 2023"

    def test_first_of_several(self) -> None:
        """With two labelled dates, the first is returned and find_access_dates gives both."""
        text = "Accessed 1 May 2020; last accessed 14 April 2023."
        found = find_access_date(text)
        assert found is not None and found.value == D(2020, 5, 1)
        assert [f.value for f in find_access_dates(text)] == [D(2020, 5, 1), APRIL_14]

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "2023",
            "Accessed: 2023",
            "Accessed April 2023",
            "Jamestown Foundation (3 December 2023)",
            "Eurasia Daily Monitor, Volume: 20, Issue: 1",
            "pp. 12-14. Accessed",
            "ISBN 978-3-16-148410-0",
            "Tel. +7 (495) 123-45-67",
            "Open Access 2023",
            "Information Retrieval 14 (2011)",
            "Cited 76 times",
            "Archived from the original on 3 May 2021.",
            "Putin visited Astana on 14 April 2023.",
            "The minister consulted 14 April 2023 figures.",
            "Stand 14.04.2023",
            "Der Text ist abrufbar 14.04.2023",
            "Retrieved from https://example.org/2023/04/14/",
            "Accessed 31.02.2023",
            "(consulté le 8 décembre)",
            # a bracketed date is an access date only where Chinese styles put one
            "Smith J. Title. [2020-01-11]. https://x.org",
            "Smith J. Title [2020-01-11] https://x.org",
            "Report. 2019 [2020-01-11].",
            "Title[EB/OL]. (2019)[2020-01-11].",
            "Title. 2019-05-01 [2020-01-11 draft]",
            # prose, not a label
            "Полный доступ к 31 мая 2018 года открыт.",
            "Garantiza libre acceso 30 de mayo de 2018",
            "Dokument 01. 12 2022",
            "2023-04-14 tarihinde",
        ],
    )
    def test_no_access_date(self, text: str) -> None:
        """Unlabelled dates, partial dates, prose verbs and impossible dates give None."""
        assert find_access_date(text) is None

    def test_newline_between_label_and_date(self) -> None:
        """A line break inside the label or before the date does not stop it."""
        text = "(Erişim\nTarihi:\n14.04.2023)"
        found = find_access_date(text)
        assert found is not None
        assert found.value == APRIL_14
        assert found.raw == text

    def test_decomposed_label(self) -> None:
        """A decomposed "ş" in the label is folded and the span maps back to the original."""
        text = "x (Eris\u0327im Tarihi: 14.04.2023) y"
        found = find_access_date(text)
        assert found is not None
        assert found.raw == "(Eris\u0327im Tarihi: 14.04.2023)"
        _check_span(text, found)


class TestInferDayFirst:
    """infer_day_first reads the document's habit from unambiguous numeric dates."""

    @pytest.mark.parametrize(
        ("texts", "expected"),
        [
            (["Accessed 14/04/2023", "Accessed 04/05/2023"], True),
            (["Accessed 04/14/2023", "Accessed 04/05/2023"], False),
            (["14/04/2023", "15/04/2023", "04/20/2023"], True),
            (["14-04-2023", "04-20-2023", "04-21-2023"], False),
            (["14/04/2023", "04/14/2023"], None),
            (["04/05/2023"], None),
            ([], None),
            (["14.04.2023", "15.04.2023"], None),
            (["2023-04-14"], None),
            (["no dates at all"], None),
            (["31/02/2023"], None),
        ],
    )
    def test_votes(self, texts: list[str], expected: bool | None) -> None:
        """A first number over 12 votes day first, a second month first; ties give None."""
        assert infer_day_first(texts) is expected


PATHOLOGICAL = [
    "[" * 100_000,
    "(" * 500_000 + ")" * 500_000,
    "https://example.com/" + "a1/b-2.c_3?" * 90_000,
    "1" * 1_000_000,
    "1." * 500_000,
    "12/" * 333_333,
    " " * 1_000_000,
    "a" * 1_000_000,
    "April 14 " * 110_000,
    "Accessed on: the " * 60_000,
    "Erişim Tarihi: " * 60_000,
    "S\u0327" * 500_000,
    "14.04.2023 tarihinde " * 50_000,
    "(Date of Accession: 14.04.2023) " * 30_000,
    "Ac-\ncessed " * 80_000,
    "a-\n" * 300_000,
    # dense dates: every one is read, so these are kept near 400 kB
    "x. [2023-04-14] " * 25_000,
    "2023-04-14 [2023-04-14] " * 16_000,
    "(2023-04-14)[2023-04-14]" * 16_000,
    "[EB/OL]. [2023-04-14]" * 20_000,
    "23June-2018" * 36_000,
    "01. 12 2022 " * 33_000,
    "Доступ к " * 100_000,
]


class TestRobustness:
    """Arbitrary and hostile input never raises and runs in linear time."""

    @given(st.text(max_size=300))
    @settings(max_examples=300, deadline=None)
    def test_never_raises(self, text: str) -> None:
        """Every entry point accepts any text and reports spans that match it."""
        for found in find_dates(text):
            _check_span(text, found)
        access = find_access_date(text)
        if access is not None:
            _check_span(text, access)
        parse_date(text)
        infer_day_first([text])
        for _, _, start, end in find_month_days(text):
            assert 0 <= start < end <= len(text)
        month_number(text)

    @given(
        st.lists(
            st.sampled_from(
                [
                    "14",
                    "04",
                    "2023",
                    ".",
                    "/",
                    "-",
                    " ",
                    ",",
                    "April",
                    "Nisan",
                    "апреля",
                    "de",
                    "Accessed",
                    "Erişim Tarihi:",
                    "(",
                    ")",
                    "[",
                    "]",
                    "г.",
                    "S\u0327",
                    "tarihinde",
                    "on",
                ]
            ),
            max_size=40,
        ).map("".join)
    )
    @settings(max_examples=300, deadline=None)
    def test_date_like_soup(self, text: str) -> None:
        """Text built from date fragments yields valid, ordered, non-overlapping results."""
        found = find_dates(text)
        for f in found:
            _check_span(text, f)
        assert all(a.end <= b.start for a, b in itertools.pairwise(found))
        access = find_access_dates(text)
        for f in access:
            _check_span(text, f)
            assert f.label or f.language == "en"

    @pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
    def test_pathological_input_is_fast(self, text: str) -> None:
        """A 1 MB hostile input goes through every entry point in a few seconds."""
        started = time.process_time()
        find_dates(text)
        find_access_date(text)
        find_month_days(text)
        infer_day_first([text])
        parse_date(text)
        assert time.process_time() - started < 10
