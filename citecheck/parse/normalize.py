"""Repair the text of a document before anything is parsed from it.

Real articles reach citecheck scraped, copied and re-encoded: mojibake such as
``Kazakhstanâ€™s``, byte-swapped UTF-16 runs, non-breaking spaces, zero-width
characters. Parsing damaged text gives damaged citations, so the text is
repaired first; the caller keeps the raw text so that nothing is lost.

The repair never adds or removes a line break (``\\r\\n`` becomes ``\\n``), so
line numbers in the repaired text are the line numbers of the source.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

# A run of UTF-16LE text decoded the wrong way round turns every ASCII byte b
# into the character U+bb00: the second seed's "— namely," arrives as
# "\u2000᐀渀愀洀攀氀礀Ⰰ\u2000". Such characters are CJK ideographs or symbols that
# essentially never stand three in a row in real text, so a run of at least
# three is repaired.
_SWAPPED_UTF16_RUN = re.compile("[\u0900-\u7e00]{3,}")

# Bytes below 0x20 in a swapped run are the low bytes of punctuation whose high
# byte (0x20) was lost, as U+2014 EM DASH -> 0x14 in the second seed.
_LOST_HIGH_BYTE_PUNCTUATION = {
    0x13: "\u2013",
    0x14: "\u2014",
    0x18: "\u2018",
    0x19: "\u2019",
    0x1C: "\u201c",
    0x1D: "\u201d",
    0x09: "\t",
}

# Spaces that look like spaces but defeat regular expressions and splitting.
_SPACE_LIKE = re.compile("[\u00a0\u2002-\u200a\u202f\u205f\u3000]")
# Invisible characters that break URLs and words apart.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")

_FTFY_CONFIG = ftfy.TextFixerConfig(
    # Curly quotes delimit titles and quotations; straightening them loses that.
    uncurl_quotes=False,
    # Keep HTML entities alone: the HTML reader decodes them where they are markup.
    unescape_html=False,
    explain=False,
)


# A line of printable ASCII (tabs allowed) is one ftfy leaves as it is with the
# configuration above: mojibake, ligatures, wide characters, odd line breaks and
# surrogates all need non-ASCII characters, and terminal escapes and control
# characters are outside this class. Most lines of English notes are such lines,
# and ftfy's per-line encoding trials were a fifth of the parse time
# (benchmarks/RESULTS.md), so only the other lines go through ftfy.
_NEEDS_FTFY = re.compile("[^\t\x20-\x7e]")


def _fix_lines(text: str) -> str:
    """``ftfy.fix_text`` applied line by line, skipping lines it would not change.

    ftfy itself fixes a text one ``\n``-terminated segment at a time, so fixing
    each segment separately gives the same result.
    """
    if not _NEEDS_FTFY.search(text.replace("\n", "")):
        return text
    segments = text.split("\n")
    last = len(segments) - 1
    out = []
    for index, segment in enumerate(segments):
        if index < last:
            segment += "\n"
        if _NEEDS_FTFY.search(segment, 0, len(segment) - (index < last)):
            segment = ftfy.fix_text(segment, _FTFY_CONFIG)
        out.append(segment)
    return "".join(out)


def _repair_swapped_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if any(ord(char) & 0xFF for char in run):
        return run
    decoded = []
    for char in run:
        byte = ord(char) >> 8
        if 0x20 <= byte < 0x7F:
            decoded.append(chr(byte))
        elif byte in _LOST_HIGH_BYTE_PUNCTUATION:
            decoded.append(_LOST_HIGH_BYTE_PUNCTUATION[byte])
        else:
            return run
    text = "".join(decoded)
    if sum(char.isalpha() for char in text) < 2:
        return run
    return text


def repair_swapped_utf16(text: str) -> str:
    """Decode runs of byte-swapped UTF-16 back to the ASCII they were.

    Also catches U+2000 (EN QUAD), which is the swapped form of a space and
    therefore borders such runs.
    """
    # U+2000 is inside the run class through its own range check below.
    return _SWAPPED_UTF16_RUN.sub(_repair_swapped_run, _widen_quad_spaces(text))


def _widen_quad_spaces(text: str) -> str:
    # U+2000 is the swapped space; it is outside the ideograph class only because
    # it is a space, so mark it as part of a run when it touches one.
    return re.sub("\u2000(?=[\u0900-\u7e00]{2})|(?<=[\u0900-\u7e00]{2})\u2000", " ", text)


def normalize_text(text: str) -> str:
    """Return ``text`` repaired for parsing, with the same number of lines."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = repair_swapped_utf16(text)
    text = _fix_lines(text)
    text = _INVISIBLE.sub("", text)
    text = _SPACE_LIKE.sub(" ", text)
    return unicodedata.normalize("NFC", text)
