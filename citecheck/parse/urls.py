"""Find the URLs and DOIs a footnote or body text cites.

(Interface fixed; implementation in progress.)
"""

from __future__ import annotations

import attrs


@attrs.frozen
class FoundUrl:
    """A URL found in text.

    ``url`` is cleaned and absolute (a bare ``www.`` address gets ``https://``,
    a DOI becomes ``https://doi.org/…``); ``start``/``end`` are the offsets in
    the searched text of everything it was read from (including a line break it
    was rejoined across), so that callers can mask it out; ``raw`` is that text.
    """

    url: str
    start: int
    end: int
    raw: str
    doi: str | None = None


def find_urls(text: str) -> list[FoundUrl]:
    """Every URL, DOI and non-web source address in ``text``, in order."""
    raise NotImplementedError
