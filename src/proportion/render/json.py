"""The ``proportion.review/1`` JSON document of ``shared/spec/interfaces.md``."""

from __future__ import annotations

import json

from proportion.models import Review


def review_dict(review: Review) -> dict[str, object]:
    return review.model_dump(by_alias=True, mode="json")


def render_json(review: Review) -> str:
    return json.dumps(review_dict(review), ensure_ascii=False, indent=2) + "\n"
