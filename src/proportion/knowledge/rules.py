"""The finding rules, one YAML record per rule in ``knowledge/rules/`` with an annotated cases file beside it.

A rule says what it detects, why it matters in the taxonomy's terms, the proportionate alternative and its known
limits, and when it fires: a clause condition (labels from the classifier, wording that is the evidence, wording
that makes the clause proportionate) and a deal-context condition. The schema rejects unknown keys and checks every
reference against the taxonomy, so a typo in a lawyer's edit is an error, not a silent no-op.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from proportion.context import DataClass, Deployment, Side
from proportion.knowledge import Strict, anchors_of, lowered_alternation, taxonomy

FAMILY_PREFIX = {"conflation": "CNF", "overbreadth": "OVB", "gap": "GAP", "imprecision": "IMP", "over-reach": "OVR"}


class ClauseCondition(Strict):
    """Which clauses a rule looks at, what wording is the evidence, and what wording clears the clause."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    categories_any: list[str] = Field(default_factory=list)
    mechanisms_any: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(min_length=1)
    cleared_by: list[str] = Field(default_factory=list)

    @cached_property
    def evidence_regex(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{pattern})" for pattern in self.evidence), re.IGNORECASE)

    @cached_property
    def evidence_lowered(self) -> re.Pattern[str]:
        """``evidence_regex`` for lower-cased text (the same matches, faster)."""
        return lowered_alternation(self.evidence)

    @cached_property
    def cleared_lowered(self) -> re.Pattern[str] | None:
        return lowered_alternation(self.cleared_by) if self.cleared_by else None

    @cached_property
    def evidence_anchors(self) -> tuple[str, ...] | None:
        """Lower-case strings one of which any evidence contains: most clauses are ruled out by a substring test."""
        return anchors_of(self.evidence)

    @cached_property
    def cleared_regex(self) -> re.Pattern[str] | None:
        if not self.cleared_by:
            return None
        return re.compile("|".join(f"(?:{pattern})" for pattern in self.cleared_by), re.IGNORECASE)


class GapCondition(Strict):
    """A category the agreement should govern in this deal and does not; the finding is anchored on the first
    clause of a related category (where the missing term belongs), else on the first clause.

    ``in_documents_with``: mechanisms one of which some clause must have for the document to be an agreement the
    term belongs in — a document that grants nothing (an acceptable-use policy, a statute, the conditions of an
    indemnity) is not where a missing term of the service belongs."""

    category: str
    anchor_categories: list[str] = Field(default_factory=list)
    in_documents_with: list[str] = Field(default_factory=list)


class UndefinedCondition(Strict):
    """Key terms the agreement relies on (capitalised, as defined terms are) without defining them."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    terms: list[str] = Field(min_length=1)
    definitions: dict[str, str] = Field(default_factory=dict)
    """A definition for each term, with the playbook's variables: a fix's ``{definitions}`` lists those of the
    terms the agreement actually leaves undefined."""

    @model_validator(mode="after")
    def _every_term_defined(self) -> UndefinedCondition:
        if self.definitions and (missing := sorted(set(self.terms) ^ set(self.definitions))):
            raise ValueError(f"definitions and terms must name the same terms: {missing}")
        return self

    @cached_property
    def patterns(self) -> dict[str, re.Pattern[str]]:
        """Each term, as a whole word or its plural, case-sensitive."""
        return {term: re.compile(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])") for term in self.terms}


class ContextCondition(Strict):
    """The deals in which the rule's risk is material; an empty list places no condition."""

    acting_for: list[Side] = Field(default_factory=list)
    data_any: list[DataClass] = Field(default_factory=list)
    deployment_any: list[Deployment] = Field(default_factory=list)
    human_review: bool | None = None


class Fix(Strict):
    """The edit that resolves a finding, in the spirit of a linter's fix: how the clause changes, and whether the
    change only adds precision (``safe``) or moves risk between the parties (``review``).

    ``edit`` is one of: ``append`` (add a sentence after the sentence holding the evidence), ``replace-evidence``
    (put ``text`` in place of the evidence words), ``strike-evidence`` (delete the evidence words),
    ``replace-sentence`` (put the language in place of the sentence holding the evidence) or ``new-clause`` (add
    the position's language as a clause after the most related clause). The language is ``text`` when given,
    otherwise the playbook position's ``amendment`` (append) or ``language``. ``position`` is
    ``CATEGORY/POSITION-ID``; by default the target position of the side we act for on the rule's first category.
    """

    edit: Literal["append", "replace-evidence", "strike-evidence", "replace-sentence", "new-clause"]
    grade: Literal["safe", "review"]
    position: str = Field("", pattern=r"^$|^[a-z-]+/[a-z0-9-]+$")
    text: str = ""
    heading: str = ""
    """For a new clause whose language is ``text``: its heading (else the position's)."""

    @model_validator(mode="after")
    def _check(self) -> Fix:
        if self.edit == "replace-evidence" and not self.text:
            raise ValueError("a 'replace-evidence' fix needs the replacement 'text'")
        if self.edit == "strike-evidence" and self.text:
            raise ValueError("a 'strike-evidence' fix takes no 'text'")
        return self


class Rule(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    code: str = Field(pattern=r"^(CNF|OVB|GAP|IMP|OVR)[0-9]{3}$")
    family: Literal["conflation", "overbreadth", "gap", "imprecision", "over-reach"]
    """A gap rule looks at the whole agreement; every other family at one clause at a time."""
    title: str
    categories: list[str] = Field(min_length=1)
    side: Literal["customer", "vendor", "both"]
    severity: Literal["info", "low", "medium", "high"]
    detects: str
    why: str
    alternative: str
    limits: str
    example: str
    clause: ClauseCondition | None = None
    gap: GapCondition | None = None
    undefined: UndefinedCondition | None = None
    context: ContextCondition = ContextCondition()
    not_in_documents_saying: list[str] = Field(default_factory=list)
    """For a gap or undefined-term rule: wording that makes a document one the rule does not apply to — a cover
    page that incorporates standard terms leaves to them what it does not say itself."""
    fix: Fix

    @cached_property
    def document_exempt(self) -> re.Pattern[str] | None:
        if not self.not_in_documents_saying:
            return None
        return re.compile("|".join(f"(?:{pattern})" for pattern in self.not_in_documents_saying), re.IGNORECASE)

    @model_validator(mode="after")
    def _check(self) -> Rule:
        if not self.code.startswith(FAMILY_PREFIX[self.family]):
            raise ValueError(f"{self.code}: a {self.family} rule's code starts with {FAMILY_PREFIX[self.family]}")
        conditions = [self.clause, self.gap, self.undefined]
        if sum(condition is not None for condition in conditions) != 1 or (self.gap is not None) != (
            self.family == "gap"
        ):
            raise ValueError(
                f"{self.code}: a rule has one condition: 'gap' for a gap rule, else 'clause' or 'undefined'"
            )
        if self.not_in_documents_saying and self.clause is not None:
            raise ValueError(f"{self.code}: 'not_in_documents_saying' is for gap and undefined-term rules")
        if (self.fix.edit == "new-clause") != (self.gap is not None) and self.undefined is None:
            raise ValueError(f"{self.code}: a gap rule's fix adds a new clause; a clause rule's fix edits the clause")
        categories = set(taxonomy().category_ids)
        named = [*self.categories]
        if self.clause is not None:
            named += self.clause.categories_any
        if self.gap is not None:
            named += [self.gap.category, *self.gap.anchor_categories]
        unknown = [c for c in named if c not in categories]
        mechanisms = [*self.clause.mechanisms_any] if self.clause is not None else []
        mechanisms += self.gap.in_documents_with if self.gap is not None else []
        unknown += [m for m in mechanisms if m not in taxonomy().mechanism_ids]
        if unknown:
            raise ValueError(f"{self.code}: unknown categories or mechanisms {unknown}")
        for pattern in [*self.clause.evidence, *self.clause.cleared_by] if self.clause is not None else []:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{self.code}: bad pattern {pattern!r}: {error}") from error
        return self


class Case(Strict):
    """An annotated example: a clause (with its heading), and the deal context if it differs from the default."""

    text: str
    heading: str = ""
    context: dict[str, object] = Field(default_factory=dict)
    note: str = ""


class Cases(Strict):
    """A rule's examples: those it must flag and those it must leave alone; misses and false alarms on record.

    For a gap or undefined-term rule each case's ``text`` is a whole short agreement, one clause per paragraph."""

    flagged: list[Case] = Field(min_length=1)
    ok: list[Case] = Field(min_length=1)
    known_misses: list[Case] = Field(default_factory=list)
    known_false_alarms: list[Case] = Field(default_factory=list)


class RuleBook(BaseModel):
    rules: dict[str, Rule]
    cases: dict[str, Cases]


def _folder() -> resources.abc.Traversable:
    return resources.files(__package__).joinpath("rules")


@cache
def rulebook() -> RuleBook:
    """Every rule and its cases, validated; rule files are ``CODE.yaml`` and cases ``CODE.cases.yaml``."""
    rules: dict[str, Rule] = {}
    cases: dict[str, Cases] = {}
    for entry in sorted(_folder().iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".yaml"):
            continue
        record = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if entry.name.endswith(".cases.yaml"):
            cases[entry.name.removesuffix(".cases.yaml")] = Cases.model_validate(record)
        else:
            rule = Rule.model_validate(record)
            if entry.name != f"{rule.code}.yaml":
                raise ValueError(f"{entry.name}: the file of rule {rule.code} must be named {rule.code}.yaml")
            rules[rule.code] = rule
    if missing := sorted(set(rules) ^ set(cases)):
        raise ValueError(f"every rule needs a cases file and every cases file a rule: {missing}")
    return RuleBook(rules=rules, cases=cases)
