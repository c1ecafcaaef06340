"""Find the block of numbered notes in an article and split it into entries.

Articles put their notes at the end, sometimes under a heading ("Notes",
"References", "Kaynakça", "Примечания") or after a rule (``___``). Each entry
starts on its own line with a label in one of the common styles and may run
over several lines. The body may also contain numbered lists and lines that
start with a marker (the first seed's ``[1]. Therefore, …``), so a block is a
run of labels numbered 1, 2, 3, … in one style, and the last such run wins.
"""

from __future__ import annotations

import enum
import re
from typing import NamedTuple

import attrs


class LabelStyle(enum.Enum):
    """How a note's number is written at the start of its line."""

    BRACKET = "[1]"
    DOT = "1."
    PAREN = "1)"
    PARENS = "(1)"
    CARET = "^1"
    SUPERSCRIPT = "¹"


SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_VALUE = {char: str(index) for index, char in enumerate(SUPERSCRIPT_DIGITS)}

# Each pattern is anchored at a line start (after indentation) and bounded, so
# matching is linear in the line length.
_LABEL_PATTERNS: tuple[tuple[LabelStyle, re.Pattern[str]], ...] = (
    # "[1] text", but not "[1]. Therefore": a body marker that begins a line.
    (LabelStyle.BRACKET, re.compile(r"[ \t]{0,8}\[(\d{1,4})\](?:[ \t]+|$)")),
    (LabelStyle.DOT, re.compile(r"[ \t]{0,8}(\d{1,4})\.[ \t]+(?=\S)")),
    (LabelStyle.PAREN, re.compile(r"[ \t]{0,8}(\d{1,4})\)[ \t]+(?=\S)")),
    (LabelStyle.PARENS, re.compile(r"[ \t]{0,8}\((\d{1,4})\)[ \t]+(?=\S)")),
    (LabelStyle.CARET, re.compile(r"[ \t]{0,8}\^(\d{1,4})[ \t]*(?=\S)")),
    (
        LabelStyle.SUPERSCRIPT,
        re.compile(rf"[ \t]{{0,8}}([{SUPERSCRIPT_DIGITS}]{{1,4}})[ \t]*(?=\S)"),
    ),
)

# Headings that announce a notes block, in the seeds' and the corpus' languages.
_NOTES_HEADING = re.compile(
    r"[ \t#*_]{0,8}(?:notes?|end ?notes?|footnotes?|references?|sources?|bibliography|"
    r"works cited|citations|kaynak(?:ça|lar)|dipnotlar|примечания|сноски|источники|"
    r"список литературы|литература|anmerkungen|fußnoten|fussnoten|quellen|literatur|"
    r"einzelnachweise|notas|referencias|referências|fuentes|bibliografía|bibliografia|"
    r"note|riferimenti|fonti|références|sources et notes)[ \t:*_]{0,8}",
    re.IGNORECASE,
)
_RULE = re.compile(r"[ \t]{0,8}(?:[-_*=—–]\s?){3,80}")


@attrs.frozen
class FootnoteEntry:
    """One note of the block: its label, its text without the label, where it is.

    ``start`` is the offset of the text (after the label) in the document and
    ``line`` the 1-based line of the label.
    """

    label: str
    text: str
    start: int
    end: int
    line: int
    style: LabelStyle


@attrs.frozen
class FootnoteBlock:
    """The notes of an article and where the block begins (the body ends there)."""

    entries: tuple[FootnoteEntry, ...]
    start: int
    style: LabelStyle | None


class _Line(NamedTuple):
    """One line of the text; a named tuple, built in C for each line of every document."""

    number: int
    start: int
    end: int
    text: str


@attrs.frozen
class _Label:
    line_index: int
    number: int
    style: LabelStyle
    text_start: int


def _split_lines(text: str) -> list[_Line]:
    lines = []
    offset = 0
    for number, line_text in enumerate(text.split("\n"), start=1):
        lines.append(_Line(number, offset, offset + len(line_text), line_text))
        offset += len(line_text) + 1
    return lines


# What a label's line holds first after its indentation: "[", "(", "^", a digit
# (``\d`` is ``str.isdecimal``) or a superscript digit. Other lines skip the patterns.
_LABEL_FIRST = frozenset("[(^" + SUPERSCRIPT_DIGITS)


def _label_of(line: _Line, index: int) -> _Label | None:
    first = line.text.lstrip(" \t")[:1]
    if first not in _LABEL_FIRST and not first.isdecimal():
        return None
    for style, pattern in _LABEL_PATTERNS:
        match = pattern.match(line.text)
        if not match:
            continue
        digits = match.group(1)
        if style is LabelStyle.SUPERSCRIPT:
            digits = "".join(_SUPERSCRIPT_VALUE[char] for char in digits)
        return _Label(index, int(digits), style, line.start + match.end())
    return None


def _is_blank(line: _Line) -> bool:
    return not line.text.strip()


def find_footnotes(text: str) -> FootnoteBlock:
    """Return the article's notes block, or an empty block if it has none."""
    lines = _split_lines(text)
    labels = [label for index, line in enumerate(lines) if (label := _label_of(line, index))]
    runs = _numbered_runs(labels, lines)
    if not runs:
        return FootnoteBlock(entries=(), start=len(text), style=None)
    run = _choose_run(runs, lines)
    entries = tuple(_entries(run, lines, text))
    block_start = _block_start(run[0].line_index, lines)
    return FootnoteBlock(entries=entries, start=block_start, style=run[0].style)


def _numbered_runs(labels: list[_Label], lines: list[_Line]) -> list[list[_Label]]:
    """Group labels into runs numbered 1, 2, 3, … in one style.

    Between two labels of a run there may be the first entry's continuation
    lines and blank lines, but not a separate paragraph: a numbered list in the
    body interleaved with prose is not a notes block.
    """
    runs: list[list[_Label]] = []
    open_runs: dict[LabelStyle, list[_Label]] = {}
    for label in labels:
        current = open_runs.get(label.style)
        if (
            current is not None
            and label.number == current[-1].number + 1
            and _only_continuation_between(current[-1].line_index, label.line_index, lines)
        ):
            current.append(label)
            continue
        if label.number == 1:
            open_runs[label.style] = [label]
            runs.append(open_runs[label.style])
    return runs


def _only_continuation_between(first: int, second: int, lines: list[_Line]) -> bool:
    seen_blank = False
    for line in lines[first + 1 : second]:
        if _is_blank(line):
            seen_blank = True
        elif seen_blank:
            return False
    return True


def _choose_run(runs: list[list[_Label]], lines: list[_Line]) -> list[_Label]:
    """Prefer a run under a notes heading; otherwise the last run with two or more
    notes; otherwise the last run.

    A lone "1." line is more often a list item or a wrapped year than a notes
    block, which is why longer runs win.
    """
    under_heading = [run for run in runs if _after_heading(run[0].line_index, lines)]
    if under_heading:
        return under_heading[-1]
    longer = [run for run in runs if len(run) >= 2]
    return (longer or runs)[-1]


def _after_heading(line_index: int, lines: list[_Line]) -> bool:
    index = line_index - 1
    while index >= 0 and _is_blank(lines[index]):
        index -= 1
    if index < 0:
        return False
    previous = lines[index].text
    return bool(_NOTES_HEADING.fullmatch(previous) or _RULE.fullmatch(previous))


def _block_start(line_index: int, lines: list[_Line]) -> int:
    """The body ends at the notes heading or rule before the first note, if any."""
    if _after_heading(line_index, lines):
        index = line_index - 1
        while _is_blank(lines[index]):
            index -= 1
        return lines[index].start
    return lines[line_index].start


def _entries(run: list[_Label], lines: list[_Line], text: str) -> list[FootnoteEntry]:
    entries = []
    for position, label in enumerate(run):
        limit = run[position + 1].line_index if position + 1 < len(run) else len(lines)
        last = label.line_index
        # An entry runs on over the lines directly below it; a blank line ends it.
        while last + 1 < limit and not _is_blank(lines[last + 1]):
            last += 1
        end = lines[last].end
        raw = text[label.text_start : end]
        stripped_start = label.text_start + (len(raw) - len(raw.lstrip()))
        entries.append(
            FootnoteEntry(
                label=str(label.number),
                text=raw.strip(),
                start=stripped_start,
                end=end,
                line=lines[label.line_index].number,
                style=label.style,
            )
        )
    return entries
