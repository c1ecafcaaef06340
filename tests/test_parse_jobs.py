"""`citecheck parse DIR --jobs N`: worker processes, the same output in the same order."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from citecheck.api import default_jobs, parse_paths
from citecheck.cli import main
from citecheck.errors import CitecheckError
from citecheck.model import Document

ROOT = Path(__file__).parent.parent
DOCUMENTS = sorted((ROOT / "fixtures" / "documents").glob("*.txt"))
FORMATS = ROOT / "fixtures" / "formats"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The seed articles and the format fixtures, and one binary file among them."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for document in DOCUMENTS:
        shutil.copy(document, folder / document.name)
    for document in sorted(FORMATS.rglob("*")):
        if document.is_file() and document.suffix in {".md", ".html", ".wiki", ".txt", ".bib"}:
            shutil.copy(document, folder / f"{document.parent.name}-{document.name}")
    (folder / "m-binary.txt").write_bytes(b"\x00\x01\x02 not text")
    return folder


def _run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(arguments)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("jobs", ["2", "3"])
def test_workers_print_what_one_process_prints(
    corpus: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    alone = _run(["parse", str(corpus), "--jobs", "1"], capsys)
    pooled = _run(["parse", str(corpus), "--jobs", jobs], capsys)
    assert pooled == alone
    code, out, err = pooled
    assert code == 2  # the binary file
    assert err.count("citecheck: error:") == 1 and "m-binary.txt" in err
    assert out.count('"source":') >= 4


def test_results_come_in_the_order_given(corpus: Path) -> None:
    paths = sorted(str(path) for path in corpus.iterdir())
    results = list(parse_paths(paths[::-1], jobs=2))
    assert len(results) == len(paths)
    for path, result in zip(paths[::-1], results, strict=True):
        if isinstance(result, Document):
            assert result.source == path
        else:
            assert isinstance(result, CitecheckError) and path.endswith("m-binary.txt")


def test_default_jobs() -> None:
    assert default_jobs(0) == 1
    assert default_jobs(7) == 1  # under four files a worker: one process
    assert 1 <= default_jobs(10_000) <= (os.cpu_count() or 1)


def test_jobs_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["parse", "x.txt", "--jobs", "0"])
    assert caught.value.code == 2
    assert "must be 1 or more" in capsys.readouterr().err
