"""schema.json describes the JSON report exactly, and docs/report-schema.md every field of it."""

from __future__ import annotations

import copy
import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citecheck.report.json_report import report_to_dict
from citecheck.report.load import report_schema
from tests.report.samples import ROOT, content_json, report_json, sample_report, with_content

# jsonschema ships no type information; through importlib its module is typed Any.
jsonschema: Any = importlib.import_module("jsonschema")

DOCS = ROOT / "docs" / "report-schema.md"


def _closed(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every described object closed, so that an undocumented key fails."""
    closed = copy.deepcopy(schema)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(closed)
    return closed


def _validate(data: object, schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema).validate(data)


def _properties(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                yield from value
            yield from _properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _properties(value)


class TestSchemaFile:
    """The schema itself."""

    def test_is_valid_draft_2020_12(self) -> None:
        """schema.json is a valid draft 2020-12 schema."""
        schema = report_schema()
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)

    def test_shipped_file_is_the_one_loaded(self) -> None:
        """The package reads the schema.json beside the code (package data)."""
        path = ROOT / "citecheck" / "report" / "schema.json"
        assert report_schema() == json.loads(path.read_text(encoding="utf-8"))


class TestRealOutputValidates:
    """Real reports validate, and every key they carry is described."""

    def test_standin_article(self, standin_dict: dict[str, Any]) -> None:
        """The verify report of the stand-in article validates, closed."""
        _validate(standin_dict, _closed(report_schema()))

    def test_parse_only_reports(self, parse_dict: dict[str, Any]) -> None:
        """`citecheck parse` JSON of the seed documents validates, closed."""
        assert parse_dict["documents"] and "summary" not in parse_dict
        _validate(parse_dict, _closed(report_schema()))

    def test_hand_built(self) -> None:
        """The hand-built report with every verdict and hostile text validates, closed."""
        _validate(json.loads(json.dumps(report_to_dict(sample_report()))), _closed(report_schema()))

    def test_content_check_fields(self) -> None:
        """Checks carrying the content fields (match scores, page, archive) validate, closed."""
        data = report_json(with_content(sample_report()))
        checks = [c for d in data["documents"] for n in d["citations"] for c in n["checks"]]
        assert any(c["archive"] for c in checks) and any(c["page"] for c in checks)
        _validate(data, _closed(report_schema()))

    def test_writer_agrees_with_documented_shape(self) -> None:
        """Whatever content fields json_report writes have the documented shape."""
        report = with_content(sample_report())
        for document in report_to_dict(report)["documents"]:
            for citation in document["citations"]:
                for check_data in citation["checks"]:
                    check = next(
                        c
                        for d in report.documents
                        for r in d.citations
                        for c in r.checks
                        if c.url == check_data["url"]
                    )
                    expected = json.loads(json.dumps(content_json(check)))
                    written = {key: check_data[key] for key in expected if key in check_data}
                    assert written == {key: expected[key] for key in written}

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title_match", -0.1),
            ("title_match", 1.5),
            ("quote_match", "high"),
            ("matched_quote", 3),
            ("drift", True),
            ("page", {"title": None, "published": "April 2023", "modified": None}),
            ("page", {"title": "only a title"}),
            ("archive", {"url": 5, "timestamp": "2023-04-14T09:30:00Z", "source": "wayback"}),
            (
                "archive",
                {"url": "https://a.example/", "timestamp": "20230414093000", "source": "w"},
            ),
        ],
    )
    def test_content_check_fields_refused(self, field: str, value: object) -> None:
        """A malformed content-check field does not validate."""
        data = report_json(sample_report())
        data["documents"][0]["citations"][0]["checks"][0][field] = value
        with pytest.raises(jsonschema.ValidationError):
            _validate(data, report_schema())


class TestDocumentation:
    """docs/report-schema.md."""

    @pytest.mark.parametrize("name", sorted(set(_properties(report_schema()))))
    def test_every_field_documented(self, name: str) -> None:
        """Each field of the schema is named, in backquotes, in the documentation."""
        assert f"`{name}`" in DOCS.read_text(encoding="utf-8")

    def test_documented_fields_exist(self) -> None:
        """Every field the documentation's tables name is one the schema knows."""
        known = set(_properties(report_schema()))
        rows = re.findall(r"^\| `([a-z_0-9]+)`", DOCS.read_text(encoding="utf-8"), re.MULTILINE)
        assert rows and set(rows) <= known, set(rows) - known

    def test_verdicts_documented(self) -> None:
        """Every verdict the schema allows is explained."""
        text = DOCS.read_text(encoding="utf-8")
        verdicts = report_schema()["$defs"]["verdict"]["enum"]
        assert all(f"`{verdict}`" in text for verdict in verdicts)

    def test_path_is_documented(self) -> None:
        """The documentation says where the schema file lives."""
        assert "citecheck/report/schema.json" in DOCS.read_text(encoding="utf-8")


def test_docs_path_exists() -> None:
    """The documentation file is where the tests read it."""
    assert Path(DOCS).is_file()
