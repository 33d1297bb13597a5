"""Shared test fixtures: where the example agreement and the shared corpus live."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ai-features-amendment.docx"
SHARED = Path.cwd().parent / "shared" if (Path.cwd().parent / "shared").is_dir() else ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "open"
LABELS = SHARED / "data" / "ai_clauses" / "clauses.jsonl"


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}; the tests need ../shared beside the checkout")
    return CORPUS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "libreoffice: opens documents in LibreOffice headless (tests/libreoffice.py; installs it in CI)"
    )
