"""What an archive lookup produced: a copy, or None and the reason why."""

from __future__ import annotations

import attrs

from citecheck.archive.snapshots import Capture
from citecheck.model import ArchivedCopy


@attrs.frozen
class ArchiveLookup:
    """The outcome of looking one URL up in an archive; never an exception.

    ``copy`` is the replacement link for the report (None when there is none).
    ``raw_url`` is where the archived body can be fetched unmodified (the
    Wayback Machine's ``id_`` address, for drift comparison), when known.
    ``reason`` says in one sentence why there is no copy, or which capture
    was chosen and why. ``calls`` counts the archive requests this lookup
    made (memoised answers cost none).
    """

    url: str
    copy: ArchivedCopy | None = None
    capture: Capture | None = None
    raw_url: str | None = None
    reason: str = ""
    calls: int = 0

    @property
    def found(self) -> bool:
        """Whether a snapshot was found."""
        return self.copy is not None
