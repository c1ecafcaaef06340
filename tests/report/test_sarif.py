"""render_sarif: SARIF 2.1.0 results at the footnote's line, one rule per verdict."""

from __future__ import annotations

import importlib
import json
from collections.abc import Collection
from typing import Any

import pytest

from citecheck.model import Report, Verdict
from citecheck.report.sarif import artifact_uri, level_for, render_sarif
from citecheck.verify import failing_verdicts
from tests.report.samples import ARCHIVED, FAIL_ON, with_content

jsonschema: Any = importlib.import_module("jsonschema")

# The parts of the SARIF 2.1.0 schema (OASIS) that code-scanning uploads rely on.
SARIF_SUBSET: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "informationUri": {"type": "string", "pattern": "^https?://"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {"$ref": "#/$defs/level"}
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
                },
            },
        },
    },
    "$defs": {
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string"}},
        },
        "result": {
            "type": "object",
            "required": ["message"],
            "properties": {
                "ruleId": {"type": "string"},
                "ruleIndex": {"type": "integer", "minimum": 0},
                "level": {"$ref": "#/$defs/level"},
                "message": {"$ref": "#/$defs/message"},
                "locations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "physicalLocation": {
                                "type": "object",
                                "required": ["artifactLocation"],
                                "properties": {
                                    "artifactLocation": {
                                        "type": "object",
                                        "required": ["uri"],
                                        "properties": {"uri": {"type": "string", "minLength": 1}},
                                    },
                                    "region": {
                                        "type": "object",
                                        "required": ["startLine"],
                                        "properties": {
                                            "startLine": {"type": "integer", "minimum": 1}
                                        },
                                    },
                                },
                            }
                        },
                    },
                },
                "partialFingerprints": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                },
                "properties": {"type": "object"},
            },
        },
    },
}


def _sarif(report: Report, fail_on: Collection[Verdict] = FAIL_ON, **options: int) -> Any:
    return json.loads(render_sarif(report, fail_on, **options))


class TestStructure:
    """The log is SARIF 2.1.0 as code-scanning tools read it."""

    def test_validates(self, sample: Report) -> None:
        """The log validates against the subset of the SARIF schema that uploads rely on."""
        jsonschema.Draft202012Validator.check_schema(SARIF_SUBSET)
        jsonschema.Draft202012Validator(SARIF_SUBSET).validate(_sarif(sample))

    def test_header_and_driver(self, sample: Report) -> None:
        """$schema, version, one run, the citecheck driver with one rule per verdict."""
        log = _sarif(sample)
        assert log["$schema"].endswith("sarif-schema-2.1.0.json")
        assert log["version"] == "2.1.0"
        (run,) = log["runs"]
        driver = run["tool"]["driver"]
        assert driver["name"] == "citecheck"
        assert driver["informationUri"].startswith("https://")
        assert [rule["id"] for rule in driver["rules"]] == [v.value for v in Verdict]
        for rule in driver["rules"]:
            assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]

    def test_rule_index_matches(self, sample: Report) -> None:
        """Each result's ruleIndex points at the rule of its ruleId."""
        (run,) = _sarif(sample)["runs"]
        rules = run["tool"]["driver"]["rules"]
        assert run["results"]
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


class TestResults:
    """One result per check that needs attention, where the footnote is."""

    def test_levels(self, sample: Report) -> None:
        """error for --fail-on, warning for inconclusive, note otherwise, ok and no_url left out."""
        (run,) = _sarif(sample)["runs"]
        levels = [(r["ruleId"], r["level"]) for r in run["results"]]
        assert levels == [
            ("dead", "error"),
            ("soft_404", "error"),
            ("blocked", "warning"),
            ("dead", "error"),
            ("moved", "note"),
            ("unsafe", "error"),
            ("error", "warning"),
            ("parked", "error"),
            ("drifted", "note"),
        ]

    @pytest.mark.parametrize(
        ("verdict", "failing", "level"),
        [
            (Verdict.DEAD, True, "error"),
            (Verdict.DEAD, False, "warning"),
            (Verdict.OK, True, "error"),
            (Verdict.OK, False, None),
            (Verdict.NO_URL, False, None),
            (Verdict.BLOCKED, False, "warning"),
            (Verdict.ERROR, False, "warning"),
            (Verdict.MOVED, False, "note"),
            (Verdict.DRIFTED, False, "note"),
            (Verdict.SOFT_404, False, "note"),
            (Verdict.UNSAFE, True, "error"),
        ],
    )
    def test_level_table(self, verdict: Verdict, failing: bool, level: str | None) -> None:
        """The level of a verdict, failing or not."""
        assert level_for(verdict, failing) == level

    def test_locations(self, sample: Report) -> None:
        """Each result points at the document and the footnote's line (none when unknown)."""
        (run,) = _sarif(sample)["runs"]
        first = run["results"][0]["locations"][0]["physicalLocation"]
        assert first == {
            "artifactLocation": {"uri": "docs/article%20one.md"},
            "region": {"startLine": 21},
        }
        moved = next(r for r in run["results"] if r["ruleId"] == "moved")
        assert "region" not in moved["locations"][0]["physicalLocation"]  # no line known
        drifted = next(r for r in run["results"] if r["ruleId"] == "drifted")
        assert drifted["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "b.txt"

    def test_message(self, sample: Report) -> None:
        """The message is the reason, with the URL it concerns and an archived copy if any."""
        (run,) = _sarif(with_content(sample))["runs"]
        first = run["results"][0]
        archived = ARCHIVED
        assert first["message"]["text"] == (
            f"The server answered 404 Not Found. (https://example.org/gone) "
            f"Archived copy: {archived}"
        )
        assert first["properties"]["archiveUrl"] == archived
        assert first["properties"]["url"] == "https://example.org/gone"

    def test_fingerprints_distinct_and_stable(self, sample: Report) -> None:
        """Each result has its own fingerprint, the same on every render."""
        prints = [
            r["partialFingerprints"]["citecheck/v1"] for r in _sarif(sample)["runs"][0]["results"]
        ]
        assert len(set(prints)) == len(prints)
        again = [
            r["partialFingerprints"]["citecheck/v1"] for r in _sarif(sample)["runs"][0]["results"]
        ]
        assert prints == again

    def test_no_url_when_failing(self, sample: Report) -> None:
        """A citation without a URL is a result only when no_url is a --fail-on verdict."""
        (run,) = _sarif(sample, (Verdict.NO_URL,))["runs"]
        no_url = [r for r in run["results"] if r["ruleId"] == "no_url"]
        assert len(no_url) == 1 and no_url[0]["level"] == "error"
        assert no_url[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 24}

    def test_errors_match_exit_code(self, standin_report: Report) -> None:
        """On the stand-in article, error results equal what the exit code counts."""
        for confirm_dead in (1, 3):
            (run,) = _sarif(standin_report, FAIL_ON, confirm_dead=confirm_dead)["runs"]
            errors = [r for r in run["results"] if r["level"] == "error"]
            assert len(errors) == failing_verdicts(standin_report, FAIL_ON, confirm_dead)
            jsonschema.Draft202012Validator(SARIF_SUBSET).validate(
                _sarif(standin_report, FAIL_ON, confirm_dead=confirm_dead)
            )


class TestArtifactUri:
    """artifact_uri: a document source as a SARIF URI."""

    @pytest.mark.parametrize(
        ("source", "uri"),
        [
            ("docs/article.md", "docs/article.md"),
            ("./docs/article.md", "docs/article.md"),
            ("docs/my article #2.md", "docs/my%20article%20%232.md"),
            ("docs/статья.txt", "docs/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F.txt"),
            ("/tmp/article.txt", "file:///tmp/article.txt"),
            ("C:\\Users\\a\\notes.txt", "file:///C:/Users/a/notes.txt"),
            ("https://example.org/article.html", "https://example.org/article.html"),
        ],
    )
    def test_table(self, source: str, uri: str) -> None:
        """Relative paths stay relative, absolute ones become file: URIs, URLs stay."""
        assert artifact_uri(source) == uri
