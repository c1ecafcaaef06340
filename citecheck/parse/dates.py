"""Read dates, and access dates with their labels, in many languages.

(Interface fixed; implementation in progress.)
"""

from __future__ import annotations

import datetime

import attrs


@attrs.frozen
class FoundDate:
    """A date expression found in text.

    ``value`` is the date read; when day and month could be either way round
    and nothing decided it, ``ambiguous`` is true, ``value`` is the reading the
    label's language or the document's habit suggests, and ``alternatives``
    holds the other reading(s). ``start``/``end``/``raw`` cover the whole phrase
    (for an access date: the label and the date, plus enclosing brackets).
    """

    value: datetime.date
    start: int
    end: int
    raw: str
    ambiguous: bool = False
    alternatives: tuple[datetime.date, ...] = ()


def parse_date(text: str, *, day_first: bool | None = None) -> FoundDate | None:
    """Read ``text`` as one date expression (``14.04.2023``, ``April 14, 2023``, ...)."""
    raise NotImplementedError


def find_dates(text: str, *, day_first: bool | None = None) -> list[FoundDate]:
    """Every full date (day, month and year) in ``text``, in order."""
    raise NotImplementedError


def find_access_date(text: str, *, day_first: bool | None = None) -> FoundDate | None:
    """The date ``text`` says the source was accessed on, with its label."""
    raise NotImplementedError


def infer_day_first(texts: list[str]) -> bool | None:
    """Whether numeric dates in these texts put the day first, from the unambiguous ones."""
    raise NotImplementedError
