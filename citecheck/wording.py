"""Counts in words, the same in every report and message: "1 citation", "2 citations"."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """``count`` and ``word``, in the plural unless ``count`` is 1 (``words`` if irregular)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"
