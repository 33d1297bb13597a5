"""The project's own training data passes its checkers: labels from the taxonomy, no copied text, no leaks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, SHARED


@pytest.mark.parametrize(
    ("folder", "arguments"),
    [("drafted", ["--shared", str(SHARED)]), ("cuad_mined", [str(SHARED / "data")])],
)
def test_training_data_checker_passes(folder: str, arguments: list[str]) -> None:
    checker = ROOT / "training" / folder / "check.py"
    completed = subprocess.run(
        [sys.executable, str(checker), *arguments], capture_output=True, text=True, cwd=checker.parent, timeout=300
    )
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    assert "OK" in completed.stdout


def test_checkers_use_the_taxonomy_identifiers() -> None:
    sys.path.insert(0, str(ROOT / "training"))
    from common import CATEGORIES, MECHANISMS

    from proportion.knowledge import taxonomy

    assert (taxonomy().category_ids, taxonomy().mechanism_ids) == (CATEGORIES, MECHANISMS)
