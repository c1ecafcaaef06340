"""The command line: output, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from citecheck.cli import main

SEED = Path(__file__).parent.parent / "fixtures" / "documents" / "ankasam-astana-moscow-2023-04.txt"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citecheck", *args], capture_output=True, text=True, timeout=120
    )


class TestParseCommand:
    """citecheck parse."""

    def test_json_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The JSON has the report schema and the documented field names."""
        assert main(["parse", str(SEED)]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["schema"] == "citecheck/report/v1"
        (document,) = report["documents"]
        assert document["source"] == str(SEED)
        third = document["citations"][2]
        assert set(third) >= {
            "id",
            "label",
            "kind",
            "text",
            "authors",
            "title",
            "publisher",
            "urls",
            "doi",
            "date",
            "accessed",
            "ibid_of",
            "claims",
        }
        assert third["accessed"] == "2023-04-14"
        assert document["citations"][3]["ibid_of"] == "fn-3"

    def test_text_output(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The text format lists each citation with its URL."""
        assert main(["parse", "--format", "text", str(SEED)]) == 0
        out = capsys.readouterr().out
        assert "url: https://www.azernews.az/region/208618.html" in out
        assert "accessed: 2023-04-14" in out

    def test_output_file(self, tmp_path: Path) -> None:
        """--output writes the report to a file and nothing else is left behind."""
        target = tmp_path / "report.json"
        assert main(["parse", "-o", str(target), str(SEED)]) == 0
        assert json.loads(target.read_text(encoding="utf-8"))["documents"]
        assert [path.name for path in tmp_path.iterdir()] == ["report.json"]


class TestBadInput:
    """Bad input is one clear line and exit code 2, never a traceback."""

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (bytes(range(256)) * 50, "binary"),
            (None, "no such file"),
        ],
    )
    def test_unreadable(self, tmp_path: Path, content: bytes | None, message: str) -> None:
        """Binary and missing files fail with exit 2 and one line on stderr."""
        path = tmp_path / "doc.txt"
        if content is not None:
            path.write_bytes(content)
        result = _run("parse", str(path))
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1

    def test_good_files_still_reported_when_one_fails(self, tmp_path: Path) -> None:
        """One unreadable file does not lose the others' results."""
        result = _run("parse", str(tmp_path / "missing.txt"), str(SEED))
        assert result.returncode == 2
        assert len(json.loads(result.stdout)["documents"]) == 1

    @pytest.mark.parametrize(
        "content",
        [
            b"",
            "Статья без сносок.\n".encode("cp1251") * 50,
            (
                "Body[1].\n\n[1] “Title”, Site, https://example.org/a, "
                "(Erişim Tarihi: 14.04.2023).\n"
            ).encode("utf-16"),
        ],
    )
    def test_odd_but_valid_documents(self, tmp_path: Path, content: bytes) -> None:
        """Empty, cp1251 and UTF-16 documents parse to a correct result."""
        path = tmp_path / "doc.txt"
        path.write_bytes(content)
        result = _run("parse", "--allow-empty", str(path))
        assert result.returncode == 0, result.stderr
        (document,) = json.loads(result.stdout)["documents"]
        if b"Title" in content.replace(b"\x00", b""):
            assert document["citations"][0]["urls"] == ["https://example.org/a"]
            assert document["citations"][0]["accessed"] == "2023-04-14"
        else:
            assert document["citations"] == []

    def test_usage_error(self) -> None:
        """An unknown option is a usage error with exit 2."""
        result = _run("parse", "--format", "pdf", str(SEED))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr


class TestLargeInput:
    """A 50 MB document is parsed, not refused and not crashed on."""

    def test_fifty_megabytes(self, tmp_path: Path) -> None:
        """The notes at the end of a 50 MB article are all found."""
        paragraph = (
            "Kazakhstan’s multi-vector policy is discussed at length in this paragraph, "
            "which is repeated to make a very large document. " * 8
        ) + "\n\n"
        notes = "\n".join(
            f"[{n}] “Title {n}”, Site, https://example.org/{n}, (Date of Accession: 14.04.2023)."
            for n in range(1, 21)
        )
        path = tmp_path / "big.txt"
        with path.open("w", encoding="utf-8") as handle:
            for _ in range(50_000_000 // len(paragraph.encode("utf-8"))):
                handle.write(paragraph)
            handle.write("Claim[1].\n\n" + notes + "\n")
        assert path.stat().st_size > 50_000_000
        result = _run("parse", "-o", str(tmp_path / "out.json"), str(path))
        assert result.returncode == 0, result.stderr
        (document,) = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["documents"]
        assert [c["urls"][0] for c in document["citations"]] == [
            f"https://example.org/{n}" for n in range(1, 21)
        ]


class TestAtomicReport:
    """A report write that fails halfway leaves the previous report intact."""

    def test_failed_write_keeps_old_report(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The old file survives a failing rename, and no temporary file is left behind."""
        target = tmp_path / "report.json"
        target.write_text("previous report", encoding="utf-8")

        def broken_replace(source: str, destination: str) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("citecheck.cli.os.replace", broken_replace)
        assert main(["parse", "-o", str(target), str(SEED)]) == 2
        assert target.read_text(encoding="utf-8") == "previous report"
        assert [path.name for path in tmp_path.iterdir()] == ["report.json"]
