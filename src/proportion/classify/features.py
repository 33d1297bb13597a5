"""Clause text -> sparse features, the same at training and at run time.

Words and word pairs (lower-cased, lightly stemmed so "trains", "trained" and "training" meet), words of the
heading, and the lexical signals of the knowledge base. TF-IDF weighting is computed here too, from a vocabulary
fitted on the training clauses, so the shipped model needs numpy only.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

import numpy as np
import numpy.typing as npt

from proportion.knowledge import signals

_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’-][a-z0-9]+)*|\d+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s")

SIGNAL_WEIGHT = 1.0
"""Value of a fired signal beside the unit-length TF-IDF vector: strong enough to generalise across drafting."""


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A deliberately light stemmer: strips one common inflection from words longer than five letters."""
    if len(word) <= 5 or word.endswith("ss"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


def words(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text.lower().replace("’", "'"))]


def terms(text: str, heading: str = "") -> list[str]:
    """The bag of terms of one clause: words, adjacent word pairs, and heading words marked ``h:``."""
    body = words(text)
    bag = body + [f"{first} {second}" for first, second in itertools.pairwise(body)]
    bag.extend(f"h:{word}" for word in words(heading))
    return bag


@cache
def _matchers() -> tuple[tuple[str, Callable[[str], bool]], ...]:
    """(id, test) of every signal, fetched once: this loop is the classifier's main cost."""
    return tuple((signal.id, signal.matches) for signal in signals())


def fired_signals(text: str, heading: str = "") -> list[str]:
    """Ids of the signals whose wording occurs in the clause (heading included)."""
    lowered = (f"{heading}. {text}" if heading else text).lower()
    return [identifier for identifier, matches in _matchers() if matches(lowered)]


@dataclass
class Analysed:
    """Clauses analysed once for every head: each clause's bag of terms and the signals that fired in it."""

    bags: list[Counter[str]]
    fired: list[list[str]]


def analyse(texts: Sequence[str], headings: Sequence[str]) -> Analysed:
    return Analysed(
        [Counter(terms(text, heading)) for text, heading in zip(texts, headings, strict=True)],
        [fired_signals(text, heading) for text, heading in zip(texts, headings, strict=True)],
    )


@dataclass
class Vocabulary:
    """Terms with their column and inverse document frequency, then the signals after them."""

    terms: dict[str, int]
    idf: npt.NDArray[np.float32]
    signals: list[str]

    @property
    def size(self) -> int:
        return len(self.terms) + len(self.signals)

    @classmethod
    def fit(cls, bags: Iterable[Counter[str]], min_df: int = 2, max_terms: int = 60_000) -> Vocabulary:
        """Keep terms seen in at least ``min_df`` clauses (most frequent first, ties by name for determinism)."""
        document_frequency: Counter[str] = Counter()
        count = 0
        for bag in bags:
            document_frequency.update(set(bag))
            count += 1
        kept = sorted(
            (term for term, df in document_frequency.items() if df >= min_df),
            key=lambda term: (-document_frequency[term], term),
        )[:max_terms]
        kept.sort()
        idf = np.array([math.log((1 + count) / (1 + document_frequency[term])) + 1 for term in kept], np.float32)
        return cls({term: column for column, term in enumerate(kept)}, idf, [signal.id for signal in signals()])

    @cached_property
    def signal_columns(self) -> dict[str, int]:
        return {signal: len(self.terms) + index for index, signal in enumerate(self.signals)}

    def vector(self, bag: Counter[str], fired: list[str]) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """Sparse row: sublinear TF-IDF of the terms scaled to unit length, then each fired signal."""
        column_of = self.terms.get
        pairs = [(column, count) for term, count in bag.items() if (column := column_of(term)) is not None]
        columns = np.fromiter((column for column, _ in pairs), np.int32, len(pairs))
        values = 1.0 + np.log(np.fromiter((count for _, count in pairs), np.float32, len(pairs)))
        values *= self.idf[columns]
        norm = float(np.sqrt(values @ values))
        if norm:
            values /= norm
        signal_columns = [self.signal_columns[signal] for signal in fired if signal in self.signal_columns]
        return (
            np.concatenate([columns, np.array(signal_columns, np.int32)]),
            np.concatenate([values, np.full(len(signal_columns), SIGNAL_WEIGHT, np.float32)]),
        )
