"""Rules the user sets over cited URLs: which to check, where to fetch them, which answers are fine.

Pure values shared by the configuration (``citecheck.config``), the command
line and ``citecheck.verify``; they pickle, so worker processes get them too.

* :class:`UrlFilter`: ``--include`` / ``--exclude`` regular expressions (and
  ``.citecheckignore``); an include wins over every exclusion, as in lychee, and
  an excluded URL is reported ``excluded`` with the pattern that excluded it.
* :class:`Remap`: ``--remap 'REGEX REPLACEMENT'`` rewrites a URL before it is
  fetched (a mirror, a staging host); the report keeps the cited URL.
* :func:`parse_accept` and :func:`accept_status`: ``--accept 200..=299,403``
  counts those answers as ``ok``, with a note, instead of ``dead``, ``blocked``
  or ``error``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

import attrs

from citecheck.checks.status import status_text
from citecheck.model import Check, Verdict


@attrs.frozen
class UrlPattern:
    """A regular expression over URLs and where the user set it (``--exclude``, a file's line)."""

    pattern: re.Pattern[str]
    origin: str


def compile_pattern(text: str, origin: str) -> UrlPattern:
    """``text`` compiled; ``ValueError`` naming ``origin`` when it is not a regular expression."""
    try:
        return UrlPattern(re.compile(text), origin)
    except re.error as exc:
        raise ValueError(f"{origin}: {text!r} is not a regular expression ({exc})") from None


@attrs.frozen
class UrlFilter:
    """Which cited URLs are checked: all but the excluded ones, unless an include matches.

    Called with a URL, returns None to check it, or the one-sentence reason it
    is excluded, naming the pattern and where it was set. ``re.search``
    semantics: a pattern matches anywhere unless anchored.
    """

    include: tuple[UrlPattern, ...] = ()
    exclude: tuple[UrlPattern, ...] = ()

    def __call__(self, url: str) -> str | None:
        if any(rule.pattern.search(url) for rule in self.include):
            return None
        for rule in self.exclude:
            if rule.pattern.search(url):
                return f"Excluded by {rule.origin} {rule.pattern.pattern!r}: not checked."
        return None

    def __bool__(self) -> bool:
        return bool(self.exclude)


@attrs.frozen
class Remap:
    """URL rewrites applied before fetching: the first rule whose pattern matches is used.

    Each rule is a pattern and a replacement as :func:`re.sub` takes it
    (``\\1`` or ``\\g<name>`` for groups); the first match in the URL is
    replaced. The rewritten URL still passes the address guard.
    """

    rules: tuple[tuple[re.Pattern[str], str], ...] = ()

    def __call__(self, url: str) -> str:
        for pattern, replacement in self.rules:
            if pattern.search(url):
                return pattern.sub(replacement, url, count=1)
        return url

    def __bool__(self) -> bool:
        return bool(self.rules)

    def key(self) -> str:
        """The rules as text, for the cache key of what shaped a fetch."""
        return "\n".join(f"{pattern.pattern}\0{replacement}" for pattern, replacement in self.rules)


def parse_remap(text: str, origin: str = "--remap") -> tuple[re.Pattern[str], str]:
    """``'REGEX REPLACEMENT'`` (separated by whitespace) as a rule; ValueError when malformed."""
    parts = text.strip().split(None, 1)
    if len(parts) != 2:
        raise ValueError(f"{origin}: {text!r} is not 'REGEX REPLACEMENT'")
    rule = compile_pattern(parts[0], origin).pattern
    # A replacement naming a group the pattern lacks fails here, not in the middle of a run.
    for number, name in _GROUP_REFERENCE.findall(parts[1]):
        if (number and int(number) > rule.groups) or (
            name
            and name not in rule.groupindex
            and not (name.isdigit() and int(name) <= rule.groups)
        ):
            raise ValueError(f"{origin}: replacement {parts[1]!r} names a group {parts[0]!r} lacks")
    return rule, parts[1]


_GROUP_REFERENCE = re.compile(r"\\(?:(\d+)|g<([^>]*)>)")

_RANGE = re.compile(r"^(\d{3})(?:\.\.(=?)(\d{3}))?$")


def parse_accept(parts: Iterable[str | int], origin: str = "--accept") -> frozenset[int]:
    """Status codes from ``200..=299``, ``200..300`` (end excluded, as in Rust) or ``403`` items.

    Each item may itself be comma-separated. ``ValueError`` names the bad item.
    """
    codes: set[int] = set()
    for part in parts:
        for item in str(part).split(","):
            item = item.strip()
            if not item:
                continue
            match = _RANGE.match(item)
            if match is None:
                raise ValueError(
                    f"{origin}: {item!r} is not a status code or a range like 200..=299"
                )
            start = int(match.group(1))
            end = start
            if match.group(3) is not None:
                end = int(match.group(3)) - (0 if match.group(2) else 1)
            if not 100 <= start <= end <= 999:
                raise ValueError(f"{origin}: {item!r} is not a range of status codes (100-999)")
            codes.update(range(start, end + 1))
    return frozenset(codes)


_ACCEPTABLE = frozenset({Verdict.DEAD, Verdict.BLOCKED, Verdict.ERROR})
"""Verdicts a status code alone can give; an accepted status turns them into ``ok``. A soft-404
or parked page is judged by its content, whatever its status, and stays what it is."""


def accept_status(check: Check, accepted: Collection[int]) -> Check:
    """``check`` as ``ok`` when the server's final status is one the user accepts.

    A 403 the user knows a site always answers (``--accept 403``) is then
    ``ok`` with a note saying so, never ``blocked`` or ``dead``. Timeouts and
    refused connections (no status) are untouched.
    """
    if (
        not accepted
        or check.verdict not in _ACCEPTABLE
        or check.http is None
        or check.http.status not in accepted
    ):
        return check
    status = check.http.status
    assert status is not None  # it is in ``accepted``
    return attrs.evolve(
        check,
        verdict=Verdict.OK,
        reason=(
            f"The server answered {status_text(status)}, which --accept counts as ok "
            f"(otherwise {check.verdict.value}: {check.reason})"
        ),
        signals=(*check.signals, f"accepted:{status}"),
    )
