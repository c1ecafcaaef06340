"""Errors citecheck raises on purpose.

Everything a caller may want to catch derives from one base class, so that
``except CitecheckError`` is enough at an application boundary::

    CitecheckError
    └── InputError          the document could not be read (missing, binary, undecodable)

Network failures are never raised: the fetch stage turns them into verdicts.
"""

from __future__ import annotations


class CitecheckError(Exception):
    """Base class of every error citecheck raises deliberately."""


class InputError(CitecheckError):
    """A document could not be read as text; the message says why in one line."""
