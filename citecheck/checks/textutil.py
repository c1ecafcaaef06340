"""Folding text so that one phrase list matches every spelling of it.

Error and parking pages are matched against phrase lists written once, with
their accents (``Seite nicht gefunden``, ``página não encontrada``). Page
text is folded the same way before matching: case-folded, accents dropped,
apostrophes unified, punctuation turned into spaces. So ``PÁGINA NÃO
ENCONTRADA``, ``pagina nao encontrada`` and ``Página não encontrada!`` all
match, and the Turkish ``SAYFA BULUNAMADI`` (dotless ı) matches
``sayfa bulunamadı``.

Everything here runs in linear time over input that callers bound first.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

# Letters NFKD does not decompose: Turkish dotless ı, Polish ł, Nordic ø, …
# Typographic apostrophes become ASCII ones so that "doesn’t" and "n’existe"
# match "doesn't" and "n'existe".
_EXTRA = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "′": "'",
    }
)


def _is_cjk(char: str) -> bool:
    """Scripts written without spaces between words (Han, kana, Hangul, Thai)."""
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0x1100 <= code <= 0x11FF  # Hangul jamo (what NFKD makes of syllables)
        or 0x0E00 <= code <= 0x0E7F  # Thai
        or 0xF900 <= code <= 0xFAFF
    )


def fold(text: str) -> str:
    """Case-fold, drop accents and punctuation; words separated by one space.

    The result starts and ends with a space, so ``" page not found "`` in
    ``fold(x)`` is a whole-word test.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_EXTRA)
    # One C-level pass with a memoised per-character table: a Python loop over
    # every character was the largest own cost of a run's content checks.
    return " " + " ".join(decomposed.translate(_FOLD_CHARACTERS).split()) + " "


class _FoldTable(dict[int, str]):
    """What :func:`fold` makes of each character, worked out once per character.

    Letters, digits and apostrophes stay, combining marks (the accents NFKD
    split off) go, anything else becomes a space.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isalnum() or char == "'":
            folded = char
        elif unicodedata.combining(char):
            folded = ""
        else:
            folded = " "
        if len(self) < 65_536:  # a hostile page cannot grow it without bound
            self[code] = folded
        return folded


_FOLD_CHARACTERS = _FoldTable()


def fold_phrase(phrase: str) -> str:
    """Fold a phrase of a list without the surrounding spaces."""
    return fold(phrase).strip()


def has_phrase(folded: str, phrase: str) -> bool:
    """Whether the folded ``phrase`` occurs in ``folded`` as whole words.

    Phrases in scripts without spaces (``ページが見つかりません``, ``页面不存在``)
    are matched as plain substrings, since their "words" have no boundaries.
    """
    if _written_without_spaces(phrase):
        return phrase in folded
    return f" {phrase} " in folded


@functools.lru_cache(maxsize=4096)
def _written_without_spaces(phrase: str) -> bool:
    # Memoised: phrase lists are fixed and asked about on every page, and
    # testing each character of each phrase was a tenth of a run's CPU.
    return any(_is_cjk(char) for char in phrase)


def first_phrase(folded: str, phrases: Iterable[str]) -> str | None:
    """The first phrase of ``phrases`` that occurs in ``folded``, or None."""
    if isinstance(phrases, tuple):
        # Most pages hold none of a list's phrases: one search for all of them
        # settles that at once, instead of one test per phrase (225 per page).
        anywhere = _any_phrase(phrases)
        if anywhere is not None and anywhere.search(folded) is None:
            return None
    for phrase in phrases:
        if has_phrase(folded, phrase):
            return phrase
    return None


@functools.lru_cache(maxsize=256)
def _any_phrase(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern that matches where :func:`has_phrase` would find any of ``phrases``."""
    if not phrases:
        return None
    return re.compile(
        "|".join(
            re.escape(phrase if _written_without_spaces(phrase) else f" {phrase} ")
            for phrase in phrases
        )
    )


def fold_all(phrases: Iterable[str]) -> tuple[str, ...]:
    """Fold a phrase list once, at import time, keeping its order."""
    return tuple(fold_phrase(phrase) for phrase in phrases)


def clip(text: str, limit: int = 80) -> str:
    """Whitespace collapsed, control characters dropped, at most ``limit`` characters.

    Used to quote a page's title or a URL in a reason sentence without letting
    a hostile page stuff the report.
    """
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text[: limit * 4]).split())
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[: limit - 1].rstrip() + "…"
