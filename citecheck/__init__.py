"""citecheck: check the sources an article cites.

``parse`` reads an article and returns a :class:`Document` whose citations
carry their URLs, access dates and the claims they support; ``verify`` fetches
every cited URL and returns a :class:`Report` with a :class:`Verdict` for each.
"""

from __future__ import annotations

from citecheck._version import __version__
from citecheck.api import parse, parse_text
from citecheck.errors import CitecheckError, InputError
from citecheck.fetch.policy import FetchPolicy
from citecheck.model import (
    Check,
    Citation,
    CitationKind,
    CitationResult,
    Claim,
    Document,
    DocumentResult,
    HttpEvidence,
    Redirect,
    Report,
    Verdict,
)
from citecheck.verify import verify

__all__ = [
    "Check",
    "Citation",
    "CitationKind",
    "CitationResult",
    "CitecheckError",
    "Claim",
    "Document",
    "DocumentResult",
    "FetchPolicy",
    "HttpEvidence",
    "InputError",
    "Redirect",
    "Report",
    "Verdict",
    "__version__",
    "parse",
    "parse_text",
    "verify",
]
