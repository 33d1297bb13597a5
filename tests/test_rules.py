"""Every rule's annotated cases: flagged ones fire, ok ones do not, and recorded misses and false alarms stay so."""

from __future__ import annotations

import pytest

from proportion.assess import evidence, gap_anchor, material, undefined_uses
from proportion.classify import classify_texts
from proportion.context import build_context
from proportion.knowledge.rules import Case, Rule, rulebook
from proportion.models import Clause
from proportion.terms import defined_terms


def _agreement(text: str) -> list[Clause]:
    """A case's short agreement as classified clauses, one per paragraph, with offsets into ``text``."""
    clauses, position = [], 0
    paragraphs = [part for part in text.split("\n\n") if part.strip()]
    for number, (paragraph, labels) in enumerate(zip(paragraphs, classify_texts(paragraphs), strict=True), 1):
        start = text.index(paragraph, position)
        position = start + len(paragraph)
        clauses.append(
            Clause(
                id=f"c{number}",
                text=paragraph,
                start=start,
                end=position,
                categories=labels.categories,
                mechanisms=labels.mechanisms,
            )
        )
    return clauses


def fires(rule: Rule, case: Case) -> bool:
    """Whether the rule flags the case in the case's context, with the shipped classifier's labels.

    A clause rule looks at the case's clause; gap and undefined-term rules at the case's agreement, one clause per
    paragraph."""
    if not material(rule.context, build_context(dict(case.context))):
        return False
    if rule.document_exempt is not None and rule.document_exempt.search(case.text):
        return False
    if rule.gap is not None:
        return gap_anchor(rule.gap, _agreement(case.text)) is not None
    if rule.undefined is not None:
        clauses = _agreement(case.text)
        defined = {term.term for term in defined_terms(case.text, clauses)}
        return bool(undefined_uses(rule.undefined, clauses, defined))
    assert rule.clause is not None
    (labels,) = classify_texts([case.text], [case.heading])
    return evidence(rule.clause, case.text, labels.categories, labels.mechanisms) is not None


@pytest.mark.parametrize("code", sorted(rulebook().rules))
def test_rule_cases(code: str) -> None:
    rule, cases = rulebook().rules[code], rulebook().cases[code]
    for case in cases.flagged:
        assert fires(rule, case), f"{code} should flag: {case.text}"
    for case in cases.ok:
        assert not fires(rule, case), f"{code} should not flag: {case.text}"
    for case in cases.known_misses:
        assert not fires(rule, case), f"{code} now catches a recorded miss; move it to flagged: {case.text}"
    for case in cases.known_false_alarms:
        assert fires(rule, case), f"{code} no longer raises a recorded false alarm; move it to ok: {case.text}"


def test_rule_codes_are_unique_per_family_and_documented() -> None:
    rules = rulebook().rules
    assert len(rules) >= 10
    for code, rule in rules.items():
        assert rule.code == code
        assert rule.why and rule.alternative and rule.limits and rule.example
