"""The command line as a user runs it: review in text and JSON, classify JSON Lines, bench, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import proportion

from conftest import EXAMPLE, SHARED

CLI = [sys.executable, "-c", "from proportion.cli import run; run()"]
INTERFACE_KEYS = {"schema", "document", "context", "clauses", "findings", "summary"}
CATEGORIES = [
    "output-accuracy",
    "confidentiality",
    "security",
    "training-use",
    "derived-data",
    "retention",
    "subprocessors",
    "privacy",
    "output-ownership",
    "ip-infringement",
    "acceptable-use",
    "model-change",
    "suspension",
    "oversight",
    "regulatory",
]
CLAUSE_KEYS = {"id", "number", "heading", "start", "end", "text", "categories", "mechanisms", "clause_types", "scores"}


def proportion_cli(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, input=stdin, timeout=300)


def test_review_prints_outline_terms_and_facts() -> None:
    result = proportion_cli("review", EXAMPLE)
    assert result.returncode == 0, result.stderr
    assert "AI Features Amendment" in result.stdout
    assert "Tracked changes" in result.stdout and "Harbor Legal" in result.stdout
    assert "Defined terms" in result.stdout and "Model Provider" in result.stdout
    assert "Availability Target" in result.stdout


def test_review_json_follows_the_stable_interface(tmp_path: Path) -> None:
    out = tmp_path / "review.json"
    result = proportion_cli("review", EXAMPLE, "--format", "json", "--output", out, "--side", "vendor")
    assert result.returncode == 0, result.stderr
    review = json.loads(out.read_text(encoding="utf-8"))
    assert set(review) >= INTERFACE_KEYS
    assert review["schema"] == "proportion.review/1"
    assert review["context"]["side"] == "vendor"
    assert {"path", "sha256", "format", "title", "text"} <= set(review["document"])
    assert review["document"]["format"] == "docx"
    text = review["document"]["text"]
    for clause in review["clauses"]:
        assert set(clause) >= CLAUSE_KEYS
        assert text[clause["start"] : clause["end"]] == clause["text"]
    for finding in review["findings"]:
        assert {
            "rule",
            "family",
            "categories",
            "side",
            "severity",
            "clause",
            "start",
            "end",
            "reason",
            "suggestion",
        } <= set(finding)
        assert text[finding["start"] : finding["end"]].strip()
    assert set(review["summary"]["categories"]) == {category for category in CATEGORIES}
    summary_keys = {"materiality", "target", "position", "proportionate"}
    assert all(summary_keys <= set(row) for row in review["summary"]["categories"].values())
    output_term = next(term for term in review["defined_terms"] if term["term"] == "Output")
    assert text[output_term["start"] : output_term["end"]] == "Output" and output_term["uses"]


def test_review_api_matches_the_cli() -> None:
    review = proportion.review(EXAMPLE)
    assert review.document.format == "docx"
    assert any(clause.number == "4.2" and clause.heading == "Training and Improvement" for clause in review.clauses)


def test_classify_reads_and_writes_json_lines_in_order(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps({"id": f"k{n}", "text": f"Clause {n}."}) for n in range(3)) + "\n"
    result = proportion_cli("classify", "-", stdin=lines)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["id"] for record in records] == ["k0", "k1", "k2"]
    assert set(records[0]) == {"id", "categories", "mechanisms", "clause_types", "scores"}


def test_classify_rejects_a_line_that_is_not_json(tmp_path: Path) -> None:
    source = tmp_path / "clauses.jsonl"
    source.write_text('{"id": "a", "text": "ok"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = proportion_cli("classify", source, "--output", out)
    assert result.returncode == 2
    assert "line 2" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_help_and_version() -> None:
    assert "review" in proportion_cli("--help").stdout
    assert proportion_cli("--version").stdout.strip() == f"proportion {proportion.__version__}"


def test_bench_prints_boundary_scores_and_speed_ratios() -> None:
    result = proportion_cli("bench", "--shared", SHARED, "--pages", "3", "--repeat", "1")
    assert result.returncode == 0, result.stderr
    assert "all documents (micro)" in result.stdout
    assert "raw extraction" in result.stdout and "pdf" in result.stdout and "docx" in result.stdout
