"""Plain-text reader, and the decoding every text format shares.

The document text is the file's own text (line ends normalised to ``\\n``), so offsets point into what the
user wrote. Each line is a block, except that a hard-wrapped file (lines cut at a fixed width) has its wrapped
lines joined back into paragraphs.
"""

from __future__ import annotations

import codecs
import re
import statistics
from itertools import pairwise

from proportion.errors import InputError
from proportion.ingest.base import Limits
from proportion.models import Block, BlockKind, SourceDocument

_STARTS_ITEM = re.compile(
    r"^\s*(?:[-*•▪◦]\s|\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]\s|\([ivxlc]+\)|\d+(?:\.\d+)+|§|Section\s|Article\s"
    r"|ARTICLE\s|SECTION\s|Schedule\s|SCHEDULE\s|Exhibit\s|EXHIBIT\s|Annex\s|ANNEX\s|Appendix\s|APPENDIX\s)"
)
_BULLET = re.compile(r"^\s*[-*•▪◦]\s")


def decode(data: bytes, encoding: str | None = None) -> str:
    """Decode text strictly: UTF-8 (with or without BOM), UTF-16 with a BOM, or the encoding asked for."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError as error:
            raise InputError(
                "P131", f"unknown text encoding {encoding!r}; use a name such as cp1252 or latin-1"
            ) from error
        except UnicodeDecodeError as error:
            raise InputError(
                "P130", f"the file is not valid {encoding} text (byte offset {error.start}); check --encoding"
            ) from error
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            "P130",
            f"the file is not UTF-8 text (invalid byte 0x{data[error.start]:02x} at "
            f"offset {error.start}); re-save it as UTF-8 or pass --encoding (e.g. cp1252)",
        ) from error


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")


def _indent(line: str) -> int:
    stripped = line.lstrip(" \t")
    prefix = line[: len(line) - len(stripped)]
    return prefix.count(" ") + 4 * prefix.count("\t")


def _hard_wrapped(lengths: list[int]) -> bool:
    """Most lines end near one width and none is much longer: the text was wrapped by hand."""
    if len(lengths) < 8:
        return False
    width = max(lengths)
    return width <= 100 and statistics.median(lengths) >= 0.55 * width


def _blank_line_paragraphs(text: str, non_blank: int) -> bool:
    """Paragraphs are separated by blank lines (so lines without one between them belong together) when
    blank lines follow a good share of the lines; a file with a paragraph on every line has almost none."""
    lines = text.strip().split("\n")
    breaks = sum(1 for before, line in pairwise(lines) if before.strip() and not line.strip())
    return breaks >= 0.25 * non_blank


def text_blocks(text: str) -> list[Block]:
    """One block per line (per wrapped paragraph in hard-wrapped text); ``continues`` marks a line that
    shares its paragraph group with the one before, in files whose paragraphs are separated by blank lines."""
    lines = text.split("\n")
    lengths = [len(line.rstrip()) for line in lines if line.strip()]
    wrapped = _hard_wrapped(lengths)
    grouped = _blank_line_paragraphs(text, len(lengths))
    width = max(lengths, default=0)
    blocks: list[Block] = []
    offset = 0
    previous_blank = True
    previous_length = 0
    for line in lines:
        stripped = line.strip()
        line_start = offset
        offset += len(line) + 1
        if not stripped:
            previous_blank = True
            continue
        start = line_start + len(line) - len(line.lstrip())
        end = line_start + len(line.rstrip())
        joins_previous = (
            wrapped
            and not previous_blank
            and blocks
            and previous_length >= 0.7 * width
            and not _STARTS_ITEM.match(line)
        )
        if joins_previous:
            blocks[-1].end = end
        else:
            kind = BlockKind.LIST_ITEM if _BULLET.match(line) else BlockKind.PARAGRAPH
            blocks.append(Block(start, end, kind, indent=_indent(line), continues=grouped and not previous_blank))
        previous_blank = False
        previous_length = len(line.rstrip())
    return blocks


def read_text(data: bytes, limits: Limits, encoding: str | None = None) -> SourceDocument:
    text = normalise_newlines(decode(data, encoding))
    blocks = text_blocks(text)
    return SourceDocument(text, blocks, "text", facts={"lines": text.count("\n") + 1})
