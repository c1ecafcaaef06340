"""Parse throughput per format on one core (text, Markdown, HTML, wikitext), with a result digest.

The corpus is ``fixtures/sections/sections.jsonl``: the reference sections of
real documents, each written as ``benchmarks/accuracy`` and
``score_sections.py`` write it (a short body line that cites the entries in
the document's own marker style, then the section verbatim). Each format's
documents are parsed ``--rounds`` times from memory through the same reader
and assembler ``citecheck.parse`` uses (file reading is left out), and the
citations found per CPU second are reported. The digest hashes ``repr`` of
every parsed citation (all fields) of every document once, so an optimisation
can be shown to change no result in any format.

``--generated N`` adds two rows read from the generated corpus of
``parse_throughput.py`` (N footnotes in documents of 2 to 12 notes):
``text-gen`` as it is, and ``markdown-gen`` rewritten as Markdown footnotes
(``[^1]`` markers, ``[^1]: …`` definitions), the shape of a Markdown article
with many short notes.

    .venv/bin/python benchmarks/parse_formats.py [--rounds 20] [--formats text,html] [--generated N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ROOT / "fixtures" / "sections" / "sections.jsonl"
_EXTENSION = {"text": ".txt", "markdown": ".md", "html": ".html", "wikitext": ".wiki"}
_NO_BODY = {"bibtex", "csljson", "ris"}


def _body_line(document: dict[str, object]) -> str | None:
    fmt = document["format"]
    entries = document["entries"]
    assert isinstance(entries, list)
    labels = [entry.get("label") for entry in entries]
    if fmt in _NO_BODY:
        return None
    if fmt == "wikitext":
        return "This text cites the sources below."
    if fmt == "html":
        marks = [label if label else str(i) for i, label in enumerate(labels, 1)]
        return "<p>This text cites sources " + " ".join(f"<sup>{m}</sup>" for m in marks) + ".</p>"
    if not any(labels):
        return "This text cites the sources listed below."
    footnote = "[^" in str(document["section"])
    marks = [f"[^{label}]" if footnote else f"[{label}]" for label in labels if label]
    return "This text cites sources " + " ".join(marks) + "."


def file_text(document: dict[str, object]) -> str:
    """The file ``score_sections.py`` writes for one corpus document."""
    body = _body_line(document)
    section = str(document["section"])
    if document["format"] == "html":
        return "<html><body>\n" + str(body) + "\n" + section + "\n</body></html>\n"
    if body is None:
        return section + "\n"
    return body + "\n\n" + section + "\n"


def corpus(formats: set[str]) -> dict[str, list[tuple[bytes, str]]]:
    """(file bytes, file name) of every corpus document, by format."""
    found: dict[str, list[tuple[bytes, str]]] = {fmt: [] for fmt in sorted(formats)}
    for index, line in enumerate(SECTIONS.read_text(encoding="utf-8").splitlines()):
        document = json.loads(line)
        fmt = document["format"]
        if fmt in found:
            name = f"doc{index}{_EXTENSION.get(fmt, document['ext'])}"
            found[fmt].append((file_text(document).encode("utf-8"), name))
    return found


def generated(footnotes: int) -> dict[str, list[tuple[bytes, str]]]:
    """The generated corpus as text and as Markdown footnotes."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from parse_throughput import documents

    texts = [text for text, _ in documents(footnotes)]
    markdown = []
    for text in texts:
        text = re.sub(r"(?m)^\s*\[?(\d{1,3})[.\])]\s+", lambda m: f"[^{m.group(1)}]: ", text)
        markdown.append(re.sub(r"\[(\d{1,3})\]", r"[^\1]", text))
    return {
        "text-gen": [(text.encode("utf-8"), f"doc{i}.txt") for i, text in enumerate(texts)],
        "markdown-gen": [(text.encode("utf-8"), f"doc{i}.md") for i, text in enumerate(markdown)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--formats", default="text,markdown,html,wikitext")
    parser.add_argument("--generated", type=int, default=0, metavar="N")
    arguments = parser.parse_args()

    from citecheck.parse.assemble import assemble
    from citecheck.sources.registry import READERS

    documents = corpus({name for name in arguments.formats.split(",") if name})
    if arguments.generated:
        documents.update(generated(arguments.generated))
    total = hashlib.sha256()
    print(
        f"{'format':>9} {'documents':>9} {'citations':>9} {'cpu s':>7} "
        f"{'citations/s':>11} {'digest':>17}"
    )
    for fmt, files in documents.items():
        reader = READERS[fmt.removesuffix("-gen")]
        digest = hashlib.sha256()
        for data, name in files:  # once untimed: imports, caches, the digest
            for citation in assemble(reader(data, name)).citations:
                digest.update(repr(citation).encode("utf-8"))
        total.update(digest.digest())
        found = 0
        started = time.process_time()
        for _ in range(arguments.rounds):
            for data, name in files:
                found += len(assemble(reader(data, name)).citations)
        cpu = time.process_time() - started
        print(
            f"{fmt:>9} {len(files):>9} {found // arguments.rounds:>9} {cpu:>7.2f} "
            f"{found / cpu:>11.0f} {digest.hexdigest()[:16]:>17}",
            flush=True,
        )
    print(f"all formats digest {total.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
