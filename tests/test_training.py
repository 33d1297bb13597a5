"""Training is reproducible and the evaluation arithmetic is right (the full runs are `proportion train --check`
and `proportion eval`, which take minutes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from proportion.classify.datasets import ai_examples, cuad_split
from proportion.classify.evaluate import LabelReport, evaluate_unfair, unfair_split
from proportion.classify.features import analyse
from proportion.classify.linear import load_heads, save_heads
from proportion.classify.train import Settings, fit_head
from proportion.knowledge import taxonomy

from conftest import SHARED


def test_training_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    examples = ai_examples(SHARED)[::6]
    labels = taxonomy().category_ids + taxonomy().mechanism_ids
    digests = []
    for run in ("one", "two"):
        (tmp_path / run).mkdir()
        head = fit_head(examples, labels, Settings(folds=3))
        digests.append(save_heads({"ai": head}, tmp_path / run / "fast.npz", {"model": "fast"})["sha256"])
    assert digests[0] == digests[1]
    heads, _ = load_heads(tmp_path / "one" / "fast.npz")
    text = "Provider shall not use Customer Data to train its models."
    probabilities, given = heads["ai"].predict(analyse([text], [""]))
    assert probabilities.shape == given.shape == (1, len(labels))


def test_label_report_micro_and_macro() -> None:
    predicted = np.array([[1, 0], [1, 1], [0, 0]], dtype=bool)
    gold = np.array([[1, 0], [0, 1], [0, 1]], dtype=bool)
    report = LabelReport.from_predictions("t", ["a", "b"], predicted, gold)
    assert report.scores["a"].precision == 0.5 and report.scores["a"].recall == 1.0
    assert report.scores["b"].precision == 1.0 and report.scores["b"].recall == 0.5
    assert report.micro.f1 == pytest.approx(2 / 3)
    assert report.macro[2] == pytest.approx(2 / 3)


def test_held_out_splits_are_fixed_and_disjoint() -> None:
    train, dev = cuad_split(SHARED)
    assert (len(train), len(dev)) == (329, 79) and not train & dev
    companies = [f"company {n}" for n in range(30)]
    assert unfair_split(companies) == unfair_split(list(reversed(companies)))
    assert len(unfair_split(companies)) == 6


def test_unfair_tos_evaluation_runs_on_held_back_companies() -> None:
    report = evaluate_unfair(SHARED, say=lambda _: None)
    assert set(report.scores) >= {"Limitation of liability", "Arbitration", "none"}
    assert report.micro.gold > 1000
    assert 0.5 < report.macro[2] <= 1.0
