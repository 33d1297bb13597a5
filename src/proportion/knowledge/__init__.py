"""The knowledge base: the risk vocabulary, CUAD clause types and lexical signals, read from versioned YAML.

Knowledge is data a lawyer can read and change; this module only loads it, validates it against a strict schema
(unknown keys and dangling references are errors) and caches it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, cached_property
from importlib import resources
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from proportion.context import FACTS


class Strict(BaseModel):
    """Base for knowledge records: a misspelt key is an error, not a silently ignored field."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Nature(Strict):
    id: str
    meaning: str
    proportionate: str


CONTEXT_FACTS = frozenset(FACTS)
"""Facts of a deal context that materiality rules may name (``proportion.context.FACTS``)."""


class Materiality(Strict):
    """How much a category matters in a deal: a default, raised or lowered by facts of the deal context."""

    default: Literal["low", "medium", "high"]
    high_when: list[str] = Field(default_factory=list)
    low_when: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_facts(self) -> Materiality:
        unknown = sorted(set(self.high_when + self.low_when) - CONTEXT_FACTS)
        if unknown:
            raise ValueError(f"unknown context facts {unknown}; known: {sorted(CONTEXT_FACTS)}")
        return self

    def level(self, facts: set[str]) -> str:
        if facts & set(self.high_when):
            return "high"
        if facts & set(self.low_when):
            return "low"
        return self.default


class Category(Strict):
    id: str
    nature: str
    covers: str
    materiality: Materiality


class Mechanism(Strict):
    id: str
    covers: str


class Family(Strict):
    id: str
    detects: str


class Taxonomy(Strict):
    version: int
    natures: list[Nature]
    categories: list[Category]
    mechanisms: list[Mechanism]
    families: list[Family]

    @model_validator(mode="after")
    def _check(self) -> Taxonomy:
        natures = _unique("nature", [nature.id for nature in self.natures])
        _unique("category", [category.id for category in self.categories])
        _unique("mechanism", [mechanism.id for mechanism in self.mechanisms])
        _unique("family", [family.id for family in self.families])
        for category in self.categories:
            if category.nature not in natures:
                raise ValueError(f"category {category.id}: unknown nature {category.nature!r}")
        return self

    @property
    def category_ids(self) -> list[str]:
        return [category.id for category in self.categories]

    @property
    def mechanism_ids(self) -> list[str]:
        return [mechanism.id for mechanism in self.mechanisms]

    def category(self, identifier: str) -> Category:
        return next(entry for entry in self.categories if entry.id == identifier)


class ClauseType(Strict):
    id: str
    description: str
    answer: str
    group: str


class ClauseTypes(Strict):
    clause_types: list[ClauseType]

    @property
    def ids(self) -> list[str]:
        return [entry.id for entry in self.clause_types]


_ESCAPE_OR_UPPER = re.compile(r"(\\.)|([A-Z])")


class Signal(Strict):
    """Wording with a legal meaning; a classifier feature named ``sig:<id>``."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    id: str
    labels: list[str]
    why: str
    patterns: list[str]
    match: list[str]
    no_match: list[str] = Field(default_factory=list)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """All patterns as one alternation for lower-cased text."""
        return lowered_alternation(self.patterns)

    @cached_property
    def anchors(self) -> tuple[str, ...] | None:
        """Lower-case strings one of which every match must contain; None when a pattern has no such strings.

        Running dozens of regular expressions over every clause is the classifier's main cost; most clauses
        contain none of a signal's anchors, and a substring test rules the signal out at once.
        """
        return anchors_of(self.patterns)

    @cached_property
    def matches(self) -> Callable[[str], bool]:
        """The test on lower-cased text, built once: the anchor prefilter, then the patterns."""
        anchors, search = self.anchors, self.regex.search
        if anchors is None:
            return lambda lowered: search(lowered) is not None
        return lambda lowered: any(map(lowered.__contains__, anchors)) and search(lowered) is not None

    def fires(self, text: str, lowered: str | None = None) -> bool:
        """Whether the signal's wording occurs in ``text`` (pass ``text.lower()`` as ``lowered`` to reuse it)."""
        return self.matches(text.lower() if lowered is None else lowered)


def lowered_alternation(patterns: list[str]) -> re.Pattern[str]:
    """The patterns as one alternation with their letters lower-cased, to run on lower-cased text: the same matches
    as IGNORECASE (escapes such as ``\\S`` are kept) at about half the cost."""
    lowered = (_ESCAPE_OR_UPPER.sub(lambda match: match.group(1) or match.group(2).lower(), p) for p in patterns)
    return re.compile("|".join(f"(?:{pattern})" for pattern in lowered))


def anchors_of(patterns: list[str]) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of any of ``patterns`` contains (None when unknown): a cheap
    substring test that rules most texts out before a regular expression runs."""
    found: set[str] = set()
    for pattern in patterns:
        required = _required_strings(_parser.parse(pattern))
        if required is None:
            return None
        found.update(string.lower() for string in required)
    # An anchor that contains a shorter one adds nothing: wherever it occurs, the shorter one does too.
    return tuple(sorted(a for a in found if not any(b != a and b in a for b in found)))


def _required_strings(items: Any) -> list[str] | None:
    """Strings (three letters or more) one of which every match of a parsed pattern contains; None if unknown."""
    run = ""
    for operator, argument in items:
        if operator is _constants.LITERAL:
            run += chr(argument)
            continue
        if len(run) >= 3:
            return [run]
        run = ""
        if operator in (_constants.SUBPATTERN, _constants.BRANCH):
            branches = [argument[-1]] if operator is _constants.SUBPATTERN else argument[1]
            options = [_required_strings(branch) for branch in branches]
            if all(option is not None for option in options):
                return [string for option in options for string in option or []]
    return [run] if len(run) >= 3 else None


class Signals(Strict):
    version: int
    signals: list[Signal]


class Qualifier(Strict):
    """Words stacked on an obligation that add emphasis, not allocation (``qualifiers.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    id: str
    why: str
    pattern: str
    match: list[str] = Field(min_length=1)
    no_match: list[str] = Field(default_factory=list)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The pattern for lower-cased text."""
        return lowered_alternation([self.pattern])

    @cached_property
    def anchors(self) -> tuple[str, ...] | None:
        return anchors_of([self.pattern])

    def find(self, lowered: str) -> list[str]:
        """The qualifier's occurrences in lower-cased text."""
        if self.anchors is not None and not any(map(lowered.__contains__, self.anchors)):
            return []
        return [match.group(0) for match in self.regex.finditer(lowered)]


class Qualifiers(Strict):
    version: int
    qualifiers: list[Qualifier]


def _unique(kind: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise ValueError(f"duplicate {kind} id {identifier!r}")
        seen.add(identifier)
    return seen


def _load(name: str) -> Any:
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


@cache
def taxonomy() -> Taxonomy:
    return Taxonomy.model_validate(_load("taxonomy.yaml"))


@cache
def clause_types() -> ClauseTypes:
    loaded = ClauseTypes.model_validate(_load("clause_types.yaml"))
    _unique("clause type", loaded.ids)
    return loaded


@cache
def qualifiers() -> list[Qualifier]:
    """The stacked qualifiers, each pattern compiled (a bad pattern is an error at load)."""
    loaded = Qualifiers.model_validate(_load("qualifiers.yaml")).qualifiers
    _unique("qualifier", [qualifier.id for qualifier in loaded])
    for qualifier in loaded:
        try:
            qualifier.regex  # noqa: B018 - compiling is the check
        except re.error as error:
            raise ValueError(f"qualifier {qualifier.id}: bad pattern: {error}") from error
    return loaded


@cache
def signals() -> list[Signal]:
    """The lexical signals, with every label checked against the taxonomy and every pattern compiled."""
    loaded = Signals.model_validate(_load("signals.yaml")).signals
    _unique("signal", [signal.id for signal in loaded])
    known = set(taxonomy().category_ids) | set(taxonomy().mechanism_ids) | set(clause_types().ids)
    for signal in loaded:
        unknown = [label for label in signal.labels if label not in known]
        if unknown:
            raise ValueError(f"signal {signal.id}: unknown labels {unknown}")
        try:
            signal.regex  # noqa: B018 - compiling is the check
        except re.error as error:
            raise ValueError(f"signal {signal.id}: bad pattern: {error}") from error
    return loaded
