"""citecheck: check the sources an article cites.

``parse`` reads an article and returns a :class:`Document` whose citations
carry their URLs, access dates and the claims they support; ``verify`` fetches
every cited URL and returns a :class:`Report` with a :class:`Verdict` for each
citation of it, which ``render_report`` writes as JSON, Markdown, HTML, JUnit,
SARIF or text. Every type ``verify`` accepts (:class:`FetchPolicy`,
:class:`ArchiveOptions`, :class:`CheckCache`, :class:`Cassette`, a
:class:`Resolver`) and every record its report holds is exported here.
``fix`` turns a document and a report into a :class:`Patch` that repairs its
citations (docs/fix.md); ``archive_now`` asks a Save Page Now archive to
capture the report's live pages (docs/archives.md).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citecheck._version import __version__
    from citecheck.api import parse, parse_text
    from citecheck.archive.capture import CaptureKeys, CaptureOptions, CaptureOutcome, CaptureState
    from citecheck.archive.now import archive_now
    from citecheck.checks.support import SupportAssessment, assess_support
    from citecheck.errors import CitecheckError, InputError
    from citecheck.fetch.addresses import Resolver
    from citecheck.fetch.cache import CheckCache
    from citecheck.fetch.cassette import Cassette
    from citecheck.fetch.policy import FetchPolicy
    from citecheck.model import (
        ArchivedCopy,
        ArchiveState,
        ArchiveStatus,
        Check,
        Citation,
        CitationKind,
        CitationResult,
        Claim,
        ClaimSupport,
        Document,
        DocumentResult,
        EvidenceSentence,
        HttpEvidence,
        PageInfo,
        PageSupport,
        Redirect,
        Report,
        SnapshotEvidence,
        SupportVerdict,
        Verdict,
    )
    from citecheck.repair import FixOptions, Patch, fix
    from citecheck.report import render_report
    from citecheck.verify import ArchiveOptions, verify

# Where each public name lives. ``import citecheck`` loads none of them: a name is
# imported on first use (PEP 562), so that ``citecheck --help`` and ``citecheck
# parse`` never load the fetch stack, vcrpy or the archive code.
_EXPORTS = {
    "ArchiveOptions": "citecheck.verify",
    "ArchiveState": "citecheck.model",
    "ArchiveStatus": "citecheck.model",
    "ArchivedCopy": "citecheck.model",
    "CaptureKeys": "citecheck.archive.capture",
    "CaptureOptions": "citecheck.archive.capture",
    "CaptureOutcome": "citecheck.archive.capture",
    "CaptureState": "citecheck.archive.capture",
    "Cassette": "citecheck.fetch.cassette",
    "Check": "citecheck.model",
    "CheckCache": "citecheck.fetch.cache",
    "Citation": "citecheck.model",
    "CitationKind": "citecheck.model",
    "CitationResult": "citecheck.model",
    "CitecheckError": "citecheck.errors",
    "Claim": "citecheck.model",
    "ClaimSupport": "citecheck.model",
    "Document": "citecheck.model",
    "DocumentResult": "citecheck.model",
    "EvidenceSentence": "citecheck.model",
    "FetchPolicy": "citecheck.fetch.policy",
    "FixOptions": "citecheck.repair",
    "HttpEvidence": "citecheck.model",
    "InputError": "citecheck.errors",
    "PageInfo": "citecheck.model",
    "PageSupport": "citecheck.model",
    "Patch": "citecheck.repair",
    "Redirect": "citecheck.model",
    "Report": "citecheck.model",
    "Resolver": "citecheck.fetch.addresses",
    "SnapshotEvidence": "citecheck.model",
    "SupportAssessment": "citecheck.checks.support",
    "SupportVerdict": "citecheck.model",
    "Verdict": "citecheck.model",
    "__version__": "citecheck._version",
    "archive_now": "citecheck.archive.now",
    "assess_support": "citecheck.checks.support",
    "fix": "citecheck.repair",
    "parse": "citecheck.api",
    "parse_text": "citecheck.api",
    "render_report": "citecheck.report",
    "verify": "citecheck.verify",
}

__all__ = [
    "ArchiveOptions",
    "ArchiveState",
    "ArchiveStatus",
    "ArchivedCopy",
    "CaptureKeys",
    "CaptureOptions",
    "CaptureOutcome",
    "CaptureState",
    "Cassette",
    "Check",
    "CheckCache",
    "Citation",
    "CitationKind",
    "CitationResult",
    "CitecheckError",
    "Claim",
    "ClaimSupport",
    "Document",
    "DocumentResult",
    "EvidenceSentence",
    "FetchPolicy",
    "FixOptions",
    "HttpEvidence",
    "InputError",
    "PageInfo",
    "PageSupport",
    "Patch",
    "Redirect",
    "Report",
    "Resolver",
    "SnapshotEvidence",
    "SupportAssessment",
    "SupportVerdict",
    "Verdict",
    "__version__",
    "archive_now",
    "assess_support",
    "fix",
    "parse",
    "parse_text",
    "render_report",
    "verify",
]


class _Package(types.ModuleType):
    """``citecheck`` itself: the functions ``parse`` and ``verify`` keep their names.

    The subpackage ``citecheck.parse`` and the module ``citecheck.verify`` share
    those names. Loading a submodule binds it on its package; with the eager
    imports this package once had, the functions were bound after that and won.
    Now that they are imported on first use, the binding of those two
    submodules is refused here instead, so ``citecheck.parse`` and
    ``from citecheck import verify`` are the functions whatever was imported
    first (``import citecheck.verify`` still finds the module in sys.modules).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


_SHADOWED = frozenset({"parse", "verify"})


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'citecheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


sys.modules[__name__].__class__ = _Package
