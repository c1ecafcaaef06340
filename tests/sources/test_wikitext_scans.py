"""The wikitext scans that jump between braces and tags equal the character walks they replaced."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from citecheck.sources import wikitext
from citecheck.sources.wikitext import MAX_NESTING

_TAG = wikitext._TAG
_VOID_TAGS = wikitext._VOID_TAGS


def _well_formed_per_character(text: str) -> bool:
    """The loop _well_formed was: one Python step per character."""
    stack: list[str] = []
    index = 0
    size = len(text)
    while index < size:
        char = text[index]
        pair = text[index : index + 2]
        if pair in ("{{", "[["):
            stack.append(pair)
            index += 2
        elif pair in ("}}", "]]"):
            if not stack or stack.pop() != ("{{" if pair == "}}" else "[["):
                return False
            index += 2
        elif char == "[":
            stack.append("[")
            index += 1
        elif char == "]":
            if not stack or stack.pop() != "[":
                return False
            index += 1
        elif char == "<":
            tag = _TAG.match(text, index)
            if tag is None:
                if index + 1 < size and text[index + 1].isalpha():
                    return False
                index += 1
                continue
            closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
            if closing:
                if not stack or stack.pop() != "<" + name:
                    return False
            elif not self_closing and name not in _VOID_TAGS:
                stack.append("<" + name)
            index = tag.end()
        else:
            index += 1
        if len(stack) > MAX_NESTING:
            return False
    return not stack


def _template_end_per_character(text: str, start: int) -> int:
    depth = 0
    index = start
    while index < len(text) - 1:
        pair = text[index : index + 2]
        if pair == "{{":
            depth += 1
            index += 2
            continue
        if pair == "}}":
            depth -= 1
            index += 2
            if depth == 0:
                return index
            continue
        index += 1
    return len(text)


def _rough_braces_per_character(text: str) -> str:
    """The template-dropping walk at the start of _rough_strip."""
    out: list[str] = []
    opened: list[int] = []
    index = 0
    size = len(text)
    while index < size:
        pair = text[index : index + 2]
        if pair == "{{":
            opened.append(len(out))
            index += 2
        elif pair == "}}" and opened:
            del out[opened.pop() :]
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


# Wikitext made mostly of the characters the scans act on.
MARKUP = st.text(alphabet=st.sampled_from(list("{}[]<>/ a|='")), max_size=60)
PIECES = st.lists(
    st.sampled_from(
        [
            "{{",
            "}}",
            "[[",
            "]]",
            "[",
            "]",
            "<ref>",
            "</ref>",
            "<b>",
            "</b>",
            "<br>",
            "x",
            " ",
            "<",
            "<a",
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(MARKUP, PIECES))
def test_well_formed_matches_the_character_walk(text: str) -> None:
    assert wikitext._well_formed(text) == _well_formed_per_character(text)


def test_well_formed_nesting_limit() -> None:
    deep = "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1)
    assert not wikitext._well_formed(deep) and not _well_formed_per_character(deep)
    fits = "[" * MAX_NESTING + "]" * MAX_NESTING
    assert wikitext._well_formed(fits) and _well_formed_per_character(fits)


@settings(max_examples=400, deadline=None)
@given(st.one_of(MARKUP, PIECES))
def test_template_end_matches_the_character_walk(text: str) -> None:
    for found in re.finditer(r"\{\{", text):
        assert wikitext._template_end(text, found.start()) == _template_end_per_character(
            text, found.start()
        )


@settings(max_examples=400, deadline=None)
@given(st.one_of(MARKUP, PIECES))
def test_rough_strip_matches_the_character_walk(text: str) -> None:
    plain = _rough_braces_per_character(text)
    plain = wikitext._ROUGH_LINK.sub(lambda match: match.group(1), plain)
    plain = wikitext._ROUGH_EXTERNAL.sub(lambda match: match.group(2) or "", plain)
    plain = wikitext._ROUGH_TAG.sub("", plain)
    assert wikitext._rough_strip(text) == wikitext._ROUGH_QUOTES.sub("", plain)
