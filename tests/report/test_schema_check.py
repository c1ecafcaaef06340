"""The compiled schema accepts exactly what jsonschema accepts, on real and broken reports."""

from __future__ import annotations

import copy
import importlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.report.load import report_schema
from citecheck.report.schema_check import UnsupportedSchema, compile_schema
from tests.report.samples import report_json, sample_report, with_content
from tests.report.test_load import BROKEN

jsonschema = importlib.import_module("jsonschema")
VALIDATOR = jsonschema.Draft202012Validator(report_schema())
CHECK = compile_schema(report_schema())


def test_real_reports_pass(standin_dict: dict[str, Any], parse_dict: dict[str, Any]) -> None:
    assert CHECK(standin_dict)
    assert CHECK(parse_dict)
    assert CHECK(report_json(with_content(sample_report())))


@pytest.mark.parametrize(
    "mutate", [pytest.param(mutate, id=name) for name, mutate, _ in BROKEN if name != "a list"]
)
def test_every_broken_report_fails(standin_dict: dict[str, Any], mutate: Any) -> None:
    """Each malformed report of the loader's tests is refused by both, or (a date that
    does not exist) by neither: the loader itself refuses those."""
    data = mutate(copy.deepcopy(standin_dict))
    assert CHECK(data) == VALIDATOR.is_valid(data)


# Values a hand edit or another tool could leave in any field.
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-2, max_value=2),
    st.sampled_from(["", "ok", "dead", "footnote", "2023-02-01", "2023-01-01T10:00:00Z", "a" * 64]),
    st.just([]),
    st.just(["x"]),
    st.just([1]),
    st.just({}),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_agrees_with_jsonschema_on_random_edits(standin_dict: dict[str, Any], data: Any) -> None:
    """Replace or delete one to three fields anywhere: both say valid, or both say invalid."""
    report = copy.deepcopy(standin_dict)
    paths = _paths(report)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        path = data.draw(st.sampled_from(paths))
        target: Any = report
        try:
            for key in path[:-1]:
                target = target[key]
            if data.draw(st.booleans()) and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = data.draw(VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced the path
    assert CHECK(report) == VALIDATOR.is_valid(report)


def test_an_unknown_keyword_is_refused() -> None:
    """A schema keyword the compiler does not know is an error, not a check skipped."""
    with pytest.raises(UnsupportedSchema):
        compile_schema({"type": "object", "additionalProperties": False})
    with pytest.raises(UnsupportedSchema):
        compile_schema({"$ref": "https://example.org/other.json"})


@pytest.mark.parametrize(
    ("schema", "good", "bad"),
    [
        ({"type": "integer"}, [1, 2.0, -4], [True, 1.5, "1", None]),
        ({"type": "number", "minimum": 0, "maximum": 1}, [0, 0.5, 1], [-0.1, 1.01, False]),
        ({"const": 1}, [1, 1.0], [True, "1"]),
        ({"oneOf": [{"type": "string"}, {"type": "null"}]}, ["a", None], [1]),
        ({"prefixItems": [{"type": "integer"}], "items": {"type": "string"}}, [[1, "a"]], [[1, 2]]),
        ({"pattern": "^a"}, ["ab", 3], ["ba"]),
        ({"dependentRequired": {"a": ["b"]}}, [{"b": 1}, {"a": 1, "b": 2}], [{"a": 1}]),
    ],
)
def test_keyword_semantics(schema: dict[str, Any], good: list[Any], bad: list[Any]) -> None:
    """Each keyword as draft 2020-12 (and jsonschema) reads it."""
    validator = jsonschema.Draft202012Validator(schema)
    check = compile_schema(schema)
    for value in good:
        assert check(value) and validator.is_valid(value), value
    for value in bad:
        assert not check(value) and not validator.is_valid(value), value
