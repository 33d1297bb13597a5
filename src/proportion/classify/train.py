"""Train the classifier's linear heads from labelled clauses (needs the ``train`` extra: scikit-learn, scipy).

Deterministic: the same data gives the same archive, byte for byte, so ``proportion train --check`` can prove
that the shipped model is the one the repository's data and code produce.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from proportion.classify.datasets import Example, ai_examples, cuad_examples, cuad_split
from proportion.classify.features import Vocabulary, analyse
from proportion.classify.linear import Array, LinearHead, save_heads
from proportion.knowledge import clause_types, taxonomy


@dataclass(frozen=True)
class Settings:
    """Learning settings, recorded in the model manifest."""

    C: float = 4.0
    min_df: int = 2
    max_terms: int = 60_000
    folds: int = 5
    class_weight: str | None = "balanced"


def design_matrix(
    vocabulary: Vocabulary, bags: Sequence[Counter[str]], fired: Sequence[list[str]]
) -> sparse.csr_matrix:
    rows = [vocabulary.vector(bag, signal_ids) for bag, signal_ids in zip(bags, fired, strict=True)]
    indptr = np.cumsum([0] + [len(columns) for columns, _ in rows])
    columns = np.concatenate([columns for columns, _ in rows]) if rows else np.zeros(0, np.int32)
    values = np.concatenate([values for _, values in rows]) if rows else np.zeros(0, np.float32)
    return sparse.csr_matrix((values, columns, indptr), shape=(len(rows), vocabulary.size), dtype=np.float64)


def label_matrix(label_sets: Sequence[frozenset[str]], labels: Sequence[str]) -> npt.NDArray[np.int8]:
    return np.array([[label in given for label in labels] for given in label_sets], dtype=np.int8).reshape(
        len(label_sets), len(labels)
    )


def fit_linear(matrix: sparse.csr_matrix, targets: npt.NDArray[np.int8], settings: Settings) -> tuple[Array, Array]:
    """One logistic regression per label; a label never seen positive gets weights that never fire."""
    weights = np.zeros((matrix.shape[1], targets.shape[1]), np.float32)
    bias = np.full(targets.shape[1], -10.0, np.float32)
    for column in range(targets.shape[1]):
        target = targets[:, column]
        if 0 < target.sum() < len(target):
            model = LogisticRegression(
                C=settings.C,
                solver="liblinear",
                dual=matrix.shape[0] < matrix.shape[1],  # the faster formulation for fewer clauses than features
                class_weight=settings.class_weight,
                random_state=0,
                max_iter=1000,
            )
            model.fit(matrix, target)
            weights[:, column] = model.coef_[0]
            bias[column] = model.intercept_[0]
    return weights, bias


def calibrate(margins: Array, targets: npt.NDArray[np.int8]) -> tuple[Array, Array]:
    """Platt scaling of out-of-fold margins, then the probability threshold that maximises out-of-fold F1."""
    calibration = np.tile(np.array([1.0, 0.0], np.float32), (targets.shape[1], 1))
    thresholds = np.full(targets.shape[1], 0.5, np.float32)
    candidates = np.round(np.arange(0.1, 0.91, 0.05), 2)
    for column in range(targets.shape[1]):
        target = targets[:, column]
        if target.sum() < 2 or target.sum() == len(target):
            continue
        platt = LogisticRegression(C=100.0, solver="lbfgs")
        platt.fit(margins[:, [column]], target)
        calibration[column] = (platt.coef_[0][0], platt.intercept_[0])
        probability = 1.0 / (1.0 + np.exp(-(margins[:, column] * calibration[column, 0] + calibration[column, 1])))
        scores = [_f1(probability >= threshold, target == 1) for threshold in candidates]
        best = max(scores)
        thresholds[column] = min(
            (threshold for threshold, score in zip(candidates, scores, strict=True) if score >= best - 1e-9),
            key=lambda threshold: abs(threshold - 0.5),
        )
    return calibration, thresholds


def _f1(predicted: npt.NDArray[np.bool_], gold: npt.NDArray[np.bool_]) -> float:
    true_positives = float(np.sum(predicted & gold))
    denominator = float(np.sum(predicted) + np.sum(gold))
    return 2 * true_positives / denominator if denominator else 0.0


def fit_head(examples: Sequence[Example], labels: Sequence[str], settings: Settings = Settings()) -> LinearHead:
    """Fit a head on examples; calibration comes from a grouped cross-validation over the same examples."""
    analysed = analyse([example.text for example in examples], [example.heading for example in examples])
    vocabulary = Vocabulary.fit(analysed.bags, min_df=settings.min_df, max_terms=settings.max_terms)
    matrix = design_matrix(vocabulary, analysed.bags, analysed.fired)
    targets = label_matrix([example.labels for example in examples], labels)
    weights, bias = fit_linear(matrix, targets, settings)
    groups = [example.doc for example in examples]
    folds = min(settings.folds, len(set(groups)))
    if folds < 2:  # no cross-validation: logistic probabilities as they are, threshold one half
        calibration = np.tile(np.array([1.0, 0.0], np.float32), (len(labels), 1))
        return LinearHead(list(labels), vocabulary, weights, bias, calibration, np.full(len(labels), 0.5, np.float32))
    margins = np.zeros(targets.shape, np.float32)
    for inside, outside in GroupKFold(n_splits=folds).split(matrix, groups=groups):
        fold_weights, fold_bias = fit_linear(matrix[inside], targets[inside], settings)
        margins[outside] = matrix[outside] @ fold_weights + fold_bias
    calibration, thresholds = calibrate(margins, targets)
    return LinearHead(list(labels), vocabulary, weights, bias, calibration, thresholds)


AI_SETTINGS = Settings(C=16.0)
CUAD_SETTINGS = Settings(C=4.0, min_df=3, max_terms=30_000, folds=0, class_weight=None)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train_model(shared: Path, training: Path, output: Path, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Train the ``fast`` model from the labelled data and write ``fast.npz`` + ``fast.json`` into ``output``."""
    taxonomy_ = taxonomy()
    ai = ai_examples(shared, training)
    say(f"AI-risk head: {len(ai):,} labelled clauses")
    ai_head = fit_head(ai, taxonomy_.category_ids + taxonomy_.mechanism_ids, AI_SETTINGS)
    cuad_train, cuad_dev = cuad_split(shared)
    cuad = cuad_examples(shared, cuad_train)
    say(f"CUAD clause-type head: {len(cuad):,} spans of {len(cuad_train)} contracts ({len(cuad_dev)} kept for eval)")
    cuad_head = fit_head(cuad, clause_types().ids, CUAD_SETTINGS)
    inputs = sorted(
        {
            *(shared / "data" / "ai_clauses").glob("*.jsonl"),
            *(shared / "data" / "cuad").glob("*.*"),
            *training.glob("*/clauses.jsonl"),
        }
    )
    manifest = {
        "model": "fast",
        "format": 1,
        "settings": {"ai": asdict(AI_SETTINGS), "cuad": asdict(CUAD_SETTINGS)},
        "examples": {"ai": len(ai), "cuad": len(cuad)},
        "inputs": {str(path.relative_to(path.parents[2])): _sha256(path) for path in inputs if path.is_file()},
    }
    output.mkdir(parents=True, exist_ok=True)
    return save_heads({"ai": ai_head, "cuad": cuad_head}, output / "fast.npz", manifest)
