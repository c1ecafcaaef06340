"""The JSON report's writer: orjson's speed, the standard library's text."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from citecheck.report.json_report import dumps, render_report_json
from tests.report.samples import sample_report

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.text()
    | st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(
        lambda number: "e" not in repr(number)
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def standard(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@given(VALUES)
def test_same_text_as_the_standard_library(value: Any) -> None:
    """Strings (lone surrogates included), numbers, nesting: the text json.dumps writes."""
    assert dumps(value) == standard(value)


def test_what_orjson_refuses_is_still_written() -> None:
    """A lone surrogate and a 70-bit integer fall back to the standard library's writer."""
    for value in ({"title": "broken \udcff page"}, {"size": 2**70}):
        assert dumps(value) == standard(value)


def test_a_report_reads_back() -> None:
    """A whole report: the same text as before, and it parses to the same data."""
    text = render_report_json(sample_report())
    assert text == standard(json.loads(text))
