"""Measuring the pipeline against labelled data (used by ``proportion bench`` and ``proportion eval``).

Segmentation is scored on clause boundaries: each gold clause of ``ai_clauses/clauses.jsonl`` is located in
its source document by its words, and a boundary is the word position where a clause starts or ends. A
predicted boundary counts when the gold has a boundary at the same word.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proportion.ingest import read_document
from proportion.segment import segment

_WORD = re.compile(r"\S+")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines file (blank lines skipped)."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


@dataclass(slots=True)
class Score:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Score) -> None:
        self.true_positives += other.true_positives
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class DocumentBoundaries:
    document: str
    score: Score
    missed: list[int] = field(default_factory=list)
    spurious: list[int] = field(default_factory=list)
    unlocated: int = 0


def _word_starts(text: str) -> tuple[list[int], list[str]]:
    matches = list(_WORD.finditer(text))
    return [m.start() for m in matches], [m.group() for m in matches]


def _locate(words: list[str], needle: list[str], cursor: int) -> int | None:
    """Index of the first occurrence of ``needle`` in ``words`` at or after ``cursor`` (then anywhere)."""
    if not needle:
        return None
    for begin in (cursor, 0):
        first = needle[0]
        index = begin
        while True:
            try:
                index = words.index(first, index)
            except ValueError:
                break
            if words[index : index + len(needle)] == needle:
                return index
            index += 1
    return None


def score_boundaries(path: Path, gold_texts: list[str]) -> DocumentBoundaries:
    document = read_document(path)
    starts, words = _word_starts(document.text)
    gold: set[int] = set()
    cursor = 0
    unlocated = 0
    for text in gold_texts:
        needle = text.split()
        index = _locate(words, needle, cursor)
        if index is None:
            unlocated += 1
            continue
        gold.update({2 * index, 2 * (index + len(needle)) + 1})
        cursor = index + len(needle)
    predicted: set[int] = set()
    for clause in segment(document):
        first = bisect.bisect_left(starts, clause.start)
        last = bisect.bisect_left(starts, clause.end)
        predicted.update({2 * first, 2 * last + 1})
    hits = gold & predicted
    return DocumentBoundaries(
        path.stem,
        Score(len(hits), len(predicted), len(gold)),
        sorted(i // 2 for i in gold - predicted),
        sorted(i // 2 for i in predicted - gold),
        unlocated,
    )


def segmentation_benchmark(corpus: Path, clauses_file: Path) -> list[DocumentBoundaries]:
    """Boundary scores for every corpus document that has labelled clauses."""
    by_document: dict[str, list[str]] = defaultdict(list)
    for record in read_jsonl(clauses_file):
        by_document[record["doc"]].append(record["text"])
    results = []
    for slug, texts in sorted(by_document.items()):
        path = corpus / f"{slug}.txt"
        if path.exists():
            results.append(score_boundaries(path, texts))
    return results


@dataclass(slots=True)
class FindingScores:
    """Finding-level precision and recall against ai_clauses/findings.jsonl, overall and per family."""

    overall: Score
    families: dict[str, Score]
    documents: int


def _gold_clause_for(clause_text: str, gold: list[tuple[str, set[str]]]) -> str | None:
    """The gold clause id whose words overlap ours most (segmentation differs slightly from the labels')."""
    words = set(clause_text.split())
    best, best_overlap = None, 0.0
    for gold_id, gold_words in gold:
        overlap = len(words & gold_words) / max(len(words | gold_words), 1)
        if overlap > best_overlap:
            best, best_overlap = gold_id, overlap
    return best if best_overlap >= 0.5 else None


def findings_benchmark(corpus: Path, labels: Path) -> FindingScores:
    """Review each open-corpus document that has gold findings (default context) and match findings.

    A predicted finding matches a gold one of the same document when both name the same clause and family; a gap
    matches by family and missing category. Market findings (no market corpus yet) stay in the gold.
    """
    from proportion.pipeline import review

    gold_findings = read_jsonl(labels.parent / "findings.jsonl")
    gold_clauses: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)
    for record in read_jsonl(labels):
        gold_clauses[record["doc"]].append((record["id"], set(record["text"].split())))
    overall = Score()
    families: dict[str, Score] = defaultdict(Score)
    documents = sorted({record["doc"] for record in gold_findings})
    for document in documents:
        result = review(corpus / f"{document}.txt")
        texts = {clause.id: clause.text for clause in result.clauses}
        predicted: set[tuple[str, str]] = set()
        for finding in result.findings:
            if finding.clause is None:
                predicted.update((f"gap:{category}", finding.family) for category in finding.categories)
            else:
                gold_id = _gold_clause_for(texts[finding.clause], gold_clauses[document])
                predicted.add((gold_id or f"ours:{finding.clause}", finding.family))
        gold: set[tuple[str, str]] = set()
        for record in gold_findings:
            if record["doc"] != document:
                continue
            if record["clause"] is None:
                gold.update((f"gap:{category}", record["family"]) for category in record["categories"])
            else:
                gold.add((record["clause"], record["family"]))
        for family in {family for _, family in predicted | gold}:
            ours = {item for item in predicted if item[1] == family}
            theirs = {item for item in gold if item[1] == family}
            score = Score(len(ours & theirs), len(ours), len(theirs))
            families[family].add(score)
            overall.add(score)
    return FindingScores(overall, dict(sorted(families.items())), len(documents))


ANSWER_KEY_STATUS = {"renumbered-only": "renumbered", "split-into": "split", "merged-from": "merged"}
"""The answer key's words for the statuses ``proportion rounds`` names more briefly."""


def answer_key_entries(transition: dict[str, Any]) -> list[tuple[str, list[str], list[str]]]:
    """(status, numbers before, numbers after) of every clause of one transition of a negotiation's answer key."""

    def numbers(value: str | list[str] | None) -> list[str]:
        return [] if value is None else [value] if isinstance(value, str) else list(value)

    return sorted(
        (ANSWER_KEY_STATUS.get(entry["status"], entry["status"]), numbers(entry["before"]), numbers(entry["after"]))
        for entry in transition["clauses"]
    )


@dataclass(slots=True)
class RoundsScore:
    """A negotiation compared with its answer key: clause entries and category directions that agree."""

    entries: Score
    directions: Score


def rounds_benchmark(folder: Path) -> RoundsScore:
    """``proportion rounds`` on the versions ``round-N.docx`` of ``folder`` against its ``expected.yaml``."""
    import yaml

    from proportion.knowledge.playbook import default_playbook
    from proportion.rounds import negotiate

    key = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    paths = sorted(folder.glob("round-*.docx"))
    result = negotiate([(path.name, read_document(path)) for path in paths], "vendor", {}, default_playbook())
    entries, directions = Score(), Score()
    for item, transition in zip(result.rounds, key["transitions"], strict=True):
        expected = answer_key_entries(transition)
        found = [
            (change.status, change.before, change.after)
            for change in item.changes
            if any(number[:1].isdigit() for number in [*change.before, *change.after])
        ]
        right = sum(entry in found for entry in expected)
        entries.add(Score(right, len(found), len(expected)))
        ours = {move.category: move.toward for move in item.categories}
        agree = sum(ours.get(category) == toward for category, toward in transition["toward"].items())
        directions.add(Score(agree, len(ours), len(transition["toward"])))
    return RoundsScore(entries, directions)
