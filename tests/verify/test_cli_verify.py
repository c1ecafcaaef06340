"""`citecheck verify` at the command line: exit codes, limits and the network guard."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.testing import Route, StandinWeb

ARTICLE = "<html><head><title>A source</title></head><body><h1>A source</h1><p>{}</p></body></html>"


@pytest.fixture(scope="module")
def web() -> Iterator[StandinWeb]:
    routes = {
        "/live": Route(body=ARTICLE.format("Text of a live source. " * 40)),
        "/dead": Route(status=404, body="<title>Not Found</title>"),
        "/forbidden": Route(status=403, body="<title>Forbidden</title>"),
        "/endless": Route(body=b"<p>" + b"y" * 65530, action="stream"),
    }
    with StandinWeb({"site": routes}) as running:
        yield running


# Runs the command line and prints the process's own peak RSS (VmHWM) at exit.
# ru_maxrss from wait4 would not do: a child forked from a large pytest process
# inherits its parent's high-water mark across exec.
_REPORT_PEAK_MEMORY = """
import atexit, runpy, sys
def report():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM"):
                sys.__stderr__.write(line)
atexit.register(report)
sys.argv = ["citecheck", *sys.argv[1:]]
runpy.run_module("citecheck", run_name="__main__")
"""


def _article(tmp_path: Path, *urls: str) -> Path:
    notes = "\n".join(
        f"[{n}] “Source {n}”, Site, {url}, (Date of Accession: 14.04.2023)."
        for n, url in enumerate(urls, start=1)
    )
    body = " ".join(f"Claim {n}[{n}]." for n in range(1, len(urls) + 1))
    path = tmp_path / "article.txt"
    path.write_text(f"Title\n\n{body}\n\n{notes}\n", encoding="utf-8")
    return path


def _verify(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citecheck", "verify", "--no-cache", "--no-archive", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class TestExitCodes:
    """0 clean, 1 a --fail-on verdict, 2 usage or input errors."""

    def test_clean(self, web: StandinWeb, tmp_path: Path) -> None:
        """All sources alive: exit 0 and a JSON report with verdicts."""
        path = _article(tmp_path, web.base("site") + "/live")
        result = _verify("--allow-network", "127.0.0.1/32", str(path))
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["summary"]["ok"] == 1
        assert report["documents"][0]["citations"][0]["verdict"] == "ok"

    def test_dead_fails(self, web: StandinWeb, tmp_path: Path) -> None:
        """A dead source makes the exit code 1."""
        path = _article(tmp_path, web.base("site") + "/live", web.base("site") + "/dead")
        result = _verify("--allow-network", "127.0.0.1/32", str(path))
        assert result.returncode == 1
        assert json.loads(result.stdout)["summary"]["dead"] == 1

    def test_blocked_does_not_fail_by_default(self, web: StandinWeb, tmp_path: Path) -> None:
        """A 403 is inconclusive: not in the default --fail-on."""
        path = _article(tmp_path, web.base("site") + "/forbidden")
        assert _verify("--allow-network", "127.0.0.1/32", str(path)).returncode == 0
        failing = _verify("--allow-network", "127.0.0.1/32", "--fail-on", "blocked", str(path))
        assert failing.returncode == 1

    def test_worker_processes_give_the_same_report(self, web: StandinWeb, tmp_path: Path) -> None:
        """--processes 2 checks in two worker processes: same verdicts, same exit code."""
        urls = [web.base("site") + path for path in ("/live", "/dead", "/forbidden")]
        path = _article(tmp_path, *urls)
        one = _verify("--allow-network", "127.0.0.1/32", str(path))
        two = _verify("--allow-network", "127.0.0.1/32", "--processes", "2", str(path))
        assert (one.returncode, two.returncode) == (1, 1), two.stderr

        def verdicts(result: subprocess.CompletedProcess[str]) -> list[str]:
            document = json.loads(result.stdout)["documents"][0]
            return [citation["verdict"] for citation in document["citations"]]

        assert verdicts(two) == verdicts(one) == ["ok", "dead", "blocked"]

    def test_loopback_refused_without_allow_network(self, web: StandinWeb, tmp_path: Path) -> None:
        """Without --allow-network a loopback URL is unsafe and never contacted."""
        path = _article(tmp_path, web.base("site") + "/dead")
        before = web.hits("site").get("/dead", 0)
        result = _verify(str(path))
        assert result.returncode == 1
        citation = json.loads(result.stdout)["documents"][0]["citations"][0]
        assert citation["verdict"] == "unsafe"
        assert web.hits("site").get("/dead", 0) == before

    def test_confirm_dead(self, web: StandinWeb, tmp_path: Path) -> None:
        """--confirm-dead 2 lets a first dead check pass, and fails on the second."""
        path = _article(tmp_path, web.base("site") + "/dead")
        cache = tmp_path / "cache.sqlite3"
        args = ["--allow-network", "127.0.0.1/32", "--confirm-dead", "2", "--max-age", "0.000001"]
        first = subprocess.run(
            [
                sys.executable,
                "-m",
                "citecheck",
                "verify",
                "--no-archive",
                "--cache",
                str(cache),
                *args,
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        second = subprocess.run(
            [
                sys.executable,
                "-m",
                "citecheck",
                "verify",
                "--no-archive",
                "--cache",
                str(cache),
                *args,
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert (first.returncode, second.returncode) == (0, 1), (first.stderr, second.stderr)
        check = json.loads(second.stdout)["documents"][0]["citations"][0]["checks"][0]
        assert check["dead_checks"] == 2

    @pytest.mark.parametrize(
        "args",
        [
            ["--fail-on", "nonsense"],
            ["--allow-network", "not-a-network"],
            ["--timeout", "0"],
            ["--concurrency", "-3"],
            ["--processes", "0"],
            ["--processes", "2", "--cassette", "tape.yaml"],
        ],
    )
    def test_usage_errors(self, tmp_path: Path, args: list[str]) -> None:
        """Bad options are exit 2 with a message, never a traceback."""
        path = _article(tmp_path, "https://example.invalid/x")
        result = _verify(*args, str(path))
        assert result.returncode == 2
        assert "Traceback" not in result.stderr

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing document is exit 2 with one line."""
        result = _verify(str(tmp_path / "missing.txt"))
        assert result.returncode == 2
        assert "no such file" in result.stderr

    def test_text_format(self, web: StandinWeb, tmp_path: Path) -> None:
        """The text format names each verdict, URL and reason."""
        path = _article(tmp_path, web.base("site") + "/dead")
        result = _verify("--allow-network", "127.0.0.1/32", "--format", "text", str(path))
        assert "dead" in result.stdout and "/dead" in result.stdout
        assert "summary: 1 citation: 1 dead" in result.stdout


class TestLimits:
    """A hung or endless server cannot hang the run or exhaust memory."""

    def test_endless_body_memory(self, web: StandinWeb, tmp_path: Path) -> None:
        """A body streamed without end is read up to the cap; peak RSS stays under 200 MB."""
        path = _article(tmp_path, web.base("site") + "/endless")
        out = tmp_path / "report.json"
        command = [
            sys.executable, "-c", _REPORT_PEAK_MEMORY, "verify", "--no-cache", "--no-archive",
            "--quiet", "--allow-network", "127.0.0.1/32", "-o", str(out), str(path),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        check = json.loads(out.read_text(encoding="utf-8"))["documents"][0]["citations"][0][
            "checks"
        ][0]
        assert check["bytes"] <= 2 * 1024 * 1024
        peak_kb = int(result.stderr.split("VmHWM:")[-1].split()[0])
        assert peak_kb < 200 * 1024, peak_kb

    def test_hung_server(self, tmp_path: Path) -> None:
        """A server that accepts and never answers costs at most the timeouts."""
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(listener.accept()[0])
                except TimeoutError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            port = listener.getsockname()[1]
            path = _article(tmp_path, f"http://127.0.0.1:{port}/never")
            started = time.monotonic()
            result = _verify("--allow-network", "127.0.0.1/32", "--timeout", "1", str(path))
            elapsed = time.monotonic() - started
        finally:
            stop.set()
            thread.join()
            for connection in accepted:
                connection.close()
            listener.close()
        citation = json.loads(result.stdout)["documents"][0]["citations"][0]
        assert citation["verdict"] == "error"
        assert elapsed < 60


VERIFY = [sys.executable, "-m", "citecheck", "verify"]


class TestSettingsAndOutput:
    """Configuration files, the summary line and --quiet."""

    def test_config_file_fail_on(self, web: StandinWeb, tmp_path: Path) -> None:
        """fail-on from citecheck.toml applies; the flag wins over it."""
        path = _article(tmp_path, web.base("site") + "/forbidden")
        (tmp_path / "citecheck.toml").write_text('fail-on = ["blocked"]\n', encoding="utf-8")
        # allow-network on the command line: never from the tree's file (issue 14).
        run = [sys.executable, "-m", "citecheck", "verify", "--no-cache", "--no-archive", str(path)]
        run += ["--allow-network", "127.0.0.1/32"]
        from_file = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, timeout=120)
        assert from_file.returncode == 1, from_file.stderr
        flag = subprocess.run(
            [*run, "--fail-on", "dead"], capture_output=True, text=True, cwd=tmp_path, timeout=120
        )
        assert flag.returncode == 0, flag.stderr

    def test_config_excludes(self, web: StandinWeb, tmp_path: Path) -> None:
        """Excluded URLs are not fetched, and are reported excluded with the pattern."""
        path = _article(tmp_path, web.base("site") + "/dead")
        (tmp_path / "citecheck.toml").write_text('exclude = ["/dead$"]\n', encoding="utf-8")
        before = web.hits("site").get("/dead", 0)
        result = subprocess.run(
            [*VERIFY, "--no-cache", "--no-archive", str(path), "--allow-network", "127.0.0.1/32"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert web.hits("site").get("/dead", 0) == before
        (check,) = json.loads(result.stdout)["documents"][0]["citations"][0]["checks"]
        assert check["verdict"] == "excluded"
        assert "exclude in citecheck.toml '/dead$'" in check["reason"]

    def test_summary_line_and_quiet(self, web: StandinWeb, tmp_path: Path) -> None:
        """Without a terminal, one summary line on stderr; --quiet prints nothing."""
        path = _article(tmp_path, web.base("site") + "/live", web.base("site") + "/dead")
        loud = _verify("--allow-network", "127.0.0.1/32", str(path))
        assert loud.stderr.startswith("citecheck: 2 URLs checked in ")
        assert "1 ok" in loud.stderr and "1 dead" in loud.stderr
        assert "(per URL; the report counts citations)" in loud.stderr
        one = _verify(
            "--allow-network", "127.0.0.1/32", str(_article(tmp_path, web.base("site") + "/live"))
        )
        assert one.stderr.startswith("citecheck: 1 URL checked in ")
        quiet = _verify("--allow-network", "127.0.0.1/32", "--quiet", str(path))
        assert quiet.stderr == ""
