"""Every option of ``citecheck verify`` works from the command line and from the configuration
file alike, and docs/cli.md lists each one with its flag and key (issue 15)."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from citecheck.cli import _build_parser, main
from citecheck.config import CONFIG_KEYS
from citecheck.fetch.policy import FetchPolicy
from citecheck.testing import Route, StandinWeb

ROOT = Path(__file__).parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
ARTICLE = "<html><head><title>A source</title></head><body><h1>A source</h1><p>{}</p></body></html>"
PAGE = ARTICLE.format("Text of a live source. " * 40)


@pytest.fixture(scope="module")
def web() -> Iterator[StandinWeb]:
    routes = {
        "/live": Route(body=PAGE),
        "/dead": Route(status=404, body="<title>Not Found</title>"),
        "/forbidden": Route(status=403, body="<title>Forbidden</title>"),
        "/r1": Route(status=301, headers=(("Location", "/r2"),)),
        "/r2": Route(status=301, headers=(("Location", "/live"),)),
        # Each query string is its own path to the stand-in: a fresh sequence per test.
        "/flaky": Route(body=PAGE, sequence=(503, 200)),
        "/slow": Route(body=PAGE, action="sleep", delay=0.4),
    }
    with StandinWeb({"site": routes}) as running:
        yield running


_unique = itertools.count()


def _fresh(web: StandinWeb, path: str) -> str:
    """A URL of ``path`` no other test asked for (its own hit count and sequence)."""
    return f"{web.base('site')}{path}?n={next(_unique)}"


def _verify(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    urls: list[str],
    args: Sequence[str] = (),
    config: str | None = None,
) -> tuple[int, dict[str, Any], str]:
    """Run ``citecheck verify --urls`` in ``tmp_path`` (with ``config`` as its citecheck.toml)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CITECHECK_CONFIG", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    if config is not None:
        (tmp_path / "citecheck.toml").write_text(config, encoding="utf-8")
    listing = tmp_path / "urls.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    base = ["verify", "--no-cache", "--no-archive", "--no-probe", "--quiet"]
    base += ["--allow-network", "127.0.0.1/32", "--urls", str(listing)]
    code = main([*base, *args])
    captured = capsys.readouterr()
    report = json.loads(captured.out) if captured.out.strip() else {}
    return code, report, captured.err


def _checks(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        check
        for document in report["documents"]
        for citation in document["citations"]
        for check in citation["checks"]
    ]


def _by_path(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each check by its URL's path (query dropped)."""
    return {re.sub(r"^http://[^/]+|\?.*$", "", c["url"]): c for c in _checks(report)}


VIA = ("flag", "config")


class TestUrlSelection:
    """--exclude, --include and .citecheckignore."""

    @pytest.mark.parametrize("via", VIA)
    def test_exclude(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """An excluded URL is not fetched and is reported excluded, naming its pattern."""
        dead = _fresh(web, "/dead")
        args, config = (
            (["--exclude", "/dead"], None) if via == "flag" else ([], 'exclude = ["/dead"]\n')
        )
        code, report, _ = _verify(
            tmp_path, monkeypatch, capsys, [web.base("site") + "/live", dead], args, config
        )
        assert code == 0
        check = _by_path(report)["/dead"]
        assert check["verdict"] == "excluded"
        origin = "--exclude" if via == "flag" else "citecheck.toml"
        assert origin in check["reason"] and "'/dead'" in check["reason"]
        assert web.hits("site").get(dead[len(web.base("site")) :], 0) == 0
        assert report["summary"]["excluded"] == 1

    @pytest.mark.parametrize("via", VIA)
    def test_include_wins(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A URL an include matches is checked even though an exclusion matches it too."""
        if via == "flag":
            args, config = ["--exclude", ".", "--include", "/live$"], None
        else:
            args, config = [], 'exclude = ["."]\ninclude = ["/live$"]\n'
        urls = [web.base("site") + "/live", web.base("site") + "/dead"]
        code, report, _ = _verify(tmp_path, monkeypatch, capsys, urls, args, config)
        assert code == 0
        checks = _by_path(report)
        assert checks["/live"]["verdict"] == "ok"
        assert checks["/dead"]["verdict"] == "excluded"

    def test_ignore_file(
        self,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """.citecheckignore at the repository root: one pattern a line, # comments."""
        (tmp_path / ".git").mkdir()
        (tmp_path / ".citecheckignore").write_text("# private mirror\n\n/dead$\n", encoding="utf-8")
        work = tmp_path / "docs"
        work.mkdir()
        urls = [web.base("site") + "/live", web.base("site") + "/dead"]
        code, report, _ = _verify(work, monkeypatch, capsys, urls)
        assert code == 0
        check = _by_path(report)["/dead"]
        assert check["verdict"] == "excluded"
        assert ".citecheckignore line 3" in check["reason"]

    def test_bad_pattern(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A pattern that is not a regular expression is a usage error naming it."""
        with pytest.raises(SystemExit) as stopped:
            _verify(tmp_path, monkeypatch, capsys, ["http://127.0.0.1:9/x"], ["--exclude", "("])
        assert stopped.value.code == 2


class TestAccept:
    """--accept: statuses counted as ok."""

    @pytest.mark.parametrize("via", VIA)
    def test_accepted_statuses(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """An accepted 403 and 404 are ok, with a note; dead would otherwise fail the run."""
        args, config = (
            (["--accept", "200..=299,403,404..405"], None)
            if via == "flag"
            else ([], 'accept = ["200..=299", 403, "404..405"]\n')
        )
        urls = [web.base("site") + "/forbidden", web.base("site") + "/dead"]
        code, report, _ = _verify(tmp_path, monkeypatch, capsys, urls, args, config)
        assert code == 0
        for check in _checks(report):
            assert check["verdict"] == "ok"
            assert "--accept counts as ok" in check["reason"]
            assert any(signal.startswith("accepted:") for signal in check["signals"])

    def test_without_accept(
        self,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Without it the same answers are blocked and dead."""
        urls = [web.base("site") + "/forbidden", web.base("site") + "/dead"]
        code, report, _ = _verify(tmp_path, monkeypatch, capsys, urls)
        assert code == 1
        assert {c["verdict"] for c in _checks(report)} == {"blocked", "dead"}

    @pytest.mark.parametrize("value", ["abc", "299..=200", "99", "200..=1000"])
    def test_bad_value(
        self,
        value: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """A malformed code or range is a usage error."""
        with pytest.raises(SystemExit):
            _verify(tmp_path, monkeypatch, capsys, ["http://127.0.0.1:9/"], ["--accept", value])


class TestRequests:
    """--header, --user-agent, --max-redirects, --max-retries, --retry-wait."""

    def _sent(self, web: StandinWeb, url: str) -> list[dict[str, str]]:
        path = url[len(web.base("site")) :]
        return [request.headers for request in web.requests("site") if request.path == path]

    @pytest.mark.parametrize("via", ["flag", "named config"])
    def test_header(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """--header, or headers in a file named with --config, reach the cited host."""
        url = _fresh(web, "/live")
        if via == "flag":
            args = ["--header", "X-Token: s3cret"]
        else:
            trusted = tmp_path / "trusted.toml"
            trusted.write_text('[headers]\nX-Token = "s3cret"\n', encoding="utf-8")
            args = ["--config", str(trusted)]
        code, _, _ = _verify(tmp_path, monkeypatch, capsys, [url], args)
        assert code == 0
        (headers,) = self._sent(web, url)
        assert headers.get("X-Token") == "s3cret"

    def test_header_from_found_file_ignored(
        self,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """headers in a file found in the tree are not sent, and a warning says so."""
        url = _fresh(web, "/live")
        config = '[headers]\nX-Token = "s3cret"\n'
        code, _, err = _verify(tmp_path, monkeypatch, capsys, [url], [], config)
        assert code == 0
        (headers,) = self._sent(web, url)
        assert "X-Token" not in headers
        assert "ignored headers" in err

    @pytest.mark.parametrize("via", VIA)
    def test_user_agent(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The User-Agent sent is the one set."""
        url = _fresh(web, "/live")
        args, config = (
            (["--user-agent", "DocsBot/2.0"], None)
            if via == "flag"
            else ([], 'user-agent = "DocsBot/2.0"\n')
        )
        _verify(tmp_path, monkeypatch, capsys, [url], args, config)
        (headers,) = self._sent(web, url)
        assert headers.get("User-Agent") == "DocsBot/2.0"

    @pytest.mark.parametrize("via", VIA)
    def test_max_redirects(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Two redirects with max-redirects 1 are an error; by default they are followed."""
        url = web.base("site") + "/r1"
        _, followed, _ = _verify(tmp_path, monkeypatch, capsys, [url])
        assert _checks(followed)[0]["verdict"] == "moved"
        args, config = (
            (["--max-redirects", "1"], None) if via == "flag" else ([], "max-redirects = 1\n")
        )
        _, report, _ = _verify(tmp_path, monkeypatch, capsys, [url], args, config)
        (check,) = _checks(report)
        assert check["verdict"] == "error"
        assert "redirects" in check["reason"]

    @pytest.mark.parametrize("via", VIA)
    def test_max_retries(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """max-retries 0: a 503 is not asked again; by default the retry finds the page."""
        retried = _fresh(web, "/flaky")
        _, report, _ = _verify(tmp_path, monkeypatch, capsys, [retried], ["--retry-wait", "0"])
        assert _checks(report)[0]["verdict"] == "ok"
        once = _fresh(web, "/flaky")
        if via == "flag":
            args, config = ["--max-retries", "0"], "retry-wait = 0\n"
        else:
            args, config = [], "max-retries = 0\nretry-wait = 0\n"
        _, report, _ = _verify(tmp_path, monkeypatch, capsys, [once], args, config)
        assert _checks(report)[0]["verdict"] == "error"
        assert len(self._sent(web, once)) == 1

    @pytest.mark.parametrize("via", VIA)
    def test_retry_wait(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The retry of a 503 comes retry-wait seconds after the first answer."""
        url = _fresh(web, "/flaky")
        if via == "flag":
            args, config = ["--retry-wait", "1.2", "--max-retries", "1"], None
        else:
            args, config = [], "retry-wait = 1.2\nmax-retries = 1\n"
        _, report, _ = _verify(tmp_path, monkeypatch, capsys, [url], args, config)
        assert _checks(report)[0]["verdict"] == "ok"
        path = url[len(web.base("site")) :]
        first, second = [r.at for r in web.requests("site") if r.path == path]
        assert second - first >= 1.2


class TestRemap:
    """--remap: fetched elsewhere, reported as cited."""

    @pytest.mark.parametrize("via", VIA)
    def test_remap(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The cited URL is kept; the reason and the evidence show the address fetched."""
        cited = web.base("site") + "/old-home/page"
        rule = r"/old-home/page$ /live"
        args, config = (["--remap", rule], None) if via == "flag" else ([], f"remap = ['{rule}']\n")
        code, report, _ = _verify(tmp_path, monkeypatch, capsys, [cited], args, config)
        assert code == 0
        (check,) = _checks(report)
        assert check["url"] == cited
        assert check["verdict"] == "ok"
        assert f"Fetched as {web.base('site')}/live" in check["reason"]
        assert check["http"]["final_url"] == web.base("site") + "/live"
        assert web.hits("site").get("/old-home/page", 0) == 0

    def test_remap_with_groups(self) -> None:
        """Groups of the pattern are used in the replacement; a missing group is refused."""
        from citecheck.urlrules import Remap, parse_remap

        remap = Remap((parse_remap(r"^https://old\.example/(.*)$ http://127.0.0.1:8080/\1"),))
        assert remap("https://old.example/a/b?c") == "http://127.0.0.1:8080/a/b?c"
        assert remap("https://other.example/a") == "https://other.example/a"
        with pytest.raises(ValueError, match="group"):
            parse_remap(r"^https://old/ http://new/\2")


class TestPerHost:
    """--host-concurrency and --host-delay."""

    def _starts(self, web: StandinWeb, urls: list[str]) -> list[float]:
        paths = {url[len(web.base("site")) :] for url in urls}
        return sorted(r.at for r in web.requests("site") if r.path in paths)

    @pytest.mark.parametrize("via", VIA)
    def test_host_concurrency(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """host-concurrency 1: each request to a slow host starts after the previous answer."""
        urls = [_fresh(web, "/slow") for _ in range(3)]
        args, config = (
            (["--host-concurrency", "1"], None) if via == "flag" else ([], "host-concurrency = 1\n")
        )
        _verify(tmp_path, monkeypatch, capsys, urls, args, config)
        starts = self._starts(web, urls)
        assert len(starts) == 3
        assert all(b - a >= 0.35 for a, b in itertools.pairwise(starts)), starts

    def test_default_is_parallel(
        self,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """By default two requests go to one host at once (the control for the test above)."""
        urls = [_fresh(web, "/slow") for _ in range(2)]
        _verify(tmp_path, monkeypatch, capsys, urls)
        first, second = self._starts(web, urls)
        assert second - first < 0.35

    @pytest.mark.parametrize("via", VIA)
    def test_host_delay(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """host-delay 0.5: requests to one host are half a second apart."""
        urls = [_fresh(web, "/live") for _ in range(3)]
        args, config = (
            (["--host-delay", "0.5"], None) if via == "flag" else ([], "host-delay = 0.5\n")
        )
        _verify(tmp_path, monkeypatch, capsys, urls, args, config)
        starts = self._starts(web, urls)
        assert all(b - a >= 0.45 for a, b in itertools.pairwise(starts)), starts

    def test_older_key_names(self) -> None:
        """per-host-concurrency and per-host-delay, the older names, still work; not both."""
        from citecheck.config import settings_from_table
        from citecheck.errors import InputError

        settings = settings_from_table({"per-host-concurrency": 3, "per-host-delay": 0.25})
        assert (settings.per_host_concurrency, settings.per_host_delay) == (3, 0.25)
        with pytest.raises(InputError, match="not both"):
            settings_from_table({"per-host-delay": 1, "host-delay": 2})


class TestDocuments:
    """--exclude-path and --allow-empty."""

    def _tree(self, web: StandinWeb, root: Path) -> Path:
        docs = root / "docs"
        (docs / "drafts").mkdir(parents=True)
        for path, url in ((docs / "a.md", "/live"), (docs / "drafts" / "b.md", "/dead")):
            path.write_text(
                f"Claim.[^1]\n\n[^1]: Source, {web.base('site')}{url}\n", encoding="utf-8"
            )
        return docs

    @pytest.mark.parametrize("via", VIA)
    def test_exclude_path(
        self,
        via: str,
        web: StandinWeb,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """Documents under a folder matching the glob are not read."""
        docs = self._tree(web, tmp_path)
        args, config = (
            (["--exclude-path", "drafts"], None)
            if via == "flag"
            else ([], 'exclude-path = ["drafts"]\n')
        )
        monkeypatch.chdir(tmp_path)
        if config:
            (tmp_path / "citecheck.toml").write_text(config, encoding="utf-8")
        base = [
            "verify",
            "--no-cache",
            "--no-archive",
            "--quiet",
            "--allow-network",
            "127.0.0.1/32",
        ]
        code = main([*base, *args, str(docs)])
        report = json.loads(capsys.readouterr().out)
        assert code == 0
        assert [d["source"] for d in report["documents"]] == [str(docs / "a.md")]

    @pytest.mark.parametrize("via", ["flag", "config", "neither"])
    def test_allow_empty(
        self,
        via: str,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """An empty folder fails (exit 2, one line) unless allow-empty says it is expected."""
        empty = tmp_path / "empty"
        empty.mkdir()
        monkeypatch.chdir(tmp_path)
        if via == "config":
            (tmp_path / "citecheck.toml").write_text("allow-empty = true\n", encoding="utf-8")
        args = ["--allow-empty"] if via == "flag" else []
        code = main(["verify", "--no-cache", "--no-archive", "--quiet", *args, str(empty)])
        captured = capsys.readouterr()
        if via == "neither":
            assert code == 2
            assert captured.err == (
                f"citecheck: error: nothing to check: no document found in {empty} "
                "(--allow-empty accepts this)\n"
            )
        else:
            assert code == 0, captured.err
            assert json.loads(captured.out)["documents"] == []


def _table_rows() -> list[list[str]]:
    text = CLI_DOC.read_text(encoding="utf-8")
    section = text.split("## Options of `citecheck verify`")[1].split("\n## ")[0]
    rows = [
        line for line in section.splitlines() if line.startswith("| `") or line.startswith("| PATH")
    ]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]


def _verify_parser_flags() -> set[str]:
    parser = _build_parser()
    (commands,) = [action for action in parser._actions if action.dest == "command"]
    verify = commands.choices["verify"]  # type: ignore[attr-defined]
    return {
        option
        for action in verify._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }


class TestDocumentedOptions:
    """docs/cli.md's table, the parser and the configuration keys cannot drift apart."""

    def test_every_flag_documented(self) -> None:
        """Each flag of verify has a row, and each row's flag exists."""
        documented = {flag for row in _table_rows() for flag in re.findall(r"`(--[a-z-]+)", row[0])}
        assert documented == _verify_parser_flags(), (
            f"missing from docs/cli.md: {sorted(_verify_parser_flags() - documented)}; "
            f"not an option: {sorted(documented - _verify_parser_flags())}"
        )

    def test_every_config_key_documented(self) -> None:
        """Each configuration key has a row, and each row's key exists."""
        documented = {key for row in _table_rows() for key in re.findall(r"`([a-z-]+)`", row[1])}
        aliases = {"per-host-concurrency", "per-host-delay"}
        assert documented - aliases == set(CONFIG_KEYS)

    def test_keys_named_as_flags(self) -> None:
        """A key and its flag share their name, but for the documented exceptions."""
        for row in _table_rows():
            flags = re.findall(r"`(--[a-z-]+)", row[0])
            keys = re.findall(r"`([a-z-]+)`", row[1])
            if flags and keys and keys[0] not in ("headers", "max-age-hours"):
                assert f"--{keys[0]}" == flags[0], row

    @pytest.mark.parametrize(
        ("flag", "value"),
        [
            ("--max-redirects", FetchPolicy().max_redirects),
            ("--max-retries", FetchPolicy().retries),
            ("--retry-wait", FetchPolicy().backoff_base),
            ("--host-concurrency", FetchPolicy().per_host_concurrency),
            ("--host-delay", FetchPolicy().per_host_delay),
            ("--concurrency", FetchPolicy().concurrency),
            ("--timeout", FetchPolicy().read_timeout),
        ],
    )
    def test_documented_defaults_are_the_policys(self, flag: str, value: float) -> None:
        """The default the table gives is FetchPolicy's, the API's default."""
        (row,) = [row for row in _table_rows() if row[0].startswith(f"`{flag} ")]
        assert float(row[2]) == value
