"""Render documents as the ``citecheck/report/v1`` JSON that every later stage extends.

The names are the report's public contract: tools read them, so a field is
added, never renamed. Dates are ISO strings or null.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from citecheck.model import Citation, Claim, Document

SCHEMA = "citecheck/report/v1"


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    """The JSON object of one claim."""
    return {
        "text": claim.text,
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "line": claim.line,
    }


def citation_to_dict(citation: Citation) -> dict[str, Any]:
    """The JSON object of one citation."""
    return {
        "id": citation.id,
        "label": citation.label,
        "kind": citation.kind.value,
        "text": citation.text,
        "line": citation.line,
        "authors": list(citation.authors),
        "title": citation.title,
        "publisher": citation.publisher,
        "urls": list(citation.urls),
        "doi": citation.doi,
        "date": _iso(citation.date),
        "accessed": _iso(citation.accessed),
        "ibid_of": citation.ibid_of,
        "claims": [claim_to_dict(claim) for claim in citation.claims],
        "warnings": list(citation.warnings),
    }


def document_to_dict(document: Document) -> dict[str, Any]:
    """The JSON object of one document, without its full text."""
    return {
        "source": document.source,
        "title": document.title,
        "published": _iso(document.published),
        "citations": [citation_to_dict(citation) for citation in document.citations],
        "warnings": list(document.warnings),
    }


def render_json(documents: Sequence[Document]) -> str:
    """The whole report as indented JSON text, ending in a newline."""
    report = {
        "schema": SCHEMA,
        "documents": [document_to_dict(document) for document in documents],
    }
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
