"""citecheck.urlrules and citecheck.inputs: the pure rules behind the URL and path options."""

from __future__ import annotations

import re

import pytest

from citecheck.inputs import path_excluded
from citecheck.model import Check, HttpEvidence, Verdict
from citecheck.urlrules import (
    Remap,
    UrlFilter,
    UrlPattern,
    accept_status,
    parse_accept,
    parse_remap,
)


class TestParseAccept:
    """--accept values, lychee's range syntax."""

    @pytest.mark.parametrize(
        ("value", "codes"),
        [
            ("403", {403}),
            ("200..=204", {200, 201, 202, 203, 204}),
            ("200..204", {200, 201, 202, 203}),  # end excluded, as in Rust
            ("403, 429 ,451", {403, 429, 451}),
            ("200..=201,403", {200, 201, 403}),
        ],
    )
    def test_valid(self, value: str, codes: set[int]) -> None:
        """Single codes, inclusive and exclusive ranges, commas with spaces."""
        assert parse_accept([value]) == codes

    def test_integers_from_a_file(self) -> None:
        """A configuration file may give plain integers."""
        assert parse_accept([403, "500..=501"]) == {403, 500, 501}

    @pytest.mark.parametrize("value", ["ok", "40", "1000", "300..=200", "200..200", "2xx"])
    def test_invalid(self, value: str) -> None:
        """Anything else is refused, naming the item."""
        with pytest.raises(ValueError, match=re.escape(repr(value.strip()))):
            parse_accept([value])


def _check(verdict: Verdict, status: int | None, signals: tuple[str, ...] = ()) -> Check:
    http = HttpEvidence(status=status, final_url="https://a.example/") if status else None
    return Check("https://a.example/", verdict, "The reason.", http=http, signals=signals)


class TestAcceptStatus:
    """Which checks an accepted status turns into ok."""

    @pytest.mark.parametrize(
        ("verdict", "status", "accepted", "expected"),
        [
            (Verdict.BLOCKED, 403, {403}, Verdict.OK),
            (Verdict.DEAD, 404, {404}, Verdict.OK),
            (Verdict.ERROR, 503, {500, 503}, Verdict.OK),
            (Verdict.BLOCKED, 403, {404}, Verdict.BLOCKED),  # not listed
            (Verdict.ERROR, None, {200}, Verdict.ERROR),  # a timeout has no status
            (Verdict.SOFT_404, 200, {200}, Verdict.SOFT_404),  # decided by the content
            (Verdict.PARKED, 200, {200}, Verdict.PARKED),
            (Verdict.MOVED, 200, {200}, Verdict.MOVED),
        ],
    )
    def test_table(
        self, verdict: Verdict, status: int | None, accepted: set[int], expected: Verdict
    ) -> None:
        """Only verdicts a status alone decides become ok."""
        assert accept_status(_check(verdict, status), accepted).verdict is expected

    def test_note(self) -> None:
        """The reason says the status was accepted and what it would have been."""
        check = accept_status(_check(Verdict.BLOCKED, 403, ("status:403",)), {403})
        assert check.reason.startswith("The server answered 403 Forbidden, which --accept")
        assert "otherwise blocked: The reason." in check.reason
        assert check.signals == ("status:403", "accepted:403")


class TestUrlFilter:
    """Exclusions name their pattern; an include wins."""

    def test_reason_names_pattern_and_origin(self) -> None:
        """The reason an excluded URL gets names the pattern and where it was set."""
        rule = UrlPattern(re.compile(r"^https://intranet\."), ".citecheckignore line 4")
        found = UrlFilter(exclude=(rule,))("https://intranet.example/x")
        assert found == "Excluded by .citecheckignore line 4 '^https://intranet\\\\.': not checked."
        assert UrlFilter(exclude=(rule,))("https://example.org/") is None

    def test_include_wins(self) -> None:
        """A URL an include matches is checked whatever excludes it."""
        every = UrlPattern(re.compile("."), "--exclude")
        keep = UrlPattern(re.compile("/keep"), "--include")
        rules = UrlFilter(include=(keep,), exclude=(every,))
        assert rules("https://a.example/keep") is None
        assert rules("https://a.example/drop")


class TestRemap:
    """--remap rules."""

    def test_first_matching_rule(self) -> None:
        """The first rule whose pattern matches rewrites the URL, once."""
        remap = Remap((parse_remap("a.example b.example"), parse_remap("example c")))
        assert remap("https://a.example/a.example") == "https://b.example/a.example"
        assert remap("https://x.example/") == "https://x.c/"

    @pytest.mark.parametrize("value", ["onlyone", "( x", r"^a \1", r"^(a) \g<name>"])
    def test_invalid(self, value: str) -> None:
        """A rule without a replacement, a bad pattern or a missing group is refused."""
        with pytest.raises(ValueError):
            parse_remap(value)


class TestExcludePath:
    """--exclude-path globs against a walked path and its parent folders."""

    @pytest.mark.parametrize(
        ("path", "glob", "excluded"),
        [
            ("docs/drafts/a.md", "drafts", True),
            ("docs/drafts/sub/a.md", "drafts", True),
            ("docs/a.draft.md", "*.draft.md", True),
            ("docs/a.md", "*.draft.md", False),
            ("docs/archive/2020/a.md", "docs/archive", True),
            ("docs/archived.md", "archive", False),
        ],
    )
    def test_table(self, path: str, glob: str, excluded: bool) -> None:
        """A folder name excludes what is below it; a file glob matches the name."""
        assert path_excluded(path, [glob]) is excluded
