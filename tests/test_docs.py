"""The docs cannot rot: docs/api.md's examples run, the README's demo prints what it says."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
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


README = ROOT / "README.md"
_SH_BLOCK = re.compile(r"```sh\n(.*?)\n```", re.DOTALL)


def _readme() -> str:
    return README.read_text(encoding="utf-8")


class TestReadme:
    """The README reads true from its first line: its commands run and say what they print."""

    def test_starts_with_the_two_commands(self) -> None:
        """The first two commands: install + offline demo, then install + the test suite."""
        first, second = _SH_BLOCK.findall(_readme())[:2]
        assert "pip install -e ." in first and "citecheck verify" in first
        assert "--record-mode none" in first  # offline: the cassette only
        assert "pip install -q -e '.[test]'" in second and "pytest" in second
        assert "unshare -rn" in second

    def test_demo_prints_what_the_readme_says(self) -> None:
        """The demo's stdout summary, stderr line and exit code are the ones the README quotes."""
        demo = _SH_BLOCK.findall(_readme())[0].split("&& .venv/bin/citecheck ", 1)[1]
        done = subprocess.run(
            [sys.executable, "-m", "citecheck", *shlex.split(demo)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        text = " ".join(_readme().split())  # the README's prose, unwrapped
        assert done.returncode == 1 and "exit with code 1" in text
        summary = done.stdout.strip().splitlines()[-1]
        assert summary.startswith("summary: ")
        assert f"`{summary}`" in text
        quoted = re.search(r"`(\d+ URLs checked …: [^`]*)`", text)
        assert quoted is not None
        pattern = re.escape(quoted.group(1)).replace("…", r"in [\d.]+ s")
        assert re.fullmatch(f"citecheck: {pattern}", done.stderr.strip()), done.stderr

    def test_every_linked_doc_exists(self) -> None:
        """Each docs/ page the README links to is there."""
        for target in re.findall(r"\]\(((?:docs|fixtures)/[^)#]+)\)", _readme()):
            assert (ROOT / target).exists(), target
