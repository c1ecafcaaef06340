"""Read a saved ``citecheck/report/v1`` JSON report back into a :class:`Report`.

``citecheck report REPORT.json --format html`` re-renders a report that a CI
job saved yesterday, without fetching anything again, so this is the exact
inverse of :func:`citecheck.report.json_report.report_to_dict`. A file that is
not such a report (another tool's JSON, a truncated upload, a hand edit that
broke a field) is refused with one line that says where it is wrong, checked
against the same ``schema.json`` that the documentation describes.

Checking is in two steps, because a report can hold thousands of citations:
the schema compiled into one predicate (:mod:`citecheck.report.schema_check`)
accepts a valid report quickly, and only a report it refuses is walked by
``jsonschema`` to find the error to show.

A citation's ``verdict`` and the ``summary`` are not read: they are derived
from the checks, so they are recomputed and cannot disagree with them. Fields
this version does not know are ignored, as the schema promises readers.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from citecheck.errors import InputError
from citecheck.model import (
    ArchivedCopy,
    ArchiveState,
    ArchiveStatus,
    Check,
    Citation,
    CitationKind,
    CitationResult,
    Claim,
    ClaimSupport,
    Document,
    DocumentResult,
    EvidenceSentence,
    HttpEvidence,
    PageInfo,
    PageSupport,
    Redirect,
    Report,
    SnapshotEvidence,
    SupportVerdict,
    Verdict,
)
from citecheck.report.json_report import SCHEMA
from citecheck.report.schema_check import Check as SchemaCheck
from citecheck.report.schema_check import compile_schema

_NOT_A_REPORT = f"not a {SCHEMA} report"
_MESSAGE_LIMIT = 160


@functools.cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report, as shipped in the package."""
    text = resources.files("citecheck.report").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def _schema_check() -> SchemaCheck:
    return compile_schema(report_schema())


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    return text


def _where(path: Any) -> str:
    where = ""
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where or "the top level"


def validate_report(data: object) -> None:
    """Raise :class:`InputError` unless ``data`` is a valid ``citecheck/report/v1`` dict."""
    if not isinstance(data, Mapping):
        raise InputError(f"{_NOT_A_REPORT}: expected a JSON object, got {type(data).__name__}")
    if data.get("schema") != SCHEMA:
        found = data.get("schema")
        detail = "it has no schema field" if found is None else f"its schema is {found!r}"
        raise InputError(_one_line(f"{_NOT_A_REPORT}: {detail}"))
    if _schema_check()(data):
        return
    # Only a report the schema refuses gets here, to be told where it is wrong.
    # Imported here so that `import citecheck` does not pay for the validator, and
    # through importlib because jsonschema ships no type information (its module
    # is typed Any instead of needing a stub package).
    jsonschema = importlib.import_module("jsonschema")
    validator = jsonschema.Draft202012Validator(report_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise InputError(
            _one_line(f"{_NOT_A_REPORT}: {_where(error.absolute_path)}: {error.message}")
        )


def _date(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None


def _parse_datetime(value: str) -> datetime.datetime:
    try:
        # The report writes UTC with a "Z"; fromisoformat reads it as an aware UTC time.
        return datetime.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date and time") from None


def _datetime(value: str | None) -> datetime.datetime | None:
    return None if value is None else _parse_datetime(value)


def _claim(data: Mapping[str, Any]) -> Claim:
    return Claim(
        text=data["text"],
        quote=data["quote"],
        start=data["start"],
        end=data["end"],
        line=data["line"],
    )


def _citation(data: Mapping[str, Any]) -> Citation:
    return Citation(
        id=data["id"],
        label=data["label"],
        kind=CitationKind(data["kind"]),
        text=data["text"],
        authors=tuple(data["authors"]),
        title=data["title"],
        publisher=data["publisher"],
        urls=tuple(data["urls"]),
        doi=data["doi"],
        date=_date(data["date"]),
        accessed=_date(data["accessed"]),
        ibid_of=data["ibid_of"],
        claims=tuple(_claim(claim) for claim in data["claims"]),
        line=data["line"],
        warnings=tuple(data["warnings"]),
    )


def _http(data: Mapping[str, Any] | None) -> HttpEvidence | None:
    if data is None:
        return None
    return HttpEvidence(
        status=data["status"],
        final_url=data["final_url"],
        redirects=tuple(
            Redirect(url=hop["url"], status=hop["status"]) for hop in data["redirects"]
        ),
        elapsed_ms=data["elapsed_ms"],
        content_type=data["content_type"],
    )


def _page(data: Mapping[str, Any] | None) -> PageInfo | None:
    if data is None:
        return None
    return PageInfo(
        title=data["title"], published=_date(data["published"]), modified=_date(data["modified"])
    )


def _archive(data: Mapping[str, Any] | None) -> ArchivedCopy | None:
    if data is None:
        return None
    return ArchivedCopy(
        url=data["url"], timestamp=_parse_datetime(data["timestamp"]), source=data["source"]
    )


def _archive_status(data: Mapping[str, Any] | None) -> ArchiveStatus | None:
    if data is None:
        return None
    return ArchiveStatus(state=ArchiveState(data["state"]), reason=data["reason"])


def _snapshot(data: Mapping[str, Any] | None) -> SnapshotEvidence | None:
    if data is None:
        return None
    copy = _archive(data["copy"])
    assert copy is not None  # the schema requires an object
    return SnapshotEvidence(
        copy=copy,
        title=data["title"],
        title_match=data["title_match"],
        quote_match=data["quote_match"],
    )


def _spans(data: Any) -> tuple[tuple[int, int], ...]:
    return tuple((int(start), int(end)) for start, end in data)


def _page_support(data: Mapping[str, Any] | None) -> PageSupport | None:
    if data is None:
        return None
    return PageSupport(
        score=data["score"],
        verdict=SupportVerdict(data["verdict"]),
        evidence=tuple(
            EvidenceSentence(
                text=sentence["text"],
                start=sentence["start"],
                end=sentence["end"],
                marks=_spans(sentence["marks"]),
            )
            for sentence in data["evidence"]
        ),
        missing=tuple(data["missing"]),
    )


def _claim_support(data: Mapping[str, Any]) -> ClaimSupport:
    return ClaimSupport(
        claim=data["claim"],
        quote=data["quote"],
        live=_page_support(data["live"]),
        snapshot=_page_support(data["snapshot"]),
        claim_marks=_spans(data["claim_marks"]),
        lost=data["lost"],
    )


def _check(data: Mapping[str, Any]) -> Check:
    # The content fields (title and quote match, drift, page, archive, its status, the
    # snapshot and the claims' support) are optional: reports written before they existed
    # lack them.
    return Check(
        url=data["url"],
        verdict=Verdict(data["verdict"]),
        reason=data["reason"],
        http=_http(data["http"]),
        signals=tuple(data["signals"]),
        fetched_at=_datetime(data["fetched_at"]),
        sha256=data["sha256"],
        bytes=data["bytes"],
        from_cache=data["from_cache"],
        dead_since=_datetime(data["dead_since"]),
        dead_checks=data["dead_checks"],
        title_match=data.get("title_match"),
        quote_match=data.get("quote_match"),
        matched_quote=data.get("matched_quote"),
        drift=data.get("drift"),
        page=_page(data.get("page")),
        archive=_archive(data.get("archive")),
        archive_status=_archive_status(data.get("archive_status")),
        snapshot=_snapshot(data.get("snapshot")),
        support=tuple(_claim_support(item) for item in data.get("support", ())),
    )


def _document(data: Mapping[str, Any]) -> DocumentResult:
    document = Document(
        source=data["source"],
        # The report leaves out the full text (it can be megabytes); nothing renders it.
        text="",
        title=data["title"],
        published=_date(data["published"]),
        citations=tuple(_citation(citation) for citation in data["citations"]),
        warnings=tuple(data["warnings"]),
    )
    results = tuple(
        CitationResult(
            citation=citation,
            checks=tuple(_check(check) for check in citation_data.get("checks", ())),
        )
        for citation, citation_data in zip(document.citations, data["citations"], strict=True)
    )
    return DocumentResult(document=document, citations=results)


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """The :class:`Report` a ``citecheck/report/v1`` dict describes.

    The inverse of :func:`~citecheck.report.json_report.report_to_dict`: for any
    report it wrote, ``report_to_dict(report_from_dict(d)) == d``. A parse-only
    report (no checks) loads with every citation ``no_url``. Raises
    :class:`~citecheck.errors.InputError`, with a one-line message, for anything
    that is not such a report.
    """
    validate_report(data)
    try:
        return Report(
            documents=tuple(_document(document) for document in data["documents"]),
            generated_at=_datetime(data.get("generated_at")),
            incomplete=bool(data.get("incomplete", False)),
            pending=tuple(data.get("pending", ())),
        )
    except ValueError as error:
        # The schema checks the shape of dates; this catches 2023-02-30 and the like.
        raise InputError(_one_line(f"{_NOT_A_REPORT}: {error}")) from None
