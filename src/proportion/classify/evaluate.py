"""``proportion eval``: the classifier measured on data its training never saw (needs the ``train`` extra).

(a) AI-risk categories and mechanisms: the document-level dev split of ai_clauses, and leave-one-publisher-out
    cross-validation over the open corpus (every publisher's agreements predicted by a model trained without them);
(b) CUAD clause types on the contract-level dev split of the shared CUAD contracts, scored as the CUAD paper does;
(c) UNFAIR-ToS unfair-term types on companies held back from its training file, scored as LexGLUE does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from proportion.classify.datasets import TRAINING, Example, ai_examples, cuad_split, dev_split, held_out
from proportion.classify.features import analyse
from proportion.classify.linear import LinearHead
from proportion.classify.train import AI_SETTINGS, Settings, fit_head, label_matrix
from proportion.cuad_metrics import (
    CategoryScore,
    Prediction,
    answer_spans,
    candidate_spans,
    cuad_scores,
    load_cuad,
)
from proportion.evaluation import FindingScores, Score, read_jsonl
from proportion.knowledge import clause_types, taxonomy

UNFAIR_LABELS = [
    "Limitation of liability",
    "Unilateral termination",
    "Unilateral change",
    "Content removal",
    "Contract by using",
    "Choice of law",
    "Jurisdiction",
    "Arbitration",
]
UNFAIR_SETTINGS = Settings(C=4.0, min_df=2, folds=5, class_weight="balanced")


@dataclass
class LabelReport:
    """Precision, recall and F1 per label, with micro and macro averages over labels that have support."""

    title: str
    scores: dict[str, Score]
    note: str = ""

    @classmethod
    def from_predictions(
        cls,
        title: str,
        labels: Sequence[str],
        predicted: npt.NDArray[np.bool_],
        gold: npt.NDArray[np.bool_],
        note: str = "",
    ) -> LabelReport:
        scores = {
            label: Score(
                int(np.sum(predicted[:, column] & gold[:, column])),
                int(np.sum(predicted[:, column])),
                int(np.sum(gold[:, column])),
            )
            for column, label in enumerate(labels)
        }
        return cls(title, scores, note)

    @property
    def supported(self) -> list[Score]:
        return [score for score in self.scores.values() if score.gold]

    @property
    def micro(self) -> Score:
        total = Score()
        for score in self.supported:
            total.add(score)
        return total

    @property
    def macro(self) -> tuple[float, float, float]:
        """Mean precision, recall and F1 over labels with at least one gold example."""
        scores = self.supported
        if not scores:
            return 0.0, 0.0, 0.0
        count = len(scores)
        return (
            sum(score.precision for score in scores) / count,
            sum(score.recall for score in scores) / count,
            sum(score.f1 for score in scores) / count,
        )


@dataclass
class CuadReport:
    per_category: list[CategoryScore]
    macro: dict[str, float]
    pooled: dict[str, float]
    contracts: int
    spans: int


@dataclass
class Evaluation:
    ai: list[LabelReport] = field(default_factory=list)
    cuad: CuadReport | None = None
    unfair: LabelReport | None = None
    findings: FindingScores | None = None


def _predict(
    train: Sequence[Example], test: Sequence[Example], labels: Sequence[str], settings: Settings
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    head = fit_head(train, labels, settings)
    _, given = head.predict(analyse([example.text for example in test], [example.heading for example in test]))
    return given, label_matrix([example.labels for example in test], labels).astype(bool)


def _split_reports(
    title: str, predicted: npt.NDArray[np.bool_], gold: npt.NDArray[np.bool_], note: str
) -> list[LabelReport]:
    categories, mechanisms = taxonomy().category_ids, taxonomy().mechanism_ids
    return [
        LabelReport.from_predictions(
            f"{title}: categories", categories, predicted[:, : len(categories)], gold[:, : len(categories)], note
        ),
        LabelReport.from_predictions(
            f"{title}: mechanisms", mechanisms, predicted[:, len(categories) :], gold[:, len(categories) :], note
        ),
    ]


def evaluate_ai(shared: Path, training: Path = TRAINING, say: Callable[[str], None] = print) -> list[LabelReport]:
    """(a) the dev split of ai_clauses, and leave-one-publisher-out cross-validation over the open corpus."""
    labels = taxonomy().category_ids + taxonomy().mechanism_ids
    examples = ai_examples(shared, training)
    corpus = [example for example in examples if example.source == "ai_clauses"]
    extra = [example for example in examples if example.source != "ai_clauses"]
    train_docs, dev_docs = dev_split(shared)
    say("(a) ai_clauses dev split")
    predicted, gold = _predict(
        extra + [e for e in corpus if e.doc in train_docs],
        [e for e in corpus if e.doc in dev_docs],
        labels,
        AI_SETTINGS,
    )
    reports = _split_reports("ai_clauses dev split", predicted, gold, f"{len(dev_docs)} dev documents")
    publishers = sorted({example.group for example in corpus})
    folds = []
    for publisher in publishers:
        say(f"(a) leave out publisher {publisher}")
        held = [example for example in corpus if example.group == publisher]
        folds.append(_predict([e for e in examples if e.group != publisher], held, labels, AI_SETTINGS))
    reports += _split_reports(
        "leave one publisher out",
        np.vstack([fold[0] for fold in folds]),
        np.vstack([fold[1] for fold in folds]),
        f"{len(publishers)} publishers ({', '.join(publishers)}), {len(corpus)} clauses",
    )
    return reports


def evaluate_cuad(shared: Path, head: LinearHead, say: Callable[[str], None] = print) -> CuadReport:
    """(b) the shipped clause-type head on the CUAD dev contracts (never used in training)."""
    _, dev = cuad_split(shared)
    texts, gold = load_cuad(shared / "data", dev)
    predictions: list[Prediction] = []
    formats = {entry.id: entry.answer for entry in clause_types().clause_types}
    spans = 0
    say(f"(b) CUAD: scoring {len(texts)} dev contracts")
    for name, text in sorted(texts.items()):
        pieces = [text[start:end] for start, end in candidate_spans(text)]
        spans += len(pieces)
        probabilities, _ = head.predict(analyse(pieces, [""] * len(pieces)))
        for column, category in enumerate(head.labels):
            answer_format = formats[category]
            for piece, score in zip(pieces, probabilities[:, column], strict=True):
                predictions.append(Prediction(name, category, piece, float(score)))
                predictions.extend(
                    Prediction(name, category, answer, float(score)) for answer in answer_spans(piece, answer_format)
                )
    per_category, macro, pooled = cuad_scores(predictions, gold, clause_types().ids)
    return CuadReport(per_category, macro, pooled, len(texts), spans)


def _unfair_examples(shared: Path) -> list[Example]:
    return [
        Example(record["text"], "", frozenset(record["labels"]), record["company"], record["company"], "unfair_tos")
        for record in read_jsonl(shared / "data" / "unfair_tos" / "train.jsonl")
    ]


def unfair_split(companies: Sequence[str]) -> set[str]:
    """Held-back companies: one in five, ordered by sha256("proportion-unfair-dev-v1|" + name)."""
    return held_out(companies, "proportion-unfair-dev-v1")


def evaluate_unfair(shared: Path, say: Callable[[str], None] = print) -> LabelReport:
    """(c) UNFAIR-ToS: micro and macro F1 over the 8 types plus LexGLUE's extra "none" column."""
    examples = _unfair_examples(shared)
    held = unfair_split([example.doc for example in examples])
    say(f"(c) UNFAIR-ToS: {len(held)} companies held back")
    predicted, gold = _predict(
        [e for e in examples if e.doc not in held],
        [e for e in examples if e.doc in held],
        UNFAIR_LABELS,
        UNFAIR_SETTINGS,
    )
    none_predicted = ~predicted.any(axis=1, keepdims=True)
    none_gold = ~gold.any(axis=1, keepdims=True)
    return LabelReport.from_predictions(
        "UNFAIR-ToS (LexGLUE measure: 8 types + none)",
        [*UNFAIR_LABELS, "none"],
        np.hstack([predicted, none_predicted]),
        np.hstack([gold, none_gold]),
        f"{len(held)} of 30 training companies held back: {', '.join(sorted(held))}",
    )


FLOOR = {"categories": 0.31, "mechanisms": 0.53}
"""Macro-F1 of plain TF-IDF + logistic regression trained on ai_clauses, on unseen publishers (issue 3)."""
TARGETS = {"categories": 0.85, "mechanisms": 0.80, "unfair_macro": 0.83}
CUAD_BASELINE = {"aupr": 0.478, "p_at_80": 0.440, "p_at_90": 0.178}
"""DeBERTa-xlarge on the official CUAD test split (Hendrycks et al. 2021)."""
UNFAIR_BASELINES = {"Legal-BERT": (0.960, 0.830), "TF-IDF+SVM": (0.947, 0.750)}
"""(micro-F1, macro-F1) on the official LexGLUE test split (Chalkidis et al. 2022)."""


def as_json(evaluation: Evaluation) -> dict[str, object]:
    """Machine-readable figures (the same numbers the report prints)."""

    def label_report(report: LabelReport) -> dict[str, object]:
        micro = report.micro
        macro = report.macro
        return {
            "title": report.title,
            "note": report.note,
            "micro": {"precision": micro.precision, "recall": micro.recall, "f1": micro.f1},
            "macro": {"precision": macro[0], "recall": macro[1], "f1": macro[2]},
            "labels": {
                label: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "support": s.gold}
                for label, s in report.scores.items()
            },
        }

    out: dict[str, object] = {"ai": [label_report(report) for report in evaluation.ai]}
    if evaluation.cuad is not None:
        cuad = evaluation.cuad
        out["cuad"] = {
            "contracts": cuad.contracts,
            "spans": cuad.spans,
            "macro": cuad.macro,
            "pooled": cuad.pooled,
            "baseline_deberta_xlarge": CUAD_BASELINE,
            "categories": {
                score.category: {
                    "aupr": score.aupr,
                    "p_at_80": score.p_at_80,
                    "p_at_90": score.p_at_90,
                    "support_contracts": score.support_contracts,
                }
                for score in cuad.per_category
            },
        }
    if evaluation.unfair is not None:
        out["unfair_tos"] = label_report(evaluation.unfair)
    if evaluation.findings is not None:
        scores = {"overall": evaluation.findings.overall, **evaluation.findings.families}
        out["findings"] = {
            name: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "predicted": s.predicted, "gold": s.gold}
            for name, s in scores.items()
        }
    return out
