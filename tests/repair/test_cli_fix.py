"""``citecheck fix`` and ``citecheck archive`` from the command line, on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from citecheck import parse, verify
from citecheck.cli import main
from citecheck.model import Report
from citecheck.report.json_report import render_report_json
from citecheck.testing import Route, StandinWeb
from citecheck.verify import ArchiveOptions
from tests.archive.standin_spn import StandinSpn
from tests.archive.standin_wayback import StandinWayback
from tests.repair.scenario import FORMATS, POLICY, Places, fill, fixture, standins


@attrs.frozen
class Saved:
    places: Places
    document: Path
    report: Path
    checked: Report


@pytest.fixture
def saved(tmp_path: Path) -> Iterator[Saved]:
    """The Markdown article and its verify report saved as JSON, stand-ins still running."""
    with standins() as (places, _web, _wayback):
        document = tmp_path / "article.md"
        document.write_text(fill(fixture(FORMATS["markdown"]), places), encoding="utf-8")
        checked = verify(
            document, policy=POLICY, archive=ArchiveOptions(places.archive, min_interval=0.0)
        )
        report = tmp_path / "report.json"
        report.write_text(render_report_json(checked), encoding="utf-8")
        yield Saved(places, document, report, checked)


def _expected(saved: Saved) -> str:
    return fill(fixture("article.fixed.md"), saved.places)


class TestFixCommand:
    """Diff by default, a dry run, in place with a backup; exit codes."""

    def test_diff_by_default(self, saved: Saved, capsys: pytest.CaptureFixture[str]) -> None:
        """The default output is a unified diff; the file is not touched."""
        before = saved.document.read_bytes()
        assert main(["fix", str(saved.document), "--report", str(saved.report)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("--- a/")
        assert out.count("\n+[^") == 3 and out.count("\n-[^") == 3
        assert saved.document.read_bytes() == before

    def test_dry_run_lists_every_change(
        self, saved: Saved, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The dry run names each change with its reason, and what it left alone."""
        assert main(["fix", str(saved.document), "--report", str(saved.report), "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert "replace_url" in out and "moved permanently to" in out
        assert out.count("add_archive") == 2
        assert "unchanged" in out and "no archived copy" in out

    def test_in_place_with_backup_then_idempotent(
        self, saved: Saved, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--in-place writes the repaired file and FILE.orig; a second run changes nothing."""
        original = saved.document.read_bytes()
        arguments = ["fix", str(saved.document), "--report", str(saved.report), "--in-place"]
        assert main(arguments) == 0
        assert saved.document.read_text(encoding="utf-8") == _expected(saved)
        backup = Path(f"{saved.document}.orig")
        assert backup.read_bytes() == original
        backup.unlink()
        repaired = saved.document.read_bytes()
        assert main(arguments) == 0
        assert saved.document.read_bytes() == repaired
        assert not backup.exists()
        assert main(["fix", str(saved.document), "--report", str(saved.report)]) == 0
        assert capsys.readouterr().out == ""

    def test_backup_suffix(self, saved: Saved) -> None:
        """--backup-suffix names the backup."""
        original = saved.document.read_bytes()
        main(["fix", str(saved.document), "--report", str(saved.report), "--in-place",
              "--backup-suffix", ".bak"])  # fmt: skip
        assert Path(f"{saved.document}.bak").read_bytes() == original

    def test_fresh_run_gives_the_same_edits(
        self, saved: Saved, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Without --report, fix verifies the document itself and proposes the same diff."""
        main(["fix", str(saved.document), "--report", str(saved.report)])
        from_report = capsys.readouterr().out
        code = main(
            ["fix", str(saved.document), "--allow-network", "127.0.0.1/32", "--no-cache",
             "--wayback-url", saved.places.archive]
        )  # fmt: skip
        assert code == 0
        assert capsys.readouterr().out == from_report

    def test_crlf_and_bom_are_kept(self, saved: Saved) -> None:
        """Line endings and a byte-order mark survive an in-place edit untouched."""
        text = saved.document.read_text(encoding="utf-8")
        saved.document.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
        main(["fix", str(saved.document), "--report", str(saved.report), "--in-place"])
        data = saved.document.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        assert data.count(b"\r\n") == text.count("\n") and b"\n" not in data.replace(b"\r\n", b"")
        assert data[3:].decode().replace("\r\n", "\n") == _expected(saved)

    @pytest.mark.parametrize(
        ("arguments", "message"),
        [
            (["--report", "missing.json"], "missing.json: no such file"),
            (["--report", "{document}"], "not a JSON report"),
        ],
    )
    def test_bad_report_is_one_line(
        self,
        saved: Saved,
        capsys: pytest.CaptureFixture[str],
        arguments: list[str],
        message: str,
    ) -> None:
        """An unusable report is a one-line error and exit 2, never a traceback."""
        arguments = [a.replace("{document}", str(saved.document)) for a in arguments]
        assert main(["fix", str(saved.document), *arguments]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and err.count("\n") == 1

    def test_missing_document(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing document is reported in one line with exit 2."""
        report = tmp_path / "r.json"
        report.write_text(render_report_json(Report()), encoding="utf-8")
        assert main(["fix", str(tmp_path / "nope.md"), "--report", str(report)]) == 2
        assert "Traceback" not in capsys.readouterr().err


PAGE = "<html><head><title>{0}</title></head><body><p>{0}. {1}</p></body></html>"


class TestArchiveCommand:
    """``citecheck archive`` and ``verify --archive-now`` against a stand-in SPN."""

    @pytest.fixture
    def site(self, tmp_path: Path) -> Iterator[tuple[Path, StandinSpn]]:
        routes = {"/page": Route(body=PAGE.format("Page", "Words. " * 40))}
        with (
            StandinWeb({"site": routes}) as web,
            StandinWayback() as wayback,
            StandinSpn(wayback) as spn,
        ):
            spn.pending_polls = 0
            document = tmp_path / "a.md"
            document.write_text(
                f'Text.[^1]\n\n[^1]: ["Page"]({web.base("site")}/page).\n', encoding="utf-8"
            )
            yield document, spn

    def _arguments(self, spn: StandinSpn) -> list[str]:
        return ["--allow-network", "127.0.0.1/32", "--no-cache", "--wayback-url", spn.base,
                "--capture-url", spn.base]  # fmt: skip

    def test_archive_captures_with_keys_from_the_environment(
        self,
        site: tuple[Path, StandinSpn],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The live page is captured, the key goes only to /save, the report names the copy."""
        document, spn = site
        monkeypatch.setenv("CITECHECK_SPN_ACCESS_KEY", "AK")
        monkeypatch.setenv("CITECHECK_SPN_SECRET_KEY", "SK")
        output = tmp_path / "r.json"
        code = main(["archive", str(document), *self._arguments(spn), "-o", str(output)])
        assert code == 0, capsys.readouterr().err
        assert "captured" in capsys.readouterr().out
        assert len(spn.captures_asked) == 1
        for seen in spn.seen:
            assert (seen.header("Authorization") is not None) == seen.path.startswith("/save")
        assert "/web/20261206080000/" in output.read_text(encoding="utf-8")

    def test_verify_archive_now(
        self, site: tuple[Path, StandinSpn], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """verify --archive-now records the new snapshot in the report it prints."""
        document, spn = site
        code = main(["verify", str(document), *self._arguments(spn), "--archive-now", "-q"])
        out = capsys.readouterr().out
        assert code == 0
        assert "/web/20261206080000/" in out and len(spn.captures_asked) == 1

    def test_a_failed_capture_exits_1(
        self, site: tuple[Path, StandinSpn], capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The capture service answers 404: the page is reported failed and the run exits 1."""
        document, spn = site
        arguments = [*self._arguments(spn), "--capture-url", f"{spn.base}/nowhere"]
        assert main(["archive", str(document), *arguments]) == 1
        assert "failed" in capsys.readouterr().out
        assert spn.archive.captures == [] and spn.jobs == {}

    def test_one_key_alone_is_an_error(
        self,
        site: tuple[Path, StandinSpn],
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Half a key pair is a one-line error before anything is fetched."""
        document, spn = site
        monkeypatch.setenv("CITECHECK_SPN_ACCESS_KEY", "AK")
        monkeypatch.delenv("CITECHECK_SPN_SECRET_KEY", raising=False)
        assert main(["archive", str(document), *self._arguments(spn)]) == 2
        assert "CITECHECK_SPN_SECRET_KEY" in capsys.readouterr().err
        assert spn.seen == []


def test_parse_of_fixed_document_keeps_citations(saved: Saved, tmp_path: Path) -> None:
    """The repaired Markdown still parses to the same five notes."""
    fixed = tmp_path / "fixed.md"
    fixed.write_text(_expected(saved), encoding="utf-8")
    assert [c.label for c in parse(fixed).citations] == ["1", "2", "3", "4", "5"]
