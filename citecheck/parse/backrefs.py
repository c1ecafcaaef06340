"""Resolve back-references: ``Ibid.`` and ``op. cit.`` in their many languages.

A note that says ``Ibid.`` cites the same source as the note before it; one
that says ``Smith, op. cit., p. 4`` cites the earlier work by Smith. Checking a
source means checking its URL, so a back-reference carries the URLs of the note
it points at (the first seed's ``[4] Ibid.`` must be checked as ``[3]``).
"""

from __future__ import annotations

import enum
import re

import attrs

from citecheck.model import Citation


class BackReference(enum.Enum):
    """What kind of earlier note a back-reference points at."""

    PREVIOUS = "previous"
    """``Ibid.``: the note directly before."""
    SAME_AUTHOR = "same_author"
    """``op. cit.``: the latest earlier note by the author named before it."""


# Ibid. and its translations: Latin, German "Ebd./Ebenda", Russian "Там же",
# Turkish "a.g.e./a.g.m./a.y." (adı geçen eser/makale, aynı yer), Spanish "Íd.",
# Italian "Ivi", Polish "Tamże", French "Idem".
_PREVIOUS = re.compile(
    # Whole words that need no full stop...
    r"(?:ibid(?:em)?|íbid(?:em)?|ibíd(?:em)?|ebenda|там\s+же|тамже|aynı\s+eser|ivi|tamże|idem)\.?"
    # ...and abbreviations that do, since "Ib" and "Id" are also names and words.
    r"|(?:ib|íb|ebd|id|a\.\s?g\.\s?[emy]|a\.\s?y)\."
    r"(?=$|[\s,.;:(])",
    re.IGNORECASE,
)
# op. cit. and its translations: "loc. cit.", German "a.a.O.", Russian "Указ. соч.",
# Turkish "a.g.e." after an author's name is handled as the same author.
_SAME_AUTHOR = re.compile(
    r"(?:op\.?\s?cit|loc\.?\s?cit|a\.\s?a\.\s?o|указ\.\s?соч|цит\.\s?соч)\.?(?=$|[\s,.;:(])",
    re.IGNORECASE,
)
_LEADING_AUTHOR = re.compile(r"([^\W\d][\w'’.\- ]{0,80}?)\s*,\s*")


@attrs.frozen
class BackReferenceMatch:
    """A note recognised as a back-reference; ``author`` is the name before ``op. cit.``."""

    kind: BackReference
    author: str | None = None


def classify_back_reference(text: str) -> BackReferenceMatch | None:
    """Whether a note's text is a back-reference, and to what.

    Only the start of the note counts: ``Ibid.`` later in a note is commentary.
    """
    stripped = text.strip().lstrip("(")
    if _PREVIOUS.match(stripped):
        return BackReferenceMatch(BackReference.PREVIOUS)
    if _SAME_AUTHOR.match(stripped):
        return BackReferenceMatch(BackReference.SAME_AUTHOR)
    lead = _LEADING_AUTHOR.match(stripped)
    if lead:
        rest = stripped[lead.end() :]
        if _SAME_AUTHOR.match(rest) or _PREVIOUS.match(rest):
            return BackReferenceMatch(BackReference.SAME_AUTHOR, author=lead.group(1).strip())
    return None


def resolve_back_references(citations: list[Citation]) -> list[Citation]:
    """Fill ``ibid_of`` and the resolved URLs of every back-reference.

    A back-reference that carries URLs of its own keeps them: it is then a new
    citation that happens to start with "Ibid.". Chains resolve to the first
    note of the chain, so that ``Ibid.`` after ``Ibid.`` still has a source.
    """
    resolved: list[Citation] = []
    for citation in citations:
        match = classify_back_reference(citation.text)
        target = None
        if match is not None and not citation.urls:
            if match.kind is BackReference.PREVIOUS:
                target = resolved[-1] if resolved else None
            elif match.author:
                target = _latest_by_author(resolved, match.author)
            else:
                target = resolved[-1] if resolved else None
        if target is None:
            resolved.append(citation)
            continue
        root = _root(target, resolved)
        resolved.append(
            attrs.evolve(
                citation,
                ibid_of=root.id,
                urls=root.urls,
                doi=root.doi,
                accessed=citation.accessed or root.accessed,
            )
        )
    return resolved


def _root(citation: Citation, earlier: list[Citation]) -> Citation:
    if citation.ibid_of is None:
        return citation
    for candidate in earlier:
        if candidate.id == citation.ibid_of:
            return candidate
    return citation


def _latest_by_author(earlier: list[Citation], author: str) -> Citation | None:
    surname = _surname(author)
    for citation in reversed(earlier):
        if citation.ibid_of is not None:
            continue
        if any(_surname(name) == surname for name in citation.authors):
            return citation
        if surname and surname in citation.text[:120].casefold():
            return citation
    return None


def _surname(name: str) -> str:
    """The family name, for matching "Smith, op. cit." to "John Smith" or "Smith, J."."""
    name = name.strip().strip(".,")
    if "," in name:
        name = name.split(",", 1)[0]
    else:
        words = [word for word in name.split() if len(word.strip(".")) > 1]
        name = words[-1] if words else name
    return name.casefold()
