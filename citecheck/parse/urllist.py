"""A list of URLs, one per line, as a Document: ``citecheck verify --urls FILE``.

Link checkers are often handed bare URLs (a sitemap dump, a spreadsheet
column) rather than an article. Each URL becomes an inline citation labelled
by its line number, with no title, date or claim, so every later stage and
every report treats it like any other citation. Blank lines and lines starting
with ``#`` are skipped; anything else on a line is taken as it stands.
"""

from __future__ import annotations

from citecheck.model import Citation, CitationKind, Document


def url_list_document(text: str, source: str) -> Document:
    """One citation per non-blank, non-comment line of ``text``."""
    citations = []
    for number, line in enumerate(text.splitlines(), start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        citations.append(
            Citation(
                id=f"url-{number}",
                label=str(number),
                kind=CitationKind.INLINE,
                text=url,
                urls=(url,),
                line=number,
            )
        )
    return Document(source=source, text=text, raw_text=text, citations=tuple(citations))
