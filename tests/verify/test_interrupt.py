"""An interrupted run loses nothing, and --resume finishes it without refetching."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citecheck.testing import Route, StandinWeb

PAGE = "<html><title>Source {n}</title><body><h1>Source {n}</h1><p>{text}</p></body></html>"
HOSTS = ("a", "b", "c", "d")
PER_HOST = 10


@pytest.fixture
def web() -> Iterator[StandinWeb]:
    routes = {
        f"/s{n}": Route(
            body=PAGE.format(n=n, text="Words of a source. " * 30), action="sleep", delay=0.25
        )
        for n in range(PER_HOST)
    }
    with StandinWeb({host: routes for host in HOSTS}) as running:
        yield running


def _article(web: StandinWeb, directory: Path) -> tuple[Path, list[str]]:
    urls = [f"{web.base(host)}/s{n}" for host in HOSTS for n in range(PER_HOST)]
    notes = "\n".join(
        f"[{i}] “Source”, Site, {url}, accessed 14 April 2023." for i, url in enumerate(urls, 1)
    )
    body = " ".join(f"Claim {i}[{i}]." for i in range(1, len(urls) + 1))
    path = directory / "article.txt"
    path.write_text(f"Title\n\n{body}\n\n{notes}\n", encoding="utf-8")
    return path, urls


def _command(article: Path, output: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "citecheck", "verify", "--no-cache", "--no-archive", "--no-probe",
        "--quiet", "--allow-network", "127.0.0.1/32", "--concurrency", "2",
        "-o", str(output), *extra, str(article),
    ]  # fmt: skip


def _cited_hits(web: StandinWeb, url: str) -> int:
    host = next(h for h in HOSTS if url.startswith(web.base(h)))
    return web.hits(host).get(url[len(web.base(host)) :], 0)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_then_resume(web: StandinWeb, tmp_path: Path, stop: signal.Signals) -> None:
    """Killed mid-way, the run writes a partial report; --resume refetches none of its checks."""
    article, urls = _article(web, tmp_path)
    partial_path = tmp_path / "partial.json"
    process = subprocess.Popen(
        _command(article, partial_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # An ignored SIGINT in the test process (left by an earlier test's Dask cluster or
        # worker pool) would be inherited across exec: the child gets Ctrl-C's default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while sum(_cited_hits(web, url) for url in urls) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr

    partial = json.loads(partial_path.read_text(encoding="utf-8"))
    assert partial["incomplete"] is True
    checks = [
        check for citation in partial["documents"][0]["citations"] for check in citation["checks"]
    ]
    done = {check["url"] for check in checks if check["verdict"] != "pending"}
    assert done, "some URLs finished before the interrupt"
    assert partial["pending"], "some URLs were still to do"
    # Every URL not reached has a check saying so: pending, never no_url.
    pending = [check for check in checks if check["verdict"] == "pending"]
    assert {check["url"] for check in pending} == set(partial["pending"])
    assert all("--resume" in check["reason"] for check in pending)
    assert partial["summary"]["no_url"] == 0
    assert done | set(partial["pending"]) == set(urls)
    assert done.isdisjoint(partial["pending"])

    final_path = tmp_path / "final.json"
    resumed = subprocess.run(
        _command(article, final_path, "--resume", str(partial_path)),
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    final = json.loads(final_path.read_text(encoding="utf-8"))
    assert "incomplete" not in final
    verdicts = [c["verdict"] for c in final["documents"][0]["citations"]]
    assert verdicts == ["ok"] * len(urls)
    for url in done:
        assert _cited_hits(web, url) == 1, f"{url} was fetched again"
    for url in partial["pending"]:
        assert _cited_hits(web, url) >= 1
