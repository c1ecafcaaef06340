"""What verify and parse read, and their exit codes: one meaning everywhere (issue 15).

0 success, 1 a --fail-on verdict, 2 a usage or input error found before any
request (nothing to check included), 130 interrupted. Also: standard input,
URL lists, the configuration search and the report format chosen for a
terminal.
"""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.cli import main
from citecheck.config import find_settings, load_settings
from citecheck.testing import Route, StandinWeb

PAGE = "<html><head><title>A source</title></head><body><p>{}</p></body></html>".format(
    "Text of a live source. " * 40
)
ALLOW = ["--allow-network", "127.0.0.1/32"]
QUIET = ["--no-cache", "--no-archive", "--no-probe", "--quiet"]


@pytest.fixture(scope="module")
def web() -> Iterator[StandinWeb]:
    routes = {"/live": Route(body=PAGE), "/dead": Route(status=404, body="<title>Gone</title>")}
    with StandinWeb({"site": routes}) as running:
        yield running


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CITECHECK_CONFIG", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


def _article(path: Path, *urls: str) -> Path:
    notes = "\n".join(
        f"[{n}] “Source {n}”, Site, {url}, (Date of Accession: 14.04.2023)."
        for n, url in enumerate(urls, start=1)
    )
    body = " ".join(f"Claim {n}[{n}]." for n in range(1, len(urls) + 1))
    path.write_text(f"Title\n\n{body}\n\n{notes}\n", encoding="utf-8")
    return path


def _run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citecheck", *args],
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def _default_sigint() -> None:
    """Ctrl-C's default for the child: an ignored SIGINT (as an earlier test's worker pool
    or Dask cluster may leave the test process) would be inherited across exec."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class TestExitCodes:
    """Each exit code of the table in docs/cli.md, for what the table says gives it."""

    def test_0_success(
        self, web: StandinWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Every source alive: 0."""
        article = _article(tmp_path / "a.txt", web.base("site") + "/live")
        assert main(["verify", *QUIET, *ALLOW, str(article)]) == 0

    def test_1_fail_on(
        self, web: StandinWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A dead source (in the default --fail-on): 1."""
        article = _article(tmp_path / "a.txt", web.base("site") + "/dead")
        assert main(["verify", *QUIET, *ALLOW, str(article)]) == 1

    @pytest.mark.parametrize(
        ("setup", "message"),
        [
            ("missing", "missing.txt: no such file"),
            ("empty-dir", "nothing to check: no document found in"),
            ("no-citations", "nothing to check: no citation found in"),
            ("no-urls", "nothing to check: no URL in 1 citation in"),
            ("bad-output-dir", "report.json: no such directory"),
            ("output-is-dir", "is a directory, not a file to write the report to"),
            ("bad-config", "not a readable TOML file"),
        ],
    )
    def test_2_before_any_request(
        self,
        setup: str,
        message: str,
        web: StandinWeb,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Input errors, nothing to check and a bad -o are exit 2, one line, no request made."""
        url = web.base("site") + "/dead"
        article = _article(tmp_path / "a.txt", url)
        target = [str(article)]
        extra: list[str] = []
        if setup == "missing":
            target = [str(tmp_path / "missing.txt"), str(article)]
        elif setup == "empty-dir":
            (tmp_path / "empty").mkdir()
            target = [str(tmp_path / "empty")]
        elif setup == "no-citations":
            (tmp_path / "plain.txt").write_text("An article without notes.\n", encoding="utf-8")
            target = [str(tmp_path / "plain.txt")]
        elif setup == "no-urls":
            (tmp_path / "book.txt").write_text(
                "Claim[1].\n\n[1] A. Author, A Printed Book, London, 1999.\n", encoding="utf-8"
            )
            target = [str(tmp_path / "book.txt")]
        elif setup == "bad-output-dir":
            extra = ["-o", str(tmp_path / "not" / "there" / "report.json")]
        elif setup == "output-is-dir":
            extra = ["-o", str(tmp_path)]
        elif setup == "bad-config":
            (tmp_path / "citecheck.toml").write_text("timeout = = 3\n", encoding="utf-8")
        before = web.hits("site").get("/dead", 0)
        code = main(["verify", *QUIET, *ALLOW, *extra, *target])
        err = capsys.readouterr().err
        assert code == 2
        assert message in err
        assert len(err.strip().splitlines()) == 1, err
        assert web.hits("site").get("/dead", 0) == before
        if setup == "bad-output-dir":
            # The user's path, never an internal temporary file.
            assert str(tmp_path / "not" / "there" / "report.json") in err and ".tmp" not in err

    def test_2_for_parse_too(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """parse of an empty folder is exit 2 as well, and 0 with --allow-empty."""
        (tmp_path / "empty").mkdir()
        assert main(["parse", str(tmp_path / "empty")]) == 2
        assert "nothing to check: no document found" in capsys.readouterr().err
        assert main(["parse", "--allow-empty", str(tmp_path / "empty")]) == 0

    def test_2_usage(self, tmp_path: Path) -> None:
        """A bad option is exit 2 (argparse's usage error)."""
        assert _run("verify", "--max-retries", "-1", "x.txt").returncode == 2
        assert _run("verify").returncode == 2

    def test_130_interrupted(self, tmp_path: Path) -> None:
        """Ctrl-C during the run: 130, the partial report written, its unchecked URLs pending."""
        routes = {"/slow": Route(body=PAGE, action="sleep", delay=20)}
        with StandinWeb({"slow": routes}) as slow:
            article = _article(tmp_path / "a.txt", slow.base("slow") + "/slow")
            output = tmp_path / "partial.json"
            process = subprocess.Popen(
                [sys.executable, "-m", "citecheck", "verify", *QUIET, *ALLOW, "-o", str(output),
                 str(article)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                preexec_fn=_default_sigint,
            )  # fmt: skip
            deadline = time.monotonic() + 60
            while not slow.hits("slow") and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
        assert process.returncode == 130, stderr
        report = json.loads(output.read_text(encoding="utf-8"))
        assert report["incomplete"] is True
        (citation,) = report["documents"][0]["citations"]
        assert citation["verdict"] == "pending"
        assert report["summary"]["pending"] == 1 and report["summary"]["no_url"] == 0


class TestStandardInputAndUrlLists:
    """- reads a document from stdin; --urls FILE and --urls - check bare URLs."""

    def test_document_on_stdin(self, web: StandinWeb, tmp_path: Path) -> None:
        """A Markdown document piped in is sniffed as Markdown and checked."""
        text = f"Claim.[^1]\n\n[^1]: Source, {web.base('site')}/live\n"
        done = _run("verify", *QUIET, *ALLOW, "-", stdin=text.encode())
        assert done.returncode == 0, done.stderr
        (document,) = json.loads(done.stdout)["documents"]
        assert document["source"] == "<stdin>"
        assert document["citations"][0]["verdict"] == "ok"

    def test_input_format_for_stdin(self, tmp_path: Path) -> None:
        """--input-format names the format of what stdin holds."""
        page = '<p>Claim.<sup><a href="#n1">1</a></sup></p><ol><li id="n1">Source https://example.org/r</li></ol>'
        done = _run("parse", "--input-format", "html", "-", stdin=page.encode())
        assert done.returncode == 0, done.stderr
        (document,) = json.loads(done.stdout)["documents"]
        assert document["citations"][0]["urls"] == ["https://example.org/r"]

    def test_url_list_file(
        self, web: StandinWeb, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Each line of a URL list is a citation labelled by its line; # lines are comments."""
        listing = tmp_path / "urls.txt"
        base = web.base("site")
        listing.write_text(f"# to check\n{base}/live\n\n{base}/dead\n", encoding="utf-8")
        code = main(["verify", *QUIET, *ALLOW, "--urls", str(listing)])
        report = json.loads(capsys.readouterr().out)
        assert code == 1
        citations = report["documents"][0]["citations"]
        assert [(c["label"], c["line"], c["verdict"], c["title"]) for c in citations] == [
            ("2", 2, "ok", None),
            ("4", 4, "dead", None),
        ]

    def test_url_list_on_stdin(self, web: StandinWeb) -> None:
        """--urls - reads the list from stdin."""
        done = _run(
            "verify", *QUIET, *ALLOW, "--urls", "-", stdin=f"{web.base('site')}/live\n".encode()
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["summary"]["ok"] == 1

    def test_stdin_only_once(self, tmp_path: Path) -> None:
        """- as a document and as a URL list at once is refused: stdin is read once."""
        done = _run("verify", "-", "--urls", "-", stdin=b"x")
        assert done.returncode == 2
        assert "read only once" in done.stderr


class TestConfigSearch:
    """The configuration file is looked for up to the repository root."""

    def test_found_in_a_parent(self, tmp_path: Path) -> None:
        """From a sub-folder, the repository root's citecheck.toml is read."""
        (tmp_path / ".git").mkdir()
        (tmp_path / "citecheck.toml").write_text("timeout = 7\n", encoding="utf-8")
        deep = tmp_path / "docs" / "guide"
        deep.mkdir(parents=True)
        settings = find_settings(deep)
        assert settings.timeout == 7.0
        assert settings.source == os.path.join("..", "..", "citecheck.toml")

    def test_stops_at_the_repository_root(self, tmp_path: Path) -> None:
        """A file above the directory holding .git is outside the checkout and not read."""
        (tmp_path / "citecheck.toml").write_text("timeout = 7\n", encoding="utf-8")
        repo = tmp_path / "repo"
        (repo / ".git").mkdir(parents=True)
        assert find_settings(repo).source is None

    def test_nearest_wins(self, tmp_path: Path) -> None:
        """The nearest file wins; a pyproject.toml without [tool.citecheck] is passed over."""
        (tmp_path / ".git").mkdir()
        (tmp_path / "citecheck.toml").write_text("timeout = 7\n", encoding="utf-8")
        sub = tmp_path / "sub"
        sub.mkdir()
        (sub / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
        assert find_settings(sub).timeout == 7.0
        (sub / "citecheck.toml").write_text("timeout = 3\n", encoding="utf-8")
        assert find_settings(sub).timeout == 3.0

    def test_found_in_a_parent_is_still_untrusted(self, tmp_path: Path) -> None:
        """A parent's file found by the search drops allow-network and headers, as ever."""
        (tmp_path / ".git").mkdir()
        (tmp_path / "citecheck.toml").write_text(
            'allow-network = ["127.0.0.0/8"]\n[headers]\nCookie = "x"\n', encoding="utf-8"
        )
        (tmp_path / "sub").mkdir()
        settings = load_settings(environ={}, directory=tmp_path / "sub")
        assert settings.allow_network == () and settings.headers == ()
        assert settings.ignored == ("allow-network", "headers")

    def test_ignore_file_beside_named_config(self, tmp_path: Path) -> None:
        """With --config, the .citecheckignore beside that file is read."""
        trusted = tmp_path / "ci"
        trusted.mkdir()
        (trusted / "citecheck.toml").write_text("", encoding="utf-8")
        (trusted / ".citecheckignore").write_text("^https://intranet\\.\n", encoding="utf-8")
        settings = load_settings(str(trusted / "citecheck.toml"), environ={}, directory=tmp_path)
        assert settings.excludes("https://intranet.example/x")
        assert not settings.excludes("https://example.org/x")


def _run_in_pty(args: list[str], cwd: Path) -> str:
    """Run the command with its stdout on a pseudo-terminal; return what it printed there."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "citecheck", *args],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
        )
        os.close(follower)
        chunks = []
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the other side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


class TestTerminalDefault:
    """verify prints text to a person at a terminal, JSON to a pipe or a file."""

    def test_text_on_a_terminal(self, web: StandinWeb, tmp_path: Path) -> None:
        """On a pseudo-terminal the default report is the text one."""
        article = _article(tmp_path / "a.txt", web.base("site") + "/live")
        shown = _run_in_pty(["verify", *QUIET, *ALLOW, str(article)], tmp_path)
        assert "summary: 1 citation: 1 ok" in shown
        assert '"schema"' not in shown

    def test_json_in_a_pipe(self, web: StandinWeb, tmp_path: Path) -> None:
        """Through a pipe the default report is JSON."""
        article = _article(tmp_path / "a.txt", web.base("site") + "/live")
        done = _run("verify", *QUIET, *ALLOW, str(article))
        assert json.loads(done.stdout)["schema"] == "citecheck/report/v1"

    def test_format_wins_on_a_terminal(self, web: StandinWeb, tmp_path: Path) -> None:
        """--format json on a terminal prints JSON."""
        article = _article(tmp_path / "a.txt", web.base("site") + "/live")
        shown = _run_in_pty(["verify", *QUIET, *ALLOW, "--format", "json", str(article)], tmp_path)
        assert '"schema": "citecheck/report/v1"' in shown
