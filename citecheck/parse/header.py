"""Read an article's title and publication date from the lines above its body.

Scraped articles start with a few short lines: the title, a byline, a date,
share buttons ("Paylaş"), a language switcher. The second seed opens with
``Jamestown Foundation (3 December 2023)``, and that date is what a reader
takes as the publication date. The header is everything before the first
paragraph that reads as prose.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import attrs

from citecheck.parse.dates import first_date

# A paragraph this long is body text, not a title or a byline.
_PROSE_LENGTH = 200
# Titles are short; a longer first line is body text that has no title above it.
_MAX_TITLE_LENGTH = 250


@attrs.frozen
class Header:
    """The title and publication date read from the top of an article."""

    title: str | None
    published: datetime.date | None
    end: int


def read_header(text: str) -> Header:
    """Title and date from the paragraphs before the first paragraph of prose."""
    # A generator: the paragraphs after the first prose one are never cut out.
    paragraphs = _paragraphs(text)
    header_paragraphs = []
    end = 0
    for start, paragraph_end, paragraph in paragraphs:
        if len(" ".join(paragraph.split())) >= _PROSE_LENGTH:
            break
        header_paragraphs.append((start, paragraph))
        end = paragraph_end
    title = None
    published = None
    for index, (_, paragraph) in enumerate(header_paragraphs):
        if published is not None:
            break  # the date is found and the title is read from paragraph 0 only
        # Only the first date is read, so find_dates' later FoundDates need not be built.
        first = first_date(paragraph)
        if first is not None:
            published = first
        # Only the first line can be the title: later header lines are bylines,
        # series names ("Eurasia Daily Monitor, Volume: 20") and share buttons.
        if index == 0 and first is None:
            line = " ".join(paragraph.split())
            if len(line) <= _MAX_TITLE_LENGTH:
                title = line
    return Header(title=title, published=published, end=end)


def _paragraphs(text: str) -> Iterator[tuple[int, int, str]]:
    """Blank-line separated paragraphs with their offsets (at most 40), in order."""
    count = 0
    position = 0
    length = len(text)
    while position < length and count < 40:
        while position < length and text[position] in " \t\n":
            position += 1
        if position >= length:
            break
        end = text.find("\n\n", position)
        if end == -1:
            end = length
        yield position, end, text[position:end]
        count += 1
        position = end
