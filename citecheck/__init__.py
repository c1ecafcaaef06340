"""citecheck: check the sources an article cites.

``parse`` reads an article and returns a :class:`Document` whose citations
carry their URLs, access dates and the claims they support.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from citecheck.api import parse, parse_text
from citecheck.errors import CitecheckError, InputError
from citecheck.model import Citation, CitationKind, Claim, Document

try:
    __version__ = version("citecheck-provenance")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Citation",
    "CitationKind",
    "CitecheckError",
    "Claim",
    "Document",
    "InputError",
    "__version__",
    "parse",
    "parse_text",
]
