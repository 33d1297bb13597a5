"""The PDF reader on generated PDFs whose text we know: paragraphs, furniture, hyphens, offsets and errors."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from proportion.errors import InputError
from proportion.ingest import pdf as pdf_module
from proportion.ingest.base import Limits
from proportion.ingest.pdf import raw_pdf_text, read_pdf
from proportion.models import SourceDocument

from pdf_fixtures import (
    HEADER,
    HYPHEN_LINES,
    LATE_HEADER,
    LIABILITY_PARAGRAPH,
    LONG_CLAUSE,
    SUB_ITEMS,
    TITLE,
    UNNUMBERED_HEADING,
    header_drawn_last_pdf_bytes,
    write_contract_pdf,
    write_encrypted_pdf,
    write_image_only_pdf,
    write_truncated_pdf,
)

SECTIONS = 10
CLAUSE_NUMBER = re.compile(r"^\d+\.\d+ ")


@pytest.fixture(scope="module")
def contract_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_contract_pdf(tmp_path_factory.mktemp("pdf"), sections=SECTIONS)


@pytest.fixture(scope="module")
def contract(contract_path: Path) -> SourceDocument:
    return read_pdf(contract_path.read_bytes(), Limits())


def block_texts(document: SourceDocument) -> list[str]:
    return [document.text[block.start : block.end] for block in document.blocks]


def page_count(path: Path) -> int:
    return len(PdfReader(path).pages)


# --- paragraphs ---------------------------------------------------------------------------------------------


def test_wrapped_clause_comes_back_as_one_block(contract: SourceDocument) -> None:
    texts = block_texts(contract)
    assert LONG_CLAUSE in texts
    assert LIABILITY_PARAGRAPH in texts
    for item in SUB_ITEMS:
        assert item in texts


def test_every_block_starts_a_paragraph(contract: SourceDocument) -> None:
    texts = block_texts(contract)
    # A block starting in lower case would be the tail of a paragraph cut at a line or page break.
    assert all(not text[0].islower() for text in texts), [t for t in texts if t[0].islower()]
    clauses = [text for text in texts if CLAUSE_NUMBER.match(text)]
    headings = [text for text in texts if re.match(r"^\d+\. [A-Z ]+$", text)]
    # Three clauses per section, plus 4.3 (with its sub-items) and the hand-broken 9.3.
    assert len(clauses) == 3 * SECTIONS + 2
    assert len(headings) == SECTIONS
    # title + recital + headings + clauses + (a)-(c) + unnumbered heading + its paragraph
    assert len(texts) == 2 + SECTIONS + len(clauses) + len(SUB_ITEMS) + 2


def test_clause_numbers_start_blocks(contract: SourceDocument) -> None:
    texts = block_texts(contract)
    for number in ("1. ", "1.1 ", "1.2 ", "4.3 ", "4.4 ", "(a) ", "(b) ", "(c) ", "10. ", "10.3 "):
        assert any(text.startswith(number) for text in texts), number
    # No clause number is buried inside another block.
    assert not any(re.search(r"\s\d+\.\d+ [A-Z]", text) for text in texts)


def test_headings_are_their_own_blocks(contract: SourceDocument) -> None:
    texts = block_texts(contract)
    assert UNNUMBERED_HEADING in texts
    assert "1. DEFINITIONS" in texts
    assert contract.title == TITLE == texts[0]


def test_paragraph_split_by_a_page_break_is_joined(contract: SourceDocument, contract_path: Path) -> None:
    document = pypdfium2.PdfDocument(contract_path.read_bytes())
    pages = [
        [line.strip() for line in page.get_textpage().get_text_range().splitlines() if line.strip()]
        for page in document
    ]
    texts = block_texts(contract)
    joined = 0
    for this_page, next_page in itertools.pairwise(pages):
        last_line, first_line = this_page[-2], next_page[1]  # inside the footer and the header
        if not last_line.endswith(".") and not re.match(r"^\d+\. [A-Z ]+$", last_line):
            assert any(f"{last_line} {first_line}" in text for text in texts), (last_line, first_line)
            joined += 1
    assert joined, "the fixture no longer has a paragraph running over a page break"
    assert {block.page for block in contract.blocks} == set(range(1, len(pages) + 1))


def test_hyphens(contract: SourceDocument) -> None:
    # A compound broken after its hyphen keeps it; a word broken by the layout is mended.
    assert "any other third-party provider" in contract.text
    assert "the related documentation of each subcontractor" in contract.text
    assert "docu-" not in contract.text
    assert HYPHEN_LINES[0].startswith("9.3")
    assert any(text.startswith("9.3 The Provider may engage") for text in block_texts(contract))


# --- furniture ----------------------------------------------------------------------------------------------


def test_headers_footers_and_page_numbers_are_removed(contract: SourceDocument, contract_path: Path) -> None:
    pages = page_count(contract_path)
    assert pages >= 4
    assert HEADER not in contract.text
    assert "CONFIDENTIAL -" not in contract.text
    assert not re.search(r"Page \d+ of \d+", contract.text)
    assert contract.facts == {"pages": pages, "extractor": "pypdfium2", "headers_removed": 2 * pages}


def test_raw_text_still_has_the_furniture(contract_path: Path) -> None:
    raw = raw_pdf_text(contract_path.read_bytes())
    assert raw.count(HEADER) == page_count(contract_path)
    assert "Page 1 of" in raw


def test_header_found_by_position_not_reading_order() -> None:
    document = read_pdf(header_drawn_last_pdf_bytes(pages=4), Limits())
    assert LATE_HEADER not in document.text
    assert not re.search(r"- \d -", document.text)
    assert document.facts["headers_removed"] == 8
    assert len(document.blocks) == 16  # four clauses a page, none lost with the furniture


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", True),
        ("Page 3", True),
        ("page 3 of 50", True),
        ("- 3 -", True),
        ("3/50", True),
        ("iv", True),
        ("2018", False),  # beyond the page count: the end of a sentence, not a page number
        ("1.", False),
        ("civil", False),
        ("Page", False),
    ],
)
def test_page_number_lines(text: str, expected: bool) -> None:
    assert pdf_module._is_page_number(text, page_count=50) is expected


@pytest.mark.parametrize(
    ("line", "starts"),
    [
        ("1. DEFINITIONS", True),
        ("1.1 The Provider shall", True),
        ("12.3.4 Subject to", True),
        ("(a) use the data", True),
        ("(iv) the Fees", True),
        ("a. the Customer", True),
        ("Section 5 Term", True),
        ("ARTICLE IV", True),
        ("Schedule 2 - Service Levels", True),
        ("Exhibit A", True),
        ("• item", True),
        ("- item", True),
        ("* item", True),
        ("30 days after the invoice date", False),
        ("1.5 times the Fees paid", False),
        ("Schedule 2, and shall ensure", False),
        ("Section 5 of this Agreement", False),
        ("Customer Data", False),
        ("third-party provider", False),
    ],
)
def test_marker_lines(line: str, starts: bool) -> None:
    assert (pdf_module._MARKER.match(line) is not None) is starts


# --- offsets ------------------------------------------------------------------------------------------------


def test_offsets_are_consistent(contract: SourceDocument) -> None:
    previous_end = -1
    previous_page = 1
    for block in contract.blocks:
        text = contract.text[block.start : block.end]
        assert text and text == text.strip()
        assert block.start > previous_end
        assert block.page is not None and block.page >= previous_page
        previous_end, previous_page = block.end, block.page
    assert contract.format == "pdf"
    assert previous_end == len(contract.text)


# --- fallback and errors ------------------------------------------------------------------------------------


def _pdfium_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise pypdfium2.PdfiumError("simulated failure")

    monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)


def test_pypdf_fallback_gives_the_same_paragraphs(
    monkeypatch: pytest.MonkeyPatch, contract: SourceDocument, contract_path: Path
) -> None:
    _pdfium_refuses(monkeypatch)
    fallback = read_pdf(contract_path.read_bytes(), Limits())
    assert fallback.facts["extractor"] == "pypdf"
    assert block_texts(fallback) == block_texts(contract)


def test_encrypted_pdf(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_pdf(write_encrypted_pdf(tmp_path).read_bytes(), Limits())
    assert caught.value.code == "P121"
    assert "password" in caught.value.message
    assert caught.value.__cause__ is not None


def test_encrypted_pdf_with_pypdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_encrypted_pdf(tmp_path).read_bytes()
    _pdfium_refuses(monkeypatch)
    with pytest.raises(InputError) as caught:
        read_pdf(data, Limits())
    assert caught.value.code == "P121"


@pytest.mark.parametrize(
    "data",
    [None, b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\ngarbage", b"%PDF-1.4\n" + b"\x00\xff" * 500],
    ids=["truncated", "garbage", "binary"],
)
def test_damaged_pdf(tmp_path: Path, data: bytes | None) -> None:
    payload = write_truncated_pdf(tmp_path).read_bytes() if data is None else data
    with pytest.raises(InputError) as caught:
        read_pdf(payload, Limits())
    assert caught.value.code == "P120"
    assert caught.value.__cause__ is not None


def test_image_only_pdf(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_pdf(write_image_only_pdf(tmp_path).read_bytes(), Limits())
    assert caught.value.code == "P122"
    assert "OCR" in caught.value.message


def test_too_many_pages(contract_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_pdf(contract_path.read_bytes(), Limits(max_pdf_pages=2))
    assert caught.value.code == "P123"
    assert str(page_count(contract_path)) in caught.value.message


def test_unexpected_failure_is_converted(monkeypatch: pytest.MonkeyPatch, contract_path: Path) -> None:
    def broken(pages: object) -> None:
        raise ValueError("layout bug")

    monkeypatch.setattr(pdf_module, "_remove_furniture", broken)
    with pytest.raises(InputError) as caught:
        read_pdf(contract_path.read_bytes(), Limits())
    assert caught.value.code == "P120"
    assert isinstance(caught.value.__cause__, ValueError)


def test_error_messages_are_one_line(tmp_path: Path) -> None:
    for path, limits in (
        (write_encrypted_pdf(tmp_path), Limits()),
        (write_truncated_pdf(tmp_path), Limits()),
        (write_image_only_pdf(tmp_path), Limits()),
        (write_contract_pdf(tmp_path), Limits(max_pdf_pages=1)),
    ):
        with pytest.raises(InputError) as caught:
            read_pdf(path.read_bytes(), limits)
        assert "\n" not in str(caught.value)


# --- line joining without geometry (the pypdf path) ---------------------------------------------------------


def paragraphs_of(text: str) -> list[str]:
    """The reader's paragraph rules on one page of plain text, as for a file pypdf extracted."""
    lines = pdf_module._split_lines(text, 1, None)
    return [paragraph for paragraph, _ in pdf_module._paragraphs([lines])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The ser\xad\r\nvices are due.", ["The services are due."]),
        ("The ser\x02\nvices are due.", ["The services are due."]),
        ("Any third-\nparty provider.", ["Any third-party provider."]),
        (
            "The documentation is current.\n\nThe docu-\nmentation is current.",
            ["The documentation is current.", "The documentation is current."],
        ),
        ("The Non-\nDisclosure Agreement.", ["The Non-Disclosure Agreement."]),
        ("Soft\xadly spoken.", ["Softly spoken."]),
    ],
)
def test_hyphen_joining(text: str, expected: list[str]) -> None:
    assert paragraphs_of(text) == expected


def test_blank_lines_and_markers_split_plain_text() -> None:
    text = (
        "1.1 The Provider shall host the Services in the European Economic Area and shall not move\n"
        "them elsewhere without the written consent of the Customer.\n"
        "(a) first item of the list, which is long enough to be wrapped onto the next line of the\n"
        "page by the layout;\n"
        "\n"
        "The Customer shall pay within\n"
        "30 days of the invoice date."
    )
    assert paragraphs_of(text) == [
        "1.1 The Provider shall host the Services in the European Economic Area and shall not move them "
        "elsewhere without the written consent of the Customer.",
        "(a) first item of the list, which is long enough to be wrapped onto the next line of the page by the layout;",
        "The Customer shall pay within 30 days of the invoice date.",
    ]
