"""DOCX ingest: Word's automatic numbering, the accept-all text view, tables and document facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from proportion.ingest import read_document
from proportion.ingest.numbering import format_number, letter, roman
from proportion.models import BlockKind, SourceDocument

from conftest import EXAMPLE
from docx_builder import legal_outline_docx


def _lines(document: SourceDocument) -> list[str]:
    return [document.text[block.start : block.end] for block in document.blocks]


@pytest.fixture()
def outline(tmp_path: Path) -> SourceDocument:
    return read_document(legal_outline_docx(tmp_path / "outline.docx"))


def test_number_formats_follow_word() -> None:
    assert [letter(n) for n in (1, 26, 27, 28)] == ["a", "z", "aa", "bb"]
    assert [roman(n) for n in (1, 4, 9, 14, 40)] == ["i", "iv", "ix", "xiv", "xl"]
    assert format_number(3, "upperRoman") == "III"
    assert format_number(7, "decimalZero") == "07"
    assert format_number(5, "someUnknownFormat") == "5"


def test_style_linked_and_direct_numbering_resolve_like_word(outline: SourceDocument) -> None:
    labels = [block.label for block in outline.blocks if block.label]
    assert labels[:9] == ["1.", "1.1", "1.2", "2.", "2.1", "(a)", "(b)", "(i)", "(ii)"]
    assert labels[9] == "2.2"


def test_list_instance_with_start_override_restarts(outline: SourceDocument) -> None:
    labels = [block.label for block in outline.blocks if block.label]
    assert labels[-3:] == ["1)", "2)", "1)"]


def test_list_instance_without_override_continues_the_abstract_list(tmp_path: Path) -> None:
    document = read_document(legal_outline_docx(tmp_path / "continued.docx", restart_second_list=False))
    labels = [block.label for block in document.blocks if block.label]
    assert labels[-3:] == ["1)", "2)", "3)"]


def test_labels_precede_the_text_and_headings_are_marked(outline: SourceDocument) -> None:
    lines = _lines(outline)
    assert "1.\tDefinitions" in lines
    assert "(i)\tcourt orders; and" in lines
    heading = next(block for block in outline.blocks if outline.text[block.start : block.end] == "1.\tDefinitions")
    assert heading.kind is BlockKind.HEADING and heading.level == 0
    assert outline.title == "Test Services Agreement"


def test_tracked_insertions_are_kept_and_deletions_dropped(outline: SourceDocument) -> None:
    assert "Notice must be given within twenty-four hours." in outline.text
    assert "seventy-two" not in outline.text
    assert outline.facts["tracked_changes"] is True
    assert outline.facts["revision_authors"] == ["Counsel A", "Counsel B"]


def test_a_table_is_one_block_with_a_line_per_row(outline: SourceDocument) -> None:
    table = next(block for block in outline.blocks if block.kind is BlockKind.TABLE)
    assert outline.text[table.start : table.end] == "Provider | Location\nModel Co | EU"


def test_example_agreement_reads_with_numbers_revisions_and_comments() -> None:
    document = read_document(EXAMPLE)
    lines = _lines(document)
    assert document.title == "AI Features Amendment"
    assert any(line.startswith("1.\tDefinitions") for line in lines)
    assert any(line.startswith('1.1\t"AI Features" means') for line in lines)
    assert any(line.startswith("S2.1\tAvailability Target") for line in lines)
    assert "twenty-four (24)" in document.text and "seventy-two (72)" not in document.text
    assert document.facts["comments"] == 1
    assert document.facts["comment_authors"] == ["Harbor Legal"]
    # Schedule headings switch numbering off with numId 0: no article number 17.
    assert not any(line.startswith("17.") for line in lines)
