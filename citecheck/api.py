"""The functions behind ``citecheck.parse`` and ``citecheck.parse_text``.

They join the sources stage (reading and decoding a file) to the parse stage.
"""

from __future__ import annotations

import os

from citecheck.model import Document
from citecheck.parse.document import parse_document
from citecheck.sources.text import decode_bytes, read_text_file


def parse(path: str | os.PathLike[str]) -> Document:
    """Read the article at ``path`` and return its citations.

    Raises :class:`citecheck.InputError` when the file cannot be read as text.
    """
    source = read_text_file(path)
    return parse_document(source.text, source=source.source)


def parse_text(text: str | bytes, source: str = "<string>") -> Document:
    """Parse an article given as text (or undecoded bytes) rather than as a file."""
    if isinstance(text, bytes):
        text, _ = decode_bytes(text, name=source)
    return parse_document(text, source=source)
