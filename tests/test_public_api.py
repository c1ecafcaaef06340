"""The public API is what citecheck/__init__.py exports, no more and no less."""

from __future__ import annotations

import citecheck


class TestAll:
    """__all__ is complete and sorted, as httpx keeps it."""

    def test_sorted(self) -> None:
        """__all__ is sorted so that additions are easy to review."""
        assert citecheck.__all__ == sorted(citecheck.__all__)

    def test_complete(self) -> None:
        """Every public name defined in the package namespace is listed."""
        public = {
            name
            for name, value in vars(citecheck).items()
            if not name.startswith("_") and getattr(value, "__module__", "").startswith("citecheck")
        }
        assert public <= set(citecheck.__all__)

    def test_every_name_exists(self) -> None:
        """Nothing in __all__ is missing."""
        for name in citecheck.__all__:
            assert hasattr(citecheck, name), name
