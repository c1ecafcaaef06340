"""Fixtures for the fault table: the fetch tests' loopback servers and test certificates."""

from __future__ import annotations

# The servers, the raw-socket servers and the TLS files are the fetch tests'
# own (tests/fetch/conftest.py): one set of hostile servers, tested once.
from tests.fetch.conftest import raw, serve, tls_files

__all__ = ["raw", "serve", "tls_files"]
