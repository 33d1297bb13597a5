"""Redlines opened in a real client: LibreOffice loads every output, shows our tracked changes and comments with
their author, accepting all gives exactly the proposed text, rejecting all gives back the agreement, and earlier
authors' changes and comments are still there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from proportion import review
from proportion.models import Review
from proportion.propose import accepted
from proportion.render.docx import Signature, redline
from proportion.render.docx import paragraph_lines as _lines

import libreoffice
from conftest import CORPUS, EXAMPLE
from docx_builder import redlined_comment_docx
from libreoffice import LibreOfficeView, Paragraph, inspect_docx

pytestmark = pytest.mark.libreoffice
AUTHOR = "Proportion Test"
SIGNED = Signature(author=AUTHOR, date="2026-11-29T12:00:00Z")
DOCUMENTS = [EXAMPLE, *sorted(CORPUS.glob("*.txt"))]


@pytest.fixture(scope="module", autouse=True)
def _stop_soffice_after_module() -> Iterator[None]:
    yield
    libreoffice.shutdown_libreoffice()



def _as_read(paragraphs: list[Paragraph]) -> list[str]:
    """LibreOffice's paragraphs laid out as our reader lays out a document: one line a paragraph, a table row
    as its cells joined by " | " (a cell's paragraphs joined by spaces)."""
    lines: list[str] = []
    rows: dict[tuple[str, str], dict[str, list[str]]] = {}
    for paragraph in paragraphs:
        if paragraph.table is None:
            if paragraph.text.strip():
                lines.append(Paragraph(paragraph.text.strip(), paragraph.label).line)
            continue
        table, cell = paragraph.table.split(".")
        row = rows.setdefault((table, cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), {})
        if not row:
            lines.append(f"\0{table}.{cell.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}")
        row.setdefault(cell, []).extend([paragraph.text.strip()] if paragraph.text.strip() else [])
    laid_out = []
    for line in lines:
        if not line.startswith("\0"):
            laid_out.append(line)
            continue
        table, number = line[1:].split(".")
        cells = [" ".join(texts) for texts in rows[(table, number)].values()]
        if any(cells):
            laid_out.append(" | ".join(cells))
    return laid_out


def _edit_id(comment: str) -> str:
    """The tests' comments end with "[e12 ·]"."""
    return comment.rsplit("[", 1)[1].split(" ", 1)[0]


def _open_redline(source: Path, tmp_path: Path) -> tuple[Review, LibreOfficeView]:
    result = review(source)
    output = tmp_path / f"{source.stem}.redline.docx"
    output.write_bytes(redline(result, source.read_bytes(), SIGNED, lambda edit: f"{edit.comment} [{edit.id} ·]"))
    return result, inspect_docx(output)


@pytest.mark.parametrize("source", DOCUMENTS, ids=lambda path: path.stem)
def test_libreoffice_loads_the_redline_and_accepting_all_gives_the_proposed_text(
    source: Path, tmp_path: Path
) -> None:
    result, view = _open_redline(source, tmp_path)
    assert view.loaded
    ours = [change for change in view.redlines if change.author == AUTHOR]
    assert len(ours) >= len(result.edits)
    assert {change.date for change in ours} == ({"2026-11-29T12:00:00"} if result.edits else set())
    comments = [comment for comment in view.comments if comment.author == AUTHOR]
    assert len(comments) == len(result.edits)
    by_edit = {_edit_id(comment.text): comment for comment in comments}
    assert all(by_edit[edit.id].text.startswith(edit.rules[0]) for edit in result.edits)
    assert _as_read(view.paragraphs) == _lines(accepted(result.document.text, result.edits))
    # Rejecting everything also rejects earlier rounds' changes: compare with the original rejected the same way.
    original = _as_read(inspect_docx(source).paragraphs_rejected) if source.suffix == ".docx" else None
    assert _as_read(view.paragraphs_rejected) == (original or _lines(result.document.text))


def test_each_comment_is_anchored_on_its_change(tmp_path: Path) -> None:
    result, view = _open_redline(EXAMPLE, tmp_path)
    comments = {_edit_id(comment.text): comment for comment in view.comments if comment.author == AUTHOR}
    for edit in result.edits:
        comment = comments[edit.id]
        old = result.document.text[edit.start : edit.end]
        anchored = " ".join(comment.anchor.split())
        # A new numbered clause's number is Word's own, not text the comment can be anchored on.
        new = edit.text.split("\t", 1)[-1] if edit.kind == "new-clause" else edit.text
        assert " ".join(new.split()) in anchored or (old and " ".join(old.split()) in anchored), edit.id


def test_earlier_authors_and_comments_survive_the_redline(tmp_path: Path) -> None:
    source = redlined_comment_docx(tmp_path / "terms.docx", inserted_paragraph=True)
    before = inspect_docx(source)
    result, view = _open_redline(source, tmp_path)
    assert result.edits, "the fixture has findings to redline"
    theirs = [(change.type, change.author, change.date) for change in view.redlines if change.author != AUTHOR]
    assert theirs == [(change.type, change.author, change.date) for change in before.redlines]
    assert [c for c in view.comments if c.author == "Reviewer C"] == before.comments
