"""Record and replay every HTTP exchange of a run with vcrpy (interface; in progress)."""

from __future__ import annotations

import enum
from pathlib import Path

import attrs


class RecordMode(enum.StrEnum):
    """vcrpy's record modes, by their command-line names."""

    ONCE = "once"
    NONE = "none"
    NEW_EPISODES = "new_episodes"
    ALL = "all"


@attrs.frozen
class Cassette:
    """Where a run's HTTP exchanges are recorded to, or replayed from."""

    path: Path = attrs.field(converter=Path)
    record_mode: RecordMode = attrs.field(default=RecordMode.ONCE, converter=RecordMode)
