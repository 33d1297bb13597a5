"""The playbook's data: every category has a ladder, every deal has a proportionate position in every category, the
rules' fixes point at real positions and read as valid language, the language is our own drafting, and a user's
playbook is merged and rejected as the module docstring says."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from proportion.assess import evidence, material
from proportion.context import FACTS, DataClass, DealContext, Deployment, RegulatoryRole, Side, build_context
from proportion.errors import InputError
from proportion.ingest import read_document
from proportion.knowledge import taxonomy
from proportion.knowledge.playbook import Playbook, Position, default_playbook, load_playbook
from proportion.knowledge.rules import Rule, rulebook
from proportion.propose import Drafting

from conftest import SHARED

ANCHORS = SHARED / "research" / "anchors.md"
SHARED_WORDS = 12
"""A run of this many words in common with a public text is copying, not drafting."""


def _contexts() -> list[DealContext]:
    """Every deal context the questions can describe (the free-text 'use' and the safeguards aside)."""
    return [
        DealContext(
            side=side,
            data=data,
            human_review=review,
            critical_output=critical,
            deployment=deployment,
            regulatory_role=role,
        )
        for side, data, review, critical, deployment, role in itertools.product(
            Side, DataClass, (True, False), (True, False), Deployment, RegulatoryRole
        )
    ]


CONTEXTS = _contexts()
REACHABLE = {frozenset(context.facts()) for context in CONTEXTS}


def _fact_combinations() -> list[set[str]]:
    """Every combination of the deal facts that a deal can have (public and sensitive data at once cannot)."""
    names = sorted(FACTS)
    every = [
        {name for name, holds in zip(names, bits, strict=True) if holds}
        for bits in itertools.product((False, True), repeat=len(names))
    ]
    assert len(every) == 2 ** len(FACTS)
    return [facts for facts in every if frozenset(facts) in REACHABLE]


COMBINATIONS = _fact_combinations()


def _positions() -> Iterator[tuple[str, Position]]:
    for category, book in default_playbook().categories.items():
        for position in book.ladder:
            yield category, position


# --- the ladders ------------------------------------------------------------------------------------------------


def test_every_category_has_a_ladder_and_questions() -> None:
    playbook = default_playbook()
    assert set(playbook.categories) == set(taxonomy().category_ids)
    for category, book in playbook.categories.items():
        assert 3 <= len(book.ladder) <= 5, f"{category}: a ladder has 3 to 5 positions"
        assert 3 <= len(book.questions) <= 5, f"{category}: 3 to 5 questions for the other side"
        for position in book.ladder:
            assert position.summary and position.heading and position.language, f"{category}/{position.id}"
            assert "\n" not in position.summary, f"{category}/{position.id}: the summary is one line"
            assert not position.before, f"{category}/{position.id}: 'before' is for user playbooks only"


def test_the_fact_combinations_are_the_possible_deals() -> None:
    assert len(COMBINATIONS) == len(REACHABLE) > 50
    assert all(set(facts) <= set(FACTS) for facts in REACHABLE)
    assert frozenset({"public_data", "sensitive_data"}) not in REACHABLE
    assert frozenset({"third_party_model", "customer_hosted"}) not in REACHABLE
    assert frozenset({"personal_data"}) not in REACHABLE, "personal data is always sensitive"


@pytest.mark.parametrize("facts", COMBINATIONS, ids=lambda facts: "+".join(sorted(facts)) or "none")
def test_every_deal_has_a_proportionate_position_in_every_category(facts: set[str]) -> None:
    """By the positions' own conditions: the schema's fallback to the middle is never needed."""
    for category, book in default_playbook().categories.items():
        assert any(position.proportionate(facts) for position in book.ladder), f"{category}: none for {facts}"


def test_every_position_is_proportionate_in_some_deal() -> None:
    for category, position in _positions():
        assert any(position.proportionate(facts) for facts in COMBINATIONS), f"{category}/{position.id} never applies"


DEFAULT_DEAL_TARGETS = {
    "output-accuracy": ("documented-behaviour", "disclaimer-with-review"),
    "confidentiality": ("strict-non-use", "purpose-limited"),
    "security": ("assured-controls", "defined-controls"),
    "training-use": ("no-training", "customer-benefit-only"),
    "derived-data": ("service-only", "usage-data"),
    "retention": ("thirty-days", "ninety-days"),
    "subprocessors": ("notice-and-objection", "list-and-flow-down"),
    "privacy": ("dpa-applies", "no-personal-data"),
    "output-ownership": ("customer-owns-assigned", "customer-owns-provider-material"),
    "ip-infringement": ("output-indemnity-conditioned", "service-indemnity"),
    "acceptable-use": ("policy-with-notice", "policy-as-updated"),
    "model-change": ("notice-and-exit", "notice-of-material-change"),
    "suspension": ("narrow-with-notice", "reasonable-suspension"),
    "oversight": ("documentation-and-information", "documentation-only"),
    "regulatory": ("allocated-duties", "own-compliance"),
}
"""The typical deal (confidential information, a third-party model, human review): each side's target."""


def test_default_deal_targets() -> None:
    facts = DealContext().facts()
    assert facts == {"sensitive_data", "third_party_model"}
    found = {
        category: (book.target("customer", facts).id, book.target("vendor", facts).id)
        for category, book in default_playbook().categories.items()
    }
    assert found == DEFAULT_DEAL_TARGETS


def test_a_disclaimer_of_output_is_not_proportionate_where_decisions_rest_on_unreviewed_output() -> None:
    """The inherent-risk disclaimer is the vendor's target only where a person reviews output and stakes are normal."""
    book = default_playbook().category("output-accuracy")
    for facts in COMBINATIONS:
        vendor = book.target("vendor", facts).id
        if facts & {"critical_output", "no_human_review"}:
            assert vendor not in ("disclaimer-with-review", "output-as-is"), facts
        assert book.target("customer", facts).id != "output-as-is", "no customer asks for 'as is'"


# --- the rules' fixes -------------------------------------------------------------------------------------------


RULES = rulebook().rules
SECTION_NUMBERS = {category: f"Section {number}" for number, category in enumerate(taxonomy().category_ids, start=3)}


def _render(template: str, matched: str = "") -> str:
    """The template as it reads in an agreement that defines none of the variables' candidates."""
    fallbacks = {name: variable.fallback for name, variable in default_playbook().variables.items()}
    return Drafting(fallbacks, SECTION_NUMBERS).render(template, matched, definitions="the definitions")


def _fix_position(rule: Rule, context: DealContext) -> Position:
    """The position the fix moves to: the one named, else the target of our side on the rule's first category."""
    if rule.fix.position:
        category, identifier = rule.fix.position.split("/")
        return default_playbook().category(category).position(identifier)
    return default_playbook().category(rule.categories[0]).target(context.side, context.facts())


def _apply(rule: Rule, text: str, context: DealContext) -> str:
    """The clause with the rule's fix made on its first evidence (the way the propose stage makes it)."""
    assert rule.clause is not None
    found = rule.clause.evidence_regex.search(text)
    assert found is not None, f"{rule.code}: no evidence in {text!r}"
    start, end = found.span()
    if rule.fix.edit == "replace-evidence":
        replacement = _render(rule.fix.text, found.group(0))
        if not found.group(0)[:1].isupper():
            replacement = replacement[:1].lower() + replacement[1:]
        return text[:start] + replacement + text[end:]
    if rule.fix.edit == "strike-evidence":
        if text[end : end + 2] == ", ":
            end += 2
        elif text[end : end + 1] == " ":
            end += 1
        elif start > 0 and text[start - 1] == " ":
            start -= 1
        return text[:start] + text[end:]
    position = _fix_position(rule, context)
    stop = re.compile(r"\.(?=\s|$)").search(text, end)
    cut = stop.end() if stop else len(text)
    if rule.fix.edit == "append":
        return text[:cut] + " " + _render(rule.fix.text or position.amendment or position.language) + text[cut:]
    assert rule.fix.edit == "replace-sentence", rule.fix.edit
    begin = max(text.rfind(". ", 0, start) + 2, 0) if ". " in text[:start] else 0
    return text[:begin] + _render(rule.fix.text or position.language) + text[cut:]


def _grammar_problems(original: str, fixed: str) -> list[str]:
    """A light check that an edit in place left a readable sentence."""
    checks = {
        "a doubled space": r"  ",
        "a space before punctuation": r"\s[,.;:)]",
        "doubled punctuation": r"[,;:][,.;:]|\.[,;:]|\.\.",
        "punctuation opening a sentence": r"^[,.;:]|[.;]\s+[,.;:]",
        "an empty bracket": r"\(\s*\)",
        "a placeholder left": r"[{}]",
    }
    problems = [name for name, pattern in checks.items() if re.search(pattern, fixed)]
    if original[:1].isupper() and not fixed[:1].isupper():
        problems.append("a sentence that no longer starts with a capital")
    return problems


def test_every_rule_has_a_fix_whose_position_exists() -> None:
    playbook = default_playbook()
    named = 0
    for code, rule in RULES.items():
        assert rule.categories[0] in playbook.categories, code
        if rule.fix.position:
            category, identifier = rule.fix.position.split("/")
            assert category in playbook.categories, f"{code}: no category {category}"
            assert identifier in [p.id for p in playbook.category(category).ladder], f"{code}: no {rule.fix.position}"
            named += 1
    assert len(RULES) >= 36 and named > 0


@pytest.mark.parametrize("code", sorted(RULES))
def test_fix_text_is_valid_language(code: str) -> None:
    rule = RULES[code]
    assert default_playbook().template_problems(rule.fix.text) == []
    definitions = rule.undefined.definitions if rule.undefined is not None else {}
    assert all(default_playbook().template_problems(text) == [] for text in definitions.values())
    assert ("{definitions}" in rule.fix.text) == bool(definitions), f"{code}: {{definitions}} needs definitions"
    if rule.fix.edit != "replace-evidence":
        assert "{evidence}" not in rule.fix.text, f"{code}: {{evidence}} is for a replacement of the evidence"
    if rule.gap is not None:
        assert rule.fix.edit == "new-clause", f"{code}: a gap rule's fix adds a clause"


@pytest.mark.parametrize("code", sorted(code for code, rule in RULES.items() if rule.fix.edit == "append"))
def test_an_append_fix_always_has_a_sentence_to_append(code: str) -> None:
    """Without its own text, an append takes the position's amendment: every position it can land on has one."""
    rule = RULES[code]
    deals = [context for context in CONTEXTS if material(rule.context, context)]
    assert deals, f"{code} applies in no deal"
    for context in deals:
        position = _fix_position(rule, context)
        assert rule.fix.text or position.amendment, f"{code}: {position.id} has no amendment ({context.facts()})"


def _flagged(kind: str | None = None) -> list[tuple[str, int]]:
    return [
        (code, index)
        for code, rule in sorted(RULES.items())
        if rule.clause is not None and (kind is None or rule.fix.edit == kind)
        for index in range(len(rulebook().cases[code].flagged))
    ]


@pytest.mark.parametrize(("code", "index"), _flagged())
def test_the_fix_resolves_the_finding(code: str, index: int) -> None:
    """Made on a flagged case, the edit leaves wording the rule no longer flags (a carve-out it recognises, or the
    evidence gone)."""
    rule = RULES[code]
    assert rule.clause is not None
    case = rulebook().cases[code].flagged[index]
    fixed = _apply(rule, case.text, build_context(dict(case.context)))
    for _ in range(3):  # a replacement or strike is made on each remaining evidence in turn, as re-review would
        if rule.fix.edit not in ("replace-evidence", "strike-evidence") or not rule.clause.evidence_regex.search(fixed):
            break
        fixed = _apply(rule, fixed, build_context(dict(case.context)))
    still = evidence(rule.clause, fixed, rule.clause.categories_any, rule.clause.mechanisms_any)
    assert still is None, f"{code} still flags: {fixed}"


@pytest.mark.parametrize(
    ("code", "index"), _flagged("replace-evidence") + _flagged("strike-evidence") + _flagged("replace-sentence")
)
def test_an_edit_in_place_still_reads(code: str, index: int) -> None:
    rule = RULES[code]
    case = rulebook().cases[code].flagged[index]
    fixed = _apply(rule, case.text, build_context(dict(case.context)))
    assert fixed != case.text
    assert _grammar_problems(case.text, fixed) == [], fixed


def test_there_are_edits_in_place_to_check() -> None:
    assert _flagged("replace-evidence") and _flagged("strike-evidence")


def test_the_grammar_check_catches_a_bad_edit() -> None:
    assert _grammar_problems("Provider may use it for any purpose.", "Provider may use it , .") != []
    assert _grammar_problems("Any and all claims.", "any claims.") == [
        "a sentence that no longer starts with a capital"
    ]
    assert _grammar_problems("Provider may use it.", "Provider may use it solely for Customer.") == []


# --- our own drafting -------------------------------------------------------------------------------------------


def _runs(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[start : start + SHARED_WORDS]) for start in range(len(words) - SHARED_WORDS + 1)}


@pytest.fixture(scope="module")
def public_runs(corpus: Path) -> set[tuple[str, ...]]:
    """Every run of words in the shared corpus (all of it, not only the open part) and in the research anchors."""
    runs = _runs(ANCHORS.read_text(encoding="utf-8"))
    files = [path for path in sorted(corpus.parent.rglob("*")) if path.is_file() and not path.name.startswith(".")]
    assert len(files) >= 10
    for path in files:
        runs |= _runs(read_document(path).text)
    return runs


def _our_language() -> Iterator[tuple[str, str]]:
    for category, position in _positions():
        for field in ("language", "amendment"):
            yield f"{category}/{position.id} {field}", _render(getattr(position, field))
    for code, rule in RULES.items():
        if rule.fix.text:
            yield f"{code} fix", _render(rule.fix.text, "the words")
        if rule.undefined is not None:
            for term, definition in rule.undefined.definitions.items():
                yield f"{code} definition of {term}", _render(definition)


def test_the_language_is_our_own_drafting(public_runs: set[tuple[str, ...]]) -> None:
    copied = {}
    for where, text in _our_language():
        if shared := _runs(text) & public_runs:
            copied[where] = " ".join(sorted(shared)[0])
    assert copied == {}


def test_the_copy_check_would_see_a_copied_sentence(corpus: Path, public_runs: set[tuple[str, ...]]) -> None:
    path = next(path for path in sorted(corpus.iterdir()) if path.suffix == ".txt")
    assert _runs(" ".join(read_document(path).text.split()[100:140])) & public_runs


# --- a user's playbook ------------------------------------------------------------------------------------------


NEW_POSITION: dict[str, Any] = {
    "id": "house-48h",
    "summary": "Our house position: 48-hour incident notice.",
    "heading": "Incident Notice",
    "language": "{provider} shall notify {customer} of any security incident within forty-eight hours.",
    "proportionate_when": ["sensitive_data"],
}


def _ids(playbook: Playbook, category: str) -> list[str]:
    return [position.id for position in playbook.category(category).ladder]


def test_a_user_position_with_a_known_id_replaces_it_in_place() -> None:
    default = default_playbook()
    user = {"categories": [{"category": "security", "ladder": [{"id": "defined-controls", "summary": "House."}]}]}
    merged = default.extended(user)
    assert _ids(merged, "security") == _ids(default, "security")
    replaced = merged.category("security").position("defined-controls")
    assert replaced.summary == "House."
    assert replaced.language == default.category("security").position("defined-controls").language
    assert default.category("security").position("defined-controls").summary != "House.", "the default is untouched"


def test_a_new_user_position_goes_before_the_one_it_names_or_at_the_vendor_end() -> None:
    default = default_playbook()
    merged = default.extended(
        {"categories": [{"category": "security", "ladder": [{**NEW_POSITION, "before": "defined-controls"}]}]}
    )
    ids = _ids(merged, "security")
    assert ids.index("house-48h") == ids.index("defined-controls") - 1
    assert len(ids) == len(_ids(default, "security")) + 1
    assert merged.category("security").position("house-48h").before == ""
    at_end = default.extended({"categories": [{"category": "security", "ladder": [NEW_POSITION]}]})
    assert _ids(at_end, "security")[-1] == "house-48h"


def test_a_user_category_replaces_the_fields_it_gives() -> None:
    merged = default_playbook().extended({"categories": [{"category": "retention", "questions": ["How long?"]}]})
    assert merged.category("retention").questions == ["How long?"]
    assert _ids(merged, "retention") == _ids(default_playbook(), "retention")


@pytest.mark.parametrize(
    ("user", "message"),
    [
        ({"categories": [{"category": "liability", "questions": ["?"]}]}, "not in the taxonomy"),
        (
            {"categories": [{"category": "security", "ladder": [{**NEW_POSITION, "before": "nowhere"}]}]},
            "names no position",
        ),
        (
            {"categories": [{"category": "security", "ladder": [{**NEW_POSITION, "language": "{vendor} shall."}]}]},
            "unknown variable",
        ),
        (
            {"categories": [{"category": "security", "ladder": [{**NEW_POSITION, "language": "See {section:fees}."}]}]},
            "names no category",
        ),
        (
            {"categories": [{"category": "security", "ladder": [{**NEW_POSITION, "not_when": ["big_deal"]}]}]},
            "unknown deal facts",
        ),
        ({"categories": {"security": {"questions": ["?"]}}}, "'categories' is a list"),
        ({"sources": ["nist"]}, "'sources' is a list"),
    ],
)
def test_a_bad_user_playbook_is_refused(user: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        default_playbook().extended(user)


def test_a_schema_error_in_a_user_position_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="severity"):
        default_playbook().extended(
            {"categories": [{"category": "security", "ladder": [{**NEW_POSITION, "severity": "high"}]}]}
        )


def test_load_playbook_without_a_file_is_the_default() -> None:
    assert load_playbook(None) is default_playbook()


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_load_playbook_lays_a_user_file_over_the_default(tmp_path: Path, suffix: str) -> None:
    user = {"categories": [{"category": "security", "ladder": [{**NEW_POSITION, "before": "assured-controls"}]}]}
    path = tmp_path / f"house{suffix}"
    path.write_text(json.dumps(user), encoding="utf-8")  # JSON is also YAML
    assert _ids(load_playbook(path), "security")[0] == "house-48h"


def _load_error(path: Path) -> str:
    with pytest.raises(InputError) as raised:
        load_playbook(path)
    return raised.value.code


def test_load_playbook_error_codes(tmp_path: Path) -> None:
    assert _load_error(tmp_path / "missing.yaml") == "P150"
    (tmp_path / "latin1.yaml").write_bytes("categories: []  # \xe9t\xe9".encode("latin-1"))
    assert _load_error(tmp_path / "latin1.yaml") == "P150"
    (tmp_path / "broken.yaml").write_text("categories: [\n  - {category: security\n", encoding="utf-8")
    assert _load_error(tmp_path / "broken.yaml") == "P151"
    (tmp_path / "broken.json").write_text('{"categories": [', encoding="utf-8")
    assert _load_error(tmp_path / "broken.json") == "P151"
    (tmp_path / "list.yaml").write_text("- security\n", encoding="utf-8")
    assert _load_error(tmp_path / "list.yaml") == "P151"
    (tmp_path / "unknown-key.yaml").write_text(
        "categories:\n  - category: security\n    ladder:\n      - id: defined-controls\n        severity: high\n",
        encoding="utf-8",
    )
    assert _load_error(tmp_path / "unknown-key.yaml") == "P152"
    (tmp_path / "unknown-category.yaml").write_text("categories:\n  - category: fees\n", encoding="utf-8")
    assert _load_error(tmp_path / "unknown-category.yaml") == "P152"
    (tmp_path / "mapping.yaml").write_text("categories:\n  security:\n    questions: [x]\n", encoding="utf-8")
    assert _load_error(tmp_path / "mapping.yaml") == "P152"
