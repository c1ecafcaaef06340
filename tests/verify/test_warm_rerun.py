"""A warm rerun (same cache, everything fresh) reuses what the live page said about each citation.

The content verdict and the claims' support on a live page are pure functions
of the page and the citation; the cache keeps them under a key naming both
(and the options that change them), so a rerun gives the cold run's checks
without judging again, and any change to the citation or the options is
judged afresh.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from citecheck import CheckCache, FetchPolicy, Report, verify
from citecheck.testing import Route, StandinWeb

# The module, not the function citecheck re-exports under the same name.
verify_module = importlib.import_module("citecheck.verify")

POLICY = FetchPolicy(
    allowed_networks=("127.0.0.1/32",), connect_timeout=2, read_timeout=2, retries=0
)
PARAGRAPH = (
    "The committee met on Tuesday to discuss the pipeline, the budget and the timetable. "
    "Officials said the plan would be published after the summer recess."
)


def _html(title: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        + f"<p>{PARAGRAPH}</p>" * 6
        + "</article></body></html>"
    )


SITE = {
    **{f"/story/{n}": Route(body=_html(f"Pipeline story {n}")) for n in range(1, 4)},
    "/gone": Route(status=404, body="<title>404 Not Found</title>"),
    "/old": Route(status=301, headers=(("Location", "/story/1"),)),
}


@pytest.fixture(scope="module")
def web() -> Iterator[StandinWeb]:
    with StandinWeb({"site": SITE}) as running:
        yield running


def _article(web: StandinWeb, path: Path, title_of_first: str = "Pipeline story 1") -> Path:
    notes = [
        (title_of_first, "/story/1"),
        ("Pipeline story 2", "/story/2"),
        ("Another title altogether", "/story/3"),
        ("A removed story", "/gone"),
        ("Pipeline story 1", "/old"),
    ]
    body = " ".join(
        f"Officials said “the plan would be published after the summer recess”.[{n}]"
        for n in range(1, len(notes) + 1)
    )
    text = "\n\n".join(
        f"[{n}] “{title}”, Site, {web.base('site')}{where}, (Date of Accession: 14.04.2023)."
        for n, (title, where) in enumerate(notes, start=1)
    )
    path.write_text(f"Article\n\n{body}\n\n\n{text}\n", encoding="utf-8")
    return path


def _checks(report: Report) -> list[Any]:
    (document,) = report.documents
    return [check for result in document.citations for check in result.checks]


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every content verdict and claims' support verify() computes."""
    calls: list[str] = []
    content_verdict = verify_module.content_verdict
    claims_support = verify_module.claims_support

    def counted_content(*args: Any, **kwargs: Any) -> Any:
        calls.append("content")
        return content_verdict(*args, **kwargs)

    def counted_support(*args: Any, **kwargs: Any) -> Any:
        calls.append("support")
        return claims_support(*args, **kwargs)

    monkeypatch.setattr(verify_module, "content_verdict", counted_content)
    monkeypatch.setattr(verify_module, "claims_support", counted_support)
    return calls


class TestWarmRerun:
    """What a live page says about a citation is judged once and recalled by later runs."""

    def test_same_checks_without_judging_again(
        self, web: StandinWeb, tmp_path: Path, judged: list[str]
    ) -> None:
        """The warm run's checks equal the cold run's, and no page is judged again."""
        article = _article(web, tmp_path / "article.txt")
        with CheckCache(tmp_path / "cache.sqlite3") as cache:
            cold = verify(article, policy=POLICY, cache=cache, archive=None)
            assert judged.count("content") == 4  # three stories and the moved one
            judged.clear()
            warm = verify(article, policy=POLICY, cache=cache, archive=None)
        assert judged == []
        assert all(check.from_cache for check in _checks(warm))
        assert [attrs.evolve(check, from_cache=False) for check in _checks(warm)] == _checks(cold)
        assert {check.verdict.value for check in _checks(cold)} == {"ok", "dead", "moved"}
        assert any(check.support for check in _checks(cold))

    def test_a_changed_citation_is_judged_afresh(
        self, web: StandinWeb, tmp_path: Path, judged: list[str]
    ) -> None:
        """Another cited title for the same page is matched anew, not served the old match."""
        with CheckCache(tmp_path / "cache.sqlite3") as cache:
            first = _checks(
                verify(_article(web, tmp_path / "a.txt"), policy=POLICY, cache=cache, archive=None)
            )
            judged.clear()
            changed = _article(web, tmp_path / "b.txt", title_of_first="Something else entirely")
            second = _checks(verify(changed, policy=POLICY, cache=cache, archive=None))
        assert judged.count("content") == 1
        assert second[0].from_cache
        assert (second[0].title_match or 0) < (first[0].title_match or 0)
        fresh = _checks(verify(changed, policy=POLICY, archive=None))
        assert second[0].title_match == fresh[0].title_match
        assert second[0].verdict is fresh[0].verdict

    def test_other_options_are_judged_afresh(
        self, web: StandinWeb, tmp_path: Path, judged: list[str]
    ) -> None:
        """A run without claim support does not get the support a run with it kept."""
        article = _article(web, tmp_path / "article.txt")
        with CheckCache(tmp_path / "cache.sqlite3") as cache:
            verify(article, policy=POLICY, cache=cache, archive=None)
            judged.clear()
            without = _checks(
                verify(article, policy=POLICY, cache=cache, archive=None, support=False)
            )
        assert judged.count("content") == 4
        assert not any(check.support for check in without)
