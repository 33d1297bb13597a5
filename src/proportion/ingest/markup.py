"""HTML and Markdown readers: block structure from the markup, plain text for the document.

HTML is parsed by lxml's HTML parser with network access off; scripts, styles and navigation are dropped.
Items of an ``<ol>`` get the number the browser would show, as a format-generated label. Markdown is parsed
with markdown-it-py (already a dependency of rich); its typed list numbers stay in the text.
"""

from __future__ import annotations

from lxml import etree, html
from markdown_it import MarkdownIt
from markdown_it.token import Token

from proportion.errors import InputError
from proportion.ingest.base import Limits, TextBuilder
from proportion.ingest.numbering import format_number
from proportion.ingest.text import decode, normalise_newlines
from proportion.models import BlockKind, SourceDocument

_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "blockquote",
    "pre",
    "li",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "dl",
    "body",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "caption",
    "hr",
}
_DROPPED_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "nav",
    "svg",
    "iframe",
    "object",
    "button",
}
_OL_FORMATS = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}
_HTML_PARSER = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


class _HtmlWalker:
    def __init__(self) -> None:
        self.builder = TextBuilder()
        self.buffer: list[str] = []
        self.pending: tuple[BlockKind, str | None, int | None] = (BlockKind.PARAGRAPH, None, None)
        self.list_depth = 0

    def flush(self) -> None:
        joined = "".join(self.buffer)
        text = joined if self.pending[0] is BlockKind.TABLE else " ".join(joined.split())
        kind, label, level = self.pending
        self.builder.add(text, kind, label=label, level=level)
        self.buffer = []
        self.pending = (BlockKind.PARAGRAPH, None, None)

    def walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in _DROPPED_TAGS:
            self._tail(element)
            return
        if tag == "br":
            self.buffer.append(" ")
        elif tag in _BLOCK_TAGS:
            self.flush()
            self._open_block(element, tag)
        if element.text and tag not in _DROPPED_TAGS and tag != "table":
            self.buffer.append(element.text)
        if tag == "table":
            self.buffer = [_table_text(element)]
            self.pending = (BlockKind.TABLE, None, None)
        else:
            is_list = tag in ("ol", "ul")
            self.list_depth += is_list
            counter = _ol_start(element) if tag == "ol" else None
            for child in element:
                if counter is not None and isinstance(child.tag, str) and child.tag.lower() == "li":
                    value = child.get("value")
                    counter = int(value) if value and value.isdigit() else counter
                    child.set("data-proportion-label", _ol_label(element, counter))
                    counter += 1
                self.walk(child)
            self.list_depth -= is_list
        if tag in _BLOCK_TAGS:
            self.flush()
        self._tail(element)

    def _open_block(self, element: etree._Element, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.pending = (BlockKind.HEADING, None, int(tag[1]) - 1)
        elif tag == "li":
            label = element.get("data-proportion-label")
            self.pending = (BlockKind.LIST_ITEM, label or "•", max(self.list_depth - 1, 0))

    def _tail(self, element: etree._Element) -> None:
        if element.tail:
            self.buffer.append(element.tail)


def _text_of(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def _table_text(table: etree._Element) -> str:
    """A table as one block: a line per row, cells separated by " | "."""
    rows = []
    for row in table.iter("tr"):
        cells = [" ".join(_text_of(cell).split()) for cell in row if isinstance(cell.tag, str)]
        if any(cells):
            rows.append(" | ".join(cells))
    return "\n".join(rows)


def _ol_start(element: etree._Element) -> int:
    start = element.get("start", "1")
    return int(start) if start.lstrip("-").isdigit() else 1


def _ol_label(element: etree._Element, number: int) -> str:
    return format_number(number, _OL_FORMATS.get(element.get("type", "1"), "decimal")) + "."


def read_html(data: bytes, limits: Limits, encoding: str | None = None) -> SourceDocument:
    text = decode(data, encoding)
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=_HTML_PARSER)
    except (etree.ParserError, ValueError) as error:
        raise InputError("P140", "the HTML page cannot be parsed; save it again as HTML or as text") from error
    title_el = root.find(".//title")
    title = " ".join((_text_of(title_el) if title_el is not None else "").split())
    walker = _HtmlWalker()
    body = root.find("body")
    walker.walk(body if body is not None else root)
    walker.flush()
    return walker.builder.build("html", title)


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def read_markdown(data: bytes, limits: Limits, encoding: str | None = None) -> SourceDocument:
    text = normalise_newlines(decode(data, encoding))
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    builder = TextBuilder()
    heading_level: int | None = None
    row: list[str] = []
    rows: list[str] = []
    in_cell = False
    markers: list[str] = []
    title = ""
    for token in tokens:
        if token.type == "heading_open":
            heading_level = int(token.tag[1]) - 1
        elif token.type == "list_item_open":
            markers.append(f"{token.info}{token.markup} " if token.info else "- ")
        elif token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            rows.append(" | ".join(row))
        elif token.type == "table_close":
            builder.add("\n".join(rows), BlockKind.TABLE)
            rows = []
        elif token.type == "inline" and in_cell:
            row.append(_inline_text(token).strip())
        elif token.type == "inline":
            content = _inline_text(token)
            prefix = markers.pop() if markers else ""
            if heading_level is not None:
                builder.add(content, BlockKind.HEADING, level=heading_level)
                title = title or content.strip()
            else:
                builder.add(prefix + content, BlockKind.LIST_ITEM if prefix == "- " else BlockKind.PARAGRAPH)
            heading_level = None
        elif token.type in ("code_block", "fence"):
            builder.add(token.content, BlockKind.PARAGRAPH)
    return builder.build("markdown", title)
