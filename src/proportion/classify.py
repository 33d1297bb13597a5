"""Classify: clause text -> risk categories, mechanisms and clause types with scores.

The trained classifier is not part of this release yet; until it lands every clause gets empty labels, which
keeps the ``classify`` JSON Lines contract of ``shared/spec/interfaces.md`` stable for the tools that read it.
"""

from __future__ import annotations


def classify_texts(texts: list[str]) -> list[dict[str, object]]:
    """One result per text, in order: ``categories``, ``mechanisms``, ``clause_types`` and ``scores``."""
    return [{"categories": [], "mechanisms": [], "clause_types": [], "scores": {}} for _ in texts]
