"""Errors citecheck raises on purpose.

Everything a caller may want to catch derives from one base class, so that
``except CitecheckError`` is enough at an application boundary::

    CitecheckError
    ├── InputError          the document could not be read (missing, binary, undecodable)
    └── InterruptedRun      Ctrl-C or SIGTERM stopped a verify run; carries the partial report

Network failures are never raised: the fetch stage turns them into verdicts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citecheck.model import Report


class CitecheckError(Exception):
    """Base class of every error citecheck raises deliberately."""


class InputError(CitecheckError):
    """A document could not be read as text; the message says why in one line."""


class InterruptedRun(CitecheckError):
    """A verify run was interrupted; ``report`` holds every check that finished.

    The report is marked ``incomplete`` and lists the ``pending`` URLs, so that
    ``citecheck verify --resume REPORT.json`` can finish the job without
    fetching again what was already checked.
    """

    def __init__(self, report: Report) -> None:
        from citecheck.wording import plural

        super().__init__(
            f"interrupted with {plural(len(report.pending), 'URL')} not yet checked; "
            "the partial report is marked incomplete"
        )
        self.report = report
