"""The functions behind ``citecheck.parse`` and ``citecheck.parse_text``.

They join the sources stage (reading and decoding a file) to the parse stage.
"""

from __future__ import annotations

import os

from citecheck.model import Document
from citecheck.parse.document import parse_document, read_document
from citecheck.sources.text import decode_bytes


def parse(path: str | os.PathLike[str], input_format: str | None = None) -> Document:
    """Read the document at ``path`` and return its citations.

    The format (plain text, Markdown, HTML, wikitext, BibTeX, CSL-JSON, RIS, PDF)
    comes from the extension or the content unless ``input_format`` names it.
    Raises :class:`citecheck.InputError` when the file cannot be read.
    """
    return read_document(path, input_format)


def parse_text(
    text: str | bytes, source: str = "<string>", input_format: str | None = None
) -> Document:
    """Parse an article given as text (or undecoded bytes) rather than as a file.

    It is read as plain text unless ``input_format`` names another format
    (``"markdown"``, ``"html"``, …, or ``"auto"`` to sniff it from the content).
    """
    if input_format is not None:
        from citecheck.parse.assemble import assemble
        from citecheck.sources.registry import read_source_bytes

        data = text.encode("utf-8") if isinstance(text, str) else text
        return assemble(
            read_source_bytes(data, source, None if input_format == "auto" else input_format)
        )
    if isinstance(text, bytes):
        text, _ = decode_bytes(text, name=source)
    return parse_document(text, source=source)
