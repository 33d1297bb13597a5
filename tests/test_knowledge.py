"""The knowledge base: identifiers match the shared spec, the schema rejects bad records, every signal's cases hold."""

from __future__ import annotations

import csv
import json
import re

import pytest
from pydantic import ValidationError

from proportion.classify.features import fired_signals
from proportion.knowledge import Signal, Signals, Taxonomy, clause_types, signals, taxonomy

from conftest import SHARED

SPEC = SHARED / "spec" / "taxonomy.md"


def _spec_table_ids(section: str) -> list[str]:
    text = SPEC.read_text(encoding="utf-8").split(section, 1)[1].split("\n## ", 1)[0]
    return [name for name in re.findall(r"^\| `?([a-z-]+)`? \|", text, re.MULTILINE) if name not in ("id", "family")]


def test_categories_and_natures_are_the_spec_ones() -> None:
    assert taxonomy().category_ids == _spec_table_ids("## 1. Risk categories")
    spec_natures = dict(re.findall(r"^\| `([a-z-]+)` \| .*\| (\w+) \|$", SPEC.read_text(encoding="utf-8"), re.M))
    assert {c.id: c.nature for c in taxonomy().categories} == spec_natures


def test_mechanisms_and_families_are_the_spec_ones() -> None:
    section = SPEC.read_text(encoding="utf-8").split("## 3. Mechanisms", 1)[1].split("## 4.", 1)[0]
    assert taxonomy().mechanism_ids == re.findall(r"`([a-z-]+)`", section)
    assert [family.id for family in taxonomy().families] == _spec_table_ids("## 4. Finding families")


def test_clause_types_are_cuads_41() -> None:
    with (SHARED / "data" / "cuad" / "category_descriptions.csv").open(encoding="utf-8-sig") as handle:
        names = [row[0].removeprefix("Category: ").strip() for row in csv.reader(handle)][1:]
    assert clause_types().ids == names
    assert len(names) == 41


def test_schema_rejects_unknown_keys_and_dangling_natures() -> None:
    record = taxonomy().model_dump()
    record["categories"][0]["severity"] = "high"
    with pytest.raises(ValidationError, match="severity"):
        Taxonomy.model_validate(record)
    record = taxonomy().model_dump()
    record["categories"][0]["nature"] = "accidental"
    with pytest.raises(ValidationError, match="unknown nature"):
        Taxonomy.model_validate(record)


def test_signal_schema_requires_examples() -> None:
    with pytest.raises(ValidationError, match="match"):
        Signals.model_validate({"version": 1, "signals": [{"id": "x", "labels": [], "why": "", "patterns": ["a"]}]})


@pytest.mark.parametrize("signal", signals(), ids=lambda signal: signal.id)
def test_signal_cases(signal: Signal) -> None:
    """Each signal fires on every flagged example and on none of its counter-examples."""
    for text in signal.match:
        assert signal.fires(text), f"{signal.id} should fire on: {text}"
    for text in signal.no_match:
        assert not signal.fires(text), f"{signal.id} should not fire on: {text}"


def test_anchor_prefilter_never_changes_a_result() -> None:
    """The substring prefilter is an optimisation only: on real clauses it agrees with the bare patterns."""
    with (SHARED / "data" / "ai_clauses" / "clauses.jsonl").open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines]
    fired = 0
    for text in texts:
        expected = [signal.id for signal in signals() if signal.regex.search(text.lower()) is not None]
        assert [signal.id for signal in signals() if signal.fires(text)] == expected, text
        assert fired_signals(text) == expected, text
        fired += len(expected)
    assert fired > 1000
