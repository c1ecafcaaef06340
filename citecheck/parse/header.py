"""Read an article's title and publication date from the lines above its body.

Scraped articles start with a few short lines: the title, a byline, a date,
share buttons ("Paylaş"), a language switcher. The second seed opens with
``Jamestown Foundation (3 December 2023)``, and that date is what a reader
takes as the publication date. The header is everything before the first
paragraph that reads as prose.
"""

from __future__ import annotations

import datetime

import attrs

from citecheck.parse.dates import find_dates

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
        dates = find_dates(paragraph)
        if dates and published is None:
            published = dates[0].value
        line = " ".join(paragraph.split())
        # Only the first line can be the title: later header lines are bylines,
        # series names ("Eurasia Daily Monitor, Volume: 20") and share buttons.
        if index == 0 and not dates and len(line) <= _MAX_TITLE_LENGTH:
            title = line
    return Header(title=title, published=published, end=end)


def _paragraphs(text: str) -> list[tuple[int, int, str]]:
    """Blank-line separated paragraphs with their offsets, up to the first prose."""
    paragraphs: list[tuple[int, int, str]] = []
    position = 0
    length = len(text)
    while position < length and len(paragraphs) < 40:
        while position < length and text[position] in " \t\n":
            position += 1
        if position >= length:
            break
        end = text.find("\n\n", position)
        if end == -1:
            end = length
        paragraphs.append((position, end, text[position:end]))
        position = end
    return paragraphs
