"""Parenthetical sources in the body and their inferred years."""

from __future__ import annotations

import datetime

import pytest

from citecheck.parse.parenthetical import find_parenthetical_sources, infer_year

PUBLISHED = datetime.date(2023, 12, 3)


class TestInferYear:
    """The latest such date not after the article's own date."""

    @pytest.mark.parametrize(
        ("month", "day", "published", "expected"),
        [
            (11, 29, PUBLISHED, datetime.date(2023, 11, 29)),
            (12, 3, PUBLISHED, datetime.date(2023, 12, 3)),
            (12, 30, datetime.date(2024, 1, 5), datetime.date(2023, 12, 30)),
            (2, 29, datetime.date(2024, 3, 1), datetime.date(2024, 2, 29)),
            (11, 29, None, None),
        ],
    )
    def test_infer(
        self, month: int, day: int, published: datetime.date | None, expected: datetime.date | None
    ) -> None:
        """Month and day get the year that puts them at or before publication."""
        assert infer_year(month, day, published) == expected


class TestFind:
    """Which parentheses name a source."""

    @pytest.mark.parametrize(
        ("body", "publisher", "date"),
        [
            (
                "said Putin (Radio Free Europe/Radio Liberty, \nNovember 29). Next",
                "Radio Free Europe/Radio Liberty",
                datetime.date(2023, 11, 29),
            ),
            (
                "pandemic (Fmprc.gov.cn, September 15). During",
                "Fmprc.gov.cn",
                datetime.date(2023, 9, 15),
            ),
            ("(Reuters, March 3, 2021)", "Reuters", datetime.date(2021, 3, 3)),
            ("(Kommersant, 14 April 2023)", "Kommersant", datetime.date(2023, 4, 14)),
            ("(TASS, 29 November)", "TASS", datetime.date(2023, 11, 29)),
        ],
    )
    def test_sources(self, body: str, publisher: str, date: datetime.date) -> None:
        """Publisher and date are read, with or without a year."""
        (found,) = find_parenthetical_sources(body, PUBLISHED)
        assert (found.publisher, found.date) == (publisher, date)

    @pytest.mark.parametrize(
        "body",
        [
            "(BRI)",
            "(see above, page 4)",
            "(2023)",
            "(Smith, 2020)",
            "(1, 2, 3)",
            "(in February 2022)",
        ],
    )
    def test_not_sources(self, body: str) -> None:
        """Abbreviations, asides and author-year pairs are not dated sources."""
        assert find_parenthetical_sources(body, PUBLISHED) == []
