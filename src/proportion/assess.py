"""Assess: classified clauses + deal context -> findings, each with its rule, evidence span, reason and alternative.

Rules are data (``knowledge/rules/``); this stage only applies them. A rule fires on a clause when the deal
context makes its risk material, the clause carries one of the rule's labels, its evidence wording occurs, and no
wording that makes the clause proportionate (a carve-out, a notice period, a consent) does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from proportion.context import DealContext
from proportion.knowledge import taxonomy
from proportion.knowledge.rules import (
    ClauseCondition,
    ContextCondition,
    GapCondition,
    Rule,
    UndefinedCondition,
    rulebook,
)
from proportion.models import Clause, Finding


def material(condition: ContextCondition, context: DealContext) -> bool:
    """Whether the deal context is one in which the rule's risk matters."""
    return (
        (not condition.acting_for or context.side in condition.acting_for)
        and (not condition.data_any or context.data in condition.data_any)
        and (not condition.deployment_any or context.deployment in condition.deployment_any)
        and (condition.human_review is None or context.human_review == condition.human_review)
    )


def evidence(
    condition: ClauseCondition,
    text: str,
    categories: Iterable[str],
    mechanisms: Iterable[str],
    lowered: str | None = None,
) -> tuple[int, int] | None:
    """The span of ``text`` that is the evidence, or None when the clause does not meet the condition
    (``lowered``: ``text.lower()``, when the caller already has it)."""
    if condition.categories_any and not set(condition.categories_any) & set(categories):
        return None
    if condition.mechanisms_any and not set(condition.mechanisms_any) & set(mechanisms):
        return None
    lowered = text.lower() if lowered is None else lowered
    anchors = condition.evidence_anchors
    if anchors is not None and not any(map(lowered.__contains__, anchors)):
        return None
    if len(lowered) == len(text):  # lower-casing kept every offset (it does, but for a few non-Latin letters)
        found, cleared = condition.evidence_lowered.search(lowered), condition.cleared_lowered
        haystack = lowered
    else:
        found, cleared = condition.evidence_regex.search(text), condition.cleared_regex
        haystack = text
    if found is None:
        return None
    return None if cleared is not None and cleared.search(haystack) else (found.start(), found.end())


def _finding(rule: Rule, clause: Clause, span: tuple[int, int], context: DealContext) -> Finding:
    """A gap finding names no clause (interfaces.md) but keeps the span of the clause where the term belongs."""
    return Finding(
        rule=rule.code,
        family=rule.family,
        categories=rule.categories,
        side=rule.side,
        severity=rule.severity,
        clause=None if rule.gap is not None else clause.id,
        start=clause.start + span[0],
        end=clause.start + span[1],
        reason=rule.why,
        suggestion=rule.alternative,
        facts=_facts(rule.context, context),
    )


def _facts(condition: ContextCondition, context: DealContext) -> list[str]:
    """The context answers that made the rule apply, in words."""
    facts = []
    if condition.acting_for:
        facts.append(f"acting for the {context.side}")
    if condition.data_any:
        facts.append(f"{context.data} information enters the model")
    if condition.deployment_any:
        facts.append(f"deployment: {context.deployment}")
    if condition.human_review is not None:
        facts.append("a human reviews output" if context.human_review else "no human reviews output before use")
    return facts


def gap_anchor(condition: GapCondition, clauses: list[Clause]) -> Clause | None:
    """None when a clause governs the category, or the document is not one where it belongs; otherwise the clause
    where the missing term belongs."""
    if not clauses or any(condition.category in clause.categories for clause in clauses):
        return None
    needed = set(condition.in_documents_with)
    if needed and not any(needed & set(clause.mechanisms) for clause in clauses):
        return None
    related = [clause for clause in clauses if set(condition.anchor_categories) & set(clause.categories)]
    return (related or clauses)[0]


def undefined_uses(
    condition: UndefinedCondition, clauses: list[Clause], defined: set[str]
) -> list[tuple[Clause, tuple[int, int]]]:
    """First capitalised use of each listed term that the agreement does not define (singular or plural)."""
    known = {term.lower().removesuffix("s") for term in defined}
    found = []
    for term, pattern in condition.patterns.items():
        if term.lower().removesuffix("s") in known:
            continue
        use = next(
            (
                (clause, (match.start(), match.end()))
                for clause in clauses
                for match in pattern.finditer(clause.text)
                if not _SENTENCE_START.search(clause.text[: match.start()])
            ),
            None,
        )
        if use is not None:
            found.append(use)
    return found


_SENTENCE_START = re.compile(r"(?:^|[.:;!?\"“(]\s*|\n\s*)$")
"""A capital at the start of a sentence, a list item or a quotation says nothing about a defined term."""


Spans = dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], tuple[int, int] | None]
"""Evidence already found, by rule and clause (text, categories, mechanisms): versions share most clauses."""


def assess(
    clauses: list[Clause],
    context: DealContext,
    defined: Iterable[str] = (),
    *,
    also: Sequence[DealContext] = (),
    spans: Spans | None = None,
) -> list[Finding]:
    """Findings of every rule material in this context, in document order (``defined``: the defined terms).

    ``also`` adds the rules material in other contexts (the other side, say), each rule run once; ``spans``
    remembers evidence found in clauses seen before."""
    findings = []
    defined_terms = set(defined)
    lowered = [clause.text.lower() for clause in clauses]
    whole = ""  # the document's text, joined only if a rule exempts some documents
    spans = {} if spans is None else spans
    for rule in rulebook().rules.values():
        deal = next((deal for deal in (context, *also) if material(rule.context, deal)), None)
        if deal is None:
            continue
        if rule.document_exempt is not None:
            whole = whole or "\n".join(clause.text for clause in clauses)
            if rule.document_exempt.search(whole):
                continue
        if rule.gap is not None:
            anchor = gap_anchor(rule.gap, clauses)
            if anchor is not None:
                findings.append(_finding(rule, anchor, (0, len(anchor.text)), deal))
            continue
        if rule.undefined is not None:
            uses = undefined_uses(rule.undefined, clauses, defined_terms)
            findings.extend(_finding(rule, clause, where, deal) for clause, where in uses)
            continue
        assert rule.clause is not None
        for clause, lower in zip(clauses, lowered, strict=True):
            key = (rule.code, clause.text, tuple(clause.categories), tuple(clause.mechanisms))
            if key not in spans:
                spans[key] = evidence(rule.clause, clause.text, clause.categories, clause.mechanisms, lower)
            if (span := spans[key]) is not None:
                findings.append(_finding(rule, clause, span, deal))
    return sorted(findings, key=lambda finding: (finding.start, finding.rule))


def _position(governing: list[str], protected: set[str]) -> str:
    """Which way the agreement leans on a category: findings protecting the customer mean it favours the vendor."""
    if not governing:
        return "not addressed"
    if len(protected) > 1:
        return "contested"
    if protected == {"customer"}:
        return "vendor-protective"
    if protected == {"vendor"}:
        return "customer-protective"
    return "balanced"


def summarise(clauses: list[Clause], findings: list[Finding], context: DealContext) -> dict[str, dict[str, object]]:
    """Per category: materiality in this deal, the clauses that govern it, its findings and the verdict.

    ``target`` says what proportion looks like for the category's nature (taxonomy.yaml). ``verdict``: ``not
    addressed`` when no clause governs a category of medium or high materiality; ``under-protective`` when a
    finding protects the side we act for; ``over-protective`` when a finding is over-reach by our own side;
    ``unclear`` when the only findings are imprecision that hurts both sides alike; otherwise ``proportionate``.
    ``position`` says which way the agreement leans.
    """
    facts = context.facts()
    natures = {nature.id: nature.proportionate for nature in taxonomy().natures}
    summary: dict[str, dict[str, object]] = {}
    for category in taxonomy().categories:
        governing = [clause.id for clause in clauses if category.id in clause.categories]
        concerned = [finding for finding in findings if category.id in finding.categories]
        sides = {finding.side for finding in concerned}
        materiality = category.materiality.level(facts)
        if not governing and materiality != "low":
            verdict = "not addressed"
        elif context.side in sides:
            verdict = "under-protective"
        elif sides - {"both"}:
            verdict = "over-protective"
        elif sides:
            verdict = "unclear"
        else:
            verdict = "proportionate"
        position = _position(governing, {finding.side for finding in concerned if finding.side != "both"})
        summary[category.id] = {
            "materiality": materiality,
            "nature": category.nature,
            "target": natures[category.nature],
            "clauses": governing,
            "findings": len(concerned),
            "position": position,
            "verdict": verdict,
            "proportionate": verdict == "proportionate",
        }
    return summary
