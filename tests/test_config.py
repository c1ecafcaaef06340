"""Settings from citecheck.toml and [tool.citecheck]."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.config import find_settings, settings_from_table
from citecheck.errors import InputError
from citecheck.model import Verdict


class TestFindSettings:
    """Which file is read, and what comes out."""

    def test_pyproject_table(self, tmp_path: Path) -> None:
        """[tool.citecheck] in pyproject.toml is read."""
        (tmp_path / "pyproject.toml").write_text(
            '[project]\nname = "docs"\n\n[tool.citecheck]\nfail-on = ["dead"]\ntimeout = 5\n'
            'exclude = ["^https://internal\\\\."]\n'
            '[tool.citecheck.headers]\nAccept-Language = "en"\n',
            encoding="utf-8",
        )
        settings = find_settings(tmp_path)
        assert settings.fail_on == (Verdict.DEAD,)
        assert settings.timeout == 5.0
        assert settings.excludes("https://internal.example/x")
        assert not settings.excludes("https://example.org/x")
        assert settings.headers == (("Accept-Language", "en"),)

    def test_citecheck_toml_wins(self, tmp_path: Path) -> None:
        """citecheck.toml is preferred to pyproject.toml."""
        (tmp_path / "citecheck.toml").write_text("concurrency = 4\n", encoding="utf-8")
        (tmp_path / "pyproject.toml").write_text(
            "[tool.citecheck]\nconcurrency = 9\n", encoding="utf-8"
        )
        assert find_settings(tmp_path).concurrency == 4

    def test_no_file(self, tmp_path: Path) -> None:
        """Without a file, nothing is set."""
        settings = find_settings(tmp_path)
        assert settings.source is None and settings.fail_on is None

    def test_pyproject_without_table(self, tmp_path: Path) -> None:
        """A pyproject.toml without [tool.citecheck] sets nothing."""
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
        assert find_settings(tmp_path).source is None


class TestValidation:
    """Bad settings are one clear InputError."""

    @pytest.mark.parametrize(
        ("table", "message"),
        [
            ({"fail-on": ["deadish"]}, "fail-on"),
            ({"timeout": -1}, "positive"),
            ({"concurrency": 2.5}, "whole number"),
            ({"processes": 0}, "positive"),
            ({"processes": "two"}, "processes"),
            ({"exclude": ["("]}, "exclude pattern"),
            ({"allow-network": ["nope"]}, "CIDR"),
            ({"headers": {"X": 1}}, "headers"),
            ({"colour": "blue"}, "unknown setting"),
        ],
    )
    def test_rejected(self, table: dict[str, object], message: str) -> None:
        """Each bad value names the setting at fault."""
        with pytest.raises(InputError, match=message):
            settings_from_table(table, source="citecheck.toml")

    def test_processes_are_read(self) -> None:
        """processes = 2 in the table gives two worker processes."""
        assert settings_from_table({"processes": 2}).processes == 2

    def test_broken_toml(self, tmp_path: Path) -> None:
        """A file that is not TOML is an InputError naming the file."""
        (tmp_path / "citecheck.toml").write_text("timeout = = 3\n", encoding="utf-8")
        with pytest.raises(InputError, match=r"citecheck\.toml"):
            find_settings(tmp_path)
