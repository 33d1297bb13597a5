"""Classify: clause text -> risk categories, mechanisms and CUAD clause types, each with a calibrated score.

Models are registered by name. ``fast`` (the default) is the shipped linear model over words, word pairs and the
knowledge base's lexical signals; it needs numpy only and loads lazily on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from proportion.classify.features import analyse
from proportion.classify.linear import LinearHead, ModelError, load_heads
from proportion.knowledge import clause_types, taxonomy

WEIGHTS = Path(__file__).with_name("weights")
NEAR_MISS = 0.25
"""Labels not given but scored at least this high are still reported in ``scores``, to show near misses."""


@dataclass
class ClauseLabels:
    categories: list[str] = field(default_factory=list)
    mechanisms: list[str] = field(default_factory=list)
    clause_types: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": self.categories,
            "mechanisms": self.mechanisms,
            "clause_types": self.clause_types,
            "scores": self.scores,
        }


class Classifier:
    """Linear heads applied together; each label lands in the field its vocabulary belongs to."""

    def __init__(self, heads: dict[str, LinearHead]) -> None:
        self.heads = heads
        self._kinds = {
            **{label: "categories" for label in taxonomy().category_ids},
            **{label: "mechanisms" for label in taxonomy().mechanism_ids},
            **{label: "clause_types" for label in clause_types().ids},
        }

    def classify(self, texts: Sequence[str], headings: Sequence[str] | None = None) -> list[ClauseLabels]:
        analysed = analyse(texts, headings if headings is not None else [""] * len(texts))
        results = [ClauseLabels() for _ in texts]
        for head in self.heads.values():
            probabilities, given = head.predict(analysed)
            for result, row, chosen in zip(results, probabilities, given, strict=True):
                for column in np.flatnonzero(chosen | (row >= NEAR_MISS)):
                    label = head.labels[column]
                    result.scores[label] = round(float(row[column]), 3)
                    if chosen[column]:
                        getattr(result, self._kinds[label]).append(label)
        return results


def _load_fast() -> Classifier:
    heads, _ = load_heads(WEIGHTS / "fast.npz")
    return Classifier(heads)


MODELS: dict[str, Callable[[], Classifier]] = {"fast": _load_fast}
"""Model name -> loader. Loaders run once, on first use."""


@cache
def load(model: str = "fast") -> Classifier:
    if model not in MODELS:
        raise ModelError(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")
    return MODELS[model]()


def classify_texts(
    texts: Sequence[str], headings: Sequence[str] | None = None, model: str = "fast"
) -> list[ClauseLabels]:
    """One result per text, in order."""
    return load(model).classify(texts, headings)
