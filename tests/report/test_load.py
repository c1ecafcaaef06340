"""report_from_dict: a saved JSON report read back without fetching anything."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from citecheck.errors import InputError
from citecheck.model import Report, Verdict
from citecheck.report.json_report import report_to_dict
from citecheck.report.load import report_from_dict, validate_report
from tests.report.samples import expected_counts, report_json, sample_report, with_content

Mutation = Callable[[dict[str, Any]], object]


def _through_json(data: object) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded


class TestRoundTrip:
    """report_to_dict(report_from_dict(d)) == d for reports citecheck wrote."""

    def test_standin_article(self, standin_dict: dict[str, Any]) -> None:
        """The 28-scenario verify report survives a load and a dump unchanged."""
        assert report_to_dict(report_from_dict(standin_dict)) == standin_dict

    def test_hand_built(self) -> None:
        """The report with two documents, several URLs per note and hostile text survives."""
        data = _through_json(report_to_dict(sample_report()))
        assert report_to_dict(report_from_dict(data)) == data

    def test_content_fields(self) -> None:
        """Match scores, the matched quote, drift, page and archive load back into the model."""
        report = with_content(sample_report())
        loaded = report_from_dict(report_json(report))
        assert [r.checks for d in loaded.documents for r in d.citations] == [
            r.checks for d in report.documents for r in d.citations
        ]
        assert report_to_dict(loaded) == report_to_dict(report)

    def test_model_equality(self) -> None:
        """Loading gives back the same checks and citations as the report that was saved."""
        report = sample_report()
        loaded = report_from_dict(_through_json(report_to_dict(report)))
        original = [r for d in report.documents for r in d.citations]
        again = [r for d in loaded.documents for r in d.citations]
        assert [r.checks for r in again] == [r.checks for r in original]
        assert [r.citation for r in again] == [r.citation for r in original]
        assert loaded.generated_at == report.generated_at

    def test_verdicts_recomputed(self, standin_dict: dict[str, Any]) -> None:
        """A loaded report's citation verdicts and summary match those that were saved."""
        loaded = report_from_dict(standin_dict)
        saved = [c["verdict"] for c in standin_dict["documents"][0]["citations"]]
        assert [r.verdict.value for r in loaded.documents[0].citations] == saved
        assert {v.value: n for v, n in loaded.summary().items()} == standin_dict["summary"]
        assert loaded.summary() == expected_counts(loaded)

    def test_parse_only_report(self, parse_dict: dict[str, Any]) -> None:
        """A `citecheck parse` report loads: every citation without checks is no_url."""
        loaded = report_from_dict(parse_dict)
        assert len(loaded.documents) == len(parse_dict["documents"])
        assert loaded.generated_at is None
        results = [r for d in loaded.documents for r in d.citations]
        assert results and all(r.verdict is Verdict.NO_URL for r in results)
        first = parse_dict["documents"][0]["citations"][0]
        assert results[0].citation.urls == tuple(first["urls"])
        assert results[0].citation.line == first["line"]

    def test_unknown_fields_ignored(self, standin_dict: dict[str, Any]) -> None:
        """Fields a newer citecheck adds (the schema's promise to readers) do not stop a load."""
        data = copy.deepcopy(standin_dict)
        data["new_top_level"] = {"anything": 1}
        data["documents"][0]["citations"][0]["checks"][0]["future_score"] = 0.5
        data["documents"][0]["citations"][0]["future_list"] = []
        loaded = report_from_dict(data)
        assert isinstance(loaded, Report)
        assert report_to_dict(loaded) == standin_dict

    def test_aware_datetimes(self, standin_dict: dict[str, Any]) -> None:
        """Times come back as aware UTC datetimes, so they compare with fresh ones."""
        loaded = report_from_dict(standin_dict)
        assert loaded.generated_at is not None and loaded.generated_at.utcoffset() is not None
        check = loaded.documents[0].citations[1].checks[0]
        assert check.dead_since is not None and check.dead_since.utcoffset() is not None


def _set(path: tuple[str | int, ...], value: object) -> Mutation:
    def mutate(data: dict[str, Any]) -> object:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return data

    return mutate


def _delete(path: tuple[str | int, ...]) -> Mutation:
    def mutate(data: dict[str, Any]) -> object:
        target: Any = data
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return data

    return mutate


CITATION = ("documents", 0, "citations", 1)
CHECK = (*CITATION, "checks", 0)

BROKEN: list[tuple[str, Mutation, str]] = [
    ("a list", lambda data: [data], "expected a JSON object"),
    ("a string", lambda data: "citecheck", "expected a JSON object"),
    ("null", lambda data: None, "expected a JSON object"),
    ("another schema", _set(("schema",), "citecheck/report/v2"), "schema is 'citecheck/report/v2'"),
    ("no schema", _delete(("schema",)), "no schema field"),
    ("SARIF instead", lambda data: {"version": "2.1.0", "runs": []}, "no schema field"),
    ("no documents", _delete(("documents",)), "'documents' is a required property"),
    ("documents not a list", _set(("documents",), {}), "documents"),
    ("source missing", _delete(("documents", 0, "source")), "'source' is a required property"),
    ("unknown verdict", _set((*CHECK, "verdict"), "deadish"), "verdict"),
    ("unknown kind", _set((*CITATION, "kind"), "endnote"), "kind"),
    ("status as text", _set((*CHECK, "http", "status"), "404"), "status"),
    ("bad date shape", _set((*CITATION, "accessed"), "14.04.2023"), "accessed"),
    ("impossible date", _set((*CITATION, "accessed"), "2023-02-30"), "2023-02-30"),
    ("impossible time", _set((*CHECK, "fetched_at"), "2023-01-01T25:00:00Z"), "25:00"),
    ("local time", _set((*CHECK, "fetched_at"), "2023-01-01T10:00:00+02:00"), "fetched_at"),
    ("negative bytes", _set((*CHECK, "bytes"), -1), "bytes"),
    ("line zero", _set((*CITATION, "line"), 0), "line"),
    ("checks without verdict", _delete((*CITATION, "verdict")), "verdict"),
    ("urls not strings", _set((*CITATION, "urls"), [1]), "urls"),
    ("short sha256", _set((*CHECK, "sha256"), "abc"), "sha256"),
    ("summary without generated_at", _delete(("generated_at",)), "generated_at"),
    ("summary count negative", _set(("summary", "dead"), -2), "dead"),
    ("archive without url", _set((*CHECK, "archive"), {"timestamp": "2023"}), "archive"),
    (
        "archive stamp not UTC",
        _set(
            (*CHECK, "archive"),
            {"url": "https://a.example", "timestamp": "20230414093000", "source": "wayback"},
        ),
        "timestamp",
    ),
    ("title match over 1", _set((*CHECK, "title_match"), 1.5), "title_match"),
]


class TestRefused:
    """Anything that is not a citecheck/report/v1 report is an InputError in one line."""

    @pytest.mark.parametrize(
        ("mutate", "expected"),
        [pytest.param(mutate, expected, id=name) for name, mutate, expected in BROKEN],
    )
    def test_refused(self, standin_dict: dict[str, Any], mutate: Mutation, expected: str) -> None:
        """The broken report is refused with a one-line message saying where it is wrong."""
        data = mutate(copy.deepcopy(standin_dict))
        with pytest.raises(InputError) as caught:
            report_from_dict(data)  # type: ignore[arg-type]
        message = str(caught.value)
        assert message.startswith("not a citecheck/report/v1 report: ")
        assert "\n" not in message and len(message) <= 160
        assert expected in message

    def test_validate_accepts_real_output(self, standin_dict: dict[str, Any]) -> None:
        """validate_report passes a report citecheck wrote."""
        validate_report(standin_dict)

    def test_huge_message_is_cut(self, standin_dict: dict[str, Any]) -> None:
        """A megabyte-long bad value does not become a megabyte-long error line."""
        data = _set((*CHECK, "verdict"), "x" * 1_000_000)(copy.deepcopy(standin_dict))
        with pytest.raises(InputError) as caught:
            report_from_dict(data)  # type: ignore[arg-type]
        assert len(str(caught.value)) <= 160
