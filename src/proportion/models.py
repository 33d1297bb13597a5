"""Plain data passed between the pipeline stages: ingest -> segment -> classify -> assess -> propose -> render.

Ingest produces a :class:`SourceDocument` (the text as the lawyer reads it, cut into blocks); segment turns its
blocks into :class:`Clause` records and finds :class:`DefinedTerm` s; the :class:`Review` is what the renderers
and ``--format json`` (``shared/spec/interfaces.md``) print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class BlockKind(StrEnum):
    """What the source format says a block is; the segmenter trusts formats that know (DOCX, HTML)."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list-item"
    TABLE = "table"


@dataclass(slots=True)
class Block:
    """One paragraph-like unit of the document text, ``text[start:end]``.

    ``label`` is a number that the *format* generated (Word automatic numbering, an HTML ``<ol>``) and that
    the reader wrote at the beginning of the block's text followed by a tab; ``None`` when the number, if
    any, is typed in the text. ``level`` is the outline level the format states (0 = top), if any.
    ``indent`` is the leading indentation in characters or, for layout formats, an equivalent.
    ``page`` is the 1-based page for paged formats. ``continues`` is true when a plain-text block follows the
    previous one with no blank line between (one paragraph group), which is how plain text attaches lists.
    """

    start: int
    end: int
    kind: BlockKind = BlockKind.PARAGRAPH
    label: str | None = None
    level: int | None = None
    indent: int = 0
    page: int | None = None
    continues: bool = False


@dataclass(slots=True)
class SourceDocument:
    """The output of ingest: the plain text everything points into, and its blocks in reading order."""

    text: str
    blocks: list[Block]
    format: str
    title: str = ""
    facts: dict[str, object] = field(default_factory=dict)


class Clause(BaseModel):
    """A clause as ``interfaces.md`` defines it, plus its place in the outline."""

    model_config = ConfigDict(extra="forbid")

    id: str
    number: str = ""
    heading: str = ""
    level: int = 0
    parent: str | None = None
    start: int
    end: int
    text: str
    categories: list[str] = Field(default_factory=list)
    mechanisms: list[str] = Field(default_factory=list)
    clause_types: list[str] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)


class TermUse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clause: str
    start: int
    end: int


class DefinedTerm(BaseModel):
    """A defined term: where it is defined and where it is used."""

    model_config = ConfigDict(extra="forbid")

    term: str
    clause: str
    start: int
    end: int
    uses: list[TermUse] = Field(default_factory=list)


class DocumentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    sha256: str
    format: str
    title: str
    text: str
    facts: dict[str, object] = Field(default_factory=dict)


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str
    family: str
    categories: list[str]
    side: str
    severity: str
    clause: str | None
    start: int
    end: int
    reason: str
    suggestion: str
    facts: list[str] = Field(default_factory=list)
    """The deal-context answers that made the finding material (an addition to interfaces.md's fields)."""


class Edit(BaseModel):
    """A proposed change: ``document.text[start:end]`` becomes ``text`` (``start == end`` inserts).

    ``kind`` is ``insert``, ``replace``, ``delete`` or ``new-clause`` (an insertion that begins a new paragraph,
    so ``text`` starts with a line break). ``findings`` are the indexes in ``Review.findings`` the edit resolves;
    ``grade`` says whether it only adds precision (``safe``) or moves risk between the parties (``review``).
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    clause: str | None
    start: int
    end: int
    text: str
    grade: str
    rules: list[str]
    findings: list[int]
    category: str
    position: str
    """The playbook position (``category/position-id``) the edit moves the clause to."""
    comment: str
    format_like: int | None = None
    """For a new clause: the offset of the clause whose layout (style, numbering) it takes."""


def _empty_summary() -> dict[str, object]:
    return {"categories": {}}


class Review(BaseModel):
    """The whole review; ``model_dump`` of it is the ``proportion.review/1`` JSON document."""

    model_config = ConfigDict(extra="forbid")

    schema_: str = Field(default="proportion.review/1", alias="schema")
    document: DocumentInfo
    context: dict[str, object] = Field(default_factory=dict)
    clauses: list[Clause] = Field(default_factory=list)
    defined_terms: list[DefinedTerm] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    edits: list[Edit] = Field(default_factory=list)
    """Proposed edits, in document order (an addition to interfaces.md's fields)."""
    summary: dict[str, object] = Field(default_factory=_empty_summary)
