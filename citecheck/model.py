"""The records every stage of citecheck hands to the next.

They are frozen ``attrs`` classes so that a parsed document can be shared
between threads, cached and compared without defensive copies. Dates are
:class:`datetime.date` values; rendering them as ISO strings is the report
layer's job.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable

import attrs


class CitationKind(enum.StrEnum):
    """Where in the article a citation was found."""

    FOOTNOTE = "footnote"
    """A numbered note, usually in a block at the end of the article."""
    PARENTHETICAL = "parenthetical"
    """A source named in the body, such as ``(Radio Free Europe/Radio Liberty, November 29)``."""
    INLINE = "inline"
    """A bare URL in the body, such as ``To read the rest of the article: https://…``."""


def _tuple_of_str(value: str | Iterable[str]) -> tuple[str, ...]:
    """Accept a list or a single string where a tuple of strings is stored."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen
class Claim:
    """A statement of the article that a citation supports.

    ``start`` and ``end`` are offsets into :attr:`Document.text`, so a report
    can point at the sentence; ``line`` is 1-based in the same text.
    """

    text: str
    quote: str | None = None
    start: int = 0
    end: int = 0
    line: int | None = None


@attrs.frozen
class Citation:
    """One cited source, as the article gives it.

    ``urls`` are cleaned, absolute URLs; for a back-reference (``Ibid.``) they
    are the resolved ones of the citation named by ``ibid_of``. ``date`` is the
    source's own date and ``accessed`` the date the author says they read it.
    ``warnings`` says in plain words what the parser could not decide, such as
    an access date whose day and month could be either way round.
    """

    id: str
    label: str
    kind: CitationKind
    text: str
    authors: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    title: str | None = None
    publisher: str | None = None
    urls: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)
    doi: str | None = None
    date: datetime.date | None = None
    accessed: datetime.date | None = None
    ibid_of: str | None = None
    claims: tuple[Claim, ...] = ()
    line: int | None = None
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)


@attrs.frozen
class Document:
    """An article and the citations found in it.

    ``text`` is the normalised text every offset refers to; ``raw_text`` is the
    text as decoded from the source, kept so that nothing the author wrote is
    lost by repairs.
    """

    source: str
    text: str
    raw_text: str = ""
    title: str | None = None
    published: datetime.date | None = None
    citations: tuple[Citation, ...] = ()
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_tuple_of_str)

    def citation(self, citation_id: str) -> Citation:
        """Return the citation with this id; ``KeyError`` if there is none."""
        for citation in self.citations:
            if citation.id == citation_id:
                return citation
        raise KeyError(citation_id)

    def footnote(self, label: str) -> Citation:
        """Return the footnote with this label (``"3"``); ``KeyError`` if there is none."""
        for citation in self.citations:
            if citation.kind is CitationKind.FOOTNOTE and citation.label == label:
                return citation
        raise KeyError(label)
