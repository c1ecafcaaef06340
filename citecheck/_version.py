"""The version and the project's addresses: the one place each is written.

pyproject.toml reads ``__version__`` from here (setuptools' dynamic ``attr:``,
which reads the literal without importing the package), so the wheel's
metadata, ``citecheck --version``, the User-Agent and the reports all say the
same. A plain string, not ``importlib.metadata``: importing citecheck stays
cheap, and a source tree that was never installed knows its version too.

``PROJECT_URL`` and ``DOCUMENTATION_URL`` are pyproject's ``[project.urls]``
Homepage and Documentation (tests/test_packaging.py checks they agree); the
default User-Agent names the first, SARIF's ``informationUri`` the second.
"""

from __future__ import annotations

__version__ = "0.1.0"

PROJECT_URL = "https://github.com/citecheck/citecheck"
DOCUMENTATION_URL = f"{PROJECT_URL}/tree/main/docs"
ISSUES_URL = f"{PROJECT_URL}/issues"
CHANGELOG_URL = f"{PROJECT_URL}/blob/main/CHANGELOG.md"
