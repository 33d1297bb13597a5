"""The deal context: defaults listed as assumed, files and flags merged, bad answers refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from proportion.context import QUESTIONS, build_context, read_context_file, template
from proportion.errors import InputError

from test_cli import EXAMPLE, proportion_cli


def test_defaults_are_listed_as_assumed() -> None:
    context = build_context({"data": "personal"})
    assert context.side == "customer" and context.data == "personal"
    assert "data" not in context.assumed and "side" in context.assumed
    assert "personal_data" in context.facts() and "sensitive_data" in context.facts()


def test_unknown_questions_and_bad_answers_are_refused() -> None:
    with pytest.raises(InputError, match="unknown deal-context question"):
        build_context({"budget": 10})
    with pytest.raises(InputError, match="data"):
        build_context({"data": "top secret"})


def test_template_asks_every_question_and_loads_back(tmp_path: Path) -> None:
    text = template()
    loaded = yaml.safe_load(text)
    assert set(loaded) == set(QUESTIONS)
    assert build_context(loaded).assumed == []
    path = tmp_path / "context.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_context_file(path) == loaded


def test_review_takes_a_context_file_and_flags(tmp_path: Path) -> None:
    context = tmp_path / "deal.json"
    context.write_text(json.dumps({"data": "personal", "side": "customer"}), encoding="utf-8")
    out = tmp_path / "review.json"
    result = proportion_cli("review", EXAMPLE, "--context", context, "--no-human-review", "-f", "json", "-o", out)
    assert result.returncode == 0, result.stderr
    review = json.loads(out.read_text(encoding="utf-8"))
    assert review["context"]["data"] == "personal" and review["context"]["human_review"] is False
    assert "data" not in review["context"]["assumed"] and "deployment" in review["context"]["assumed"]
    summary = review["summary"]["categories"]
    assert summary["privacy"]["materiality"] == "high" and summary["output-accuracy"]["materiality"] == "high"


def test_bad_context_file_is_one_line_exit_2(tmp_path: Path) -> None:
    context = tmp_path / "deal.yaml"
    context.write_text("side: customer\nbudget: 3\n", encoding="utf-8")
    result = proportion_cli("review", EXAMPLE, "--context", context)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "budget" in result.stderr


def test_context_init_writes_a_template(tmp_path: Path) -> None:
    target = tmp_path / "context.yaml"
    assert proportion_cli("context", "init", target).returncode == 0
    assert "Which side we act for" in target.read_text(encoding="utf-8")
    again = proportion_cli("context", "init", target)
    assert again.returncode == 2 and "--force" in again.stderr
