"""Ibid. and op. cit. resolution."""

from __future__ import annotations

import pytest

from citecheck.model import Citation, CitationKind
from citecheck.parse.backrefs import BackReference, classify_back_reference, resolve_back_references


def _note(
    label: str, text: str, urls: tuple[str, ...] = (), authors: tuple[str, ...] = ()
) -> Citation:
    return Citation(
        id=f"fn-{label}",
        label=label,
        kind=CitationKind.FOOTNOTE,
        text=text,
        urls=urls,
        authors=authors,
    )


class TestClassify:
    """Recognising back-references in many languages."""

    @pytest.mark.parametrize(
        "text",
        [
            "Ibid.",
            "Ibid., p. 4",
            "ibid",
            "Ibidem, 12.",
            "Ebd., S. 5.",
            "Ebenda.",
            "Там же. С. 14.",
            "a.g.e., s. 4",
            "A.g.m., s. 7.",
            "Íbid., p. 3.",
            "Ivi, p. 22.",
            "Id. at 5.",
            "Idem.",
        ],
    )
    def test_previous(self, text: str) -> None:
        """Ibid. and its translations point at the previous note."""
        match = classify_back_reference(text)
        assert match is not None and match.kind is BackReference.PREVIOUS

    @pytest.mark.parametrize(
        ("text", "author"),
        [
            ("Smith, op. cit., p. 4.", "Smith"),
            ("Kaya, a.g.e., s. 12.", "Kaya"),
            ("Müller, a.a.O., S. 9.", "Müller"),
            ("Иванов, указ. соч. С. 5.", "Иванов"),
        ],
    )
    def test_same_author(self, text: str, author: str) -> None:
        """op. cit. after a name points at that author's earlier work."""
        match = classify_back_reference(text)
        assert (
            match is not None and match.kind is BackReference.SAME_AUTHOR and match.author == author
        )

    @pytest.mark.parametrize(
        "text",
        [
            "Ib Andersen, “Title”, Site.",
            "Idaho Statesman, 2020.",
            "Ivory Coast report.",
            "A source citing ibid. later.",
        ],
    )
    def test_not_back_references(self, text: str) -> None:
        """Names and words that start like an abbreviation are ordinary notes."""
        assert classify_back_reference(text) is None


class TestResolve:
    """What a back-reference inherits."""

    def test_ibid_carries_previous_urls(self) -> None:
        """The first seed's [4] Ibid. is checked as [3]."""
        notes = [_note("3", "Source", ("https://jamestown.org/x/",)), _note("4", "Ibid.")]
        resolved = resolve_back_references(notes)
        assert resolved[1].ibid_of == "fn-3"
        assert resolved[1].urls == ("https://jamestown.org/x/",)

    def test_chain_resolves_to_first(self) -> None:
        """Ibid. after Ibid. points at the original source."""
        notes = [
            _note("1", "Source", ("https://a.example/",)),
            _note("2", "Ibid."),
            _note("3", "Ibid., p. 9."),
        ]
        assert [c.ibid_of for c in resolve_back_references(notes)] == [None, "fn-1", "fn-1"]

    def test_op_cit_finds_the_author(self) -> None:
        """op. cit. skips notes by other authors."""
        notes = [
            _note("1", "Smith, J., Title", ("https://smith.example/",), ("Smith, J.",)),
            _note("2", "Doe, Other", ("https://doe.example/",), ("Jane Doe",)),
            _note("3", "Smith, op. cit., p. 4."),
        ]
        resolved = resolve_back_references(notes)
        assert resolved[2].ibid_of == "fn-1"
        assert resolved[2].urls == ("https://smith.example/",)

    def test_ibid_with_its_own_url_keeps_it(self) -> None:
        """A note that starts with Ibid. but gives a URL is its own source."""
        notes = [
            _note("1", "A", ("https://a.example/",)),
            _note("2", "Ibid.; see https://b.example/", ("https://b.example/",)),
        ]
        assert resolve_back_references(notes)[1].ibid_of is None

    def test_ibid_first_note_has_nothing_to_point_at(self) -> None:
        """An Ibid. with no earlier note stays unresolved."""
        assert resolve_back_references([_note("1", "Ibid.")])[0].ibid_of is None
