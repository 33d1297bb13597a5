"""The propose stage: the playbook's language in the agreement's own words, placed at the smallest span."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from proportion import review
from proportion.context import build_context
from proportion.knowledge.playbook import default_playbook
from proportion.knowledge.rules import rulebook
from proportion.models import Clause, DefinedTerm, Review
from proportion.propose import accepted, drafting, next_number, relabel, sentence_end, sentence_start, shrink

from conftest import EXAMPLE


@pytest.fixture(scope="module")
def example() -> Review:
    return review(EXAMPLE)


def _clause(identifier: str, number: str, text: str, categories: list[str], start: int = 0) -> Clause:
    return Clause(id=identifier, number=number, start=start, end=start + len(text), text=text, categories=categories)


def test_language_uses_the_agreements_own_defined_terms_and_section_numbers() -> None:
    clauses = [
        _clause("c1", "1.1", '"Client Data" means data the Client submits.', ["confidentiality"]),
        _clause("c2", "7.1", "Supplier will keep Client Data secure.", ["security"]),
        _clause("c3", "7.2", "Supplier will encrypt Client Data.", ["security"]),
        _clause("c4", "9", "Supplier may process Client Data.", ["privacy"]),
    ]
    clauses[0].mechanisms = ["definition"]
    terms = [DefinedTerm(term=term, clause="c1", start=0, end=1) for term in ("Client Data", "Supplier", "Client")]
    words = drafting("See Clause 7.1 and Clause 9.", clauses, terms, default_playbook())
    assert words.values["provider"] == "Supplier" and words.values["customer"] == "Client"
    assert words.values["customer_data"] == "Client Data"
    assert words.values["inputs"] == "Inputs"  # not defined: the fallback
    assert words.sections["security"] == "Clause 7"  # two sections of Article 7: cite the article
    assert words.sections["privacy"] == "Clause 9"
    assert words.sections["training-use"].startswith("the provisions of this Agreement on training use")
    assert words.render("{provider} shall protect {customer_data} under {section:security}.") == (
        "Supplier shall protect Client Data under Clause 7."
    )
    # Two categories governed by one article are cited once.
    clauses[1].categories = clauses[2].categories = ["security", "privacy"]
    same = drafting("See Clause 7.1 and Clause 9.", clauses, terms, default_playbook())
    assert same.render("under {section:security}, {section:privacy} or {section:confidentiality}") == (
        "Under Clause 7 or the provisions of this Agreement on confidentiality"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vendor may keep logs, e.g. traces, for help. Not more.", "Vendor may keep logs, e.g. traces, for help."),
        ("Vendor Inc. may use data under Sec. 4 only. Next.", "Vendor Inc. may use data under Sec. 4 only."),
        ('Output is provided "as is." Customer reviews it.', 'Output is provided "as is."'),
        ("a list item that ends with a semicolon; and", "a list item that ends with a semicolon; and"),
    ],
)
def test_a_sentence_ends_at_its_full_stop_not_at_an_abbreviation(text: str, expected: str) -> None:
    assert text[: sentence_end(text, 6, len(text))] == expected


def test_a_sentence_starts_after_the_previous_one() -> None:
    text = "Heading. First sentence here. Second one, e.g. this. Third."
    assert text[sentence_start(text, text.index("this"), 0) :].startswith("Second one")


def test_a_replacement_shrinks_to_the_words_that_change() -> None:
    text = "Vendor will notify Customer promptly after a Security Incident."
    better = "Vendor will notify Customer within 72 hours after a Security Incident."
    start, end, new = shrink(text, 0, len(text), better)
    assert (text[start:end], new) == ("promptly", "within 72 hours")
    assert shrink(text, 0, len(text), text.replace("Customer", "the Customer")) == (19, 19, "the ")


@pytest.mark.parametrize(
    ("number", "label", "following", "relabelled"),
    [
        ("7.4", "7.4\t", "7.5", "7.5\t"),
        ("2.1(c)", "(c)\t", "2.1(d)", "(d)\t"),
        ("12", "12.\t", "13", "13.\t"),
        ("9.2(c)(iv)", "(iv) ", "9.2(c)(v)", "(v) "),
        ("Schedule 2", "", "Schedule 3", "Schedule 3 "),
        ("IV", "IV.", "IVA", "IVA "),
    ],
)
def test_a_new_clause_is_numbered_to_follow_its_last_sibling(
    number: str, label: str, following: str, relabelled: str
) -> None:
    assert next_number(number) == following
    assert relabel(label, number, following) == relabelled


def test_every_high_finding_of_the_example_has_an_edit(example: Review) -> None:
    covered = {index for edit in example.edits for index in edit.findings}
    high = {index for index, finding in enumerate(example.findings) if finding.severity == "high"}
    assert high and high <= covered


def test_edits_never_overlap_and_accepting_them_changes_only_their_spans(example: Review) -> None:
    text = example.document.text
    spans = sorted((edit.start, edit.end) for edit in example.edits)
    for (_, end), (start, _) in pairwise(spans):
        assert end <= start
    result = accepted(text, example.edits)
    cursor, position = 0, 0
    for edit in sorted(example.edits, key=lambda e: (e.start, e.kind == "new-clause")):
        unchanged = text[cursor : edit.start]
        assert result[position : position + len(unchanged)] == unchanged
        position += len(unchanged) + len(edit.text)
        cursor = edit.end
    assert result[position:] == text[cursor:]


def test_each_edit_names_its_rule_position_and_reason(example: Review) -> None:
    playbook = default_playbook()
    for edit in example.edits:
        category, position = edit.position.split("/")
        assert playbook.category(category).position(position)
        for code in edit.rules:
            assert code in edit.comment and rulebook().rules[code].why in edit.comment
        assert "{" not in edit.text and "}" not in edit.text, edit.text


def _targets(result: Review) -> dict[str, str]:
    categories = result.summary["categories"]
    assert isinstance(categories, dict)
    return {category: entry["playbook"]["target"] for category, entry in categories.items()}


def test_the_vendors_target_differs_from_the_customers(example: Review) -> None:
    vendor = review(EXAMPLE, context=build_context({"side": "vendor"}))
    assert _targets(example)["training-use"] == "no-training"
    assert _targets(vendor)["training-use"] != "no-training"


def test_a_users_playbook_changes_the_proposed_language(tmp_path: Path) -> None:
    own = tmp_path / "ours.yaml"
    own.write_text(
        "categories:\n"
        "  - category: training-use\n"
        "    ladder:\n"
        "      - id: no-training\n"
        "        amendment: Our own words forbid {provider} from training on {customer_data}.\n"
        "        language: Our own words forbid {provider} from training on {customer_data}.\n",
        encoding="utf-8",
    )
    from proportion.knowledge.playbook import load_playbook

    result = review(EXAMPLE, playbook=load_playbook(own))
    assert any("Our own words forbid Vendor from training on Customer Data." in edit.text for edit in result.edits)


def test_a_new_clause_follows_its_list_with_the_next_number_and_its_own_heading(example: Review) -> None:
    """The example's definitions run 1.1-1.13 with inline headings; a new definitions clause is 1.14, headed as
    its neighbours are, and Word's automatic numbering gives it that number (checked by reading the redline)."""
    (definitions,) = [edit for edit in example.edits if "IMP108" in edit.rules]
    assert definitions.kind == "new-clause"
    assert definitions.text.startswith("\n1.14\tFurther Definitions. Unless this Amendment defines them")
    last = next(clause for clause in example.clauses if clause.number == "1.13")
    assert definitions.start == last.end


def test_every_high_finding_in_the_open_corpus_has_an_edit(corpus: Path) -> None:
    for path in sorted(corpus.glob("*.txt")):
        result = review(path)
        covered = {index for edit in result.edits for index in edit.findings}
        high = {index for index, finding in enumerate(result.findings) if finding.severity == "high"}
        assert high <= covered, path.name
