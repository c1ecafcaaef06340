"""A small HTML reader for the tests: elements with attributes, text and parents."""

from __future__ import annotations

from html.parser import HTMLParser

from attrs import Factory, define

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


@define
class Element:
    """One element of the page."""

    tag: str
    attrs: dict[str, str | None]
    parent: Element | None
    content: list[Element | str] = Factory(list)

    @property
    def children(self) -> list[Element]:
        """The child elements, without the text between them."""
        return [item for item in self.content if isinstance(item, Element)]

    def all_text(self) -> str:
        """The text of the element and its descendants, in document order."""
        return "".join(item if isinstance(item, str) else item.all_text() for item in self.content)

    def iter(self, tag: str | None = None) -> list[Element]:
        """The element's descendants (and itself) with this tag, in document order."""
        found = [self] if tag is None or self.tag == tag else []
        for child in self.children:
            found.extend(child.iter(tag))
        return found

    def has_class(self, name: str) -> bool:
        """Whether the class attribute lists ``name``."""
        return name in (self.attrs.get("class") or "").split()

    def by_class(self, name: str) -> list[Element]:
        """Descendants with this class."""
        return [element for element in self.iter() if element.has_class(name)]

    def ancestors(self) -> list[Element]:
        """Parent, grandparent and so on."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attributes), self.current)
        self.current.content.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        self.current.content.append(Element(tag, dict(attributes), self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.content.append(data)


def parse_html(text: str) -> Element:
    """The page as a tree of elements."""
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root
