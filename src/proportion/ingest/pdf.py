"""PDF reader: the text layer of a PDF, page furniture removed, wrapped lines joined back into paragraphs.

A PDF has no paragraphs, only positioned lines, so the reader rebuilds them. pypdfium2 is the extractor
(about 1,000 pages/s, ``shared/research/ecosystem.md`` §3); pypdf is the pure-Python fallback for files PDFium
refuses. The reading order is the text layer's order as PDFium gives it.

The pipeline:

1. *Lines.* Each page's text is cut into visual lines. With pypdfium2 a few character boxes per line give
   the line's left and right edges, baseline and font size (a handful of C calls per line keeps the reader
   within a small factor of bare extraction). PDFium swallows the line break after a word-break hyphen and
   writes U+FFFE instead; that is also a line end, flagged as hyphenated.
2. *Furniture.* Running headers and footers (lines that repeat, digits aside, among the top or bottom lines of
   at least half the pages, and of 3 pages or more) and bare page numbers (``3``, ``Page 3 of 50``, ``- 3 -``)
   are dropped: every extractor keeps them, and a clause must not contain "CONFIDENTIAL - ... Page 7 of 30".
3. *Paragraphs.* A line starts a new block at a blank line, a clause number or list marker, a vertical gap,
   an outdent or first-line indent, after a short line ending a sentence, and around a short heading-like
   line. Otherwise it is joined to the previous line, across page breaks too. Without geometry (pypdf) the
   same rules run on line lengths.
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader

from proportion.errors import InputError
from proportion.ingest.base import Limits, TextBuilder
from proportion.models import BlockKind, SourceDocument

__all__ = ["raw_pdf_text", "read_pdf"]

# --- line patterns ------------------------------------------------------------------------------------------

# A clause number or list marker at the start of a line. Decimal numbers need an upper-case (or quoted)
# word after them so that "1.5 times the Fees" or "30 days" wrapped onto a new line does not split a
# paragraph; "Schedule 2" needs a separator or a capitalised word so that "set out in\nSchedule 2, and"
# does not either.
_MARKER = re.compile(
    r"""^(?:
        (?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|\d{1,3}\))   # 1.  1.1  12.3.4  1.1.  1)
        (?:\s+(?=[^\sa-z])|$)
      | \((?:[a-zA-Z]{1,2}|[ivxlcIVXLC]{1,6}|\d{1,3})\)(?:\s|$)   # (a) (iv) (A) (1)
      | (?:[a-zA-Z]|[ivxlc]{2,6}|[IVXLC]{2,6})[.)](?:\s|$) # a.  b)  iv.  IV.
      | (?:Section|SECTION|Article|ARTICLE|Clause|CLAUSE|Schedule|SCHEDULE|Exhibit|EXHIBIT|Annex|ANNEX
          |Appendix|APPENDIX|Part|PART|Attachment|ATTACHMENT)
        \s+(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[A-Z])\b(?:$|\s*[.:\-–—)]|\s+[A-Z"“(])
      | §\s*\d
      | [•·▪◦‣●○■□➢✓\uf0b7\uf0a7\uf076\uf0d8\uf0fc](?:\s|$)  # bullets, incl. Symbol/Wingdings ones
      | [-–—*](?:\s)
    )""",
    re.VERBOSE,
)
_BULLET = re.compile(r"^[•·▪◦‣●○■□➢✓\uf0b7\uf0a7\uf076\uf0d8\uf0fc\-–—*]\s")
# Sentence punctuation or a colon, possibly followed by closing quotes or brackets.
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$")
# Words that do not end a heading: a line ending in one of them continues on the next line.
_CONNECTORS = frozenset(
    {
        "a",
        "after",
        "all",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "before",
        "between",
        "by",
        "each",
        "for",
        "from",
        "if",
        "in",
        "including",
        "into",
        "is",
        "its",
        "may",
        "must",
        "no",
        "not",
        "of",
        "on",
        "or",
        "other",
        "our",
        "per",
        "shall",
        "such",
        "than",
        "that",
        "the",
        "their",
        "these",
        "this",
        "those",
        "to",
        "under",
        "upon",
        "which",
        "will",
        "with",
        "within",
        "without",
        "your",
    }
)
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*|p\.\s*)?[-–—|]?\s*(?P<n>\d{1,4}|x{0,3}(?:ix|iv|v?i{0,3}))\s*[-–—|]?"
    r"(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_HYPHENATED = re.compile(r"[^\W\d_](?:-|\xad)$")
_LINE_BREAK = re.compile("\r\n|[\r\n\ufffe]")
_WORD_END = re.compile(r"[^\W\d_]+$")
_WORD_START = re.compile(r"[^\W\d_]+")
# Control characters other than whitespace (which collapses to one space) and \x02, PDFium's soft hyphen.
_CONTROL = dict.fromkeys([0, 1, *range(3, 9), *range(14, 28), 0x7F, 0xFEFF, 0xFFFF], None)
_SOFT_HYPHENS = ("\xad", "\x02")

# PDFium is not thread-safe; a reader called from worker threads must not enter it twice at once.
_PDFIUM_LOCK = threading.Lock()

_FURNITURE_LINES = 3  # how many lines at the top and at the bottom of a page may be header or footer
_SHORT = 0.8  # a line is short when it fills less than this share of the page's typical width
_GAP = 1.35  # a vertical gap opens a paragraph when the pitch exceeds this multiple of the typical pitch

_PASSWORD_MESSAGE = "the PDF is password-protected; remove the password (e.g. print to a new PDF) and try again"
_NO_TEXT_MESSAGE = "the PDF has no text layer (scanned image?); OCR is not supported yet — export a text PDF or DOCX"
_DAMAGED_MESSAGE = "the PDF is damaged or incomplete and cannot be read; re-download or re-export it and try again"


@dataclass(slots=True)
class _Line:
    """One visual line. ``size`` is 0 when the extractor gave no geometry (then only the text is used)."""

    text: str
    page: int
    hyphen: bool = False  # PDFium found a word-break hyphen at the end; ``text`` lacks it
    blank_before: bool = False
    left: float = 0.0
    right: float = 0.0
    base: float = 0.0  # baseline, PDF units (y grows upwards)
    size: float = 0.0
    short: bool = False
    indent: int = 0


# --- opening ------------------------------------------------------------------------------------------------


def _open_pdfium(data: bytes) -> tuple[pdfium.PdfDocument | None, Exception | None]:
    """The PDFium document, or the reason it failed; a wrong password is final (pypdf would fail too)."""
    try:
        return pdfium.PdfDocument(data), None
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError("P121", _PASSWORD_MESSAGE) from error
        return None, error
    except Exception as error:  # PDFium wraps a C library: whatever it raises means "cannot open"
        return None, error


def _open_pypdf(data: bytes) -> PdfReader:
    """The pypdf reader for a file PDFium refused; P120 if pypdf cannot read it either."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                decrypted = reader.decrypt("")
            except Exception as error:  # e.g. an AES file when the cryptography package is missing
                raise InputError("P121", _PASSWORD_MESSAGE) from error
            if not decrypted:
                raise InputError("P121", _PASSWORD_MESSAGE)
        len(reader.pages)  # forces the page tree to be read, where damage usually shows
    except InputError:
        raise
    except Exception as error:
        raise InputError("P120", _DAMAGED_MESSAGE) from error
    return reader


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs a warning for each repair of a damaged file; the user needs only our one-line error."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _check_pages(count: int, limits: Limits) -> None:
    if count > limits.max_pdf_pages:
        raise InputError(
            "P123",
            f"the PDF has {count} pages, over the limit of {limits.max_pdf_pages}; "
            "split it or raise the page limit (--max-pdf-pages)",
        )
    if count == 0:
        raise InputError("P120", "the PDF has no pages; re-export it from the original document and retry")


# --- extraction ---------------------------------------------------------------------------------------------


def _clean(segment: str) -> str:
    """Collapse whitespace (tabs, NBSP, runs of spaces) to one space and drop control characters.

    Soft hyphens are invisible except at a line end, where one stays (as U+00AD) to tell the joiner.
    """
    text = " ".join(segment.translate(_CONTROL).split())
    if "\xad" in text or "\x02" in text:
        soft = text.endswith(_SOFT_HYPHENS)
        text = text.replace("\xad", "").replace("\x02", "").rstrip()
        text += "\xad" if soft and text else ""
    return text


class _Geometry:
    """Reads a line's edges, baseline and font size from a PDFium text page with reusable C buffers."""

    def __init__(self, textpage: pdfium.PdfTextPage, text: str, char_count: int) -> None:
        self.handle = textpage.raw
        self.left = ctypes.c_double()
        self.right = ctypes.c_double()
        self.bottom = ctypes.c_double()
        self.top = ctypes.c_double()
        self.x = ctypes.c_double()
        self.y = ctypes.c_double()
        self.text = text
        # Usually text index == character index; otherwise ask PDFium (indexes count UTF-16 units).
        self.identity = len(text) == char_count
        self.astral = not self.identity and bool(text) and max(text) > "\uffff"

    def char_index(self, text_index: int) -> int:
        if self.identity:
            return text_index
        if self.astral:
            text_index = len(self.text[:text_index].encode("utf-16-le")) // 2
        return int(pdfium_c.FPDFText_GetCharIndexFromTextIndex(self.handle, text_index))

    def fill(self, line: _Line, first: int, last: int) -> None:
        """Set the geometry of ``line`` from its first and last visible characters (text indexes)."""
        first, last = self.char_index(first), self.char_index(last)
        if first < 0 or last < 0:
            return
        handle = self.handle
        if not pdfium_c.FPDFText_GetCharBox(handle, first, self.left, self.right, self.bottom, self.top):
            return
        left = self.left.value
        if not pdfium_c.FPDFText_GetCharOrigin(handle, first, self.x, self.y):
            return
        size = float(pdfium_c.FPDFText_GetFontSize(handle, first))
        if not pdfium_c.FPDFText_GetCharBox(handle, last, self.left, self.right, self.bottom, self.top):
            return
        if size <= 0:
            return
        line.left, line.right, line.base, line.size = left, self.right.value, self.y.value, size


def _split_lines(text: str, page: int, geometry: _Geometry | None) -> list[_Line]:
    """Cut a page's text into visual lines (blank ones dropped, but remembered on the next line)."""
    lines: list[_Line] = []
    blank = after_hyphen = False
    position = 0
    for match in [*_LINE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        segment = text[position:end]
        hyphen = match is not None and match.group() == "\ufffe"
        cleaned = _clean(segment)
        if cleaned:
            line = _Line(cleaned, page, hyphen=hyphen, blank_before=blank)
            if geometry is not None:
                first = position + len(segment) - len(segment.lstrip())
                last = position + len(segment.rstrip()) - 1
                geometry.fill(line, first, last)
            lines.append(line)
            blank = False
        elif not hyphen and not after_hyphen:  # an empty line between two line breaks
            blank = bool(lines)
        after_hyphen = hyphen
        position = match.end() if match else len(text)
    return lines


def _pdfium_pages(document: pdfium.PdfDocument) -> list[list[_Line]]:
    pages: list[list[_Line]] = []
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            geometry = _Geometry(textpage, text, textpage.count_chars())
            pages.append(_split_lines(text, index + 1, geometry))
        finally:
            textpage.close()
            page.close()
    return pages


def _pypdf_pages(reader: PdfReader) -> list[list[_Line]]:
    return [_split_lines(page.extract_text() or "", n, None) for n, page in enumerate(reader.pages, 1)]


# --- page furniture -----------------------------------------------------------------------------------------


def _edges(lines: list[_Line]) -> tuple[list[int], list[int]]:
    """The indexes of the lines that may be a header or a footer, each list from the page's edge inwards.

    Lines are ordered by height when every line has geometry (a header may come last in the text layer),
    else in reading order.
    """
    order = list(range(len(lines)))
    if lines and all(line.size for line in lines):
        order.sort(key=lambda i: -lines[i].base)
    return order[:_FURNITURE_LINES], order[::-1][:_FURNITURE_LINES]


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", text.lower())


def _is_page_number(text: str, page_count: int) -> bool:
    match = _PAGE_NUMBER.match(text)
    if not match or not match.group("n"):
        return False
    number = match.group("n")
    # A bare "2018" at the foot of a page is more likely the end of a sentence than a page number.
    return not (number.isdigit() and text.strip("-–—| ").isdigit() and int(number) > page_count + 10)


def _remove_furniture(pages: list[list[_Line]]) -> tuple[list[list[_Line]], int]:
    """Drop running headers, footers and page numbers; returns the pages and how many lines went.

    Lines are peeled from each edge of the page inwards and the peeling stops at the first line that is not
    furniture, so body text is never taken from between two kept lines.
    """
    page_count = len(pages)
    edges = [_edges(lines) for lines in pages]
    seen: Counter[str] = Counter()
    for lines, (top, bottom) in zip(pages, edges, strict=True):
        seen.update({_furniture_key(lines[i].text) for i in (*top, *bottom)})
    threshold = max(3, math.ceil(page_count / 2))
    repeated = {key for key, pages_with_key in seen.items() if pages_with_key >= threshold}

    def furniture(line: _Line) -> bool:
        return _furniture_key(line.text) in repeated or _is_page_number(line.text, page_count)

    removed = 0
    kept_pages: list[list[_Line]] = []
    for lines, (top, bottom) in zip(pages, edges, strict=True):
        dropped: set[int] = set()
        for side in (top, bottom):
            for index in side:
                if index not in dropped and not furniture(lines[index]):
                    break
                dropped.add(index)
        removed += len(dropped)
        kept_pages.append([line for index, line in enumerate(lines) if index not in dropped])
    return kept_pages, removed


# --- paragraphs ---------------------------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(pages: list[list[_Line]]) -> float:
    """Mark short lines and indents page by page; return the document's typical line pitch / font size."""
    all_rights = [line.right for lines in pages for line in lines if line.size]
    all_lengths = [float(len(line.text)) for lines in pages for line in lines]
    doc_right = _percentile(all_rights, 0.9) if all_rights else 0.0
    doc_length = _percentile(all_lengths, 0.9) if all_lengths else 0.0
    pitches: list[float] = []
    for lines in pages:
        margin = limit = 0.0
        measured = [line for line in lines if line.size]
        if measured:
            margin = min(line.left for line in measured)
            rights = [line.right for line in measured]
            right = _percentile(rights, 0.9) if len(rights) >= 8 else doc_right
            limit = margin + _SHORT * (right - margin)
        lengths = [float(len(line.text)) for line in lines]
        length_limit = _SHORT * (_percentile(lengths, 0.9) if len(lengths) >= 8 else doc_length)
        previous: _Line | None = None
        for line in lines:
            if line.size:
                line.short = line.right < limit
                line.indent = max(0, round((line.left - margin) / (0.5 * line.size)))
                if previous is not None and previous.size:
                    ratio = (previous.base - line.base) / max(previous.size, line.size)
                    if 0.8 < ratio < 4:
                        pitches.append(ratio)
            else:
                line.short = len(line.text) < length_limit
            previous = line
    return _percentile(pitches, 0.25) if len(pitches) >= 3 else 0.0


def _ends_sentence(text: str) -> bool:
    return _ENDS_SENTENCE.search(text) is not None


def _heading_like(line: _Line) -> bool:
    """A short line that reads like a heading: few words, capitalised, no final punctuation or connector."""
    text = line.text
    if not line.short or len(text) > 80 or text[-1] in ".,;:-–—" or text.endswith(_SOFT_HYPHENS):
        return False
    words = text.split()
    if len(words) > 10 or words[-1].lower() in _CONNECTORS:
        return False
    first = next((char for char in text if char.isalnum()), "")
    if not (first.isupper() or first.isdigit()):
        return False
    # Headings capitalise most long words ("Limitation of Liability", "Fees and payment"); sentences don't.
    long_words = [word for word in words if len(word) >= 4 and word[0].isalpha()]
    return 2 * sum(word[0].isupper() for word in long_words) >= len(long_words)


def _all_caps(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return len(letters) >= 2 and all(char.isupper() for char in letters)


def _breaks(previous: _Line, line: _Line, previous_starts: bool, gap: float) -> bool | None:
    """Whether ``line`` starts a new block after ``previous``; ``None`` means "same visual line"."""
    if previous.hyphen and previous.page == line.page:
        return False
    if line.blank_before or _MARKER.match(line.text):
        return True
    if _HYPHENATED.search(previous.text) and line.text[0].isalpha():
        return False  # a word or compound broken over the line (or page) end
    if previous.page == line.page and previous.size and line.size:
        size = max(previous.size, line.size)
        pitch = previous.base - line.base
        tolerance = 0.6 * size
        if abs(pitch) < 0.35 * size:
            return None if line.left >= previous.right - size else True
        if pitch < 0 or (gap and pitch > _GAP * gap * size):
            return True
        if line.left < previous.left - tolerance and not previous_starts:
            return True  # outdent: the previous block had a hanging or block indent
        if line.left > previous.left + tolerance and _ends_sentence(previous.text) and not _MARKER.match(previous.text):
            return True  # first-line indent
    ends = _ends_sentence(previous.text)
    if previous.short and (ends or _heading_like(previous) or line.text[0].isupper()):
        return True  # a line stopped short of the margin ends its paragraph, unless the text runs on
    if _heading_like(line) and (ends or _all_caps(line.text)):
        return True
    # Across a page break a paragraph continues only from a full line that does not end a sentence.
    return previous.page != line.page and (ends or previous.short)


class _Dehyphenator:
    """Decides whether a hyphen at a line end belongs to the word ("third-party") or only to the layout.

    PDFium flags every hyphen at a line end before a letter, real or not, so the document decides: the
    hyphen goes only if the joined word appears elsewhere in the document and the hyphenated one does not.
    (A substring test on the lower-cased text: fast, and a joined form inside a longer word still counts.)
    """

    def __init__(self, pages: list[list[_Line]]) -> None:
        self._pages = pages
        self._text: str | None = None

    def glue(self, head: str, tail: str) -> str:
        """What goes between ``head`` (ending just before the hyphen) and ``tail``: "-" or ""."""
        before = _WORD_END.search(head)
        after = _WORD_START.match(tail)
        if not before or not after or after.group()[0].isupper():
            return "-"
        if self._text is None:
            self._text = "\n".join(line.text for lines in self._pages for line in lines).lower()
        joined = (before.group() + after.group()).lower()
        hyphenated = f"{before.group()}-{after.group()}".lower()
        return "" if joined in self._text and hyphenated not in self._text else "-"


def _paragraphs(pages: list[list[_Line]]) -> Iterable[tuple[str, _Line]]:
    """Yield each paragraph's text with its first line."""
    gap = _measure(pages)
    dehyphenate = _Dehyphenator(pages)
    parts: list[str] = []
    first: _Line | None = None
    previous: _Line | None = None
    previous_starts = False
    for lines in pages:
        for line in lines:
            decision = True if previous is None else _breaks(previous, line, previous_starts, gap)
            if decision:
                if parts and first is not None:
                    yield "".join(parts).rstrip("\xad"), first
                parts, first, previous_starts = [line.text], line, True
            else:
                assert previous is not None
                parts.append(_joiner(previous, line, parts, dehyphenate) + line.text)
                previous_starts = previous_starts and decision is None
            previous = line
    if parts and first is not None:
        yield "".join(parts).rstrip("\xad"), first


def _joiner(previous: _Line, line: _Line, parts: list[str], dehyphenate: _Dehyphenator) -> str:
    """The text between two joined lines; may trim a soft hyphen off the paragraph so far."""
    if previous.hyphen:
        return dehyphenate.glue(parts[-1], line.text)
    last = parts[-1]
    if last.endswith(_SOFT_HYPHENS):
        parts[-1] = last[:-1]
        return ""
    if len(last) >= 2 and last[-1] == "-" and last[-2].isalpha() and line.text[0].isalpha():
        parts[-1] = last[:-1]
        return dehyphenate.glue(parts[-1], line.text)
    return " "


# --- public API ---------------------------------------------------------------------------------------------


def _extract(data: bytes, limits: Limits) -> tuple[list[list[_Line]], str]:
    """The lines of every page and the extractor that gave them: PDFium, else pypdf."""
    with _PDFIUM_LOCK:
        document, _ = _open_pdfium(data)
        if document is not None:
            try:
                _check_pages(len(document), limits)
                return _pdfium_pages(document), "pypdfium2"
            except InputError:
                raise
            except Exception:  # a page PDFium cannot parse: let pypdf try the whole file
                pass
            finally:
                document.close()
    with _quiet_pypdf():
        reader = _open_pypdf(data)
        _check_pages(len(reader.pages), limits)
        try:
            return _pypdf_pages(reader), "pypdf"
        except Exception as error:
            raise InputError("P120", _DAMAGED_MESSAGE) from error


def read_pdf(data: bytes, limits: Limits) -> SourceDocument:
    """Read a PDF's text layer into paragraph blocks (see the module docstring for the rules)."""
    try:
        pages, extractor = _extract(data, limits)
        if not any(pages):
            raise InputError("P122", _NO_TEXT_MESSAGE)
        page_count = len(pages)
        pages, removed = _remove_furniture(pages)
        builder = TextBuilder()
        for text, first in _paragraphs(pages):
            kind = BlockKind.LIST_ITEM if _BULLET.match(text) else BlockKind.PARAGRAPH
            builder.add(text, kind, indent=first.indent, page=first.page)
    except InputError:
        raise
    except Exception as error:  # never let a library or layout surprise escape as a traceback
        raise InputError("P120", _DAMAGED_MESSAGE) from error
    if not builder.blocks:  # only page numbers and running headers: a scan with a typed footer
        raise InputError("P122", _NO_TEXT_MESSAGE)
    facts: dict[str, object] = {"pages": page_count, "extractor": extractor, "headers_removed": removed}
    result = builder.build("pdf", facts=facts)
    first_block = result.blocks[0]
    title = result.text[first_block.start : first_block.end]
    result.title = title if len(title) < 120 else ""
    return result


def raw_pdf_text(data: bytes) -> str:
    """The bare pypdfium2 text of every page joined by newlines: the benchmark's floor, with no processing."""
    with _PDFIUM_LOCK:
        document, cause = _open_pdfium(data)
        if document is None:
            raise InputError("P120", _DAMAGED_MESSAGE) from cause
        try:
            parts: list[str] = []
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                parts.append(textpage.get_text_range())
                textpage.close()
                page.close()
            return "\n".join(parts)
        finally:
            document.close()
