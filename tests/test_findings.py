"""Findings on whole agreements: the example's deliberate terms, both sides, and golden reviews of open documents.

Golden files hold each review's findings (rule, clause number, evidence) and per-category verdicts. After an
intended change, regenerate them with ``PROPORTION_UPDATE_GOLDEN=1 pytest tests/test_findings.py`` and read the
diff before committing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from proportion import review
from proportion.context import build_context
from proportion.models import Review

from conftest import CORPUS, EXAMPLE
from test_cli import proportion_cli

GOLDEN = Path(__file__).with_name("golden")
GOLDEN_DOCUMENTS = [
    "commonpaper-ai-addendum-v1.0",
    "bonterms-ai-standard-clauses-v1.0",
    "github-copilot-pre-release-license-terms-2023",
    "microsoft-azure-direct-models-data-privacy",
    "commonpaper-cloud-service-agreement-v2.1",
]


def _flagged(result: Review) -> dict[str, set[str]]:
    numbers = {clause.id: clause.number for clause in result.clauses}
    flagged: dict[str, set[str]] = {}
    for finding in result.findings:
        flagged.setdefault(finding.rule, set()).add(numbers.get(finding.clause or "", "gap"))
    return flagged


@pytest.fixture(scope="module")
def customer_review() -> Review:
    return review(EXAMPLE)


def test_every_finding_has_a_verifiable_span(customer_review: Review) -> None:
    text = customer_review.document.text
    clauses = {clause.id: clause for clause in customer_review.clauses}
    assert customer_review.findings
    for finding in customer_review.findings:
        assert text[finding.start : finding.end].strip()
        if finding.clause is not None:
            clause = clauses[finding.clause]
            assert clause.start <= finding.start < finding.end <= clause.end
        assert finding.reason and finding.suggestion


def test_the_example_deliberate_vendor_terms_are_found(customer_review: Review) -> None:
    flagged = _flagged(customer_review)
    assert "3.4" in flagged["OVR105"]  # perpetual licence to customer content
    assert "4.2" in flagged["OVR102"]  # training with an opt-out only
    assert "8.2" in flagged["OVB101"]  # AS IS disclaimer reaching security and confidentiality
    assert "13.2" in flagged["CNF101"]  # one cap for output risk and data failures
    assert "11.1" in flagged["OVR107"]  # model changes without notice


PROPORTIONATE = {"2.3", "2.5", "3.2", "3.3", "4.1", "4.5", "5.1", "7.1", "7.2", "7.3", "7.4", "8.1", "8.3", "9.2"}
"""Clauses examples/README.md lists as deliberately proportionate, 8.1 (an accuracy-only disclaimer) among them."""


def test_proportionate_clauses_are_not_flagged(customer_review: Review) -> None:
    numbers = {clause.id: clause.number.split("(")[0] for clause in customer_review.clauses}
    flagged = [(finding.rule, numbers[finding.clause]) for finding in customer_review.findings if finding.clause]
    assert [item for item in flagged if item[1] in PROPORTIONATE] == []


def test_acting_for_the_vendor_surfaces_customer_over_reach() -> None:
    flagged = _flagged(review(EXAMPLE, context=build_context({"side": "vendor"})))
    assert {"OVR201", "OVR202", "OVR204"} <= set(flagged)
    assert not {"OVR102", "OVR105"} & set(flagged)


def test_fail_on_sets_the_exit_status() -> None:
    assert proportion_cli("review", EXAMPLE, "-f", "json", "--fail-on", "high").returncode == 1
    assert proportion_cli("review", EXAMPLE, "-f", "json").returncode == 0


def test_rule_pages_are_rendered_from_the_records() -> None:
    listing = proportion_cli("rules")
    assert listing.returncode == 0 and "OVB101" in listing.stdout and "GAP101" in listing.stdout
    page = proportion_cli("rule", "ovb101")
    assert page.returncode == 0
    for heading in (
        "What it detects",
        "Why it matters",
        "Flagged example",
        "Proportionate alternative",
        "Known limits",
    ):
        assert heading in page.stdout
    assert proportion_cli("rule", "XYZ999").returncode == 2


def _golden_view(result: Review) -> dict[str, object]:
    numbers = {clause.id: clause.number or clause.id for clause in result.clauses}
    text = result.document.text
    categories = result.summary["categories"]
    assert isinstance(categories, dict)
    return {
        "findings": [
            [finding.rule, numbers.get(finding.clause or "", "(gap)"), text[finding.start : finding.end][:80]]
            for finding in result.findings
        ],
        "verdicts": {category: row["verdict"] for category, row in categories.items()},
    }


@pytest.mark.parametrize("document", GOLDEN_DOCUMENTS)
def test_golden_review(document: str) -> None:
    view = _golden_view(review(CORPUS / f"{document}.txt"))
    path = GOLDEN / f"{document}.json"
    if os.environ.get("PROPORTION_UPDATE_GOLDEN"):
        path.write_text(json.dumps(view, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert view == json.loads(path.read_text(encoding="utf-8"))
