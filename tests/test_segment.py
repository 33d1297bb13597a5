"""Segmentation on real agreements: numbers, headings, outline and offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from proportion.evaluation import Score, segmentation_benchmark
from proportion.ingest import read_bytes, read_document
from proportion.models import Clause
from proportion.segment import looks_like_heading, parse_number, segment, split_inline_heading

from conftest import EXAMPLE, LABELS
from docx_builder import legal_outline_docx


def _clauses(path: Path) -> list[Clause]:
    return segment(read_document(path))


def _by_number(clauses: list[Clause]) -> dict[str, Clause]:
    return {clause.number: clause for clause in clauses}


@pytest.mark.parametrize(
    ("text", "scheme", "local"),
    [
        ("1.1 Access and Use.", "dotted", "1.1"),
        ("12. Confidentiality", "dotted", "12"),
        ("5.3.a if the other party", "dotted", "5.3.a"),
        ("(a) use the services", "paren-lower", "a"),
        ("(iv) any other", "paren-roman", "iv"),
        ("(B) the consumer", "paren-upper", "B"),
        ("b. Upon request", "lower-dot", "b"),
        ("§ 7001. General rule", "statute", "7001"),
        ("Schedule 2 – Service Levels", "part", "Schedule 2"),
        ("ARTICLE IV Term", "word-article", "IV"),
    ],
)
def test_parse_number_recognises_legal_numbering(text: str, scheme: str, local: str) -> None:
    token = parse_number(text)
    assert token is not None and (token.scheme, token.local) == (scheme, local)


@pytest.mark.parametrize("text", ["3 October 2025: expanded", "2023 was a year", "Customer may use", "e.g. this"])
def test_parse_number_ignores_dates_and_prose(text: str) -> None:
    assert parse_number(text) is None


def test_inline_headings_split_from_text_but_sentences_stay_whole() -> None:
    assert split_inline_heading("Access and Use.  During the term") == ("Access and Use", "During the term")
    assert split_inline_heading("Customer will pay fees. Late fees apply.")[0] == ""


def test_headings_are_short_titles_not_sentences() -> None:
    from proportion.models import Block

    following = Block(0, 1)
    assert looks_like_heading("Limitation of Liability", following)
    assert looks_like_heading("What personal data does Copilot Business collect?", following)
    assert not looks_like_heading("Suggestions are not retained by GitHub.", following)
    assert not looks_like_heading("Category: Metaprompt", following)
    assert not looks_like_heading("Limitation of Liability", None)


def test_cloud_service_agreement_numbers_headings_and_outline(corpus: Path) -> None:
    clauses = _clauses(corpus / "commonpaper-cloud-service-agreement-v2.1.txt")
    numbered = _by_number(clauses)
    assert numbered["1.6"].heading == "Machine Learning"
    assert numbered["1.6"].text.startswith("Usage Data and Customer Content may be used to develop")
    assert numbered["5.3.a"].parent == numbered["5.3"].id
    assert numbered["5.3.a"].heading == "Termination"
    assert numbered["8.1.a"].heading == "Liability Caps"


def test_statute_outline_builds_full_references(corpus: Path) -> None:
    numbered = _by_number(_clauses(corpus / "us-esign-act-15usc7001-7006.txt"))
    assert numbered["7001(c)(1)(B)(i)"].text.startswith("informing the consumer of (I)")
    assert numbered["7001(c)(1)(B)(i)"].heading == "Consent to electronic records"
    assert numbered["7006(13)(A)"].heading == "Transaction"


def test_unnumbered_documents_split_into_paragraphs_under_headings(corpus: Path) -> None:
    clauses = _clauses(corpus / "github-copilot-business-privacy-statement-2023.txt")
    assert clauses[0].text.startswith("Use of GitHub Copilot Business is also subject")
    prompts = [clause for clause in clauses if clause.heading == "Prompts"]
    assert [clause.text for clause in prompts][1] == "Prompts are discarded once a suggestion is returned."


def test_lists_and_options_join_their_paragraph(corpus: Path) -> None:
    clauses = _clauses(corpus / "microsoft-azure-direct-models-data-privacy.txt")
    important = next(clause for clause in clauses if clause.text.startswith("Important:"))
    assert "are NOT used to train any generative AI foundation models" in important.text
    cover = _clauses(corpus / "commonpaper-ai-addendum-v1.0-cover-page.txt")
    training = next(clause for clause in cover if clause.text.startswith("Provider may Train the Model(s)"))
    assert training.heading == "Training Data" and "[ ] Customer Content" in training.text
    assert not any("{provider_signatory_name}" in clause.text for clause in cover)


def test_every_clause_is_its_own_span_of_the_document_text(corpus: Path) -> None:
    for path in [*sorted(corpus.glob("*.txt")), EXAMPLE]:
        document = read_document(path)
        clauses = segment(document)
        assert clauses, path
        previous_end = 0
        for clause in clauses:
            assert document.text[clause.start : clause.end] == clause.text, (path, clause.id)
            assert clause.text.strip() and clause.start >= previous_end
            previous_end = clause.end


def test_docx_clauses_take_word_numbers_with_full_references(tmp_path: Path) -> None:
    clauses = _clauses(legal_outline_docx(tmp_path / "outline.docx"))
    numbered = _by_number(clauses)
    assert numbered["1.1"].text.startswith('"Output" means') and numbered["1.1"].heading == "Definitions"
    assert numbered["2.1(b)(i)"].text == "court orders; and"
    assert numbered["2.1(b)(i)"].parent == numbered["2.1(b)"].id
    assert numbered["2.1(b)"].parent == numbered["2.1"].id
    assert numbered["2.1"].level == 1 and numbered["2.1(b)(i)"].level == 3


def test_example_schedules_keep_their_own_numbering() -> None:
    numbered = _by_number(_clauses(EXAMPLE))
    assert numbered["Schedule 2, S2.1"].heading == "Availability Target"
    assert numbered["Schedule 2, S2.2(b)"].text.startswith("any failure, outage or rate limit of a Model Provider")
    assert numbered["8.2"].heading == "Disclaimer"


def test_html_and_markdown_segment_like_the_text(tmp_path: Path) -> None:
    html = (
        b"<html><head><title>AI Terms</title><script>var x = 1;</script></head><body><h1>AI Terms</h1>"
        b"<h2>1. Training</h2><p>Provider will not train on Inputs.</p>"
        b"<ol><li>Inputs stay confidential.</li><li>Outputs belong to Customer.</li></ol></body></html>"
    )
    html_clauses = segment(read_bytes(html, ".html"))
    assert [(clause.number, clause.heading) for clause in html_clauses] == [
        ("1", "Training"),
        ("1.1", "Training"),
        ("1.2", "Training"),
    ]
    markdown = b"# AI Terms\n\n## 2. Retention\n\nProvider deletes Inputs after 30 days.\n\n- logs: 7 days\n"
    md_clauses = segment(read_bytes(markdown, ".md"))
    assert md_clauses[0].number == "2" and md_clauses[0].heading == "Retention"


def test_boundary_f1_on_the_open_corpus_meets_the_target(corpus: Path) -> None:
    total = Score()
    for result in segmentation_benchmark(corpus, LABELS):
        total.add(result.score)
    assert total.f1 >= 0.95, f"boundary F1 fell to {total.f1:.3f}"


def test_a_paragraph_on_every_line_gives_a_clause_per_line() -> None:
    text = (
        b"Data Terms\n"
        b"Provider will not use Customer Data to train models.\n"
        b"Provider will delete Inputs within 30 days of termination.\n"
        b"Customer may audit Provider once a year.\n"
    )
    clauses = segment(read_bytes(text, ".txt"))
    assert [clause.text for clause in clauses] == [
        "Provider will not use Customer Data to train models.",
        "Provider will delete Inputs within 30 days of termination.",
        "Customer may audit Provider once a year.",
    ]
