"""A report page's print copy as an element tree, read by the standard library's HTML
tokenizer (:class:`html.parser.HTMLParser`): the tree WeasyPrint's own HTML5 parser
(tinyhtml5, the HTML Standard's tree construction in pure Python) builds for the pages the
templates write, in about a fifth of its time.

Only what the templates write is read here: a document type, then ``html`` with a ``head``
(``meta``, ``title``, ``link``, ``style``, ``script``) and a ``body``, every element closed
by its own end tag, tables made of their own parts. For those the HTML Standard's tree
construction (§13.2.6) is plain nesting, with three exceptions written out below: the
whitespace it drops before ``head`` and moves into ``body`` after ``</body>``, and the
``tbody`` it opens for a ``tr`` written directly in a ``table``. Anything else (an end tag
that closes another element than the last opened, an element the standard opens or closes
by itself, foreign content such as inline SVG, text where a table's parts go...)
makes :func:`parse` answer None, and the page goes to WeasyPrint's parser as it is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree.ElementTree import Comment, Element


def _names(names: str) -> frozenset[str]:
    return frozenset(names.split())


#: Elements without content or end tag (HTML Standard §13.1.2, void elements).
_VOID = _names("area base br col embed hr img input link meta source track wbr")
#: Start tags that close an open ``p`` (§13.2.6.4.7, "in body" insertion mode).
_CLOSE_P = _names(
    "address article aside blockquote center details dialog dir div dl fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li dd dt "
    "listing main menu nav ol p plaintext pre search section summary table ul xmp"
)
#: Elements with a tree construction of their own (foreign content, raw text read in other
#: modes, a first newline dropped, an element renamed, frames, forms' own rules, templates,
#: formatting elements the standard reopens or closes by itself): left to WeasyPrint.
_OTHERS = _names(
    "svg math template frameset frame noscript noembed noframes iframe plaintext "
    "xmp pre listing textarea image isindex keygen form button nobr applet marquee "
    "object caption html head body title ruby rb rp rt rtc"
)
#: Elements that hold only these here (a table's parts: a ``tr`` directly in a table, see
#: ``_start``; a select's options), and whitespace between them.
_CHILDREN_ONLY = {
    "table": frozenset(["colgroup", "thead", "tbody", "tfoot", "tr"]),
    "colgroup": frozenset(["col"]),
    "thead": frozenset(["tr"]),
    "tbody": frozenset(["tr"]),
    "tfoot": frozenset(["tr"]),
    "tr": frozenset(["td", "th"]),
    "select": frozenset(["option"]),
}
#: Elements closed by the start of a sibling of the same kind (``li``, ``dd``/``dt``,
#: ``option``); nested ones are left to WeasyPrint.
_SIBLING_CLOSED = _names("li dd dt option optgroup")
_HEAD = _names("meta title link style script")  # a base changes URLs
_WHITESPACE = " \t\n\f"
#: The start tag each state of the document's frame expects, and the state after it.
_FRAME = {
    "before html": ("html", "before head"),
    "before head": ("head", "in head"),
    "after head": ("body", "in body"),
}


#: Table parts (a start tag of one outside a table is ignored by the HTML Standard).
_TABLE_PARTS = _names("tr td th tbody thead tfoot colgroup col caption")
_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
#: The elements that end the "button scope" in which an open ``p`` is looked for.
_BUTTON_SCOPE = _names("html table td th caption marquee object applet template button")
#: A character reference without its closing semicolon (the HTML Standard reads some of them
#: differently in an attribute value than :func:`html.unescape` does).
_OPEN_REFERENCE = re.compile(r"&#?\w+(?![\w;])")


class _UnsupportedError(Exception):
    """The page has what this reader leaves to WeasyPrint's parser."""


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: Element | None = None
        self.doctype = False
        self.stack: list[Element] = []
        self.implied: set[int] = set()  # ids of the tbody elements opened for a tr
        self.state = "before html"  # then "before head", "in head", "after head",
        # "in body", "after body" (body and html closed: their end tags close nothing)

    # -- tokens ------------------------------------------------------------------------
    def handle_decl(self, decl: str) -> None:
        if self.state != "before html" or self.doctype or decl.lower() != "doctype html":
            raise _UnsupportedError
        self.doctype = True

    def unknown_decl(self, data: str) -> None:
        raise _UnsupportedError

    def handle_pi(self, data: str) -> None:
        raise _UnsupportedError

    def handle_comment(self, data: str) -> None:
        if self.state not in ("in head", "in body") or self.stack[-1].tag in _CHILDREN_ONLY:
            raise _UnsupportedError  # a comment outside the head and body goes elsewhere
        self.stack[-1].append(Comment(data))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:  # "<div/>" opens a div in HTML
            raise _UnsupportedError
        self.handle_starttag(tag, attrs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes: dict[str, str] = {}
        for name, value in attrs:
            attributes.setdefault(name, "" if value is None else value)  # the first wins
        frame = _FRAME.get(self.state)
        if frame is not None:  # the document's html, head and body, in that order
            expected, self.state = frame
            if tag != expected or not self.doctype:
                raise _UnsupportedError
            element = Element(tag, attributes)
            if self.stack:
                self._open(element)
            else:
                self.root = element
                self.stack = [element]
        elif self.state == "in head":
            if tag not in _HEAD:
                raise _UnsupportedError
            self._open(Element(tag, attributes))
        elif self.state == "in body":
            self._start(tag, attributes)
        else:
            raise _UnsupportedError
        if tag in _VOID:
            self.stack.pop()

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in _OTHERS:
            raise _UnsupportedError
        parent = self.stack[-1]
        if tag in _CLOSE_P and self._p_in_button_scope():
            raise _UnsupportedError
        if tag in _HEADINGS and parent.tag in _HEADINGS:
            raise _UnsupportedError  # the open heading is closed
        if tag in _SIBLING_CLOSED and any(e.tag in _SIBLING_CLOSED for e in self.stack):
            raise _UnsupportedError
        if tag == "a" and any(e.tag == "a" for e in self.stack):
            raise _UnsupportedError  # the open link is closed (the adoption agency)
        allowed = _CHILDREN_ONLY.get(parent.tag)
        if allowed is None and tag in _TABLE_PARTS:
            raise _UnsupportedError  # a table part outside its table is ignored
        if allowed is not None and tag not in allowed:
            raise _UnsupportedError  # moved out of the table, or parts opened by the parser
        if parent.tag == "table" and tag == "tr":
            tbody = Element("tbody")
            self._open(tbody)
            self.implied.add(id(tbody))
        self._open(Element(tag, attributes))

    def _p_in_button_scope(self) -> bool:
        """A ``p`` is open inside the nearest scope boundary (§13.2.4.2)."""
        for element in reversed(self.stack):
            if element.tag == "p":
                return True
            if element.tag in _BUTTON_SCOPE:
                return False
        return False

    def _open(self, element: Element) -> None:
        self.stack[-1].append(element)
        self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if self.state == "in head" and tag == "head":
            if self.stack[-1].tag != "head":
                raise _UnsupportedError  # a title or style left open reads on as its text
            self.stack.pop()
            self.state = "after head"
            return
        if self.state == "in body" and tag == "body":
            self.state = "after body"
            return
        if self.state == "after body" and tag == "html":
            return
        if self.state not in ("in head", "in body") or tag in _VOID:
            raise _UnsupportedError
        current = self.stack[-1]
        if tag == "table" and id(current) in self.implied:
            self.stack.pop()
            current = self.stack[-1]
        if current.tag != tag or len(self.stack) <= 2:
            raise _UnsupportedError
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "\x00" in data:
            raise _UnsupportedError
        if self.state in ("before html", "before head"):
            if data.strip(_WHITESPACE):
                raise _UnsupportedError
            return  # dropped (§13.2.6.4.1-3)
        if self.state == "after head":
            if data.strip(_WHITESPACE):
                raise _UnsupportedError
            _append_text(self.stack[0], data)  # after </head>, in html
            return
        current = self.stack[-1]
        if current.tag == "head" and data.strip(_WHITESPACE):
            raise _UnsupportedError  # text closes the head and opens the body
        if current.tag in _CHILDREN_ONLY and data.strip(_WHITESPACE):
            raise _UnsupportedError  # text in a table's parts is moved out of the table
        if self.state == "after body":
            if data.strip(_WHITESPACE):
                raise _UnsupportedError
            current = self.stack[1]  # in body, as the standard's "after body" mode does
            if len(self.stack) != 2:
                raise _UnsupportedError
        _append_text(current, data)


def _append_text(element: Element, data: str) -> None:
    """``data`` after what ``element`` holds: its text, or its last child's tail."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + data
    else:
        element.text = (element.text or "") + data


def parse(text: str) -> Element | None:
    """The ``html`` element of the page ``text`` as WeasyPrint's HTML5 parser builds it
    (elements not in a namespace), or None when the page has what only that parser reads."""
    if _OPEN_REFERENCE.search(text):
        return None
    builder = _TreeBuilder()
    # the HTML Standard's input stream: carriage returns made line feeds (§13.2.3.5)
    try:
        builder.feed(text.replace("\r\n", "\n").replace("\r", "\n"))
        builder.close()
    except _UnsupportedError:
        return None
    if builder.state != "after body" and not (
        builder.state == "in body" and len(builder.stack) == 2
    ):
        return None
    return builder.root
