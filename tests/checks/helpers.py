"""Helpers that build FetchResult values directly: the checks need no server."""

from __future__ import annotations

import pathlib

from citecheck.fetch.result import FetchFailure, FetchResult
from citecheck.model import Redirect

PAGES = pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "pages"


def page(name: str) -> str:
    """The text of a stand-in page from fixtures/pages."""
    return (PAGES / name).read_text(encoding="utf-8")


def answer(
    url: str,
    status: int = 200,
    html: str = "",
    *,
    final: str | None = None,
    hops: tuple[tuple[str, int], ...] = (),
    content_type: str | None = "text/html; charset=utf-8",
    headers: tuple[tuple[str, str], ...] = (),
    attempts: int = 1,
) -> FetchResult:
    """A fetched response: ``hops`` are (url, status) of each redirect before ``final``."""
    body = html.encode("utf-8")
    return FetchResult(
        url=url,
        final_url=final or url,
        status=status,
        redirects=tuple(Redirect(hop_url, code) for hop_url, code in hops),
        headers=headers,
        content_type=content_type,
        body=body,
        text=html
        if content_type is None or "html" in content_type or "text" in content_type
        else None,
        bytes_read=len(body),
        attempts=attempts,
    )


def failed(
    url: str,
    failure: FetchFailure,
    *,
    final: str | None = None,
    detail: str = "",
    hops: tuple[tuple[str, int], ...] = (),
    attempts: int = 1,
) -> FetchResult:
    """A fetch that ended in ``failure``."""
    return FetchResult(
        url=url,
        final_url=final or url,
        redirects=tuple(Redirect(hop_url, code) for hop_url, code in hops),
        failure=failure,
        detail=detail,
        attempts=attempts,
    )
