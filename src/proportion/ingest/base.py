"""What every reader shares: the size limits and the builder that lays blocks into one text."""

from __future__ import annotations

from dataclasses import dataclass

from proportion.models import Block, BlockKind, SourceDocument

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep a hostile file from exhausting the machine. All are configurable from the CLI."""

    max_file_bytes: int = 50 * MIB
    max_unzipped_bytes: int = 200 * MIB
    max_zip_ratio: float = 100.0
    max_zip_members: int = 5000
    max_pdf_pages: int = 2000


class TextBuilder:
    """Appends blocks to the document text, one per line, and records their offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []

    def add(
        self,
        text: str,
        kind: BlockKind = BlockKind.PARAGRAPH,
        *,
        label: str | None = None,
        level: int | None = None,
        indent: int = 0,
        page: int | None = None,
    ) -> Block | None:
        """Add one block; blank text adds nothing. A format-generated ``label`` precedes the text with a tab."""
        text = text.strip()
        if not text:
            return None
        line = f"{label}\t{text}" if label else text
        if self._parts:
            self._parts.append("\n")
            self._length += 1
        start = self._length
        self._parts.append(line)
        self._length += len(line)
        block = Block(start, self._length, kind, label, level, indent, page)
        self.blocks.append(block)
        return block

    def build(self, format: str, title: str = "", facts: dict[str, object] | None = None) -> SourceDocument:
        return SourceDocument("".join(self._parts), self.blocks, format, title, facts or {})
