"""The LibreOffice harness itself: tracked changes, comments, accept/reject all and numbering as a word
processor sees them, checked on documents whose content is known, and against proportion's own reader."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from proportion.ingest import read_bytes
from proportion.models import BlockKind

import libreoffice
from conftest import EXAMPLE
from docx_builder import legal_outline_docx, redlined_comment_docx
from libreoffice import LibreOfficeError, LibreOfficeLoadError, inspect_docx, libreoffice_server, process_alive

ORIGINAL = (
    "Data Processing Terms\n"
    "1.\tVendor will sell Customer Data.\n"
    "2.\tNotice must be given within seventy-two hours.\n"
    "Customer Data means data that Customer submits."
)
ACCEPTED = (
    "Data Processing Terms\n"
    "1.\tVendor will not sell Customer Data.\n"
    "2.\tNotice must be given within twenty-four hours.\n"
    "Customer Data means data that Customer submits."
)
NEW_CLAUSE = "3.\tVendor will notify Customer of a breach."


@pytest.fixture(scope="module", autouse=True)
def _stop_soffice_after_module() -> Iterator[None]:
    yield
    libreoffice.shutdown_libreoffice()


@pytest.fixture(scope="module")
def redlined(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return redlined_comment_docx(tmp_path_factory.mktemp("lo") / "redlined.docx")


@pytest.mark.libreoffice
def test_tracked_changes_load_with_their_authors_types_and_dates(redlined: Path) -> None:
    view = inspect_docx(redlined)
    assert view.loaded and view.error is None and view.warnings == []
    assert [(r.type, r.author, r.text) for r in view.redlines] == [
        ("Insert", "Counsel A", "not "),
        ("Delete", "Counsel A", "seventy-two"),
        ("Insert", "Counsel B", "twenty-four"),
    ]
    # LibreOffice keeps the wall-clock time of w:date and drops its "Z".
    assert [r.date for r in view.redlines] == ["2026-01-01T09:00:00", "2026-01-01T09:00:00", "2026-01-02T10:30:00"]
    assert view.authors == {"Counsel A", "Counsel B", "Reviewer C"}


@pytest.mark.libreoffice
def test_comment_loads_with_author_text_and_anchor(redlined: Path) -> None:
    view = inspect_docx(redlined)
    assert len(view.comments) == 1
    comment = view.comments[0]
    assert (comment.author, comment.initials, comment.text) == ("Reviewer C", "RC", "Define by reference to the DPA.")
    assert comment.anchor == "Customer Data"
    assert comment.date == "2026-01-03T08:00:00" and not comment.resolved


@pytest.mark.libreoffice
def test_accept_all_and_reject_all_give_the_intended_and_the_original_text(redlined: Path) -> None:
    view = inspect_docx(redlined, as_loaded=True)
    assert view.text == ACCEPTED
    assert view.text_rejected == ORIGINAL
    assert [p.label for p in view.paragraphs] == ["", "1.", "2.", ""]
    assert view.paragraphs[0].style == "Title"
    # Before accepting, both sides of a replacement are in the text.
    assert "seventy-twotwenty-four" in view.paragraphs_as_loaded[2].text


@pytest.mark.libreoffice
def test_accepted_text_equals_proportions_own_reader(redlined: Path) -> None:
    ours = read_bytes(redlined.read_bytes(), ".docx")
    assert inspect_docx(redlined).text == ours.text == ACCEPTED


@pytest.mark.libreoffice
def test_inserted_paragraph_and_a_comment_id_shared_with_a_revision(tmp_path: Path) -> None:
    """A whole clause inserted with its paragraph mark; the comment's w:id is also an insertion's w:id."""
    path = redlined_comment_docx(tmp_path / "clause.docx", inserted_paragraph=True, comment_id=1)
    view = inspect_docx(path)
    # The run insertion and the paragraph-mark insertion (same author and date) come back as ONE redline
    # whose text ends with the paragraph break.
    assert view.redlines[-1] == libreoffice.Redline(
        type="Insert",
        author="Counsel B",
        date="2026-01-02T10:30:00",
        text="Vendor will notify Customer of a breach.\n",
    )
    assert len(view.redlines) == 4
    assert [(c.author, c.anchor) for c in view.comments] == [("Reviewer C", "Customer Data")]
    expected = ACCEPTED.replace("hours.\n", f"hours.\n{NEW_CLAUSE}\n")
    assert view.text == expected == read_bytes(path.read_bytes(), ".docx").text
    assert view.text_rejected == ORIGINAL  # the paragraph, and its number, are gone


@pytest.mark.libreoffice
def test_a_formatting_change_is_a_format_redline_and_changes_no_text(tmp_path: Path) -> None:
    path = redlined_comment_docx(tmp_path / "bold.docx", format_change=True)
    view = inspect_docx(path)
    first = view.redlines[0]
    assert (first.type, first.author, first.text) == ("Format", "Counsel A", "Data Processing Terms")
    assert [r.type for r in view.redlines] == ["Format", "Insert", "Delete", "Insert"]
    assert (view.text, view.text_rejected) == (ACCEPTED, ORIGINAL)
    assert read_bytes(path.read_bytes(), ".docx").text == ACCEPTED


@pytest.mark.libreoffice
def test_numbering_labels_match_proportions_reader(tmp_path: Path) -> None:
    path = legal_outline_docx(tmp_path / "outline.docx")
    view = inspect_docx(path)
    assert view.body_text().split("\n") == _non_table_lines(path)
    assert [p.text for p in view.paragraphs if p.table] == ["Provider", "Location", "Model Co", "EU"]
    assert [p.table for p in view.paragraphs if p.table] == ["Table1.A1", "Table1.B1", "Table1.A2", "Table1.B2"]
    assert "Notice must be given within seventy-two hours." in view.text_rejected


@pytest.mark.libreoffice
def test_the_example_agreement_reads_the_same_in_libreoffice_and_proportion() -> None:
    view = inspect_docx(EXAMPLE)
    assert view.redlines and view.comments and view.warnings == []
    assert view.body_text().split("\n") == _non_table_lines(EXAMPLE)


def _non_table_lines(path: Path) -> list[str]:
    """proportion's accept-all lines without its tables (it writes a table as rows of "cell | cell")."""
    ours = read_bytes(path.read_bytes(), ".docx")
    return [ours.text[block.start : block.end] for block in ours.blocks if block.kind is not BlockKind.TABLE]


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("text.docx", b"just text, not a Word document\n"),
        ("truncated.docx", None),
    ],
)
def test_a_document_that_does_not_load_raises_a_clear_error(
    tmp_path: Path, redlined: Path, name: str, data: bytes | None
) -> None:
    path = tmp_path / name
    path.write_bytes(data if data is not None else redlined.read_bytes()[:5000])
    with pytest.raises(LibreOfficeLoadError, match=rf"LibreOffice could not load .*{name}"):
        inspect_docx(path)
    view = inspect_docx(path, must_load=False)
    assert not view.loaded and view.error and name in view.error
    # The same soffice goes on serving.
    assert inspect_docx(redlined).text == ACCEPTED


@pytest.mark.libreoffice
def test_one_soffice_serves_documents_in_turn_and_is_ended(tmp_path: Path, redlined: Path) -> None:
    server = libreoffice_server()
    inspect_docx(redlined)
    pid = server.soffice_pid
    assert pid is not None and process_alive(pid)
    second = inspect_docx(redlined_comment_docx(tmp_path / "second.docx", inserted_paragraph=True))
    assert server.soffice_pid == pid
    assert second.seconds < 30
    libreoffice.shutdown_libreoffice()
    assert not server.running and not process_alive(pid)
    assert inspect_docx(redlined).text == ACCEPTED  # a new soffice after a shutdown
    assert server.soffice_pid not in (None, pid)


@pytest.mark.libreoffice
def test_a_timeout_kills_soffice_and_the_next_document_starts_a_new_one(redlined: Path) -> None:
    server = libreoffice_server()
    inspect_docx(redlined)
    pid = server.soffice_pid
    assert pid is not None
    with pytest.raises(LibreOfficeError, match="did not inspect"):
        inspect_docx(redlined, timeout=0.001)
    assert not process_alive(pid)
    assert inspect_docx(redlined).text == ACCEPTED


def test_missing_libreoffice_without_root_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "_ready", False)
    monkeypatch.setattr(libreoffice, "_missing_packages", lambda: ["python3-uno"])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.delenv(libreoffice.SKIP_VARIABLE, raising=False)
    with pytest.raises(LibreOfficeError, match=r"apt-get install -y --no-install-recommends libreoffice-writer-nogui"):
        libreoffice.ensure_libreoffice()


def test_skip_variable_skips_on_a_laptop_but_not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "_ready", False)
    monkeypatch.setattr(libreoffice, "_missing_packages", lambda: ["libreoffice-writer-nogui"])
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setenv(libreoffice.SKIP_VARIABLE, "1")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        libreoffice.ensure_libreoffice()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(LibreOfficeError):
        libreoffice.ensure_libreoffice()
