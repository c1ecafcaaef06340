"""Which reader reads a file: the format from the extension, the content, or the user.

Readers register here by format name. Each takes the file's bytes and its name
and returns a :class:`~citecheck.sources.blocks.SourceDocument`, the one
representation the parse stage reads whatever the format.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from citecheck.errors import InputError

if TYPE_CHECKING:
    from citecheck.sources.blocks import SourceDocument

Reader = Callable[[bytes, str], "SourceDocument"]

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".wiki": "wikitext",
    ".wikitext": "wikitext",
    ".mediawiki": "wikitext",
    ".bib": "bibtex",
    ".json": "csljson",
    ".csl": "csljson",
    ".pdf": "pdf",
    ".ris": "ris",
}


def _lazy(module: str, function: str) -> Reader:
    # Each reader (and ftfy, charset-normalizer, the HTML parser, …) is imported
    # on first use: the command line lists FORMATS without loading any of them.
    def read(data: bytes, source: str) -> SourceDocument:
        import importlib

        reader: Reader = getattr(importlib.import_module(module), function)
        return reader(data, source)

    return read


READERS: dict[str, Reader] = {
    "text": _lazy("citecheck.sources.text", "read_text"),
    "markdown": _lazy("citecheck.sources.markdown", "read_markdown"),
    "html": _lazy("citecheck.sources.html", "read_html"),
    "wikitext": _lazy("citecheck.sources.wikitext", "read_wikitext"),
    "bibtex": _lazy("citecheck.sources.bibtex", "read_bibtex"),
    "csljson": _lazy("citecheck.sources.csljson", "read_csljson"),
    "pdf": _lazy("citecheck.sources.pdf", "read_pdf"),
    "ris": _lazy("citecheck.sources.ris", "read_ris"),
}
FORMATS = tuple(READERS)


def detect_format(path: str, head: bytes) -> str:
    """The format of a file from its extension, else from its first bytes."""
    extension = os.path.splitext(path)[1].lower()
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    start = head.lstrip()[:512].lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start:
        return "html"
    if start.startswith(b"@") and b"{" in start[:80]:
        return "bibtex"
    if b"{{cite " in head.lower() or b"<ref" in head.lower():
        return "wikitext"
    if b"[^1]:" in head or b"\n[^" in head:
        return "markdown"
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"TY  -"):
        return "ris"
    return "text"


def _check_format(input_format: str | None) -> None:
    """Refuse a format no reader has, before anything is read."""
    if input_format is not None and input_format not in READERS:
        raise InputError(f"unknown input format {input_format!r}; formats are {', '.join(FORMATS)}")


def read_source(path: str | os.PathLike[str], input_format: str | None = None) -> SourceDocument:
    """Read the document at ``path`` into blocks with the reader its format calls for."""
    name = os.fspath(path)
    _check_format(input_format)
    from citecheck.sources.text import read_document_bytes

    return read_source_bytes(read_document_bytes(name), name, input_format)


def read_source_bytes(data: bytes, name: str, input_format: str | None = None) -> SourceDocument:
    """Read a document given as bytes (standard input), its format named or sniffed."""
    _check_format(input_format)
    return READERS[input_format or detect_format(name, data[:4096])](data, name)


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and the supported files below directories named, in a stable order.

    A directory is walked recursively; hidden directories (``.git``) and files
    of unknown formats are skipped there, while a file named explicitly is read
    whatever its extension.
    """
    for path in paths:
        if not os.path.isdir(path):
            yield path
            continue
        for root, directories, files in os.walk(path):
            directories[:] = sorted(d for d in directories if not d.startswith("."))
            for file_name in sorted(files):
                if _walkable(file_name):
                    yield os.path.join(root, file_name)


def _walkable(file_name: str) -> bool:
    # Any JSON file is not a bibliography (package.json, tsconfig.json): in a
    # walk only *.csl.json counts; a JSON file named explicitly is still read.
    lower = file_name.lower()
    if lower.startswith(".") or (lower.endswith(".json") and not lower.endswith(".csl.json")):
        return False
    return os.path.splitext(lower)[1] in _EXTENSIONS
