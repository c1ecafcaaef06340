"""Render a report as one standalone HTML page.

The page is an archivist's record as much as a to-do list: it is mailed,
attached to CI runs and opened years later from disk, so it loads nothing
(its style, script and chart are inline; the only addresses in it are the
cited ones, as links), reads on a phone and prints. Filtering by verdict is a
small script; with scripts off the filter buttons stay hidden and every
citation shows.

Everything from the report is escaped, and a Content-Security-Policy that
allows only this page's own style and script (by hash) backs that up: a
footnote containing ``<script>`` shows as text and could not run anyway.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import html
import http
import urllib.parse
from collections.abc import Mapping

from citecheck._version import __version__
from citecheck.model import (
    Check,
    Citation,
    CitationKind,
    CitationResult,
    ClaimSupport,
    DocumentResult,
    EvidenceSentence,
    PageSupport,
    Report,
    SupportVerdict,
    Verdict,
)
from citecheck.report.marks import marked_pieces
from citecheck.wording import plural

# C0 controls (but tab and newline), DEL and non-characters become U+FFFD.
_CONTROLS = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF], "\ufffd"
)

_BY_SEVERITY = tuple(sorted(Verdict, key=lambda verdict: -verdict.severity))
_QUIET = frozenset({Verdict.OK, Verdict.NO_URL, Verdict.EXCLUDED})

# Colours chosen to be told apart in print and by most colour-blind readers:
# failures warm, inconclusive grey-blue, success green.
_COLOURS = {
    Verdict.DEAD: "#c62828",
    Verdict.PARKED: "#8e24aa",
    Verdict.SOFT_404: "#e65100",
    Verdict.UNSAFE: "#ad1457",
    Verdict.DRIFTED: "#b8860b",
    Verdict.INACCURATE: "#6d4c41",
    Verdict.MOVED: "#1565c0",
    Verdict.ERROR: "#616161",
    Verdict.BLOCKED: "#546e7a",
    Verdict.OK: "#2e7d32",
    Verdict.NO_URL: "#9e9e9e",
    Verdict.EXCLUDED: "#9e9e9e",
    Verdict.PENDING: "#78909c",
}

_STYLE = (
    """
:root { color-scheme: light dark; --fg: #1b1b1b; --muted: #5f6368; --bg: #fff;
  --card: #f7f7f8; --line: #d9d9de; --link: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8e8ea; --muted: #a8abb2; --bg: #141416; --card: #1f1f23;
    --line: #3a3a40; --link: #8ab4f8; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
.wrap { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 0.25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; overflow-wrap: anywhere; }
a { color: var(--link); }
p { margin: 0.25rem 0; }
.muted, .meta { color: var(--muted); font-size: 0.9rem; }
.url, .source, code { font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
  font-size: 0.85em; overflow-wrap: anywhere; word-break: break-word; }
.summary { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; }
.chart { width: 100%; max-width: 26rem; height: auto; }
.chart text { fill: var(--fg); font: 13px system-ui, sans-serif; }
.chart .count { font-weight: 600; }
.chart .track { fill: var(--card); }
.totals { margin: 0; }
.totals strong { font-size: 2rem; display: block; line-height: 1.1; }
.filters { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 1rem 0; }
.filters[hidden] { display: none; }
.filters button { font: inherit; font-size: 0.9rem; padding: 0.35rem 0.75rem; cursor: pointer;
  border: 1px solid var(--line); border-radius: 999px; background: var(--card); color: var(--fg); }
.filters button[aria-pressed="true"] { background: var(--fg); color: var(--bg); }
.filters button[class^="v-"]::before { content: ""; display: inline-block; width: 0.6em;
  height: 0.6em; border-radius: 50%; background: var(--v); margin-right: 0.4em; }
.citation { background: var(--card); border: 1px solid var(--line);
  border-left: 0.4rem solid var(--v); border-radius: 0.4rem; padding: 0.75rem 1rem;
  margin: 0.75rem 0; }
.citation[hidden] { display: none; }
.head { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; }
.label { font-weight: 700; }
.badge { display: inline-block; padding: 0 0.5rem; border-radius: 0.3rem; color: #fff;
  background: var(--v); font-size: 0.8rem; font-weight: 600; letter-spacing: 0.02em; }
.footnote { margin: 0.4rem 0; overflow-wrap: anywhere; }
.claim { border-left: 3px solid var(--line); padding-left: 0.75rem; margin: 0.5rem 0; }
.claim q, .snippet { font-style: italic; }
.check { border-top: 1px dashed var(--line); margin-top: 0.6rem; padding-top: 0.5rem; }
.reason { font-weight: 500; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 0.75rem;
  margin: 0.4rem 0 0; font-size: 0.9rem; }
dt { color: var(--muted); }
dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
ol.chain { margin: 0; padding-left: 1.25rem; }
.warn { color: #b3261e; }
.support { display: grid; grid-template-columns: 1fr 1fr; gap: 0.25rem 1rem; margin: 0.75rem 0 0;
  padding: 0.6rem 0.75rem; border: 1px solid var(--line); border-radius: 0.4rem;
  background: var(--bg); border-left: 0.3rem solid var(--s); }
.support > div { min-width: 0; overflow-wrap: anywhere; }
.support h3 { margin: 0 0 0.2rem; font-size: 0.75rem; font-weight: 600; letter-spacing: 0.04em;
  text-transform: uppercase; color: var(--muted); }
.support blockquote { margin: 0; }
.support details { grid-column: 1 / -1; font-size: 0.9rem; }
.support details blockquote { margin: 0.3rem 0; }
.support .then { grid-column: 1 / -1; font-size: 0.9rem; border-top: 1px dashed var(--line);
  padding-top: 0.3rem; margin-top: 0.2rem; }
.sbadge { display: inline-block; padding: 0 0.45rem; border-radius: 0.3rem; color: #fff;
  background: var(--s); font-size: 0.75rem; font-weight: 600; margin-right: 0.35rem; }
.s-supported { --s: #2e7d32; }
.s-partial { --s: #b8860b; }
.s-unsupported { --s: #c62828; }
mark { background: #fff1a8; color: inherit; border-radius: 0.15rem; padding: 0 0.1rem; }
@media (prefers-color-scheme: dark) { mark { background: #5b4a00; } }
footer { margin: 2rem 0 1rem; }
@media (max-width: 40rem) { .support { grid-template-columns: 1fr; } }
@media (max-width: 30rem) {
  .wrap { padding: 0.75rem; }
  dl { grid-template-columns: 1fr; }
  dt { margin-top: 0.3rem; }
}
@media print {
  :root { --fg: #000; --muted: #444; --bg: #fff; --card: #fff; --line: #999; --link: #000; }
  body { font-size: 10pt; }
  .wrap { max-width: none; padding: 0; }
  .filters { display: none; }
  .citation, .citation[hidden] { display: block; break-inside: avoid; }
  a.archive::after { content: " <" attr(href) ">"; }
  .badge, .sbadge, mark { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .support { break-inside: avoid; }
}
"""
    + "".join(
        f".v-{name} {{ --v: {colour}; }}\n.chart .v-{name} {{ fill: {colour}; }}\n"
        for name, colour in ((verdict.value, colour) for verdict, colour in _COLOURS.items())
    )
).strip()

# Reads a #verdict=dead fragment so that a filtered view can be linked to.
_SCRIPT = """
(function () {
  var nav = document.querySelector(".filters");
  if (!nav) { return; }
  var buttons = Array.prototype.slice.call(nav.querySelectorAll("button"));
  var items = Array.prototype.slice.call(document.querySelectorAll(".citation"));
  var names = buttons.map(function (b) { return b.getAttribute("data-filter"); });
  function apply(filter) {
    if (names.indexOf(filter) < 0) { filter = "all"; }
    items.forEach(function (item) {
      var verdict = item.getAttribute("data-verdict");
      item.hidden = !(filter === "all" || verdict === filter ||
        (filter === "problems" && item.hasAttribute("data-problem")));
    });
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-filter") === filter));
    });
    return filter;
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      var filter = apply(b.getAttribute("data-filter"));
      try {
        var here = location.pathname + location.search;
        history.replaceState(null, "", filter === "all" ? here : here + "#verdict=" + filter);
      } catch (ignored) { /* a file: page may refuse; the filter still applies */ }
    });
  });
  var match = /^#verdict=([a-z0-9_]+)$/.exec(location.hash);
  apply(match ? match[1] : "all");
  nav.hidden = false;
})();
""".strip()


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# A hash covers every character between the tags, the newlines included.
_STYLE_TEXT = f"\n{_STYLE}\n"
_SCRIPT_TEXT = f"\n{_SCRIPT}\n"

# Nothing may load from anywhere; only this style and this script may apply.
_CSP = (
    f"default-src 'none'; style-src {_csp_hash(_STYLE_TEXT)}; "
    f"script-src {_csp_hash(_SCRIPT_TEXT)}; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def _e(text: str) -> str:
    """Escape report text for HTML content and quoted attributes."""
    text = text.encode("utf-8", "replace").decode("utf-8").translate(_CONTROLS)
    return html.escape(text, quote=True)


def _is_web(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme.lower() in ("http", "https")


def _link(url: str, text: str | None = None, css: str = "url") -> str:
    """A link to a web address; any other scheme (``javascript:``, ``file:``) as text."""
    shown = _e(text if text is not None else url)
    if not _is_web(url):
        return f'<span class="{css}">{shown}</span>'
    return f'<a class="{css}" href="{_e(url)}" rel="noopener noreferrer">{shown}</a>'


def _utc(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return f"{value:%Y-%m-%d %H:%M} UTC"


def _status(status: int | None) -> str:
    if status is None:
        return "no answer"
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _chart(counts: Mapping[Verdict, int]) -> str:
    """A horizontal bar per verdict, worst first, with its count; zero rows stay in
    place so that reports are comparable at a glance."""
    row, label_width, bar_width, count_width = 24, 80, 230, 40
    width = label_width + bar_width + count_width
    top = max(counts.values(), default=0) or 1
    total = sum(counts.values())
    description = ", ".join(f"{counts[v]} {v.value}" for v in _BY_SEVERITY if counts[v])
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {row * len(_BY_SEVERITY)}" role="img" '
        f'aria-labelledby="chart-title">',
        f'<title id="chart-title">Citations by verdict: {_e(description or "none")}</title>',
    ]
    for index, verdict in enumerate(_BY_SEVERITY):
        y = index * row
        length = round(bar_width * counts[verdict] / top, 1)
        share = f"{100 * counts[verdict] / total:.0f}%" if total else "0%"
        parts.append(
            f"<g><title>{verdict.value}: {counts[verdict]} ({share})</title>"
            f'<text x="0" y="{y + 16}">{verdict.value}</text>'
            f'<rect class="track" x="{label_width}" y="{y + 4}" width="{bar_width}" height="16"'
            ' rx="3"/>'
            f'<rect class="v-{verdict.value}" x="{label_width}" y="{y + 4}" width="{length}"'
            ' height="16" rx="3"/>'
            f'<text class="count" x="{label_width + bar_width + 6}" y="{y + 16}">'
            f"{counts[verdict]}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _filters(counts: Mapping[Verdict, int]) -> str:
    total = sum(counts.values())
    problems = sum(count for verdict, count in counts.items() if verdict not in _QUIET)
    buttons = [
        f'<button type="button" data-filter="all" aria-pressed="true">All {total}</button>',
        f'<button type="button" data-filter="problems" aria-pressed="false">'
        f"Needs attention {problems}</button>",
    ]
    buttons += [
        f'<button type="button" class="v-{v.value}" data-filter="{v.value}" '
        f'aria-pressed="false">{v.value} {counts[v]}</button>'
        for v in _BY_SEVERITY
        if counts[v]
    ]
    # Hidden until the script runs: without it the buttons could do nothing.
    return (
        '<nav class="filters" aria-label="Filter citations by verdict" hidden>'
        + "".join(buttons)
        + "</nav>"
    )


def _content(check: Check) -> str:
    """What content checks found: title and quote match (with the page's matching
    words as evidence), drift from the archived copy, the page now, the archive link."""
    rows = []
    if check.title_match is not None:
        rows.append(f"<dt>Title match</dt><dd>{check.title_match:.0%}</dd>")
    if check.quote_match is not None or check.matched_quote:
        score = f"{check.quote_match:.0%}" if check.quote_match is not None else ""
        snippet = (
            f' <span class="snippet">“{_e(check.matched_quote)}”</span>'
            if check.matched_quote
            else ""
        )
        rows.append(f"<dt>Quote match</dt><dd>{score}{snippet}</dd>")
    if check.drift is not None:
        rows.append(f"<dt>Drift</dt><dd>{check.drift:.0%} changed since the archived copy</dd>")
    page = check.page
    if page is not None:
        described = [f"title “{_e(page.title)}”"] if page.title else []
        if page.published is not None:
            described.append(f"published {page.published.isoformat()}")
        if page.modified is not None:
            described.append(f"modified {page.modified.isoformat()}")
        if described:
            rows.append(f"<dt>Page now</dt><dd>{'; '.join(described)}</dd>")
    snapshot = check.snapshot
    if snapshot is not None:
        then = [_link(snapshot.copy.url, f"Copy of {_utc(snapshot.copy.timestamp)}", "archive")]
        if snapshot.title:
            then.append(f"title “{_e(snapshot.title)}”")
        if snapshot.title_match is not None:
            then.append(f"title match {snapshot.title_match:.0%}")
        if snapshot.quote_match is not None:
            then.append(f"quote match {snapshot.quote_match:.0%}")
        rows.append(f"<dt>Then</dt><dd>{'; '.join(then)}</dd>")
    archive = check.archive
    status = check.archive_status
    if archive is not None or status is not None:
        parts = []
        if archive is not None:
            text = f"Archived copy of {_utc(archive.timestamp)}"
            parts.append(_link(archive.url, text, "archive"))
        if status is not None:
            parts.append(
                f'<span class="archive-state">{_e(status.state.value)}</span>: {_e(status.reason)}'
            )
        rows.append(f"<dt>Archive</dt><dd>{' · '.join(parts)}</dd>")
    return "".join(rows)


def _marked(text: str, marks: tuple[tuple[int, int], ...]) -> str:
    """``text`` escaped, with the ranges the claim and the evidence share in ``<mark>``."""
    return "".join(
        f"<mark>{_e(piece)}</mark>" if marked else _e(piece)
        for piece, marked in marked_pieces(text, marks)
    )


_EVIDENCE_HEADING = {
    SupportVerdict.SUPPORTED: "Evidence on the page",
    SupportVerdict.PARTIAL: "Best evidence on the page",
    SupportVerdict.UNSUPPORTED: "Closest sentence on the page",
}


def _sbadge(support: PageSupport) -> str:
    return (
        f'<span class="sbadge s-{support.verdict.value}">{support.verdict.value}</span>'
        f'<span class="muted">score {support.score:.2f}</span>'
    )


def _sentence(sentence: EvidenceSentence) -> str:
    where = f"characters {sentence.start}–{sentence.end} of the page's text"
    return f'<blockquote title="{_e(where)}">{_marked(sentence.text, sentence.marks)}</blockquote>'


def _missing(support: PageSupport) -> str:
    if not support.missing:
        return ""
    return f'<p class="muted">Not on the page: {_e(", ".join(support.missing))}</p>'


def _support(item: ClaimSupport) -> str:
    """The claim beside the page's best evidence for it, matched words marked; more evidence
    and the copy from the access date below."""
    live = item.live
    if live is None:
        return ""
    quote = f'<p class="muted">Quote: <q>{_e(item.quote)}</q></p>' if item.quote else ""
    if live.evidence:
        evidence = _sentence(live.evidence[0])
    else:
        evidence = '<p class="muted">No sentence of the page shares the claim\'s words.</p>'
    parts = [
        f'<section class="support s-{live.verdict.value}" aria-label="Claim and evidence">',
        f"<div><h3>Claim</h3><p>{_marked(item.claim, item.claim_marks)}</p>{quote}</div>",
        f"<div><h3>{_EVIDENCE_HEADING[live.verdict]}</h3><p>{_sbadge(live)}</p>{evidence}"
        f"{_missing(live)}</div>",
    ]
    if len(live.evidence) > 1:
        more = "".join(_sentence(sentence) for sentence in live.evidence[1:])
        parts.append(
            f"<details><summary>{plural(len(live.evidence) - 1, 'more sentence')}</summary>"
            f"{more}</details>"
        )
    then = item.snapshot
    if then is not None:
        lost = (
            ' <strong class="warn">It supported the claim then; it does not now.</strong>'
            if item.lost
            else ""
        )
        best = _sentence(then.evidence[0]) if then.evidence else ""
        parts.append(
            f'<div class="then"><h3>On the copy from the access date</h3>'
            f"<p>{_sbadge(then)}{lost}</p>{best}</div>"
        )
    parts.append("</section>")
    return "".join(parts)


def _redirects(check: Check) -> str:
    evidence = check.http
    if evidence is None or not evidence.redirects:
        return ""
    hops = [
        f'<li><code>{hop.status}</code> <span class="url">{_e(hop.url)}</span></li>'
        for hop in evidence.redirects
    ]
    final = _status(evidence.status) if evidence.status is not None else "not fetched"
    hops.append(
        f'<li><code>{_e(final)}</code> <span class="url">{_e(evidence.final_url)}</span></li>'
    )
    return f'<dt>Redirects</dt><dd><ol class="chain">{"".join(hops)}</ol></dd>'


def _check(check: Check, several: bool) -> str:
    rows: list[str] = []
    evidence = check.http
    if evidence is not None:
        http_parts = [_e(_status(evidence.status))]
        if evidence.content_type:
            http_parts.append(_e(evidence.content_type))
        http_parts.append(f"{evidence.elapsed_ms} ms")
        rows.append(f"<dt>HTTP</dt><dd>{' · '.join(http_parts)}</dd>")
        rows.append(_redirects(check))
        if evidence.final_url != check.url and check.verdict is Verdict.MOVED:
            rows.append(f"<dt>New address</dt><dd>{_link(evidence.final_url)}</dd>")
    rows.append(_content(check))
    if check.dead_checks > 0:
        since = _utc(check.dead_since) or "an unknown date"
        rows.append(
            f'<dt>Dead since</dt><dd class="warn">{_e(since)} '
            f"({plural(check.dead_checks, 'check')})</dd>"
        )
    checked = _utc(check.fetched_at)
    if checked:
        cache = " (from cache)" if check.from_cache else ""
        rows.append(f"<dt>Checked</dt><dd>{_e(checked)}{cache}</dd>")
    if check.sha256:
        rows.append(
            f"<dt>Body</dt><dd>{check.bytes:,} bytes, sha256 <code>{_e(check.sha256)}</code></dd>"
        )
    if check.signals:
        rows.append(f"<dt>Signals</dt><dd><code>{_e(' '.join(check.signals))}</code></dd>")
    badge = (
        f' <span class="badge v-{check.verdict.value}">{check.verdict.value}</span>'
        if several
        else ""
    )
    support = "".join(_support(item) for item in check.support)
    return (
        f'<div class="check"><p>{_link(check.url)}{badge}</p>'
        f'<p class="reason">{_e(check.reason)}</p>'
        f"{support}<dl>{''.join(rows)}</dl></div>"
    )


def _claims(citation: Citation, shown: frozenset[str] = frozenset()) -> str:
    """The citation's claims, less those a check shows beside their evidence (``shown``)."""
    parts = []
    for claim in citation.claims:
        if claim.text in shown:
            continue
        where = f" (line {claim.line})" if claim.line is not None else ""
        quote = ""
        if claim.quote:
            quote = f'<p><span class="muted">Quote:</span> <q>{_e(claim.quote)}</q></p>'
        parts.append(
            f'<div class="claim"><p><span class="muted">Claim{where}:</span> '
            f"{_e(claim.text)}</p>{quote}</div>"
        )
    return "".join(parts)


def _anchor(document_index: int, position: int, citation: Citation) -> str:
    # "d1-fn-2" links to footnote 2 of the first document; an id that is not a clean
    # token (a parenthetical's) falls back to its position.
    token = citation.id
    if not token or not all(char.isascii() and (char.isalnum() or char in "-_") for char in token):
        token = f"c{position}"
    return f"d{document_index}-{token}"


def _citation(anchor: str, result: CitationResult) -> str:
    citation = result.citation
    verdict = result.verdict
    meta = []
    if citation.kind is not CitationKind.FOOTNOTE:
        meta.append(f"{citation.kind.value} citation")
    if citation.line is not None:
        meta.append(f"line {citation.line}")
    if citation.accessed is not None:
        meta.append(f"accessed {citation.accessed.isoformat()}")
    problem = "" if verdict in _QUIET else " data-problem"
    shown = frozenset(item.claim for check in result.checks for item in check.support)
    checks = "".join(_check(check, len(result.checks) > 1) for check in result.checks)
    if not result.checks:
        checks = '<p class="reason muted">The citation has no URL to check.</p>'
    warnings = "".join(
        f'<p class="warn">Warning: {_e(warning)}</p>' for warning in citation.warnings
    )
    return (
        f'<article class="citation v-{verdict.value}" id="{anchor}" '
        f'data-verdict="{verdict.value}"{problem}>'
        f'<div class="head"><span class="label">{_e(citation.label)}</span>'
        f'<span class="badge v-{verdict.value}">{verdict.value}</span>'
        f'<span class="meta">{_e(" · ".join(meta))}</span></div>'
        f'<p class="footnote">{_e(citation.text)}</p>{_claims(citation, shown)}{warnings}{checks}'
        "</article>"
    )


def _document(index: int, result: DocumentResult) -> str:
    document = result.document
    heading = (
        _e(document.title)
        if document.title
        else f'<span class="source">{_e(document.source)}</span>'
    )
    meta = [f'<span class="source">{_e(document.source)}</span>'] if document.title else []
    if document.published is not None:
        meta.append(f"published {document.published.isoformat()}")
    meta.append(plural(len(result.citations), "citation"))
    warnings = "".join(
        f'<p class="warn">Warning: {_e(warning)}</p>' for warning in document.warnings
    )
    citations = "".join(
        _citation(_anchor(index, position, citation.citation), citation)
        for position, citation in enumerate(result.citations, 1)
    )
    return (
        f'<section class="document" id="d{index}"><h2>{heading}</h2>'
        f'<p class="meta">{" · ".join(meta)}</p>{warnings}{citations}</section>'
    )


def render_html(report: Report) -> str:
    """The whole report as one self-contained HTML page (text, ending in a newline)."""
    counts = report.summary()
    total = sum(counts.values())
    problems = sum(count for verdict, count in counts.items() if verdict not in _QUIET)
    title = (
        f"citecheck report: {problems} of {plural(total, 'citation')} "
        f"{'needs' if problems == 1 else 'need'} attention"
    )
    generated = _utc(report.generated_at)
    meta = [plural(len(report.documents), "document"), plural(total, "citation")]
    if generated:
        meta.insert(0, f"Checked {generated}")
    documents = "".join(
        _document(index, document) for index, document in enumerate(report.documents, 1)
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f'<meta name="generator" content="citecheck {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE_TEXT}</style>\n</head>\n<body>\n"
        '<div class="wrap">\n<header><h1>citecheck report</h1>'
        f'<p class="meta">{_e(" · ".join(meta))}</p></header>\n<main>\n'
        '<section class="summary-section" aria-labelledby="summary"><h2 id="summary">Summary</h2>'
        f'<div class="summary">{_chart(counts)}'
        f'<p class="totals"><strong>{problems}</strong>of {plural(total, "citation")} '
        "need attention</p></div>"
        f"{_filters(counts)}</section>\n{documents}\n</main>\n"
        f'<footer class="muted">Made by citecheck {_e(__version__)}.</footer>\n</div>\n'
        f"<script>{_SCRIPT_TEXT}</script>\n</body>\n</html>\n"
    )
