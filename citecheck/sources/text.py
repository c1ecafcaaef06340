"""Read a plain-text document from disk into a string, whatever its encoding.

Articles arrive as UTF-8, UTF-8 with a byte-order mark, UTF-16 from Windows
tools, or legacy code pages such as cp1251 for Russian. The reader decides the
encoding from the bytes; a file that is not text at all is refused with one
clear sentence rather than parsed into garbage.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

import attrs
import charset_normalizer

from citecheck.errors import InputError
from citecheck.sources.blocks import SourceDocument, line_blocks
from citecheck.sources.normalize import normalize_text

# Above this a "document" is almost certainly a mistake (a database dump, a
# video); refusing it early keeps memory bounded.
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@attrs.frozen
class SourceText:
    """The decoded text of a document and how it was decoded."""

    source: str
    text: str
    encoding: str


def read_document_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the document at ``path``; ``InputError`` for anything unreadable.

    Every reader starts here, so a missing file, a directory or an oversized
    file is refused the same way whatever the format.
    """
    name = os.fspath(path)
    file_path = Path(name)
    try:
        if file_path.is_dir():
            raise InputError(f"{name}: is a directory, not a document")
        size = file_path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(
                f"{name}: {size:,} bytes is larger than the {MAX_DOCUMENT_BYTES:,}-byte limit"
            )
        return file_path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def read_text_file(path: str | os.PathLike[str]) -> SourceText:
    """Read and decode the file at ``path``; ``InputError`` if it is not readable text."""
    name = os.fspath(path)
    text, encoding = decode_bytes(read_document_bytes(name), name=name)
    return SourceText(source=name, text=text, encoding=encoding)


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> tuple[str, str]:
    """Decode document bytes, returning the text and the encoding used."""
    if not data:
        return "", "utf-8"
    text, encoding = _decode(data, name)
    if _looks_binary_text(text):
        raise InputError(f"{name}: looks like a binary file, not a text document")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_or_fail(data[len(bom) :], encoding, name), encoding
    utf16 = _sniff_utf16_without_bom(data)
    if utf16:
        return _decode_or_fail(data, utf16, name), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _looks_binary(data):
        raise InputError(f"{name}: looks like a binary file, not a text document")
    best = charset_normalizer.from_bytes(data[:1_000_000]).best()
    if best is None:
        raise InputError(f"{name}: cannot tell which text encoding this file uses")
    return data.decode(best.encoding, errors="replace"), best.encoding


def _decode_or_fail(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if _looks_binary(data) and not encoding.startswith("utf-16"):
            raise InputError(f"{name}: looks like a binary file, not a text document") from None
        raise InputError(f"{name}: is not valid {encoding} text") from None


def _sniff_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 of mostly-Latin text has a zero in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
        return "utf-16-le"
    if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f\x0b\x1b")
    return controls > 0.1 * len(sample)


# Control characters other than whitespace and ESC (ANSI colours in a log).
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _looks_binary_text(text: str) -> bool:
    sample = text[:8192]
    if not sample:
        return False
    controls = len(_CONTROL_CHARACTERS.findall(sample))
    return "\x00" in sample or controls > 0.1 * len(sample)


def read_text(data: bytes, source: str) -> SourceDocument:
    """The plain-text reader: decode the bytes, then every line is a block."""
    text, _ = decode_bytes(data, name=source)
    return text_source(text, source=source)


def text_source(
    raw_text: str, source: str = "<string>", source_format: str = "text"
) -> SourceDocument:
    """A decoded plain text as blocks: repaired (see ``normalize``), a block a line."""
    text = normalize_text(raw_text)
    return SourceDocument(
        source=source,
        format=source_format,
        raw_text=raw_text,
        text=text,
        blocks=line_blocks(text),
    )
