"""What a person sees while ``citecheck verify`` runs, on stderr only.

At a terminal, a progress bar (rich); in a CI log, where a bar is noise, one
summary line at the end; with ``--quiet``, nothing. stdout stays reserved for
the report so that ``citecheck verify … > report.json`` is always clean.
"""

from __future__ import annotations

import collections
import sys
import time
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import TaskID

from citecheck.model import Check, Verdict
from citecheck.wording import plural


class Progress:
    """Counts checks as they complete and shows them the way the stream allows."""

    def __init__(self, total: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._quiet = quiet
        self._total = total
        self._counts: collections.Counter[Verdict] = collections.Counter()
        self._started = time.monotonic()
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        if not self._quiet and self._stream.isatty() and self._total:
            console = Console(file=self._stream, stderr=self._stream is sys.stderr)
            bar = RichProgress(transient=True, console=console)
            bar.start()
            self._task = bar.add_task("checking URLs", total=self._total)
            self._bar = bar
        return self

    def __call__(self, check: Check) -> None:
        self._counts[check.verdict] += 1
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        if not self._quiet and exc_type is None:
            print(self.summary(), file=self._stream)

    def summary(self) -> str:
        """One line: how many URLs, their verdicts, how long it took."""
        elapsed = time.monotonic() - self._started
        checked = sum(self._counts.values())
        verdicts = ", ".join(
            f"{count} {verdict.value}" for verdict, count in self._counts.most_common()
        )
        # A URL cited by several notes is checked once: these counts are per URL, the
        # report's per citation, and the line says so rather than seem to disagree.
        return f"citecheck: {plural(checked, 'URL')} checked in {elapsed:.1f} s" + (
            f": {verdicts} (per URL; the report counts citations)" if verdicts else ""
        )
