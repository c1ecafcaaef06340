"""Start-up loads only what is needed: `import citecheck`, `--help`, `parse` load no fetch stack.

Each case runs in a fresh interpreter and reads ``sys.modules`` after the
work, so a module-level import added anywhere on the path fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import citecheck

# Neither the network stack, nor the cassette machinery, nor the archive code,
# nor the report schema validator.
HEAVY = (
    "requests",
    "urllib3",
    "vcr",
    "yaml",
    "tornado",
    "jsonschema",
    "citecheck.fetch.client",
    "citecheck.archive",
    "citecheck.verify",
)


def _loaded_after(code: str) -> list[str]:
    """The HEAVY modules in sys.modules after ``code`` ran in a fresh interpreter."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_citecheck_loads_nothing_heavy() -> None:
    assert _loaded_after("import citecheck") == []
    # nor the package metadata, which the version is read from only when asked
    assert (
        _loaded_after("import citecheck, sys\nassert 'importlib.metadata' not in sys.modules") == []
    )


def test_help_loads_nothing_heavy() -> None:
    code = (
        "import contextlib, io\n"
        "from citecheck.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['--help'])\n"
        "import sys; assert 'importlib.metadata' not in sys.modules"
    )
    assert _loaded_after(code) == []


@pytest.mark.parametrize("name", ["note.txt", "note.md", "note.html", "note.wiki"])
def test_parse_command_loads_nothing_heavy(tmp_path: Path, name: str) -> None:
    """`citecheck parse` of every common format, printing JSON, stays off the fetch stack."""
    document = tmp_path / name
    text = "A claim.[1]\n\n1. Smith, Title, https://example.org/a (accessed 2 May 2023).\n"
    document.write_text(text, encoding="utf-8")
    code = (
        "import contextlib, io\n"
        "from citecheck.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main(['parse', {str(document)!r}])\n"
        "assert code == 0 and 'https://example.org/a' in out.getvalue(), out.getvalue()"
    )
    assert _loaded_after(code) == []


def test_the_api_names_still_resolve_and_the_heavy_ones_load_on_use() -> None:
    assert _loaded_after("from citecheck import verify, Cassette") != []
    assert "vcr" in _loaded_after("import citecheck\ncitecheck.Cassette")


def test_functions_keep_their_names_whatever_was_imported_first() -> None:
    """`citecheck.parse` and `citecheck.verify` are the functions, not the same-named submodules."""
    code = (
        "import citecheck.parse.notes, citecheck.verify, citecheck\n"
        "from citecheck import parse, verify\n"
        "assert callable(citecheck.parse) and callable(citecheck.verify)\n"
        "assert parse is citecheck.parse and verify is citecheck.verify\n"
        "assert citecheck.parse.__module__ == 'citecheck.api'\n"
        "import sys; assert sys.modules['citecheck.verify'].verify is verify"
    )
    _loaded_after(code)


def test_every_exported_name_is_resolvable_and_listed() -> None:
    for name in citecheck.__all__:
        assert getattr(citecheck, name) is not None
    assert set(citecheck.__all__) <= set(dir(citecheck))
    with pytest.raises(AttributeError):
        _ = citecheck.not_a_name  # type: ignore[attr-defined]


def test_version_is_printed_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` reads the version when asked and prints it as argparse's action did."""
    from citecheck.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    captured = capsys.readouterr()
    assert captured.out == f"citecheck {citecheck.__version__}\n" and captured.err == ""
