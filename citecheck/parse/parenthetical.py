"""Sources named in parentheses in the body, such as ``(Fmprc.gov.cn, September 15)``.

News analysis (the Jamestown Foundation's Eurasia Daily Monitor, the second
seed) cites sources in the running text by publisher and day, often without a
year: the year is the article's own. The rule is the one a reader applies: the
latest such date that is not after the article's publication date, so a piece
published on 3 December 2023 citing "November 29" means 2023-11-29, and one
published on 5 January 2024 citing "December 30" means 2023-12-30.
"""

from __future__ import annotations

import datetime
import re

import attrs

from citecheck.parse.dates import find_month_days, parse_date

_PARENTHESES = re.compile(r"\(([^()]{4,160})\)")
_PUBLISHER = re.compile(r"[^\W\d_][^,;()]{0,100}")


@attrs.frozen
class ParentheticalSource:
    """A publisher and a date named together in parentheses in the body.

    ``date`` is None when the year could not be inferred; ``year_inferred`` says
    whether the year came from the article rather than the text.
    """

    publisher: str
    date: datetime.date | None
    start: int
    end: int
    raw: str
    year_inferred: bool = False


def find_parenthetical_sources(
    body: str, published: datetime.date | None
) -> list[ParentheticalSource]:
    """Every ``(Publisher, date)`` in the body, with the year filled in where it is missing."""
    found = []
    for match in _PARENTHESES.finditer(body):
        inside = " ".join(match.group(1).split())
        source = _read(inside, published)
        if source is None:
            continue
        publisher, date, inferred = source
        found.append(
            ParentheticalSource(
                publisher=publisher,
                date=date,
                start=match.start(),
                end=match.end(),
                raw=match.group(0),
                year_inferred=inferred,
            )
        )
    return found


def _read(
    inside: str, published: datetime.date | None
) -> tuple[str, datetime.date | None, bool] | None:
    # The publisher may itself contain commas ("Radio Free Europe, Radio Liberty"),
    # so try every comma from the right until the rest reads as a date.
    for comma in _commas_from_right(inside):
        publisher = inside[:comma].strip()
        rest = inside[comma + 1 :].strip()
        if not _PUBLISHER.fullmatch(publisher) or len(publisher.split()) > 12:
            continue
        full = parse_date(rest)
        if full is not None and full.start == 0 and full.end == len(rest):
            return publisher, full.value, False
        month_days = find_month_days(rest)
        if len(month_days) == 1:
            month, day, start, end = month_days[0]
            if start == 0 and end == len(rest):
                return publisher, infer_year(month, day, published), True
    return None


def _commas_from_right(text: str) -> list[int]:
    return [index for index in range(len(text) - 1, -1, -1) if text[index] == ","]


def infer_year(month: int, day: int, published: datetime.date | None) -> datetime.date | None:
    """The latest date with this month and day that is not after ``published``."""
    if published is None:
        return None
    for year in (published.year, published.year - 1):
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:
            # 29 February in a year that has none: try the year before.
            continue
        if candidate <= published:
            return candidate
    return None
