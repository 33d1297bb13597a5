"""Rounds: a negotiation, version by version -> what changed, who moved which way, what escalated, what is left.

Each version is read, segmented, classified and assessed from both sides like a single review. Clauses are then
aligned between consecutive versions by their words, not their numbers, so renumbering, moves, merges and splits
are recognised as such. Direction is read from the findings: a finding that protects the customer means the
text leans to the vendor, and the reverse; a round that removes such findings moved toward the customer. Where
a change moves no finding, the change is credited to the party who made it (``basis: "mover"``).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from proportion.assess import Spans, assess
from proportion.classify import ClauseLabels
from proportion.context import DealContext, build_context
from proportion.ingest.base import Limits
from proportion.ingest.docx import read_docx, revision_rounds
from proportion.knowledge import qualifiers
from proportion.knowledge.playbook import Playbook
from proportion.knowledge.rules import rulebook
from proportion.models import BlockKind, Clause, Finding, SourceDocument
from proportion.pipeline import analyse

Party = Literal["customer", "vendor"]
Status = Literal["unchanged", "renumbered", "moved", "edited", "added", "deleted", "split", "merged"]
UNMOVED = ("unchanged", "renumbered", "moved")
"""Statuses of a clause whose words did not change."""
SIMILAR = 0.5
"""Word-set overlap (Jaccard) above which two clauses are taken as one clause edited."""
REWRITTEN = 0.15
"""Lower overlap accepted for two clauses in the same place between matched neighbours (a clause rewritten)."""
PART_OF = 0.5
"""Share of a clause's words found in another clause for it to count as part of it (splits and merges)."""
_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"\w+")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionInfo(Model):
    number: int
    label: str
    party: Party
    words: int
    clauses: int
    lean: dict[str, int]
    """Per category with findings: findings protecting the customer minus findings protecting the vendor."""


class ClauseChange(Model):
    """One clause's fate between two versions: numbers before and after (several for a split or merge)."""

    status: Status
    before: list[str]
    after: list[str]
    """Clause numbers; "" for an unnumbered clause."""
    heading: str
    heading_before: str
    """The heading in the earlier version (the first clause's, for a merge)."""
    categories: list[str]
    words_added: int = 0
    words_removed: int = 0
    diff: list[tuple[str, str]] = Field(default_factory=list)
    """Word-level: ("=", kept words), ("-", removed), ("+", added)."""
    toward: Party | None = None
    basis: Literal["findings", "mover"] | None = None


class CategoryMove(Model):
    category: str
    lean_before: int
    lean_after: int
    """Findings protecting the customer minus findings protecting the vendor: > 0 leans to the vendor."""
    toward: Party
    distance: int
    """How far: the change in lean, or the number of changed clauses when the findings did not move."""
    clauses: int


class Escalation(Model):
    changes: int
    words_added: int
    words_removed: int
    new_defined_terms: list[str]
    stacked_qualifiers: list[str]
    """Qualifiers piled on an obligation that this round added (``knowledge/qualifiers.yaml``)."""
    undefined_terms: list[str]
    """Key terms this round started to rely on without defining them."""
    imprecision_index: float
    """Stacked qualifiers and undefined key terms per 1,000 words of the new version."""
    categories_touched: int
    categories_contested: int
    """Categories this round changed that the other party's previous round also changed."""


class OverReach(Model):
    clause: str
    rule: str
    title: str
    severity: str
    categories: list[str]
    evidence: str


class Round(Model):
    number: int
    """The version this round produced; it is compared with version ``number - 1``."""
    party: Party
    label: str
    changes: list[ClauseChange]
    categories: list[CategoryMove]
    escalation: Escalation
    over_reach: list[OverReach]
    """Findings this round introduced that protect the other party: asking for more than is proportionate."""
    converging: bool | None
    """Whether this round changed fewer words than the previous one (None for the first round)."""


class ClauseText(Model):
    clause: str
    text: str


class Dispute(Model):
    category: str
    customer_position: list[ClauseText]
    vendor_position: list[ClauseText]
    """Each side's last text of the clauses in this category where the two sides' texts differ."""
    proportionate_middle: str
    moves: int
    last_over_reach: list[OverReach]


class Negotiation(Model):
    schema_: str = Field(default="proportion.rounds/1", alias="schema")
    versions: list[VersionInfo]
    rounds: list[Round]
    in_dispute: list[Dispute]
    settled: list[str]
    """Categories that moved during the negotiation and not in the last round."""


@dataclass(slots=True)
class Version:
    """One version of the agreement, analysed."""

    number: int
    label: str
    party: Party
    document: SourceDocument
    clauses: list[Clause]
    terms: set[str]
    findings: list[Finding]
    articles: dict[str, str]

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.document.text))

    def stacked(self) -> Counter[str]:
        return _stacked(self.document.text)

    def undefined(self) -> Counter[str]:
        """Key terms used without a definition (the undefined-term rules' findings)."""
        return Counter(
            self.document.text[finding.start : finding.end]
            for finding in self.findings
            if rulebook().rules[finding.rule].undefined is not None
        )

    def imprecision(self) -> float:
        found = sum(self.stacked().values()) + sum(self.undefined().values())
        return round(1000 * found / max(self.words, 1), 2)


def read_version(
    number: int,
    label: str,
    party: Party,
    document: SourceDocument,
    answers: dict[str, object],
    known: dict[tuple[str, str], ClauseLabels] | None = None,
    spans: Spans | None = None,
) -> Version:
    """Analyse one version, assessed for both sides (the deal answers other than the side apply to both);
    ``known`` and ``spans`` carry clause labels and evidence from earlier versions."""
    clauses, terms = analyse(document, known)
    defined = [term.term for term in terms]
    customer, vendor = (build_context({**answers, "side": side}) for side in ("customer", "vendor"))
    findings = assess(clauses, customer, defined, also=[vendor], spans=spans)
    return Version(number, label, party, document, clauses, set(defined), findings, _articles(document, clauses))


def _articles(document: SourceDocument, clauses: list[Clause]) -> dict[str, str]:
    """Each clause's article: the text of the last heading block before it (its number left out)."""
    headings = [
        (block.start, document.text[block.start : block.end].split("\t")[-1].strip())
        for block in document.blocks
        if block.kind is BlockKind.HEADING
    ]
    found: dict[str, str] = {}
    index = 0
    current = ""
    for clause in clauses:
        while index < len(headings) and headings[index][0] <= clause.start:
            current = headings[index][1]
            index += 1
        found[clause.id] = current
    return found


def _stacked(text: str) -> Counter[str]:
    """The stacked qualifiers in a text, as written (lower-cased)."""
    lowered = text.lower()
    return Counter(_normal(found) for qualifier in qualifiers() for found in qualifier.find(lowered))


# --- alignment ---------------------------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _jaccard(first: set[str], second: set[str]) -> float:
    return len(first & second) / len(first | second) if first or second else 1.0


def _within(part: set[str], whole: set[str]) -> float:
    return len(part & whole) / len(part) if part else 0.0


@dataclass(slots=True)
class _Pair:
    before: list[Clause]
    after: list[Clause]


class _Aligner:
    """Pairs the clauses of two versions in passes, each taking what the previous left unmatched."""

    def __init__(self, before: Version, after: Version) -> None:
        self.before, self.after = before, after
        # Clause ids repeat across versions (c1, c2 ...): clauses are keyed by the objects themselves.
        self.open = {id(clause) for clause in [*before.clauses, *after.clauses]}
        self.position = {id(clause): index for clauses in (before.clauses, after.clauses) for index, clause in
                         enumerate(clauses)}
        self.pairs: list[_Pair] = []
        self.words = {id(clause): _words(clause.text) for clause in [*before.clauses, *after.clauses]}

    @property
    def left(self) -> list[Clause]:
        return [clause for clause in self.before.clauses if id(clause) in self.open]

    @property
    def right(self) -> list[Clause]:
        return [clause for clause in self.after.clauses if id(clause) in self.open]

    def pair(self, first: list[Clause], second: list[Clause]) -> None:
        self.pairs.append(_Pair(first, second))
        self.open -= {id(clause) for clause in [*first, *second]}

    def identical(self) -> None:
        waiting: dict[str, list[Clause]] = {}
        for clause in self.right:
            waiting.setdefault(_normal(clause.text), []).append(clause)
        for clause in list(self.left):
            if same := waiting.get(_normal(clause.text)):
                self.pair([clause], [same.pop(0)])

    def splits_and_merges(self) -> None:
        """A clause left over that is mostly made of the words of a clause next to it that is already paired
        with the leftover's neighbour: the pair is a split (or a merge) when it covers that clause much better."""
        for pair in list(self.pairs):
            if len(pair.before) != 1 or len(pair.after) != 1:
                continue
            for split in (True, False):
                whole = pair.before[0] if split else pair.after[0]
                parts = pair.after if split else pair.before
                order = self.after.clauses if split else self.before.clauses
                for step in (-1, 1):
                    while True:
                        edge = self.position[id(parts[0 if step < 0 else -1])] + step
                        if not 0 <= edge < len(order) or id(order[edge]) not in self.open:
                            break
                        candidate = order[edge]
                        whole_words = self.words[id(whole)]
                        if _within(self.words[id(candidate)], whole_words) < PART_OF:
                            break
                        now = _within(whole_words, set().union(*(self.words[id(part)] for part in parts)))
                        grown = _within(whole_words, self.words[id(candidate)] | set().union(
                            *(self.words[id(part)] for part in parts)))
                        if grown - now < 0.15:
                            break
                        parts.insert(0 if step < 0 else len(parts), candidate)
                        self.open.discard(id(candidate))

    def similar(self, threshold: float, candidates: list[tuple[list[Clause], list[Clause]]]) -> None:
        """Most similar pairs first (words shared, same heading), each clause used once."""
        scored = sorted(
            (
                (self.score(first, second), index, first, second)
                for index, (lefts, rights) in enumerate(candidates)
                for first in lefts
                for second in rights
            ),
            key=lambda item: (-item[0], item[1]),
        )
        for score, _, first, second in scored:
            if score >= threshold and id(first) in self.open and id(second) in self.open:
                self.pair([first], [second])

    def score(self, first: Clause, second: Clause) -> float:
        same_heading = first.heading != "" and first.heading == second.heading
        return _jaccard(self.words[id(first)], self.words[id(second)]) + (0.3 if same_heading else 0.0)

    def gaps(self) -> list[tuple[list[Clause], list[Clause]]]:
        """The unmatched clauses between two consecutive matched clauses, in each version: rewritten clauses
        usually stay where they were."""
        anchors = sorted(
            (self.position[id(pair.before[0])], self.position[id(pair.after[0])])
            for pair in self.pairs
            if pair.before and pair.after
        )
        kept = _longest_increasing([second for _, second in anchors])
        ends = (len(self.before.clauses), len(self.after.clauses))
        bounds = [(-1, -1), *[(first, second) for first, second in anchors if second in kept], ends]
        gaps = []
        for (a1, b1), (a2, b2) in pairwise(bounds):
            lefts = [clause for clause in self.before.clauses[a1 + 1 : a2] if id(clause) in self.open]
            rights = [clause for clause in self.after.clauses[b1 + 1 : b2] if id(clause) in self.open]
            if lefts and rights:
                gaps.append((lefts, rights))
        return gaps


def align(before: Version, after: Version) -> list[_Pair]:
    """Clause correspondences between two versions: identical text; clearly similar clauses anywhere; between two
    matched clauses, rewritten clauses that still share some words; then clauses left over that split from or
    merged into a neighbour. What is left was deleted (no ``after``) or added (no ``before``)."""
    aligner = _Aligner(before, after)
    aligner.identical()
    aligner.similar(SIMILAR, aligner.gaps())
    aligner.similar(SIMILAR, [(aligner.left, aligner.right)])
    aligner.similar(REWRITTEN, aligner.gaps())
    aligner.splits_and_merges()
    pairs = aligner.pairs
    pairs += [_Pair([clause], []) for clause in aligner.left]
    pairs += [_Pair([], [clause]) for clause in aligner.right]
    return _in_report_order(pairs, before, after)


def _in_report_order(pairs: list[_Pair], before: Version, after: Version) -> list[_Pair]:
    """Pairs in the new version's order; a deleted clause just after the clause that preceded it."""
    position = {id(clause): index for index, clause in enumerate(after.clauses)}
    landed = {id(first): position[id(pair.after[0])] for pair in pairs if pair.after for first in pair.before}
    place: dict[int, float] = {}
    last = -1.0
    for clause in before.clauses:
        last = landed.get(id(clause), last + 0.001)
        place[id(clause)] = last
    return sorted(
        pairs, key=lambda pair: position[id(pair.after[0])] if pair.after else place[id(pair.before[0])] + 0.5
    )


def _normal(text: str) -> str:
    return " ".join(text.split())


def _status(pair: _Pair, before: Version, after: Version, out_of_order: set[str]) -> Status:
    if not pair.before:
        return "added"
    if not pair.after:
        return "deleted"
    if len(pair.before) > 1:
        return "merged"
    if len(pair.after) > 1:
        return "split"
    first, second = pair.before[0], pair.after[0]
    if _normal(first.text) != _normal(second.text) or first.heading != second.heading:
        return "edited"
    if before.articles[first.id] != after.articles[second.id] or second.id in out_of_order:
        return "moved"
    return "unchanged" if first.number == second.number else "renumbered"


def _out_of_order(pairs: list[_Pair], before: Version) -> set[str]:
    """Clauses kept in both versions whose order relative to the others changed (not on the longest run that
    keeps its order)."""
    kept = [pair for pair in pairs if len(pair.before) == 1 and len(pair.after) == 1]
    positions = {id(pair): index for index, pair in enumerate(kept)}
    place = {id(clause): index for index, clause in enumerate(before.clauses)}
    by_before = sorted(kept, key=lambda pair: place[id(pair.before[0])])
    sequence = [positions[id(pair)] for pair in by_before]
    keep = _longest_increasing(sequence)
    return {pair.after[0].id for pair in by_before if positions[id(pair)] not in keep}


def _longest_increasing(values: list[int]) -> set[int]:
    """The values on one longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        at = bisect.bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            tail_index.append(index)
        else:
            tails[at] = value
            tail_index[at] = index
        previous[index] = tail_index[at - 1] if at else -1
    kept = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        kept.add(values[index])
        index = previous[index]
    return kept


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences: runs of kept, removed and added words."""
    first, second = _TOKEN.findall(old), _TOKEN.findall(new)
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, first, second, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("=", " ".join(first[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("-", " ".join(first[i1:i2])))
        if j2 > j1:
            ops.append(("+", " ".join(second[j1:j2])))
    return ops


# --- direction ---------------------------------------------------------------------------------------------

_WEIGHT = {"customer": 1, "vendor": -1, "both": 0}
"""A finding protecting the customer means the text leans to the vendor (+1); protecting the vendor, -1."""


def _lean(findings: Iterable[Finding]) -> int:
    return sum(_WEIGHT[finding.side] for finding in findings)


def _in_clauses(findings: list[Finding], clauses: list[Clause]) -> list[Finding]:
    ids = {clause.id for clause in clauses}
    return [finding for finding in findings if finding.clause in ids]


def _toward(delta: int) -> Party | None:
    return "vendor" if delta > 0 else "customer" if delta < 0 else None


def _change(pair: _Pair, status: Status, before: Version, after: Version) -> ClauseChange:
    old = "\n".join(clause.text for clause in pair.before)
    new = "\n".join(clause.text for clause in pair.after)
    diff = word_diff(old, new) if status in ("edited", "split", "merged") else []
    if status == "added":
        diff = [("+", _normal(new))]
    elif status == "deleted":
        diff = [("-", _normal(old))]
    added = sum(len(text.split()) for op, text in diff if op == "+")
    removed = sum(len(text.split()) for op, text in diff if op == "-")
    categories = sorted({category for clause in [*pair.before, *pair.after] for category in clause.categories})
    toward: Party | None = None
    basis: Literal["findings", "mover"] | None = None
    if status not in UNMOVED:
        delta = _lean(_in_clauses(after.findings, pair.after)) - _lean(_in_clauses(before.findings, pair.before))
        toward, basis = (_toward(delta), "findings") if delta else (after.party, "mover")
    return ClauseChange(
        status=status,
        before=[clause.number for clause in pair.before],
        after=[clause.number for clause in pair.after],
        heading=(pair.after or pair.before)[0].heading,
        heading_before=pair.before[0].heading if pair.before else "",
        categories=categories,
        words_added=added,
        words_removed=removed,
        diff=diff,
        toward=toward,
        basis=basis,
    )


def _moves(changes: list[ClauseChange], before: Version, after: Version) -> list[CategoryMove]:
    touched: Counter[str] = Counter()
    for change in changes:
        if change.toward is not None:
            touched.update(change.categories)
    moves = []
    for category in sorted(set(touched) | _categories(before.findings) | _categories(after.findings)):
        lean_before = _lean(f for f in before.findings if category in f.categories)
        lean_after = _lean(f for f in after.findings if category in f.categories)
        if lean_before == lean_after and not touched[category]:
            continue
        toward = _toward(lean_after - lean_before) or _majority(changes, category) or after.party
        distance = abs(lean_after - lean_before) or touched[category]
        moves.append(CategoryMove(category=category, lean_before=lean_before, lean_after=lean_after, toward=toward,
                                  distance=distance, clauses=touched[category]))
    return moves


def _categories(findings: list[Finding]) -> set[str]:
    return {category for finding in findings for category in finding.categories}


def _majority(changes: list[ClauseChange], category: str) -> Party | None:
    votes = Counter(change.toward for change in changes if category in change.categories and change.toward)
    return votes.most_common(1)[0][0] if votes else None


def _over_reach(before: Version, after: Version) -> list[OverReach]:
    """Findings in the new version, absent from the old, that protect the party who did not write it."""
    old = Counter((finding.rule, _normal(before.document.text[finding.start : finding.end])) for finding in
                  before.findings)
    numbers = {clause.id: clause.number or clause.id for clause in after.clauses}
    found = []
    for finding in after.findings:
        key = (finding.rule, _normal(after.document.text[finding.start : finding.end]))
        if old[key]:
            old[key] -= 1
            continue
        if finding.side in ("customer", "vendor") and finding.side != after.party and finding.clause:
            found.append(
                OverReach(
                    clause=numbers.get(finding.clause, finding.clause),
                    rule=finding.rule,
                    title=rulebook().rules[finding.rule].title,
                    severity=finding.severity,
                    categories=finding.categories,
                    evidence=_normal(after.document.text[finding.start : finding.end])[:200],
                )
            )
    return found


def compare_pair(before: Version, after: Version, previous: Round | None) -> Round:
    pairs = align(before, after)
    out_of_order = _out_of_order(pairs, before)
    changes = [_change(pair, _status(pair, before, after, out_of_order), before, after) for pair in pairs]
    moves = _moves(changes, before, after)
    substantive = [change for change in changes if change.status not in UNMOVED]
    touched = {move.category for move in moves if move.clauses}
    earlier = {move.category for move in previous.categories if move.clauses} if previous else set()
    words = sum(change.words_added + change.words_removed for change in changes)
    last_words = (
        sum(c.words_added + c.words_removed for c in previous.changes) if previous is not None else None
    )
    return Round(
        number=after.number,
        party=after.party,
        label=after.label,
        changes=changes,
        categories=moves,
        escalation=Escalation(
            changes=len(substantive) + sum(change.status == "moved" for change in changes),
            words_added=sum(change.words_added for change in changes),
            words_removed=sum(change.words_removed for change in changes),
            new_defined_terms=sorted(after.terms - before.terms),
            stacked_qualifiers=sorted(
                phrase
                for pair, change in zip(pairs, changes, strict=True)
                if change.status not in UNMOVED
                for phrase in (
                    _stacked(" ".join(c.text for c in pair.after)) - _stacked(" ".join(c.text for c in pair.before))
                ).elements()
            ),
            undefined_terms=sorted((after.undefined() - before.undefined()).elements()),
            imprecision_index=after.imprecision(),
            categories_touched=len(touched),
            categories_contested=len(touched & earlier),
        ),
        over_reach=_over_reach(before, after),
        converging=None if last_words is None else words < last_words,
    )


def _disputes(rounds: list[Round], versions: list[Version], playbook: Playbook, context: DealContext) -> list[Dispute]:
    """Categories still apart: moved in the last round against the direction of the round before."""
    if len(rounds) < 2:
        return []
    last, previous = rounds[-1], rounds[-2]
    before = {move.category: move.toward for move in previous.categories if move.clauses}
    facts = context.facts()
    disputes = []
    for move in last.categories:
        if not move.clauses or before.get(move.category) in (None, move.toward):
            continue
        earlier, later = versions[-2], versions[-1]
        apart = [
            pair
            for pair in align(earlier, later)
            if any(move.category in clause.categories for clause in [*pair.before, *pair.after])
            and _normal(" ".join(c.text for c in pair.before)) != _normal(" ".join(c.text for c in pair.after))
        ]
        positions = {
            earlier.party: [ClauseText(clause=c.number, text=c.text) for pair in apart for c in pair.before],
            later.party: [ClauseText(clause=c.number, text=c.text) for pair in apart for c in pair.after],
        }
        disputes.append(
            Dispute(
                category=move.category,
                customer_position=positions.get("customer", []),
                vendor_position=positions.get("vendor", []),
                proportionate_middle=playbook.category(move.category).middle(facts).summary,
                moves=sum(any(m.category == move.category and m.clauses for m in r.categories) for r in rounds),
                last_over_reach=[
                    item for r in rounds[-2:] for item in r.over_reach if move.category in item.categories
                ],
            )
        )
    return disputes


def tracked_versions(data: bytes, limits: Limits) -> list[tuple[str, SourceDocument]]:
    """The versions inside one DOCX with tracked changes: the text with every change rejected, then each round
    (one author's changes, in date order) accepted on top of the rounds before it."""
    rounds = revision_rounds(data, limits)
    versions = []
    for count in range(len(rounds) + 1):
        chosen = {mark for marks in rounds[:count] for mark in marks}
        label = "original (all tracked changes rejected)"
        if count:
            author, date = rounds[count - 1][0]
            label = f"{author}, {date[:10]}"
        versions.append((label, read_docx(data, limits, lambda author, date: (author, date) in chosen)))  # noqa: B023 - used at once
    return versions


def parse_parties(text: str, versions: int) -> list[Party]:
    """"vendor,customer,customer" -> one party per version; ValueError when a name or the count is wrong."""
    names = [name.strip() for name in text.split(",")]
    if len(names) != versions or set(names) - {"customer", "vendor"}:
        raise ValueError(f"name 'customer' or 'vendor' for each of the {versions} versions, comma-separated")
    return [cast(Party, name) for name in names]


def negotiate(
    documents: list[tuple[str, SourceDocument]],
    first: Party,
    answers: dict[str, object],
    playbook: Playbook,
    progress: Callable[[str], None] = lambda _: None,
    parties: Sequence[Party] | None = None,
) -> Negotiation:
    """Compare each version with the one before. ``first`` wrote the first version and the parties alternate,
    unless ``parties`` names who wrote each version (internal drafts, two rounds from one side)."""
    other: Party = "vendor" if first == "customer" else "customer"
    authors = list(parties) if parties is not None else [first if n % 2 == 0 else other for n in range(len(documents))]
    if len(authors) != len(documents):
        raise ValueError(f"{len(authors)} parties named for {len(documents)} versions")
    versions = []
    known: dict[tuple[str, str], ClauseLabels] = {}
    spans: Spans = {}
    for number, ((label, document), party) in enumerate(zip(documents, authors, strict=True), start=1):
        progress(f"reading version {number}: {label}")
        versions.append(read_version(number, label, party, document, answers, known, spans))
    rounds: list[Round] = []
    for before, after in pairwise(versions):
        progress(f"comparing version {before.number} with version {after.number}")
        rounds.append(compare_pair(before, after, rounds[-1] if rounds else None))
    context = build_context({**answers, "side": first})
    in_dispute = _disputes(rounds, versions, playbook, context)
    moved = {move.category for r in rounds for move in r.categories if move.clauses}
    last = {move.category for move in rounds[-1].categories if move.clauses} if rounds else set()
    return Negotiation(
        versions=[
            VersionInfo(
                number=v.number,
                label=v.label,
                party=v.party,
                words=v.words,
                clauses=len(v.clauses),
                lean={
                    category: _lean(f for f in v.findings if category in f.categories)
                    for category in sorted(_categories(v.findings))
                },
            )
            for v in versions
        ],
        rounds=rounds,
        in_dispute=in_dispute,
        settled=sorted(moved - last),
    )
