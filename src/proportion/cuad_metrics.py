"""CUAD span metrics: AUPR and precision at 80 % / 90 % recall, computed the way the CUAD paper does.

Source of the definitions: ``evaluate.py`` of `TheAtticusProject/cuad <https://github.com/TheAtticusProject/cuad>`_
(Hendrycks, Burns, Chen, Ball, "CUAD: An Expert-Annotated NLP Dataset for Legal Contract Review", NeurIPS 2021
Datasets and Benchmarks, arXiv 2103.06268). Two versions of that file were read: commit
``6667285184129355d5aacd44a84b792bcde0ed7e`` and commit ``ef520c9689c3decd1faefa7a61d47ed3cd32ecd5``; they differ
in one line only (how ``get_jaccard`` splits words, see :func:`answer_words`). This module is our own code that
reproduces those definitions; nothing of it is copied.

What CUAD does, and what mirrors it here:

* **Question** = one contract × one category. Every gold span of a question is one "answer"; answers are not
  de-duplicated. A question with no answer still exists (it can only collect false positives).
* **Predictions of a question at a threshold** (``get_preds``): every distinct non-empty predicted text whose
  confidence is strictly greater than the threshold. The same text predicted twice counts once.
* **Match** (``get_jaccard``, ``IOU_THRESH = 0.5``): word-level Jaccard similarity ≥ 0.5 after removing
  ``. , ; :``, lower-casing and turning ``/`` into a space. For the "Parties" category a gold string contained
  verbatim (case-sensitive, not normalised) in the prediction also matches.
* **Counting** (``compute_precision_recall``): a question without answers adds one false positive per prediction.
  Otherwise each answer matched by at least one prediction is one true positive and each unmatched answer one false
  negative; each prediction that matches no answer is one false positive (a prediction that matches is never
  counted again, so several predictions hitting one answer give a single true positive). Counts are summed over all
  questions of the evaluation and precision = tp / (tp + fp), recall = tp / (tp + fn), NaN when the denominator
  is 0.
* **Threshold sweep** (``get_precisions_recalls``): a fixed grid of 101 confidences, ``numpy.arange(0.99, 0,
  -0.01)`` followed by ``0.001`` and ``0`` (:data:`CUAD_THRESHOLDS`), preceded by the point precision = 1,
  recall = 0 (here a point with threshold ``+inf``). CUAD does *not* sweep the distinct scores; that finer sweep is
  available as ``thresholds="distinct"`` (our choice, for scores that are not probabilities in [0, 1]).
* **Precision envelope** (``process_precisions``): each precision is replaced by the maximum of itself and every
  precision after it (lower thresholds, higher recall). The running maximum follows Python's ``max`` on floats:
  a NaN at the last point (nothing predicted at all) spreads to every point; a NaN elsewhere is replaced.
* **AUPR** (``get_aupr``): trapezoidal area (``sklearn.metrics.auc``) under (recall, enveloped precision) over the
  points of the sweep, from the (0, 1) point up to the recall reached at the lowest threshold — the curve is not
  extended to recall 1. A NaN area (no gold at all, or nothing predicted) is reported as 0.
* **Precision at recall** (``get_prec_at_recall``): the enveloped precision of the first point, in sweep order,
  whose recall is ≥ the level; 0 when no point reaches it. Quirk mirrored: CUAD ``zip``\\ s the 102 points with
  the 101 thresholds, so the last point of the sweep (threshold 0) is never looked at (on CUAD's grid only, see
  :func:`precision_at_recall`).
* **Headline figures**: ``get_results`` calls the sweep with ``category=None``, i.e. AUPR, P@80 %R and P@90 %R
  are computed once over all questions pooled (all contracts × all 41 categories), not averaged over categories.
  The ``category`` argument of the sweep gives the per-category figures. :func:`cuad_scores` returns both, and
  the mean of the per-category figures as an extra (macro) view.

Choices where CUAD gives no answer or ours differs on purpose (each is documented where it is made):

* CUAD keeps, for a text predicted twice in one question, the probability of the *last* entry of the n-best list;
  we keep the highest score (our predictions have no order).
* CUAD selects a category's questions by substring of the question id (``category in key``; "Parties" likewise);
  we compare the category exactly. The two agree unless a contract file name contains a category name.
* Words are split on any whitespace (commit ``6667285``); see :func:`answer_words` for the other version.
* Jaccard of two texts without any word is 0 (CUAD would divide by zero or compare empty strings).

:func:`candidate_spans` gives the spans of a contract our clause classifier scores, and :func:`load_cuad` reads the
shared CUAD training data (``shared/data/cuad``).
"""

from __future__ import annotations

import bisect
import csv
import json
import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter
from pathlib import Path
from typing import Literal, NamedTuple

IOU_THRESHOLD = 0.5
"""CUAD's ``IOU_THRESH``: minimum word-level Jaccard similarity for a prediction to match a gold span."""

SUBSTRING_CATEGORY = "Parties"
"""The category whose gold strings also match when they occur verbatim inside a prediction."""

_GRID_START, _GRID_STEP = 0.99, -0.01
CUAD_THRESHOLDS: tuple[float, ...] = (
    # numpy.arange(0.99, 0, -0.01) computes start + i * ((start + step) - start): 0.99, 0.98, ..., 0.0099999...
    *(_GRID_START + i * ((_GRID_START + _GRID_STEP) - _GRID_START) for i in range(99)),
    0.001,
    0.0,
)
"""The 101 confidence thresholds of CUAD's sweep, highest first (a prediction is kept when its score is above)."""

_REMOVED_PUNCTUATION = str.maketrans({".": None, ",": None, ";": None, ":": None, "/": " "})

Thresholds = Sequence[float] | Literal["cuad", "distinct"]


# --------------------------------------------------------------------------------------------------- matching


def answer_words(text: str) -> frozenset[str]:
    """The set of words CUAD compares: ``. , ; :`` removed, lower-cased, ``/`` made a space, split on whitespace.

    Choice: the two stored versions of ``evaluate.py`` split differently — commit ``6667285`` uses ``split()``
    (any run of whitespace), commit ``ef520c9`` uses ``split(" ")`` (single spaces only, so a newline or a double
    space glues words together or adds an empty "word"); the code index we read from does not say which commit
    is the newer one, and copies of the script found elsewhere mostly carry ``split(" ")``. We follow
    ``split()``: CUAD's texts are full of runs of spaces left by line wrapping, and the single-space split would
    make the score depend on them. The two agree whenever words are separated by single spaces.
    """
    return frozenset(text.translate(_REMOVED_PUNCTUATION).lower().split())


def _set_jaccard(gold: frozenset[str], predicted: frozenset[str]) -> float:
    union = len(gold | predicted)
    return len(gold & predicted) / union if union else 0.0


def jaccard(gold: str, predicted: str) -> float:
    """CUAD's ``get_jaccard``: |words(gold) ∩ words(predicted)| / |words(gold) ∪ words(predicted)|.

    Choice: 0.0 when neither text has a word (CUAD never reaches that case with its non-empty answers).
    """
    return _set_jaccard(answer_words(gold), answer_words(predicted))


def is_match(gold: str, predicted: str, category: str) -> bool:
    """True when ``predicted`` counts as finding ``gold``: Jaccard ≥ 0.5, or for "Parties" ``gold in predicted``."""
    if category == SUBSTRING_CATEGORY and gold in predicted:
        return True
    return jaccard(gold, predicted) >= IOU_THRESHOLD


def _sets_match(gold: frozenset[str], predicted: frozenset[str]) -> bool:
    """Jaccard ≥ 0.5 on word sets, skipping the set operations when the sizes alone rule a match out."""
    small, large = sorted((len(gold), len(predicted)))
    if small < IOU_THRESHOLD * large:  # |A ∩ B| <= small and |A ∪ B| >= large
        return False
    return _set_jaccard(gold, predicted) >= IOU_THRESHOLD


# --------------------------------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Prediction:
    """One scored span: ``text`` proposed for ``category`` in ``contract`` (the CUAD file name)."""

    contract: str
    category: str
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class Gold:
    """One annotated CUAD span (an "answer" of the question ``contract`` × ``category``)."""

    contract: str
    category: str
    text: str


@dataclass(frozen=True, slots=True)
class QuestionCounts:
    """True positives, false positives and false negatives of one question, counted as CUAD does."""

    tp: int
    fp: int
    fn: int


class CurvePoint(NamedTuple):
    """One point of the sweep; ``threshold`` is ``inf`` for CUAD's leading (precision 1, recall 0) point."""

    threshold: float
    precision: float
    recall: float


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """CUAD figures of one category; ``support_contracts`` = contracts with at least one gold span for it."""

    category: str
    aupr: float
    p_at_80: float
    p_at_90: float
    support_contracts: int


# --------------------------------------------------------------------------------------------------- counting


def question_counts(
    predictions: Iterable[Prediction],
    gold: Iterable[Gold],
    threshold: float,
    categories: Collection[str] | None = None,
) -> dict[tuple[str, str], QuestionCounts]:
    """tp/fp/fn of every question (contract, category) at ``threshold``, the direct way CUAD counts them.

    A prediction takes part when its text is not empty and its score is strictly above ``threshold``; texts are
    de-duplicated per question. The questions are those with a gold span or a prediction (at any score), within
    ``categories`` when given. This is the reference implementation: it compares every pair, so use
    :func:`precision_recall_curve` for whole sweeps.
    """
    answers: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in gold:
        if categories is None or item.category in categories:
            answers[(item.contract, item.category)].append(item.text)
    predicted: dict[tuple[str, str], set[str]] = defaultdict(set)
    for prediction in predictions:
        if categories is not None and prediction.category not in categories:
            continue
        key = (prediction.contract, prediction.category)
        kept = predicted[key]
        if prediction.text and prediction.score > threshold:
            kept.add(prediction.text)
    counts: dict[tuple[str, str], QuestionCounts] = {}
    for key in answers.keys() | predicted.keys():
        texts, category = predicted.get(key, set()), key[1]
        truths = answers.get(key, [])
        tp = sum(1 for truth in truths if any(is_match(truth, text, category) for text in texts))
        fp = sum(1 for text in texts if not any(is_match(truth, text, category) for truth in truths))
        counts[key] = QuestionCounts(tp=tp, fp=fp, fn=len(truths) - tp)
    return counts


# Per prediction kept for the sweep: its score and the ids of the gold spans it matches (empty: a false positive).
_Entry = tuple[float, tuple[int, ...]]


@dataclass(slots=True)
class _Matched:
    entries: dict[str, list[_Entry]]  # per category, highest score first
    gold_count: dict[str, int]
    support: dict[str, set[str]]  # contracts with gold, per category


def _match(predictions: Iterable[Prediction], gold: Iterable[Gold], categories: Collection[str] | None) -> _Matched:
    """Sort the predictions once and find, for each distinct (question, text), the gold spans it matches.

    Jaccard is computed once per (prediction, gold span of the same question), on word sets cached per text, so
    the sweep afterwards only adds up. Predictions of questions without gold need no comparison at all.
    """
    answers: dict[tuple[str, str], list[tuple[int, str, frozenset[str]]]] = defaultdict(list)
    gold_count: dict[str, int] = defaultdict(int)
    support: dict[str, set[str]] = defaultdict(set)
    for index, item in enumerate(gold):
        if categories is None or item.category in categories:
            answers[(item.contract, item.category)].append((index, item.text, answer_words(item.text)))
            gold_count[item.category] += 1
            support[item.category].add(item.contract)
    words: dict[str, frozenset[str]] = {}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    entries: dict[str, list[_Entry]] = defaultdict(list)
    for prediction in sorted(predictions, key=attrgetter("score"), reverse=True):
        if not prediction.text or (categories is not None and prediction.category not in categories):
            continue
        key = (prediction.contract, prediction.category)
        texts = seen[key]
        if prediction.text in texts:  # a lower-scored repeat of a text already kept (we keep the best score)
            continue
        texts.add(prediction.text)
        matches: tuple[int, ...] = ()
        truths = answers.get(key)
        if truths:
            predicted = words.get(prediction.text)
            if predicted is None:
                predicted = words[prediction.text] = answer_words(prediction.text)
            substring = prediction.category == SUBSTRING_CATEGORY
            matches = tuple(
                index
                for index, text, truth in truths
                if (substring and text in prediction.text) or _sets_match(truth, predicted)
            )
        entries[prediction.category].append((prediction.score, matches))
    return _Matched(entries=dict(entries), gold_count=dict(gold_count), support=dict(support))


def _sweep(entries: Sequence[_Entry], gold_count: int, thresholds: Thresholds) -> list[CurvePoint]:
    """Walk the score-sorted entries once while lowering the threshold; counts only ever grow."""
    if thresholds == "cuad":
        levels: Sequence[float] = CUAD_THRESHOLDS
    elif thresholds == "distinct":
        levels = [*sorted({score for score, _ in entries}, reverse=True), -math.inf]
    else:
        levels = sorted(thresholds, reverse=True)
    points = [CurvePoint(math.inf, 1.0, 0.0)]
    covered: set[int] = set()
    tp = fp = position = 0
    for level in levels:
        while position < len(entries) and entries[position][0] > level:
            matches = entries[position][1]
            if not matches:
                fp += 1
            for index in matches:
                if index not in covered:
                    covered.add(index)
                    tp += 1
            position += 1
        precision = tp / (tp + fp) if tp + fp else math.nan
        recall = tp / gold_count if gold_count else math.nan
        points.append(CurvePoint(level, precision, recall))
    return points


def precision_recall_curve(
    predictions: Iterable[Prediction],
    gold: Iterable[Gold],
    categories: Collection[str] | None = None,
    thresholds: Thresholds = "cuad",
) -> list[CurvePoint]:
    """CUAD's precision/recall sweep pooled over every question of ``categories`` (all categories when None).

    ``thresholds``: ``"cuad"`` (default) is CUAD's fixed grid :data:`CUAD_THRESHOLDS`, meaningful for scores that
    are probabilities; ``"distinct"`` uses every distinct score, highest first, and ``-inf`` last so the final
    point keeps every prediction (our addition, the exact curve of any score scale); or give your own values.
    The first point is always CUAD's (``inf``, precision 1.0, recall 0.0). Precision is NaN at a threshold that
    keeps no prediction, recall is NaN when there is no gold span, as in CUAD. Cost: one sort of the predictions
    plus one Jaccard per (prediction, gold span of its question).
    """
    matched = _match(predictions, gold, categories)
    entries = sorted(
        (entry for items in matched.entries.values() for entry in items), key=lambda entry: entry[0], reverse=True
    )
    return _sweep(entries, sum(matched.gold_count.values()), thresholds)


# --------------------------------------------------------------------------------------------------- summaries


def _envelope(precisions: Sequence[float]) -> list[float]:
    """CUAD's ``process_precisions``: running maximum from the last point back, with Python ``max`` NaN rules."""
    result: list[float] = []
    best: float | None = None
    for precision in reversed(precisions):
        if best is None or precision > best:  # max(best, precision) keeps ``best`` unless precision is larger
            best = precision
        result.append(best)
    return result[::-1]


def aupr(curve: Sequence[CurvePoint]) -> float:
    """CUAD's ``get_aupr``: trapezoidal area under (recall, enveloped precision); 0.0 when it is NaN.

    Like ``sklearn.metrics.auc`` the recalls must be monotonic (they are for a sweep: lowering the threshold never
    loses a true positive); a decreasing order gives the same positive area, a mixed order raises ``ValueError``.
    """
    recalls = [point.recall for point in curve]
    precisions = _envelope([point.precision for point in curve])
    steps = [after - before for before, after in pairwise(recalls)]
    direction = 1.0
    if any(step < 0 for step in steps):
        if not all(step <= 0 for step in steps):
            raise ValueError("recall is neither increasing nor decreasing along the curve")
        direction = -1.0
    area = sum(step * (precisions[i] + precisions[i + 1]) / 2 for i, step in enumerate(steps))
    area *= direction
    return 0.0 if math.isnan(area) else area


def precision_at_recall(curve: Sequence[CurvePoint], level: float, *, include_last_point: bool = False) -> float:
    """CUAD's ``get_prec_at_recall``: enveloped precision at the first point whose recall is ≥ ``level``, else 0.

    CUAD never looks at the last point of its sweep (threshold 0) because it zips the points with one fewer
    threshold; that is mirrored by default (``include_last_point=False``) so figures stay comparable. On CUAD's
    grid the skipped point is almost the 0.001 point before it; on any other sweep (``"distinct"``) the last point
    may be the only one that keeps every prediction, so pass ``include_last_point=True`` there.
    """
    precisions = _envelope([point.precision for point in curve])
    last = len(curve) if include_last_point else len(curve) - 1
    for point, precision in zip(curve[:last], precisions, strict=False):
        if point.recall >= level:
            return precision
    return 0.0


def _summary(curve: Sequence[CurvePoint], include_last_point: bool) -> dict[str, float]:
    return {
        "aupr": aupr(curve),
        "p_at_80": precision_at_recall(curve, 0.8, include_last_point=include_last_point),
        "p_at_90": precision_at_recall(curve, 0.9, include_last_point=include_last_point),
    }


def cuad_scores(
    predictions: Iterable[Prediction],
    gold: Iterable[Gold],
    categories: Sequence[str],
    thresholds: Thresholds = "cuad",
) -> tuple[list[CategoryScore], dict[str, float], dict[str, float]]:
    """Per-category scores, their mean, and the pooled figures — CUAD's headline numbers are the pooled ones.

    * ``per_category``: one :class:`CategoryScore` per category, in the given order, from the sweep over that
      category's questions only (CUAD's ``category`` argument).
    * ``macro``: mean ``aupr``/``p_at_80``/``p_at_90`` over the categories that have gold spans, plus
      ``categories`` (how many were averaged). Choice: a category without any gold has AUPR 0 by CUAD's rule
      (recall undefined), which would only measure the sample, so it is left out of the mean.
    * ``pooled``: ``aupr``/``p_at_80``/``p_at_90`` of the sweep over all questions of ``categories`` together,
      which is how ``get_results`` in CUAD's ``evaluate.py`` computes the figures the paper reports.

    Precision at recall skips the last point only on CUAD's grid (``thresholds="cuad"``), where that is CUAD's
    behaviour; other sweeps look at every point (see :func:`precision_at_recall`). Jaccard matching is done once
    and shared by all the sweeps.
    """
    matched = _match(predictions, gold, set(categories))
    include_last_point = thresholds != "cuad"
    per_category: list[CategoryScore] = []
    for category in categories:
        entries = matched.entries.get(category, [])
        summary = _summary(_sweep(entries, matched.gold_count.get(category, 0), thresholds), include_last_point)
        support = len(matched.support.get(category, ()))
        per_category.append(CategoryScore(category, summary["aupr"], summary["p_at_80"], summary["p_at_90"], support))
    supported = [score for score in per_category if score.support_contracts]
    macro: dict[str, float] = {"categories": float(len(supported))}
    for name in ("aupr", "p_at_80", "p_at_90"):
        values = [float(getattr(score, name)) for score in supported]
        macro[name] = sum(values) / len(values) if values else 0.0
    pooled_entries = sorted(
        (entry for items in matched.entries.values() for entry in items), key=lambda entry: entry[0], reverse=True
    )
    pooled = _summary(_sweep(pooled_entries, sum(matched.gold_count.values()), thresholds), include_last_point)
    return per_category, macro, pooled


# --------------------------------------------------------------------------------------------------- spans

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+(\S))")
_LINE_LABEL = re.compile(
    r"\n[ \t]*(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]?|\([a-zA-Z]{1,2}\)|\([ivxlcdmIVXLCDM]{1,6}\)|[a-zA-Z][.)]"
    r"|(?:Section|SECTION|Article|ARTICLE|Clause|CLAUSE)\s+[0-9IVXLC]+)(?=[ \t])"
)
_LABEL_ONLY = re.compile(
    r"^(?:(?:Section|SECTION|Sec|SEC|Article|ARTICLE|Art|ART|Clause|CLAUSE|Part|PART)\.?\s+)?"
    r"\(?(?:[0-9]{1,3}(?:\.[0-9]{1,3})*|[a-zA-Z]|[ivxlcdmIVXLCDM]{1,6})[.)]*$"
)
_SMALL_NUMBER = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,3})*\.$")
_INITIALS = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_ABBREVIATIONS = frozenset(
    {
        *("inc", "ltd", "co", "corp", "cos", "llc", "plc", "lp", "llp", "pty", "pte", "bros", "assn", "intl", "mfg"),
        *("dept", "govt", "no", "nos", "sec", "secs", "art", "arts", "para", "paras", "cl", "sch", "ex", "exh"),
        *("fig", "vol", "pp", "ch", "mr", "mrs", "ms", "dr", "jr", "sr", "st", "ave", "blvd", "rd", "ste", "vs"),
        *("v", "viz", "cf", "al", "approx", "est", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept"),
        *("oct", "nov", "dec"),
    }
)
_REFERENCE_WORDS = frozenset(
    {"exhibit", "schedule", "annex", "appendix", "attachment", "article", "section", "part", "clause"}
)
_OPENERS = "([\"'“‘"


def _sentence_cut(text: str, start: int, stop: int, following: str) -> int | None:
    """Where the sentence that began at ``start`` ends, given a punctuation run ending at ``stop``; None: it goes on.

    No break before a lower-case letter or other non-opening character; after an abbreviation (``Inc.``, ``Sec.``,
    ``No.``), after dotted initials (``e.g.``, ``U.S.``), after a lone letter unless it names an exhibit or section
    (``Exhibit A.`` ends a sentence, ``John A. Smith`` does not), or when all that precedes is a list label
    (``1.``, ``(a).``, ``Section 2.``). A small number with a dot that follows other text and no reference word
    (``as follows: 1. Services.``) is a list label that starts the next sentence: the cut goes before it. Numbers
    such as ``1.1`` never reach here: their dot has no space after it.
    """
    if not (following.isupper() or following.isdigit() or following in _OPENERS):
        return None
    sentence = text[start:stop].strip()
    if _LABEL_ONLY.match(sentence.rstrip("\"'”’)]")):
        return None
    words = sentence.split()
    word = words[-1].rstrip("\"'”’)]").lstrip("(\"'“‘[")
    if not word.endswith("."):
        return stop  # ends with ! or ?
    bare = word.rstrip(".")
    previous = words[-2].lower().strip("(\"'“[,") if len(words) > 1 else ""
    if bare.lower() in _ABBREVIATIONS or _INITIALS.match(word):
        return None
    if len(bare) == 1 and bare.isalpha():
        return stop if previous in _REFERENCE_WORDS else None
    if _SMALL_NUMBER.match(words[-1]) and previous not in _REFERENCE_WORDS:
        return text.rindex(words[-1], start, stop)
    return stop


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as stripped, non-empty character spans, in order.

    A sentence ends at ``.``/``!``/``?`` (with any closing quotes or brackets) before whitespace and a capital,
    a digit or an opening bracket or quote, except where :func:`_sentence_cut` says no. A line that starts with a
    clause number (``1.1``, ``(b)``, ``Section 4``) and a blank line also start a new sentence, so headings,
    paragraphs and list items of hard-wrapped text do not merge into what follows. Sentences may span single
    line breaks.
    """
    stop = len(text) if end is None else end
    line_starts = [match.start() + 1 for match in _LINE_LABEL.finditer(text, start, stop)]
    line_starts += [match.end() for match in _BLANK_LINE.finditer(text, start, stop)]
    line_starts.sort()
    cuts = {start, stop, *line_starts}
    sentence_start = start
    for match in _BOUNDARY.finditer(text, start, stop):
        labelled = bisect.bisect_right(line_starts, match.start())
        if labelled:
            sentence_start = max(sentence_start, line_starts[labelled - 1])
        cut = _sentence_cut(text, sentence_start, match.end(), match.group(1))
        if cut is not None:
            cuts.add(cut)
            sentence_start = cut
    spans: list[tuple[int, int]] = []
    ordered = sorted(cuts)
    for begin, finish in pairwise(ordered):
        span = _strip(text, begin, finish)
        if span is not None:
            spans.append(span)
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def candidate_spans(text: str) -> list[tuple[int, int]]:
    """Spans a clause classifier scores in a contract: paragraphs, their lines and their sentences.

    A paragraph is a run of non-blank lines (blank lines separate paragraphs); the CUAD text files mostly have one
    line per paragraph, with the PDF's line wrapping turned into runs of spaces, and a few keep hard line breaks.
    Candidates are every paragraph, every line of a paragraph with several lines (choice: in CUAD such lines are
    page headers or list items more often than wrapped fragments), and every sentence of :func:`sentence_spans`.
    Offsets are ``(start, end)`` into ``text``, whitespace stripped, without duplicates, ordered by start and,
    for spans starting at the same place, longest first.
    """
    spans: set[tuple[int, int]] = set()
    paragraph: list[tuple[int, int]] = []

    def close() -> None:
        if not paragraph:
            return
        spans.add((paragraph[0][0], paragraph[-1][1]))
        if len(paragraph) > 1:
            spans.update(paragraph)
        spans.update(sentence_spans(text, paragraph[0][0], paragraph[-1][1]))
        paragraph.clear()

    position = 0
    for raw in text.split("\n"):
        line = _strip(text, position, position + len(raw))
        position += len(raw) + 1
        if line is None:
            close()
        else:
            paragraph.append(line)
    close()
    return sorted(spans, key=lambda span: (span[0], -span[1]))


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_BLANK = r"(?:_+|\[[\s*]*\])"
_DATE = re.compile(
    rf"(?:\b{_MONTH}\s+(?:\d{{1,2}}(?:st|nd|rd|th)?|{_BLANK}),?\s+\d{{4}}"
    rf"|(?:\bthe\s+)?(?:\b\d{{1,2}}\s?(?:st|nd|rd|th|t\s?h)?|{_BLANK})\s+(?:day\s+)?of\s+(?:{_MONTH}|{_BLANK}),?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}"
    rf"|\b{_MONTH},?\s+\d{{4}})",
    re.IGNORECASE,
)


def answer_spans(text: str, answer_format: str) -> list[str]:
    """Short answers inside a candidate span, for clause types whose CUAD answer is a date, not a clause.

    CUAD's gold for "Agreement Date" or "Effective Date" is the date itself ("June 21, 1999"), which no sentence
    matches at Jaccard 0.5; an extractor proposes the dates of a sentence with that sentence's score, as a span
    extraction model would.
    """
    if not answer_format.startswith("Date"):
        return []
    return [match.group() for match in _DATE.finditer(text)]


# --------------------------------------------------------------------------------------------------- loading


def load_cuad(shared_data: Path, contracts: set[str] | None = None) -> tuple[dict[str, str], list[Gold]]:
    """Contract texts by file name and gold spans from ``contracts_train.jsonl`` and ``clauses_train.csv``.

    ``shared_data`` is the CUAD folder (``shared/data/cuad``) or a folder holding it (``shared/data``).
    ``contracts`` restricts both results to those file names; a name that is not in the data raises
    ``ValueError``. A gold span is the ``text`` column of ``clauses_train.csv`` (the annotated span, what CUAD's
    ``test.json`` holds as answers), not the ``answer`` column (a normalised value such as a date or a state).
    Gold spans keep the order of the CSV; rows with an empty span are skipped (CUAD has none).
    """
    folder = shared_data / "cuad" if (shared_data / "cuad").is_dir() else shared_data
    texts: dict[str, str] = {}
    with (folder / "contracts_train.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if contracts is None or record["filename"] in contracts:
                    texts[str(record["filename"])] = str(record["text"])
    if contracts is not None and (missing := contracts - texts.keys()):
        raise ValueError(f"not in the CUAD data: {sorted(missing)}")
    gold: list[Gold] = []
    with (folder / "clauses_train.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["text"] and (contracts is None or row["filename"] in contracts):
                gold.append(Gold(contract=row["filename"], category=row["category"], text=row["text"]))
    return texts, gold
