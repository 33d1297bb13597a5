"""Labelled clauses for training and evaluation, read from the shared datasets and the project's own data.

Sources (each keeps its provenance in ``Example.source``):
- ``ai_clauses``: the 14 open-corpus agreements, hand-labelled (shared/data/ai_clauses/clauses.jsonl);
- ``written``: clauses written for that dataset (shared/data/ai_clauses/written.jsonl);
- ``drafted``: the project's own drafting in many styles (training/drafted/clauses.jsonl);
- ``cuad-mined``: real CUAD clauses labelled by the project (training/cuad_mined/clauses.jsonl).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from proportion.cuad_metrics import IOU_THRESHOLD, answer_words, candidate_spans, load_cuad
from proportion.evaluation import read_jsonl
from proportion.knowledge import clause_types

REPOSITORY = Path(__file__).resolve().parents[3]
TRAINING = REPOSITORY / "training"


@dataclass(frozen=True)
class Example:
    """One labelled clause. ``group`` keeps a publisher's documents together in cross-validation."""

    text: str
    heading: str
    labels: frozenset[str]
    doc: str
    group: str
    source: str
    id: str = field(default="")


def publisher(doc: str) -> str:
    """The publisher of an open-corpus document, from its slug (``github-terms-...`` -> ``github``)."""
    return doc.split("-", 1)[0]


def _examples(path: Path, source: str) -> list[Example]:
    examples = []
    for record in read_jsonl(path):
        labels = [*record["categories"], *record["mechanisms"]]
        doc = str(record["doc"])
        examples.append(
            Example(
                text=str(record["text"]),
                heading=str(record.get("heading") or ""),
                labels=frozenset(str(label) for label in labels),
                doc=doc,
                group=publisher(doc) if source == "ai_clauses" else source,
                source=source,
                id=str(record["id"]),
            )
        )
    return examples


def ai_examples(shared: Path, training: Path = TRAINING) -> list[Example]:
    """Every clause labelled with AI-risk categories and mechanisms that exists on this machine."""
    labelled = shared / "data" / "ai_clauses"
    found = [
        (labelled / "clauses.jsonl", "ai_clauses"),
        (labelled / "written.jsonl", "written"),
        (training / "drafted" / "clauses.jsonl", "drafted"),
        (training / "cuad_mined" / "clauses.jsonl", "cuad-mined"),
    ]
    missing = [str(path) for path, _ in found[:2] if not path.exists()]
    if missing:
        raise FileNotFoundError(f"labelled data not found: {', '.join(missing)} (pass --shared)")
    return [example for path, source in found if path.exists() for example in _examples(path, source)]


def dev_split(shared: Path) -> tuple[set[str], set[str]]:
    """The recommended document-level train/dev split of ai_clauses (shared/data/ai_clauses/split.json)."""
    split = json.loads((shared / "data" / "ai_clauses" / "split.json").read_text(encoding="utf-8"))
    return set(split["train"]), set(split["dev"])


SHORT_ANSWER = 12
"""Gold spans of at most this many words are answers (dates, names) rather than clauses."""
SHORT_ANSWER_FORMATS = ("Date", "Entity")
"""CUAD answer formats (clause_types.yaml) whose answers are stated inside a sentence: dates and party names."""


def cuad_split(shared: Path) -> tuple[set[str], set[str]]:
    """Contract-level train/dev split of the shared CUAD training contracts (20 % dev, stratified by type).

    Within each contract type, files are ordered by sha256("proportion-cuad-dev-v1|" + name) and the first
    round(20 %) are dev. Training never sees a dev contract, neither as CUAD spans nor as mined clauses.
    """
    by_type: dict[str, list[str]] = {}
    with (shared / "data" / "cuad" / "split.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["split"] == "train":
                by_type.setdefault(row["contract_type"], []).append(row["filename"])
    dev = {name for names in by_type.values() for name in held_out(names, "proportion-cuad-dev-v1")}
    return {name for names in by_type.values() for name in names} - dev, dev


def held_out(names: Iterable[str], salt: str, share: float = 0.2) -> set[str]:
    """A fixed ``share`` of ``names``: the first of them ordered by sha256(salt + "|" + name)."""
    ordered = sorted(set(names), key=lambda name: hashlib.sha256(f"{salt}|{name}".encode()).hexdigest())
    return set(ordered[: round(len(ordered) * share)])


def cuad_examples(shared: Path, contracts: set[str]) -> list[Example]:
    """Candidate spans of CUAD contracts, each labelled with the clause types of the gold spans it matches.

    A span is positive for a type when CUAD's own match holds (word Jaccard ≥ 0.5 with a gold span), when it
    is a sentence inside a gold span (at least 80 % of its words in that span), so the model learns the sentences
    that make up long clauses, or when it contains a short gold answer (a date, a party's name), so the model
    learns the sentence that states it. The gold spans themselves are added as positives.
    """
    texts, gold = load_cuad(shared / "data", contracts)
    short = {entry.id for entry in clause_types().clause_types if entry.answer.startswith(SHORT_ANSWER_FORMATS)}
    by_contract: dict[str, list[tuple[str, frozenset[str], bool]]] = {}
    for span in gold:
        by_contract.setdefault(span.contract, []).append(
            (span.category, answer_words(span.text), span.category in short)
        )
    examples = []
    for name in sorted(texts):
        text = texts[name]
        spans = by_contract.get(name, [])
        for start, end in candidate_spans(text):
            words = answer_words(text[start:end])
            labels = frozenset(category for category, gold_words, answer in spans if _covers(gold_words, words, answer))
            examples.append(Example(text[start:end], "", labels, name, name, "cuad"))
    examples.extend(
        Example(span.text, "", frozenset({span.category}), span.contract, span.contract, "cuad-gold") for span in gold
    )
    return examples


def _covers(gold: frozenset[str], span: frozenset[str], answer: bool) -> bool:
    """CUAD's match, a sentence inside a long gold clause, or a span holding a short answer (a date, a name)."""
    if not gold or not span:
        return False
    shared_words = len(gold & span)
    return (
        shared_words / len(gold | span) >= IOU_THRESHOLD
        or (len(span) >= 5 and shared_words / len(span) >= 0.8)
        or (answer and len(gold) <= SHORT_ANSWER and shared_words >= 0.9 * len(gold))
    )
