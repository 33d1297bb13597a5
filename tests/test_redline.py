"""The DOCX redline: edits become surgical tracked changes with comments, and nothing else in the document moves.

Each test reads the redline back with our own DOCX reader ("accept all" view) and inspects the XML; the tests in
test_redline_libreoffice.py open the same outputs in LibreOffice.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from lxml import etree

from proportion import review
from proportion.ingest import read_bytes
from proportion.knowledge.playbook import default_playbook
from proportion.models import Edit, Review
from proportion.propose import accepted
from proportion.render.docx import RedlineError, Signature, comment_notes, plain_docx, redline
from proportion.render.docx import paragraph_lines as _lines

from conftest import EXAMPLE
from docx_builder import redlined_comment_docx
from pdf_fixtures import write_contract_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SIGNED = Signature(author="Proportion Test", date="2026-11-29T12:00:00Z")


def _tagged(edit: Edit) -> str:
    """Comments that name their edit, so a test can pair them."""
    return f"{edit.comment}\n\n[{edit.id} · {edit.grade}]"


def _edit(result: Review, old: str, new: str, *, number: int = 1, occurrence: int = 0, kind: str = "") -> Edit:
    """An edit replacing the ``occurrence``-th ``old`` in the review's text (inserting when ``old`` ends in '|')."""
    text = result.document.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(old.rstrip("|"), start + 1)
    end = start + len(old.rstrip("|"))
    if old.endswith("|"):
        start = end
    return Edit(
        id=f"e{number}",
        kind=kind or ("insert" if start == end else "delete" if not new else "replace"),
        clause=None,
        start=start,
        end=end,
        text=new,
        grade="review",
        rules=["TEST101"],
        findings=[],
        category="security",
        position="security/test",
        comment=f"Test comment {number}.",
    )


def _parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            name: etree.fromstring(package.read(name))
            for name in package.namelist()
            if name in ("word/document.xml", "word/comments.xml")
        }


def _revisions(document: etree._Element, author: str) -> list[tuple[str, str]]:
    """(kind, text) of each tracked change by ``author``, in document order."""
    found = []
    for element in document.iter(f"{W}ins", f"{W}del"):
        if element.get(f"{W}author") == author and element.getparent() is not None:
            if element.getparent().tag == f"{W}rPr":
                found.append(("paragraph-mark", ""))
                continue
            text = "".join(element.itertext())
            found.append((etree.QName(element).localname, text))
    return found


def test_a_one_word_edit_changes_one_word(tmp_path: Path) -> None:
    source = redlined_comment_docx(tmp_path / "terms.docx")
    result = review(source)
    edit = _edit(result, "hours", "Business Days")
    written = redline(result.model_copy(update={"edits": [edit]}), source.read_bytes(), SIGNED)
    document = _parts(written)["word/document.xml"]
    assert _revisions(document, "Proportion Test") == [("del", "hours"), ("ins", "Business Days")]
    assert read_bytes(written, ".docx").text == accepted(result.document.text, [edit])


def test_earlier_rounds_keep_their_authors_dates_and_comments(tmp_path: Path) -> None:
    source = redlined_comment_docx(tmp_path / "terms.docx", inserted_paragraph=True)
    result = review(source)
    edits = [
        _edit(result, "Customer Data", "Customer Personal Data", number=1, occurrence=1),
        _edit(result, "twenty-", "forty-", number=2),  # inside Counsel B's insertion
        _edit(result, "Vendor will |", "promptly ", number=3, occurrence=1),  # inside Counsel B's inserted clause
    ]
    written = redline(result.model_copy(update={"edits": edits}), source.read_bytes(), SIGNED)
    before, after = _parts(source.read_bytes()), _parts(written)
    for author in ("Counsel A", "Counsel B"):
        kept = [
            (kind, element.get(f"{W}date"))
            for kind in ("ins", "del")
            for element in after["word/document.xml"].iter(f"{W}{kind}")
            if element.get(f"{W}author") == author
        ]
        original = [
            (kind, element.get(f"{W}date"))
            for kind in ("ins", "del")
            for element in before["word/document.xml"].iter(f"{W}{kind}")
            if element.get(f"{W}author") == author
        ]
        # Splitting Counsel B's insertion around our edit keeps two halves, both Counsel B's, same date.
        assert set(kept) == set(original) and len(kept) >= len(original)
    comments = after["word/comments.xml"]
    authors = [comment.get(f"{W}author") for comment in comments.iter(f"{W}comment")]
    assert authors.count("Reviewer C") == 1 and authors.count("Proportion Test") == 3
    ids = [element.get(f"{W}id") for element in after["word/document.xml"].iter(f"{W}ins", f"{W}del")]
    assert len(ids) == len(set(ids)), "revision ids must stay unique"
    assert read_bytes(written, ".docx").text == accepted(result.document.text, edits)
    assert "forty-four" in read_bytes(written, ".docx").text


def test_a_new_clause_takes_the_next_automatic_number(tmp_path: Path) -> None:
    source = redlined_comment_docx(tmp_path / "terms.docx")
    result = review(source)
    clause = next(clause for clause in result.clauses if clause.number == "2")
    edit = Edit(
        id="e1",
        kind="new-clause",
        clause=clause.id,
        start=clause.end,
        end=clause.end,
        text="\n3.\tVendor will encrypt Customer Data at rest.",
        grade="review",
        rules=["GAP102"],
        findings=[],
        category="security",
        position="security/test",
        comment="New clause.",
        format_like=clause.start,
    )
    written = redline(result.model_copy(update={"edits": [edit]}), source.read_bytes(), SIGNED)
    text = read_bytes(written, ".docx").text
    assert "3.\tVendor will encrypt Customer Data at rest." in text.split("\n")
    assert _revisions(_parts(written)["word/document.xml"], "Proportion Test")[0] == ("paragraph-mark", "")


def test_an_edit_that_cannot_be_placed_is_refused_not_dropped(tmp_path: Path) -> None:
    source = redlined_comment_docx(tmp_path / "terms.docx")
    result = review(source)
    text = result.document.text
    start = text.index("sell")
    crossing = _edit(result, "sell", "x").model_copy(update={"end": text.index("hours")})
    assert "\n" in text[start : crossing.end]
    with pytest.raises(RedlineError, match="crosses paragraphs"):
        redline(result.model_copy(update={"edits": [crossing]}), source.read_bytes(), SIGNED)


def test_everything_but_the_main_and_comments_parts_is_copied_byte_for_byte() -> None:
    result = review(EXAMPLE)
    assert result.edits, "the example agreement has findings to redline"
    written = redline(result, EXAMPLE.read_bytes(), SIGNED)
    with zipfile.ZipFile(EXAMPLE) as original, zipfile.ZipFile(io.BytesIO(written)) as output:
        names = set(output.namelist())
        assert set(original.namelist()) <= names
        for name in original.namelist():
            changed = ("word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels", "[Content_Types].xml")
            if name not in changed:
                assert original.read(name) == output.read(name), name


def test_the_example_redline_accepts_to_the_proposed_text_with_a_comment_per_edit() -> None:
    result = review(EXAMPLE)
    written = redline(result, EXAMPLE.read_bytes(), SIGNED, _tagged)
    assert read_bytes(written, ".docx").text == accepted(result.document.text, result.edits)
    comments = _parts(written)["word/comments.xml"]
    ours = [comment for comment in comments.iter(f"{W}comment") if comment.get(f"{W}author") == SIGNED.author]
    bodies = ["".join(comment.itertext()) for comment in ours]
    assert len(bodies) == len(result.edits)
    for edit in result.edits:
        assert any(edit.rules[0] in body and f"[{edit.id} " in body for body in bodies)


def test_a_text_agreement_becomes_a_docx_with_the_same_changes(corpus: Path) -> None:
    path = corpus / "commonpaper-ai-addendum-v1.0.txt"
    result = review(path)
    assert result.edits
    written = redline(result, path.read_bytes(), SIGNED)
    assert _lines(read_bytes(written, ".docx").text) == _lines(accepted(result.document.text, result.edits))
    assert _lines(read_bytes(plain_docx(result.document.text), ".docx").text) == _lines(result.document.text)



def test_pdf_and_html_agreements_become_docx_redlines_too(tmp_path: Path) -> None:
    html = tmp_path / "terms.html"
    html.write_text(
        "<html><body><h1>AI Terms</h1><ol><li>Provider may use Customer Data, Inputs and Outputs to train and "
        "improve its models for any purpose.</li><li>THE AI FEATURES ARE PROVIDED AS IS, INCLUDING AS TO THEIR "
        "SECURITY AND CONFIDENTIALITY.</li></ol></body></html>",
        encoding="utf-8",
    )
    for source in (write_contract_pdf(tmp_path), html):
        result = review(source)
        assert result.edits, source.name
        written = redline(result, source.read_bytes(), SIGNED)
        assert _lines(read_bytes(written, ".docx").text) == _lines(accepted(result.document.text, result.edits))


def test_comments_external_internal_or_none() -> None:
    result = review(EXAMPLE)
    playbook = default_playbook()

    def ours(mode: str) -> list[str]:
        written = redline(result, EXAMPLE.read_bytes(), SIGNED, comment_notes(mode, result, playbook))
        comments = _parts(written).get("word/comments.xml")
        found = [] if comments is None else list(comments.iter(f"{W}comment"))
        return ["".join(c.itertext()) for c in found if c.get(f"{W}author") == SIGNED.author]

    external, internal, none = ours("external"), ours("internal"), ours("none")
    assert len(external) == len(internal) == len(result.edits) and none == []
    assert not any("INTERNAL" in body or "Fallbacks" in body for body in external)
    assert all("INTERNAL — do not send." in body for body in internal)
    assert any("Fallbacks, in order:" in body for body in internal)


def test_an_edit_across_a_hyperlink_a_bookmark_and_formatting(tmp_path: Path) -> None:
    """Runs inside a hyperlink, a bookmark between runs, bold text and a PAGE field after the sentence: the
    edit still deletes and inserts exactly its words."""
    namespaces = (
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    )
    document = Document()
    paragraph = document.add_paragraph()._p
    for xml in (
        '<w:r><w:t xml:space="preserve">Vendor may use Customer Data as described in </w:t></w:r>',
        '<w:bookmarkStart w:id="0" w:name="policy"/>',
        '<w:hyperlink w:anchor="policy"><w:r><w:rPr><w:u w:val="single"/></w:rPr><w:t>the Data Policy</w:t></w:r>'
        "</w:hyperlink>",
        '<w:bookmarkEnd w:id="0"/>',
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve"> for any purpose</w:t></w:r>',
        "<w:r><w:t>.</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r><w:t>7</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph.append(parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {namespaces}", xml, count=1)))
    source = tmp_path / "linked.docx"
    document.save(str(source))
    result = review(source)
    text = result.document.text
    edit = _edit(result, "described in the Data Policy for any purpose", "set out in the DPA, solely for the services")
    written = redline(result.model_copy(update={"edits": [edit]}), source.read_bytes(), SIGNED)
    assert read_bytes(written, ".docx").text == accepted(text, [edit])
    assert "set out in the DPA, solely for the services.7" in read_bytes(written, ".docx").text
    document_xml = _parts(written)["word/document.xml"]
    assert [element.get(f"{W}id") for element in document_xml.iter(f"{W}bookmarkStart")] == ["0"]
    assert sum(1 for _ in document_xml.iter(f"{W}hyperlink")) == 1
