"""CUAD metrics: matching, per-question counts, the threshold sweep, AUPR / precision at recall, candidate spans."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from proportion.cuad_metrics import (
    CUAD_THRESHOLDS,
    CurvePoint,
    Gold,
    Prediction,
    QuestionCounts,
    answer_words,
    aupr,
    candidate_spans,
    cuad_scores,
    is_match,
    jaccard,
    load_cuad,
    precision_at_recall,
    precision_recall_curve,
    question_counts,
    sentence_spans,
)

CUAD = Path(__file__).parents[2] / "shared" / "data" / "cuad"
AUDIT = "Audit Rights"


# ------------------------------------------------------------------------------------------ normalisation, jaccard


def test_answer_words_removes_cuad_punctuation_lowercases_and_splits_slashes() -> None:
    assert answer_words("The Licensee, Inc.: audit/inspect; U.S.") == {
        "the",
        "licensee",
        "inc",
        "audit",
        "inspect",
        "us",
    }
    # brackets, quotes and hyphens are kept as part of the words, as in CUAD
    assert answer_words('(a) "Term" non-exclusive') == {"(a)", '"term"', "non-exclusive"}
    # any whitespace separates words: runs of spaces and line breaks of the CUAD text files do not matter
    assert answer_words("shall  keep\n records") == {"shall", "keep", "records"}


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ("Governing law: New York.", "governing LAW new york", 1.0),
        ("a b c d", "a b", 0.5),
        ("a b c", "a", 1 / 3),
        ("a b", "c d", 0.0),
        ("the the the audit", "audit the", 1.0),  # sets: repeated words count once
        ("Revenue/Profit", "revenue profit sharing", 2 / 3),
        ("", "", 0.0),
        ("...", "audit", 0.0),
    ],
)
def test_jaccard(gold: str, predicted: str, expected: float) -> None:
    assert jaccard(gold, predicted) == pytest.approx(expected)


def test_match_threshold_is_inclusive_at_one_half() -> None:
    assert is_match("a b c d", "a b", AUDIT)  # exactly 0.5
    assert not is_match("a b c d e", "a b", AUDIT)  # 0.4


def test_parties_substring_rule() -> None:
    gold = "ACME CORP"
    predicted = "This Agreement is made between ACME CORP, a Delaware corporation, and Beta LLC, a New York company"
    assert jaccard(gold, predicted) < 0.5
    assert is_match(gold, predicted, "Parties")
    assert not is_match(gold, predicted, "Document Name")
    assert not is_match("acme corp", predicted, "Parties")  # the substring test is case-sensitive, as in CUAD
    counts = question_counts([Prediction("C1", "Parties", predicted, 0.9)], [Gold("C1", "Parties", gold)], 0.5)
    assert counts == {("C1", "Parties"): QuestionCounts(tp=1, fp=0, fn=0)}
    counts = question_counts(
        [Prediction("C1", "Document Name", predicted, 0.9)], [Gold("C1", "Document Name", gold)], 0.5
    )
    assert counts == {("C1", "Document Name"): QuestionCounts(tp=0, fp=1, fn=1)}


# ------------------------------------------------------------------------------------------ per-question counts


def test_question_without_gold_and_one_prediction_is_one_false_positive() -> None:
    predictions = [Prediction("C1", AUDIT, "The Supplier may audit the books once a year.", 0.7)]
    assert question_counts(predictions, [], 0.5) == {("C1", AUDIT): QuestionCounts(tp=0, fp=1, fn=0)}
    # at a threshold at or above its score the prediction is not made: nothing is counted
    assert question_counts(predictions, [], 0.7) == {("C1", AUDIT): QuestionCounts(tp=0, fp=0, fn=0)}


def test_counts_follow_cuad() -> None:
    gold = [
        Gold("C1", AUDIT, "the auditor may inspect the books and records"),
        Gold("C1", AUDIT, "audits at most once in any calendar year"),
    ]
    predictions = [
        Prediction("C1", AUDIT, "The auditor may inspect the books and records.", 0.9),
        Prediction("C1", AUDIT, "the auditor may inspect the books", 0.8),  # hits the same gold span: no extra tp
        Prediction("C1", AUDIT, "The auditor may inspect the books and records.", 0.6),  # same text: counted once
        Prediction("C1", AUDIT, "Payment is due within thirty days.", 0.7),  # matches nothing: fp
        Prediction("C1", AUDIT, "", 0.99),  # empty text is never a prediction
        Prediction("C1", "Insurance", "Payment is due within thirty days.", 0.1),
    ]
    counts = question_counts(predictions, gold, 0.5)
    assert counts[("C1", AUDIT)] == QuestionCounts(tp=1, fp=1, fn=1)
    assert counts[("C1", "Insurance")] == QuestionCounts(tp=0, fp=0, fn=0)
    assert question_counts(predictions, gold, 0.5, categories={"Insurance"}) == {
        ("C1", "Insurance"): QuestionCounts(tp=0, fp=0, fn=0)
    }
    # gold of a question without any prediction are all false negatives
    assert question_counts([], gold, 0.0) == {("C1", AUDIT): QuestionCounts(tp=0, fp=0, fn=2)}


# ------------------------------------------------------------------------------------------ sweep and summaries

G1, G2, G3, G4, G5 = (
    "the auditor may inspect the books and records",
    "licensee shall keep complete and accurate records",
    "audits may take place once in any calendar year",
    "records shall be kept for three years after termination",
    "the auditor shall be an independent accounting firm",
)


def _fixture() -> tuple[list[Prediction], list[Gold]]:
    """Five gold spans in four contracts; nine predictions whose scores sit between CUAD's grid values."""
    gold = [Gold("C1", AUDIT, G1), Gold("C2", AUDIT, G2), Gold("C2", AUDIT, G3), Gold("C4", AUDIT, G4)]
    gold.append(Gold("C5", AUDIT, G5))
    predictions = [
        Prediction("C1", AUDIT, G1, 0.955),  # tp        -> P 1/1  R 1/5
        Prediction("C2", AUDIT, "Fees are payable monthly in arrears", 0.855),  # fp -> 1/2, 1/5
        Prediction("C2", AUDIT, G2 + ".", 0.755),  # tp    -> 2/3, 2/5
        Prediction("C3", AUDIT, "This Agreement is governed by Delaware law", 0.555),  # fp, no gold -> 2/4, 2/5
        Prediction("C2", AUDIT, G3, 0.455),  # tp          -> 3/5, 3/5
        Prediction("C1", AUDIT, "the auditor may inspect the books", 0.405),  # G1 again: neither tp nor fp
        Prediction("C4", AUDIT, G4, 0.355),  # tp          -> 4/6, 4/5
        Prediction("C3", AUDIT, "Notices must be in writing", 0.255),  # fp -> 4/7, 4/5
        Prediction("C5", AUDIT, G5, 0.155),  # tp          -> 5/8, 5/5
    ]
    return predictions, gold


def _pairs(curve: list[CurvePoint]) -> list[tuple[float, float]]:
    return [(point.precision, point.recall) for point in curve]


def test_hand_computed_curve_on_cuad_grid() -> None:
    predictions, gold = _fixture()
    curve = precision_recall_curve(predictions, gold)
    assert len(curve) == 1 + len(CUAD_THRESHOLDS) == 102
    assert curve[0] == CurvePoint(math.inf, 1.0, 0.0)
    by_threshold = {round(point.threshold, 3): point for point in curve[1:]}
    assert math.isnan(by_threshold[0.96].precision) and by_threshold[0.96].recall == 0.0  # nothing above 0.96
    expected = {
        0.95: (1.0, 0.2),
        0.86: (1.0, 0.2),
        0.85: (1 / 2, 0.2),
        0.75: (2 / 3, 0.4),
        0.55: (2 / 4, 0.4),
        0.45: (3 / 5, 0.6),
        0.40: (3 / 5, 0.6),
        0.35: (4 / 6, 0.8),
        0.25: (4 / 7, 0.8),
        0.15: (5 / 8, 1.0),
        0.0: (5 / 8, 1.0),
    }
    for threshold, (precision, recall) in expected.items():
        point = by_threshold[threshold]
        assert (point.precision, point.recall) == (pytest.approx(precision), pytest.approx(recall)), threshold
    # envelope (max precision at this or any higher recall): 1 up to recall .2, then 2/3 up to .8, then 5/8 ->
    # area 0.2 * 1 + 0.6 * 2/3 + 0.2 * 5/8 = 0.725
    assert aupr(curve) == pytest.approx(0.725)
    assert precision_at_recall(curve, 0.8) == pytest.approx(2 / 3)
    assert precision_at_recall(curve, 0.9) == pytest.approx(5 / 8)
    assert precision_at_recall(curve, 0.5) == pytest.approx(2 / 3)
    assert precision_at_recall(curve, 0.2) == pytest.approx(1.0)


def test_distinct_score_sweep_gives_the_exact_curve() -> None:
    predictions, gold = _fixture()
    curve = precision_recall_curve(predictions, gold, thresholds="distinct")
    assert [point.threshold for point in curve] == [
        math.inf,
        *sorted({p.score for p in predictions}, reverse=True),
        -math.inf,
    ]
    pairs = _pairs(curve)
    assert pairs[0] == (1.0, 0.0) and math.isnan(pairs[1][0])
    expected = [(1, 0.2), (1 / 2, 0.2), (2 / 3, 0.4), (2 / 4, 0.4), (3 / 5, 0.6), (3 / 5, 0.6), (4 / 6, 0.8)]
    expected += [(4 / 7, 0.8), (5 / 8, 1.0)]
    assert pairs[2:] == [(pytest.approx(p), pytest.approx(r)) for p, r in expected]
    assert aupr(curve) == pytest.approx(0.725)
    # full recall is reached only at the last point, which CUAD's zip quirk never looks at
    assert precision_at_recall(curve, 0.9) == 0.0
    assert precision_at_recall(curve, 0.9, include_last_point=True) == pytest.approx(5 / 8)


def test_precision_at_recall_is_zero_when_the_level_is_never_reached() -> None:
    predictions, gold = _fixture()
    gold.append(Gold("C6", AUDIT, "the audit report shall be delivered within thirty days"))  # never predicted
    curve = precision_recall_curve(predictions, gold)
    assert max(point.recall for point in curve) == pytest.approx(5 / 6)
    assert precision_at_recall(curve, 0.9) == 0.0
    assert precision_at_recall(curve, 0.8) == pytest.approx(5 / 8)


def test_cuad_skips_the_last_point_of_its_grid() -> None:
    # a prediction scored 0.0005 is kept only at the last threshold (0), the point CUAD's get_prec_at_recall skips
    curve = precision_recall_curve([Prediction("C1", AUDIT, G1, 0.0005)], [Gold("C1", AUDIT, G1)])
    assert _pairs(curve)[-1] == (1.0, 1.0)
    assert all(point.recall == 0.0 for point in curve[:-1])
    assert precision_at_recall(curve, 0.8) == 0.0
    assert precision_at_recall(curve, 0.8, include_last_point=True) == 1.0
    assert aupr(curve) == pytest.approx(1.0)


def test_no_gold_or_no_prediction_gives_zero() -> None:
    only_false = [Prediction("C1", AUDIT, "Notices must be in writing", 0.9)]
    curve = precision_recall_curve(only_false, [])
    assert all(math.isnan(point.recall) for point in curve[1:])
    assert aupr(curve) == 0.0 and precision_at_recall(curve, 0.8) == 0.0
    curve = precision_recall_curve([], [Gold("C1", AUDIT, G1)])
    assert aupr(curve) == 0.0 and precision_at_recall(curve, 0.8) == 0.0


def test_aupr_rejects_a_curve_whose_recall_goes_both_ways() -> None:
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        aupr([CurvePoint(math.inf, 1.0, 0.0), CurvePoint(0.5, 0.5, 0.5), CurvePoint(0.1, 0.4, 0.3)])


def test_sweep_agrees_with_direct_counting_on_random_data() -> None:
    rng = random.Random(7)
    words = ["audit", "books", "records", "inspect", "fees", "notice", "term", "licence", "party", "law", "days"]
    categories = ["Parties", AUDIT, "Insurance"]

    def phrase() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 6)))

    gold = [Gold(f"C{rng.randint(1, 5)}", rng.choice(categories), phrase()) for _ in range(40)]
    predictions = [
        Prediction(item.contract, item.category, item.text + rng.choice(["", ".", " fees"]), rng.random())
        for item in gold
        if rng.random() < 0.7
    ]
    predictions += [
        Prediction(f"C{rng.randint(1, 6)}", rng.choice(categories), phrase(), round(rng.random(), 2))
        for _ in range(150)
    ]
    curve = precision_recall_curve(predictions, gold)
    assert len({(point.precision, point.recall) for point in curve}) > 10
    for point in curve[1:]:
        counts = question_counts(predictions, gold, point.threshold).values()
        tp, fp, fn = (sum(getattr(count, name) for count in counts) for name in ("tp", "fp", "fn"))
        assert point.recall == pytest.approx(tp / (tp + fn))
        if tp + fp:
            assert point.precision == pytest.approx(tp / (tp + fp))
        else:
            assert math.isnan(point.precision)


def test_cuad_scores_per_category_macro_and_pooled() -> None:
    predictions, gold = _fixture()
    gold.append(Gold("C1", "Parties", "ACME CORP"))
    predictions.append(Prediction("C1", "Parties", "between ACME CORP, a Delaware corporation, and Beta LLC", 0.905))
    predictions.append(Prediction("C2", "Parties", "Beta LLC", 0.805))  # C2 has no Parties gold: fp
    per_category, macro, pooled = cuad_scores(predictions, gold, ["Parties", AUDIT, "Insurance"])
    parties, audit, insurance = per_category
    assert (parties.category, parties.support_contracts) == ("Parties", 1)
    assert (parties.aupr, parties.p_at_80, parties.p_at_90) == (pytest.approx(1.0), 1.0, 1.0)
    assert audit.support_contracts == 4
    assert (audit.aupr, audit.p_at_80, audit.p_at_90) == (pytest.approx(0.725), pytest.approx(2 / 3), 0.625)
    assert (insurance.aupr, insurance.p_at_80, insurance.support_contracts) == (0.0, 0.0, 0)
    assert macro == {
        "categories": 2.0,
        "aupr": pytest.approx((1.0 + 0.725) / 2),
        "p_at_80": pytest.approx((1 + 2 / 3) / 2),
        "p_at_90": pytest.approx((1 + 0.625) / 2),
    }
    # pooled: one sweep over all 6 gold spans; the same curve as precision_recall_curve over those categories
    curve = precision_recall_curve(predictions, gold, ["Parties", AUDIT, "Insurance"])
    assert pooled == {
        "aupr": pytest.approx(aupr(curve)),
        "p_at_80": pytest.approx(precision_at_recall(curve, 0.8)),
        "p_at_90": pytest.approx(precision_at_recall(curve, 0.9)),
    }
    assert pooled["aupr"] != pytest.approx(macro["aupr"])
    # restricting the categories drops the other categories' predictions and gold
    only_audit, _, pooled_audit = cuad_scores(predictions, gold, [AUDIT])
    assert only_audit == [audit] and pooled_audit["aupr"] == pytest.approx(0.725)


# ------------------------------------------------------------------------------------------ candidate spans

CONTRACT = """MASTER SERVICES AGREEMENT

This Master Services Agreement is made on March 1, 2020 between Acme Widgets Inc. ("Acme") and
Beta Software Ltd. ("Beta"). Each of them is a "Party".

1. DEFINITIONS
1.1 "Services" means the services described in Sec. 2.1 of Schedule A, including
support (e.g. updates and patches). "Fees" means the fees set out in Exhibit B. The
fees are stated in U.S. Dollars.

2. TERM AND TERMINATION
2.1 This Agreement starts on the Effective Date and continues for 12 months, as set
out in Section 2.1 above. Either party may terminate it on 30 days' notice.
(a) Acme may terminate for convenience;
(b) Beta may terminate for breach.

3.  Fees. The Fees are set out in Exhibit B.  All amounts are due as follows: 1. Deposit. Payable on signature.
"""

EXPECTED_SENTENCES = [
    "MASTER SERVICES AGREEMENT",
    'This Master Services Agreement is made on March 1, 2020 between Acme Widgets Inc. ("Acme") and\n'
    'Beta Software Ltd. ("Beta").',
    'Each of them is a "Party".',
    "1. DEFINITIONS",
    '1.1 "Services" means the services described in Sec. 2.1 of Schedule A, including\n'
    "support (e.g. updates and patches).",
    '"Fees" means the fees set out in Exhibit B.',
    "The\nfees are stated in U.S. Dollars.",
    "2. TERM AND TERMINATION",
    "2.1 This Agreement starts on the Effective Date and continues for 12 months, as set\nout in Section 2.1 above.",
    "Either party may terminate it on 30 days' notice.",
    "(a) Acme may terminate for convenience;",
    "(b) Beta may terminate for breach.",
    "3.  Fees.",
    "The Fees are set out in Exhibit B.",
    "All amounts are due as follows:",
    "1. Deposit.",
    "Payable on signature.",
]


def _located(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for piece in pieces:
        start = text.index(piece, cursor)
        spans.append((start, start + len(piece)))
        cursor = start + len(piece)
    return spans


def test_sentence_spans_of_a_contract() -> None:
    spans = sentence_spans(CONTRACT)
    assert [CONTRACT[start:end] for start, end in spans] == EXPECTED_SENTENCES
    assert spans == _located(CONTRACT, EXPECTED_SENTENCES)


def test_candidate_spans_are_paragraphs_lines_and_sentences() -> None:
    spans = candidate_spans(CONTRACT)
    texts = [CONTRACT[start:end] for start, end in spans]
    assert len(set(spans)) == len(spans)
    assert spans == sorted(spans, key=lambda span: (span[0], -span[1]))
    assert all(text == text.strip() and text for text in texts)
    assert set(_located(CONTRACT, EXPECTED_SENTENCES)) <= set(spans)
    paragraphs = [part.strip() for part in CONTRACT.split("\n\n")]
    assert set(_located(CONTRACT, paragraphs)) <= set(spans)
    lines = [line for line in CONTRACT.splitlines() if line.strip()]
    assert set(_located(CONTRACT, lines)) <= set(spans)
    # nothing ends at an abbreviation, inside "Sec. 2.1" / "Section 2.1", at "e.g." or after a bare list number
    for text in texts:
        assert not text.endswith(("Inc.", "Ltd.", "Sec.", "Sec. 2.", "e.g.", "U.S.", "Section 2.", "follows: 1."))
    assert not any(text in {"1.", "3."} for text in texts)
    assert len(spans) == len(set(EXPECTED_SENTENCES) | set(paragraphs) | set(lines))


def test_candidate_spans_of_single_line_cuad_paragraphs() -> None:
    text = (
        "SERVICES AGREEMENT This Services Agreement is entered into by I-ESCROW, INC., with its office at 1730 S."
        ' Amphlett Blvd., Suite 233, San Mateo ("i-Escrow"). The Parties agree as follows: 1. Services. 1.1'
        " Provision of Services. (a) Provider agrees to provide the Services.\n\n    \n2.   Term.   This Agreement"
        "      runs for one year."
    )
    texts = [text[start:end] for start, end in candidate_spans(text)]
    assert texts == [
        text[: text.index("(a) Provider")] + "(a) Provider agrees to provide the Services.",
        text[: text.index(" The Parties")],
        "The Parties agree as follows:",
        "1. Services.",
        "1.1 Provision of Services.",
        "(a) Provider agrees to provide the Services.",
        "2.   Term.   This Agreement      runs for one year.",
        "2.   Term.",
        "This Agreement      runs for one year.",
    ]


# ------------------------------------------------------------------------------------------ real CUAD data

THREE_CONTRACTS = {
    "2ThemartComInc_19990826_10-12G_EX-10.10_6700288_EX-10.10_Co-Branding Agreement_ Agency Agreement.pdf",
    "ABILITYINC_06_15_2020-EX-4.25-SERVICES AGREEMENT.PDF",
    "ACCELERATEDTECHNOLOGIESHOLDINGCORP_04_24_2003-EX-10.13-JOINT VENTURE AGREEMENT.PDF",
}


def test_candidate_spans_cover_real_cuad_gold_spans() -> None:
    if not (CUAD / "clauses_train.csv").is_file():
        pytest.fail(f"the CUAD data is missing at {CUAD}; the tests need ../shared beside the checkout")
    texts, gold = load_cuad(CUAD, THREE_CONTRACTS)
    assert texts.keys() == THREE_CONTRACTS
    assert {item.contract for item in gold} == THREE_CONTRACTS
    assert len(gold) == 58 and all(item.text for item in gold)
    # the loader accepts the folder that holds cuad/ as well
    assert load_cuad(CUAD.parent, {"ABILITYINC_06_15_2020-EX-4.25-SERVICES AGREEMENT.PDF"})[1] == [
        item for item in gold if item.contract.startswith("ABILITYINC")
    ]
    candidates = {name: [text[start:end] for start, end in candidate_spans(text)] for name, text in texts.items()}
    for name, text in texts.items():
        assert all(text[start:end].strip() == text[start:end] for start, end in candidate_spans(text)), name
    long_gold = [item for item in gold if len(item.text.split()) >= 8]
    found = [item for item in long_gold if any(jaccard(item.text, span) >= 0.5 for span in candidates[item.contract])]
    assert len(long_gold) == 38
    assert len(found) / len(long_gold) >= 0.6  # 36 / 38 = 94.7 % when written
    # scoring every candidate 0.5 for Governing Law finds the 3 Governing Law spans once the threshold is below 0.5
    predictions = [
        Prediction(name, "Governing Law", span, 0.5) for name in THREE_CONTRACTS for span in candidates[name]
    ]
    curve = precision_recall_curve(predictions, gold, ["Governing Law"])
    assert sum(item.category == "Governing Law" for item in gold) == 3
    assert {point.recall for point in curve if point.threshold >= 0.5} == {0.0}
    assert {point.recall for point in curve if point.threshold < 0.5} == {1.0}


def test_load_cuad_rejects_unknown_contracts() -> None:
    with pytest.raises(ValueError, match="not in the CUAD data"):
        load_cuad(CUAD, {"NO SUCH CONTRACT.pdf"})
