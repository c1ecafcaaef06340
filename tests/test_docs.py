"""The Python examples in docs/api.md run, so the documentation cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
API = ROOT / "docs" / "api.md"
_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _examples() -> list[str]:
    return _BLOCK.findall(API.read_text(encoding="utf-8"))


def test_there_are_examples() -> None:
    """docs/api.md shows at least parse, verify and render."""
    assert len(_examples()) >= 4


@pytest.mark.parametrize("index", range(len(_examples())))
def test_example_runs(index: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example runs from the repository root without raising."""
    monkeypatch.chdir(ROOT)
    exec(compile(_examples()[index], f"docs/api.md example {index + 1}", "exec"), {})
