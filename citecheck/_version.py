"""The installed version, read from the package metadata (never hard-coded)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("citecheck-provenance")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
