"""Release metadata: the version and the project's addresses are written once.

Building and installing the wheel needs PyPI, so that part is `.ci/release-check`
(run by `.ci/run` after the suite); these tests check what can be checked offline.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import citecheck
from citecheck import _version
from citecheck.fetch.policy import DEFAULT_USER_AGENT, FetchPolicy
from citecheck.report import render_report
from tests.report.samples import FAIL_ON, sample_report

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


class TestVersion:
    """One version: citecheck/_version.py, read by pyproject and by every output."""

    def test_pyproject_reads_the_version_from_the_package(self) -> None:
        """pyproject has no version of its own; setuptools reads citecheck._version."""
        project = PYPROJECT["project"]
        assert "version" not in project
        assert "version" in project["dynamic"]
        dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
        assert dynamic == {"attr": "citecheck._version.__version__"}

    def test_version_is_a_plain_release_number(self) -> None:
        """A PEP 440 release number, the same one the package exports."""
        assert re.fullmatch(r"\d+\.\d+\.\d+", citecheck.__version__)
        assert citecheck.__version__ == _version.__version__

    def test_installed_metadata_agrees(self) -> None:
        """The installed distribution's metadata carries the same version."""
        assert metadata.version("citecheck-provenance") == citecheck.__version__

    def test_command_line_version(self) -> None:
        """`citecheck --version` prints it."""
        done = subprocess.run(
            [sys.executable, "-m", "citecheck", "--version"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == f"citecheck {citecheck.__version__}"

    def test_changelog_has_the_release_and_an_unreleased_heading(self) -> None:
        """CHANGELOG.md keeps `## [Unreleased]` above the current version's notes."""
        headings = re.findall(
            r"^## \[([^\]]+)\]", (ROOT / "CHANGELOG.md").read_text("utf-8"), re.MULTILINE
        )
        assert headings[0] == "Unreleased"
        assert citecheck.__version__ in headings


class TestProjectAddresses:
    """Home, docs and issues are named once; the User-Agent and SARIF use that."""

    def test_pyproject_urls_are_the_package_constants(self) -> None:
        """[project.urls] and citecheck._version name the same addresses."""
        assert PYPROJECT["project"]["urls"] == {
            "Homepage": _version.PROJECT_URL,
            "Documentation": _version.DOCUMENTATION_URL,
            "Issues": _version.ISSUES_URL,
            "Changelog": _version.CHANGELOG_URL,
        }

    def test_addresses_are_real_https_addresses(self) -> None:
        """No placeholder domain: every address is https on the project's repository."""
        for url in PYPROJECT["project"]["urls"].values():
            assert url.startswith(_version.PROJECT_URL)
            assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+(/[\w./-]*)?", url)

    def test_user_agent_names_the_project(self) -> None:
        """The default User-Agent (the API's and the CLI's) carries the version and home."""
        expected = f"citecheck/{citecheck.__version__} (+{_version.PROJECT_URL}; citation checker)"
        assert expected == DEFAULT_USER_AGENT
        assert FetchPolicy().user_agent == DEFAULT_USER_AGENT

    def test_sarif_information_uri(self) -> None:
        """SARIF's tool.driver names the documentation address and the version."""
        sarif = json.loads(render_report(sample_report(), "sarif", FAIL_ON))
        driver = sarif["runs"][0]["tool"]["driver"]
        assert driver["informationUri"] == _version.DOCUMENTATION_URL
        assert driver["version"] == citecheck.__version__


class TestPackageData:
    """Every file the package reads at run time is in the wheel."""

    def test_every_data_file_is_declared(self) -> None:
        """Each non-Python file under citecheck/ matches a package-data entry."""
        declared = PYPROJECT["tool"]["setuptools"]["package-data"]
        package = ROOT / "citecheck"
        for path in package.rglob("*"):
            if not path.is_file() or path.suffix in {".py", ".pyc"}:
                continue
            owner = ".".join(path.parent.relative_to(ROOT).parts)
            assert any(path.match(pattern) for pattern in declared.get(owner, [])), path


def test_ci_runs_the_readme_test_command_then_the_release_check() -> None:
    """`.ci/run` holds the README's test command word for word, and the release check after it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.DOTALL)
    test_command = next(block for block in blocks if "pytest" in block)
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in lines
    assert ".ci/release-check" in lines
    assert lines.index(".ci/release-check") > lines.index(test_command)
    assert shlex.split(test_command)[:2] == ["python3", "-m"]
